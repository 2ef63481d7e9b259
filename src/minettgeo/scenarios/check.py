"""The policy check: does a decision raise or lower emissions, by how much, and what would make
it lower them.

For a policy with measures m, each a change set on the engine's models (:mod:`effects`)::

    delta(y)    = sum over m of delta_m(y)           t CO2e/a in year y (gross rows and V.2 land)
    cumulative  = sum over y = 2024..2050 of delta(y)                                t CO2e
    verdict     = "lowers"    if the 95th percentile of the cumulative change is < 0
                  "raises"    if its 5th percentile is > 0
                  "uncertain" otherwise (the 90 % interval spans zero)
    magnitude   = the class of |central cumulative| on the five-step scale of
                  ``magnitude_classes.csv``

Amendments: when the verdict is not "lowers", candidate amendments are built from the catalogue
(:mod:`minettgeo.scenarios.amendments`: heat the policy's new or switched buildings with heat pumps instead of fossil fuels; deep
renovation or a heat-pump switch of the worst fossil-heated buildings of the same commune;
planting or unsealing public land of the commune) and the cheapest set that makes the amended
decision's 95th percentile negative is chosen by mixed-integer programming
(``scipy.optimize.milp``): minimise sum c_i x_i subject to sum d_i x_i <= -(D + margin), with
x_i binary (whole buildings, whole measures) or continuous (hectares), D the decision's central
cumulative change and the margin raised until the amended interval lies below zero.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from minettgeo.scenarios import effects as fx
from minettgeo.scenarios.amendments import (
    CANDIDATES,
    MAX_ROUNDS,
    Amendment,
    Candidate,
    compensations,
    fossil_alternatives,
    search_amendments,
)
from minettgeo.scenarios.policy import Policy
from minettgeo.scenarios.targets import resolve_target

__all__ = [
    "CANDIDATES",
    "MAX_ROUNDS",
    "Amendment",
    "Candidate",
    "CheckResult",
    "Interval",
    "check_policy",
    "contributors_of",
    "magnitude_classes",
    "magnitude_of",
    "search_amendments",
    "summarise",
    "verdict_of",
]

Array = NDArray[np.float64]
MILESTONES = (2030, 2050)


@dataclass(frozen=True)
class Interval:
    central: float
    p05: float
    p95: float

    @staticmethod
    def of(values: Array) -> Interval:
        """Row 0 is the central run, rows 1.. the draws."""
        draws = values[1:] if len(values) > 1 else values
        p05, p95 = np.percentile(draws, [5.0, 95.0])
        return Interval(float(values[0]), float(p05), float(p95))

    def as_dict(self) -> dict[str, float]:
        return {"central": self.central, "p05": self.p05, "p95": self.p95}


@dataclass(frozen=True)
class CheckResult:
    policy: Policy
    effects: tuple[fx.Effect, ...]
    rows: pd.DataFrame  # one row per GPC code with the changes and their intervals
    totals: Mapping[str, Interval]  # gross_2030, land_2030, net_2030, ..., net_cumulative
    verdict: str
    magnitude: Mapping[str, Any]
    contributors: pd.DataFrame
    amendments: tuple[Amendment, ...]
    amended: Mapping[str, Any]
    resources: Mapping[str, float]
    provenance: Mapping[str, Any] = field(default_factory=dict)


def verdict_of(cumulative: Interval) -> str:
    if cumulative.p95 < 0:
        return "lowers"
    if cumulative.p05 > 0:
        return "raises"
    return "uncertain"


def magnitude_classes() -> pd.DataFrame:
    with resources.as_file(fx.DATA / "magnitude_classes.csv") as path:
        return pd.read_csv(path)


def magnitude_of(cumulative_tco2e: float) -> dict[str, Any]:
    """Class (1-5) of ``|cumulative_tco2e|`` with its labels."""
    table = magnitude_classes()
    size = abs(cumulative_tco2e)
    row = table[(table["lower_tco2e"] <= size) & (size < table["upper_tco2e"])].iloc[0]
    return {
        "class": int(row["class"]),
        "label_en": str(row["label_en"]),
        "label_fr": str(row["label_fr"]),
        "scale": "five classes of the cumulative change to 2050: <100 t, 100-1,000 t, "
        "1-10 kt, 10-100 kt, >=100 kt CO2e",
    }


def _sum_rows(effects: Sequence[fx.Effect]) -> dict[str, Array]:
    rows: dict[str, Array] = {}
    for e in effects:
        for code, values in e.rows.items():
            rows[code] = rows.get(code, 0.0) + values
    return rows


def _year(ctx: fx.Context, year: int) -> int:
    return int(np.flatnonzero(ctx.years == year)[0])


def summarise(
    rows: Mapping[str, Array], ctx: fx.Context
) -> tuple[pd.DataFrame, dict[str, Interval]]:
    """Per-row and total changes for 2030, 2050 and cumulative (central and 90 % interval)."""
    records = []
    n = ctx.n
    gross = np.zeros((n, len(ctx.years)))
    land = np.zeros((n, len(ctx.years)))
    for code in sorted(rows):
        values = rows[code]
        if code.startswith("V."):
            land = land + values
        else:
            gross = gross + values
        rec: dict[str, Any] = {"code": code}
        for y in MILESTONES:
            iv = Interval.of(values[:, _year(ctx, y)])
            rec |= {
                f"delta_{y}_tco2e_a": iv.central,
                f"delta_{y}_p05": iv.p05,
                f"delta_{y}_p95": iv.p95,
            }
        iv = Interval.of(values.sum(axis=1))
        rec |= {"cumulative_tco2e": iv.central, "cumulative_p05": iv.p05, "cumulative_p95": iv.p95}
        records.append(rec)
    totals: dict[str, Interval] = {}
    for name, values in (("gross", gross), ("land", land), ("net", gross + land)):
        for y in MILESTONES:
            totals[f"{name}_{y}"] = Interval.of(values[:, _year(ctx, y)])
        totals[f"{name}_cumulative"] = Interval.of(values.sum(axis=1))
    table = pd.DataFrame(records)
    if len(table):
        table = table[(table.drop(columns="code").abs() > 1e-9).any(axis=1)].reset_index(drop=True)
    return table, totals


def contributors_of(effects: Sequence[fx.Effect]) -> pd.DataFrame:
    """Each measure's central cumulative change, largest magnitude first."""
    records = []
    for e in effects:
        total = e.total()
        records.append(
            {
                "measure": e.measure.index,
                "type": e.measure.type,
                "name": e.measure.name,
                "cumulative_tco2e": float(total[0].sum()),
                "delta_2030_tco2e_a": float(total[0][_year_index(e, 2030)]),
                **e.resources,
            }
        )
    table = pd.DataFrame(records)
    if len(table):
        table = table.reindex(table["cumulative_tco2e"].abs().sort_values(ascending=False).index)
        denom = table["cumulative_tco2e"].abs().sum()
        table["share_of_change"] = table["cumulative_tco2e"].abs() / denom if denom > 0 else 0.0
    return table.reset_index(drop=True)


