"""Reading and writing layers: GeoPackage (default), GeoParquet, and GeoTIFF / COG rasters.

Every write is atomic: the data goes to a temporary file beside the target, which is renamed over
the target only once complete. An interrupted or failed run leaves the previous file (or nothing),
never a half-written one. Metadata (source, licence, modelled or not, seed, generator) travels
inside the files: GeoPackage layer metadata, GeoParquet ``attrs``, GeoTIFF tags.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pyogrio
import rasterio
import rasterio.shutil
from affine import Affine

from minettgeo import CRS
from minettgeo.errors import LayerReadError, LayerWriteError

#: what pyogrio and GDAL raise for a file that is not a readable vector dataset
VECTOR_READ_ERRORS = (
    OSError,
    pyogrio.errors.DataSourceError,
    pyogrio.errors.DataLayerError,
)
VECTOR_SUFFIXES = {".gpkg": "GPKG", ".parquet": "Parquet", ".geoparquet": "Parquet"}
RASTER_SUFFIXES = {".tif", ".tiff"}
Metadata = Mapping[str, str]


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it onto ``target`` on success.

    On any exception the temporary file is removed and ``target`` is left untouched.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(
        prefix=f".{target.stem}.", suffix=target.suffix, dir=target.parent
    )
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()  # drivers want to create the file themselves
    try:
        yield tmp
        tmp.replace(target)
    except BaseException:
        for leftover in (
            tmp,
            tmp.with_name(tmp.name + "-journal"),
            tmp.with_name(tmp.name + "-wal"),
        ):
            leftover.unlink(missing_ok=True)
        raise


def vector_format(path: Path) -> str:
    """'GPKG' or 'Parquet' from the file suffix; LayerReadError for anything else."""
    fmt = VECTOR_SUFFIXES.get(Path(path).suffix.lower())
    if fmt is None:
        raise LayerReadError(
            f"{path}: unknown vector format '{Path(path).suffix}'; use .gpkg (GeoPackage) "
            "or .parquet (GeoParquet)"
        )
    return fmt


def list_layers(path: Path) -> list[str]:
    """Names of the vector layers in a GeoPackage (one layer, the file stem, for GeoParquet)."""
    path = Path(path)
    if not path.exists():
        raise LayerReadError(f"{path}: no such file")
    if vector_format(path) == "Parquet":
        return [path.stem]
    _refuse_empty(path)
    try:
        return [str(name) for name, _geom in pyogrio.list_layers(path)]
    except VECTOR_READ_ERRORS as exc:
        raise _unreadable(path, exc) from exc


def _refuse_empty(path: Path) -> None:
    if path.is_file() and path.stat().st_size == 0:
        raise LayerReadError(f"{path}: the file is empty (0 bytes); write or copy it again")


def _unreadable(path: Path, exc: BaseException) -> LayerReadError:
    """The error for a file GDAL cannot read: damaged, truncated or another format."""
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return LayerReadError(
        f"{path}: not a readable {'GeoPackage' if path.suffix.lower() == '.gpkg' else 'file'} "
        f"({reason}); the file is damaged, truncated or not in this format: export it again"
    )


def read_vector(path: Path, layer: str | None = None) -> gpd.GeoDataFrame:
    """Read one vector layer from a GeoPackage or GeoParquet file, with its metadata in ``attrs``."""
    path = Path(path)
    fmt = vector_format(path)
    if not path.exists():
        raise LayerReadError(f"{path}: no such file")
    if fmt == "Parquet":
        try:
            return gpd.read_parquet(path)
        except Exception as exc:  # pyarrow raises many types for a broken file
            raise LayerReadError(f"{path}: not a readable GeoParquet file ({exc})") from exc
    names = list_layers(path)
    if layer is None:
        if len(names) != 1:
            raise LayerReadError(f"{path}: holds layers {names}; say which one to read")
        layer = names[0]
    if layer not in names:
        raise LayerReadError(
            f"{path}: has no layer '{layer}' (layers: {', '.join(names) or 'none'})"
        )
    try:
        gdf = gpd.read_file(path, layer=layer, engine="pyogrio", fid_as_index=False)
    except VECTOR_READ_ERRORS as exc:
        raise _unreadable(path, exc) from exc
    gdf.attrs["minettgeo"] = read_vector_metadata(path, layer)
    return gdf


def read_vector_metadata(path: Path, layer: str) -> dict[str, str]:
    """The metadata stored with a layer (GeoPackage layer metadata or GeoParquet attrs)."""
    path = Path(path)
    try:
        if vector_format(path) == "Parquet":
            schema_meta = pq.read_schema(path).metadata or {}
            attrs = json.loads(schema_meta.get(b"PANDAS_ATTRS", b"{}"))
            return {str(k): str(v) for k, v in attrs.get("minettgeo", {}).items()}
        info = pyogrio.read_info(path, layer=layer)
    except (*VECTOR_READ_ERRORS, ValueError, pa.ArrowException) as exc:
        raise _unreadable(path, exc) from exc
    return dict(info.get("layer_metadata") or {})


def write_vectors(
    path: Path,
    layers: Mapping[str, gpd.GeoDataFrame],
    metadata: Mapping[str, Metadata] | None = None,
) -> Path:
    """Write layers atomically: all layers of a GeoPackage, or the single layer of a GeoParquet file.

    ``metadata`` maps a layer name to string key/values stored with that layer.
    """
    path = Path(path)
    fmt = vector_format(path)
    metadata = metadata or {}
    if fmt == "Parquet" and len(layers) != 1:
        raise LayerWriteError(f"{path}: a GeoParquet file holds one layer, got {list(layers)}")
    try:
        with atomic_path(path) as tmp:
            for name, gdf in layers.items():
                meta = {k: str(v) for k, v in metadata.get(name, {}).items()}
                if fmt == "Parquet":
                    out = gdf.copy()
                    out.attrs = {"minettgeo": meta}
                    out.to_parquet(tmp, index=False, compression="zstd")
                else:
                    pyogrio.write_dataframe(
                        gdf,
                        tmp,
                        layer=name,
                        driver="GPKG",
                        append=tmp.exists(),
                        layer_metadata=meta or None,
                    )
    except (OSError, pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise LayerWriteError(
            f"{path}: could not be written ({exc}); the previous file is unchanged"
        ) from exc
    return path


def tiled_profile(
    base: Mapping[str, object], *, dtype: str, nodata: float | int | None
) -> dict[str, object]:
    """A single-band, tiled (512 x 512), deflate-compressed GeoTIFF profile on ``base``'s grid."""
    profile = dict(base)
    profile.update(
        driver="GTiff",
        count=1,
        dtype=dtype,
        nodata=nodata,
        tiled=True,
        blockxsize=512,
        blockysize=512,
        compress="deflate",
        BIGTIFF="IF_SAFER",
    )
    return profile


