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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from minettgeo.factors.tables import FactorSet
from minettgeo.models.buildings import BuildingActivity, building_formula
from minettgeo.models.transport import RoadActivity, road_formula
from minettgeo.quality.spread import (
    STREAM_BUILDINGS,
    STREAM_POINT_SOURCES,
    activity_multipliers,
    grade_stream,
)

from .components import (
    Component,
    consumer_plant_component,
    ev_component,
    membership,
    plant_component,
    rail_component,
    wastewater_component,
)

__all__ = [
    "Component",
    "Draws",
    "Intervals",
    "consumer_plant_component",
    "ev_component",
    "membership",
    "plant_component",
    "rail_component",
    "simulate",
    "simulate_draws",
    "wastewater_component",
]

PERCENTILES = (5.0, 25.0, 50.0, 75.0, 95.0)
BATCH = 250
Array = NDArray[np.float64]


@dataclass(frozen=True)
class Intervals:
    """Percentiles (rows: communes then 'region') of each component, t CO2e/a."""

    table: pd.DataFrame
    draws: int
    seed: int
    #: the draws behind the table (None when not kept), for :mod:`minettgeo.uncertainty.update`
    samples: Draws | None = field(default=None, repr=False, compare=False)


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


@dataclass(frozen=True)
class Draws:
    """The draws of a simulation, kept so that a recompute re-sums only what changed
    (:mod:`minettgeo.uncertainty.update`): the factor draws ``theta`` (draws x parameters, the
    seeded stream of every batch in order), each component's draws x zones (``sims``, with
    ``basic``) and the heat delivered to the tagged buildings of each zone (``heat``, tag ->
    draws x zones)."""

    theta: Array
    sims: Mapping[str, Array]
    heat: Mapping[str, Array]
    #: names of the components in the BASIC total, in the order they are added
    basic_parts: tuple[str, ...]
    #: the activity grades that are widened (sorted) and their multiplier of every draw (draws x
    #: grades, own random stream); None when the buildings are not widened
    grades: tuple[str, ...] = ()
    grade_factor: Array | None = None


def group_multipliers(
    grade_factor: Array | None, grades: Sequence[str], group_grade: NDArray[np.object_]
) -> Array | None:
    """The multiplier of every draw for each group (draws x groups) from its grade's column of
    ``grade_factor``; None without multipliers. Raises KeyError for a grade not in ``grades``."""
    if grade_factor is None:
        return None
    col = {g: i for i, g in enumerate(grades)}
    at = np.array([col[g] for g in group_grade], dtype=np.int64)  # groups, not buildings
    return grade_factor[:, at]


def building_draws(
    grouped: BuildingActivity,
    group_zone: NDArray[np.object_],
    group_tag: NDArray[np.object_],
    zones: Sequence[str],
    theta: Array,
    multiplier: Array | None = None,
) -> tuple[Array, dict[str, Array]]:
    """Stationary emissions (draws x zones, t CO2e/a) and the heating energy delivered to each
    tag's buildings (tag -> draws x zones, kWh/a) of grouped building activity, for the factor
    draws ``theta``; both are linear in the groups' floor area and electricity basis.
    ``multiplier``: each group's activity multiplier per draw (draws x groups), applied to every
    building output (graded activity data)."""
    member = membership(group_zone, zones)
    tags = sorted(set(group_tag) - {""})
    ghg: list[Array] = []
    heat: dict[str, list[Array]] = {t: [] for t in tags}
    for start in range(0, theta.shape[0], BATCH):
        out = building_formula(grouped, theta[start : start + BATCH])
        if multiplier is not None:
            by_group = multiplier[start : start + BATCH]
            out = {k: v * by_group for k, v in out.items()}
        ghg.append(out["ghg_tco2e_a"] @ member)
        for t in tags:
            heat[t].append(out["heating_final_kwh_a"] @ (member * (group_tag == t)[:, None]))
    n = len(zones)
    stationary = np.concatenate(ghg, axis=0) if ghg else np.zeros((0, n))
    return stationary, {t: np.concatenate(v, axis=0) for t, v in heat.items()}


