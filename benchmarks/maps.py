"""Time the map pages and raster tiles of a result set, cold (no page, basemap or tile cached);
prints JSON: the slowest page build in seconds, each page's time, tile times and peak memory.

    .venv/bin/python benchmarks/maps.py RESULTS_DIR
"""

from __future__ import annotations

import json
import math
import resource
import sys
import time
from pathlib import Path

from minettgeo.maps import tiles
from minettgeo.maps.pages import MAPS, MapPages
from minettgeo.maps.run_rasters import raster_file
from minettgeo.maps.source import open_source


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    y = (1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n
    return int((lon + 180.0) / 360.0 * n), int(y)


def main(results: Path) -> None:
    source = open_source(results)
    pages: dict[str, float] = {}
    warm = MapPages(lambda: source)
    warm.page("emissions", "fr")  # the run's basemap read once, as a running server has it
    warm_times: dict[str, float] = {}
    for name in MAPS:
        warm._cache.clear()
        t0 = time.perf_counter()
        warm.page(name, "en")
        warm_times[name] = time.perf_counter() - t0
    for name in MAPS:
        for lang in ("fr", "en"):
            tiles._style.cache_clear()
            fresh = MapPages(lambda: source)  # nothing cached: communes, roads, rasters read
            t0 = time.perf_counter()
            html = fresh.page(name, lang)
            pages[f"{name}/{lang}"] = time.perf_counter() - t0
            pages[f"{name}/{lang} bytes"] = len(html)
    # 3 x 3 tiles around the region's centre at zooms 12 and 14, every raster, cold
    times: list[float] = []
    for raster in ("heat_density", "carbon_stock", "sink_potential"):
        path = raster_file(source, raster)
        style = tiles.raster_style(raster, path)
        (s, w), (n, e) = style.bounds
        for z in (12, 14):
            cx, cy = tile_of((w + e) / 2, (s + n) / 2, z)
            for dx in (-1, 0, 1):
                for dy in (-1, 0, 1):
                    tiles._render.cache_clear()
                    t0 = time.perf_counter()
                    tiles.render_tile(raster, path, z, cx + dx, cy + dy)
                    times.append(time.perf_counter() - t0)
    times.sort()
    build = {k: v for k, v in pages.items() if not k.endswith("bytes")}
    print(
        json.dumps(
            {
                "seconds": max(build.values()),
                "slowest": max(build, key=build.__getitem__),
                "warm_seconds": max(warm_times.values()),
                "warm": warm_times,
                "pages": pages,
                "tile_p50": times[len(times) // 2],
                "tile_p95": times[min(len(times) - 1, int(0.95 * len(times)))],
                "tiles": len(times),
                "largest_page_bytes": max(v for k, v in pages.items() if k.endswith("bytes")),
                "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]))
