"""Time the trajectory 2005-2050 of the example plan (examples/scenarios/plan_minett_2030.yaml)
with 1,000 draws for all communes and the region, region and inventory loaded; prints JSON with
the trajectory alone and with the 2005 back-cast and its 1,000 draws."""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

from minettgeo.factors.tables import load_factor_set
from minettgeo.land.tables import load_carbon_tables
from minettgeo.layers.region import load_region
from minettgeo.scenarios import effects as fx
from minettgeo.scenarios.scenario import load_scenario
from minettgeo.scenarios.trajectory import compute_trajectory
from minettgeo.scenarios.trajectory_io import baseline_for, load_inventory

ROOT = Path(__file__).resolve().parents[1]


def main(layers: Path, results: Path) -> None:
    region = load_region(layers)
    inventory = load_inventory(results)
    factors = load_factor_set("AR5")
    scenario = load_scenario(ROOT / "examples" / "scenarios" / "plan_minett_2030.yaml")
    t0 = time.perf_counter()
    b05 = baseline_for(scenario, region, factors, inventory, draws=1000, seed=2028)
    t1 = time.perf_counter()
    ctx = fx.make_context(
        factors,
        region.buildings,
        region.parcels,
        region.roads,
        load_carbon_tables(),
        draws=1000,
        seed=2028,
        districts=region.districts,
    )
    t = compute_trajectory(scenario, ctx, inventory.rows, b05, inventory.names, seed=2028)
    t2 = time.perf_counter()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "seconds": t2 - t1,
                "backcast_seconds": t1 - t0,
                "peak_mb": peak_mb,
                "levels": len(t.levels),
                "buildings": len(region.buildings),
            }
        )
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
