"""Time the policy check of a decision touching 500 buildings (deep renovation of 500 named
buildings and a heat-pump switch of the same) with 1,000 draws, region loaded; prints JSON."""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

import numpy as np

from minettgeo.layers.region import load_region
from minettgeo.scenarios.check import check_policy
from minettgeo.scenarios.policy import parse_policy
from minettgeo.scenarios.service import CheckOptions, context_for


def main(layers: Path) -> None:
    region = load_region(layers)
    b = region.buildings
    fossil = b[b["heating_carrier"].isin(["natural_gas", "heating_oil"])]
    ids = fossil["building_id"].to_numpy()[np.linspace(0, len(fossil) - 1, 500).astype(int)]
    listed = ", ".join(f'"{i}"' for i in ids)
    text = (
        "title: 500 buildings\nyear: 2026\nmeasures:\n"
        f"  - type: deep_renovation\n    target: {{buildings: [{listed}]}}\n    rate_per_year: 0.2\n"
        f"  - type: heating_switch\n    target: {{buildings: [{listed}]}}\n    to: heat_pump\n"
        "    start: 2026\n    end: 2030\n"
    )
    policy = parse_policy(text, "benchmark")
    ctx = context_for(region, CheckOptions(draws=1000, seed=2028))
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        result = check_policy(policy, ctx)
        best = min(best, time.perf_counter() - t0)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": best, "peak_mb": peak_mb, "verdict": result.verdict}))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
