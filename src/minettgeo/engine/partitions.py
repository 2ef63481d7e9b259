"""Spatial partitions of a region for a distributed run (:mod:`minettgeo.engine.distributed`).

Parcels are sorted along a Hilbert curve (level 16, over the parcels' total bounds; the curve of
dask-geopandas' ``spatial_shuffle``) and cut by dask-geopandas into partitions of equal size;
every building goes to the partition of its parcel (its parcel's distance, the parcels'
divisions), so the building stage finds each building's parcel in its own partition. Roads
are sorted and cut the same way on their own. Each partition's raster work reads only the window
of the land rasters under its parcels (:func:`raster_window`, :func:`windowed_land`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dask
import dask_geopandas
import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
from numpy.typing import NDArray
from rasterio.windows import Window

from minettgeo.land.areas import LandInputs

#: parcels per partition by default: a partition's zonal step then takes about 2 s and holds
#: well under 1 GB (measured, docs/distributed.md)
PARCELS_PER_PARTITION = 20_000
#: road segments per partition by default
ROADS_PER_PARTITION = 50_000
#: Hilbert curve level (2^16 cells a side), as dask-geopandas and geopandas default
HILBERT_LEVEL = 16
#: the partitioning runs in the client process, where the vector layers already are (a sort and
#: a cut: shipping the layers to the workers for a shuffle was slower than the whole run)
PARTITION_SCHEDULER = "sync"
#: pixels added around a partition's bounds (a parcel edge on a pixel edge stays inside)
WINDOW_PAD_PX = 1


def partition_count(n_features: int, per_partition: int, workers: int) -> int:
    """Partitions for ``n_features``: ceil(n / per_partition), at least one per worker (when
    there are that many features) and at least 1."""
    wanted = max(math.ceil(n_features / max(per_partition, 1)), workers)
    return max(1, min(wanted, n_features))


@contextmanager
def _partition_config() -> Any:
    """Partition in this process (bounds, quantiles and shuffle of dask-geopandas), keeping the
    frames' dtypes (dask would turn object columns into pyarrow strings)."""
    with dask.config.set({"dataframe.convert-string": False, "scheduler": PARTITION_SCHEDULER}):
        yield


@dataclass(frozen=True)
class ParcelPartitions:
    """Parcels and their buildings in the same Hilbert partitions, one pair per partition."""

    parcels: list[gpd.GeoDataFrame]
    buildings: list[gpd.GeoDataFrame]

    def __len__(self) -> int:
        return len(self.parcels)


def hilbert_distance(frame: gpd.GeoDataFrame, bounds: Sequence[float]) -> NDArray[np.int64]:
    """Distance along the Hilbert curve (level 16) over ``bounds`` of each geometry's bounding-box
    centre: geopandas' ``hilbert_distance``, the curve dask-geopandas' ``spatial_shuffle`` sorts
    by (geopandas' vectorised numpy version: 1,000x faster than the dask array one here)."""
    values = frame.geometry.hilbert_distance(total_bounds=tuple(bounds), level=HILBERT_LEVEL)
    return values.to_numpy(dtype=np.int64)


def sorted_partitions(
    frame: gpd.GeoDataFrame, distance: NDArray[np.int64], npartitions: int
) -> dask_geopandas.GeoDataFrame:
    """``frame`` indexed by ``distance``, sorted, and cut by dask-geopandas into about
    ``npartitions`` partitions of equal size (features of equal distance stay together)."""
    indexed = frame.set_axis(pd.Index(distance, name="hilbert_distance")).sort_index(kind="stable")
    return dask_geopandas.from_geopandas(indexed, npartitions=npartitions, sort=True)


def _parts(frame: dask_geopandas.GeoDataFrame) -> list[gpd.GeoDataFrame]:
    """The partitions of ``frame`` as GeoDataFrames."""
    return list(dask.compute(*frame.to_delayed()))


def hilbert_partitions(frame: gpd.GeoDataFrame, npartitions: int) -> list[gpd.GeoDataFrame]:
    """``frame`` cut into ``npartitions`` along the Hilbert curve over its own bounds."""
    if len(frame) == 0:
        return [frame]
    with _partition_config():
        distance = hilbert_distance(frame, frame.total_bounds)
        return _parts(sorted_partitions(frame, distance, npartitions))


def parcel_partitions(
    parcels: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame, npartitions: int
) -> ParcelPartitions:
    """Parcels cut into Hilbert partitions, each building in the partition of its parcel (the
    buildings indexed by their parcel's distance and cut at the parcels' divisions).

    A building whose parcel id is unknown goes to the first partition (its parcel columns stay
    empty there, as in the single-process run)."""
    with _partition_config():
        distance = hilbert_distance(parcels, parcels.total_bounds)
        lazy = sorted_partitions(parcels, distance, npartitions)
        distance_of = pd.Series(distance, index=parcels["parcel_id"].to_numpy())
        of_building = buildings["parcel_id"].map(distance_of).fillna(lazy.divisions[0])
        # partition i holds distances in [divisions[i], divisions[i + 1]), the last one closed
        part = np.searchsorted(
            np.asarray(lazy.divisions[1:-1]), of_building.to_numpy(dtype=np.int64), side="right"
        )
        return ParcelPartitions(
            _parts(lazy), [buildings[part == i] for i in range(lazy.npartitions)]
        )


def raster_window(raster: Path, bounds: Sequence[float], pad: int = WINDOW_PAD_PX) -> Window:
    """The window of whole pixels of ``raster`` covering ``bounds`` (minx, miny, maxx, maxy, in
    the raster's CRS) plus ``pad`` pixels, clipped to the raster."""
    with rasterio.open(raster) as src:
        win = rasterio.windows.from_bounds(*bounds, transform=src.transform)
        col0 = max(0, math.floor(win.col_off) - pad)
        row0 = max(0, math.floor(win.row_off) - pad)
        col1 = min(src.width, math.ceil(win.col_off + win.width) + pad)
        row1 = min(src.height, math.ceil(win.row_off + win.height) + pad)
    return Window(col0, row0, max(col1 - col0, 1), max(row1 - row0, 1))


def write_window(raster: Path, window: Window, out: Path) -> Path:
    """The pixels of ``raster`` inside ``window`` as a GeoTIFF on the same grid (same pixel size
    and alignment; origin moved by whole pixels), with the same dtype, nodata and tags."""
    with rasterio.open(raster) as src:
        data = src.read(window=window)
        profile = {
            "driver": "GTiff",
            "width": int(window.width),
            "height": int(window.height),
            "count": src.count,
            "dtype": src.dtypes[0],
            "crs": src.crs,
            "transform": src.window_transform(window),
            "nodata": src.nodata,
        }
        tags = src.tags()
    with rasterio.open(out, "w", **profile) as dst:
        dst.write(data)
        dst.update_tags(**tags)
    return out


def windowed_land(land: LandInputs, bounds: Sequence[float], folder: Path) -> LandInputs:
    """``land`` with every raster cut to the window over ``bounds`` (files in ``folder``)."""
    window = raster_window(land.landcover, bounds)

    def cut(path: Path | None, name: str) -> Path | None:
        return None if path is None else write_window(path, window, folder / f"{name}.tif")

    landcover = cut(land.landcover, "landcover")
    assert landcover is not None
    return LandInputs(
        landcover=landcover,
        landcover_before=cut(land.landcover_before, "landcover_before"),
        forest_age=cut(land.forest_age, "forest_age"),
        year=land.year,
        year_before=land.year_before,
    )
