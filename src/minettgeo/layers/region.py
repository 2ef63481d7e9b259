"""The region's input layers as one validated bundle (:func:`load_region`): read, validated
together (:mod:`~minettgeo.layers.cross_layer_checks`), rasters checked and warped to LUREF when
needed, and the land cover's data-quality grade. Validation of any one layer file:
:mod:`~minettgeo.layers.file_validation`.

A region directory holds ``region.gpkg`` (layers communes, districts, parcels, buildings, roads)
and ``landcover.tif``; GeoParquet files ``<layer>.parquet`` may stand in for the GeoPackage.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd

from minettgeo.errors import LayerReadError, LayerValidationError
from minettgeo.layers import io
from minettgeo.layers.codes import GRADE_WHEN_ABSENT, GRADES
from minettgeo.layers.contracts import REQUIRED_LAYERS
from minettgeo.layers.cross_layer_checks import LAYER_ORDER, validate_layers
from minettgeo.layers.problems import ValidationReport
from minettgeo.layers.raster_checks import raster_grade, validate_raster
from minettgeo.layers.raster_contracts import FOREST_AGE, LANDCOVER
from minettgeo.layers.territory_contracts import PROTECTED_AREAS

REGION_FILE = "region.gpkg"
LANDCOVER_FILE = "landcover.tif"
#: optional rasters on the land-cover grid: land cover of an earlier year, forest stand age
LANDCOVER_BEFORE_FILE = "landcover_before.tif"
FOREST_AGE_FILE = "forest_age.tif"


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


__all__ = [
    "LayerValidationError",
    "RegionLayers",
    "load_region",
]
