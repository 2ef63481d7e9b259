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

Stages: the futures (:mod:`robust_futures`), the plans' effects and the region's baseline
(:mod:`robust_plans`), the evaluation across futures and its workbench cross-check (here),
the signposts and the summary (:mod:`robust_discovery`).

Regret of plan p in future f = outcome(p, f) - min over plans of outcome(., f) (t CO2e/a, for
gross 2030 and net 2050). PRIM looks for the box of uncertain factors where a plan fails its
2030 milestone; when a plan fails (or meets) it in every future, the box is sought for its worst
quarter of futures instead, which is said in the report.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from minettgeo.scenarios import effects as fx
from minettgeo.scenarios import target_band as tb
from minettgeo.scenarios.baseline import Baseline
from minettgeo.scenarios.robust_discovery import signposts, summary
from minettgeo.scenarios.robust_futures import (
    BASELINE_BASIS,
    BASELINE_FACTOR,
    UNCERTAINTIES,
    future_paths,
    sample_futures,
)
from minettgeo.scenarios.robust_plans import (
    GROUPS,
    PlanEffects,
    RegionBaseline,
    future_targets,
    plan_effects,
    region_baseline,
)
from minettgeo.scenarios.scenario import Scenario

Array = NDArray[np.float64]


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
