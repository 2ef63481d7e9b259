"""Constraints and the portfolio of k complementary candidates (``scipy.optimize.milp``).

Eligibility (constraints on single candidates): residents between ``--residents-min`` and
``--residents-max``; no overlap with an excluded area (polygons) and no excluded parcel.

Portfolio: binary ``x_i`` (candidate i chosen) and ``z_ti`` (candidate i is the portfolio's lead
for theme t: heating, sinks, mobility, the presets with a ``lead`` in preset_rationale.csv)::

    maximise   sum_i s_i x_i + sum_t sum_i c_ti z_ti
    subject to sum_i x_i = k;   z_ti <= x_i;   sum_i z_ti <= 1 (each theme has one lead);
               sum_{i in commune c} x_i <= n_c (at most n per commune);  x_i = 0 if not eligible

``s``: the candidate's score, ``c_t``: its score under theme t's preset (both min-max scaled to
0-1 over the eligible candidates). The optimum is the best-scoring set that also holds the
strongest available lead of each theme, i.e. candidates that complement each other; solved
exactly (HiGHS branch and bound), not greedily.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import lil_matrix

from minettgeo.errors import InfeasibleError

Array = NDArray[np.float64]


def scale01(v: Array, eligible: NDArray[np.bool_]) -> Array:
    v = np.asarray(v, dtype=float)
    if not eligible.any():
        return np.zeros(len(v))
    lo, hi = v[eligible].min(), v[eligible].max()
    return np.where(eligible, (v - lo) / (hi - lo) if hi > lo else 1.0, 0.0)


def choose_portfolio(
    score: Array,
    theme_scores: dict[str, Array],
    commune: NDArray[np.object_],
    eligible: NDArray[np.bool_],
    k: int,
    max_per_commune: int | None,
) -> tuple[NDArray[np.bool_], list[str]]:
    """(chosen, lead theme per candidate or '') (module docstring); InfeasibleError naming the
    constraint when no portfolio satisfies them."""
    n = len(score)
    n_ok = int(eligible.sum())
    if n_ok < k:
        raise InfeasibleError(
            f"--top {k}: only {n_ok} candidate(s) satisfy the constraints (residents bounds, "
            "exclusions); lower --top or relax --residents-min/--residents-max/--exclude"
        )
    if max_per_commune is not None:
        per = pd.Series(eligible).groupby(commune).sum()
        reachable = int(np.minimum(per.to_numpy(), max_per_commune).sum())
        if reachable < k:
            raise InfeasibleError(
                f"--max-per-commune {max_per_commune}: at most {reachable} eligible candidate(s) "
                f"can be chosen with it, fewer than --top {k}; raise --max-per-commune or lower --top"
            )
    themes = list(theme_scores)
    t = len(themes)
    nvar = n + t * n
    s = scale01(score, eligible)
    c = np.concatenate([-s] + [-scale01(theme_scores[name], eligible) for name in themes])
    communes = sorted(set(commune.tolist())) if max_per_commune is not None else []
    rows = 1 + t * n + t + len(communes)
    a = lil_matrix((rows, nvar))
    lb = np.full(rows, -np.inf)
    ub = np.zeros(rows)
    a[0, :n] = 1.0
    lb[0] = ub[0] = k
    r = 1
    for j in range(t):
        for i in range(n):  # z_ti - x_i <= 0 (constraint rows, built once)
            a[r, n + j * n + i] = 1.0
            a[r, i] = -1.0
            r += 1
    for j in range(t):
        a[r, n + j * n : n + (j + 1) * n] = 1.0
        ub[r] = 1.0
        r += 1
    for code in communes:
        a[r, np.flatnonzero(commune == code)] = 1.0
        ub[r] = float(max_per_commune or 0)
        r += 1
    upper = np.concatenate([eligible.astype(float)] + [eligible.astype(float)] * t)
    res = milp(
        c,
        constraints=LinearConstraint(a.tocsr(), lb, ub),
        integrality=np.ones(nvar),
        bounds=Bounds(np.zeros(nvar), upper),
    )
    if res.status != 0 or res.x is None:
        raise InfeasibleError(
            f"no portfolio of --top {k} candidates satisfies the constraints ({res.message}); "
            "relax --max-per-commune, --residents-min/--residents-max or --exclude"
        )
    x = np.round(res.x).astype(bool)
    chosen = x[:n]
    lead = [""] * n
    for j, name in enumerate(themes):
        for i in np.flatnonzero(x[n + j * n : n + (j + 1) * n]).tolist():
            lead[i] = name
    return chosen, lead
