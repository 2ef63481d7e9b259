"""Rasters for GIS staff: carbon stock and sink potential at the land-cover resolution (COG).

- carbon stock: every pixel gets the total stock of its land-cover class, t C/ha (float32,
  nodata -1, also on a code without a stock), written strip by strip, so any raster size fits
  in memory; any class code (a sorted lookup, not an array indexed by code);
- sink potential: every pixel gets the 2050 sink potential per hectare of the parcel it lies in,
  t CO2/(ha a) (float32, 0 where no measure applies, nodata -1 outside the region).
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np
import rasterio
import rasterio.shutil
import shapely
from affine import Affine
from numpy.typing import NDArray
from rasterio import features
from rasterio.windows import Window

from minettgeo.layers.io import atomic_path, tiled_profile

NODATA = -1.0


def _to_cog(plain: Path, target: Path) -> Path:
    with atomic_path(target) as tmp:
        rasterio.shutil.copy(
            plain, tmp, driver="COG", compress="DEFLATE", blocksize=512, predictor=3
        )
    return target


def stock_lookup(
    stock_per_ha: Mapping[int, float],
) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
    """The classes' codes, sorted, and their stocks (t C/ha): a lookup of any code, however
    large (WorldCover and generic rasters are not limited to CORINE's three digits)."""
    codes = np.array([int(c) for c in stock_per_ha], dtype=np.int64)
    stocks = np.array([float(v) for v in stock_per_ha.values()], dtype=np.float32)
    order = np.argsort(codes, kind="stable")
    return codes[order], stocks[order]


def stocks_of(
    codes: NDArray[np.integer], table: tuple[NDArray[np.int64], NDArray[np.float32]]
) -> NDArray[np.float32]:
    """The stock of each pixel's code (binary search in the sorted codes); NODATA where the
    table has no such code."""
    keys, stocks = table
    pixels = np.asarray(codes).astype(np.int64)
    if len(keys) == 0:
        return np.full(pixels.shape, NODATA, dtype=np.float32)
    at = np.clip(np.searchsorted(keys, pixels), 0, len(keys) - 1)
    return np.where(keys[at] == pixels, stocks[at], np.float32(NODATA)).astype(np.float32)


def carbon_stock_raster(
    landcover: Path,
    stock_per_ha: Mapping[int, float],
    target: Path,
    tags: Mapping[str, str],
    window_rows: int = 1024,
) -> Path:
    """Carbon stock (t C/ha) per pixel from its land-cover code (lookup of every code in
    ``stock_per_ha``, windowed); NODATA on nodata pixels and on codes without a stock."""
    table = stock_lookup(stock_per_ha)
    with (
        rasterio.open(landcover) as src,
        tempfile.TemporaryDirectory(dir=Path(target).parent) as scratch,
    ):
        profile = tiled_profile(src.profile, dtype="float32", nodata=NODATA)
        plain = Path(scratch) / "plain.tif"
        with rasterio.open(plain, "w", **profile) as dst:
            for row in range(0, src.height, window_rows):
                win = Window(0, row, src.width, min(window_rows, src.height - row))
                codes = src.read(1, window=win)
                values = stocks_of(codes, table)
                values[codes == (src.nodata if src.nodata is not None else 0)] = NODATA
                dst.write(values, 1, window=win)
            dst.update_tags(
                **{k: str(v) for k, v in tags.items()},
                unit="t C/ha",
                quantity="carbon stock, 4 pools",
            )
        return _to_cog(plain, Path(target))


def parcel_value_raster(
    landcover: Path,
    parcels: gpd.GeoDataFrame,
    values: np.ndarray,
    target: Path,
    tags: Mapping[str, str],
    window_rows: int = 1024,
) -> Path:
    """A parcel attribute burnt onto the land-cover grid (float32, nodata -1 outside the
    parcels), strip by strip: only the parcels meeting a strip are rasterised into it."""
    geoms = parcels.geometry.to_numpy()
    values = np.asarray(values, dtype=float)
    tree = shapely.STRtree(geoms)
    with rasterio.open(landcover) as src:
        profile = tiled_profile(src.profile, dtype="float32", nodata=NODATA)
        height, width, transform = src.height, src.width, src.transform
    with tempfile.TemporaryDirectory(dir=Path(target).parent) as scratch:
        plain = Path(scratch) / "plain.tif"
        with rasterio.open(plain, "w", **profile) as dst:
            for row in range(0, height, window_rows):
                win = Window(0, row, width, min(window_rows, height - row))
                top = transform.f + row * transform.e  # north-up grid
                win_transform = Affine(transform.a, 0.0, transform.c, 0.0, transform.e, top)
                left, right = transform.c, transform.c + width * transform.a
                bottom = top + int(win.height) * transform.e
                hits = tree.query(shapely.box(left, bottom, right, top))
                if len(hits):
                    arr = features.rasterize(
                        zip(geoms[hits], values[hits].tolist(), strict=True),
                        out_shape=(int(win.height), int(win.width)),
                        transform=win_transform,
                        fill=NODATA,
                        dtype="float32",
                    )
                else:
                    arr = np.full((int(win.height), int(win.width)), NODATA, dtype=np.float32)
                dst.write(arr, 1, window=win)
            dst.update_tags(**{k: str(v) for k, v in tags.items()})
        return _to_cog(plain, Path(target))
