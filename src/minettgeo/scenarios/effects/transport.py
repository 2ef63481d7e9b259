"""Effects of measures on traffic (modal shift, traffic change, electric vehicles), from the road
and EV models: vehicle-km inside a target by class, and their change.

See :mod:`minettgeo.scenarios.effects` for the formulas."""

from __future__ import annotations

from typing import cast

import geopandas as gpd
import numpy as np
import pandas as pd

from minettgeo.layers.codes import VEHICLE_CLASS
from minettgeo.models import ev as evmodel
from minettgeo.models import transport as tmodel
from minettgeo.scenarios.effects.context import (
    Array,
    Context,
    ramp,
)
from minettgeo.scenarios.policy import Measure
from minettgeo.scenarios.targets import Selection, member


def vkm_inside(ctx: Context, selection: Selection) -> Array:
    """Vehicle-km per year by class driven inside the selection's area (road model, length
    share inside), shape (classes,)."""
    key = ("vkm", len(selection.parcel_ids), hash(tuple(selection.parcel_ids.tolist())))
    if key in ctx.memo:
        return cast(Array, ctx.memo[key])
    whole = whole_districts(ctx, selection)
    if whole is not None:
        by_district = district_vkm(ctx)
        out_d: Array = by_district.reindex(whole).fillna(0.0).to_numpy().sum(axis=0)
        ctx.memo[key] = out_d
        return out_d
    zone = gpd.GeoDataFrame({"zone": ["target"]}, geometry=[selection.area], crs=ctx.parcels.crs)
    shares = tmodel.length_shares(ctx.roads, zone, "zone")
    length = ctx.roads.geometry.length.to_numpy(dtype=float)
    vkm = tmodel.vehicle_km(ctx.roads, length)
    pos = ctx.roads.index.get_indexer(shares["road"].to_numpy())
    out: Array = (vkm[pos] * shares["share"].to_numpy()[:, None]).sum(axis=0)
    ctx.memo[key] = out
    return out


def whole_districts(ctx: Context, selection: Selection) -> list[str] | None:
    """The district ids when the selection is exactly a set of whole districts (and the
    districts layer is known), else None."""
    if ctx.districts is None or "district_id" not in ctx.parcels:
        return None
    district = ctx.parcels["district_id"].astype(str)
    chosen = member(ctx.parcels["parcel_id"].to_numpy(dtype=object), selection.parcel_ids)
    touched = district[chosen].value_counts()
    total = district.value_counts().reindex(touched.index)
    if len(touched) == 0 or not (touched == total).all():
        return None
    return [str(d) for d in touched.index]


def district_vkm(ctx: Context) -> pd.DataFrame:
    """Vehicle-km per year by class inside each district (length shares, as the inventory
    allocates roads), districts x classes; computed once per context."""
    key: tuple[object, ...] = ("district_vkm",)
    if key not in ctx.memo:
        assert ctx.districts is not None
        shares = tmodel.length_shares(ctx.roads, ctx.districts, "district_id")
        length = ctx.roads.geometry.length.to_numpy(dtype=float)
        vkm = tmodel.vehicle_km(ctx.roads, length)
        pos = ctx.roads.index.get_indexer(shares["road"].to_numpy())
        weighted = pd.DataFrame(
            vkm[pos] * shares["share"].to_numpy()[:, None], columns=list(VEHICLE_CLASS)
        )
        weighted["zone"] = shares["zone"].astype(str).to_numpy()
        ctx.memo[key] = weighted.groupby("zone")[list(VEHICLE_CLASS)].sum()
    return cast(pd.DataFrame, ctx.memo[key])


def road_rows(delta_vkm: Array, ctx: Context) -> Array:
    """t CO2e/a (1 + draws,) of a change of vehicle-km by class (rows of factors), road model."""
    activity = tmodel.resolve_road_factors(np.atleast_2d(delta_vkm), ctx.factors)
    return tmodel.road_formula(activity, ctx.thetas)["ghg_tco2e_a"][:, 0]


CLASS = {c: i for i, c in enumerate(VEHICLE_CLASS)}


def transport_effect(
    measure: Measure, selection: Selection, ctx: Context, car_vkm: float | None = None
) -> dict[str, Array]:
    """II.1.1 change of a modal shift or traffic change; ``car_vkm``: the car-km inside the
    target when already known."""
    p = measure.params
    nclass = len(VEHICLE_CLASS)
    if measure.type == "traffic_change":
        delta = np.zeros(nclass)
        for vc, value in dict(p["vkm_a"]).items():
            delta[CLASS[vc]] = float(value)
        per_year = road_rows(delta, ctx)
        real = (ctx.years >= measure.start).astype(float)
        return {"II.1.1": per_year[:, None] * real[None, :]}
    inside = vkm_inside(ctx, selection)[CLASS["car"]] if car_vkm is None else car_vkm
    car = inside * float(p["share"])
    real = ramp(ctx.years, measure.start, measure.end)
    delta = np.zeros(nclass)
    delta[CLASS["car"]] = -car
    out = road_rows(delta, ctx)
    if p["to"] == "bus":
        ratio = ctx.param_draws("modal_shift", "bus_vkm_per_car_vkm", 11 + measure.index)
        bus = np.zeros(nclass)
        bus[CLASS["bus"]] = car
        out = out + road_rows(bus, ctx) * ratio
    return {"II.1.1": out[:, None] * real[None, :]}


def ev_rows(car_vkm: float, ctx: Context) -> dict[str, Array]:
    """Change per year (1 + draws,) of ``car_vkm`` car-km per year moving from combustion to
    battery-electric cars: tailpipe (road model) and charging (EV model, battery cars only)."""
    probe = evmodel.resolve_ev_factors(np.array([1.0]), ctx.factors)
    shares = evmodel.ev_formula(probe, ctx.thetas)["ev_vkm_a"][:, 0]  # electric share e
    delta = np.zeros(len(VEHICLE_CLASS))
    delta[CLASS["car"]] = -car_vkm
    tailpipe = road_rows(delta, ctx) / (1.0 - shares)
    bev = ctx.thetas.copy()
    bev[:, probe.index["bev_fleet_share"]] = 1.0
    bev[:, probe.index["phev_fleet_share"]] = 0.0
    charging = evmodel.ev_formula(
        evmodel.resolve_ev_factors(np.array([car_vkm]), ctx.factors), bev
    )["ev_kwh_a"][:, 0]
    return {"II.1.1": tailpipe, "II.1.2_kwh": charging}


def electric_vehicle_effect(
    measure: Measure, selection: Selection, ctx: Context
) -> tuple[dict[str, Array], float]:
    car = float(vkm_inside(ctx, selection)[CLASS["car"]]) * float(measure.params["share"])
    real = ramp(ctx.years, measure.start, measure.end)
    parts = ev_rows(car, ctx)
    g_el = ctx.grid("electricity")[:, None] * ctx.m_el
    return {
        "II.1.1": parts["II.1.1"][:, None] * real[None, :],
        "II.1.2": parts["II.1.2_kwh"][:, None] * g_el * real[None, :] / 1000.0,
    }, car
