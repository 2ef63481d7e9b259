"""Distributed runs (issue 15): dask.distributed + dask-geopandas equal the single-process run.

A LocalCluster of 2 worker processes (one thread each) runs the per-feature stages over Hilbert
partitions; every column of every result layer, the inventory, the intervals, the rasters and
the provenance (but date and run id) must equal the single-process run to 1e-9 relative.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import cloudpickle
import numpy as np
import pandas as pd
import pytest
import rasterio
from click.testing import CliRunner
from dask.utils import key_split
from distributed import Client
from distributed.diagnostics.plugin import WorkerPlugin

from conftest import LAYERS, SAMPLE_SEED, build_once
from minettgeo.cli import main
from minettgeo.engine import RunOptions, RunResult, compute, load_inputs
from minettgeo.engine.cluster import ClusterOptions, cluster_client, worker_memory
from minettgeo.engine.distributed import compute_distributed
from minettgeo.engine.partitions import parcel_partitions, partition_count, raster_window
from minettgeo.errors import ParameterError
from minettgeo.pipeline import run
from minettgeo.results.reader import open_results

DATE = datetime(2026, 6, 1, tzinfo=UTC)
RTOL = 1e-9
LAYER_NAMES = ("buildings", "parcels", "districts", "communes", "roads", "dh_potential_areas")


@pytest.fixture(scope="module")
def small_region(shared_tmp: Path) -> Path:
    """Kayl and Rumelange (``minettgeo sample --communes Kayl,Rumelange``, about 10 s)."""
    from minettgeo.sample.build import build_sample_region
    from minettgeo.sample.write import write_sample_region

    def build(out: Path) -> None:
        region = build_sample_region(LAYERS, ["Kayl", "Rumelange"], seed=SAMPLE_SEED)
        write_sample_region(region, out)

    return build_once(shared_tmp / "kayl-rumelange", "manifest.json", build)


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    """A LocalCluster of 2 worker processes, 1 thread each, 4 GiB each."""
    with cluster_client(ClusterOptions(workers=2)) as c:
        yield c


@pytest.fixture(scope="module")
def single(small_region: Path) -> RunResult:
    return compute(load_inputs(small_region, RunOptions(draws=200)), DATE)


# ---- comparison ---------------------------------------------------------------------------------
def assert_same_frame(a: pd.DataFrame, b: pd.DataFrame, what: str) -> None:
    """Same columns, index and dtypes; numbers equal to 1e-9 relative, the rest exactly."""
    assert list(a.columns) == list(b.columns), what
    assert a.index.equals(b.index), what
    assert len(a) > 0 or what.endswith("dh_potential_areas"), what
    for column in a.columns:
        x, y = a[column], b[column]
        if column == "geometry":
            assert x.equals(y), f"{what}.{column}"
        elif pd.api.types.is_numeric_dtype(x) and not pd.api.types.is_bool_dtype(x):
            np.testing.assert_allclose(
                y.to_numpy(float), x.to_numpy(float), rtol=RTOL, atol=0, err_msg=f"{what}.{column}"
            )
        else:
            assert x.astype(object).equals(y.astype(object)), f"{what}.{column}"


def assert_same_result(a: RunResult, b: RunResult) -> None:
    for name in ("parcels", "districts", "communes"):
        assert_same_frame(getattr(a.levels, name), getattr(b.levels, name), name)
    assert_same_frame(a.buildings, b.buildings, "buildings")
    assert_same_frame(a.roads, b.roads, "roads")
    assert_same_frame(a.dh_areas, b.dh_areas, "dh_potential_areas")
    assert_same_frame(a.inventory, b.inventory, "inventory")
    assert_same_frame(a.totals, b.totals, "totals")
    assert_same_frame(a.land_intervals, b.land_intervals, "land_intervals")
    assert_same_frame(a.sink_detail, b.sink_detail, "sink_measures")
    np.testing.assert_allclose(b.heat.density_mwh_ha, a.heat.density_mwh_ha, rtol=RTOL, atol=0)
    assert a.record.to_dict() == b.record.to_dict()


def assert_same_run_folder(a: Path, b: Path) -> None:
    """Every file of two published runs: layers (through the reader), inventory, sink measures,
    rasters, provenance (but date and run id)."""
    ra, rb = open_results(a), open_results(b)
    assert ra.layer_names == rb.layer_names
    assert set(LAYER_NAMES) <= set(ra.layer_names)
    for name in ra.layer_names:
        assert_same_frame(ra.layer(name), rb.layer(name), name)
    for csv in ("gpc_inventory.csv", "sink_measures.csv"):
        assert_same_frame(pd.read_csv(ra.run_dir / csv), pd.read_csv(rb.run_dir / csv), csv)
    for raster in ra.raster_names:
        with rasterio.open(ra.raster_path(raster)) as x, rasterio.open(rb.raster_path(raster)) as y:
            assert x.transform == y.transform, raster
            np.testing.assert_allclose(y.read(), x.read(), rtol=RTOL, atol=0, err_msg=raster)
    drop = {"date", "run_id"}
    pa = {k: v for k, v in ra.provenance.items() if k not in drop}
    pb = {k: v for k, v in rb.provenance.items() if k not in drop}
    assert json.dumps(pa, sort_keys=True) == json.dumps(pb, sort_keys=True)


# ---- partitions ---------------------------------------------------------------------------------
def test_partition_count() -> None:
    # ceil(119,000 / 20,000) = 6 partitions; at least one per worker; never more than features
    assert partition_count(119_000, 20_000, 2) == 6
    assert partition_count(10_000, 20_000, 2) == 2
    assert partition_count(1, 20_000, 4) == 1
    assert partition_count(0, 20_000, 2) == 1


def test_buildings_go_to_the_partition_of_their_parcel(small_region: Path) -> None:
    inputs = load_inputs(small_region, RunOptions(draws=200))
    parts = parcel_partitions(inputs.region.parcels, inputs.region.buildings, 5)
    parcels, buildings = parts.parcels, parts.buildings
    assert len(parcels) == 5
    # every parcel and every building exactly once
    ids = pd.concat([p["parcel_id"] for p in parcels])
    assert sorted(ids) == sorted(inputs.region.parcels["parcel_id"])
    bids = pd.concat([b["building_id"] for b in buildings])
    assert sorted(bids) == sorted(inputs.region.buildings["building_id"])
    for p, b in zip(parcels, buildings, strict=True):
        assert set(b["parcel_id"]) <= set(p["parcel_id"])
        # Hilbert partitions are compact: a partition's bounding box is a fraction of the region's
        box = p.total_bounds
        region = inputs.region.parcels.total_bounds
        share = (
            (box[2] - box[0])
            * (box[3] - box[1])
            / ((region[2] - region[0]) * (region[3] - region[1]))
        )
        assert share < 0.8


def test_raster_window_covers_the_bounds_on_whole_pixels(small_region: Path) -> None:
    raster = small_region / "landcover.tif"
    with rasterio.open(raster) as src:
        t = src.transform
        x0, y1 = t.c + 10.5 * t.a, t.f + 20.25 * t.e  # inside pixel (col 10, row 20)
        x1, y0 = t.c + 30.0 * t.a, t.f + 40.9 * t.e  # on the edge of col 30, inside row 40
        window = raster_window(raster, (x0, y0, x1, y1), pad=1)
    # cols 10..29 cover x0..x1, one pixel pad each side: 9..30 -> offset 9, width 22;
    # rows 20..40 cover y1..y0, pad: 19..41 -> offset 19, height 23
    assert (window.col_off, window.row_off, window.width, window.height) == (9, 19, 22, 23)


# ---- equality ---------------------------------------------------------------------------------
def test_distributed_compute_equals_single_process(
    small_region: Path, client: Client, single: RunResult
) -> None:
    inputs = load_inputs(small_region, RunOptions(draws=200))
    # small partitions: several per worker, so buildings, roads and windows are really split
    result = compute_distributed(client, inputs, DATE, parcels_per_partition=1500)
    assert_same_result(single, result)
    memory = worker_memory(client)
    assert len(memory) == 2
    for worker in memory:
        assert worker.limit_bytes == 4 * 2**30
        assert 50 * 2**20 < worker.peak_bytes < worker.limit_bytes


def test_run_workers_option_publishes_the_same_files(small_region: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["run", "--layers", str(small_region), "--draws", "200", "--quiet"]
    one = runner.invoke(main, [*args, "--out", str(tmp_path / "one")])
    assert one.exit_code == 0, one.output
    two = runner.invoke(main, [*args, "--out", str(tmp_path / "two"), "--workers", "2"])
    assert two.exit_code == 0, two.output
    assert two.output.count("peak memory") == 2
    assert_same_run_folder(tmp_path / "one", tmp_path / "two")


# ---- a worker killed mid-run ---------------------------------------------------------------------
class KillOnFirstPartition(WorkerPlugin):
    """Kills its worker process (os._exit) when the first ``parcel_partition`` task starts
    executing anywhere on the cluster, once: the marker file records that it happened and the
    pid of the killed worker."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def transition(self, key: Any, start: str, finish: str, **kwargs: Any) -> None:
        if finish != "executing" or key_split(key) != "parcel_partition":
            return
        try:
            fd = os.open(self.marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            return
        os.write(fd, str(os.getpid()).encode())
        os.close(fd)
        os._exit(1)


def test_a_killed_worker_is_retried_and_the_result_unchanged(
    small_region: Path, tmp_path: Path, single: RunResult
) -> None:
    import sys

    this = sys.modules[__name__]
    cloudpickle.register_pickle_by_value(this)  # the workers cannot import the tests package
    marker = tmp_path / "killed.pid"
    # its own cluster: the nanny restarts the killed worker, the scheduler reruns its tasks
    with cluster_client(ClusterOptions(workers=2)) as c:
        c.register_plugin(KillOnFirstPartition(str(marker)))
        inputs = load_inputs(small_region, RunOptions(draws=200))
        result = compute_distributed(c, inputs, DATE, parcels_per_partition=1500)
        pids = set(c.run(os.getpid).values())
    cloudpickle.unregister_pickle_by_value(this)
    killed = int(marker.read_text())
    assert killed not in pids  # that worker died mid-run; a new process took its place
    assert len(pids) == 2
    assert_same_result(single, result)


# ---- a bad scheduler -----------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("address", ["tcp://127.0.0.1:{port}", "no address at all"])
def test_bad_scheduler_address_is_a_clear_error_and_nothing_is_written(
    small_region: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, address: str
) -> None:
    import minettgeo.engine.cluster as cluster

    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT_S", 2)  # nobody listens: fail in 2 s, not 10
    out = tmp_path / "results"
    result = CliRunner().invoke(
        main,
        [
            "run",
            "--layers",
            str(small_region),
            "--out",
            str(out),
            "--scheduler",
            address.format(port=free_port()),
        ],
    )
    assert result.exit_code == 1, result.output
    assert "--scheduler" in result.output
    assert "dask scheduler" in result.output and "--workers N" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_workers_and_scheduler_exclude_each_other(small_region: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        [
            "run",
            "--layers",
            str(small_region),
            "--out",
            str(tmp_path / "r"),
            "--workers",
            "2",
            "--scheduler",
            "tcp://127.0.0.1:8786",
        ],
    )
    assert result.exit_code == 2, result.output
    assert "--workers and --scheduler" in result.output
    assert not (tmp_path / "r").exists()


def test_worker_memory_must_be_a_size() -> None:
    with pytest.raises(ParameterError, match="--worker-memory"):
        ClusterOptions(workers=2, worker_memory="lots").check()


# ---- the full sample region ------------------------------------------------------------------------
@pytest.mark.fullscale
def test_full_sample_region_on_two_workers_equals_the_single_process_run(
    sample_dir: Path, results_root: Path, tmp_path: Path, client: Client
) -> None:
    # results_root: `minettgeo run` single-process on the full sample region, draws 1000, seed 7
    out = tmp_path / "distributed"
    run(sample_dir, out, RunOptions(draws=1000, seed=7), client=client)
    assert_same_run_folder(results_root, out)
