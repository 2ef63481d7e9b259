"""Result sets published as one unit: run folders, the atomic ``current`` link, stale staging
folders, retention, and a run killed while it writes."""

from __future__ import annotations

import errno
import fcntl
import os
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest
from minettgeo.results import store

import toy_region
from minettgeo.errors import LayerWriteError
from results_helpers import snapshot


def write_files(**files: str):
    def write(folder: Path) -> None:
        for name, text in files.items():
            (folder / name).write_text(f"{text} {store.run_id_of(folder)}")

    return write


def test_publish_makes_a_run_folder_and_points_current_at_it(tmp_path: Path) -> None:
    results = tmp_path / "results"
    folder = store.publish(results, write_files(a="first", b="first"), run_id="R1")
    assert folder == results / "runs" / "R1"
    link = results / "current"
    assert link.is_symlink() and str(link.readlink()) == "runs/R1"  # relative: the folder can move
    assert (link / "a").read_text() == "first R1"  # the run id is known to the writer
    assert store.current_run(results) == folder.resolve()
    assert not list(results.glob(".staging-*")) and not list(results.glob(".current-*"))


def test_failed_write_leaves_the_previous_run_current(tmp_path: Path) -> None:
    results = tmp_path / "results"
    store.publish(results, write_files(a="first"), run_id="R1")
    before = snapshot(results)

    def half(folder: Path) -> None:
        (folder / "a").write_text("second")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(LayerWriteError, match=r"No space left on device.*previous results"):
        store.publish(results, half, run_id="R2")
    assert snapshot(results) == before


def test_run_killed_while_writing_leaves_readers_the_previous_set(tmp_path: Path) -> None:
    """A writer killed (SIGKILL) between two files: ``current`` still shows the complete first
    run; the dead writer's staging folder is removed by the next publication."""
    results = tmp_path / "results"
    store.publish(results, write_files(a="first", b="first"), run_id="R1")
    before = snapshot(results)
    script = textwrap.dedent(
        f"""
        import os, signal
        from pathlib import Path
        from minettgeo.results import store

        def write(folder):
            (folder / "a").write_text("second")
            os.kill(os.getpid(), signal.SIGKILL)  # dies before writing b
            (folder / "b").write_text("second")

        store.publish(Path({str(results)!r}), write, run_id="R2")
        """
    )
    killed = subprocess.run([sys.executable, "-c", script], check=False)
    assert killed.returncode == -9
    stale = list(results.glob(".staging-*"))
    assert [p.name for p in stale] == [".staging-R2"]
    seen = {k: v for k, v in snapshot(results).items() if not k.startswith(".staging-")}
    assert seen == before  # readers see exactly the first run
    assert (results / "current" / "b").read_text() == "first R1"
    store.publish(results, write_files(a="third", b="third"), run_id="R3")
    assert not list(results.glob(".staging-*"))
    assert (results / "current" / "a").read_text() == "third R3"


def test_a_live_staging_folder_is_not_removed(tmp_path: Path) -> None:
    """Another process still writing (it holds the lock of its staging folder) keeps its folder."""
    results = tmp_path / "results"
    live = results / ".staging-other"
    live.mkdir(parents=True)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, os, sys, time; fd = os.open(sys.argv[1], os.O_RDONLY); "
            "fcntl.flock(fd, fcntl.LOCK_EX); print('locked', flush=True); time.sleep(60)",
            str(live),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        store.publish(results, write_files(a="x"), run_id="R1")
        assert live.is_dir()
    finally:
        holder.kill()
        holder.wait()
    store.publish(results, write_files(a="y"), run_id="R2")
    assert not live.exists()


def test_the_last_three_runs_are_kept(tmp_path: Path) -> None:
    results = tmp_path / "results"
    for n in range(1, 6):
        store.publish(results, write_files(a=str(n)), run_id=f"2026010{n}T000000Z-abc")
    assert [p.name for p in store.run_folders(results)] == [
        "20260103T000000Z-abc",
        "20260104T000000Z-abc",
        "20260105T000000Z-abc",
    ]
    assert store.current_run(results) == (results / "runs" / "20260105T000000Z-abc").resolve()


def test_the_current_run_is_never_pruned(tmp_path: Path) -> None:
    """Even when its id sorts first (a run dated in the past), the current run stays."""
    results = tmp_path / "results"
    for n in range(5, 8):
        store.publish(results, write_files(a=str(n)), run_id=f"2026010{n}T000000Z-abc")
    store.publish(results, write_files(a="old"), run_id="20250101T000000Z-abc")
    assert (results / "runs" / "20250101T000000Z-abc").is_dir()
    assert (results / "current" / "a").read_text() == "old 20250101T000000Z-abc"


