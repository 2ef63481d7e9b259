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
(heat the policy's new or switched buildings with heat pumps instead of fossil fuels; deep
renovation or a heat-pump switch of the worst fossil-heated buildings of the same commune;
planting or unsealing public land of the commune) and the cheapest set that makes the amended
decision's 95th percentile negative is chosen by mixed-integer programming
(``scipy.optimize.milp``): minimise sum c_i x_i subject to sum d_i x_i <= -(D + margin), with
x_i binary (whole buildings, whole measures) or continuous (hectares), D the decision's central
cumulative change and the margin raised until the amended interval lies below zero.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.optimize import Bounds, LinearConstraint, milp

from minettgeo.scenarios import effects as fx
from minettgeo.scenarios.policy import Measure, Policy
from minettgeo.scenarios.targets import Selection, resolve_target

Array = NDArray[np.float64]
MILESTONES = (2030, 2050)
#: candidate buildings per compensation amendment (worst first)
CANDIDATES = 150
MAX_ROUNDS = 8


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
class Amendment:
    kind: str
    label_en: str
    label_fr: str
    amount: float
    unit: str
    cost_eur: float
    cumulative_tco2e: float
    ids: tuple[str, ...] = ()


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


# --- amendments ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    amendment: Amendment  # with amount 1 (per unit)
    draws: Array  # cumulative change per unit, (1 + draws,)
    integer: bool
    upper: float


def _fossil_alternatives(
    policy: Policy, ctx: fx.Context, sel: Sequence[Selection]
) -> list[Candidate]:
    """Heat the decision's fossil-heated new or switched buildings with heat pumps instead."""
    out = []
    for measure, selection in zip(policy.measures, sel, strict=True):
        carrier = (
            measure.params.get("heating_carrier")
            if measure.type == "new_development"
            else (measure.params.get("to") if measure.type == "heating_switch" else None)
        )
        if carrier not in fx.FOSSIL:
            continue
        key = "heating_carrier" if measure.type == "new_development" else "to"
        alt = replace(measure, params={**measure.params, key: "heat_pump"})
        base = fx.measure_effect(measure, selection, ctx).total().sum(axis=1)
        better = fx.measure_effect(alt, selection, ctx).total().sum(axis=1)
        area = (
            fx.new_buildings(measure, selection, ctx)["heated_area_m2"].sum()
            if measure.type == "new_development"
            else 0.0
        )
        unit = ctx.catalogue.value(
            "heating_switch", "cost_eur_per_m2_heat_pump"
        ) - ctx.catalogue.value("heating_switch", "cost_eur_per_m2_natural_gas")
        cost = (
            float(area * unit)
            if area
            else float(fx.measure_effect(alt, selection, ctx).resources["cost_eur"])
        )
        out.append(
            Candidate(
                Amendment(
                    kind="heat_pumps_instead",
                    label_en=f"heat '{measure.name}' with heat pumps instead of {carrier.replace('_', ' ')}",
                    label_fr=f"chauffer « {measure.name} » par pompes à chaleur au lieu de {_fr_carrier(carrier)}",
                    amount=1.0,
                    unit="measure",
                    cost_eur=max(cost, 0.0),
                    cumulative_tco2e=float(better[0] - base[0]),
                ),
                draws=better - base,
                integer=True,
                upper=1.0,
            )
        )
    return out


def _fr_carrier(carrier: str) -> str:
    return {"natural_gas": "gaz naturel", "heating_oil": "fioul"}.get(carrier, carrier)


def _per_building(old: pd.DataFrame, new: pd.DataFrame, real: Array, ctx: fx.Context) -> Array:
    """Cumulative change to 2050 of replacing each building of ``old`` by the same row of
    ``new`` from the realisation ``real`` (per year), (1 + draws, buildings)."""
    a = fx.building_components(old, ctx)
    b = fx.building_components(new, ctx)
    r = real.sum()
    g_el = (ctx.grid("electricity")[:, None] * ctx.m_el * real[None, :]).sum(axis=1)
    g_dh = (ctx.grid("district_heat")[:, None] * ctx.m_dh * real[None, :]).sum(axis=1)
    return (b["scope1"] - a["scope1"]) * r + (
        (b["el_kwh"] - a["el_kwh"]) * g_el[:, None] + (b["dh_kwh"] - a["dh_kwh"]) * g_dh[:, None]
    ) / 1000.0


