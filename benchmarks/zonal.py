"""Zonal-statistics benchmarks, run in a child process by benchmarks/run.py; print one JSON line.

zonal.py exact LAYERS RASTER      exact class areas per parcel (minettgeo.land.zonal)
zonal.py rasterstats LAYERS RASTER  rasterstats categorical on the same parcels, and how far
                                  its pixel-centre areas are from the exact ones
zonal.py upsample RASTER OUT FACTOR  write RASTER at FACTOR x finer resolution, strip by strip
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import rasterio
from rasterio.windows import Window

from minettgeo.land.zonal import class_areas
from minettgeo.layers.io import read_vector


def peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def exact(layers: Path, raster: Path) -> dict[str, float]:
    parcels = read_vector(layers / "region.gpkg", "parcels")[["parcel_id", "geometry"]]
    t0 = time.perf_counter()
    areas = class_areas(raster, parcels, "parcel_id")
    seconds = time.perf_counter() - t0
    areas.to_parquet(Path(raster).with_suffix(".exact.parquet"))
    return {"seconds": seconds, "parcels": len(parcels), "rows": len(areas), "peak_mb": peak_mb()}


def with_rasterstats(layers: Path, raster: Path) -> dict[str, float]:
    from rasterstats import zonal_stats

    parcels = read_vector(layers / "region.gpkg", "parcels")[["parcel_id", "geometry"]]
    # rasterstats' fastest mode: the raster in memory, windows as array slices
    with rasterio.open(raster) as src:
        array, transform = src.read(1), src.transform
        pixel = abs(src.transform.a * src.transform.e)
    t0 = time.perf_counter()
    stats = zonal_stats(list(parcels.geometry), array, affine=transform, categorical=True, nodata=0)
    seconds = time.perf_counter() - t0
    rows = [
        (pid, int(code), n * pixel)
        for pid, s in zip(parcels["parcel_id"], stats, strict=True)
        for code, n in s.items()
    ]
    centre = pd.DataFrame(rows, columns=["zone", "code", "area_m2"])
    exact_path = Path(raster).with_suffix(".exact.parquet")
    result = {"seconds": seconds, "parcels": len(parcels), "peak_mb": peak_mb()}
    if exact_path.exists():
        ex = pd.read_parquet(exact_path)
        both = ex.merge(
            centre, on=["zone", "code"], how="outer", suffixes=("_exact", "_centre")
        ).fillna(0.0)
        both["diff"] = (both["area_m2_exact"] - both["area_m2_centre"]).abs()
        area = parcels.set_index("parcel_id").geometry.area
        misallocated = both.groupby("zone")["diff"].sum() / 2 / area.reindex(both["zone"].unique())
        result["misallocated_pp_mean"] = float(100 * misallocated.mean())
        small = area[area < 500].index
        result["misallocated_pp_small"] = float(100 * misallocated.reindex(small).dropna().mean())
        no_pixel = set(parcels["parcel_id"]) - set(centre.loc[centre["area_m2"] > 0, "zone"])
        result["parcels_without_pixel"] = len(no_pixel)
    return result


def upsample(raster: Path, out: Path, factor: int) -> dict[str, float]:
    t0 = time.perf_counter()
    with rasterio.open(raster) as src:
        profile = src.profile.copy()
        t = src.transform
        profile.update(
            width=src.width * factor,
            height=src.height * factor,
            transform=rasterio.Affine(t.a / factor, t.b, t.c, t.d, t.e / factor, t.f),
            tiled=True,
            blockxsize=512,
            blockysize=512,
            compress="deflate",
            BIGTIFF="YES",
            driver="GTiff",
        )
        rows_per_strip = 64
        with rasterio.open(out, "w", **profile) as dst:
            for row in range(0, src.height, rows_per_strip):
                n = min(rows_per_strip, src.height - row)
                block = src.read(1, window=Window(0, row, src.width, n))
                fine = np.repeat(np.repeat(block, factor, axis=0), factor, axis=1)
                dst.write(fine, 1, window=Window(0, row * factor, fine.shape[1], fine.shape[0]))
    return {
        "seconds": time.perf_counter() - t0,
        "pixels": profile["width"] * profile["height"],
        "peak_mb": peak_mb(),
    }


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "exact":
        out = exact(Path(sys.argv[2]), Path(sys.argv[3]))
    elif command == "rasterstats":
        out = with_rasterstats(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        out = upsample(Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]))
    print(json.dumps(out))
