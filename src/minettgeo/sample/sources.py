"""Inputs of the sample-region builder: the real source files and the model tables.

Real files (``layers/sources``): ACT commune boundaries, STATEC population, OpenStreetMap primary
roads and railway lines. Model tables (``layers/model``): the stated assumptions and calibration shares the modelled
layers are drawn from, each row with its source. Nothing here is Minett-specific: any subset of
the communes in ``lu_communes.geojson`` can be built; communes without a table row get documented
defaults.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from minettgeo import CRS
from minettgeo.errors import SourceDataError
from minettgeo.sample.selection import area_communes, select_lau2

SOURCE_FILES = {
    "communes": "lu_communes.geojson",
    "minett": "minett_communes.geojson",
    "population": "lu_population_statec.csv",
    "osm_roads": "minett_primary_roads_osm2013.geojson",
    "rail": "minett_rail_lines_2013.geojson",
}
MODEL_FILES = (
    "localities.csv",
    "sites.csv",
    "motorways.csv",
    "streams.csv",
    "households.csv",
    "urban_forms.csv",
    "building_uses.csv",
    "construction_periods.csv",
    "heating_shares.csv",
    "renovation_shares.csv",
    "road_traffic.csv",
)
#: used for communes that have no population row: national density 2024, persons/km2
#: (about 672,000 residents on 2,586 km2, luxembourg-stock.md §0)
FALLBACK_DENSITY_PER_KM2 = 260.0
FALLBACK_HOUSEHOLD_SIZE = 2.40
FALLBACK_VACANCY_RATE = 0.06
POPULATION_YEAR = 2024


def parse_mixture(text: object) -> dict[str, float]:
    """Parse ``"a:0.4;b:0.6"`` into ``{"a": 0.4, "b": 0.6}`` (normalised to sum to 1)."""
    if not isinstance(text, str) or not text.strip():
        return {}
    pairs = [item.split(":") for item in text.split(";") if item.strip()]
    weights = {k.strip(): float(v) for k, v in pairs}
    total = sum(weights.values())
    return {k: v / total for k, v in weights.items()}


@dataclass(frozen=True)
class SampleSources:
    """Everything the builder reads, already in EPSG:2169 where geometric."""

    communes: gpd.GeoDataFrame
    localities: gpd.GeoDataFrame
    sites: gpd.GeoDataFrame
    motorways: gpd.GeoDataFrame
    streams: gpd.GeoDataFrame
    osm_roads: gpd.GeoDataFrame
    rail: gpd.GeoDataFrame
    forms: pd.DataFrame
    uses: pd.DataFrame
    periods: pd.DataFrame
    heating: pd.DataFrame
    renovation: pd.DataFrame
    traffic: pd.DataFrame
    file_hashes: Mapping[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with Path(path).open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _read_csv(path: Path, **kwargs: object) -> pd.DataFrame:
    if not path.exists():
        raise SourceDataError(
            f"{path}: missing; the sample builder needs it (see layers/README.md)"
        )
    return pd.read_csv(path, **kwargs)  # type: ignore[call-overload]


def _points(df: pd.DataFrame) -> gpd.GeoDataFrame:
    geom = gpd.points_from_xy(df["lon"], df["lat"], crs="EPSG:4326")
    return gpd.GeoDataFrame(df, geometry=geom).to_crs(CRS)


def _waypoint_lines(df: pd.DataFrame, key: str) -> gpd.GeoDataFrame:
    """Polylines from ordered waypoints (``key``, ``seq``, ``lat``, ``lon``), first row's attributes."""
    df = df.sort_values([key, "seq"])
    pts = _points(df)
    xy = shapely.get_coordinates(pts.geometry.to_numpy())
    codes, index = np.unique(df[key].to_numpy(), return_inverse=True)
    lines = shapely.linestrings(xy, indices=index)
    first = df.groupby(key, sort=True).first().reset_index()
    first = first.set_index(key).loc[codes].reset_index()
    return gpd.GeoDataFrame(first, geometry=lines, crs=CRS)


