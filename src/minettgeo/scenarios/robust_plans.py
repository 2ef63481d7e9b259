"""What the robust plan evaluates per future: each plan's measures once on the whole region
at central values, by scaling group (plain, renovation, heat pump), and the region's baseline
weights per combination of background variables, with the 2005 baseline's draws.

    D1_m(y)  change of the scope-1 (and land) rows by measure m, D2_m(y) of the grid-energy rows
             (codes x.y.2) divided by the central electricity path m_el(y)
    W_k      current t CO2e/a of the rows driven by the background-variable combination k
    target(f) = 0.45 x B05(f), B05(f) the u_f-quantile of the region's 2005 gross over the
             baseline's draws (:func:`target_band.baseline_at_quantile`)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from minettgeo.scenarios import effects as fx
from minettgeo.scenarios import target_band as tb
from minettgeo.scenarios.baseline import Baseline, _gross_rows
from minettgeo.scenarios.robust_futures import BASELINE_FACTOR
from minettgeo.scenarios.scenario import Scenario
from minettgeo.scenarios.targets import resolve_target
from minettgeo.scenarios.trajectory_paths import row_variables

Array = NDArray[np.float64]


RENOVATION = ("deep_renovation", "partial_renovation")


@dataclass(frozen=True)
class PlanEffects:
    """A plan's measures at central values: scope-1/land and grid-energy parts (years 2024..)."""

    name: str
    direct: Array  # (groups, years): per scaling group, gross rows excluding grid energy
    electric: Array  # (groups, years)
    direct_net: Array  # (groups, years): incl. land
    groups: tuple[str, ...]  # "plain", "renovation", "heat_pump"


def _group_of(m: Any) -> str:
    if m.type in RENOVATION:
        return "renovation"
    carrier = m.params.get("to", m.params.get("heating_carrier"))
    if m.type in ("heating_switch", "new_development") and carrier == "heat_pump":
        return "heat_pump"
    return "plain"


GROUPS = ("plain", "renovation", "heat_pump")


def plan_effects(scenario: Scenario, ctx: fx.Context) -> PlanEffects:
    """The plan's measures on the whole region at central values (``ctx`` with row 0 used)."""
    gross_rows = _gross_rows()
    ny = len(ctx.years)
    direct = np.zeros((len(GROUPS), ny))
    electric = np.zeros((len(GROUPS), ny))
    net = np.zeros((len(GROUPS), ny))
    m_el = ctx.m_el[0]
    for m in scenario.measures:
        where = f"{scenario.origin}, {m.where}"
        sel = resolve_target(m.target, ctx.parcels, ctx.buildings, where)
        effect = fx.measure_effect(m, sel, ctx)
        g = GROUPS.index(_group_of(m))
        for code, values in effect.rows.items():
            v = values[0]
            if code.startswith("V"):
                net[g] += v
            elif code in gross_rows:
                if code.endswith(".2"):
                    electric[g] += np.divide(v, m_el, out=np.zeros(ny), where=m_el > 0)
                else:
                    direct[g] += v
    return PlanEffects(scenario.title, direct, electric, net, GROUPS)


@dataclass(frozen=True)
class RegionBaseline:
    """Region weights of the baseline evolution per background-variable combination."""

    combos: tuple[tuple[str, ...], ...]
    gross: Array  # (combos,)
    sinks: Array  # (combos,)
    gross_2005: float
    #: the region's 2005 gross per draw, [0] central (:func:`target_band.region_gross_2005`)
    gross_2005_draws: Array

    @property
    def exact(self) -> bool:
        """True when the 2005 baseline has no draws (a table without low/high)."""
        return len(self.gross_2005_draws) < 2


def region_baseline(current: pd.DataFrame, baseline_2005: Baseline) -> RegionBaseline:
    gross_rows = _gross_rows()
    codes = current["code"].astype(str).to_numpy()
    variables = row_variables(sorted(set(codes)))
    combo_of = dict(zip(sorted(set(codes)), variables, strict=True))
    combos = tuple(sorted(set(variables)))
    gross = np.zeros(len(combos))
    sinks = np.zeros(len(combos))
    values = current["co2e_t"].to_numpy(dtype=float)
    for code, v in zip(codes, values, strict=True):
        k = combos.index(combo_of[code])
        if code.startswith("V"):
            sinks[k] += v
        elif code in gross_rows:
            gross[k] += v
    sec = baseline_2005.sectors()
    draws = tb.region_gross_2005(baseline_2005, sorted(set(current["lau2"].astype(str))))
    return RegionBaseline(combos, gross, sinks, float(sec["gross"].sum()), draws)


def future_targets(base: RegionBaseline, futures: pd.DataFrame) -> tuple[Array, Array]:
    """Per future: the region's 2005 gross B05(f) and the 2030 target 0.45 x B05(f) (t CO2e/a,
    module docstring); futures without a ``baseline_2005`` column: the central baseline."""
    if BASELINE_FACTOR not in futures.columns:
        b05 = np.full(len(futures), base.gross_2005)
    else:
        u = futures[BASELINE_FACTOR].to_numpy(float)
        b05 = tb.baseline_at_quantile(base.gross_2005_draws, u)
    return b05, tb.target_2030(b05)
