"""A run on ``dask.distributed``: the per-feature stages mapped over spatial partitions.

    parcels + buildings -> Hilbert partitions (:mod:`minettgeo.engine.partitions`)
    per partition, on a worker:   building_stage (the partition's buildings and parcels)
                                  zonal step on the raster window under the partition
    roads -> Hilbert partitions:  road_stage (every district, no railways)
    on the client:                concatenate by id (input order), railways, then the global
                                  stages once (compose.global_stages)

Every function a worker runs is the engine's own (:func:`stages.building_stage`,
:func:`stages.road_stage`, :func:`minettgeo.land.areas.joint_areas`); no formula is copied.
The result equals the single-process :func:`minettgeo.engine.compose.compute` to 1e-9 relative
(``tests/test_distributed.py``). The scheduler retries the tasks of a worker that dies (up to
``distributed.scheduler.allowed-failures`` times).

The cluster itself (options, connection, the workers' peak memory) is
:mod:`minettgeo.engine.cluster`.

Workers read the land rasters from the paths the client loaded them from: on a cluster of
several machines, the layers must be on a file system every worker sees under the same path.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import dask
import geopandas as gpd
import pandas as pd
from distributed import Client

from minettgeo import CRS
from minettgeo.console import Progress
from minettgeo.factors.tables import FactorSet
from minettgeo.land.areas import LandInputs, joint_areas
from minettgeo.models import rail as railmodel

from . import stages
from .cluster import ClusterOptions, cluster_client, memory_lines, worker_memory
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
