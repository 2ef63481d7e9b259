"""The baseline evolution of a trajectory, 2024-2050: the current inventory's rows times the
background paths that drive them, per commune, sector column and draw.

For commune c, GPC sector s, draw d (row 0 = central values) and year y >= 2024::

    B(c, s, d, y) = sum over GPC rows r of s  of  I(c, r) x M(r, d, y)
    M(r, d, y)    = product of the background paths of row r (baseline_drivers.csv), each
                    path at its own quantile u_d (one per draw, all years), = 1 in 2024

The electricity and district-heat paths are those of the effects' context (same draws as the
measures); every other path draws its quantiles from the stream (seed, 9000 + i).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from importlib import resources

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from minettgeo.scenarios import effects as fx
from minettgeo.scenarios.baseline import SECTORS, _gross_rows

Array = NDArray[np.float64]


#: sector columns of a trajectory: the GPC sectors, gross (I-IV BASIC), sinks (V), net
COLUMNS = (*SECTORS, "gross", "net")


def drivers() -> pd.DataFrame:
    with resources.as_file(fx.DATA / "baseline_drivers.csv") as p:
        return pd.read_csv(p)


def row_variables(codes: Sequence[str]) -> list[tuple[str, ...]]:
    """The background variables multiplying each GPC row (() = constant)."""
    table = drivers()
    out: list[tuple[str, ...]] = []
    for code in codes:
        hit = next(
            (str(r.variables) for r in table.itertuples() if re.search(str(r.pattern), code)),
            None,
        )
        out.append(tuple(hit.split("*")) if hit else ())
    return out


def path_draws(ctx: fx.Context, variables: Sequence[str], seed: int) -> dict[str, Array]:
    """Each background variable at central values (row 0) and one quantile per draw, years
    2024-2050: the electricity and district-heat paths are the effects' own (same draws)."""
    out: dict[str, Array] = {"electricity_factor": ctx.m_el, "district_heat_factor": ctx.m_dh}
    for i, var in enumerate(sorted(set(variables) - set(out))):
        rng = np.random.default_rng([seed, 9000 + i])
        u = np.concatenate([[0.5], rng.random(ctx.n - 1)])
        out[var] = fx.path_multipliers(ctx.catalogue, var, u, ctx.years)
    return out


def baseline_future(
    current: pd.DataFrame, communes: Sequence[str], ctx: fx.Context, paths: Mapping[str, Array]
) -> Array:
    """B(c, column, d, y) for y = 2024..2050 from the current rows (lau2, code, co2e_t)."""
    gross_rows = _gross_rows()
    codes = sorted(set(current["code"]))
    variables = row_variables(codes)
    combos = sorted(set(variables))
    combo_of = dict(zip(codes, variables, strict=True))
    n, ny = ctx.n, len(ctx.years)
    m = np.ones((len(combos), n, ny))
    for k, combo in enumerate(combos):
        for var in combo:
            m[k] = m[k] * paths[var]
    cidx = {c: i for i, c in enumerate(communes)}
    weights = np.zeros((len(communes), len(COLUMNS), len(combos)))
    for lau2, code, v in zip(
        current["lau2"].astype(str),
        current["code"].astype(str),
        current["co2e_t"].to_numpy(dtype=float),
        strict=True,
    ):
        if lau2 not in cidx:
            continue
        sector = code.split(".")[0]
        k = combos.index(combo_of[code])
        i = cidx[lau2]
        if sector == "V":
            weights[i, COLUMNS.index("V"), k] += v
        elif code in gross_rows:
            weights[i, COLUMNS.index(sector), k] += v
    weights[:, COLUMNS.index("gross")] = weights[:, [COLUMNS.index(s) for s in SECTORS[:4]]].sum(1)
    weights[:, COLUMNS.index("net")] = (
        weights[:, COLUMNS.index("gross")] + weights[:, COLUMNS.index("V")]
    )
    return np.einsum("csk,kdy->csdy", weights, m)
