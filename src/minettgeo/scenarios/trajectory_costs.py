"""What the measures of a trajectory buy: their wedges (abatement per year), their marginal
abatement cost and the cheapest set of measures and options closing the gaps.

    abatement(m, y) = - central change of gross (or sinks, net) by measure m in year y, t CO2e/a
    MAC(m)          = cost_eur(m) / sum over y > 2024 of net abatement(m, y)     (EUR / t CO2e)
    cheapest set    min sum c_i x_i  s.t.  sum a_i(2030) x_i >= need(2030),
                    sum a_i(2050) x_i >= need(2050),  x_i in {0, 1}   (scipy.optimize.milp)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.optimize import Bounds, LinearConstraint, milp

from minettgeo.scenarios.baseline import SECTORS
from minettgeo.scenarios.scenario import INVENTORY_YEAR
from minettgeo.scenarios.trajectory_measures import MeasureResult

Array = NDArray[np.float64]


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
