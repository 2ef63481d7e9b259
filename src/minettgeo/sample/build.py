"""Build the sample region: real communes plus modelled districts, parcels, buildings, roads and
land cover, deterministic for a seed, written atomically to ``layers/``.

Pipeline (each step a module of this package):
sources -> field/blocks -> zoning -> parcels -> districts -> buildings -> roads -> land cover.
The built region is a :class:`~minettgeo.sample.sample_region.SampleRegion`; it is written by
:func:`minettgeo.sample.write.write_sample_region`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import shapely

from minettgeo.console import Progress
from minettgeo.layers.codes import (
    GRADED_BUILDING_ATTRIBUTES,
    GRADED_PARCEL_ATTRIBUTES,
    GRADED_ROAD_ATTRIBUTES,
    grade_column,
)
from minettgeo.sample import buildings as bld
from minettgeo.sample import landcover as lc
from minettgeo.sample.blocks import make_blocks, make_field
from minettgeo.sample.districts import make_districts
from minettgeo.sample.field import locality_radius_m
from minettgeo.sample.metadata import SAMPLE_GRADES
from minettgeo.sample.parcels import make_parcels, zoning_and_owner
from minettgeo.sample.point_sources import modelled_point_sources
from minettgeo.sample.sample_region import SampleRegion
from minettgeo.sample.sources import AreaSpec, load_sources
from minettgeo.sample.transport_layers import make_roads, rail_lines
from minettgeo.sample.zoning import assign_forms

DEFAULT_SEED = 2028
STEPS = (
    "blocks",
    "zoning",
    "parcels",
    "districts",
    "buildings",
    "roads",
    "landcover",
)

COMMUNE_COLUMNS = ["lau2", "name", "population", "household_size", "vacancy_rate", "geometry"]
DISTRICT_COLUMNS = ["district_id", "name", "lau2", "geometry"]
PARCEL_COLUMNS = [
    "parcel_id",
    "lau2",
    "district_id",
    "area_m2",
    "zoning",
    "owner_type",
    "urban_form",
    *(grade_column(a) for a in GRADED_PARCEL_ATTRIBUTES),
    "geometry",
]
BUILDING_COLUMNS = [
    "building_id",
    "parcel_id",
    "use",
    "construction_period",
    "floors",
    "height_m",
    "footprint_m2",
    "heated_area_m2",
    "dwellings",
    "heating_carrier",
    "renovation_state",
    "renovation_year",
    *(grade_column(a) for a in GRADED_BUILDING_ATTRIBUTES),
    "geometry",
]
ROAD_COLUMNS = [
    "road_id",
    "road_class",
    "aadt_car",
    "aadt_lgv",
    "aadt_hgv",
    "aadt_bus",
    "speed_kmh",
    "name",
    "source",
    *(grade_column(a) for a in GRADED_ROAD_ATTRIBUTES),
    "geometry",
]


def rng_streams(seed: int) -> dict[str, np.random.Generator]:
    """One independent random stream per step, so a change in one step leaves the others alone."""
    children = np.random.SeedSequence(seed).spawn(len(STEPS) + 1)
    names = ("field", *STEPS)
    return {name: np.random.default_rng(child) for name, child in zip(names, children, strict=True)}


def build_sample_region(
    layers_dir: Path,
    lau2_codes: Sequence[str] | None = None,
    *,
    seed: int = DEFAULT_SEED,
    progress: Progress | None = None,
    area: AreaSpec | None = None,
) -> SampleRegion:
    """Build every layer of the sample region in memory (see the module docstring).

    ``lau2_codes``: communes by LAU2 code or name, or ``["all"]`` for the country (default: the
    Minett); ``area``: any polygons with their own population table instead."""
    progress = progress or Progress("sample", len(STEPS), quiet=True)
    src = load_sources(Path(layers_dir), lau2_codes, area=area)
    rng = rng_streams(seed)
    communes = src.communes
    region = shapely.union_all(communes.geometry.to_numpy())
    bounds = tuple(float(v) for v in communes.total_bounds)
    field_seed = int(rng["field"].integers(2**31))
    region_field = make_field(src.localities, bounds, field_seed, src.osm_roads)  # type: ignore[arg-type]

    with progress.step("blocks: Voronoi tessellation of the communes"):
        blocks, seeds = make_blocks(
            communes, region_field, src.localities, src.sites, rng["blocks"]
        )
    with progress.step(f"zoning: urban form of {len(blocks):,} blocks"):
        blocks = assign_forms(blocks, region_field, src.localities, src.sites, rng["zoning"])
    with progress.step("parcels: plots along the street frontage"):
        parcels = make_parcels(blocks, src.forms, rng["parcels"])
        parcels = zoning_and_owner(parcels, src.forms, rng["parcels"])
        for attr in GRADED_PARCEL_ATTRIBUTES:
            parcels[grade_column(attr)] = SAMPLE_GRADES[attr]
    with progress.step(f"districts: grouping {len(blocks):,} blocks"):
        radius = locality_radius_m(src.localities["population"].to_numpy(dtype=float))
        districts, block_district = make_districts(
            blocks, communes, src.localities, radius, rng["districts"]
        )
        parcels["district_id"] = districts["district_id"].to_numpy()[
            block_district[parcels["block"].to_numpy()]
        ]
        parcels = parcels.sort_values(["lau2", "district_id", "block"], kind="stable").reset_index(
            drop=True
        )
        parcels["parcel_id"] = (
            parcels["lau2"] + "-" + (parcels.groupby("lau2").cumcount() + 1).map("{:06d}".format)
        )
    with progress.step(f"buildings on {len(parcels):,} parcels"):
        networks = src.sites[src.sites["kind"] == "district_heating"]
        buildings = bld.make_buildings(
            parcels,
            communes,
            src.forms,
            src.uses,
            src.periods,
            src.heating,
            src.renovation,
            networks,
            rng["buildings"],
        )
    with progress.step("roads: motorways, OSM primaries, modelled local network"):
        roads = make_roads(src, blocks, districts, seeds, region, region_field, rng["roads"])
    with progress.step("land cover at 10 m"):
        codes = lc.parcel_codes(parcels, blocks, src.forms, rng["landcover"])
        pond_geoms = lc.ponds(blocks, rng["landcover"])
        landcover, transform = lc.rasterize_landcover(
            region, parcels, codes, buildings, roads, src.streams, pond_geoms
        )
        codes_before = lc.previous_codes(parcels, codes, buildings, rng["landcover"])
        old_buildings = buildings[~buildings["construction_period"].isin(lc.RECENT_PERIODS)]
        landcover_before, _ = lc.rasterize_landcover(
            region, parcels, codes_before, old_buildings, roads, src.streams, pond_geoms
        )
        age = lc.forest_age(parcels, codes, codes_before, rng["landcover"])
        forest_age = lc.rasterize_age(parcels, age, landcover, transform)
        protected = lc.protected_areas(blocks)

    return SampleRegion(
        communes=communes[COMMUNE_COLUMNS].copy(),
        districts=districts[DISTRICT_COLUMNS].copy(),
        parcels=parcels[PARCEL_COLUMNS].copy(),
        buildings=buildings[BUILDING_COLUMNS].copy(),
        roads=roads[ROAD_COLUMNS].copy(),
        landcover=landcover,
        landcover_before=landcover_before,
        forest_age=forest_age,
        protected_areas=protected,
        transform=transform,
        seed=seed,
        sources=src,
        rail=rail_lines(src.rail, region),
        point_sources=modelled_point_sources(
            src.facilities if src.facilities is not None else src.sites.iloc[0:0],
            buildings,
            parcels,
        ),
    )
