"""The effect of one measure, year by year and by GPC row, as a change set on the engine's models.

A measure changes features: buildings added, removed or modified (renovated, switched to another
heating carrier), vehicle-km moved between classes, land planted or unsealed. Its effect in year
``y`` is the model's result for the changed features minus the result for the same features as
they are, never a formula of its own::

    delta(y, row) = sum over changed buildings b of  r(y, b) x [E_new(b, y, row) - E_old(b, y, row)]
    E(b, y, I.x.1) = scope-1 emissions of b                      (building model)
    E(b, y, I.x.2) = (kWh_el(b) x g_el x m_el(y) + kWh_dh(b) x g_dh x m_dh(y)) / 1000
    delta(y, II.1.1) = r(y) x road model(delta vehicle-km by class)
    delta(y, V.2)    = -r(y) x amount x growth curve(y - start) x 44/12      (land model; removal < 0)
    electric vehicles: a share s of the combustion car-km driven inside the target becomes
        battery-electric; with e = s_bev + s_phev x u the electric share of today's car-km
        (ev_charging table) and V the car-km inside the target (road model):
        delta(y, II.1.1) = r(y) x road model(-s x V / (1 - e) x (1 - e)) = -r(y) s V x EF_car
                           (EF_car, the fleet average, already counts electric km at 0: per
                           combustion km the tailpipe factor is EF_car / (1 - e))
        delta(y, II.1.2) = r(y) x EV model(s x V car-km, all battery-electric) x m_el(y)
    rooftop solar: yield Y(b) = footprint x usable share x kWp/m2 x specific yield (catalogue,
        until the per-building solar model is on main); the self-consumed part replaces grid
        electricity up to the building's use:
        delta(y, I.x.2) = -r(y) x min(c x Y(b), kWh_el(b)) x g_el x m_el(y) / 1000

``r(y, b)`` in [0, 1] is how far the measure is realised in year ``y`` (a ramp from start to end,
or worst-first renovation at a rate per year); ``g`` are the grid factors of the factor table and
``m(y)`` their path relative to today (``background.csv``). Every quantity is evaluated at once on
the central factor values (row 0) and on Monte Carlo draws of every factor and path (rows 1..n),
so the interval of a change comes from the same draws as the inventory's.
"""

from __future__ import annotations

import numpy as np

from minettgeo.errors import PolicyError
from minettgeo.models import buildings as bmodel
from minettgeo.scenarios.effects.buildings import (
    ACTIVITY_COLUMNS,
    FOSSIL,
    RENOVATION_STATE_OF,
    STATE_ORDER,
    activity_of,
    add_rows,
    building_components,
    building_delta,
    building_rows,
    central_values,
    new_buildings,
    renovation_effect,
    selected_buildings,
    split_whole,
    switch_effect,
    worst_first,
)
from minettgeo.scenarios.effects.context import (
    BASE_YEAR,
    DATA,
    YEARS,
    Array,
    Catalogue,
    Context,
    Effect,
    load_catalogue,
    make_context,
    path_multipliers,
    ramp,
)
from minettgeo.scenarios.effects.land import (
    LAND_MEASURE,
    land_amount,
    land_effect,
    sink_parameter_draws,
)
from minettgeo.scenarios.effects.solar import pv_yield_kwh, solar_effect
from minettgeo.scenarios.effects.transport import (
    CLASS,
    district_vkm,
    electric_vehicle_effect,
    ev_rows,
    road_rows,
    transport_effect,
    vkm_inside,
    whole_districts,
)
from minettgeo.scenarios.policy import LAST_YEAR, Measure
from minettgeo.scenarios.targets import Selection

__all__ = [
    "ACTIVITY_COLUMNS",
    "BASE_YEAR",
    "CLASS",
    "DATA",
    "FOSSIL",
    "LAND_MEASURE",
    "RENOVATION_STATE_OF",
    "STATE_ORDER",
    "YEARS",
    "Array",
    "Catalogue",
    "Context",
    "Effect",
    "activity_of",
    "add_rows",
    "bmodel",
    "building_components",
    "building_delta",
    "building_rows",
    "central_values",
    "district_vkm",
    "electric_vehicle_effect",
    "ev_rows",
    "land_amount",
    "land_effect",
    "load_catalogue",
    "make_context",
    "measure_effect",
    "new_buildings",
    "path_multipliers",
    "pv_yield_kwh",
    "ramp",
    "renovation_effect",
    "road_rows",
    "selected_buildings",
    "sink_parameter_draws",
    "solar_effect",
    "split_whole",
    "switch_effect",
    "transport_effect",
    "vkm_inside",
    "whole_districts",
    "worst_first",
]


