"""Seeded Monte Carlo over the factor bounds, vectorised over draws.

Every factor row with ``low < high`` is drawn from the two-piece triangular distribution whose
median is its tabulated value (:mod:`minettgeo.uncertainty.distributions`), so the deterministic
run, which uses the tabulated values, is the central run. One draw of a factor applies to every
building, road and line (its uncertainty is systematic, not independent per feature). The same
formulas as the central run are evaluated on the matrix of draws (``draws x parameters``) for
*activity groups*: buildings sharing a commune and every factor index are summed first (the
formulas are linear in floor area, dwellings, vehicle-km, line-km and residents), so thousands of
draws stay cheap. Result: the 5th, 25th, 50th, 75th and 95th percentile (the 90 % interval and
its middle half) of every commune's and the region's total, per component.

Graded activity data (docs/data-quality.md): with ``building_grade`` and ``grade_spread`` the
buildings of each activity grade are also multiplied, per draw, by one multiplier of that grade
(:mod:`minettgeo.quality.spread`: median 1, half-width by grade; systematic, since a fill-in
rule errs alike on every value it fills); the point sources' reported tonnes by one multiplier
per facility (:func:`point_source_component`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from minettgeo.factors.tables import FactorSet
from minettgeo.models.buildings import BuildingActivity, building_formula
from minettgeo.models.district_heat import PlantActivity, plant_formula
from minettgeo.models.ev import EVActivity, ev_formula
from minettgeo.models.rail import RailActivity, rail_formula
from minettgeo.models.transport import RoadActivity, road_formula
from minettgeo.models.wastewater import WastewaterActivity, wastewater_formula
from minettgeo.quality.spread import (
    STREAM_BUILDINGS,
    STREAM_POINT_SOURCES,
    activity_multipliers,
    grade_stream,
)

PERCENTILES = (5.0, 25.0, 50.0, 75.0, 95.0)
BATCH = 250
Array = NDArray[np.float64]
#: evaluate(theta (draws x parameters), heat delivered by building tag {tag: draws x zones})
#: -> draws x zones
Evaluate = Callable[[Array, Mapping[str, Array]], Array]


@dataclass(frozen=True)
class Intervals:
    """Percentiles (rows: communes then 'region') of each component, t CO2e/a."""

    table: pd.DataFrame
    draws: int
    seed: int


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


def ev_component(
    activity: EVActivity, row_commune: Sequence[str], communes: Sequence[str]
) -> Component:
    """II.1.2: ``activity.car_vkm`` holds one entry per row of ``row_commune``."""
    member = membership(row_commune, communes)
    return Component(
        "ev_charging", lambda theta, _h: ev_formula(activity, theta)["ev_tco2e_a"] @ member
    )


def rail_component(
    activity: RailActivity, row_commune: Sequence[str], communes: Sequence[str]
) -> Component:
    """II.2 (II.2.1 + II.2.2): ``activity.line_km`` holds one entry per row of ``row_commune``."""
    member = membership(row_commune, communes)

    def evaluate(theta: Array, _heat: Mapping[str, Array]) -> Array:
        out = rail_formula(activity, theta)
        return (out["rail_diesel_tco2e_a"] + out["rail_electric_tco2e_a"]) @ member

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


def point_source_component(
    name: str,
    tonnes: Array,
    half_width: Array,
    row_commune: Sequence[str],
    communes: Sequence[str],
    seed: int,
    *,
    basic: bool,
) -> Component:
    """Reported tonnes of point sources (one entry each; t CO2e/a) x one multiplier per facility
    and draw (median 1, ``half_width`` by the facility's grade), summed per commune."""
    member = membership(row_commune, communes)
    rng = grade_stream(seed, STREAM_POINT_SOURCES + (0 if basic else 1))
    t = np.asarray(tonnes, dtype=float)

    def evaluate(theta: Array, _heat: Mapping[str, Array]) -> Array:
        factor = activity_multipliers(theta.shape[0], half_width, rng)
        return (factor * t[None, :]) @ member

    return Component(name, evaluate, basic=basic)


def group_buildings(
    activity: BuildingActivity,
    commune: NDArray[np.object_],
    tag: NDArray[np.object_] | None = None,
    grade: NDArray[np.object_] | None = None,
) -> tuple[BuildingActivity, NDArray[np.object_], NDArray[np.object_], NDArray[np.object_]]:
    """Sum floor area and electricity basis over buildings with the same commune, tag, activity
    grade and factors; returns the groups' activity, commune, tag and grade."""
    keys = pd.DataFrame({name: idx for name, idx in activity.index.items()})
    keys["heated"] = activity.heated
    keys["biogenic"] = activity.biogenic
    keys["commune"] = commune
    keys["tag"] = "" if tag is None else tag
    keys["grade"] = "" if grade is None else grade
    cols = list(keys.columns)
    keys["area"] = activity.heated_area_m2
    keys["basis"] = activity.electricity_basis
    grouped = keys.groupby(cols, sort=True, dropna=False)[["area", "basis"]].sum().reset_index()
    grouped_activity = BuildingActivity(
        heated_area_m2=grouped["area"].to_numpy(dtype=float),
        electricity_basis=grouped["basis"].to_numpy(dtype=float),
        heated=grouped["heated"].to_numpy(dtype=bool),
        biogenic=grouped["biogenic"].to_numpy(dtype=bool),
        index={name: grouped[name].to_numpy(dtype=np.int64) for name in activity.index},
    )
    return (
        grouped_activity,
        grouped["commune"].to_numpy(dtype=object),
        grouped["tag"].to_numpy(dtype=object),
        grouped["grade"].to_numpy(dtype=object),
    )


def simulate_draws(
    factors: FactorSet,
    buildings: BuildingActivity,
    building_zone: NDArray[np.object_],
    roads: RoadActivity,
    road_zone: Sequence[str],
    population: pd.Series,
    waste_index: int,
    *,
    draws: int = 1000,
    seed: int = 2028,
    components: Sequence[Component] = (),
    building_tag: NDArray[np.object_] | None = None,
    building_grade: NDArray[np.object_] | None = None,
    grade_spread: Mapping[str, float] | None = None,
) -> dict[str, Array]:
    """The draws themselves: component -> array (draws x zones, zones in the order of
    ``population.index``), plus ``basic`` (the BASIC total). Zones are communes for the
    inventory, or any other zones (e.g. candidate test districts: :mod:`minettgeo.rank`) whose
    buildings, vehicle-km and residents are given. The heat each component receives is, per
    tag, draws x zones (the heat delivered to the tagged buildings of each zone). With
    ``building_grade`` and ``grade_spread`` (grade -> half-width) every building output is
    multiplied by its grade's multiplier of the draw (module docstring)."""
    if draws < 1:
        raise ValueError("draws must be >= 1")
    communes = list(population.index)
    grouped, group_commune, group_tag, group_grade = group_buildings(
        buildings, building_zone, building_tag, building_grade
    )
    spread = dict(grade_spread or {})
    grades = sorted(spread)
    grade_col = pd.Series(group_grade).map({g: i for i, g in enumerate(grades)})
    widen = bool(spread) and building_grade is not None and grade_col.notna().all()
    grade_rng = grade_stream(seed, STREAM_BUILDINGS)
    member = membership(group_commune, communes)
    road_member = membership(road_zone, communes)
    tags = sorted(set(group_tag) - {""})
    tag_member = {t: member * (group_tag == t)[:, None] for t in tags}
    pop = population.to_numpy(dtype=float)
    rng = np.random.default_rng(seed)
    names = ["stationary", "transport", "waste", *(c.name for c in components)]
    parts: dict[str, list[Array]] = {name: [] for name in names}
    done = 0
    while done < draws:
        n = min(BATCH, draws - done)
        theta = factors.draw(n, rng)
        b_out = building_formula(grouped, theta)
        if widen:
            factor = activity_multipliers(n, [spread[g] for g in grades], grade_rng)
            by_group = factor[:, grade_col.to_numpy(dtype=np.int64)]
            b_out = {k: v * by_group for k, v in b_out.items()}
        heat = {t: b_out["heating_final_kwh_a"] @ tag_member[t] for t in tags}
        parts["stationary"].append(b_out["ghg_tco2e_a"] @ member)
        parts["transport"].append(road_formula(roads, theta)["ghg_tco2e_a"] @ road_member)
        parts["waste"].append(theta[:, waste_index, None] * pop[None, :])
        for component in components:
            parts[component.name].append(component.evaluate(theta, heat))
        done += n
    sims = {k: np.concatenate(v, axis=0) for k, v in parts.items()}
    basic_parts = ["stationary", "transport", "waste", *(c.name for c in components if c.basic)]
    sims["basic"] = np.sum([sims[k] for k in basic_parts], axis=0)
    return sims


def simulate(
    factors: FactorSet,
    buildings: BuildingActivity,
    building_commune: NDArray[np.object_],
    roads: RoadActivity,
    road_commune: Sequence[str],
    population: pd.Series,
    waste_index: int,
    *,
    draws: int = 1000,
    seed: int = 2028,
    components: Sequence[Component] = (),
    building_tag: NDArray[np.object_] | None = None,
    building_grade: NDArray[np.object_] | None = None,
    grade_spread: Mapping[str, float] | None = None,
) -> Intervals:
    """Percentiles of stationary, road transport, waste, each further component and the BASIC
    total per commune and region (:func:`simulate_draws` on the communes).

    ``roads.vkm`` holds one row per commune (vehicle-km by class inside it), in the order of
    ``road_commune``; ``population`` is indexed by commune; ``building_tag`` labels buildings
    whose delivered heat a component needs (e.g. the district-heat plant serving them);
    ``building_grade`` the activity grade of each building and ``grade_spread`` the half-width
    of each grade's multiplier (module docstring)."""
    communes = list(population.index)
    sims = simulate_draws(
        factors,
        buildings,
        building_commune,
        roads,
        road_commune,
        population,
        waste_index,
        draws=draws,
        seed=seed,
        components=components,
        building_tag=building_tag,
        building_grade=building_grade,
        grade_spread=grade_spread,
    )
    records = []
    for j, code in enumerate([*communes, "region"]):
        row: dict[str, object] = {"lau2": code}
        for comp, values in sims.items():
            series = values[:, j] if code != "region" else values.sum(axis=1)
            p = np.percentile(series, PERCENTILES)
            for q, v in zip(PERCENTILES, p, strict=True):
                row[f"{comp}_p{int(q):02d}_tco2e"] = float(v)
        records.append(row)
    return Intervals(table=pd.DataFrame(records), draws=draws, seed=seed)
