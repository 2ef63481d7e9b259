"""A run on ``dask.distributed``: the per-feature stages mapped over spatial partitions.

    parcels + buildings -> Hilbert partitions (:mod:`minettgeo.engine.partitions`)
    per partition, on a worker:   building_stage (the partition's buildings and parcels)
                                  zonal step on the raster window under the partition
    roads -> Hilbert partitions:  road_stage (every district, no railways)
    on the client:                concatenate by id (input order), railways, then the global
                                  stages once (compose.global_stages)

Every function a worker runs is the engine's own (:func:`stages.building_stage`,
:func:`stages.road_stage`, :func:`minettgeo.land.carbon.joint_areas`); no formula is copied.
The result equals the single-process :func:`minettgeo.engine.compose.compute` to 1e-9 relative
(``tests/test_distributed.py``). The scheduler retries the tasks of a worker that dies (up to
``distributed.scheduler.allowed-failures`` times).

Workers read the land rasters from the paths the client loaded them from: on a cluster of
several machines, the layers must be on a file system every worker sees under the same path.
"""

from __future__ import annotations

import resource
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import dask
import geopandas as gpd
import pandas as pd
from dask.utils import parse_bytes
from distributed import Client, LocalCluster
from distributed.comm.addressing import parse_address, parse_host_port

from minettgeo import CRS
from minettgeo.console import Progress
from minettgeo.errors import ParameterError, SchedulerError
from minettgeo.factors.tables import FactorSet
from minettgeo.land.areas import LandInputs, joint_areas
from minettgeo.models import rail as railmodel

from . import stages
from .compose import STEPS, RunResult, StageResults, global_stages
from .inputs import Inputs
from .options import RunOptions
from .partitions import (
    PARCELS_PER_PARTITION,
    ROADS_PER_PARTITION,
    hilbert_partitions,
    parcel_partitions,
    partition_count,
    windowed_land,
)
from .zonal import read_joint_cache, write_joint_cache, zonal_key

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
class PartitionResult:
    """The per-feature results of one parcel partition (joint areas None when cached)."""

    buildings: gpd.GeoDataFrame
    joint: pd.DataFrame | None


def parcel_partition(
    parcels: gpd.GeoDataFrame,
    buildings: gpd.GeoDataFrame,
    factors: FactorSet,
    land: LandInputs | None,
) -> PartitionResult:
    """Building stage and zonal step (on the raster window under the parcels; skipped when
    ``land`` is None) of one partition: its buildings and parcels only."""
    frame = stages.building_stage(buildings, parcels, factors).frame
    if land is None or len(parcels) == 0:
        return PartitionResult(frame, None)
    with tempfile.TemporaryDirectory(prefix="minettgeo-window-") as tmp:
        window = windowed_land(land, parcels.total_bounds, Path(tmp))
        joint = joint_areas(window, parcels, "parcel_id", processes=1)
    return PartitionResult(frame, joint)


def road_partition(
    roads: gpd.GeoDataFrame, districts: gpd.GeoDataFrame, factors: FactorSet
) -> tuple[gpd.GeoDataFrame, pd.DataFrame, pd.DataFrame]:
    """Road stage of one partition (every district; railways are done once on the client)."""
    out = stages.road_stage(roads, districts, None, factors)
    return out.frame, out.results, out.shares


def in_input_order(parts: list[pd.DataFrame], ids: pd.Index) -> pd.DataFrame:
    """The partitions' rows (indexed by feature id) concatenated in the order of ``ids``."""
    return pd.concat(parts).loc[ids]