def factor_draws(factors: FactorSet, draws: int, seed: int) -> Array:
    """``draws`` seeded draws of every parameter (draws x parameters), in batches of BATCH."""
    if draws < 1:
        raise ValueError("draws must be >= 1")
    rng = np.random.default_rng(seed)
    sizes = [min(BATCH, draws - done) for done in range(0, draws, BATCH)]
    return np.concatenate([factors.draw(n, rng) for n in sizes], axis=0)


def component_draws(
    components: Sequence[Component], theta: Array, heat: Mapping[str, Array]
) -> dict[str, Array]:
    """Each component evaluated on the draws (in batches of BATCH), name -> draws x zones."""
    out: dict[str, Array] = {}
    for component in components:
        parts = []
        for start in range(0, theta.shape[0], BATCH):
            stop = start + BATCH
            part_heat = {t: h[start:stop] for t, h in heat.items()}
            parts.append(component.evaluate(theta[start:stop], part_heat))
        out[component.name] = np.concatenate(parts, axis=0)
    return out


def with_basic(sims: Mapping[str, Array], basic_parts: Sequence[str]) -> dict[str, Array]:
    """``sims`` plus ``basic``, the sum of the BASIC components in the order given."""
    out = {k: v for k, v in sims.items() if k != "basic"}
    out["basic"] = np.sum([out[k] for k in basic_parts], axis=0)
    return out


def simulation(
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
) -> Draws:
    """The draws of :func:`simulate_draws`, with the factor draws, delivered heat and grade
    multipliers kept. The multipliers widen the buildings only when every building's grade has
    a half-width in ``grade_spread``; they are drawn for all draws at once from their own stream
    (the same numbers as batch by batch: consecutive uniforms of one generator)."""
    zones = list(population.index)
    theta = factor_draws(factors, draws, seed)
    grouped, group_zone, group_tag, group_grade = group_buildings(
        buildings, building_zone, building_tag, building_grade
    )
    spread = dict(grade_spread or {})
    grades = tuple(sorted(spread))
    widen = (
        bool(spread) and building_grade is not None and pd.Series(group_grade).isin(grades).all()
    )
    grade_factor = None
    if widen:
        rng = grade_stream(seed, STREAM_BUILDINGS)
        grade_factor = activity_multipliers(draws, [spread[g] for g in grades], rng)
    multiplier = group_multipliers(grade_factor, grades, group_grade)
    stationary, heat = building_draws(grouped, group_zone, group_tag, zones, theta, multiplier)
    road_member = membership(road_zone, zones)
    transport = np.concatenate(
        [
            road_formula(roads, theta[start : start + BATCH])["ghg_tco2e_a"] @ road_member
            for start in range(0, draws, BATCH)
        ],
        axis=0,
    )
    pop = population.to_numpy(dtype=float)
    sims = {
        "stationary": stationary,
        "transport": transport,
        "waste": theta[:, waste_index, None] * pop[None, :],
        **component_draws(components, theta, heat),
    }
    basic = ("stationary", "transport", "waste", *(c.name for c in components if c.basic))
    return Draws(
        theta=theta,
        sims=with_basic(sims, basic),
        heat=heat,
        basic_parts=basic,
        grades=grades if widen else (),
        grade_factor=grade_factor,
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
    return dict(
        simulation(
            factors,
            buildings,
            building_zone,
            roads,
            road_zone,
            population,
            waste_index,
            draws=draws,
            seed=seed,
            components=components,
            building_tag=building_tag,
            building_grade=building_grade,
            grade_spread=grade_spread,
        ).sims
    )


def interval_table(sims: Mapping[str, Array], zones: Sequence[str]) -> pd.DataFrame:
    """:data:`PERCENTILES` of every component per zone and for the sum of the zones
    ('region'): columns ``lau2``, ``<component>_pNN_tco2e``."""
    columns: dict[str, object] = {"lau2": [*zones, "region"]}
    for comp, values in sims.items():
        per_zone = np.column_stack([values[:, : len(zones)], values.sum(axis=1)])
        p = np.percentile(per_zone, PERCENTILES, axis=0)  # percentiles x (zones + region)
        for q, row in zip(PERCENTILES, p, strict=True):
            columns[f"{comp}_p{int(q):02d}_tco2e"] = row.astype(float)
    return pd.DataFrame(columns)


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
    state = simulation(
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
    return Intervals(
        table=interval_table(state.sims, list(population.index)),
        draws=draws,
        seed=seed,
        samples=state,
    )
