"""Robustness of a ranking: weight draws x emission draws, vectorised over draws.

Weights: Dirichlet draws centred on the user's weights ``w`` (sum 1) with concentration ``c``:
``alpha = c x w`` (criteria with zero weight stay at zero), so the mean draw is ``w`` and a larger
``c`` keeps draws closer to it (variance of weight k: ``w_k (1 - w_k) / (c + 1)``). Emissions:
draw ``d`` of the run's factor Monte Carlo gives each candidate's BASIC and transport emissions
(:mod:`minettgeo.rank.emissions`), hence draw ``d`` of the three emission criteria; the other
criteria are fixed. Weight draw ``d`` is paired with emission draw ``d``. Per candidate: the
probability of ranking in the top ``k``, the median rank and the 90 % rank interval (5th-95th
percentile). Seeded (``numpy.random.default_rng(seed)``) and reproducible; batches of draws keep
memory bounded (no Python loop per draw).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from minettgeo.errors import ParameterError
from minettgeo.rank.methods import batch_scores, ranks_of, split_scores

Array = NDArray[np.float64]
CONCENTRATION = 50.0
BATCH = 1000


@dataclass(frozen=True)
class Robustness:
    """Per candidate (rows in matrix order): p_top, median_rank, rank_p05, rank_p95."""

    table: pd.DataFrame
    draws: int
    seed: int
    concentration: float


def weight_draws(weights: Array, n: int, concentration: float, rng: np.random.Generator) -> Array:
    """n x criteria Dirichlet draws with mean ``weights`` (module docstring)."""
    if not (np.isfinite(concentration) and concentration > 0):
        raise ParameterError(f"--concentration must be a positive number, got {concentration}")
    w = np.asarray(weights, dtype=float)
    out = np.zeros((n, len(w)))
    active = w > 0
    if active.sum() == 1:
        out[:, active] = 1.0
        return out
    out[:, active] = rng.dirichlet(concentration * w[active], size=n)
    return out


def fill_undefined(x: Array, types: Array) -> Array:
    """Undefined values (NaN, e.g. per-resident figures below the minimum residents) take the
    least favourable value of their criterion among the candidates (per draw)."""
    worst = np.where(
        np.asarray(types) > 0,
        np.nanmin(np.where(np.isnan(x), np.inf, x), axis=-2),
        np.nanmax(np.where(np.isnan(x), -np.inf, x), axis=-2),
    )
    worst = np.where(np.isfinite(worst), worst, 0.0)
    return np.where(np.isnan(x), np.expand_dims(worst, -2), x)


def robustness(
    method: str,
    matrix: Array,
    weights: Array,
    types: Array,
    *,
    varying: Mapping[int, Array] | None = None,
    draws: int = 1000,
    seed: int = 2028,
    top: int = 3,
    concentration: float = CONCENTRATION,
) -> Robustness:
    """``matrix`` candidates x criteria (central values); ``varying``: criterion column -> draws
    x candidates of that criterion (e.g. emissions per resident), at least ``draws`` rows."""
    x = np.asarray(matrix, dtype=float)
    n, m = x.shape
    rng = np.random.default_rng(seed)
    w = weight_draws(weights, draws, concentration, rng)
    varying = dict(varying or {})
    ranks = np.empty((draws, n), dtype=np.int32)
    columns = sorted(varying)
    fixed = fill_undefined(x, types) if not columns else x.copy()
    if columns:
        others = np.setdiff1d(np.arange(m), columns)
        fixed[:, others] = fill_undefined(x[:, others], np.asarray(types)[others])
    for start in range(0, draws, BATCH):
        stop = min(draws, start + BATCH)
        if columns:
            values = np.stack([varying[c][start:stop] for c in columns], axis=2)
            values = fill_undefined(values, np.asarray(types)[columns])
            score = split_scores(method, fixed, w[start:stop], types, columns, values)
        else:
            score = batch_scores(method, fixed, w[start:stop], types)
        ranks[start:stop] = ranks_of(score)
    table = pd.DataFrame(
        {
            "p_top": (ranks <= top).mean(axis=0),
            "median_rank": np.median(ranks, axis=0),
            "rank_p05": np.percentile(ranks, 5, axis=0),
            "rank_p95": np.percentile(ranks, 95, axis=0),
        }
    )
    return Robustness(table, draws, seed, concentration)
