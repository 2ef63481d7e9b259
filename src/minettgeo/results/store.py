"""Result sets published as one unit: run folders and an atomic ``current`` pointer.

Layout of a results directory::

    results/
      runs/<run_id>/          every file of one run (minettgeo.gpkg, gpc_inventory.*, rasters ...)
      current -> runs/<run_id> relative symbolic link to the newest complete run
      .staging-<run_id>/      a run being written (removed, or renamed into runs/, when done)

:func:`publish` writes a run into ``.staging-<run_id>/``, renames that folder to
``runs/<run_id>`` (one ``rename``, atomic on one filesystem) and then replaces ``current`` by a
new symbolic link with ``os.replace`` (atomic too). A reader that resolves ``current`` sees the
complete previous run or the complete new one, never a mix; a run killed while writing leaves
only its staging folder, which the next :func:`publish` removes. The last :data:`KEEP_RUNS` runs
are kept (the current one always), so a reader that opened an older run can finish.

A staging folder is *live* while its writer holds an exclusive ``flock`` on it; the lock goes
with the process, so a killed writer's folder is recognised as stale and removed.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from rasterio.errors import RasterioError

from minettgeo.errors import LayerWriteError

RUNS = "runs"
CURRENT = "current"
STAGING_PREFIX = ".staging-"
#: runs kept in ``runs/`` after a publication (the current one always among them)
KEEP_RUNS = 3
#: hex digits of the inputs hash in a run id
RUN_HASH_DIGITS = 8


def make_run_id(when: datetime, fingerprint: str) -> str:
    """``YYYYMMDDTHHMMSSZ-<hash>``: the run's UTC date and the first 8 hex digits of the SHA-256
    of ``fingerprint`` (the run's inputs and options). Ids sort in date order."""
    stamp = when.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    digest = hashlib.sha256(fingerprint.encode("utf-8")).hexdigest()[:RUN_HASH_DIGITS]
    return f"{stamp}-{digest}"


def run_id_of(folder: Path) -> str:
    """The run id of a staging folder (``.staging-<run_id>``) or run folder (``runs/<run_id>``)."""
    return Path(folder).name.removeprefix(STAGING_PREFIX)


def current_run(results_dir: Path) -> Path | None:
    """The run folder ``results_dir/current`` points to, resolved; None before the first run."""
    link = Path(results_dir) / CURRENT
    if not link.is_dir():
        return None
    return link.resolve()


def run_folders(results_dir: Path) -> list[Path]:
    """The run folders in ``results_dir/runs``, oldest first (run ids sort by date)."""
    runs = Path(results_dir) / RUNS
    if not runs.is_dir():
        return []
    return sorted((p for p in runs.iterdir() if p.is_dir()), key=lambda p: p.name)


def _nearest_existing(path: Path) -> Path:
    """``path`` or its closest ancestor that exists (as anything: folder or file)."""
    probe = path.absolute()
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    return probe


def check_writable(results_dir: Path, option: str = "--out") -> None:
    """Refuse, before anything is computed, a results directory that cannot be written: one
    under a regular file, on a read-only filesystem, without permission. Writes nothing but a
    probe file that is removed at once; does not create ``results_dir``."""
    target = Path(results_dir)
    existing = _nearest_existing(target)
    if not existing.is_dir():
        raise LayerWriteError(
            f"{option} {target}: {existing} is a regular file, not a folder; choose a results "
            "folder that is not inside a file"
        )
    current = target / CURRENT
    if current.exists() and not current.is_symlink():
        raise LayerWriteError(
            f"{option} {target}: {current} is a real file or folder, not the link to the current "
            "run; move it away or choose another results folder"
        )
    try:
        fd, probe = tempfile.mkstemp(prefix=".minettgeo-probe-", dir=existing)
        os.close(fd)
        Path(probe).unlink()
    except OSError as exc:
        raise LayerWriteError(
            f"{option} {target}: cannot write in {existing} ({_reason(exc)}); choose a writable "
            "results folder; nothing was computed or written"
        ) from exc


def _reason(exc: OSError) -> str:
    """A short reason, e.g. 'Read-only file system' or 'No space left on device'."""
    if exc.errno is not None:
        return os.strerror(exc.errno)
    return str(exc)


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` (it marks the folder as being written)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _is_stale(folder: Path) -> bool:
    """True when no live process holds the lock of a staging folder."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    finally:
        os.close(fd)
    return True


def remove_stale_staging(results_dir: Path) -> list[Path]:
    """Remove the ``.staging-*`` folders left by runs that died while writing; return them."""
    removed = []
    for folder in Path(results_dir).glob(f"{STAGING_PREFIX}*"):
        if folder.is_dir() and not folder.is_symlink() and _is_stale(folder):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def prune_runs(results_dir: Path, keep: int = KEEP_RUNS) -> list[Path]:
    """Remove all but the newest ``keep`` run folders; the current run is never removed."""
    current = current_run(results_dir)
    folders = run_folders(results_dir)
    old = [p for p in folders[: max(len(folders) - keep, 0)] if p.resolve() != current]
    for folder in old:
        shutil.rmtree(folder, ignore_errors=True)
    return old


def _new_staging(results_dir: Path, run_id: str) -> Path:
    """Create ``.staging-<run_id>`` exclusively; add ``-2``, ``-3`` ... when the id is taken."""
    for n in range(1, 1000):
        candidate = run_id if n == 1 else f"{run_id}-{n}"
        if (results_dir / RUNS / candidate).exists():
            continue
        staging = results_dir / f"{STAGING_PREFIX}{candidate}"
        try:
            staging.mkdir()
        except FileExistsError:
            continue
        return staging
    raise LayerWriteError(f"{results_dir}: no free run id for {run_id}")


def switch_current(results_dir: Path, run_folder: Path) -> None:
    """Point ``results_dir/current`` at ``runs/<run_id>`` with one atomic ``os.replace``."""
    link = results_dir / CURRENT
    tmp = results_dir / f".{CURRENT}-{os.getpid()}-{run_folder.name}"
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(Path(RUNS) / run_folder.name)
    try:
        tmp.replace(link)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise


def publish(
    results_dir: Path,
    write: Callable[[Path], object],
    *,
    base: Path | None = None,
    run_id: str | None = None,
) -> Path:
    """Write a run as one unit and make it the current one; return its folder ``runs/<run_id>``.

    ``write(staging_dir)`` writes every file of the run into ``staging_dir`` (its run id is
    :func:`run_id_of` ``(staging_dir)``). With ``base`` (a run folder), that run's files are copied
    into the staging folder first, so ``write`` can add to them. ``run_id`` defaults to the
    current date and a random hash. If ``write`` fails, the staging folder is removed, the current
    run stays as it was and the error propagates (OSError and rasterio errors as LayerWriteError).
    """
    results_dir = Path(results_dir)
    check_writable(results_dir)
    try:
        results_dir.mkdir(parents=True, exist_ok=True)
        (results_dir / RUNS).mkdir(exist_ok=True)
        remove_stale_staging(results_dir)
        staging = _new_staging(
            results_dir, run_id or make_run_id(datetime.now(UTC), os.urandom(16).hex())
        )
    except OSError as exc:
        raise LayerWriteError(
            f"{results_dir}: cannot create a run folder ({_reason(exc)}); the current results "
            "are unchanged"
        ) from exc
    final = results_dir / RUNS / run_id_of(staging)
    try:
        with _locked(staging):
            if base is not None:
                shutil.copytree(Path(base), staging, dirs_exist_ok=True, symlinks=False)
            write(staging)
            Path(staging).rename(final)
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(exc, OSError | RasterioError):
            reason = _reason(exc) if isinstance(exc, OSError) else str(exc)
            raise LayerWriteError(
                f"results could not be written to {results_dir} ({reason}); the previous "
                "results there are unchanged"
            ) from exc
        raise
    try:
        switch_current(results_dir, final)
    except OSError as exc:
        raise LayerWriteError(
            f"{results_dir}: run {final.name} was written but '{CURRENT}' could not be switched "
            f"to it ({_reason(exc)}); the previous run stays current"
        ) from exc
    prune_runs(results_dir)
    remove_stale_staging(results_dir)
    return final
