"""Validating imported layers together with the region already in ``--out`` and writing them.

Nothing is written unless every imported layer passes its contract: the layers are validated
with the layers they reference (communes, districts, parcels already in ``OUT/region.gpkg``),
then the GeoPackage is copied to a temporary file beside it, the imported layers are written
into the copy, and the copy is renamed over ``region.gpkg`` (one atomic step). A raster is
written to a temporary file, validated against its contract, then renamed. On any error the
folder is left as it was.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from minettgeo.errors import LayerReadError, LayerWriteError
from minettgeo.layers import io
from minettgeo.layers.contract_types import RasterContract
from minettgeo.layers.contracts import VECTOR_CONTRACTS
from minettgeo.layers.cross_layer_checks import LAYER_ORDER, validate_layers
from minettgeo.layers.problems import ValidationReport
from minettgeo.layers.raster_checks import validate_raster
from minettgeo.layers.region import REGION_FILE


@dataclass
class ImportResult:
    """What an import wrote: files, feature counts per layer, the validation reports and the
    notes on filled attributes (rule and count per grade)."""

    written: list[Path] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    reports: list[ValidationReport] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def existing_layers(out_dir: Path) -> dict[str, gpd.GeoDataFrame]:
    """The contract layers already in ``OUT/region.gpkg`` (none when there is no such file)."""
    gpkg = Path(out_dir) / REGION_FILE
    if not gpkg.exists():
        return {}
    names = io.list_layers(gpkg)
    return {n: io.read_vector(gpkg, n) for n in names if n in VECTOR_CONTRACTS}


def require_layer(
    existing: Mapping[str, gpd.GeoDataFrame], name: str, out_dir: Path, why: str
) -> gpd.GeoDataFrame:
    """The layer ``name`` of the region in ``out_dir``; LayerReadError naming what to import first."""
    if name not in existing:
        raise LayerReadError(
            f"{Path(out_dir) / REGION_FILE}: no '{name}' layer, which {why}; import it first "
            f"(e.g. 'minettgeo import generic FILE --mapping MAP --out {out_dir}' for communes, "
            f"'minettgeo import act-parcels FILE --out {out_dir}' for parcels)"
        )
    return existing[name]


def locate(features: gpd.GeoDataFrame, polygons: gpd.GeoDataFrame, id_column: str) -> np.ndarray:
    """``id_column`` of the polygon holding each feature's representative point (None outside)."""
    points = shapely.point_on_surface(features.geometry.to_numpy())
    p, g = shapely.STRtree(polygons.geometry.to_numpy()).query(points, predicate="within")
    first = np.unique(p, return_index=True)[1]
    found = np.full(len(features), None, dtype=object)
    found[p[first]] = polygons[id_column].astype(str).to_numpy()[g[first]]
    return found


def keep_communes(
    layer: gpd.GeoDataFrame, codes: list[str] | None, communes: gpd.GeoDataFrame | None
) -> gpd.GeoDataFrame:
    """Features of the communes ``codes`` only (by ``lau2``, else by location); all when None."""
    if not codes:
        return layer
    if "lau2" in layer.columns:
        lau2 = layer["lau2"].astype(str).str.zfill(4).to_numpy()
    elif communes is not None:
        lau2 = locate(layer, communes, "lau2")
    else:
        return layer
    return layer[np.isin(lau2, codes)].reset_index(drop=True)


def districts_from_communes(communes: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """One district per commune (``<lau2>-01``, the commune's name) when the region has none:
    real products have no districts; a districts layer can be imported later (generic)."""
    return gpd.GeoDataFrame(
        {
            "district_id": communes["lau2"].astype(str) + "-01",
            "name": communes["name"].astype(str),
            "lau2": communes["lau2"].astype(str),
        },
        geometry=communes.geometry.to_numpy(),
        crs=communes.crs,
    )


def validate_import(
    new: Mapping[str, gpd.GeoDataFrame], existing: Mapping[str, gpd.GeoDataFrame]
) -> tuple[dict[str, gpd.GeoDataFrame], list[ValidationReport]]:
    """The imported layers validated with the region's other layers; LayerValidationError
    (every problem of the layer) when one breaks its contract."""
    combined = dict(existing) | dict(new)
    ordered = {n: combined[n] for n in LAYER_ORDER if n in combined}
    checked, reports = validate_layers(ordered)
    out: dict[str, gpd.GeoDataFrame] = {}
    listed: list[ValidationReport] = []
    for name in new:
        reports[name].raise_if_errors()
        out[name] = checked[name]
        listed.append(reports[name])
    return out, listed


def write_layers(
    out_dir: Path, layers: Mapping[str, gpd.GeoDataFrame], metadata: Mapping[str, Mapping[str, str]]
) -> Path:
    """Write ``layers`` into ``OUT/region.gpkg`` (other layers kept) in one atomic rename."""
    out_dir = Path(out_dir)
    target = out_dir / REGION_FILE
    if out_dir.exists() and not out_dir.is_dir():
        raise LayerWriteError(f"--out {out_dir}: is a file, not a folder; choose a folder")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        with io.atomic_path(target) as tmp:
            if target.exists():
                shutil.copyfile(target, tmp)
            for name, gdf in layers.items():
                meta = {k: str(v) for k, v in metadata.get(name, {}).items()}
                pyogrio.write_dataframe(
                    _storable(gdf), tmp, layer=name, driver="GPKG", layer_metadata=meta or None
                )
    except (OSError, pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise LayerWriteError(
            f"{target}: could not be written ({exc}); nothing was changed in {out_dir}"
        ) from exc
    return target


def _storable(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Object columns holding only text or None as strings GDAL can store."""
    out = gdf.copy()
    for col in out.columns:
        if col != out.geometry.name and out[col].dtype == object:
            out[col] = out[col].astype("string")
    return out


def write_checked_raster(
    out_dir: Path,
    name: str,
    array: np.ndarray,
    transform: object,
    contract: RasterContract,
    tags: Mapping[str, str],
) -> tuple[Path, ValidationReport]:
    """Write a raster to ``OUT/<name>.tif`` after validating the written file against its
    contract (in a temporary file renamed on success)."""
    from minettgeo import CRS

    out_dir = Path(out_dir)
    target = out_dir / f"{name}.tif"
    if out_dir.exists() and not out_dir.is_dir():
        raise LayerWriteError(f"--out {out_dir}: is a file, not a folder; choose a folder")
    out_dir.mkdir(parents=True, exist_ok=True)
    staged = out_dir / f".{name}.importing.tif"
    try:
        io.write_raster(staged, array, transform, CRS, contract.nodata, tags)  # type: ignore[arg-type]
        report = validate_raster(staged, contract, label=name)
        report.raise_if_errors()
        staged.replace(target)
    finally:
        staged.unlink(missing_ok=True)
    return target, report


def grade_counts(layer: pd.DataFrame) -> list[str]:
    """One line per grade column: ``floors: 3 measured, 2 estimated``."""
    lines = []
    for col in sorted(c for c in layer.columns if c.endswith("_grade")):
        counts = layer[col].value_counts()
        parts = ", ".join(f"{int(n)} {g}" for g, n in counts.items())
        lines.append(f"{col.removesuffix('_grade')}: {parts}")
    return lines
