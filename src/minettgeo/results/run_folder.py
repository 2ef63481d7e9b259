"""Where a published run lives: the run folder a results directory designates, its layers and its
provenance record, read without reading any feature."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyogrio

from minettgeo.errors import LayerReadError, NotFoundError
from minettgeo.results import store

RESULTS_FILE = "minettgeo.gpkg"
PROVENANCE_FILE = "provenance.json"
INVENTORY_JSON = "gpc_inventory.json"


def run_folder_of(path: Path) -> Path:
    """The run folder ``path`` designates: ``path/current`` resolved, or ``path`` itself when it
    holds a run. NotFoundError naming what is there otherwise."""
    path = Path(path)
    if not path.is_dir():
        raise NotFoundError(
            f"{path}: no results there (not a folder); compute them with 'minettgeo run --out "
            f"{path}'"
        )
    if (path / RESULTS_FILE).is_file():
        return path.resolve()
    current = store.current_run(path)
    if current is not None and (current / RESULTS_FILE).is_file():
        return current
    runs = [p.name for p in store.run_folders(path)]
    there = f"runs {', '.join(runs)} but no valid 'current' link" if runs else "no run"
    raise NotFoundError(
        f"{path}: no results there ({there}; {RESULTS_FILE} not found); compute them with "
        f"'minettgeo run --out {path}'"
    )


def layer_names_of(run_dir: Path) -> tuple[str, ...]:
    """The layers of the run's GeoPackage, in file order; LayerReadError when it is unreadable."""
    gpkg = run_dir / RESULTS_FILE
    try:
        return tuple(str(n) for n, _g in pyogrio.list_layers(gpkg))
    except (OSError, pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise LayerReadError(
            f"{gpkg}: not a readable GeoPackage ({exc}); rerun 'minettgeo run'"
        ) from exc


def read_provenance(run_dir: Path) -> dict[str, Any]:
    """The run's provenance record (empty when the run has none); LayerReadError when it is not
    readable JSON."""
    record = run_dir / PROVENANCE_FILE
    if not record.is_file():
        return {}
    try:
        provenance: dict[str, Any] = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise LayerReadError(f"{record}: not readable JSON ({exc})") from exc
    return provenance
