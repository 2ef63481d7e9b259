"""Reproducible timing and memory measurements at full region scale.

    python3 tasks.py bench            (or: .venv/bin/python benchmarks/run.py [name ...])

Each benchmark runs the real command in a child process on the full sample region and prints
wall time and peak memory against its target. Exit status 1 when a target is missed.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from _measure import Check, Info, Measurement, child_json, machine, measure

ROOT = Path(__file__).resolve().parents[1]
MINETTGEO = [sys.executable, "-m", "minettgeo"]


def bench_sample(work: Path) -> list[Measurement]:
    """Build the full sample region (issue 2: <= 2 min, <= 3 GB on 2 cores)."""
    return [
        measure(
            "sample: build full region (11 communes)",
            [
                *MINETTGEO,
                "sample",
                "--quiet",
                "--layers",
                str(ROOT / "layers"),
                "--out",
                str(work / "layers"),
            ],
            target_seconds=120,
            target_mb=3072,
        )
    ]


def _layers(work: Path) -> Path:
    layers = work / "layers"
    if not (layers / "region.gpkg").exists():
        subprocess.run(
            [
                *MINETTGEO,
                "sample",
                "--quiet",
                "--layers",
                str(ROOT / "layers"),
                "--out",
                str(layers),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return layers


def bench_run(work: Path) -> list[Measurement]:
    """Full-region emissions run with 1,000 Monte Carlo draws (issue 3: <= 30 s, <= 3 GB)."""
    layers = _layers(work)
    return [
        measure(
            "run: emissions, GPC, 1,000 draws, full region",
            [*MINETTGEO, "run", "--quiet", "--layers", str(layers), "--out", str(work / "results")],
            target_seconds=30,
            target_mb=3072,
        )
    ]


def bench_building_model(work: Path) -> list[Measurement]:
    """The building model alone, best of 5 (issue 3: <= 2 s for 50k buildings)."""
    layers = _layers(work)
    out = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("building_model.py")), str(layers)],
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(out.stdout.strip().splitlines()[-1])
    label = f"building model alone ({data['buildings']:,} buildings)"
    return [Measurement(label, data["seconds"], data["peak_mb"], target_seconds=2, target_mb=3072)]


ZONAL = str(Path(__file__).with_name("zonal.py"))


def bench_zonal(work: Path) -> list[Measurement | Check | Info]:
    """Exact zonal statistics of every parcel at 10 m (issue 4: <= 20 s on 2 cores), and the
    same parcels with rasterstats (pixel centres): speed ratio >= 4 while exact."""
    layers = _layers(work)
    raster = layers / "landcover.tif"
    ex = child_json([ZONAL, "exact", str(layers), str(raster)])
    rs = child_json([ZONAL, "rasterstats", str(layers), str(raster)])
    return [
        Measurement(
            f"zonal 10 m, exact ({int(ex['parcels']):,} parcels)",
            ex["seconds"],
            ex["peak_mb"],
            20,
            3072,
        ),
        Info("zonal 10 m, rasterstats categorical (in memory)", rs["seconds"], "s"),
        Check("speed ratio exact / rasterstats", rs["seconds"] / ex["seconds"], 4.0, "x"),
        Info("rasterstats: parcel area misallocated", rs["misallocated_pp_mean"], "pp (exact: 0)"),
        Info(
            "rasterstats: parcels < 500 m2 misallocated",
            rs["misallocated_pp_small"],
            "pp (exact: 0)",
        ),
        Info(
            "rasterstats: parcels that get no pixel",
            rs["parcels_without_pixel"],
            "parcels (exact: 0)",
        ),
    ]


def bench_zonal_1m(work: Path) -> list[Measurement | Check | Info]:
    """A 1 m land-cover raster over the whole region (about 468 million pixels): written strip by
    strip, then exact zonal statistics of every parcel (issue 4: <= 3 GB peak memory)."""
    layers = _layers(work)
    fine = work / "landcover_1m.tif"
    up = child_json([ZONAL, "upsample", str(layers / "landcover.tif"), str(fine), "10"])
    ex = child_json([ZONAL, "exact", str(layers), str(fine)])
    child_json([ZONAL, "exact", str(layers), str(layers / "landcover.tif")])
    import pandas as pd

    coarse = pd.read_parquet(layers / "landcover.exact.parquet").set_index(["zone", "code"])[
        "area_m2"
    ]
    detail = pd.read_parquet(work / "landcover_1m.exact.parquet").set_index(["zone", "code"])[
        "area_m2"
    ]
    both = pd.concat([coarse, detail], axis=1, keys=["c", "f"]).fillna(0.0)
    worst = float((both["c"] - both["f"]).abs().max())
    return [
        Check("1 m vs 10 m exact class areas, worst gap", worst, 0.001, "m2", at_least=False),
        Measurement(
            f"1 m raster written ({up['pixels'] / 1e6:,.0f} Mpx)",
            up["seconds"],
            up["peak_mb"],
            float("inf"),
            3072,
        ),
        Measurement(
            f"zonal 1 m, exact ({int(ex['parcels']):,} parcels)",
            ex["seconds"],
            ex["peak_mb"],
            float("inf"),
            3072,
        ),
    ]


def bench_run_1m(work: Path) -> list[Measurement | Check | Info]:
    """The whole `minettgeo run` (emissions and land carbon) with a 1 m land-cover raster
    (issue 4: <= 3 GB peak memory)."""
    import shutil

    layers = _layers(work)
    fine = work / "layers_1m"
    fine.mkdir(exist_ok=True)
    shutil.copy(layers / "region.gpkg", fine / "region.gpkg")
    child_json(
        [ZONAL, "upsample", str(layers / "landcover.tif"), str(fine / "landcover.tif"), "10"]
    )
    return [
        measure(
            "run with 1 m land cover, full region",
            [
                *MINETTGEO,
                "run",
                "--quiet",
                "--layers",
                str(fine),
                "--out",
                str(work / "results_1m"),
            ],
            target_seconds=float("inf"),
            target_mb=3072,
        )
    ]


def bench_policy_check(work: Path) -> list[Measurement | Check | Info]:
    """The policy check of a decision touching 500 buildings, 1,000 draws, region loaded
    (issue 12: <= 2 s, <= 3 GB on 2 cores)."""
    layers = _layers(work)
    data = child_json([str(Path(__file__).with_name("policy_check.py")), str(layers)])
    return [
        Measurement(
            "policy check, 500 buildings, 1,000 draws",
            data["seconds"],
            data["peak_mb"],
            target_seconds=2,
            target_mb=3072,
        )
    ]


def bench_engine(work: Path) -> list[Measurement | Check | Info]:
    """The engine (issue 9): a run whose zonal step comes from the cache (<= 8 s) and recompute
    of a change set of 500 buildings (<= 1 s), both on 2 cores, layers loaded."""
    layers = _layers(work)
    data = child_json(
        [str(Path(__file__).with_name("engine.py")), str(layers), str(work / "engine-cache")]
    )
    inf = float("inf")
    return [
        Info("engine: load and validate the layers", data["load_inputs_s"], "s"),
        Info("engine: compute, zonal step computed", data["first_compute_s"], "s"),
        Measurement(
            "engine: compute, zonal step from the cache", data["cached_compute_s"], 0, 8, inf
        ),
        Measurement("engine: recompute 500 modified buildings", data["recompute_500_s"], 0, 1, inf),
    ]


def bench_api(work: Path) -> list[Measurement | Check | Info]:
    """The API under load: 20 concurrent clients on loopback, server and load generator in
    separate processes (issue 11: districts GeoJSON p95 <= 200 ms, a page of 1,000 parcels
    p95 <= 500 ms, no error; the server's memory reported)."""
    results = work / "results"
    if not (results / "current").exists():
        layers = _layers(work)
        subprocess.run(
            [*MINETTGEO, "run", "--quiet", "--layers", str(layers), "--out", str(results)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    data = child_json([str(Path(__file__).with_name("api_load.py")), str(results)])
    d, p = data["districts"], data["parcels_page"]
    r, b = data["parcels_random_pages"], data["parcels_random_boxes"]
    one_d, one_p = data["districts_1_client"], data["parcels_page_1_client"]
    errors = sum(data[k]["errors"] for k in ("districts", "parcels_page")) + data["warm_up_errors"]
    errors += r["errors"] + b["errors"] + data["districts_inflated"]["errors"]
    return [
        Check("api: districts GeoJSON p95 (20 clients)", d["p95_ms"], 200, "ms", at_least=False),
        Check("api: 1,000 parcels page p95 (20 clients)", p["p95_ms"], 500, "ms", at_least=False),
        Check("api: errors", errors, 0, "", at_least=False),
        Info("api: districts GeoJSON p50 (20 clients)", d["p50_ms"], "ms"),
        Info("api: 1,000 parcels page p50 (20 clients)", p["p50_ms"], "ms"),
        Info("api: districts GeoJSON p50 (1 client)", one_d["p50_ms"], "ms"),
        Info("api: 1,000 parcels page p50 (1 client)", one_p["p50_ms"], "ms"),
        Info("api: random 1,000-parcel pages p95", r["p95_ms"], "ms (20 clients)"),
        Info("api: parcels in random 1 km boxes p95", b["p95_ms"], "ms (20 clients)"),
        Info(
            "api: districts p95, clients inflating",
            data["districts_inflated"]["p95_ms"],
            "ms (20 clients)",
        ),
        Info("api: server start-up and warm-up", data["warm_up_s"], "s"),
        Info("api: server resident memory at the end", data["server_VmRSS_mb"], "MB"),
        Info("api: server peak resident memory", data["server_VmHWM_mb"], "MB"),
    ]


def bench_maps(work: Path) -> list[Measurement | Check | Info]:
    """Every map page built cold from a full-region run, in French and English (issue 11:
    <= 3 s a page on 2 cores), and the time to render one raster tile."""
    results = work / "results"
    if not (results / "current" / "minettgeo.gpkg").exists():
        subprocess.run(
            [*MINETTGEO, "run", "--quiet", "--layers", str(_layers(work)), "--out", str(results)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    data = child_json([str(Path(__file__).with_name("maps.py")), str(results)])
    return [
        Measurement(
            f"map page, slowest cold build ({data['slowest']})",
            data["seconds"],
            data["peak_mb"],
            target_seconds=3,
            target_mb=3072,
        ),
        Info("map page, slowest with the run's basemap read", data["warm_seconds"], "s"),
        Info("map page, largest", data["largest_page_bytes"] / 1e6, "MB"),
        Info(f"raster tile cold, p50 of {int(data['tiles'])}", data["tile_p50"] * 1000, "ms"),
        Info(f"raster tile cold, p95 of {int(data['tiles'])}", data["tile_p95"] * 1000, "ms"),
    ]


def _results(work: Path) -> Path:
    """A full run on the sample region (its inventory), made once."""
    layers = _layers(work)
    results = work / "results"
    if not (results / "current").exists():
        subprocess.run(
            [*MINETTGEO, "run", "--quiet", "--layers", str(layers), "--out", str(results)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return results


def bench_trajectory(work: Path) -> list[Measurement | Check | Info]:
    """The trajectory 2005-2050 of the example plan, 1,000 draws, all communes, region and
    inventory loaded (issue 12: <= 15 s, <= 3 GB on 2 cores)."""
    results = _results(work)
    script = str(Path(__file__).with_name("trajectory.py"))
    data = child_json([script, str(_layers(work)), str(results)])
    return [
        Measurement(
            "trajectory 2005-2050, 1,000 draws, all communes",
            data["seconds"],
            data["peak_mb"],
            target_seconds=15,
            target_mb=3072,
        ),
        Info("trajectory: 2005 back-cast by the models", data["backcast_seconds"], "s"),
    ]


def bench_report(work: Path) -> list[Measurement | Check | Info]:
    """The progress report of the example plan with the example observed values and budget, in
    French and English with both PDFs (issue 13: <= 60 s, <= 2 GB on 2 cores)."""
    results = _results(work)
    traj = work / "trajectories" / "plan_minett_2030"
    if not (traj / "trajectory.csv").exists():
        subprocess.run(
            [
                *MINETTGEO, "trajectory", str(ROOT / "examples" / "scenarios" / "plan_minett_2030.yaml"),
                "--layers", str(_layers(work)), "--results", str(results), "--out", str(traj),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
    return [
        measure(
            "report: FR + EN, HTML, PDF, CSV, full region",
            [
                *MINETTGEO,
                "report",
                "--results",
                str(results),
                "--trajectory",
                str(traj),
                "--observed",
                str(ROOT / "examples" / "observed_values.csv"),
                "--budget",
                str(ROOT / "examples" / "budget.csv"),
                "--out",
                str(work / "report"),
            ],
            target_seconds=60,
            target_mb=2048,
        )
    ]


def bench_robust_plan(work: Path) -> list[Measurement | Check | Info]:
    """The robust-plan exploration, 10 plans x 1,000 futures (issue 12: <= 3 min, <= 3 GB)."""
    results = _results(work)
    script = str(Path(__file__).with_name("robust_plan.py"))
    data = child_json([script, str(_layers(work)), str(results)])
    return [
        Measurement(
            "robust plan, 10 plans x 1,000 futures",
            data["seconds"],
            data["peak_mb"],
            target_seconds=180,
            target_mb=3072,
        )
    ]


def bench_ranking(work: Path) -> list[Measurement | Check | Info]:
    """Ranking robustness, 10,000 draws x 500 candidates x 10 criteria (issue 10: <= 5 s,
    <= 2 GB on 2 cores), and generated candidates for the whole sample region (<= 60 s)."""
    script = str(Path(__file__).with_name("ranking.py"))
    rob = child_json([script, "robustness"])
    gen = child_json([script, "generate", str(_layers(work))])
    inf = float("inf")
    return [
        Measurement(
            "ranking robustness (TOPSIS), 10k x 500 x 10", rob["topsis_s"], rob["peak_mb"], 5, 2048
        ),
        Info("ranking robustness, weighted sum", rob["ws_s"], "s"),
        Info("ranking robustness, PROMETHEE II", rob["promethee_s"], "s"),
        Measurement(
            f"generated candidates, max-p ({int(gen['parcels']):,} parcels)",
            gen["seconds"],
            gen["peak_mb"],
            60,
            inf,
        ),
        Info("generated candidates", gen["candidates"], "candidates"),
        Info("residents covered by generated candidates", 100 * gen["covered_share"], "%"),
    ]


DISTRIBUTED = str(Path(__file__).with_name("cluster_run.py"))


def bench_distributed(work: Path) -> list[Measurement | Check | Info]:
    """The Minett on a local dask cluster of 1 and of 2 workers (issue 15): the speed-up of the
    compute (per-feature stages on the workers, global stages on the client) and of the run."""
    layers = _layers(work)
    one = child_json([DISTRIBUTED, str(layers), str(work / "dist-1"), "1"])
    two = child_json([DISTRIBUTED, str(layers), str(work / "dist-2"), "2"])
    worst = max(max(one["worker_peak_mb"]), max(two["worker_peak_mb"]))  # type: ignore[call-overload]
    return [
        Info("distributed: Minett compute, 1 worker", one["compute_s"], "s"),
        Info("distributed: Minett compute, 2 workers", two["compute_s"], "s"),
        Info("distributed: speed-up of the compute", one["compute_s"] / two["compute_s"], "x"),
        Info("distributed: speed-up of the run", one["run_s"] / two["run_s"], "x"),
        Measurement("distributed: Minett run, 2 workers", two["run_s"], worst, float("inf"), 4096),
        Info("distributed: load average at the end", two["load_average"][0], ""),  # type: ignore[index]
    ]


def bench_national(work: Path) -> list[Measurement | Check | Info]:
    """The whole country (`minettgeo sample --communes all`, about 1M parcels) on 2 local
    workers (issue 15: <= 15 min and <= 4 GB per worker on 2 cores)."""
    layers = work / "national"
    build = measure(
        "national: build the region (100 communes)",
        [*MINETTGEO, "sample", "--quiet", "--communes", "all", "--out", str(layers)],
        target_seconds=float("inf"),
        target_mb=float("inf"),
    )
    data = child_json([DISTRIBUTED, str(layers), str(work / "national-results"), "2"])
    peaks: list[float] = data["worker_peak_mb"]  # type: ignore[assignment]
    parts: list[float] = data["parcel_partition_s"]  # type: ignore[assignment]
    return [
        build,
        Measurement("national: run on 2 workers", data["run_s"], max(peaks), 900, 4096),
        Info("national: parcels", data["parcels"], ""),
        Info("national: client peak memory", data["client_peak_mb"], "MB"),
        Info("national: parcel partitions", data["parcel_partitions"], ""),
        Info("national: median partition task", sorted(parts)[len(parts) // 2], "s"),
        Info("national: load average at the end", data["load_average"][0], ""),  # type: ignore[index]
    ]


BENCHMARKS: dict[str, Callable[[Path], list[Measurement | Check | Info]]] = {
    "sample": bench_sample,
    "run": bench_run,
    "building_model": bench_building_model,
    "zonal": bench_zonal,
    "zonal_1m": bench_zonal_1m,
    "run_1m": bench_run_1m,
    "policy_check": bench_policy_check,
    "engine": bench_engine,
    "api": bench_api,
    "maps": bench_maps,
    "trajectory": bench_trajectory,
    "report": bench_report,
    "robust_plan": bench_robust_plan,
    "ranking": bench_ranking,
    "distributed": bench_distributed,
    "national": bench_national,
}


def main(names: list[str]) -> int:
    chosen = names or list(BENCHMARKS)
    unknown = [n for n in chosen if n not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s) {unknown}; choose from {list(BENCHMARKS)}")
        return 2
    print(f"minettgeo benchmarks on {machine()}")
    results: list[Measurement | Check | Info] = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in chosen:
            for m in BENCHMARKS[name](Path(tmp)):
                print(m.line(), flush=True)
                results.append(m)
    return 0 if all(m.ok for m in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
