"""The region's input layers as one validated bundle, and validation of any layer file.

A region directory holds ``region.gpkg`` (layers communes, districts, parcels, buildings, roads)
and ``landcover.tif``; GeoParquet files ``<layer>.parquet`` may stand in for the GeoPackage.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from minettgeo.errors import LayerReadError, LayerValidationError
from minettgeo.layers import io
from minettgeo.layers.codes import GRADE_WHEN_ABSENT, GRADES
from minettgeo.layers.contracts import REQUIRED_LAYERS, VECTOR_CONTRACTS
from minettgeo.layers.problems import ValidationReport
from minettgeo.layers.raster_checks import raster_grade, validate_raster
from minettgeo.layers.raster_contracts import FOREST_AGE, LANDCOVER
from minettgeo.layers.territory_contracts import COMMUNES, PROTECTED_AREAS
from minettgeo.layers.tessellation import check_tessellation
from minettgeo.layers.validate import validate_vector

RASTER_CONTRACTS = {"landcover": LANDCOVER, "forest_age": FOREST_AGE}

REGION_FILE = "region.gpkg"
LANDCOVER_FILE = "landcover.tif"
#: optional rasters on the land-cover grid: land cover of an earlier year, forest stand age
LANDCOVER_BEFORE_FILE = "landcover_before.tif"
FOREST_AGE_FILE = "forest_age.tif"
#: validation order: a layer's references point to layers before it
LAYER_ORDER = (
    "communes",
    "districts",
    "parcels",
    "buildings",
    "roads",
    "protected_areas",
    "rail",
    "point_sources",
)
REGION_BOUND = frozenset({"districts", "parcels", "buildings", "point_sources"})
ID_COLUMNS = {name: c.id_column for name, c in VECTOR_CONTRACTS.items()}


@dataclass
class RegionLayers:
    """The validated input layers of a region."""

    communes: gpd.GeoDataFrame
    districts: gpd.GeoDataFrame
    parcels: gpd.GeoDataFrame
    buildings: gpd.GeoDataFrame
    roads: gpd.GeoDataFrame
    landcover_path: Path
    protected_areas: gpd.GeoDataFrame | None = None
    landcover_before_path: Path | None = None
    forest_age_path: Path | None = None
    #: railway lines (optional layer: None when the region has none)
    rail: gpd.GeoDataFrame | None = None
    #: industrial point sources (optional layer: None when the region has none)
    point_sources: gpd.GeoDataFrame | None = None
    #: data-quality grade of the land cover: the worst of the GeoTIFF tags ``grade`` of
    #: landcover.tif and landcover_before.tif (absent = measured)
    landcover_grade: str = GRADE_WHEN_ABSENT
    reports: dict[str, ValidationReport] = field(default_factory=dict)
    #: holds rasters warped to LUREF on load (see load_region); removed with this object
    scratch: tempfile.TemporaryDirectory[str] | None = None
    files: dict[str, Path] = field(default_factory=dict)


def _vector_sources(directory: Path) -> dict[str, tuple[Path, str | None]]:
    gpkg = directory / REGION_FILE
    found: dict[str, tuple[Path, str | None]] = {}
    available = io.list_layers(gpkg) if gpkg.exists() else []
    for name in LAYER_ORDER:
        parquet = directory / f"{name}.parquet"
        if name in available:
            found[name] = (gpkg, name)
        elif parquet.exists():
            found[name] = (parquet, None)
    return found


def validate_layers(
    layers: dict[str, gpd.GeoDataFrame], *, region: gpd.GeoDataFrame | None = None
) -> tuple[dict[str, gpd.GeoDataFrame], dict[str, ValidationReport]]:
    """Validate several layers together: region containment, references (districts -> communes,
    parcels -> districts, buildings -> parcels) across layers, and the parcels' tessellation of
    the communes (overlaps, gaps).

    ``region``: a (validated) communes layer the features must lie in, e.g. from
    ``validate --region``; by default the region is the union of the ``communes`` layer."""
    checked: dict[str, gpd.GeoDataFrame] = {}
    reports: dict[str, ValidationReport] = {}
    area = None if region is None else shapely.union_all(region.geometry.to_numpy())
    known: dict[str, list[str]] = {}
    for name in LAYER_ORDER:
        if name not in layers:
            continue
        bound = name in REGION_BOUND or (name == "communes" and region is not None)
        gdf, report = validate_vector(
            layers[name],
            VECTOR_CONTRACTS[name],
            region=area if bound else None,
            known_ids=known,
        )
        if name == "parcels" and report.ok:
            if "district_id" not in gdf.columns and "districts" in checked:
                gdf = assign_districts(gdf, checked["districts"], report)
            communes = checked.get("communes") if reports.get("communes", report).ok else None
            check_tessellation(gdf, communes if communes is not None else region, report)
        if (
            name == "point_sources"
            and report.ok
            and "parcel_id" not in gdf.columns
            and "parcels" in checked
            and reports["parcels"].ok
        ):
            gdf = assign_point_parcels(gdf, checked["parcels"], report)
        checked[name], reports[name] = gdf, report
        id_col = ID_COLUMNS[name]
        if id_col in gdf.columns:
            known[name] = gdf[id_col].dropna().astype(str).tolist()
        if name == "communes" and report.ok and region is None:
            area = shapely.union_all(gdf.geometry.to_numpy())
    return checked, reports


def assign_districts(
    parcels: gpd.GeoDataFrame, districts: gpd.GeoDataFrame, report: ValidationReport
) -> gpd.GeoDataFrame:
    """``district_id`` of each parcel from the district holding its representative point (the
    point inside the parcel chosen by GEOS); parcels outside every district are reported."""
    points = shapely.point_on_surface(parcels.geometry.to_numpy())
    p, d = shapely.STRtree(districts.geometry.to_numpy()).query(points, predicate="within")
    first = np.unique(p, return_index=True)[1]
    district = np.full(len(parcels), None, dtype=object)
    district[p[first]] = districts["district_id"].to_numpy()[d[first]]
    out = parcels.copy()
    out["district_id"] = district
    report.add(
        "derived-column",
        "absent, derived: the district holding each parcel's representative point",
        column="district_id",
        repaired=True,
    )
    lost = pd.isna(district)
    if lost.any():
        report.add(
            "outside-region",
            "parcels in no district; extend the districts layer so that it covers every parcel",
            column="district_id",
            ids=out.loc[lost, "parcel_id"].astype(str).tolist(),
        )
    return out


def assign_point_parcels(
    points: gpd.GeoDataFrame, parcels: gpd.GeoDataFrame, report: ValidationReport
) -> gpd.GeoDataFrame:
    """``parcel_id`` of each point source from the parcel holding it (the first parcel it
    touches when it lies on a boundary); points on no parcel are reported as errors."""
    p, q = shapely.STRtree(parcels.geometry.to_numpy()).query(
        points.geometry.to_numpy(), predicate="intersects"
    )
    first = np.unique(p, return_index=True)[1]
    parcel = np.full(len(points), None, dtype=object)
    parcel[p[first]] = parcels["parcel_id"].to_numpy()[q[first]]
    out = points.copy()
    out["parcel_id"] = parcel
    report.add(
        "derived-column",
        "absent, derived: the parcel holding each point source",
        column="parcel_id",
        repaired=True,
    )
    lost = pd.isna(parcel)
    if lost.any():
        report.add(
            "outside-region",
            "point sources on no parcel; move them onto their site or give their parcel_id",
            column="parcel_id",
            ids=out.loc[lost, "facility_id"].astype(str).tolist(),
        )
    return out


def load_region(directory: Path) -> RegionLayers:
    """Read and validate every layer of a region directory; raise on the first layer with errors
    (listing all of that layer's problems)."""
    directory = Path(directory)
    sources = _vector_sources(directory)
    missing = [name for name in REQUIRED_LAYERS if name not in sources]
    if missing:
        raise LayerReadError(
            f"{directory}: layer(s) {', '.join(missing)} not found (expected {REGION_FILE} or "
            f"<layer>.parquet); build the sample region with 'minettgeo sample'"
        )
    raw = {name: io.read_vector(path, layer) for name, (path, layer) in sources.items()}
    checked, reports = validate_layers(raw)
    for report in reports.values():
        report.raise_if_errors()
    landcover = directory / LANDCOVER_FILE
    if not landcover.exists():
        raise LayerReadError(f"{landcover}: land-cover raster not found")
    rasters = {"landcover": landcover}
    for name, path in (
        ("landcover_before", directory / LANDCOVER_BEFORE_FILE),
        ("forest_age", directory / FOREST_AGE_FILE),
    ):
        if path.exists():
            rasters[name] = path
    for name, path in rasters.items():
        r = validate_raster(path, FOREST_AGE if name == "forest_age" else LANDCOVER, label=name)
        r.raise_if_errors()
        reports[name] = r
    scratch = None
    if any(rep.kind == "reprojected" for name in rasters for rep in reports[name].repairs):
        # warp to LUREF in a scratch folder kept as long as the RegionLayers object lives
        scratch = tempfile.TemporaryDirectory(prefix="minettgeo-warped-")
        warped = {
            "landcover": io.warp_to_luref(rasters["landcover"], Path(scratch.name) / LANDCOVER_FILE)
        }
        for name in ("landcover_before", "forest_age"):
            if name in rasters:
                warped[name] = io.warp_to_luref(
                    rasters[name], Path(scratch.name) / f"{name}.tif", like=warped["landcover"]
                )
        inputs = rasters
        rasters = warped
    else:
        inputs = rasters
    protected = checked.get("protected_areas")
    if protected is None:
        protected = gpd.GeoDataFrame(
            {c.name: [] for c in PROTECTED_AREAS.columns}, geometry=[], crs=checked["communes"].crs
        )
    return RegionLayers(
        **{name: checked[name] for name in REQUIRED_LAYERS},
        landcover_path=rasters["landcover"],
        protected_areas=protected,
        landcover_before_path=rasters.get("landcover_before"),
        forest_age_path=rasters.get("forest_age"),
        rail=checked.get("rail"),
        point_sources=checked.get("point_sources"),
        landcover_grade=worst_grade(
            [
                raster_grade(inputs[n], LANDCOVER)
                for n in ("landcover", "landcover_before")
                if n in inputs
            ]
        ),
        reports=reports,
        files={name: path for name, (path, _l) in sources.items()} | inputs,
        scratch=scratch,
    )


def worst_grade(grades: list[str]) -> str:
    """The worst of ``grades`` (measured < default < estimated); measured for none."""
    order = list(GRADES)
    return max(grades, key=order.index, default=GRADE_WHEN_ABSENT)


def validate_path(
    path: Path, kind: str | None = None, region_path: Path | None = None
) -> list[ValidationReport]:
    """Validate whatever ``path`` holds: a raster, one GeoParquet layer, or every known layer of a
    GeoPackage. ``kind`` names the contract when the file name does not; ``region_path`` is a
    communes layer used to check that features lie inside the region."""
    path = Path(path)
    if not path.exists():
        raise LayerReadError(f"{path}: no such file")
    if path.suffix.lower() in io.RASTER_SUFFIXES:
        raster_kind = kind or ("forest_age" if "age" in path.stem else "landcover")
        if raster_kind not in RASTER_CONTRACTS:
            raise LayerReadError(
                f"unknown raster kind '{raster_kind}'; one of {', '.join(RASTER_CONTRACTS)}"
            )
        return [validate_raster(path, RASTER_CONTRACTS[raster_kind])]
    names = io.list_layers(path)
    if kind is not None and kind not in VECTOR_CONTRACTS:
        raise LayerReadError(f"unknown layer kind '{kind}'; one of {', '.join(VECTOR_CONTRACTS)}")
    if kind is not None:
        if len(names) != 1:
            raise LayerReadError(f"{path}: --kind needs a file with one layer; it holds {names}")
        layers = {kind: io.read_vector(path, names[0])}
    else:
        known = [n for n in names if n in VECTOR_CONTRACTS]
        if not known:
            raise LayerReadError(
                f"{path}: no layer named after a contract ({', '.join(VECTOR_CONTRACTS)}); "
                "say which contract applies with --kind"
            )
        layers = {n: io.read_vector(path, n) for n in known}
    region = None if region_path is None else read_region_communes(Path(region_path))
    _, reports = validate_layers(layers, region=region)
    return [reports[n] for n in LAYER_ORDER if n in reports]


def read_region_communes(path: Path) -> gpd.GeoDataFrame:
    """The communes layer of ``path`` (``validate --region``), validated against its contract."""
    if not Path(path).exists():
        raise LayerReadError(f"--region {path}: no such file")
    names = io.list_layers(path)
    if "communes" not in names and len(names) != 1:
        raise LayerReadError(
            f"--region {path}: no 'communes' layer (layers: {', '.join(names) or 'none'})"
        )
    raw = io.read_vector(path, "communes" if "communes" in names else names[0])
    communes, report = validate_vector(raw, COMMUNES, layer_label=f"communes of --region {path}")
    report.raise_if_errors()
    return communes


__all__ = [
    "LayerValidationError",
    "RegionLayers",
    "load_region",
    "validate_layers",
    "validate_path",
]
