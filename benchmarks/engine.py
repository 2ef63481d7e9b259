"""The engine's speed on the full sample region (issue 9): a run whose zonal step comes from the
cache, and ``recompute`` of a change set of 500 buildings. Prints one JSON line.

    .venv/bin/python benchmarks/engine.py LAYERS_DIR [CACHE_DIR]
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from minettgeo.engine import ChangeSet, Inputs, RunOptions, compute, load_inputs, recompute

CHANGED = 500


def heat_pump_changes(inputs: Inputs, changed: int = CHANGED) -> ChangeSet:
    """``changed`` buildings drawn with seed 9, switched to heat pumps with a deep renovation."""
    buildings = inputs.region.buildings
    rng = np.random.default_rng(9)
    pick = buildings.iloc[np.sort(rng.choice(len(buildings), changed, replace=False))].copy()
    pick["heating_carrier"] = "heat_pump"
    pick["renovation_state"] = "deep"
    pick["renovation_year"] = 2026
    return ChangeSet(buildings_modified=pick)


def best_of(n: int, fn: object) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    layers = Path(sys.argv[1])
    cache = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(tempfile.mkdtemp()) / "cache"
    date = datetime.now(UTC)
    t = time.perf_counter()
    inputs = load_inputs(layers, RunOptions(cache_dir=cache))
    load_s = time.perf_counter() - t
    t = time.perf_counter()
    base = compute(inputs, date)  # fills the zonal cache (when empty)
    first_s = time.perf_counter() - t
    cached_s = best_of(2, lambda: compute(inputs, date))
    changes = heat_pump_changes(inputs)
    recompute_s = best_of(2, lambda: recompute(base, changes))
    print(
        json.dumps(
            {
                "load_inputs_s": round(load_s, 2),
                "first_compute_s": round(first_s, 2),
                "cached_compute_s": round(cached_s, 2),
                "recompute_500_s": round(recompute_s, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
