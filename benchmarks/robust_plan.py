"""Time the robust-plan exploration of 10 candidate plans x 1,000 futures (plan effects by the
engine's models, Latin-hypercube futures, evaluation, regret and a PRIM box per plan), region
and inventory loaded; prints JSON."""

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
from minettgeo.scenarios.robust import explore
from minettgeo.scenarios.scenario import parse_scenario
from minettgeo.scenarios.trajectory_io import baseline_for, load_inventory

COMMUNES = ("0204", "0202", "0203", "0209", "0213")


def plan_text(i: int) -> str:
    """Ten plans: renovation rate, heat-pump share, modal shift and EV share vary."""
    rate = 0.01 + 0.005 * i
    share = 0.1 * (i % 5 + 1)
    lines = [f"title: plan {i}", "measures:"]
    for c in COMMUNES[: 2 + i % 4]:
        lines.append(
            f"  - {{type: deep_renovation, target: {{commune: '{c}'}}, rate_per_year: {rate}, "
            "start: 2026}"
        )
    lines.append(
        f"  - {{type: heating_switch, target: {{commune: '{COMMUNES[i % 5]}'}}, to: heat_pump, "
        f"share: {share}, start: 2026, end: 2035}}"
    )
    lines.append(
        f"  - {{type: electric_vehicles, target: {{region: true}}, share: {0.05 * (i + 1):.2f}, "
        "start: 2026, end: 2030}"
    )
    return "\n".join(lines) + "\n"


def main(layers: Path, results: Path) -> None:
    region = load_region(layers)
    inventory = load_inventory(results)
    factors = load_factor_set("AR5")
    plans = [parse_scenario(plan_text(i), f"plan {i}") for i in range(10)]
    t0 = time.perf_counter()
    b05 = baseline_for(plans[0], region, factors, inventory, draws=1000, seed=2028)
    ctx = fx.make_context(
        factors,
        region.buildings,
        region.parcels,
        region.roads,
        load_carbon_tables(),
        draws=0,
        seed=2028,
        districts=region.districts,
    )
    out = explore(plans, ctx, inventory.rows, b05, futures=1000, seed=2028)
    seconds = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    best = out["summary"].iloc[0]
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_mb": peak_mb,
                "experiments": len(out["results"]),
                "best_plan": str(best["plan_name"]),
            }
        )
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
