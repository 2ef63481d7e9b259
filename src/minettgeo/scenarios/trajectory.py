"""The trajectory 2005-2050 of a scenario, per commune and region: baseline evolution plus the
scenario's measures, with a Monte Carlo band.

For commune c, GPC sector s, draw d (row 0 = central values) and year y::

    B(c, s, d, y) = sum over GPC rows r of s  of  I(c, r) x M(r, d, y)          y >= 2024
    M(r, d, y)    = product of the background paths of row r (baseline_drivers.csv), each
                    path at its own quantile u_d (one per draw, all years), = 1 in 2024
    T(c, s, d, y) = B(c, s, d, y) + sum over measures m of delta_m(c, s, d, y)
    T(c, s, d, y) = T05(c, s, d) + (y - 2005) / (2024 - 2005) x (I(c, s) - T05(c, s, d))  y < 2024

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

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.optimize import Bounds, LinearConstraint, milp

from minettgeo.scenarios import effects as fx
from minettgeo.scenarios import target_band as tb
from minettgeo.scenarios.baseline import SECTORS, Baseline, _gross_rows
from minettgeo.scenarios.policy import FIRST_YEAR, LAST_YEAR, Measure
from minettgeo.scenarios.scenario import INVENTORY_YEAR, Scenario
from minettgeo.scenarios.targets import Selection, resolve_target

Array = NDArray[np.float64]
YEARS = np.arange(FIRST_YEAR, LAST_YEAR + 1)
TARGET_2030 = 0.55
#: share of the 2005 gross emissions allowed in 2030 (1 - 0.55, written exactly; one constant:
#: :data:`target_band.REMAINING_2030`)
REMAINING_2030 = tb.REMAINING_2030
#: sector columns of a trajectory: the GPC sectors, gross (I-IV BASIC), sinks (V), net
COLUMNS = (*SECTORS, "gross", "net")
#: explicit quantities of a measure split by the commune's share of the target's area
SPLIT = ("dwellings", "floor_area_m2", "area_ha", "length_km")


@dataclass(frozen=True)
class MeasureResult:
    measure: Measure
    option: bool  # True: a candidate option, not in the plan
    by_commune: Mapping[str, Mapping[str, Array]]  # lau2 -> sector -> (1 + draws, years>=2024)
    resources: Mapping[str, float]
    #: lau2 -> cost_eur, person_days, area_ha of the part of the measure in that commune
    resources_by_commune: Mapping[str, Mapping[str, float]] = field(default_factory=dict)

    def region(self, sector: str) -> Array:
        parts = [v[sector] for v in self.by_commune.values() if sector in v]
        return np.sum(parts, axis=0) if parts else np.zeros((1, 1))


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


# --- baseline evolution ----------------------------------------------------------------------


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


# --- measures per commune --------------------------------------------------------------------


def split_by_commune(
    measure: Measure, selection: Selection, ctx: fx.Context
) -> list[tuple[str, Measure, Selection]]:
    """The measure restricted to each commune its target touches, explicit quantities split by
    the commune's share of the target's parcel area."""
    parcels = ctx.parcels
    lau2_of = parcels.set_index("parcel_id")["lau2"].astype(str)
    p_lau2 = lau2_of.reindex(selection.parcel_ids).to_numpy(dtype=object)
    b_parcel = ctx.buildings.set_index("building_id")["parcel_id"]
    b_lau2 = (
        lau2_of.reindex(b_parcel.reindex(selection.building_ids).to_numpy()).to_numpy(dtype=object)
        if len(selection.building_ids)
        else np.array([], dtype=object)
    )
    area = np.array([g.area for g in selection.geometries], dtype=float)
    total = float(area.sum())
    communes = sorted(set(p_lau2.tolist()) | set(b_lau2.tolist()))
    shares = {c: float(area[p_lau2 == c].sum()) / total if total > 0 else 0.0 for c in communes}
    whole = {
        k: int(measure.params[k])
        for k in ("dwellings",)
        if k in measure.params and measure.type == "new_development"
    }
    split_dw = (
        fx.split_whole(whole["dwellings"], np.array([shares[c] for c in communes]))
        if whole
        else None
    )
    out = []
    for j, c in enumerate(communes):
        mask = p_lau2 == c
        sub = Selection(
            parcel_ids=selection.parcel_ids[mask],
            building_ids=selection.building_ids[b_lau2 == c],
            geometries=selection.geometries[mask],
            label=f"{selection.label} in {c}",
        )
        params = dict(measure.params)
        for k in SPLIT:
            if k in params and k != "dwellings":
                params[k] = float(params[k]) * shares[c]
        if split_dw is not None:
            params["dwellings"] = int(split_dw[j])
        if "vkm_a" in params:
            params["vkm_a"] = {k: float(v) * shares[c] for k, v in dict(params["vkm_a"]).items()}
        if measure.type == "new_development" and not mask.any():
            continue
        if measure.type in fx.LAND_MEASURE and "area_ha" not in params and not mask.any():
            continue
        out.append((c, replace(measure, params=params), sub))
    return out


def _sectors_of(rows: Mapping[str, Array]) -> dict[str, Array]:
    out: dict[str, Array] = {}
    gross_rows = _gross_rows()
    for code, values in rows.items():
        sector = code.split(".")[0]
        if sector != "V" and code not in gross_rows:
            continue
        out[sector] = out.get(sector, 0.0) + values
    return out


def measure_results(
    measures: Sequence[Measure], ctx: fx.Context, origin: str, *, option: bool = False
) -> list[MeasureResult]:
    out = []
    for m in measures:
        key = "options" if option else "measures"
        where = f"{origin}, {key}[{m.index}] ({m.type}, line {m.line})"
        selection = resolve_target(m.target, ctx.parcels, ctx.buildings, where)
        by: dict[str, dict[str, Array]] = {}
        spent = {"cost_eur": 0.0, "person_days": 0.0, "area_ha": 0.0}
        per: dict[str, dict[str, float]] = {}
        for c, part, sub in split_by_commune(m, selection, ctx):
            effect = fx.measure_effect(part, sub, ctx)
            by[c] = _sectors_of(effect.rows)
            per[c] = {k: float(effect.resources.get(k, 0.0)) for k in spent}
            for k in spent:
                spent[k] += per[c][k]
        out.append(MeasureResult(m, option, by, spent, per))
    return out


def measure_array(result: MeasureResult, communes: Sequence[str], n: int, ny: int) -> Array:
    """delta(c, column, d, y) of one measure for y = 2024..2050."""
    out = np.zeros((len(communes), len(COLUMNS), n, ny))
    for i, c in enumerate(communes):
        for sector, values in result.by_commune.get(c, {}).items():
            out[i, COLUMNS.index(sector)] += values
    g = [COLUMNS.index(s) for s in SECTORS[:4]]
    out[:, COLUMNS.index("gross")] = out[:, g].sum(axis=1)
    out[:, COLUMNS.index("net")] = out[:, COLUMNS.index("gross")] + out[:, COLUMNS.index("V")]
    return out


# --- assembly --------------------------------------------------------------------------------


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


def _abatement(r: MeasureResult, years: NDArray[np.int64], column: str) -> Array:
    """Central abatement (t CO2e/a, > 0 = less emitted) per year 2024..2050."""
    sector = "V" if column == "V" else None
    if column == "gross":
        total = sum((r.region(s)[0] for s in SECTORS[:4] if _has(r, s)), np.zeros(len(years)))
    elif column == "net":
        total = sum((r.region(s)[0] for s in SECTORS if _has(r, s)), np.zeros(len(years)))
    else:
        total = r.region(str(sector))[0] if _has(r, str(sector)) else np.zeros(len(years))
    return -np.asarray(total, dtype=float)


def _has(r: MeasureResult, sector: str) -> bool:
    return any(sector in v for v in r.by_commune.values())


def wedges_table(results: Sequence[MeasureResult], years: NDArray[np.int64]) -> pd.DataFrame:
    rec = []
    for r in results:
        if r.option:
            continue
        gross = _abatement(r, years, "gross")
        sinks = -_abatement(r, years, "V")
        for j, y in enumerate(years):
            rec.append(
                {
                    "measure": r.measure.index,
                    "name": r.measure.name,
                    "type": r.measure.type,
                    "year": int(y),
                    "gross_abatement_tco2e_a": float(gross[j]),
                    "sink_change_tco2e_a": float(sinks[j]),
                }
            )
    return pd.DataFrame(rec)


def mac_table(results: Sequence[MeasureResult], years: NDArray[np.int64]) -> pd.DataFrame:
    rec = []
    after = years > INVENTORY_YEAR
    for r in results:
        net = _abatement(r, years, "net")
        cum = float(net[after].sum())
        cost = float(r.resources["cost_eur"])
        rec.append(
            {
                "measure": r.measure.index,
                "in_plan": not r.option,
                "name": r.measure.name,
                "type": r.measure.type,
                "cost_eur": cost,
                "person_days": float(r.resources["person_days"]),
                "area_ha": float(r.resources["area_ha"]),
                "abatement_2030_tco2e_a": float(net[years == 2030][0]),
                "abatement_2050_tco2e_a": float(net[years == 2050][0]),
                "cumulative_abatement_tco2e": cum,
                "eur_per_tco2e": cost / cum if cum > 0 else float("nan"),
            }
        )
    table = pd.DataFrame(rec)
    if len(table):
        table = table.sort_values("eur_per_tco2e", na_position="last").reset_index(drop=True)
    return table


def cheapest_set(
    results: Sequence[MeasureResult], years: NDArray[np.int64], need_2030: float, need_2050: float
) -> dict[str, Any]:
    """The least-cost subset of measures and options whose central abatement covers both needs
    (t CO2e/a; MILP); when none does, the same for 2030 alone, else the shortfall."""
    if not results:
        return {"closes": [], "status": "no measures", "need_2030": need_2030}
    a30 = np.array([_abatement(r, years, "gross")[years == 2030][0] for r in results])
    a50 = np.array([_abatement(r, years, "net")[years == 2050][0] for r in results])
    cost = np.array([max(float(r.resources["cost_eur"]), 1.0) for r in results])
    names = [
        f"{'option' if r.option else 'measure'} {r.measure.index}: {r.measure.name}"
        for r in results
    ]
    ones = np.ones(len(results))
    for label, rows, needs in (
        ("2030 and 2050", np.vstack([a30, a50]), np.array([need_2030, need_2050])),
        ("2030", a30[None, :], np.array([need_2030])),
    ):
        res = milp(
            c=cost,
            constraints=LinearConstraint(rows, needs, np.inf),
            integrality=ones,
            bounds=Bounds(np.zeros(len(results)), ones),
        )
        if res.status == 0 and res.x is not None:
            x = np.round(res.x)
            return {
                "closes": label,
                "chosen": [n for n, xi in zip(names, x, strict=True) if xi > 0.5],
                "cost_eur": float(cost @ x),
                "abatement_2030_tco2e_a": float(a30 @ x),
                "abatement_2050_tco2e_a": float(a50 @ x),
                "need_2030_tco2e_a": need_2030,
                "need_2050_tco2e_a": need_2050,
            }
    return {
        "closes": "none",
        "chosen": [],
        "note": "no set of the plan's measures and options closes the 2030 gap",
        "max_abatement_2030_tco2e_a": float(np.clip(a30, 0, None).sum()),
        "need_2030_tco2e_a": need_2030,
        "need_2050_tco2e_a": need_2050,
    }


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