def measure_effect(measure: Measure, selection: Selection, ctx: Context) -> Effect:
    """The effect of ``measure`` on ``selection`` (see the module docstring)."""
    cat = ctx.catalogue
    t = measure.type
    rows: dict[str, Array]
    cost = 0.0
    days = 0.0
    area_ha = 0.0
    changed: dict[str, int] = {}
    if t == "new_development":
        new = new_buildings(measure, selection, ctx)
        real = (ctx.years >= measure.start).astype(float)
        rows = building_rows(new, real, ctx)
        days = len(new) * cat.value("new_development", "person_days_per_building")
        changed = {"buildings_added": len(new), "dwellings_added": int(new["dwellings"].sum())}
    elif t == "demolition":
        old = selected_buildings(ctx, selection)
        real = (ctx.years >= measure.start).astype(float)
        rows = add_rows({}, building_rows(old, real, ctx), -1.0)
        days = len(old) * cat.value("demolition", "person_days_per_building")
        changed = {"buildings_removed": len(old)}
    elif t in RENOVATION_STATE_OF:
        rows = renovation_effect(measure, selection, ctx)
        old = selected_buildings(ctx, selection)
        old = old[old["renovation_state"].map(STATE_ORDER) < STATE_ORDER[RENOVATION_STATE_OF[t]]]
        old = old[old["heating_carrier"] != "none"]
        final = min(1.0, float(measure.params["rate_per_year"]) * (LAST_YEAR - measure.start + 1))
        n_done = int(np.floor(final * len(old) + 1e-9))
        area = float(old["heated_area_m2"].sort_values().iloc[-n_done:].sum()) if n_done else 0.0
        cost = area * cat.value(t, "cost_eur_per_m2")
        days = n_done * cat.value(t, "person_days_per_building")
        changed = {"buildings_modified": n_done}
    elif t in ("heating_switch", "district_heating_network"):
        to = "district_heat" if t == "district_heating_network" else str(measure.params["to"])
        sources = FOSSIL if t == "district_heating_network" else tuple(measure.params["from"])
        factor = measure.params.get("heat_factor_kg_per_kwh")
        rows, old = switch_effect(
            measure, selection, ctx, to, sources, None if factor is None else float(factor)
        )
        share = float(measure.params.get("share", 1.0))
        heated = float(old["heated_area_m2"].sum()) * share
        if t == "district_heating_network":
            need_mwh = central_values(old, ctx)["heat_need_kwh_a"].sum() / 1000.0
            cost = need_mwh * share * cat.value(t, "cost_eur_per_mwh_a")
            days = len(old) * share * cat.value(t, "person_days_per_building")
        else:
            unit_cost = (
                0.0
                if to == "direct_electric"
                else cat.value("heating_switch", f"cost_eur_per_m2_{to}")
            )
            cost = heated * unit_cost
            days = len(old) * share * cat.value("heating_switch", "person_days_per_building")
        changed = {"buildings_modified": round(len(old) * share)}
    elif t in ("modal_shift", "traffic_change"):
        inside = float(vkm_inside(ctx, selection)[CLASS["car"]]) if t == "modal_shift" else 0.0
        rows = transport_effect(measure, selection, ctx, inside)
        if t == "modal_shift":
            car = inside * float(measure.params["share"])
            if measure.params["to"] == "bus":
                cost = (
                    car
                    * cat.value("modal_shift", "bus_vkm_per_car_vkm")
                    * cat.value("modal_shift", "cost_eur_per_bus_vkm")
                    * (LAST_YEAR - measure.start + 1)
                )
            else:
                cost = (
                    car
                    * cat.value("modal_shift", "cost_eur_per_car_vkm_active")
                    * (LAST_YEAR - measure.start + 1)
                )
            changed = {"car_vkm_shifted_a": round(car)}
    elif t == "electric_vehicles":
        rows, car = electric_vehicle_effect(measure, selection, ctx)
        cars = car / cat.value("electric_vehicles", "vkm_per_car")
        cost = cars * cat.value("electric_vehicles", "cost_eur_per_car")
        days = cars / 1000.0 * cat.value("electric_vehicles", "person_days_per_1000_cars")
        changed = {"car_vkm_electrified_a": round(car)}
    elif t == "rooftop_solar":
        rows, roofs = solar_effect(measure, selection, ctx)
        share = float(measure.params.get("share", 1.0))
        footprint = float(np.asarray(roofs.geometry.area, dtype=float).sum()) * share
        kwp = (
            footprint
            * cat.value("rooftop_solar", "usable_roof_share")
            * cat.value("rooftop_solar", "kwp_per_m2_roof")
        )
        cost = kwp * cat.value("rooftop_solar", "cost_eur_per_kwp")
        days = len(roofs) * share * cat.value("rooftop_solar", "person_days_per_building")
        changed = {"buildings_modified": round(len(roofs) * share), "kwp_installed": round(kwp)}
    elif t in LAND_MEASURE:
        amount = land_amount(measure, selection, ctx)
        rows = land_effect(measure, amount, ctx)
        if t == "hedgerow":
            cost = amount * cat.value("hedgerow", "cost_eur_per_km")
            days = amount * cat.value("hedgerow", "person_days_per_km")
            area_ha = (
                amount * 1000.0 * ctx.carbon.measures["hedgerow"].get("hedge_width_m", 4.0) / 1e4
            )
            changed = {"hedge_km": round(amount)}
        elif t == "unsealing":
            cost = amount * 1e4 * cat.value("unsealing", "cost_eur_per_m2")
            days = amount * cat.value("unsealing", "person_days_per_ha")
            area_ha = amount
        else:
            cost = amount * cat.value("afforestation", "cost_eur_per_ha")
            days = amount * cat.value("afforestation", "person_days_per_ha")
            area_ha = amount
    else:
        raise PolicyError(f"{measure.where}: measure type {t!r} is not available")
    return Effect(
        measure=measure,
        rows=rows,
        resources={"cost_eur": float(cost), "person_days": float(days), "area_ha": float(area_ha)},
        changed=changed,
        years=ctx.years,
    )