def distributed_feature_stages(
    client: Client,
    inputs: Inputs,
    progress: Progress,
    parcels_per_partition: int = PARCELS_PER_PARTITION,
) -> StageResults:
    """The per-feature stages mapped over Hilbert partitions on ``client``'s cluster."""
    region, factors = inputs.region, inputs.factors
    workers = max(1, len(client.scheduler_info(n_workers=-1)["workers"]))
    key = zonal_key(inputs)
    cached = read_joint_cache(inputs, key)
    n_parcel_parts = partition_count(len(region.parcels), parcels_per_partition, workers)
    n_road_parts = partition_count(len(region.roads), ROADS_PER_PARTITION, workers)
    with progress.step(
        f"partitions: {len(region.parcels):,} parcels and {len(region.buildings):,} buildings "
        f"in {n_parcel_parts} Hilbert partitions, {len(region.roads):,} roads in "
        f"{n_road_parts}, on {workers} worker(s)"
    ):
        parts = parcel_partitions(region.parcels, region.buildings, n_parcel_parts)
        roads = hilbert_partitions(region.roads, n_road_parts)
        # each partition is data of its task's graph (not scattered), so the scheduler can rerun
        # the task of a worker that died; the shared tables are one graph key each
        shared = dask.delayed(factors, pure=True)
        land = None if cached is not None else dask.delayed(inputs.land, pure=True)
        districts = dask.delayed(region.districts, pure=True)
        parcel_tasks = [
            dask.delayed(parcel_partition, pure=False)(p, b, shared, land)
            for p, b in zip(parts.parcels, parts.buildings, strict=True)
        ]
        road_tasks = [dask.delayed(road_partition, pure=False)(r, districts, shared) for r in roads]
    with progress.step(
        "buildings, roads and zonal statistics of every partition on the workers"
        + (" (zonal step from the cache)" if cached is not None else "")
    ):
        futures = client.compute([*parcel_tasks, *road_tasks])
        results = client.gather(futures)
    parcel_results: list[PartitionResult] = results[: len(parcel_tasks)]
    road_results = results[len(parcel_tasks) :]
    building_ids = pd.Index(region.buildings["building_id"].to_numpy())
    road_ids = pd.Index(region.roads["road_id"].to_numpy())
    building_frame = in_input_order([r.buildings for r in parcel_results], building_ids)
    road_frame = in_input_order([r[0] for r in road_results], road_ids)
    road_values = in_input_order([r[1] for r in road_results], road_ids)
    shares = pd.concat([r[2] for r in road_results], ignore_index=True)
    if cached is None:
        joint = pd.concat(
            [r.joint for r in parcel_results if r.joint is not None], ignore_index=True
        )
        write_joint_cache(inputs, key, joint)
    else:
        joint = cached
    road = stages.RoadResults(
        frame=gpd.GeoDataFrame(road_frame, geometry="geometry", crs=CRS),
        results=road_values,
        shares=shares,
        rail=railmodel.rail_results(region.rail, region.districts, factors),
    )
    buildings = stages.BuildingResults(
        gpd.GeoDataFrame(building_frame, geometry="geometry", crs=CRS)
    )
    return StageResults(buildings, road, joint, key)


def compute_distributed(
    client: Client,
    inputs: Inputs,
    date: datetime,
    progress: Progress | None = None,
    *,
    parcels_per_partition: int = PARCELS_PER_PARTITION,
) -> RunResult:
    """:func:`minettgeo.engine.compose.compute` with the per-feature stages on the cluster of
    ``client`` and the global stages here, once."""
    progress = progress or Progress("run", DISTRIBUTED_STEPS, quiet=True)
    feature = distributed_feature_stages(client, inputs, progress, parcels_per_partition)
    return global_stages(inputs, feature, date, progress)


#: progress steps of compute_distributed (partitions, then the workers' step for the three
#: per-feature steps of compute)
DISTRIBUTED_STEPS = STEPS - 1


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


def run_on_cluster(
    cluster: ClusterOptions,
    layers_dir: Path,
    out_dir: Path,
    options: RunOptions,
    progress: Progress,
) -> tuple[RunResult, list[str]]:
    """``minettgeo run`` with the per-feature stages on a dask cluster: the scheduler is reached
    (or the local cluster started) before anything is read or written; returns the result and
    the workers' peak memory lines."""
    from minettgeo.pipeline import run

    options.check()
    with cluster_client(cluster) as client:
        result = run(layers_dir, out_dir, options, progress, client=client)
        return result, memory_lines(worker_memory(client))
