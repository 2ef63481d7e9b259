"""Exact zonal statistics of categorical rasters: the area of every code inside every polygon.

exactextract computes, for each polygon, the exact fraction of every pixel it covers; with ops
``unique`` / ``frac`` / ``count`` it returns the codes present, the share of the covered area
each takes, and the covered valid area in pixels (the sum of coverage fractions, nodata
excluded). So

    area(zone, code) = frac(zone, code) x count(zone) x pixel area        m2

Parcels smaller than a pixel get their exact share; nodata pixels are left out (their area shows
as ``zone area - valid area``). Polygons are processed in chunks sorted along a Hilbert curve, by
several processes in parallel, each reading the raster block by block
(``strategy="raster-sequential"``), so memory stays bounded for rasters of any size.

Several rasters on one grid are combined into one code per pixel (``combine``), so a single pass
gives the joint areas (e.g. land cover now x land cover before x forest age class).
"""

from __future__ import annotations

import multiprocessing
import os
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
import shapely
from exactextract import exact_extract
from numpy.typing import NDArray
from rasterio.windows import Window

from minettgeo.errors import LandCarbonError
from minettgeo.layers.cleaning import remove_spikes, suspicious_polygons
from minettgeo.layers.io import tiled_profile

DEFAULT_PROCESSES = max(1, min(2, os.cpu_count() or 1))
#: exactextract 0.3 can miss a whole interior cell of a polygon whose ring doubles back on
#: itself (a zero-area spike, common in cadastral data). Polygons with such vertices are
#: cleaned first (spikes and repeated vertices dropped, nothing else moved); any still
#: suspicious are snapped to this grid (m), which changes their area by about 1e-6 relative

SNAP_M = 0.001
MIN_ZONES_FOR_PARALLEL = 5_000


def _extract_chunk(
    raster: str, wkb: NDArray[np.object_], ids: NDArray[np.object_], crs: str
) -> pd.DataFrame:
    zones = gpd.GeoDataFrame({"_zid": ids}, geometry=shapely.from_wkb(wkb), crs=crs)
    out = exact_extract(
        raster,
        zones,
        ["unique", "frac", "count"],
        include_cols=["_zid"],
        output="pandas",
        strategy="raster-sequential",
    )
    n = np.fromiter((len(u) for u in out["unique"]), dtype=np.int64, count=len(out))
    if n.sum() == 0:
        return pd.DataFrame(
            {
                "zone": pd.Series([], dtype=object),
                "code": np.array([], dtype=np.int64),
                "area_px": np.array([], dtype=float),
            }
        )
    codes = np.concatenate([np.asarray(u) for u in out["unique"] if len(u)]).astype(np.int64)
    fracs = np.concatenate([np.asarray(f) for f in out["frac"] if len(f)]).astype(float)
    count = np.repeat(out["count"].to_numpy(dtype=float), n)
    zone = np.repeat(out["_zid"].to_numpy(dtype=object), n)
    return pd.DataFrame({"zone": zone, "code": codes, "area_px": fracs * count})


def pixel_area_m2(raster: Path) -> float:
    with rasterio.open(raster) as src:
        return float(abs(src.transform.a * src.transform.e - src.transform.b * src.transform.d))


def class_areas(
    raster: Path,
    zones: gpd.GeoDataFrame,
    zone_id: str,
    *,
    processes: int = DEFAULT_PROCESSES,
    chunks_per_process: int = 4,
) -> pd.DataFrame:
    """Exact area (m2) of every raster code inside every zone: columns ``zone``, ``code``, ``area_m2``.

    Zones with no valid pixel under them have no row."""
    if len(zones) == 0:
        return pd.DataFrame({"zone": [], "code": [], "area_m2": []})
    order = np.argsort(zones.geometry.hilbert_distance().to_numpy(), kind="stable")
    geoms = zones.geometry.to_numpy()[order]
    odd = suspicious_polygons(geoms)
    if odd.any():
        geoms = geoms.copy()
        geoms[odd] = remove_spikes(geoms[odd])
        still = np.flatnonzero(odd)[suspicious_polygons(geoms[odd])]
        snapped = shapely.set_precision(geoms[still], SNAP_M)
        # a sliver narrower than the grid snaps to an empty polygon, which exactextract cannot
        # read ("Failed to parse geometry"): keep such a sliver as it is (its area is ~0 anyway)
        gone = shapely.is_empty(snapped)
        snapped[gone] = geoms[still][gone]
        geoms[still] = snapped
    wkb = shapely.to_wkb(geoms)
    ids = zones[zone_id].to_numpy(dtype=object)[order]
    crs = zones.crs.to_string()
    n_chunks = max(1, processes * chunks_per_process) if len(zones) >= MIN_ZONES_FOR_PARALLEL else 1
    parts = np.array_split(np.arange(len(zones)), n_chunks)
    jobs = [(str(raster), wkb[p], ids[p], crs) for p in parts if len(p)]
    if processes > 1 and len(jobs) > 1:
        context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
        with ProcessPoolExecutor(max_workers=processes, mp_context=context) as pool:
            frames = list(pool.map(_extract_chunk, *zip(*jobs, strict=True)))
    else:
        frames = [_extract_chunk(*job) for job in jobs]
    result = pd.concat(frames, ignore_index=True)
    result["area_m2"] = result.pop("area_px") * pixel_area_m2(raster)
    return result


def same_grid(paths: Sequence[Path]) -> None:
    """LandCarbonError unless all rasters share CRS, transform and size."""
    profiles = []
    for p in paths:
        with rasterio.open(p) as src:
            profiles.append((src.crs, tuple(src.transform)[:6], src.width, src.height))
    first = profiles[0]
    for p, prof in zip(paths[1:], profiles[1:], strict=True):
        if prof != first:
            raise LandCarbonError(
                f"{p} is not on the grid of {paths[0]} (CRS, origin, pixel size and extent must match); "
                "resample it with gdalwarp -tr/-te onto the land-cover grid"
            )


def combine(
    paths: Sequence[Path],
    encode: Callable[[Sequence[NDArray[np.int64]]], NDArray[np.int64]],
    out: Path,
    *,
    window_rows: int = 512,
) -> Path:
    """Write one uint32 raster whose pixel is ``encode([band of each raster])``; 0 is nodata.

    Reads and writes strip by strip, so memory does not grow with the raster size."""
    same_grid(paths)
    sources = [rasterio.open(p) for p in paths]
    try:
        profile = tiled_profile(sources[0].profile, dtype="uint32", nodata=0)
        with rasterio.open(out, "w", **profile) as dst:
            for row in range(0, sources[0].height, window_rows):
                win = Window(0, row, sources[0].width, min(window_rows, sources[0].height - row))
                bands = [src.read(1, window=win).astype(np.int64) for src in sources]
                dst.write(encode(bands).astype(np.uint32), 1, window=win)
    finally:
        for src in sources:
            src.close()
    return out


def scratch_dir() -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix="minettgeo-zonal-")
