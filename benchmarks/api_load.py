"""Load test of the API: ``minettgeo serve`` in one process, this load generator in another.

    python benchmarks/api_load.py RESULTS_DIR [--clients 20] [--requests 200]

20 concurrent clients (httpx, asyncio) on loopback ask, in turn:
- the districts GeoJSON (``/api/districts``), target p95 <= 200 ms;
- one page of 1,000 parcels (``/ogc/collections/parcels/items?limit=1000``), target p95 <= 500 ms;
- (reported only) pages of 1,000 parcels at random offsets, mostly not in the server's cache.
Prints one JSON line: latencies (p50, p95, max) per scenario, errors, the server's resident
memory now and at its peak (VmRSS, VmHWM from /proc).
"""

from __future__ import annotations

import asyncio
import json
import random
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import numpy as np

PARCELS = 118_956


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_mb(pid: int) -> dict[str, float]:
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in {"VmRSS", "VmHWM"}:
            out[key] = float(value.split()[0]) / 1024
    return out


async def scenario(base: str, paths: list[str], clients: int) -> dict[str, float]:
    """Run every path of ``paths`` with ``clients`` concurrent connections; latency stats."""
    queue: asyncio.Queue[str] = asyncio.Queue()
    for path in paths:
        queue.put_nowait(path)
    latencies: list[float] = []
    errors = 0

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal errors
        while True:
            try:
                path = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            start = time.perf_counter()
            try:
                response = await client.get(base + path)
                await response.aread()
                if response.status_code != 200:
                    errors += 1
            except httpx.HTTPError:
                errors += 1
            latencies.append(time.perf_counter() - start)

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(timeout=120, limits=limits) as client:
        started = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(clients)))
        wall = time.perf_counter() - started
    ms = np.asarray(latencies) * 1000
    return {
        "requests": len(latencies),
        "errors": errors,
        "p50_ms": float(np.percentile(ms, 50)),
        "p95_ms": float(np.percentile(ms, 95)),
        "max_ms": float(ms.max()),
        "requests_per_s": len(latencies) / wall,
    }


def main(argv: list[str]) -> int:
    results = Path(argv[0])
    clients = int(argv[argv.index("--clients") + 1]) if "--clients" in argv else 20
    requests = int(argv[argv.index("--requests") + 1]) if "--requests" in argv else 200
    port = free_port()
    exe = Path(sys.executable).with_name("minettgeo")
    server = subprocess.Popen(
        [str(exe), "serve", "--results", str(results), "--port", str(port), "--quiet"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("the server did not start")
            time.sleep(0.2)
        idle = rss_mb(server.pid)
        # one warm-up request each (the first read opens the GeoPackage and fills the cache)
        httpx.get(f"{base}/api/districts", timeout=120)
        page = "/ogc/collections/parcels/items?limit=1000&offset=50000"
        httpx.get(base + page, timeout=120)
        rng = random.Random(7)
        random_pages = [
            f"/ogc/collections/parcels/items?limit=1000&offset={1000 * rng.randrange(PARCELS // 1000)}"
            for _ in range(requests // 2)
        ]
        out = {
            "clients": clients,
            "districts_1_client": asyncio.run(scenario(base, ["/api/districts"] * 40, 1)),
            "parcels_page_1_client": asyncio.run(scenario(base, [page] * 40, 1)),
            "districts_bytes": len(httpx.get(f"{base}/api/districts", timeout=120).content),
            "parcels_page_bytes": len(httpx.get(base + page, timeout=120).content),
            "districts": asyncio.run(scenario(base, ["/api/districts"] * requests, clients)),
            "parcels_page": asyncio.run(scenario(base, [page] * requests, clients)),
            "parcels_random_pages": asyncio.run(scenario(base, random_pages, clients)),
            "server_idle_rss_mb": idle.get("VmRSS", float("nan")),
            **{f"server_{k}_mb": v for k, v in rss_mb(server.pid).items()},
        }
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
