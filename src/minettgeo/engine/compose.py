"""``compute``: the stages of a run composed (see :mod:`minettgeo.engine`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from minettgeo import CRS
from minettgeo.aggregate import heat_density as hd
from minettgeo.aggregate.levels import Levels
from minettgeo.console import Progress
from minettgeo.factors.tables import FactorSet
from minettgeo.land.areas import LandInputs
from minettgeo.land.tables import CarbonTables
from minettgeo.uncertainty.montecarlo import Intervals

from . import stages, totals
from .incremental import BuildingRuns, same_point_sources, updated_emission_intervals
from .inputs import Inputs
from .intervals import IntervalResults, emission_intervals, land_intervals, with_intervals
from .provenance import Provenance, provenance_of
from .splice import Splice, labelled_stage, spliced_labelled
from .zonal import cached_joint_areas, with_land_cover, zonal_key


@dataclass(frozen=True)
class StageResults:
    """The per-feature stage results a run (or a recompute) starts the global stages from."""

    buildings: stages.BuildingResults
    roads: stages.RoadResults
    #: joint areas of the zonal step, before any land-cover change of the inputs
    joint: pd.DataFrame
    zonal_key: str


@dataclass
class RunResult:
    """Everything a run computed, in memory; ``inputs`` keeps its scratch files alive."""

    inputs: Inputs
    feature: StageResults
    levels: Levels
    buildings: gpd.GeoDataFrame
    roads: gpd.GeoDataFrame
    inventory: pd.DataFrame
    totals: pd.DataFrame
    intervals: Intervals
    heat: hd.HeatDensity
    dh_areas: gpd.GeoDataFrame
    land: stages.LandResults
    #: percentiles of the land flux and sink potential (communes and 'region')
    land_intervals: pd.DataFrame
    record: Provenance
    written: list[Path] = field(default_factory=list)

    @property
    def provenance(self) -> dict[str, Any]:
        return self.record.to_dict()

    @property
    def factors(self) -> FactorSet:
        return self.inputs.factors

    @property
    def carbon(self) -> CarbonTables:
        return self.inputs.carbon

    @property
    def land_inputs(self) -> LandInputs:
        return self.inputs.land

    @property
    def sink_detail(self) -> pd.DataFrame:
        return self.land.potential.measures


def feature_stages(inputs: Inputs, progress: Progress) -> StageResults:
    """The per-feature stages on every feature of the inputs."""
    region, factors = inputs.region, inputs.factors
    with progress.step(f"buildings: energy and emissions of {len(region.buildings):,} buildings"):
        buildings = stages.building_stage(region.buildings, region.parcels, factors)
    with progress.step(
        f"transport: {len(region.roads):,} road segments, allocated to districts by length"
    ):
        roads = stages.road_stage(region.roads, region.districts, region.rail, factors)
    with progress.step("land: exact zonal statistics of every parcel (cached by content)"):
        key = zonal_key(inputs)
        joint = cached_joint_areas(inputs, key)
    return StageResults(buildings, roads, joint, key)


@dataclass(frozen=True)
class Reuse:
    """What a recompute takes from its base run (:mod:`minettgeo.engine.incremental`)."""

    base: RunResult
    #: the land results and land intervals are the base's (nothing they depend on changed)
    land: bool
    #: ids of the buildings whose Monte Carlo contributions are updated in the base draws
    #: (None: the factors changed, every draw is evaluated again)
    buildings: frozenset[str] | None
    #: where the building rows come from, when the unchanged rows are the base's own (same
    #: factors and point sources): their labelled rows are then the base's too
    splice: Splice | None = None


def same_tables(base: RunResult | None, inputs: Inputs) -> Provenance | None:
    """The base's provenance when ``inputs`` has the base's own factor set and carbon tables."""
    if base is None or inputs.factors is not base.inputs.factors:
        return None
    return base.record if inputs.carbon is base.inputs.carbon else None


def global_stages(
    inputs: Inputs,
    feature: StageResults,
    date: datetime,
    progress: Progress,
    reuse: Reuse | None = None,
) -> RunResult:
    """Heat density, land accounts, roll-up, inventory, intervals and provenance from the
    per-feature results."""
    base = None if reuse is None else reuse.base
    with progress.step("heat density (1 ha) and district-heating potential areas"):
        previous = None if base is None else (base.heat, base.dh_areas)
        heat = stages.heat_stage(
            feature.buildings, inputs.region.communes, inputs.options, previous
        )
        # dh area, residents, rooftop solar, point sources, grades (engine/splice.py); the
        # roll-up sums them (aggregate/levels.py BUILDING_SUMS)
        splice = None if reuse is None else reuse.splice
        if base is not None and splice is not None:
            buildings = spliced_labelled(
                inputs, splice, base.buildings, feature.buildings, heat.building_area
            )
        else:
            buildings = labelled_stage(inputs, feature.buildings.frame, heat.building_area)
    with progress.step("land: carbon stocks, removals, land-use change, sink potential"):
        if base is not None and reuse is not None and reuse.land:
            land = base.land
        else:
            joint = with_land_cover(feature.joint, inputs.land_cover_changes)
            land = stages.land_stage(inputs, joint, feature.buildings)
    with progress.step("roll-up: parcels, districts, communes, region"):
        levels = totals.rollup_stage(
            inputs, buildings, feature.roads, land, feature.buildings.parcel_code
        )
    with progress.step("GPC inventory per commune and region"):
        inventory = totals.inventory_stage(inputs, levels, buildings, feature.roads)
    with progress.step(f"uncertainty: {inputs.options.draws:,} Monte Carlo draws"):
        emissions = None
        if (
            base is not None
            and reuse is not None
            and reuse.buildings is not None
            and same_point_sources(base.inputs.region.point_sources, inputs.region.point_sources)
        ):
            # exact update of the base draws (grade multipliers included); None: draw again
            emissions = updated_emission_intervals(
                inputs,
                levels,
                base.intervals,
                BuildingRuns(base.feature.buildings, base.buildings),
                BuildingRuns(feature.buildings, buildings),
                set(reuse.buildings),
                splice,
            )
        if emissions is None:
            emissions = emission_intervals(
                inputs, levels, buildings, feature.roads, feature.buildings.activity
            )
        intervals = IntervalResults(
            emissions,
            base.land_intervals
            if base is not None and reuse is not None and reuse.land
            else land_intervals(inputs, levels, land),
        )
        levels, table = with_intervals(levels, inventory, intervals)
        land_table = intervals.land
    return RunResult(
        inputs=inputs,
        feature=feature,
        levels=levels,
        buildings=gpd.GeoDataFrame(buildings, geometry="geometry", crs=CRS),
        roads=feature.roads.frame,
        inventory=inventory.table,
        totals=table,
        intervals=intervals.emissions,
        heat=heat.heat,
        dh_areas=heat.areas,
        land=land,
        land_intervals=land_table,
        record=provenance_of(inputs, feature.zonal_key, date, same_tables(base, inputs)),
    )


def compute(inputs: Inputs, date: datetime, progress: Progress | None = None) -> RunResult:
    """Every result of a run on ``inputs``, dated ``date`` (nothing is read or written)."""
    progress = progress or Progress("run", STEPS, quiet=True)
    return global_stages(inputs, feature_stages(inputs, progress), date, progress)


#: progress steps of compute
STEPS = 8
