"""The dask cluster of a distributed run: where it runs (:class:`ClusterOptions`, a client of
an existing scheduler or of a new LocalCluster, :func:`cluster_client`) and the peak resident
memory of its workers (:func:`worker_memory`), which ``minettgeo run`` reports after the run.

A scheduler that does not answer, or has no worker, is a SchedulerError before anything is read
or written (:mod:`minettgeo.engine.distributed` runs the stages on the cluster).
"""

from __future__ import annotations

import resource
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from dask.utils import parse_bytes
from distributed import Client, LocalCluster
from distributed.comm.addressing import parse_address, parse_host_port

from minettgeo.errors import ParameterError, SchedulerError

from .partitions import PARCELS_PER_PARTITION

#: seconds to wait for a scheduler to answer before giving up
CONNECT_TIMEOUT_S = 10
#: dask's memory limit of a local worker by default (the worker pauses at 80 %, restarts at 95 %)
WORKER_MEMORY = "4GiB"


@dataclass(frozen=True)
class ClusterOptions:
    """Where a distributed run runs: ``workers`` local processes (one thread each), or the
    existing scheduler at ``scheduler``; ``worker_memory`` is the local workers' memory limit."""

    workers: int | None = None
    scheduler: str | None = None
    worker_memory: str = WORKER_MEMORY
    parcels_per_partition: int = PARCELS_PER_PARTITION

    def check(self) -> None:
        """ParameterError for options that exclude each other or a malformed memory size."""
        if self.workers is not None and self.scheduler is not None:
            raise ParameterError(
                "--workers and --scheduler exclude each other: --workers N starts a cluster on "
                "this machine, --scheduler ADDRESS uses an existing one; give one of them"
            )
        if self.workers is not None and self.workers < 1:
            raise ParameterError(f"--workers must be at least 1, got {self.workers}")
        try:
            limit = parse_bytes(self.worker_memory)
        except (ValueError, TypeError):
            limit = 0
        if limit <= 0:
            raise ParameterError(
                f"--worker-memory {self.worker_memory!r} is not a memory size; give e.g. 4GiB "
                "or 2500MB"
            )
        if self.parcels_per_partition < 1:
            raise ParameterError("parcels per partition must be at least 1")


#: what to do when no scheduler answers
SCHEDULER_HELP = (
    "start one with 'dask scheduler' and workers with 'dask worker ADDRESS', then pass the "
    "address it prints (tcp://HOST:8786), or use --workers N for a cluster on this machine; "
    "nothing was written"
)


def _connect(address: str) -> Client:
    """A client of the scheduler at ``address`` with at least one worker, or SchedulerError."""
    try:
        _, location = parse_address(address)
        parse_host_port(location)
    except (ValueError, TypeError) as exc:
        raise SchedulerError(
            f"--scheduler {address!r} is not a scheduler address ({exc}); {SCHEDULER_HELP}"
        ) from None
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise SchedulerError(
            f"--scheduler {address}: no dask scheduler answered within {CONNECT_TIMEOUT_S} s "
            f"({exc}); {SCHEDULER_HELP}"
        ) from None
    try:
        client.wait_for_workers(1, timeout=CONNECT_TIMEOUT_S)
    except (OSError, TimeoutError):
        client.close()
        raise SchedulerError(
            f"--scheduler {address}: the scheduler has no worker after {CONNECT_TIMEOUT_S} s; "
            f"start workers with 'dask worker {address}'; nothing was written"
        ) from None
    return client


@contextmanager
def cluster_client(options: ClusterOptions) -> Iterator[Client]:
    """A client of the scheduler at ``options.scheduler`` or of a new LocalCluster of
    ``options.workers`` worker processes; SchedulerError when no scheduler answers."""
    options.check()
    if options.scheduler is not None:
        client = _connect(options.scheduler)
        with client:
            yield client
        return
    with (
        LocalCluster(
            n_workers=options.workers or 1,
            threads_per_worker=1,
            processes=True,
            memory_limit=options.worker_memory,
            dashboard_address=":0",
        ) as cluster,
        Client(cluster, set_as_default=False) as client,
    ):
        yield client


@dataclass(frozen=True)
class WorkerMemory:
    """Peak resident memory of a worker process (bytes) and its dask memory limit."""

    address: str
    peak_bytes: int
    limit_bytes: int | None


def _peak_rss() -> int:
    """Peak resident set size of this process, bytes (Linux reports KiB)."""
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) * 1024


def worker_memory(client: Client) -> list[WorkerMemory]:
    """Peak resident memory of every worker process since it started, and its limit."""
    peaks: dict[str, Any] = client.run(_peak_rss)
    info = client.scheduler_info(n_workers=-1)["workers"]
    return [
        WorkerMemory(address, int(peak), info.get(address, {}).get("memory_limit") or None)
        for address, peak in sorted(peaks.items())
    ]


def memory_lines(memory: list[WorkerMemory]) -> list[str]:
    """One line per worker: its peak resident memory and its limit, MiB."""
    return [
        f"worker {m.address}: peak memory {m.peak_bytes / 2**20:,.0f} MiB"
        + ("" if m.limit_bytes is None else f" (limit {m.limit_bytes / 2**20:,.0f} MiB)")
        for m in memory
    ]