def default_region_codes(sources_dir: Path) -> list[str]:
    """LAU2 codes of the default region: the communes in ``minett_communes.geojson``."""
    path = sources_dir / SOURCE_FILES["minett"]
    if not path.exists():
        raise SourceDataError(f"{path}: missing; it defines the default region")
    return sorted(gpd.read_file(path)["LAU2"].astype(str).str.zfill(4))


@dataclass(frozen=True)
class AreaSpec:
    """A region given as polygons (``area_id``, optional ``name``) and their residents
    (CSV ``area_id``, ``population``) instead of Luxembourg communes."""

    polygons: Path
    population: Path


def load_sources(
    layers_dir: Path, selectors: Sequence[str] | None = None, *, area: AreaSpec | None = None
) -> SampleSources:
    """Read sources and model tables for the communes named by ``selectors`` (LAU2 codes, names
    or ``all``; default: the Minett), or for the polygons of ``area``."""
    sources_dir = layers_dir / "sources"
    model_dir = layers_dir / "model"
    notes: list[str] = []
    hashes: dict[str, str] = {}
    if area is not None:
        communes = area_communes(area.polygons, area.population)
        hashes |= {f"area/{p.name}": sha256_of(p) for p in (area.polygons, area.population)}
        notes.append(
            f"region: {len(communes)} polygon(s) of {area.polygons.name} as communes "
            + ", ".join(
                f"{c}={a}" for c, a in zip(communes["lau2"], communes["area_id"], strict=True)
            )
        )
        communes = communes.drop(columns="area_id")
    else:
        communes = _commune_boundaries(sources_dir, selectors)
        communes = _with_population(communes, sources_dir, notes)
    codes = list(communes["lau2"])

    households = _read_csv(model_dir / "households.csv", dtype={"lau2": str})
    households["lau2"] = households["lau2"].str.zfill(4)
    communes = communes.merge(
        households[["lau2", "household_size", "vacancy_rate"]], on="lau2", how="left"
    )
    communes["household_size"] = communes["household_size"].fillna(FALLBACK_HOUSEHOLD_SIZE)
    communes["vacancy_rate"] = communes["vacancy_rate"].fillna(FALLBACK_VACANCY_RATE)

    localities = _points(_read_csv(model_dir / "localities.csv", dtype={"lau2": str}))
    localities["lau2"] = localities["lau2"].str.zfill(4)
    localities = localities[localities["lau2"].isin(codes)]
    localities = _localities_inside(localities, communes, notes)

    region = shapely.union_all(communes.geometry.to_numpy())
    sites = _points(_read_csv(model_dir / "sites.csv"))
    sites = sites[shapely.intersects(shapely.buffer(sites.geometry.to_numpy(), 500), region)]
    motorways = _waypoint_lines(_read_csv(model_dir / "motorways.csv"), "ref")
    streams = _waypoint_lines(_read_csv(model_dir / "streams.csv"), "name")

    osm = gpd.read_file(sources_dir / SOURCE_FILES["osm_roads"]).to_crs(CRS)
    osm = osm[osm.intersects(region)].reset_index(drop=True)

    rail = gpd.read_file(sources_dir / SOURCE_FILES["rail"]).to_crs(CRS)
    rail = rail[rail.intersects(region)].reset_index(drop=True)

    forms = _read_csv(model_dir / "urban_forms.csv").set_index("form")
    uses = _read_csv(model_dir / "building_uses.csv").set_index("use")
    periods = _read_csv(model_dir / "construction_periods.csv").set_index("form")
    heating = _read_csv(model_dir / "heating_shares.csv")
    renovation = _read_csv(model_dir / "renovation_shares.csv").set_index("period_group")
    traffic = _read_csv(model_dir / "road_traffic.csv").set_index("road_class")

    hashes |= {f"sources/{name}": sha256_of(sources_dir / name) for name in SOURCE_FILES.values()}
    hashes |= {f"model/{name}": sha256_of(model_dir / name) for name in MODEL_FILES}
    return SampleSources(
        communes=communes,
        localities=localities.reset_index(drop=True),
        sites=sites.reset_index(drop=True),
        motorways=motorways,
        streams=streams,
        osm_roads=osm,
        rail=rail,
        forms=forms,
        uses=uses,
        periods=periods,
        heating=heating,
        renovation=renovation,
        traffic=traffic,
        file_hashes=hashes,
        notes=tuple(notes),
    )


