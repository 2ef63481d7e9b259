"""Export a result layer or raster, whole or filtered, with its provenance.

Vector formats: GeoPackage, GeoParquet and FlatGeobuf keep the results' CRS (EPSG:2169, LUREF);
GeoJSON is RFC 7946 (CRS84 longitude, latitude); CSV is plain CSV (a header row, then data) with
the longitude and latitude of a point inside each feature instead of its geometry. Rasters are
Cloud-Optimised GeoTIFFs, clipped to the filter's extent. Every export is a folder holding the
file(s) and a ``datapackage.json`` with the columns, their units, the run's provenance and the
filters used; it is written under a temporary name and renamed when complete.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import rasterio
import shapely
from rasterio.windows import Window, from_bounds

from minettgeo.errors import LayerWriteError, NotFoundError, ParameterError
from minettgeo.export.datapackage import write_datapackage
from minettgeo.layers import io
from minettgeo.results.reader import Results

#: format name -> file suffix
VECTOR_FORMATS = {
    "gpkg": ".gpkg",
    "parquet": ".parquet",
    "geojson": ".geojson",
    "fgb": ".fgb",
    "csv": ".csv",
}
#: other names accepted for the formats
ALIASES = {"geopackage": "gpkg", "geoparquet": "parquet", "flatgeobuf": "fgb", "json": "geojson"}
#: most features one export holds (a whole layer of the Minett fits many times)
MAX_FEATURES = 2_000_000
SAFE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


@dataclass(frozen=True)
class Filters:
    """Which features or pixels go into an export (at most one of commune, district; a bbox in
    EPSG:2169 may be combined with either)."""

    commune: str | None = None
    district: str | None = None
    bbox: tuple[float, float, float, float] | None = None

    def describe(self) -> dict[str, object]:
        return {k: v for k, v in (("commune", self.commune), ("district", self.district),
                                  ("bbox_epsg2169", list(self.bbox) if self.bbox else None)) if v}  # fmt: skip

    def label(self) -> str:
        parts = [f"commune-{self.commune}" if self.commune else "",
                 f"district-{self.district}" if self.district else "",
                 "bbox" if self.bbox else ""]  # fmt: skip
        return "_".join(p for p in parts if p) or "all"


def vector_format(name: str) -> str:
    """The canonical format name; ParameterError naming the formats there are."""
    fmt = ALIASES.get(name.lower(), name.lower())
    if fmt not in VECTOR_FORMATS:
        raise ParameterError(
            f"--format {name!r}: not an export format; use one of {', '.join(VECTOR_FORMATS)}"
        )
    return fmt


def _check_name(name: str, what: str) -> str:
    if not SAFE_NAME.match(name):
        raise NotFoundError(f"{what} {name!r}: names are lower-case letters, digits and '_'")
    return name


def filter_shape(results: Results, filters: Filters) -> shapely.Geometry | None:
    """The area a raster export is clipped to (commune or district shape, bbox), EPSG:2169."""
    shape = None
    if filters.commune and filters.district:
        raise ParameterError("give --commune or --district, not both")
    if filters.commune:
        code = results.check_commune(filters.commune)
        shape = results.layer("communes", ids=[code], columns=[]).geometry.iloc[0]
    if filters.district:
        results.check_district(filters.district)
        shape = results.layer("districts", ids=[filters.district], columns=[]).geometry.iloc[0]
    if filters.bbox:
        box = shapely.box(*filters.bbox)
        shape = box if shape is None else shapely.intersection(shape, box)
    return shape


def read_filtered(
    results: Results, layer: str, filters: Filters, max_features: int = MAX_FEATURES
) -> gpd.GeoDataFrame:
    """The features of ``layer`` the filters keep (checked: unknown commune -> NotFoundError;
    more than ``max_features`` -> ParameterError, before anything is read)."""
    _check_name(layer, "layer")
    results.check_layer(layer)
    if filters.commune and filters.district:
        raise ParameterError("give --commune or --district, not both")
    count = results.count(
        layer, commune=filters.commune, district=filters.district, bbox=filters.bbox
    )
    if count > max_features:
        raise ParameterError(
            f"the export of layer {layer!r} ({filters.label()}) would hold {count:,} features; "
            f"at most {max_features:,}: narrow it with a commune, district or bbox"
        )
    frame = results.layer(
        layer, commune=filters.commune, district=filters.district, bbox=filters.bbox
    )
    return frame.reset_index()


def _provenance(results: Results, filters: Filters) -> dict[str, object]:
    return {**results.provenance, "export": {"run_id": results.run_id, **filters.describe()}}


def _write_vector(frame: gpd.GeoDataFrame, layer: str, fmt: str, path: Path, prov: str) -> None:
    meta = {layer: {"provenance": prov, "modelled": "true"}}
    if fmt in {"gpkg", "parquet"}:
        io.write_vectors(path, {layer: frame}, meta)
    elif fmt == "fgb":
        pyogrio.write_dataframe(
            frame, path, driver="FlatGeobuf", layer=layer, layer_options={"TITLE": layer},
            metadata={"provenance": prov},
        )  # fmt: skip
    elif fmt == "geojson":
        pyogrio.write_dataframe(
            frame.to_crs("OGC:CRS84"), path, driver="GeoJSON", layer=layer,
            layer_options={"RFC7946": "YES", "DESCRIPTION": prov, "WRITE_NAME": "YES"},
        )  # fmt: skip
    else:  # plain CSV: a point inside each feature, in WGS 84
        points = frame.geometry.representative_point().to_crs("OGC:CRS84")
        table = pd.DataFrame(frame.drop(columns=frame.geometry.name))
        table["lon"] = np.round(points.x.to_numpy(), 7)
        table["lat"] = np.round(points.y.to_numpy(), 7)
        table.to_csv(path, index=False)


def export_layer(
    results: Results,
    layer: str,
    fmt: str,
    out_dir: Path,
    filters: Filters | None = None,
    *,
    max_features: int = MAX_FEATURES,
) -> Path:
    """Write ``layer`` (filtered) as ``out_dir/<layer>.<ext>`` with ``out_dir/datapackage.json``;
    ``out_dir`` must not exist yet (it appears complete or not at all). Returns ``out_dir``.
    More than ``max_features`` features: ParameterError, nothing written."""
    filters = filters or Filters()
    fmt = vector_format(fmt)
    frame = read_filtered(results, layer, filters, max_features)
    prov = _provenance(results, filters)

    def write(folder: Path) -> None:
        path = folder / f"{layer}{VECTOR_FORMATS[fmt]}"
        _write_vector(frame, layer, fmt, path, json.dumps(prov, default=str))
        write_datapackage(
            folder, prov, name=f"minettgeo-{layer}-{filters.label()}-{results.run_id}",
            title=f"minettgeo export: layer {layer} ({filters.label()}), run {results.run_id}",
            filters=filters.describe(),
        )  # fmt: skip

    return _publish(Path(out_dir), write)


def export_raster(
    results: Results, name: str, out_dir: Path, filters: Filters | None = None
) -> Path:
    """Write raster ``name`` as a COG ``out_dir/<name>.tif`` clipped to the filters' extent
    (pixels outside a commune or district shape set to nodata), with datapackage.json."""
    filters = filters or Filters()
    source = results.raster_path(_check_name(name.removesuffix(".tif"), "raster"))
    shape = filter_shape(results, filters)
    prov = _provenance(results, filters)

    def write(folder: Path) -> None:
        target = folder / source.name
        if shape is None:
            shutil.copyfile(source, target)
        else:
            _clip(source, target, shape, json.dumps(prov, default=str))
        write_datapackage(
            folder, prov, name=f"minettgeo-{name}-{filters.label()}-{results.run_id}",
            title=f"minettgeo export: raster {name} ({filters.label()}), run {results.run_id}",
            filters=filters.describe(),
        )  # fmt: skip

    return _publish(Path(out_dir), write)


def _clip(source: Path, target: Path, shape: shapely.Geometry, prov: str) -> None:
    from rasterio.features import geometry_mask

    with rasterio.open(source) as src:
        window = from_bounds(*shape.bounds, transform=src.transform).round_offsets().round_lengths()
        window = window.intersection(Window(0, 0, src.width, src.height))
        data = src.read(1, window=window)
        transform = src.window_transform(window)
        outside = geometry_mask([shape], out_shape=data.shape, transform=transform)
        nodata = src.nodata if src.nodata is not None else 0
        data = np.where(outside, nodata, data).astype(data.dtype)
        tags = {**src.tags(), "provenance": prov}
        io.write_raster(target, data, transform, str(src.crs), nodata, tags, src.descriptions[0])


def _publish(out_dir: Path, write) -> Path:  # type: ignore[no-untyped-def]
    """Run ``write(tmp_folder)`` and rename the folder to ``out_dir`` (refused if it exists)."""
    if out_dir.exists():
        raise LayerWriteError(f"{out_dir}: exists already; choose a new export folder")
    parent = out_dir.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=parent))
    except OSError as exc:
        raise LayerWriteError(f"{out_dir}: cannot be created ({exc})") from exc
    try:
        write(tmp)
        tmp.rename(out_dir)
    except BaseException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(exc, OSError):
            raise LayerWriteError(f"{out_dir}: export failed ({exc}); nothing was left") from exc
        raise
    return out_dir


def files_of(folder: Path) -> Sequence[Path]:
    return sorted(p for p in Path(folder).iterdir() if p.is_file())
