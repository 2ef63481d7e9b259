"""The trajectory 2005-2050 of a scenario, per commune and region: baseline evolution plus the
scenario's measures, with a Monte Carlo band.

For commune c, GPC sector s, draw d (row 0 = central values) and year y::

    B(c, s, d, y) = sum over GPC rows r of s  of  I(c, r) x M(r, d, y)          y >= 2024
    M(r, d, y)    = product of the background paths of row r (baseline_drivers.csv), each
                    path at its own quantile u_d (one per draw, all years), = 1 in 2024
    T(c, s, d, y) = B(c, s, d, y) + sum over measures m of delta_m(c, s, d, y)
    T(c, s, d, y) = T05(c, s, d) + (y - 2005) / (2024 - 2005) x (I(c, s) - T05(c, s, d))  y < 2024

Stages: the baseline evolution (:mod:`trajectory_paths`), the measures per commune
(:mod:`trajectory_measures`), the history and milestones (here, with :mod:`target_band`), the
wedges, costs and cheapest set (:mod:`trajectory_costs`).

``I`` is the current inventory (t CO2e/a of the inventory year 2024; so T(2024) = I exactly),
``T05`` the 2005 baseline (:mod:`baseline`; per draw: :mod:`baseline_draws`), ``delta_m`` the change set of measure m computed by
the engine's per-feature models (:mod:`effects`) on the features of commune c it targets
(quantities given for the whole target, such as hectares or dwellings, are split by the
commune's share of the target's parcel area). The region is the sum of its communes.

Milestones (gross = BASIC rows of sectors I-IV, sinks = sector V, kept apart)::

    P(-55 %)    = share of draws d with gross(2030, d) <= (1 - 0.55) x gross_2005(d), the 2005
                  baseline's draw d paired with the path's (exact baseline: its central value;
                  :mod:`target_band`, which also gives the target's 90 % interval)
    P(net zero) = share of draws with gross(2050) + sinks(2050) <= 0
    gap 2030    = central gross(2030) - 0.45 x gross_2005      (t CO2e/a; > 0 = still missing)
    gap 2050    = central gross(2050) + sinks(2050)

Marginal abatement cost of a measure = its resources in EUR / its central cumulative abatement
2025-2050 (t CO2e). The cheapest set closing the gaps (the plan's measures and the scenario's
options, each taken whole or not): ``min sum c_i x_i`` subject to ``sum a_i(2030) x_i >=
need(2030)`` and ``sum a_i(2050) x_i >= need(2050)``, x binary (``scipy.optimize.milp``), where
``need`` is the baseline's distance to the milestone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from minettgeo.scenarios import effects as fx
from minettgeo.scenarios import target_band as tb
from minettgeo.scenarios.baseline import SECTORS, Baseline
from minettgeo.scenarios.policy import FIRST_YEAR, LAST_YEAR
from minettgeo.scenarios.scenario import INVENTORY_YEAR, Scenario
from minettgeo.scenarios.trajectory_costs import cheapest_set, mac_table, wedges_table
from minettgeo.scenarios.trajectory_measures import MeasureResult, measure_array, measure_results
from minettgeo.scenarios.trajectory_measures import split_by_commune as split_by_commune
from minettgeo.scenarios.trajectory_paths import COLUMNS, baseline_future, path_draws, row_variables

Array = NDArray[np.float64]
YEARS = np.arange(FIRST_YEAR, LAST_YEAR + 1)
TARGET_2030 = 0.55
#: share of the 2005 gross emissions allowed in 2030 (1 - 0.55, written exactly; one constant:
#: :data:`target_band.REMAINING_2030`)
REMAINING_2030 = tb.REMAINING_2030


@dataclass(frozen=True)
class Trajectory:
    scenario: Scenario
    baseline_2005: Baseline
    levels: tuple[str, ...]  # communes then "region"
    names: Mapping[str, str]
    years: NDArray[np.int64]
    baseline: Array  # (levels, columns, 1 + draws, years): without measures
    values: Array  # (levels, columns, 1 + draws, years): with the plan's measures
    measures: tuple[MeasureResult, ...]
    milestones: pd.DataFrame
    wedges: pd.DataFrame
    mac: pd.DataFrame
    cheapest: Mapping[str, Any]
    provenance: Mapping[str, Any] = field(default_factory=dict)

    def column(self, name: str) -> int:
        return COLUMNS.index(name)

    def year(self, y: int) -> int:
        return int(y - FIRST_YEAR)


def history(b05: Array, now: Array) -> Array:
    """Linear path from 2005 to the inventory year, (levels, columns, years 2005..2024)."""
    t = (np.arange(FIRST_YEAR, INVENTORY_YEAR + 1) - FIRST_YEAR) / (INVENTORY_YEAR - FIRST_YEAR)
    return b05[..., None] + (now - b05)[..., None] * t


def baseline_2005_array(baseline: Baseline, communes: Sequence[str]) -> Array:
    sec = baseline.sectors().reindex(list(communes), fill_value=0.0)
    out = np.zeros((len(communes), len(COLUMNS)))
    for s in SECTORS:
        out[:, COLUMNS.index(s)] = sec[s].to_numpy()
    out[:, COLUMNS.index("gross")] = sec["gross"].to_numpy()
    out[:, COLUMNS.index("net")] = sec["gross"].to_numpy() + sec["sinks"].to_numpy()
    return out


def with_region(a: Array) -> Array:
    return np.concatenate([a, a.sum(axis=0, keepdims=True)], axis=0)


def full_years(b05: Array, future: Array) -> Array:
    """(levels, columns, draws, 2005..2050): history (the same in every draw) then future."""
    hist = history(b05, future[:, :, 0, 0])  # future[..., 0] is the inventory year
    n = future.shape[2]
    past = np.broadcast_to(hist[:, :, None, :-1], (*hist.shape[:2], n, hist.shape[2] - 1))
    return np.concatenate([past, future], axis=3)


def probabilities(values: Array, b05: Array) -> tuple[Array, Array]:
    """P(-55 % in 2030) and P(net zero in 2050) per level, over the draws (rows 1..)."""
    draws = values[:, :, 1:] if values.shape[2] > 1 else values
    gi, ni = COLUMNS.index("gross"), COLUMNS.index("net")
    g2030 = draws[:, gi, :, 2030 - FIRST_YEAR]
    n2050 = draws[:, ni, :, 2050 - FIRST_YEAR]
    target = tb.target_2030(b05[:, gi])
    return (g2030 <= target[:, None]).mean(axis=1), (n2050 <= 0).mean(axis=1)


def milestones_table(
    levels: Sequence[str],
    names: Mapping[str, str],
    base: Array,
    values: Array,
    b05: Array,
    b05_draws: Array | None = None,
) -> pd.DataFrame:
    """Per level: the milestones of the module docstring; with ``b05_draws`` (levels x columns
    x (1 + draws)) the 2030 target's interval and P(-55 %) over the paired draws of the path
    and the baseline (:mod:`target_band`)."""
    gi, ni, vi = COLUMNS.index("gross"), COLUMNS.index("net"), COLUMNS.index("V")
    p55, pnz = probabilities(values, b05)
    y30, y50 = 2030 - FIRST_YEAR, 2050 - FIRST_YEAR
    target = tb.target_2030(b05[:, gi])
    pct = np.percentile(values[:, :, 1:], [5, 95], axis=2) if values.shape[2] > 1 else None
    rec = {
        "level": list(levels),
        "name": [names.get(c, c) for c in levels],
        "gross_2005_tco2e": b05[:, gi],
        "gross_2024_tco2e": values[:, gi, 0, INVENTORY_YEAR - FIRST_YEAR],
        "target_2030_tco2e": target,
        "baseline_gross_2030_tco2e": base[:, gi, 0, y30],
        "gross_2030_tco2e": values[:, gi, 0, y30],
        "change_2005_2030": values[:, gi, 0, y30] / np.where(b05[:, gi] > 0, b05[:, gi], np.nan)
        - 1.0,
        "p_minus55_2030": p55,
        "gap_2030_tco2e": values[:, gi, 0, y30] - target,
        "gross_2050_tco2e": values[:, gi, 0, y50],
        "sinks_2050_tco2e": values[:, vi, 0, y50],
        "net_2050_tco2e": values[:, ni, 0, y50],
        "p_net_zero_2050": pnz,
        "gap_2050_tco2e": values[:, ni, 0, y50],
    }
    band = b05[:, :, None] if b05_draws is None else b05_draws
    rec.update(tb.target_columns(band, values[:, gi, :, y30], gi))
    if pct is not None:
        rec["gross_2030_p05"] = pct[0][:, gi, y30]
        rec["gross_2030_p95"] = pct[1][:, gi, y30]
        rec["net_2050_p05"] = pct[0][:, ni, y50]
        rec["net_2050_p95"] = pct[1][:, ni, y50]
    return pd.DataFrame(rec)


def compute_trajectory(
    scenario: Scenario,
    ctx: fx.Context,
    current: pd.DataFrame,
    baseline_2005: Baseline,
    names: Mapping[str, str],
    *,
    seed: int,
) -> Trajectory:
    """The scenario's trajectory (module docstring). ``current``: inventory rows (lau2, code,
    co2e_t) of the inventory year; ``ctx``: the effects' context on the same region."""
    communes = sorted(set(current["lau2"].astype(str)))
    n, ny = ctx.n, len(ctx.years)
    variables = [v for combo in row_variables(sorted(set(current["code"]))) for v in combo]
    paths = path_draws(ctx, variables, seed)
    future_base = baseline_future(current, communes, ctx, paths)
    plan = measure_results(scenario.measures, ctx, scenario.origin)
    options = measure_results(scenario.options, ctx, scenario.origin, option=True)
    future = future_base.copy()
    for r in plan:
        future = future + measure_array(r, communes, n, ny)
    b05 = with_region(baseline_2005_array(baseline_2005, communes))
    b05_draws = tb.baseline_band(b05, baseline_2005, communes, COLUMNS, n)
    past = np.arange(FIRST_YEAR, INVENTORY_YEAR + 1)
    base = tb.history_draws(b05_draws, with_region(future_base), past)
    values = tb.history_draws(b05_draws, with_region(future), past)
    levels = (*communes, "region")
    all_names = {**names, "region": names.get("region", "Region")}
    table = milestones_table(levels, all_names, base, values, b05, b05_draws)
    gi, ni = COLUMNS.index("gross"), COLUMNS.index("net")
    need30 = float(base[-1, gi, 0, 2030 - FIRST_YEAR] - tb.target_2030(b05[-1, gi]))
    need50 = float(base[-1, ni, 0, 2050 - FIRST_YEAR])
    results = [*plan, *options]
    return Trajectory(
        scenario=scenario,
        baseline_2005=baseline_2005,
        levels=levels,
        names=all_names,
        years=YEARS.copy(),
        baseline=base,
        values=values,
        measures=tuple(results),
        milestones=table,
        wedges=wedges_table(results, ctx.years),
        mac=mac_table(results, ctx.years),
        cheapest=cheapest_set(results, ctx.years, need30, need50),
    )


