"""Frictionless Data Package descriptors (``datapackage.json``) for a run folder and an export.

The descriptor lists every file with its format, size and SHA-256, gives every column of every
table and layer its type, unit and meaning, and carries the run's provenance, so that the CSV
files themselves stay plain (a header row, then data: what Excel, QGIS and pandas open with no
option). Units and meanings come from the column names' parts (``_tco2e_a`` is t CO2e per year)
through the tables of :mod:`minettgeo.export.column_meanings`; each file is described by
:mod:`minettgeo.export.file_resources`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from minettgeo.export.file_resources import describe_file, resource_entry
from minettgeo.layers.io import atomic_path

DESCRIPTOR = "datapackage.json"
PROFILE = "data-package"


def write_datapackage(
    folder: Path,
    provenance: Mapping[str, object],
    *,
    name: str,
    title: str,
    files: Iterable[Path] | None = None,
    filters: Mapping[str, object] | None = None,
) -> Path:
    """Write ``folder/datapackage.json`` describing ``files`` (default: every file of the folder
    except the descriptor) with the run's provenance; atomically."""
    folder = Path(folder)
    chosen = sorted(
        Path(p)
        for p in (files if files is not None else folder.iterdir())
        if Path(p).is_file() and Path(p).name != DESCRIPTOR and not Path(p).name.startswith(".")
    )
    descriptor: dict[str, object] = {
        "profile": PROFILE,
        "name": re.sub(r"[^a-z0-9._-]", "-", name.lower()),
        "title": title,
        "created": str(provenance.get("date") or ""),
        "resources": [resource_entry(describe_file(p), folder) for p in chosen],
        "minettgeo": {
            "run_id": provenance.get("run_id"),
            "provenance": provenance,
            **({"filters": dict(filters)} if filters else {}),
        },
    }
    target = folder / DESCRIPTOR
    with atomic_path(target) as tmp:
        tmp.write_text(
            json.dumps(descriptor, indent=1, ensure_ascii=False, default=str), encoding="utf-8"
        )
    return target


def write_run_datapackage(run_dir: Path, provenance: Mapping[str, object]) -> Path:
    """The descriptor of a run folder (called once, after every file of the run is written)."""
    return write_datapackage(
        run_dir,
        provenance,
        name=f"minettgeo-run-{provenance.get('run_id') or Path(run_dir).name}",
        title="minettgeo results: GHG emissions and carbon sinks of the Minett (one run)",
    )
