"""A ranking of a run as plain data: the answer of ``GET /ranking`` (its response model)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from minettgeo.rank.options import RankOptions
from minettgeo.rank.service import rank_run
from minettgeo.rank.tables import criteria_table


def ranking_payload(
    run_dir: Path,
    *,
    preset: str | None,
    weights: str | None,
    method: str,
    candidates: str,
    top: int,
    draws: int,
    seed: int,
) -> dict[str, object]:
    """A ranking of the run in ``run_dir`` as plain data (for the API's response model)."""
    from minettgeo.rank.runio import load_run
    from minettgeo.rank.tables import parse_weights

    options = RankOptions(
        weights=parse_weights(weights) if weights is not None else None,
        preset=preset,
        method=method,
        candidates=candidates,
        top=top,
        draws=draws,
        seed=seed,
    )
    options.check()
    ranking = rank_run(load_run(run_dir), options)
    t = ranking.table[ranking.table["eligible"]]
    crit = list(criteria_table().index)
    rows = []
    for cid, row in t.iterrows():  # one row per candidate in the answer
        rows.append(
            {
                "candidate_id": str(cid),
                "name": str(row["name"]),
                "lau2": str(row["lau2"]),
                "rank": int(row["rank"]),
                "score": float(row["score"]),
                "p_top": float(row["p_top"]),
                "median_rank": float(row["median_rank"]),
                "rank_p05": float(row["rank_p05"]),
                "rank_p95": float(row["rank_p95"]),
                "portfolio": bool(row["portfolio"]),
                "portfolio_lead": str(row["portfolio_lead"]),
                "explanation_en": str(row["explanation_en"]),
                "explanation_fr": str(row["explanation_fr"]),
                "criteria": {
                    c: (float(row[c]) if np.isfinite(float(row[c])) else None) for c in crit
                },
            }
        )
    return {
        "run_id": ranking.run_id,
        "method": method,
        "weights": ranking.weights,
        "top": top,
        "draws": draws,
        "seed": seed,
        "candidates": rows,
        "agreement": ranking.agreement,
    }
