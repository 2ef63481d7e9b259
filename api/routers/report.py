"""``GET /api/report`` (HTML), ``GET /api/report.pdf`` and ``GET /api/kpis``: the progress report
and the KPIs of the current run, built by :mod:`minettgeo.report.progress.service` and
:mod:`minettgeo.kpi.compute`, cached per run and inputs."""

from __future__ import annotations

import json
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.context import AppContext
from api.params import PageLanguage, language_headers

Level = Annotated[
    Literal["commune", "district", "region"] | None,
    Query(description="only this level (all levels when absent)"),
]


def build_router(ctx: AppContext) -> APIRouter:
    router = APIRouter(prefix="/api", tags=["report"])

    def key(kind: str, lang: str) -> tuple[object, ...]:
        from minettgeo.report.progress.service import served_inputs

        run = ctx.results()
        found = served_inputs(ctx.results_dir)
        return (kind, run.run_id, lang, found.fingerprint())

    @router.get(
        "/report",
        summary="progress report of the current run (self-contained HTML)",
        response_class=Response,
        responses={200: {"content": {"text/html": {}}}},
    )
    async def report_page(request: Request, lang: PageLanguage) -> Response:
        from minettgeo.report.progress.service import report_html, served_inputs

        run, found = ctx.results(), served_inputs(ctx.results_dir)
        return await ctx.cached_response(
            request,
            key("html", lang),
            lambda: report_html(run, found, lang),
            "text/html; charset=utf-8",
            headers=language_headers(lang),
        )

    @router.get(
        "/report.pdf",
        summary="progress report of the current run (PDF)",
        response_class=Response,
        responses={200: {"content": {"application/pdf": {}}}},
    )
    async def report_pdf(request: Request, lang: PageLanguage) -> Response:
        from minettgeo.report.progress.service import report_pdf as build
        from minettgeo.report.progress.service import served_inputs

        run, found = ctx.results(), served_inputs(ctx.results_dir)
        return await ctx.cached_response(
            request,
            key("pdf", lang),
            lambda: build(run, found, lang),
            "application/pdf",
            headers={
                **language_headers(lang),
                "Content-Disposition": f'inline; filename="report_{lang}_{run.run_id}.pdf"',
            },
        )

    @router.get(
        "/kpis",
        summary="KPIs of the current run per commune, district and region (registry: docs/kpis.md)",
        response_class=Response,
        responses={200: {"content": {"application/json": {}}}},
    )
    async def kpis(request: Request, level: Level = None) -> Response:
        from minettgeo.kpi.compute import current_kpis, kpi_document
        from minettgeo.kpi.registry import load_registry

        run = ctx.results()

        def build() -> bytes:
            doc = kpi_document(run.run_id, current_kpis(run, load_registry()), level)
            return json.dumps(doc, ensure_ascii=False).encode()

        return await ctx.cached_response(
            request, ("kpis", run.run_id, level), build, "application/json"
        )

    return router
