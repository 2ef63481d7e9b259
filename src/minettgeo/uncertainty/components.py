"""Further emission components of the Monte Carlo (EV charging, wastewater, railways,
district-heat plants), each evaluated on a batch of factor draws
(:mod:`minettgeo.uncertainty.montecarlo`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from minettgeo.models.district_heat import PlantActivity, plant_formula
from minettgeo.models.ev import EVActivity, ev_formula
from minettgeo.models.rail import RailActivity, rail_formula
from minettgeo.models.wastewater import WastewaterActivity, wastewater_formula

Array = NDArray[np.float64]
#: evaluate(theta (draws x parameters), heat delivered by building tag {tag: draws x zones})
#: -> draws x zones
Evaluate = Callable[[Array, Mapping[str, Array]], Array]


@dataclass(frozen=True)
class Component:
    """A further emission component of the inventory, evaluated on every batch of draws;
    ``basic``: added to the BASIC total (False for rows reported outside it, e.g. I.4.4)."""

    name: str
    evaluate: Evaluate
    basic: bool = True


def membership(
    row_commune: Sequence[object] | NDArray[np.object_], communes: Sequence[str]
) -> Array:
    """rows x communes matrix of 1 where a row belongs to a commune."""
    rows = np.asarray(row_commune, dtype=object)[:, None]
    return (rows == np.array(list(communes), dtype=object)[None, :]).astype(float)


#: the activity multipliers of the next ``n`` draws for each row (n x rows), from a stream
#: consumed batch by batch (:func:`minettgeo.uncertainty.grades.stream_multipliers`)
RowMultipliers = Callable[[int], Array]


def ev_component(
    activity: EVActivity,
    row_commune: Sequence[str],
    communes: Sequence[str],
    multiplier: RowMultipliers | None = None,
) -> Component:
    """II.1.2: ``activity.car_vkm`` holds one entry per row of ``row_commune``; ``multiplier``:
    the rows' activity multipliers of each batch of draws (graded car-km), else none."""
    member = membership(row_commune, communes)

    def evaluate(theta: Array, _heat: Mapping[str, Array]) -> Array:
        ev = ev_formula(activity, theta)["ev_tco2e_a"]
        if multiplier is not None:
            ev = ev * multiplier(theta.shape[0])
        return ev @ member

    return Component("ev_charging", evaluate)


def rail_component(
    activity: RailActivity,
    row_commune: Sequence[str],
    communes: Sequence[str],
    multiplier: RowMultipliers | None = None,
) -> Component:
    """II.2 (II.2.1 + II.2.2): ``activity.line_km`` holds one entry per row of ``row_commune``
    (rows: zone, traction and grade); ``multiplier``: the rows' activity multipliers of each
    batch of draws (one per grade and draw, graded line-km), else none. The formula is linear in
    the line-km of a row, so ``rail(m x L) = m x rail(L)``."""
    member = membership(row_commune, communes)

    def evaluate(theta: Array, _heat: Mapping[str, Array]) -> Array:
        out = rail_formula(activity, theta)
        rail = out["rail_diesel_tco2e_a"] + out["rail_electric_tco2e_a"]
        if multiplier is not None:
            rail = rail * multiplier(theta.shape[0])
        return rail @ member

    return Component("rail", evaluate)


def wastewater_component(activity: WastewaterActivity) -> Component:
    """III.4: ``activity.population`` holds one entry per commune, in the communes' order."""
    return Component(
        "wastewater", lambda theta, _h: wastewater_formula(activity, theta)["wastewater_tco2e_a"]
    )


def plant_component(activity: PlantActivity, communes: Sequence[str]) -> Component:
    """I.4.4 (outside BASIC): the heat delivered by each plant is drawn with the buildings (the
    buildings are tagged with the plant that serves them)."""
    member = membership(activity.plant_lau2, communes)

    def evaluate(theta: Array, heat: Mapping[str, Array]) -> Array:
        n = theta.shape[0]
        delivered = np.stack(
            [heat[p].sum(axis=1) if p in heat else np.zeros(n) for p in activity.plants], axis=1
        )
        return plant_formula(activity, theta, delivered)["tco2e_a"] @ member

    return Component("energy_generation", evaluate, basic=False)


def consumer_plant_component(activity: PlantActivity, zones: Sequence[str]) -> Component:
    """I.4.4 (outside BASIC) allocated to the zones whose buildings the plants serve, in
    proportion to the heat delivered to them (plant emissions are linear in that heat), so the
    zones' sum is the plants' total wherever the plants stand (for candidate test districts)."""
    n_zones = len(zones)

    def evaluate(theta: Array, heat: Mapping[str, Array]) -> Array:
        n = theta.shape[0]
        unit = plant_formula(activity, theta, np.ones((n, len(activity.plants))))["tco2e_a"]
        out = np.zeros((n, n_zones))
        for j, plant in enumerate(activity.plants):  # a handful of plants, not draws
            if plant in heat:
                out += heat[plant] * unit[:, j, None]
        return out

    return Component("energy_generation", evaluate, basic=False)