def write_raster(
    path: Path,
    array: np.ndarray,
    transform: Affine,
    crs: str,
    nodata: float | int | None,
    tags: Metadata | None = None,
    band_description: str | None = None,
) -> Path:
    """Write a single-band array as a Cloud-Optimised GeoTIFF (tiled, deflate), atomically."""
    path = Path(path)
    grid = {"height": array.shape[0], "width": array.shape[1], "crs": crs, "transform": transform}
    profile = tiled_profile(grid, dtype=array.dtype.name, nodata=nodata)
    try:
        with tempfile.TemporaryDirectory(
            dir=path.parent if path.parent.exists() else None
        ) as scratch:
            plain = Path(scratch) / "plain.tif"
            with rasterio.open(plain, "w", **profile) as dst:
                dst.write(array, 1)
                dst.update_tags(**{k: str(v) for k, v in (tags or {}).items()})
                if band_description:
                    dst.set_band_description(1, band_description)
            with atomic_path(path) as tmp:
                rasterio.shutil.copy(
                    plain,
                    tmp,
                    driver="COG",
                    compress="DEFLATE",
                    blocksize=512,
                    overview_resampling="nearest",
                )
    except (OSError, rasterio.errors.RasterioError) as exc:
        raise LayerWriteError(
            f"{path}: could not be written ({exc}); the previous file is unchanged"
        ) from exc
    return path


def warp_to_luref(source: Path, target: Path, like: Path | None = None) -> Path:
    """Warp a categorical raster to EPSG:2169 (nearest neighbour), onto the grid of ``like``
    when given, else keeping its pixel size; written tile by tile through a warped VRT."""
    from rasterio.enums import Resampling
    from rasterio.vrt import WarpedVRT
    from rasterio.warp import calculate_default_transform

    with rasterio.open(source) as src:
        if like is not None:
            with rasterio.open(like) as ref:
                transform, width, height = ref.transform, ref.width, ref.height
        else:
            res = abs(src.res[0]) if src.crs.is_projected else None
            transform, width, height = calculate_default_transform(
                src.crs, CRS, src.width, src.height, *src.bounds, resolution=res
            )
        nodata = src.nodata if src.nodata is not None else 0
        with WarpedVRT(
            src,
            crs=CRS,
            transform=transform,
            width=width,
            height=height,
            resampling=Resampling.nearest,
            nodata=nodata,
        ) as vrt:
            profile = tiled_profile(
                {"crs": CRS, "transform": transform, "width": width, "height": height},
                dtype=src.dtypes[0],
                nodata=nodata,
            )
            with atomic_path(Path(target)) as tmp, rasterio.open(tmp, "w", **profile) as dst:
                for _, window in dst.block_windows(1):
                    dst.write(vrt.read(1, window=window), 1, window=window)
                dst.update_tags(**src.tags())
    return Path(target)


def read_raster_tags(path: Path) -> dict[str, str]:
    """The dataset tags of a GeoTIFF (where minettgeo keeps source, licence, seed...)."""
    try:
        with rasterio.open(path) as src:
            return dict(src.tags())
    except (OSError, rasterio.errors.RasterioError) as exc:
        raise LayerReadError(
            f"{path}: not a readable GeoTIFF ({exc}); the file is damaged or truncated: export it again"
        ) from exc