def long_table(t: Trajectory) -> pd.DataFrame:
    """One row per level, year and column: baseline and scenario central values and the
    scenario's 5th, 50th and 95th percentiles over the draws."""
    draws = t.values[:, :, 1:] if t.values.shape[2] > 1 else t.values
    p05, p50, p95 = np.percentile(draws, [5, 50, 95], axis=2)
    idx = pd.MultiIndex.from_product(
        [list(t.levels), list(COLUMNS), t.years.tolist()], names=["level", "column", "year"]
    )
    frame = pd.DataFrame(
        {
            "baseline_tco2e": t.baseline[:, :, 0].reshape(-1),
            "scenario_tco2e": t.values[:, :, 0].reshape(-1),
            "p05": p05.reshape(-1),
            "p50": p50.reshape(-1),
            "p95": p95.reshape(-1),
        },
        index=idx,
    ).reset_index()
    frame.insert(1, "name", frame["level"].map(t.names))
    return target_rows(frame, t.milestones)


def target_rows(frame: pd.DataFrame, milestones: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the target and its 90 % interval on the rows that carry one: gross in
    2030 (0.45 x the 2005 baseline's) and net in 2050 (0, exact); empty elsewhere."""
    m = milestones.set_index("level")
    out = frame.assign(target_tco2e=np.nan, target_p05=np.nan, target_p95=np.nan)
    at30 = (out["column"] == "gross") & (out["year"] == 2030)
    lv = out.loc[at30, "level"]
    for col, src in (
        ("target_tco2e", "target_2030_tco2e"),
        ("target_p05", "target_2030_p05"),
        ("target_p95", "target_2030_p95"),
    ):
        out.loc[at30, col] = lv.map(m[src]).to_numpy(dtype=float)
    at50 = (out["column"] == "net") & (out["year"] == 2050)
    out.loc[at50, ["target_tco2e", "target_p05", "target_p95"]] = 0.0
    return out