def _year_index(e: fx.Effect, year: int) -> int:
    return int(np.flatnonzero(e.years == year)[0])


def check_policy(policy: Policy, ctx: fx.Context) -> CheckResult:
    """The change a decision makes, its verdict, contributors and least-cost amendments."""
    selections = [
        resolve_target(m.target, ctx.parcels, ctx.buildings, f"{policy.origin}, {m.where}")
        for m in policy.measures
    ]
    effects = tuple(
        fx.measure_effect(m, s, ctx) for m, s in zip(policy.measures, selections, strict=True)
    )
    rows, totals = summarise(_sum_rows(effects), ctx)
    net = np.zeros(ctx.n)
    for e in effects:
        net = net + e.total().sum(axis=1)
    verdict = verdict_of(totals["net_cumulative"])
    amendments: tuple[Amendment, ...] = ()
    amended: dict[str, Any] = {}
    if verdict != "lowers":
        lau2 = ctx.parcels.set_index("parcel_id").loc[list(selections[0].parcel_ids[:1]), "lau2"]
        commune = str(lau2.iloc[0]) if len(lau2) else str(ctx.parcels["lau2"].iloc[0])
        candidates = fossil_alternatives(policy, ctx, selections) + compensations(
            policy, ctx, commune
        )
        amendments, amended_draws = search_amendments(net, candidates)
        if amendments:
            iv = Interval.of(amended_draws)
            amended = {
                "net_cumulative": iv.as_dict(),
                "verdict": verdict_of(iv),
                "cost_eur": float(sum(a.cost_eur for a in amendments)),
            }
        else:
            amended = {
                "verdict": None,
                "note": "no amendment of the catalogue turns it into 'lowers'",
            }
    spent = {
        k: float(sum(e.resources[k] for e in effects))
        for k in ("cost_eur", "person_days", "area_ha")
    }
    cum = totals["net_cumulative"].central
    spent["cost_eur_per_tco2e_avoided"] = (
        spent["cost_eur"] / -cum if cum < 0 and spent["cost_eur"] > 0 else float("nan")
    )
    return CheckResult(
        policy=policy,
        effects=effects,
        rows=rows,
        totals=totals,
        verdict=verdict,
        magnitude=magnitude_of(cum),
        contributors=contributors_of(effects),
        amendments=amendments,
        amended=amended,
        resources=spent,
    )
