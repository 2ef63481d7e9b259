"""Seeded Monte Carlo of the emission totals over the factor bounds and the graded activity data.

The same formulas as the central run are evaluated on the matrix of factor draws (``draws x
parameters``, :mod:`minettgeo.uncertainty.sampling`) for *activity groups*: buildings sharing a
zone and every factor index are summed first (:mod:`minettgeo.uncertainty.building_groups`),
road vehicle-km per zone (and grade, :mod:`minettgeo.uncertainty.road_draws`), line-km, residents
(the formulas are linear in floor area, dwellings, vehicle-km, line-km and residents), so
thousands of draws stay cheap. Result: the 5th, 25th, 50th, 75th and 95th percentile (the 90 %
interval and its middle half) of every commune's and the region's total, per component
(:mod:`minettgeo.uncertainty.intervals`).

Graded activity data (docs/data-quality.md): with ``building_grade`` and ``grade_spread`` the
buildings of each activity grade are also multiplied, per draw, by one multiplier of that grade;
with ``road_grade`` and ``road_spread`` the road rows of each traffic grade likewise (own stream
:data:`~minettgeo.quality.spread.STREAM_ROADS`); the point sources' reported tonnes by one
multiplier per facility (:func:`~minettgeo.uncertainty.grades.point_source_component`). Measured
activity data (half-width 0) is not widened, and the central run is unchanged.

:func:`simulation` returns the draws with what an incremental update needs
(:class:`~minettgeo.uncertainty.sampling.Draws`); :func:`simulate_draws` (the draws alone) and
:func:`simulate` (their percentiles) take exactly its parameters.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import ParamSpec, TypeVar

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from minettgeo.factors.tables import FactorSet
from minettgeo.models.buildings import BuildingActivity
from minettgeo.models.transport import RoadActivity
from minettgeo.quality.spread import STREAM_BUILDINGS, STREAM_ROADS

from .building_groups import building_draws, group_buildings
from .components import (
    Component,
    consumer_plant_component,
    ev_component,
    membership,
    plant_component,
    rail_component,
    wastewater_component,
)
from .grades import grade_factors, group_multipliers, point_source_component
from .intervals import PERCENTILES, Intervals, interval_table, intervals_of
from .road_draws import road_draws
from .sampling import BATCH, Draws, component_draws, factor_draws, with_basic

__all__ = [
    "BATCH",
    "PERCENTILES",
    "Component",
    "Draws",
    "Intervals",
    "building_draws",
    "component_draws",
    "consumer_plant_component",
    "ev_component",
    "factor_draws",
    "group_buildings",
    "group_multipliers",
    "interval_table",
    "membership",
    "plant_component",
    "point_source_component",
    "rail_component",
    "simulate",
    "simulate_draws",
    "simulation",
    "wastewater_component",
    "with_basic",
]

Array = NDArray[np.float64]
P = ParamSpec("P")
R = TypeVar("R")


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
    road_grade: NDArray[np.object_] | None = None,
    road_spread: Mapping[str, float] | None = None,
) -> Draws:
    """The draws: component -> draws x zones (zones in the order of ``population.index``), plus
    ``basic`` (the BASIC total), with the factor draws, delivered heat and building grade
    multipliers kept.

    Zones are communes for the inventory, or any other zones (e.g. candidate test districts:
    :mod:`minettgeo.rank`) whose buildings, vehicle-km and residents are given. ``roads.vkm``
    holds one row per road group (vehicle-km by class), in the order of ``road_zone``;
    ``building_tag`` labels buildings whose delivered heat a component needs (e.g. the
    district-heat plant serving them; the heat each component receives is, per tag, draws x
    zones); ``building_grade`` / ``road_grade`` the activity grade of each building / road row
    and ``grade_spread`` / ``road_spread`` the half-width of each grade's multiplier (module
    docstring). Each is widened only when all its grades have a half-width."""
    zones = list(population.index)
    theta = factor_draws(factors, draws, seed)
    grouped, group_zone, group_tag, group_grade = group_buildings(
        buildings, building_zone, building_tag, building_grade
    )
    grades, grade_factor = grade_factors(
        grade_spread,
        None if building_grade is None else group_grade,
        draws,
        seed,
        STREAM_BUILDINGS,
    )
    multiplier = group_multipliers(grade_factor, grades, group_grade)
    stationary, heat = building_draws(grouped, group_zone, group_tag, zones, theta, multiplier)
    road_grades, road_factor = grade_factors(road_spread, road_grade, draws, seed, STREAM_ROADS)
    road_multiplier = (
        None if road_grade is None else group_multipliers(road_factor, road_grades, road_grade)
    )
    pop = population.to_numpy(dtype=float)
    sims = {
        "stationary": stationary,
        "transport": road_draws(roads, road_zone, zones, theta, road_multiplier),
        "waste": theta[:, waste_index, None] * pop[None, :],
        **component_draws(components, theta, heat),
    }
    basic = ("stationary", "transport", "waste", *(c.name for c in components if c.basic))
    return Draws(
        theta=theta,
        sims=with_basic(sims, basic),
        heat=heat,
        basic_parts=basic,
        grades=grades,
        grade_factor=grade_factor,
        zones=tuple(str(z) for z in zones),
        seed=seed,
    )


def with_parameters_of(
    run: Callable[P, Draws], convert: Callable[[Draws], R], name: str, doc: str
) -> Callable[P, R]:
    """The function ``convert(run(...))``, taking exactly the parameters of ``run`` (typed), so
    that the draws, their percentiles and the kept state share one signature."""

    @functools.wraps(run)
    def converted(*args: P.args, **kwargs: P.kwargs) -> R:
        return convert(run(*args, **kwargs))

    converted.__name__ = converted.__qualname__ = name
    converted.__doc__ = doc
    return converted


def sims_of(state: Draws) -> dict[str, Array]:
    """The draws of every component (and ``basic``): component -> draws x zones."""
    return dict(state.sims)


simulate_draws = with_parameters_of(
    simulation,
    sims_of,
    "simulate_draws",
    """The draws of :func:`simulation` (same parameters) alone: component -> draws x zones, plus
    ``basic`` (the BASIC total).""",
)
simulate = with_parameters_of(
    simulation,
    intervals_of,
    "simulate",
    """Percentiles of stationary, road transport, waste, each further component and the BASIC
    total per zone (commune) and region, with the draws kept (:func:`simulation`, same
    parameters).""",
)
