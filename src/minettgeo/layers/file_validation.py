"""Validation of whatever one file holds (``minettgeo validate PATH``): a raster, one GeoParquet
layer or every known layer of a GeoPackage, optionally inside the communes of a ``--region``
file."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd

from minettgeo.errors import LayerReadError
from minettgeo.layers import io
from minettgeo.layers.contracts import VECTOR_CONTRACTS
from minettgeo.layers.cross_layer_checks import LAYER_ORDER, validate_layers
from minettgeo.layers.problems import ValidationReport
from minettgeo.layers.raster_checks import validate_raster
from minettgeo.layers.raster_contracts import FOREST_AGE, LANDCOVER
from minettgeo.layers.territory_contracts import COMMUNES
from minettgeo.layers.validate import validate_vector

RASTER_CONTRACTS = {"landcover": LANDCOVER, "forest_age": FOREST_AGE}


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
