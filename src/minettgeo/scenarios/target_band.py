"""The 2030 target's interval and the probability of meeting it, with the 2005 baseline's draws.

For level l (commune or region) and draw d (0 = central; 1..n draws, paired with the
trajectory's draw d: same factor draws, :mod:`baseline_draws`)::

    B05(l, d)        2005 gross emissions (BASIC rows of I-IV), t CO2e/a; exact baseline: B05(l, 0)
                     in every draw; region = sum of its communes in every draw
    target(l, d)     = 0.45 x B05(l, d)                                        (-55 % in 2030)
    target p05/p50/p95 = 0.45 x the 5th/50th/95th percentile of B05(l, 1..n)
    P(-55 %)         = share of d in 1..n with gross(l, d, 2030) <= target(l, d)
                       (no path draws: [gross(l, 0, 2030) <= target(l, 0)], said in the output)
    P(net zero 2050) = share of d with net(l, d, 2050) <= 0          (no baseline in the target)
    history          T(l, s, d, y) = B05(l, s, d) + (y - 2005)/(2024 - 2005) x (I(l, s) - B05(l, s, d))

For the robust plan (:mod:`robust`) the 2005 baseline is one more uncertain factor of a future
f, a quantile u_f in [0, 1] sampled with the others::

    B05(region, f)   = Q(u_f) of B05(region, 1..n), numpy's linear empirical quantile
                       (exact baseline: B05(region, 0) in every future)
    target(f)        = 0.45 x B05(region, f)        (:func:`baseline_at_quantile`)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from minettgeo.scenarios.baseline import Baseline
from minettgeo.scenarios.baseline_draws import sector_draws

Array = NDArray[np.float64]
REMAINING_2030 = 0.45
BASIS = {
    "draws": {
        "en": "draws of the path and of the 2005 baseline (paired: same factor draws)",
        "fr": "tirages de la trajectoire et de la référence 2005 (appariés : mêmes tirages "
        "des facteurs)",
    },
    "central": {
        "en": "central values only: the path has no draws",
        "fr": "valeurs centrales seulement : la trajectoire n'a pas de tirages",
    },
}
LABELS = {
    "target_interval": {
        "en": "90 % interval of the -55 % target (from the 2005 baseline's uncertainty)",
        "fr": "intervalle à 90 % de l'objectif -55 % (incertitude de la référence 2005)",
    },
    "p_minus55_2030": {
        "en": "probability that gross emissions 2030 are at most 45 % of 2005",
        "fr": "probabilité que les émissions brutes 2030 soient au plus 45 % de celles de 2005",
    },
}


def target_2030(gross_2005: Array) -> Array:
    """The -55 % target of 2030, ``0.45 x gross_2005`` (t CO2e/a; gross = BASIC rows of I-IV)."""
    return REMAINING_2030 * np.asarray(gross_2005, dtype=float)


def target_percentiles(gross_2005: Array) -> tuple[Array, Array, Array]:
    """The 2030 target's 5th, 50th and 95th percentiles per level, ``0.45 x`` the percentiles of
    ``gross_2005`` (levels x (1 + draws), column 0 central) over the draws 1..n (no draws: the
    central value), t CO2e/a."""
    base = gross_2005[:, 1:] if gross_2005.shape[1] > 1 else gross_2005[:, :1]
    p05, p50, p95 = np.percentile(base, [5, 50, 95], axis=1)
    return target_2030(p05), target_2030(p50), target_2030(p95)


def region_gross_2005(baseline: Baseline, communes: Sequence[str]) -> Array:
    """The region's 2005 gross emissions per draw, (1 + draws,): [0] the central value (sum
    over ``communes`` of :meth:`Baseline.sectors` gross), then the draws of
    :func:`baseline_draws.sector_draws` summed over the communes; an exact baseline: (1,)."""
    sec = baseline.sectors().reindex(list(communes), fill_value=0.0)
    central = float(sec["gross"].sum())
    if baseline.row_draws is None:
        return np.array([central])
    out = np.array(sector_draws(baseline, list(communes), ("gross",))[:, 0, :].sum(axis=0))
    out[0] = central
    return out


def baseline_at_quantile(gross_2005: Array, u: Array) -> Array:
    """B05(f) = Q(u_f): the linear empirical quantile of the draws ``gross_2005[1:]`` (t CO2e/a,
    one value per ``u``); an exact baseline (one value): ``gross_2005[0]`` whatever u. The
    future's target is then :func:`target_2030` of it."""
    u = np.asarray(u, dtype=float)
    if len(gross_2005) < 2:
        return np.full(u.shape, float(gross_2005[0]))
    return np.asarray(np.quantile(gross_2005[1:], u), dtype=float)


