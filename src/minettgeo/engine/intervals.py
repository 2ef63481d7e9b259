"""The Monte Carlo stage of a run: seeded percentiles of the emission totals (factor bounds and
activity grades) and of the land flux and sink potential, per commune and region, and their
columns on the communes layer and the totals table. A recompute updates the emission draws for
the changed buildings only (:mod:`minettgeo.engine.incremental`)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from minettgeo.aggregate.levels import Levels
from minettgeo.factors.tables import FactorSet
from minettgeo.land.uncertainty import simulate_land
from minettgeo.layers.region import RegionLayers
from minettgeo.models import buildings as bmodel
from minettgeo.models import district_heat as dhmodel
from minettgeo.models import ev as evmodel
from minettgeo.models import rail as railmodel
from minettgeo.models import transport as tmodel
from minettgeo.models import wastewater as wwmodel
from minettgeo.models.waste import waste_index
from minettgeo.uncertainty import montecarlo as mc
from minettgeo.uncertainty.montecarlo import Intervals, simulate

from . import network_quality as nq
from . import point_sources as ps
from .inputs import Inputs
from .stages import LandResults, RoadResults
from .totals import InventoryResults, commune_vkm


def further_components(
    factors: FactorSet,
    vkm_by_commune: pd.DataFrame,
    population: pd.Series,
    buildings: pd.DataFrame,
    rail: tuple[pd.DataFrame, pd.DataFrame] | None,
    region: RegionLayers,
    seed: int = 0,
) -> list[mc.Component]:
    """Monte Carlo components besides buildings, roads and waste: EV charging (II.1.2),
    wastewater (III.4), railways (II.2) and the district-heat plants (I.4.4, outside BASIC).
    ``vkm_by_commune``: vehicle-km by class, indexed by commune or by (commune, activity
    grade); with grades the EV car-km take the road traffic's grade multipliers (same stream).
    Railways: one row per (commune, traction, grade), its line-km widened by the multiplier of
    its grade (stream :data:`~minettgeo.quality.spread.STREAM_RAIL`)."""
    communes = list(population.index)
    ev = evmodel.resolve_ev_factors(vkm_by_commune["vkm_car_a"].to_numpy(), factors)
    plants = dhmodel.resolve_plant_factors(dhmodel.delivered_heat(buildings, factors), factors)
    out = [
        mc.ev_component(
            ev,
            list(vkm_by_commune.index.get_level_values(0)),
            communes,
            nq.ev_multipliers(vkm_by_commune, seed),
        ),
        mc.wastewater_component(wwmodel.resolve_wastewater_factors(population.to_numpy(), factors)),
        mc.plant_component(plants, communes),
    ]
    if rail is not None and region.rail is not None:
        lines = railmodel.rail_activity_by_commune(region.rail, rail[1], region.districts)
        activity = railmodel.resolve_rail_factors(
            lines["line_km"].to_numpy(), lines["diesel_line"].to_numpy(), factors
        )
        # rail rows: a commune's line-km of one traction and grade, widened by grade
        grade = lines["grade"].to_numpy(dtype=object)
        out.append(
            mc.rail_component(
                activity, list(lines["lau2"]), communes, nq.rail_multipliers(grade, seed)
            )
        )
    return out


@dataclass(frozen=True)
class IntervalResults:
    """Percentiles of the emission totals (``emissions``) and of the land flux and sink potential
    (``land``), rows: communes then 'region'."""

    emissions: Intervals
    land: pd.DataFrame


def emission_intervals(
    inputs: Inputs,
    levels: Levels,
    buildings: pd.DataFrame,
    roads: RoadResults,
    activity: bmodel.BuildingActivity | None = None,
) -> Intervals:
    """Seeded Monte Carlo over the factor bounds (:mod:`minettgeo.uncertainty.montecarlo`);
    ``activity``: the buildings' resolved factors, row by row, when already resolved."""
    region, factors, options = inputs.region, inputs.factors, inputs.options
    population = levels.communes.set_index("lau2")["population"]
    if activity is None:
        activity = bmodel.resolve_building_factors(buildings, factors)
    activity = ps.uncovered(activity, buildings)
    quality = inputs.quality
    # road rows: a commune's vehicle-km of one traffic grade (quality/network.py)
    graded = commune_vkm(roads.results, roads.shares, region.districts, ("activity_grade",))
    road_activity = tmodel.resolve_road_factors(graded.to_numpy(), factors)
    return simulate(
        factors,
        activity,
        buildings["lau2"].to_numpy(dtype=object),
        road_activity,
        list(graded.index.get_level_values("lau2")),
        population,
        waste_index(factors),
        draws=options.draws,
        seed=options.seed,
        components=[
            *further_components(
                factors, graded, population, buildings, roads.rail, region, options.seed
            ),
            *ps.point_source_components(
                region.point_sources,
                list(population.index),
                quality.half_widths("point_sources"),
                options.seed,
            ),
        ],
        building_tag=dhmodel.serving_plant(
            buildings["lau2"].to_numpy(dtype=object),
            buildings["heating_carrier"].to_numpy(dtype=object),
            factors,
        ),
        building_grade=buildings["activity_grade"].to_numpy(dtype=object),
        grade_spread=quality.half_widths("buildings"),
        road_grade=graded.index.get_level_values("activity_grade").to_numpy(dtype=object),
        road_spread=quality.half_widths("roads"),
    )


def land_intervals(inputs: Inputs, levels: Levels, land: LandResults) -> pd.DataFrame:
    """Seeded Monte Carlo over the land stocks and rates and the area of converted land, widened
    by the land-cover grade (:mod:`minettgeo.land.uncertainty`)."""
    options = inputs.options
    return simulate_land(
        land.joint,
        inputs.region.parcels.set_index("parcel_id")["lau2"],
        inputs.carbon,
        inputs.land,
        land.potential.measures,
        [str(c) for c in levels.communes["lau2"]],
        start_year=options.sink_start,
        draws=options.draws,
        seed=options.seed,
        converted_half_width=inputs.quality.half_widths("land")[inputs.region.landcover_grade],
    ).table


def with_intervals(
    levels: Levels, inventory: InventoryResults, intervals: IntervalResults
) -> tuple[Levels, pd.DataFrame]:
    """The land-flux and sink-potential intervals on the communes layer and the region, and the
    totals table with every interval column."""
    totals = inventory.totals.merge(intervals.emissions.table, on="lau2", how="left")
    totals = totals.merge(intervals.land, on="lau2", how="left")
    by_lau2 = intervals.land.set_index("lau2")
    cols = [c for c in intervals.land.columns if c != "lau2"]
    communes = levels.communes.assign(
        **{
            col: by_lau2[col].reindex(levels.communes["lau2"].astype(str)).to_numpy()
            for col in cols
        }
    )
    values = {col: float(by_lau2[col].astype(float)["region"]) for col in cols}
    if any(col in levels.region.index for col in cols):
        region = levels.region.copy()
        for col, value in values.items():
            region[col] = value
    else:  # the same Series as setting them one by one, in one step
        region = pd.concat([levels.region, pd.Series(values, dtype=float)])
    return Levels(levels.parcels, levels.districts, communes, region), totals
