"""Build the sample region: real communes plus modelled districts, parcels, buildings, roads and
land cover, deterministic for a seed, written atomically to ``layers/``.

Pipeline (each step a module of this package):
sources -> field/blocks -> zoning -> parcels -> districts -> buildings -> roads -> land cover.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from affine import Affine

from minettgeo import CRS, __version__
from minettgeo.console import Progress
from minettgeo.layers import io
from minettgeo.layers.codes import (
    CLC_LEVEL3,
    GRADED_BUILDING_ATTRIBUTES,
    GRADED_PARCEL_ATTRIBUTES,
    GRADED_ROAD_ATTRIBUTES,
    LANDCOVER_NODATA,
    RASTER_GRADE_TAG,
    RESIDENTIAL_USES,
    grade_column,
)
from minettgeo.layers.region import (
    FOREST_AGE_FILE,
    LANDCOVER_BEFORE_FILE,
    LANDCOVER_FILE,
    REGION_FILE,
)
from minettgeo.sample import buildings as bld
from minettgeo.sample import landcover as lc
from minettgeo.sample import roads as rd
from minettgeo.sample.blocks import make_blocks, make_field
from minettgeo.sample.districts import make_districts
from minettgeo.sample.field import locality_radius_m
from minettgeo.sample.parcels import make_parcels, zoning_and_owner
from minettgeo.sample.point_sources import modelled_point_sources
from minettgeo.sample.sources import AreaSpec, SampleSources, load_sources, sha256_of
from minettgeo.sample.zoning import assign_forms

GENERATOR = f"minettgeo.sample {__version__}"
DEFAULT_SEED = 2028
MANIFEST_FILE = "manifest.json"
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
#: grades of the modelled layers (docs/data-quality.md): zoning from the modelled urban form and
#: owners drawn from shares are estimated, as are the modelled traffic of the OSM primaries and
#: the local network (class median x random spread) and the traction of the OSM lines (the
#: source has no flag: all taken as electric); the motorways' published AADT split by tabulated
#: class shares and the speeds from the table by class are documented defaults
SAMPLE_GRADES = {"zoning": "estimated", "owner_type": "estimated", "traction": "estimated"}


@dataclass
class SampleRegion:
    """The built layers, in memory."""

    communes: gpd.GeoDataFrame
    districts: gpd.GeoDataFrame
    parcels: gpd.GeoDataFrame
    buildings: gpd.GeoDataFrame
    roads: gpd.GeoDataFrame
    landcover: np.ndarray
    landcover_before: np.ndarray
    forest_age: np.ndarray
    protected_areas: gpd.GeoDataFrame
    transform: Affine
    seed: int
    sources: SampleSources
    timings: dict[str, float] = field(default_factory=dict)
    rail: gpd.GeoDataFrame | None = None
    #: modelled EU ETS-type sites (sample/point_sources.py)
    point_sources: gpd.GeoDataFrame | None = None

    @property
    def vectors(self) -> dict[str, gpd.GeoDataFrame]:
        layers = {
            "communes": self.communes,
            "districts": self.districts,
            "parcels": self.parcels,
            "buildings": self.buildings,
            "roads": self.roads,
        }
        # optional layers are left out when the region has none (an empty layer is refused)
        if len(self.protected_areas):
            layers["protected_areas"] = self.protected_areas
        if self.rail is not None and len(self.rail):
            layers["rail"] = self.rail
        if self.point_sources is not None and len(self.point_sources):
            layers["point_sources"] = self.point_sources
        return layers


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


def rail_lines(lines: gpd.GeoDataFrame, region: shapely.Geometry) -> gpd.GeoDataFrame:
    """The rail layer (contract ``rail``): the real OSM railway lines clipped to the region, one
    row per line part inside it. The source has no attributes: every line is taken as electrified
    (CFL: 574 of 617 track-km electrified; the diesel-hauled share of train-km on electrified
    lines is a factor, rail_traffic.csv)."""
    clipped = shapely.intersection(lines.geometry.to_numpy(), region)
    parts = shapely.get_parts(shapely.line_merge(clipped))
    parts = parts[shapely.length(parts) > 0]
    parts = parts[np.isin(shapely.get_type_id(parts), [1])]  # LineString parts only
    return gpd.GeoDataFrame(
        {
            "rail_id": [f"L{i + 1:04d}" for i in range(len(parts))],
            "traction": "electric",
            "name": None,
            "source": "osm",
            "traction_grade": SAMPLE_GRADES["traction"],
        },
        geometry=list(parts),
        crs=CRS,
    )


def make_roads(
    src: SampleSources,
    blocks: gpd.GeoDataFrame,
    districts: gpd.GeoDataFrame,
    seeds: np.ndarray,
    region: shapely.Geometry,
    region_field: object,
    rng: np.random.Generator,
) -> gpd.GeoDataFrame:
    """All roads of the region (see :mod:`minettgeo.sample.roads`)."""
    minx, miny, maxx, maxy = region.bounds
    envelope = shapely.box(minx - 500, miny - 500, maxx + 500, maxy + 500)
    edges = rd.block_edges(seeds, region, envelope)
    a, b = rd.edge_sides(edges, blocks)
    base = rd.base_class(a, b, rng)

    loc_xy = shapely.get_coordinates(src.localities.geometry.to_numpy())
    dist_xy = shapely.get_coordinates(shapely.point_on_surface(districts.geometry.to_numpy()))
    pairs = rd._mst_pairs(loc_xy)
    links: list[tuple[np.ndarray, np.ndarray, str]] = [
        (loc_xy[[p for p, _ in pairs]], loc_xy[[q for _, q in pairs]], "secondary")
    ]
    src_pts, dst_pts = [], []
    for code in districts["lau2"].unique():
        sel = np.flatnonzero(districts["lau2"].to_numpy() == code)
        for p, q in rd._mst_pairs(dist_xy[sel]):
            src_pts.append(dist_xy[sel[p]])
            dst_pts.append(dist_xy[sel[q]])
        locs = np.flatnonzero(src.localities["lau2"].to_numpy() == code)
        for i in sel:
            j = locs[np.argmin(np.hypot(*(loc_xy[locs] - dist_xy[i]).T))]
            src_pts.append(dist_xy[i])
            dst_pts.append(loc_xy[j])
    links.append((np.array(src_pts), np.array(dst_pts), "tertiary"))
    routed = rd.route_classes(edges, links)
    rank = np.maximum(
        pd.Series(base).map(rd.RANK).fillna(-1).to_numpy(),
        pd.Series(routed).map(rd.RANK).fillna(-1).to_numpy(),
    ).astype(int)
    names = {r: c for c, r in rd.RANK.items()}
    final = np.array([names.get(r) for r in rank], dtype=object)
    local = rd.merge_by_class(edges, final)
    is_urban = region_field.is_urban  # type: ignore[attr-defined]

    def midpoints(g: gpd.GeoDataFrame) -> np.ndarray:
        return shapely.get_coordinates(
            shapely.line_interpolate_point(g.geometry.to_numpy(), 0.5, normalized=True)
        )

    local = rd.traffic(local, src.traffic, is_urban(midpoints(local)), rng).assign(
        name=None, source="modelled"
    )
    primary = rd.primary_roads(src.osm_roads, region)
    primary = rd.traffic(primary, src.traffic, is_urban(midpoints(primary)), rng)
    motorway = rd.motorway_roads(src.motorways, region, src.traffic)
    roads = pd.concat([motorway, primary, local], ignore_index=True)
    roads = gpd.GeoDataFrame(roads, geometry="geometry", crs=CRS)
    roads.insert(0, "road_id", ["R" + f"{i + 1:06d}" for i in range(len(roads))])
    motorway = roads["road_class"].to_numpy() == "motorway"
    roads["aadt_grade"] = np.where(motorway, "default", "estimated")
    roads["speed_kmh_grade"] = "default"
    return roads


def layer_metadata(sample: SampleRegion) -> dict[str, dict[str, str]]:
    """Metadata written with every layer: modelled or real, source, licence, seed, generator."""
    common = {"generator": GENERATOR, "seed": str(sample.seed), "crs": CRS, "built_at": _now()}
    modelled = {
        **common,
        "modelled": "true",
        "note": "modelled sample layer: replace with the real product when available (see layers/README.md)",
    }
    return {
        "communes": {
            **common,
            "modelled": "false",
            "source": "boundaries: ACT, Limites administratives du Grand-Duché de Luxembourg (data.public.lu); "
            "population: STATEC 1.1.2024 (LUSTAT DF_X020)",
            "licence": "boundaries CC0; population STATEC open data (cite STATEC)",
            "modelled_columns": "household_size, vacancy_rate (layers/model/households.csv)",
        },
        "districts": {**modelled, "source": "minettgeo.sample.districts"},
        "parcels": {**modelled, "source": "minettgeo.sample.parcels"},
        "buildings": {
            **modelled,
            "source": "minettgeo.sample.buildings, calibrated in layers/model/*.csv",
        },
        "point_sources": {
            **modelled,
            "source": "minettgeo.sample.point_sources: layers/model/point_sources.csv "
            "(stated production x IPCC default intensities; not reported EU ETS figures)",
        },
        "roads": {
            **common,
            "modelled": "partly",
            "source": "rows with source='osm': OpenStreetMap highway=primary (2013), © OpenStreetMap contributors; "
            "rows with source='modelled': minettgeo.sample.roads",
            "licence": "OSM rows ODbL 1.0; modelled rows as minettgeo",
        },
        "landcover": {
            **modelled,
            RASTER_GRADE_TAG: "estimated",
            "source": "minettgeo.sample.landcover (CORINE Land Cover level-3 codes)",
            "nodata": str(LANDCOVER_NODATA),
            "year": str(lc.LANDCOVER_YEAR),
        },
        "landcover_before": {
            **modelled,
            RASTER_GRADE_TAG: "estimated",
            "source": "minettgeo.sample.landcover.previous_codes (CORINE Land Cover level-3 codes, earlier year)",
            "nodata": str(LANDCOVER_NODATA),
            "year": str(lc.PREVIOUS_YEAR),
        },
        "forest_age": {
            **modelled,
            "source": "minettgeo.sample.landcover.forest_age",
            "unit": "years",
            "nodata": str(lc.AGE_NODATA),
            "year": str(lc.LANDCOVER_YEAR),
        },
        "protected_areas": {
            **modelled,
            "source": "minettgeo.sample.landcover.protected_areas: reserve areas from ENV-MINIERES placed by the builder",
        },
        "rail": {
            **common,
            "modelled": "partly",
            "source": "OpenStreetMap railway lines (2013, gentringer/Geomatics LUX_rails.gml), © OpenStreetMap "
            "contributors, clipped to the communes; traction 'electric' is a stated assumption (the source has no flag)",
            "licence": "ODbL 1.0",
        },
    }


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def calibration_summary(sample: SampleRegion) -> dict[str, object]:
    """The realised figures a user checks the sample against (also written to the manifest)."""
    b, c, p = sample.buildings, sample.communes, sample.parcels
    res = b[b["use"].isin(list(RESIDENTIAL_USES))]
    dwellings = res.groupby(res["parcel_id"].str[:4])["dwellings"].sum()
    per_commune = c.set_index("lau2")[
        ["name", "population", "household_size", "vacancy_rate"]
    ].copy()
    per_commune["dwellings"] = dwellings.reindex(per_commune.index).fillna(0).astype(int)
    per_commune["modelled_population"] = (
        per_commune["dwellings"] * (1 - per_commune["vacancy_rate"]) * per_commune["household_size"]
    ).round(1)
    per_commune["population_error_pct"] = (
        100 * (per_commune["modelled_population"] / per_commune["population"] - 1)
    ).round(3)
    by_dwelling = res.groupby("heating_carrier")["dwellings"].sum()
    period = res.groupby("construction_period")["dwellings"].sum()
    values, counts = np.unique(
        sample.landcover[sample.landcover != LANDCOVER_NODATA], return_counts=True
    )
    land = {
        f"{v} {CLC_LEVEL3.get(int(v), '?')}": round(100 * n / counts.sum(), 2)
        for v, n in zip(values, counts, strict=True)
    }
    return {
        "counts": {k: len(v) for k, v in sample.vectors.items()},
        "residential_buildings": len(res),
        "dwellings": int(res["dwellings"].sum()),
        "mean_dwelling_area_m2": round(
            float(res["heated_area_m2"].sum() / res["dwellings"].sum()), 1
        ),
        "population_check": json.loads(per_commune.reset_index().to_json(orient="records")),
        "heating_share_of_dwellings_pct": (100 * by_dwelling / by_dwelling.sum())
        .round(1)
        .to_dict(),
        "period_share_of_dwellings_pct": (100 * period / period.sum()).round(1).to_dict(),
        "parcel_area_median_m2_by_form": p.groupby("urban_form")["area_m2"]
        .median()
        .round(0)
        .to_dict(),
        "landcover_share_pct": land,
        "parcel_area_vs_commune_area": round(float(p["area_m2"].sum() / c.geometry.area.sum()), 9),
    }


def write_sample_region(sample: SampleRegion, out_dir: Path, fmt: str = "gpkg") -> list[Path]:
    """Write the layers (GeoPackage or GeoParquet), the land-cover COG and a manifest; atomically."""
    out_dir = Path(out_dir)
    meta = layer_metadata(sample)
    written: list[Path] = []
    if fmt == "gpkg":
        written.append(io.write_vectors(out_dir / REGION_FILE, sample.vectors, meta))
    else:
        for name, gdf in sample.vectors.items():
            written.append(io.write_vectors(out_dir / f"{name}.parquet", {name: gdf}, meta))
    written.append(
        io.write_raster(
            out_dir / LANDCOVER_FILE,
            sample.landcover,
            sample.transform,
            CRS,
            LANDCOVER_NODATA,
            tags=meta["landcover"],
            band_description="CORINE Land Cover level-3 code",
        )
    )
    written.append(
        io.write_raster(
            out_dir / LANDCOVER_BEFORE_FILE,
            sample.landcover_before,
            sample.transform,
            CRS,
            LANDCOVER_NODATA,
            tags=meta["landcover_before"],
            band_description=f"CORINE Land Cover level-3 code, {lc.PREVIOUS_YEAR}",
        )
    )
    written.append(
        io.write_raster(
            out_dir / FOREST_AGE_FILE,
            sample.forest_age,
            sample.transform,
            CRS,
            lc.AGE_NODATA,
            tags=meta["forest_age"],
            band_description="forest stand age, years",
        )
    )
    manifest = {
        "generator": GENERATOR,
        "seed": sample.seed,
        "communes": sample.communes["lau2"].tolist(),
        "files": {p.name: sha256_of(p) for p in written},
        "inputs": dict(sample.sources.file_hashes),
        "notes": list(sample.sources.notes),
        "metadata": meta,
        "calibration": calibration_summary(sample),
    }
    manifest_path = out_dir / MANIFEST_FILE
    with io.atomic_path(manifest_path) as tmp:
        tmp.write_text(json.dumps(manifest, indent=2, ensure_ascii=False, default=str))
    written.append(manifest_path)
    return written
