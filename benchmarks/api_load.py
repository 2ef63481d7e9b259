"""Load test of the API: ``minettgeo serve`` in one process, this load generator in another.

    python benchmarks/api_load.py RESULTS_DIR [--clients 20] [--requests 200] [--workers 1]

Concurrent clients (aiohttp, asyncio, one connection each, keep-alive) on loopback ask, in turn:
- the districts GeoJSON (``/api/districts``), target p95 <= 200 ms;
- one page of 1,000 parcels (``/ogc/collections/parcels/items?limit=1000``), target p95 <= 500 ms;
- (reported only) pages of 1,000 parcels at random offsets and parcels in random 1 km boxes.
Each latency is the time from sending the request to the last byte of the response, as sent
(``Accept-Encoding: gzip``, the way a browser asks). The clients do not inflate the bodies: on
this machine they share the 2 cores with the server, and inflating 2 MB pages would measure the
load generator. Every response must be a 200 whose body has the length of the first one of its
URL, and one body per scenario is inflated and parsed (``numberReturned``); the same scenario
with the clients inflating every body is reported too. Prints one JSON line: latencies (p50, p95,
max) per scenario, errors, the server's resident memory at the start, now and at its peak
(VmRSS, VmHWM from /proc, summed over its worker processes).
"""

from __future__ import annotations

import asyncio
import gzip
import json
import random
import socket
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import numpy as np

PARCELS = 118_956
#: CRS84 box of the sample region's parcels (the random 1 km boxes are drawn inside it)
REGION_CRS84 = (5.81, 49.45, 6.13, 49.63)
#: about 1 km in degrees at 49.5 deg N (longitude, latitude)
KM_DEG = (0.0138, 0.009)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _status(pid: int) -> dict[str, float]:
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in {"VmRSS", "VmHWM"}:
            out[key] = float(value.split()[0]) / 1024
    return out


def _children(pid: int) -> list[int]:
    kids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            kids.append(int(stat.parent.name))
    return kids


def rss_mb(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM of the server, summed over its worker processes (``--workers N``)."""
    total = {"VmRSS": 0.0, "VmHWM": 0.0}
    for proc in [pid, *_children(pid)]:
        try:
            for key, value in _status(proc).items():
                total[key] += value
        except OSError:
            continue
    return total


async def scenario(
    base: str, paths: list[str], clients: int, *, inflate: bool = False
) -> dict[str, float]:
    """Every path of ``paths`` asked by ``clients`` concurrent connections; latency stats.
    A response is an error unless it is a 200 of the length of the first response to its URL."""
    queue: asyncio.Queue[str] = asyncio.Queue()
    for path in paths:
        queue.put_nowait(path)
    latencies: list[float] = []
    lengths: dict[str, int] = {}
    sample: dict[str, bytes] = {}
    errors = 0

    async def worker(session: aiohttp.ClientSession) -> None:
        nonlocal errors
        while True:
            try:
                path = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            start = time.perf_counter()
            try:
                async with session.get(base + path) as response:
                    body = await response.read()
                    ok = response.status == 200
                    gz = response.headers.get("Content-Encoding") == "gzip"
            except aiohttp.ClientError:
                ok, body, gz = False, b"", False
            latencies.append(time.perf_counter() - start)
            if not ok or lengths.setdefault(path, len(body)) != len(body):
                errors += 1
            elif not sample:
                sample["body"] = gzip.decompress(body) if gz and not inflate else body

    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(
        connector=connector,
        auto_decompress=inflate,
        headers={"Accept-Encoding": "gzip"},
        timeout=aiohttp.ClientTimeout(total=120),
    ) as session:
        started = time.perf_counter()
        await asyncio.gather(*(worker(session) for _ in range(clients)))
        wall = time.perf_counter() - started
    doc = json.loads(sample.get("body", b"{}"))
    ms = np.asarray(latencies) * 1000
    return {
        "requests": len(latencies),
        "errors": errors if doc.get("type") == "FeatureCollection" else errors + 1,
        "features_in_sample": len(doc.get("features", [])),
        "p50_ms": float(np.percentile(ms, 50)),
        "p95_ms": float(np.percentile(ms, 95)),
        "max_ms": float(ms.max()),
        "requests_per_s": len(latencies) / wall,
    }


def random_pages(rng: random.Random, count: int) -> list[str]:
    return [
        f"/ogc/collections/parcels/items?limit=1000&offset={1000 * rng.randrange(PARCELS // 1000)}"
        for _ in range(count)
    ]


def random_boxes(rng: random.Random, count: int) -> list[str]:
    """Pages of the parcels in random 1 km boxes (what the parcel view of a district asks)."""
    out = []
    for _ in range(count):
        lon = rng.uniform(REGION_CRS84[0], REGION_CRS84[2] - KM_DEG[0])
        lat = rng.uniform(REGION_CRS84[1], REGION_CRS84[3] - KM_DEG[1])
        box = f"{lon:.4f},{lat:.4f},{lon + KM_DEG[0]:.4f},{lat + KM_DEG[1]:.4f}"
        out.append(f"/ogc/collections/parcels/items?limit=1000&bbox={box}")
    return out


def _option(argv: list[str], name: str, default: int) -> int:
    return int(argv[argv.index(name) + 1]) if name in argv else default


def wait_until_up(base: str, server: subprocess.Popen[bytes], seconds: float = 300) -> None:
    import urllib.request

    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(f"{base}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            raise SystemExit("the server did not start")
        time.sleep(0.2)


def main(argv: list[str]) -> int:
    results = Path(argv[0])
    clients = _option(argv, "--clients", 20)
    requests = _option(argv, "--requests", 200)
    workers = _option(argv, "--workers", 1)
    port = free_port()
    exe = Path(sys.executable).with_name("minettgeo")
    argv = ["serve", "--results", str(results), "--port", str(port), "--quiet"]
    server = subprocess.Popen(
        [str(exe), *argv, "--workers", str(workers)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, server)
        idle = rss_mb(server.pid)
        page = "/ogc/collections/parcels/items?limit=1000&offset=50000"
        # warm-up: waits for the GeoJSON stores the server builds when it opens the run
        started = time.perf_counter()
        warm = asyncio.run(scenario(base, ["/api/districts", page] * workers, 1))
        warm_s = time.perf_counter() - started
        rng = random.Random(7)
        out = {
            "clients": clients,
            "workers": workers,
            "warm_up_s": warm_s,
            "warm_up_errors": warm["errors"],
            "districts_1_client": asyncio.run(scenario(base, ["/api/districts"] * 40, 1)),
            "parcels_page_1_client": asyncio.run(scenario(base, [page] * 40, 1)),
            "districts": asyncio.run(scenario(base, ["/api/districts"] * requests, clients)),
            "parcels_page": asyncio.run(scenario(base, [page] * requests, clients)),
            "parcels_random_pages": asyncio.run(
                scenario(base, random_pages(rng, requests // 2), clients)
            ),
            "parcels_random_boxes": asyncio.run(
                scenario(base, random_boxes(rng, requests // 2), clients)
            ),
            "districts_inflated": asyncio.run(
                scenario(base, ["/api/districts"] * requests, clients, inflate=True)
            ),
            "server_start_rss_mb": idle["VmRSS"],
            **{f"server_{k}_mb": v for k, v in rss_mb(server.pid).items()},
        }
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
