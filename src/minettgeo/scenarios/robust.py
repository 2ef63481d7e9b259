"""Robust plan: candidate plans evaluated across many futures of what nobody controls, with the
exploratory-modelling workbench (``ema-workbench``): the share of futures meeting each
milestone, the regret of each plan, and by scenario discovery (PRIM) the conditions under which
a plan fails, the signposts to watch.

Uncertain factors of a future f (sampled by Latin hypercube)::

    grid_decarbonisation   quantile of the electricity-factor path (0 = fastest decarbonisation)
    ev_uptake              quantile of electric-vehicle uptake (1 = fastest): road fleet factor
                           at quantile 1 - u, electric-vehicle charging growth at quantile u
    population_growth      quantile of the population path
    renovation_achieved    share of the planned renovation actually carried out (0.3-1.2)
    heat_pump_efficiency   heat-pump seasonal efficiency relative to the factor table (0.75-1.25)
    baseline_2005          quantile of the 2005 baseline's draws (0 = lowest baseline, the
                           strictest target): :func:`target_band.baseline_at_quantile`

A plan's region outcome in year y and future f (its measures computed once by the engine's
models, :mod:`effects`, at central parameter values, then rescaled per future)::

    gross(y, f) = sum over row groups k of W_k x M_k(y, f)                     baseline
                + sum over measures m of  a_m(f) x [D1_m(y) + h_m(f) x D2_m(y) x m_el(y, f) / m_el(y)]
    D1 = the measure's change of scope-1 (and land) rows, D2 of grid-energy rows (codes x.y.2)
    a_m = renovation_achieved for renovation measures, else 1
    h_m = 1 / heat_pump_efficiency for measures that add heat pumps, else 1

A plan meets its 2030 milestone in future f when gross(2030, f) <= target(f) = 0.45 x
B05(f), B05(f) the u_f-quantile of the region's 2005 gross over the baseline's draws
(:mod:`target_band`; an exact baseline: its central value in every future, and the factor is
left out of PRIM, which it cannot explain). PRIM may then name the baseline itself as a
condition of failure: a plan that meets the target only if 2005 emissions were high.

Regret of plan p in future f = outcome(p, f) - min over plans of outcome(., f) (t CO2e/a, for
gross 2030 and net 2050). PRIM looks for the box of uncertain factors where a plan fails its
2030 milestone; when a plan fails (or meets) it in every future, the box is sought for its worst
quarter of futures instead, which is said in the report.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from minettgeo.scenarios import effects as fx
from minettgeo.scenarios import target_band as tb
from minettgeo.scenarios.baseline import Baseline, _gross_rows
from minettgeo.scenarios.scenario import Scenario
from minettgeo.scenarios.targets import resolve_target
from minettgeo.scenarios.trajectory_paths import row_variables

Array = NDArray[np.float64]
#: uncertain factors: name -> (low, high, description)
UNCERTAINTIES: Mapping[str, tuple[float, float, str]] = {
    "grid_decarbonisation": (0.0, 1.0, "quantile of the electricity-factor path (0 = fastest)"),
    "ev_uptake": (0.0, 1.0, "quantile of electric-vehicle uptake (1 = fastest)"),
    "population_growth": (0.0, 1.0, "quantile of the population path (1 = fastest)"),
    "renovation_achieved": (0.3, 1.2, "share of the planned renovation carried out"),
    "heat_pump_efficiency": (0.75, 1.25, "heat-pump efficiency relative to the factor table"),
    "baseline_2005": (0.0, 1.0, "quantile of the 2005 baseline's draws (0 = lowest, strictest)"),
}
#: the uncertain factor of the 2005 baseline (no effect when the baseline is exact)
BASELINE_FACTOR = "baseline_2005"
BASELINE_BASIS = {
    "draws": {
        "en": "each future's 2030 target is 0.45 x a quantile of the 2005 baseline's draws "
        "(factor baseline_2005, sampled with the others)",
        "fr": "l'objectif 2030 de chaque futur est 0,45 x un quantile des tirages de la "
        "référence 2005 (facteur baseline_2005, tiré avec les autres)",
    },
    "exact": {
        "en": "the 2005 baseline is exact (a table without low/high): the same target in every "
        "future; baseline_2005 has no effect and is left out of PRIM",
        "fr": "la référence 2005 est exacte (table sans low/high) : le même objectif dans tous "
        "les futurs ; baseline_2005 est sans effet et exclu de PRIM",
    },
}
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


def future_paths(
    catalogue: fx.Catalogue, years: NDArray[np.int64], futures: pd.DataFrame
) -> dict[str, Array]:
    """Each background variable per future (futures x years) from the futures' quantiles."""
    one = np.full(len(futures), 0.5)
    u = {
        "electricity_factor": futures["grid_decarbonisation"].to_numpy(float),
        "road_fleet_factor": 1.0 - futures["ev_uptake"].to_numpy(float),
        "ev_charging_growth": futures["ev_uptake"].to_numpy(float),
        "population": futures["population_growth"].to_numpy(float),
    }
    names = set(catalogue.background["variable"])
    return {
        var: fx.path_multipliers(catalogue, var, u.get(var, one), years) for var in sorted(names)
    }


