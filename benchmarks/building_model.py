"""Time the building model alone (no I/O) on the sample region's buildings; prints JSON."""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

from minettgeo.factors.tables import load_factor_set
from minettgeo.layers.io import read_vector
from minettgeo.models.buildings import building_emissions


def main(layers: Path) -> None:
    buildings = read_vector(layers / "region.gpkg", "buildings")
    factors = load_factor_set()
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        building_emissions(buildings, factors)
        best = min(best, time.perf_counter() - t0)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": best, "buildings": len(buildings), "peak_mb": peak_mb}))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
