"""Helpers for the API tests: a toy run, and ``minettgeo serve`` on a free loopback port."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

import toy_region
from minettgeo.pipeline import RunOptions, run


def toy_results(base: Path) -> Path:
    """A results folder with one run of the toy region (3 communes, 3 parcels)."""
    layers = toy_region.build(base / "layers")
    run(layers, base / "results", RunOptions(draws=100, seed=3))
    return base / "results"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def serving(
    results: Path,
    *,
    layers: Path | None = None,
    env: dict[str, str] | None = None,
    options: tuple[str, ...] = (),
) -> Iterator[str]:
    """``minettgeo serve --results RESULTS`` in its own process on a free loopback port; yields
    its base URL once /health answers, stops it afterwards."""
    port = free_port()
    exe = Path(sys.executable).with_name("minettgeo")
    extra = [*(["--layers", str(layers)] if layers is not None else []), *options]
    proc = subprocess.Popen(
        [str(exe), "serve", "--results", str(results), "--port", str(port), "--quiet", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, **(env or {})},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            if proc.poll() is not None:
                out = proc.stdout.read().decode() if proc.stdout else ""
                raise RuntimeError(f"minettgeo serve exited ({proc.returncode}): {out}")
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("minettgeo serve did not answer within 300 s")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
