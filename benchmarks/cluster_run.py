"""A run on a local dask cluster, phase by phase (issue 15), printed as JSON on the last line.

    python benchmarks/cluster_run.py LAYERS OUT WORKERS [PARCELS_PER_PARTITION]

Loads and validates the layers (client), computes with the per-feature stages on a LocalCluster
of WORKERS processes (1 thread, 4 GiB each), writes the run; reports the wall time of each
phase, the peak resident memory of the client and of every worker, and the compute time of
every partition task (from the scheduler's task stream) with the parcels it held.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from dask.utils import key_split
from distributed import get_task_stream

from minettgeo.engine import RunOptions, load_inputs
from minettgeo.engine.cluster import ClusterOptions, cluster_client, worker_memory
from minettgeo.engine.distributed import compute_distributed
from minettgeo.engine.partitions import PARCELS_PER_PARTITION
from minettgeo.pipeline import CACHE_DIR, write_results


def task_costs(stream: list[dict[str, object]]) -> dict[str, list[float]]:
    """Compute seconds of every task, by task name (``parcel_partition``, ``road_partition``...)."""
    out: dict[str, list[float]] = {}
    for record in stream:
        spent = sum(
            float(s["stop"]) - float(s["start"])  # type: ignore[index]
            for s in record["startstops"]  # type: ignore[attr-defined]
            if s["action"] == "compute"  # type: ignore[index]
        )
        out.setdefault(key_split(record["key"]), []).append(spent)
    return out


def main(layers: Path, out: Path, workers: int, per_partition: int) -> dict[str, object]:
    wall = time.perf_counter()
    options = RunOptions(cache_dir=out / CACHE_DIR)
    with cluster_client(ClusterOptions(workers=workers)) as client:
        started = time.perf_counter()
        inputs = load_inputs(layers, options)
        loaded = time.perf_counter()
        print(f"loaded in {loaded - started:.1f} s", file=sys.stderr, flush=True)
        with get_task_stream(client=client) as stream:
            result = compute_distributed(
                client, inputs, datetime.now(UTC), parcels_per_partition=per_partition
            )
        computed = time.perf_counter()
        print(f"computed in {computed - loaded:.1f} s", file=sys.stderr, flush=True)
        write_results(result, out)
        written = time.perf_counter()
        memory = worker_memory(client)
        costs = task_costs(stream.data)
    parcels = len(inputs.region.parcels)
    parts = costs.get("parcel_partition", [])
    return {
        "workers": workers,
        "parcels": parcels,
        "buildings": len(inputs.region.buildings),
        "roads": len(inputs.region.roads),
        "cluster_start_s": started - wall,
        "load_s": loaded - started,
        "compute_s": computed - loaded,
        "write_s": written - computed,
        "run_s": written - started,
        "wall_s": written - wall,
        "client_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "worker_peak_mb": [m.peak_bytes / 2**20 for m in memory],
        "worker_limit_mb": [(m.limit_bytes or 0) / 2**20 for m in memory],
        "parcel_partitions": len(parts),
        "parcels_per_partition": parcels / max(len(parts), 1),
        "parcel_partition_s": sorted(parts),
        "road_partition_s": sorted(costs.get("road_partition", [])),
        "other_task_s": sum(sum(v) for k, v in costs.items() if not k.endswith("_partition")),
        "load_average": list(os.getloadavg()),
    }


if __name__ == "__main__":
    per = int(sys.argv[4]) if len(sys.argv) > 4 else PARCELS_PER_PARTITION
    print(json.dumps(main(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), per)))
