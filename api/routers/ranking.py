"""``GET /ranking``: candidate test districts ranked from the current run (no computation here:
:func:`minettgeo.rank.service.rank_run` does it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel


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


def _run_dir(ctx: Any) -> Path:
    """The current run of the app context (``ctx.results().run_dir``, else ``ctx.results_dir``)."""
    results = getattr(ctx, "results", None)
    if callable(results):
        return Path(results().run_dir)
    return Path(ctx.results_dir)


def build_router(ctx: Any) -> APIRouter:
    router = APIRouter(tags=["ranking"])

    @router.get("/ranking", response_model=RankingResponse)
    def get_ranking(
        preset: str | None = Query(None, description="heating, sinks, mobility or balanced"),
        weights: str | None = Query(None, description="name=value,... (criteria or columns)"),
        method: Literal["topsis", "ws", "promethee"] = Query("topsis"),
        candidates: Literal["districts", "generated"] = Query("districts"),
        top: int = Query(3, ge=1, le=50),
        draws: int = Query(200, ge=10, le=10_000),
        seed: int = Query(2028, ge=0),
    ) -> RankingResponse:
        from minettgeo.rank.service import ranking_payload

        # a MinettgeoError reaches the app's handler: {error, message} with its HTTP status
        payload = ranking_payload(
            _run_dir(ctx),
            preset=preset,
            weights=weights,
            method=method,
            candidates=candidates,
            top=top,
            draws=draws,
            seed=seed,
        )
        return RankingResponse.model_validate(payload)

    return router