def evaluate(
    plans: Sequence[PlanEffects],
    base: RegionBaseline,
    catalogue: fx.Catalogue,
    years: NDArray[np.int64],
    futures: pd.DataFrame,
) -> pd.DataFrame:
    """Outcomes of every plan in every future, vectorised over futures (module docstring)."""
    paths = future_paths(catalogue, years, futures)
    nf = len(futures)
    m = np.ones((len(base.combos), nf, len(years)))
    for k, combo in enumerate(base.combos):
        for var in combo:
            m[k] = m[k] * paths[var]
    base_gross = np.einsum("k,kfy->fy", base.gross, m)
    base_sinks = np.einsum("k,kfy->fy", base.sinks, m)
    m_el = paths["electricity_factor"]  # (futures, years)
    scale = np.ones((len(GROUPS), nf))
    scale[GROUPS.index("renovation")] = futures["renovation_achieved"].to_numpy(float)
    hp = np.ones((len(GROUPS), nf))
    hp[GROUPS.index("heat_pump")] = 1.0 / futures["heat_pump_efficiency"].to_numpy(float)
    j30, j50 = int(np.flatnonzero(years == 2030)[0]), int(np.flatnonzero(years == 2050)[0])
    b05, target = future_targets(base, futures)
    frames = []
    for i, p in enumerate(plans):
        gross = base_gross + np.einsum("gf,gy->fy", scale, p.direct)
        gross = gross + np.einsum("gf,gy,fy->fy", scale * hp, p.electric, m_el)
        net = gross + base_sinks + np.einsum("gf,gy->fy", scale, p.direct_net)
        frames.append(
            pd.DataFrame(
                {
                    "plan": i,
                    "plan_name": p.name,
                    "future": np.arange(nf),
                    "gross_2030_tco2e": gross[:, j30],
                    "net_2050_tco2e": net[:, j50],
                    "gross_2005_tco2e": b05,
                    "target_2030_tco2e": target,
                    "gap_2030_tco2e": gross[:, j30] - target,
                    "meets_2030": gross[:, j30] <= target,
                    "meets_2050": net[:, j50] <= 0.0,
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    out["meets_both"] = out["meets_2030"] & out["meets_2050"]
    for col in ("gross_2030_tco2e", "net_2050_tco2e"):
        best = out.groupby("future")[col].transform("min")
        out[col.replace("_tco2e", "_regret_tco2e")] = out[col] - best
    return out


def sample_futures(n: int, seed: int) -> pd.DataFrame:
    """``n`` futures by Latin hypercube sampling of the uncertain factors (ema-workbench)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench import RealParameter
        from ema_workbench.em_framework.samplers import LHSSampler, sample_parameters

    params = [RealParameter(k, lo, hi) for k, (lo, hi, _) in UNCERTAINTIES.items()]
    # the workbench's LHS sampler draws from numpy's global generator
    np.random.seed(seed)  # noqa: NPY002
    designs = sample_parameters(params, n, LHSSampler())
    rows = [{p.name: float(d[p.name]) for p in params} for d in designs]
    return pd.DataFrame(rows, columns=list(UNCERTAINTIES))


def workbench_outcomes(
    plans: Sequence[PlanEffects],
    base: RegionBaseline,
    catalogue: fx.Catalogue,
    years: NDArray[np.int64],
    futures: pd.DataFrame,
) -> pd.DataFrame:
    """The same outcomes through ema-workbench's ``perform_experiments`` with its
    ``SequentialEvaluator`` (one model call per plan and future): the cross-check of
    :func:`evaluate` on a few futures."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench import (
            IntegerParameter,
            Model,
            Policy,
            RealParameter,
            ScalarOutcome,
            perform_experiments,
        )
        from ema_workbench import Scenario as Future
        from ema_workbench.em_framework.evaluators import SequentialEvaluator

    def one(plan: int = 0, **factors: float) -> dict[str, float]:
        row = evaluate([plans[plan]], base, catalogue, years, pd.DataFrame([factors]))
        return {
            "gross_2030_tco2e": float(row["gross_2030_tco2e"].iloc[0]),
            "net_2050_tco2e": float(row["net_2050_tco2e"].iloc[0]),
            "target_2030_tco2e": float(row["target_2030_tco2e"].iloc[0]),
        }

    model = Model("minett", function=one)
    model.uncertainties = [RealParameter(k, lo, hi) for k, (lo, hi, _) in UNCERTAINTIES.items()]
    model.levers = [IntegerParameter("plan", 0, max(len(plans) - 1, 1))]
    model.outcomes = [
        ScalarOutcome(k) for k in ("gross_2030_tco2e", "net_2050_tco2e", "target_2030_tco2e")
    ]
    scenarios = [
        Future(f"f{i}", **{str(k): float(v) for k, v in r.items()})
        for i, r in enumerate(futures.to_dict("records"))
    ]
    policies = [Policy(f"p{i}", plan=i) for i in range(len(plans))]
    logging.getLogger("EMA").setLevel(logging.ERROR)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        experiments, outcomes = perform_experiments(
            model, scenarios=scenarios, policies=policies, evaluator=SequentialEvaluator(model)
        )
    return pd.DataFrame(
        {
            "plan": experiments["plan"].to_numpy(dtype=int),
            "future": [int(str(s)[1:]) for s in experiments["scenario"]],
            "gross_2030_tco2e": outcomes["gross_2030_tco2e"],
            "net_2050_tco2e": outcomes["net_2050_tco2e"],
            "target_2030_tco2e": outcomes["target_2030_tco2e"],
        }
    )


def signposts(futures: pd.DataFrame, results: pd.DataFrame, plan: int) -> dict[str, Any]:
    """PRIM box of the futures where ``plan`` fails its 2030 milestone (or, when it fails or
    meets it everywhere, of its worst quarter of futures by gap to the future's 2030 target,
    gross 2030 when the results carry no gap). The box is sought over the uncertain factors
    that are columns of ``futures`` (the 2005 baseline may be one: a low baseline quantile is
    a stricter target)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim

    mine = results[results["plan"] == plan].sort_values("future")
    fails = ~mine["meets_2030"].to_numpy()
    if 0 < fails.sum() < len(fails):
        y, question = fails, "fails the 2030 milestone"
    else:
        by = "gap_2030_tco2e" if "gap_2030_tco2e" in mine.columns else "gross_2030_tco2e"
        worst = mine[by].to_numpy(dtype=float)
        y = worst >= np.percentile(worst, 75)
        what = "largest gap to its 2030 target" if by == "gap_2030_tco2e" else "highest gross 2030"
        question = (
            f"{'fails' if fails.all() else 'meets'} the 2030 milestone in every future; "
            f"box of its worst quarter of futures ({what})"
        )
    x = futures[[k for k in UNCERTAINTIES if k in futures.columns]].reset_index(drop=True)
    logging.getLogger("EMA").setLevel(logging.ERROR)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        finder = prim.Prim(x, y, threshold=0.6, peel_alpha=0.1)
        box = finder.find_box()
    limits = box.box_lims[box._cur_box] if hasattr(box, "box_lims") else None
    restricted = []
    if limits is not None:
        for name in x.columns:
            desc = UNCERTAINTIES[name][2]
            lo, hi = float(limits.loc[0, name]), float(limits.loc[1, name])
            lo_all, hi_all = float(x[name].min()), float(x[name].max())
            if lo > lo_all + 1e-9 or hi < hi_all - 1e-9:
                restricted.append({"factor": name, "from": lo, "to": hi, "meaning": desc})
    return {
        "plan": plan,
        "question": question,
        "coverage": float(box.coverage),
        "density": float(box.density),
        "signposts": restricted,
    }


def summary(results: pd.DataFrame) -> pd.DataFrame:
    g = results.groupby(["plan", "plan_name"], sort=True)
    table = g.agg(
        share_meeting_2030=("meets_2030", "mean"),
        share_meeting_2050=("meets_2050", "mean"),
        share_meeting_both=("meets_both", "mean"),
        gross_2030_median_tco2e=("gross_2030_tco2e", "median"),
        net_2050_median_tco2e=("net_2050_tco2e", "median"),
        max_regret_2030_tco2e=("gross_2030_regret_tco2e", "max"),
        mean_regret_2030_tco2e=("gross_2030_regret_tco2e", "mean"),
        max_regret_2050_tco2e=("net_2050_regret_tco2e", "max"),
    ).reset_index()
    return table.sort_values(
        ["share_meeting_both", "max_regret_2030_tco2e"], ascending=[False, True]
    ).reset_index(drop=True)


def explore(
    plans: Sequence[Scenario],
    ctx: fx.Context,
    current: pd.DataFrame,
    baseline_2005: Baseline,
    *,
    futures: int,
    seed: int,
) -> dict[str, Any]:
    """Every plan in ``futures`` futures: the summary per plan, the experiments, the signposts
    (``ctx``: central values only are used; ``baseline_2005`` with its draws makes the 2005
    baseline an uncertain factor, an exact one leaves it out of PRIM)."""
    base = region_baseline(current, baseline_2005)
    effects = [plan_effects(p, ctx) for p in plans]
    sampled = sample_futures(futures, seed)
    results = evaluate(effects, base, ctx.catalogue, ctx.years, sampled)
    prim_inputs = sampled.drop(columns=BASELINE_FACTOR) if base.exact else sampled
    t05, t50, t95 = tb.target_percentiles(base.gross_2005_draws[None, :])
    return {
        "futures": sampled,
        "results": results,
        "summary": summary(results),
        "signposts": [signposts(prim_inputs, results, i) for i in range(len(plans))],
        "gross_2005_tco2e": base.gross_2005,
        "target_2030_tco2e": float(tb.target_2030(np.array(base.gross_2005))),
        "target_2030_interval": {
            "p05": float(t05[0]),
            "p50": float(t50[0]),
            "p95": float(t95[0]),
            "draws": len(base.gross_2005_draws) - 1,
            "basis": BASELINE_BASIS["exact" if base.exact else "draws"],
        },
    }
