"""Amendments of a decision that does not lower emissions: candidates from the catalogue
(heat pumps instead of fossil heating in the decision's buildings; deep renovation or a
heat-pump switch of the worst fossil-heated buildings of the commune; planting public land) and
the cheapest set that makes the amended decision's 95th percentile negative (mixed-integer
programming, ``scipy.optimize.milp``; see :mod:`minettgeo.scenarios.check`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.optimize import Bounds, LinearConstraint, milp

from minettgeo.scenarios import effects as fx
from minettgeo.scenarios.policy import Measure, Policy
from minettgeo.scenarios.targets import Selection

Array = NDArray[np.float64]
#: candidate buildings per compensation amendment (worst first)
CANDIDATES = 150
MAX_ROUNDS = 8


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
class Candidate:
    amendment: Amendment  # with amount 1 (per unit)
    draws: Array  # cumulative change per unit, (1 + draws,)
    integer: bool
    upper: float


def fossil_alternatives(
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


def compensations(policy: Policy, ctx: fx.Context, commune: str) -> list[Candidate]:
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