def _compensations(policy: Policy, ctx: fx.Context, commune: str) -> list[Candidate]:
    """Deep renovation or a heat-pump switch of the worst fossil-heated buildings of ``commune``,
    and planting public land there, as per-unit candidates."""
    b = ctx.buildings
    lau2 = b["parcel_id"].map(ctx.parcels.set_index("parcel_id")["lau2"]).astype(str)
    pool = b[(lau2 == commune).to_numpy() & b["heating_carrier"].isin(fx.FOSSIL).to_numpy()]
    start = policy.year
    real = (ctx.years >= start).astype(float)
    out: list[Candidate] = []
    if len(pool):
        need = fx.central_values(pool, ctx)["heat_need_kwh_a"] / np.maximum(
            pool["heated_area_m2"].to_numpy(float), 1.0
        )
        worst = pool.iloc[np.argsort(-need, kind="stable")[:CANDIDATES]]
        cat = ctx.catalogue
        for kind, new, unit_cost, en, fr in (
            (
                "deep_renovation",
                worst.assign(renovation_state="deep"),
                cat.value("deep_renovation", "cost_eur_per_m2"),
                "deep renovation of building {}",
                "rénovation profonde du bâtiment {}",
            ),
            (
                "heat_pump_switch",
                worst.assign(heating_carrier="heat_pump"),
                cat.value("heating_switch", "cost_eur_per_m2_heat_pump"),
                "heat pump in building {}",
                "pompe à chaleur dans le bâtiment {}",
            ),
        ):
            keep = (new["renovation_state"] != worst["renovation_state"]) | (
                new["heating_carrier"] != worst["heating_carrier"]
            )
            old_k, new_k = worst[keep.to_numpy()], new[keep.to_numpy()]
            per = _per_building(old_k, new_k, real, ctx)
            costs = old_k["heated_area_m2"].to_numpy(float) * unit_cost
            for j, bid in enumerate(old_k["building_id"].astype(str)):
                out.append(
                    Candidate(
                        Amendment(
                            kind,
                            en.format(bid),
                            fr.format(bid),
                            1.0,
                            "building",
                            float(costs[j]),
                            float(per[0, j]),
                            (bid,),
                        ),
                        draws=per[:, j],
                        integer=True,
                        upper=1.0,
                    )
                )
    public = ctx.parcels[
        (ctx.parcels["lau2"].astype(str) == commune).to_numpy()
        & ctx.parcels["owner_type"].isin(["commune", "state"]).to_numpy()
        & ctx.parcels["zoning"].isin(["green", "agricultural", "forest"]).to_numpy()
    ]
    if len(public):
        probe = Measure("afforestation", "planting", {"commune": commune}, {"start": start}, 0, -1)
        per_ha = fx.land_effect(probe, 1.0, ctx)["V.2"].sum(axis=1)
        area = float(public.geometry.area.sum() / 1e4) * 0.1  # at most a tenth of that land
        out.append(
            Candidate(
                Amendment(
                    "afforestation",
                    "plant broadleaf trees on public green or farm land (ha)",
                    "planter des feuillus sur des terrains publics verts ou agricoles (ha)",
                    1.0,
                    "ha",
                    ctx.catalogue.value("afforestation", "cost_eur_per_ha"),
                    float(per_ha[0]),
                ),
                draws=per_ha,
                integer=False,
                upper=area,
            )
        )
    return out


def search_amendments(
    net_draws: Array, candidates: Sequence[Candidate]
) -> tuple[tuple[Amendment, ...], Array]:
    """The cheapest set of candidates whose addition puts the 95th percentile of the
    cumulative change below zero (MILP, margin raised until it holds); () when none does."""
    useful = [c for c in candidates if c.amendment.cumulative_tco2e < 0]
    if not useful:
        return (), net_draws
    d = np.array([c.amendment.cumulative_tco2e for c in useful])
    cost = np.array([max(c.amendment.cost_eur, 1.0) for c in useful])
    D = np.vstack([c.draws for c in useful])  # candidates x (1 + draws)
    upper = np.array([c.upper for c in useful])
    integrality = np.array([1 if c.integer else 0 for c in useful])
    margin = (
        max(float(np.percentile(net_draws[1:], 95) - net_draws[0]), 0.0)
        if len(net_draws) > 1
        else 0.0
    )
    for _ in range(MAX_ROUNDS):
        need = -(net_draws[0] + margin) - 1e-6
        res = milp(
            c=cost,
            constraints=LinearConstraint(d[None, :], -np.inf, need),
            integrality=integrality,
            bounds=Bounds(np.zeros(len(useful)), upper),
        )
        if res.status != 0 or res.x is None:
            return (), net_draws
        x = np.where(integrality == 1, np.round(res.x), res.x)
        amended = net_draws + x @ D
        p95 = float(np.percentile(amended[1:], 95)) if len(amended) > 1 else float(amended[0])
        if p95 < 0:
            chosen = tuple(
                replace(
                    c.amendment,
                    amount=float(xi),
                    cost_eur=c.amendment.cost_eur * float(xi),
                    cumulative_tco2e=c.amendment.cumulative_tco2e * float(xi),
                )
                for c, xi in zip(useful, x, strict=True)
                if xi > 1e-9
            )
            return chosen, amended
        margin += p95 + abs(net_draws[0]) * 0.02 + 1.0
    return (), net_draws


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
        candidates = _fossil_alternatives(policy, ctx, selections) + _compensations(
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
