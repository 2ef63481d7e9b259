"""``GET /ranking``: candidate test districts ranked from the current run (no computation here:
:func:`minettgeo.rank.service.rank_run` does it, once per run and parameters; the ranking
without parameters is built in the background as soon as the server opens a run)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel

from api.context import AppContext
from minettgeo.rank.query import DEFAULT_QUERY, RankingQuery
from minettgeo.results.reader import Results


class CandidateRank(BaseModel):
    candidate_id: str
    name: str
    lau2: str
    rank: int
    score: float
    p_top: float
    median_rank: float
    rank_p05: float
    rank_p95: float
    portfolio: bool
    portfolio_lead: str
    explanation_en: str
    explanation_fr: str
    criteria: dict[str, float | None]


class Agreement(BaseModel):
    method_a: str
    method_b: str
    spearman: float
    ws_similarity: float


class RankingResponse(BaseModel):
    run_id: str
    method: str
    weights: dict[str, float]
    top: int
    draws: int
    seed: int
    candidates: list[CandidateRank]
    agreement: list[Agreement]


def ranking_body(res: Results, query: RankingQuery) -> bytes:
    """The JSON of the ranking of run ``res`` for ``query`` (validated by the response model;
    :func:`minettgeo.rank.payload.ranking_payload` computes it)."""
    from minettgeo.rank.payload import ranking_payload

    payload = ranking_payload(res.run_dir, **asdict(query))
    return RankingResponse.model_validate(payload).model_dump_json().encode("utf-8")


def ranking_key(res: Results, query: RankingQuery) -> tuple[object, ...]:
    """The cache key of a ranking: the run id first (entries of a replaced run are dropped)."""
    return (res.run_id, "ranking", *query.key())


def build_router(ctx: AppContext) -> APIRouter:
    router = APIRouter(tags=["ranking"])

    def warm_default(res: Results) -> None:
        """The ranking without parameters, built once per run in the warm thread."""
        ctx.prepare(ranking_key(res, DEFAULT_QUERY), lambda: ranking_body(res, DEFAULT_QUERY))

    ctx.warm_tasks.append(warm_default)
    d = DEFAULT_QUERY

    @router.get("/ranking", response_model=RankingResponse)
    async def get_ranking(
        request: Request,
        preset: str | None = Query(d.preset, description="heating, sinks, mobility or balanced"),
        weights: str | None = Query(d.weights, description="name=value,... (criteria or columns)"),
        method: Literal["topsis", "ws", "promethee"] = Query(d.method),
        candidates: Literal["districts", "generated"] = Query(d.candidates),
        top: int = Query(d.top, ge=1, le=50),
        draws: int = Query(d.draws, ge=10, le=10_000),
        seed: int = Query(d.seed, ge=0),
    ) -> Response:
        # computed once per run and parameters in the thread pool (the default one as soon as
        # the server opens the run); a MinettgeoError reaches the app's handler
        query = RankingQuery(preset, weights, method, candidates, top, draws, seed)
        res = ctx.results()
        return await ctx.cached_response(
            request,
            ranking_key(res, query),
            lambda: ranking_body(res, query),
            "application/json",
            keep=query == DEFAULT_QUERY,
        )

    return router
