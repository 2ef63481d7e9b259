"""Run a command in a child process and report wall time and peak resident memory."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Measurement:
    label: str
    seconds: float
    peak_mb: float
    target_seconds: float
    target_mb: float

    @property
    def ok(self) -> bool:
        return self.seconds <= self.target_seconds and self.peak_mb <= self.target_mb

    def line(self) -> str:
        verdict = "PASS" if self.ok else "FAIL"

        def target(value: float, unit: str) -> str:
            return f"(target {value:g} {unit})" if value != float("inf") else "(no target)"

        return (
            f"{self.label:<42} {self.seconds:8.1f} s {target(self.target_seconds, 's')}  "
            f"{self.peak_mb:8.0f} MB peak {target(self.target_mb, 'MB')}  {verdict}"
        )


def measure(label: str, argv: list[str], target_seconds: float, target_mb: float) -> Measurement:
    """Run ``argv`` in a fresh child (so its peak RSS is its own) and measure it."""
    script = (
        "import resource, subprocess, sys, time, json\n"
        "t = time.perf_counter()\n"
        "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
        "dt = time.perf_counter() - t\n"
        "kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print(json.dumps({'rc': r.returncode, 's': dt, 'kb': kb}))\n"
    )
    import json

    out = subprocess.run(
        [sys.executable, "-c", script, *argv], capture_output=True, text=True, check=True
    )
    data = json.loads(out.stdout.strip().splitlines()[-1])
    if data["rc"] != 0:
        raise SystemExit(f"{label}: command failed ({data['rc']}): {' '.join(argv)}")
    return Measurement(label, data["s"], data["kb"] / 1024, target_seconds, target_mb)


def machine() -> str:
    return f"{os.cpu_count()} cores, Python {sys.version.split()[0]}, {time.strftime('%Y-%m-%d')}"


__all__ = ["Measurement", "machine", "measure", "resource"]


@dataclass(frozen=True)
class Check:
    """A benchmark figure that is not a time: a ratio or an accuracy, with its target."""

    label: str
    value: float
    target: float
    unit: str
    at_least: bool = True

    @property
    def ok(self) -> bool:
        return self.value >= self.target if self.at_least else self.value <= self.target

    def line(self) -> str:
        sign = ">=" if self.at_least else "<="
        verdict = "PASS" if self.ok else "FAIL"
        return f"{self.label:<42} {self.value:8.2f} {self.unit} (target {sign} {self.target:g})  {verdict}"


@dataclass(frozen=True)
class Info:
    """A figure reported for information, without a target."""

    label: str
    value: float
    unit: str
    ok: bool = True

    def line(self) -> str:
        return f"{self.label:<42} {self.value:8.2f} {self.unit}"


def child_json(argv: list[str]) -> dict[str, float]:
    """Run a benchmark script in a child process and return the JSON it prints last."""
    import json

    out = subprocess.run([sys.executable, *argv], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]
