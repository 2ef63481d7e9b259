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

from _measure import Measurement, machine, measure

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


BENCHMARKS: dict[str, Callable[[Path], list[Measurement]]] = {
    "sample": bench_sample,
    "run": bench_run,
    "building_model": bench_building_model,
}


def main(names: list[str]) -> int:
    chosen = names or list(BENCHMARKS)
    unknown = [n for n in chosen if n not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s) {unknown}; choose from {list(BENCHMARKS)}")
        return 2
    print(f"minettgeo benchmarks on {machine()}")
    results: list[Measurement] = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in chosen:
            for m in BENCHMARKS[name](Path(tmp)):
                print(m.line(), flush=True)
                results.append(m)
    return 0 if all(m.ok for m in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