def _commune_boundaries(sources_dir: Path, selectors: Sequence[str] | None) -> gpd.GeoDataFrame:
    """The ACT boundaries (LUREF) of the selected communes: ``lau2``, ``name``, geometry."""
    all_communes_path = sources_dir / SOURCE_FILES["communes"]
    if not all_communes_path.exists():
        raise SourceDataError(f"{all_communes_path}: missing; it holds the commune boundaries")
    every = gpd.read_file(all_communes_path)
    every["lau2"] = every["LAU2"].astype(str).str.zfill(4)
    every = every.rename(columns={"COMMUNE": "name"})[["lau2", "name", "geometry"]]
    codes = (
        select_lau2(every, selectors, all_communes_path.name)
        if selectors
        else default_region_codes(sources_dir)
    )
    communes = every[every["lau2"].isin(codes)].to_crs(CRS)
    return communes.sort_values("lau2").reset_index(drop=True)


def _with_population(
    communes: gpd.GeoDataFrame, sources_dir: Path, notes: list[str]
) -> gpd.GeoDataFrame:
    """Add STATEC's residents on 1 January :data:`POPULATION_YEAR` (``population``,
    ``population_source``); a commune without a row gets the national density (noted)."""
    pop = _read_csv(sources_dir / SOURCE_FILES["population"], dtype={"lau2": str})
    pop = pop[pop["year"] == POPULATION_YEAR]
    residents = communes["lau2"].map(pop.set_index(pop["lau2"].str.zfill(4))["population"])
    missing_pop = residents.isna().to_numpy()
    if missing_pop.any():
        est = (communes.geometry.area / 1e6 * FALLBACK_DENSITY_PER_KM2).round()
        residents[missing_pop] = est[missing_pop]
        notes.append(
            f"population estimated at {FALLBACK_DENSITY_PER_KM2:.0f}/km2 for "
            f"{', '.join(communes.loc[missing_pop, 'name'])} (no STATEC row in the sources)"
        )
    communes = communes.copy()
    communes["population"] = residents.astype("int64")
    communes["population_source"] = np.where(
        missing_pop, "estimate: national density", f"STATEC 1.1.{POPULATION_YEAR}"
    )
    return communes


def _localities_inside(
    localities: gpd.GeoDataFrame, communes: gpd.GeoDataFrame, notes: list[str]
) -> gpd.GeoDataFrame:
    """Keep each locality inside its commune (moved to the nearest inside point if it is not);
    add one locality at the commune's representative point for communes without any."""
    localities = localities.copy()
    by_code = communes.set_index("lau2").geometry
    geoms = localities.geometry.to_numpy().copy()
    for i, code in enumerate(localities["lau2"]):
        poly = by_code[code]
        if not shapely.contains(poly, geoms[i]):
            inner = shapely.buffer(poly, -150)
            target = inner if not inner.is_empty else poly
            geoms[i] = shapely.shortest_line(geoms[i], target).interpolate(1.0, normalized=True)
            notes.append(f"locality {localities['name'].iloc[i]} moved inside commune {code}")
    localities = localities.set_geometry(gpd.GeoSeries(geoms, index=localities.index, crs=CRS))
    missing = communes[~communes["lau2"].isin(localities["lau2"])]
    if len(missing):
        extra = gpd.GeoDataFrame(
            {
                "name": missing["name"].to_numpy(),
                "lau2": missing["lau2"].to_numpy(),
                "share": 1.0,
                "kind": np.where(missing["population"].to_numpy() >= 5000, "town", "village"),
                "source": "default: one centre at the commune's representative point",
            },
            geometry=missing.geometry.representative_point().to_numpy(),
            crs=CRS,
        )
        localities = pd.concat([localities, extra], ignore_index=True)
    share_sum = localities.groupby("lau2")["share"].transform("sum")
    localities["share"] = localities["share"] / share_sum
    pop = communes.set_index("lau2")["population"]
    localities["population"] = localities["share"] * localities["lau2"].map(pop).to_numpy()
    return localities