def test_base_run_files_are_copied_before_writing(tmp_path: Path) -> None:
    """``base``: a command such as ranking adds files to a copy of the current run."""
    results = tmp_path / "results"
    first = store.publish(results, write_files(a="first"), run_id="R1")
    second = store.publish(results, write_files(ranking="ranked"), base=first, run_id="R2")
    assert (second / "a").read_text() == "first R1"  # copied
    assert (second / "ranking").read_text() == "ranked R2"
    assert not (first / "ranking").exists()  # the base run is unchanged


def test_run_ids_sort_by_date_and_never_collide(tmp_path: Path) -> None:
    when = datetime(2026, 12, 1, 19, 5, 7, tzinfo=UTC)
    run_id = store.make_run_id(when, "inputs")
    # sha256("inputs") starts with these 8 hex digits
    import hashlib

    assert run_id == f"20261201T190507Z-{hashlib.sha256(b'inputs').hexdigest()[:8]}"
    assert store.make_run_id(when, "other inputs") != run_id
    results = tmp_path / "results"
    a = store.publish(results, write_files(a="1"), run_id=run_id)
    b = store.publish(results, write_files(a="2"), run_id=run_id)  # same inputs, same second
    assert a.name == run_id and b.name == f"{run_id}-2"
    assert (b / "a").read_text() == f"2 {run_id}-2"


def test_output_under_a_regular_file_is_refused_before_anything(tmp_path: Path) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    with pytest.raises(LayerWriteError, match=r"file.txt is a regular file, not a folder"):
        store.check_writable(blocker / "results")
    called = []
    with pytest.raises(LayerWriteError, match="regular file"):
        store.publish(blocker / "results", called.append)
    assert called == [] and blocker.read_text() == "x"


def test_read_only_output_is_refused_before_anything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The probe file meets a read-only filesystem (EROFS): refused, nothing created."""

    def read_only(*args: object, **kwargs: object) -> tuple[int, str]:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(store.tempfile, "mkstemp", read_only)
    with pytest.raises(LayerWriteError, match=r"cannot write in .*Read-only file system"):
        store.check_writable(tmp_path / "results")
    assert not (tmp_path / "results").exists()


def test_a_real_folder_named_current_is_not_replaced(tmp_path: Path) -> None:
    results = tmp_path / "results"
    (results / "current").mkdir(parents=True)
    with pytest.raises(LayerWriteError, match="not the link to the current run"):
        store.publish(results, write_files(a="x"))


def test_minettgeo_run_killed_between_two_result_files(tmp_path: Path) -> None:
    """The real command, killed after the GeoPackage and the inventory are written and before
    the rasters: the previous run stays current and complete; the next run cleans up."""
    layers = toy_region.build(tmp_path / "layers")
    results = tmp_path / "results"
    args = ["run", "--layers", str(layers), "--out", str(results), "--draws", "100", "--quiet"]
    cli = [sys.executable, "-m", "minettgeo"]
    assert subprocess.run([*cli, *args], check=False, capture_output=True).returncode == 0
    before = snapshot(results)
    script = textwrap.dedent(
        f"""
        import os, signal, sys
        import minettgeo.pipeline as pipeline
        from minettgeo.cli import main

        def killed(*args, **kwargs):
            os.kill(os.getpid(), signal.SIGKILL)

        pipeline.carbon_stock_raster = killed
        sys.argv = ["minettgeo", *{args!r}, "--seed", "5"]
        main()
        """
    )
    assert subprocess.run([sys.executable, "-c", script], check=False).returncode == -9
    (staging,) = results.glob(".staging-*")
    assert {p.name for p in staging.iterdir()} >= {"minettgeo.gpkg", "gpc_inventory.json"}
    assert {k: v for k, v in snapshot(results).items() if not k.startswith(".staging-")} == before
    again = subprocess.run([*cli, *args, "--seed", "6"], check=False, capture_output=True)
    assert again.returncode == 0, again.stderr
    assert not list(results.glob(".staging-*"))
    assert len(store.run_folders(results)) == 2


def test_lock_is_released_with_the_writer(tmp_path: Path) -> None:
    """flock on a folder: held while open, gone when closed (what marks a live staging folder)."""
    folder = tmp_path / ".staging-x"
    folder.mkdir()
    fd = os.open(folder, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        assert not store._is_stale(folder)
    finally:
        os.close(fd)
    assert store._is_stale(folder)