def baseline_band(
    central: Array, baseline: Baseline, communes: Sequence[str], columns: tuple[str, ...], n: int
) -> Array:
    """(levels, columns, n) with the region last: the baseline's sector totals per draw
    (``n`` = 1 + draws), column 0 = ``central`` (levels x columns, region last) exactly; an
    exact baseline repeats ``central`` in every draw."""
    if baseline.row_draws is None:
        return np.repeat(central[:, :, None], n, axis=2)
    d = sector_draws(baseline, list(communes), columns)
    if d.shape[2] != n:
        raise ValueError(f"the 2005 baseline has {d.shape[2]} draws, the trajectory {n}")
    out = np.concatenate([d, d.sum(axis=0, keepdims=True)], axis=0)
    out[:, :, 0] = central
    return out


def history_draws(b05: Array, future: Array, years: NDArray[np.int64]) -> Array:
    """(levels, columns, draws, years 2005..2050): per draw the straight line from B05(d) to the
    central inventory value, then the future (first year of ``future`` = the inventory year)."""
    t = (years - years[0]) / (years[-1] - years[0])
    now = future[:, :, 0, 0]
    hist = b05[..., None] + (now[:, :, None] - b05)[..., None] * t
    return np.concatenate([hist[..., :-1], future], axis=3)


def target_columns(b05: Array, gross_2030: Array, gi: int) -> dict[str, Array]:
    """Milestone columns: the 2005 gross and 2030 target intervals and P(-55 %) (module
    docstring); ``gross_2030``: (levels, 1 + draws) of the path."""
    has_draws = gross_2030.shape[1] > 1
    base = b05[:, gi, 1:] if b05.shape[2] > 1 else b05[:, gi, :1]
    p05, p50, p95 = np.percentile(base, [5, 50, 95], axis=1)
    if has_draws:
        p = (gross_2030[:, 1:] <= target_2030(base)).mean(axis=1)
    else:
        p = (gross_2030[:, 0] <= target_2030(b05[:, gi, 0])).astype(float)
    basis = BASIS["draws" if has_draws else "central"]["en"]
    t05, t50, t95 = target_percentiles(b05[:, gi, :])
    return {
        "gross_2005_p05": p05,
        "gross_2005_p50": p50,
        "gross_2005_p95": p95,
        "target_2030_p05": t05,
        "target_2030_p50": t50,
        "target_2030_p95": t95,
        "p_minus55_2030": p,
        "p_minus55_basis": np.array([basis] * b05.shape[0], dtype=object),
    }


def baseline_interval(
    b05: Array, levels: Sequence[str], names: Mapping[str, str], columns: Sequence[str]
) -> pd.DataFrame:
    """The 2005 baseline per level and column (I-V, gross, net): central value and the 5th,
    50th and 95th percentiles of its draws (``b05``: levels x columns x (1 + draws); without
    draws the percentiles are the central value), t CO2e/a."""
    draws = b05[:, :, 1:] if b05.shape[2] > 1 else b05
    p05, p50, p95 = np.percentile(draws, [5, 50, 95], axis=2)
    n_col = len(columns)
    return pd.DataFrame(
        {
            "level": np.repeat(list(levels), n_col),
            "name": np.repeat([names.get(v, v) for v in levels], n_col),
            "column": list(columns) * len(levels),
            "central_tco2e": b05[:, :, 0].reshape(-1),
            "p05": p05.reshape(-1),
            "p50": p50.reshape(-1),
            "p95": p95.reshape(-1),
        }
    )
