"""Reading the run a ranking starts from (the edge of the package: I/O only).

Until ``minettgeo.results.reader.open_results`` is on main, the layers are read from the run's
``minettgeo.gpkg`` here; :func:`load_run` is the one place to switch.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd

from minettgeo.errors import NotFoundError
from minettgeo.factors.tables import FactorSet, load_factor_set
from minettgeo.layers import io
from minettgeo.results import store

RESULTS_FILE = "minettgeo.gpkg"
LAYERS = ("buildings", "parcels", "districts", "communes", "roads")


@dataclass(frozen=True)
class RunData:
    """The layers of one run that the ranking needs, and its provenance."""

    run_dir: Path
    provenance: dict[str, object]
    buildings: gpd.GeoDataFrame
    parcels: gpd.GeoDataFrame
    districts: gpd.GeoDataFrame
    communes: gpd.GeoDataFrame
    roads: gpd.GeoDataFrame


def run_folder(path: Path) -> Path:
    """A run folder: ``path`` itself when it holds minettgeo.gpkg, else its ``current`` run."""
    path = Path(path)
    if (path / RESULTS_FILE).exists():
        return path.resolve()
    current = store.current_run(path)
    if current is None or not (current / RESULTS_FILE).exists():
        raise NotFoundError(
            f"{path}: no results (no {RESULTS_FILE} and no 'current' run); run 'minettgeo run "
            f"--out {path}' first"
        )
    return current


def load_run(path: Path) -> RunData:
    folder = run_folder(path)
    gpkg = folder / RESULTS_FILE
    layers = {name: io.read_vector(gpkg, name) for name in LAYERS}
    prov_file = folder / "provenance.json"
    provenance = json.loads(prov_file.read_text(encoding="utf-8")) if prov_file.exists() else {}
    if "residents" not in layers["buildings"].columns:
        raise NotFoundError(
            f"{gpkg}: the buildings layer has no 'residents' column (a run of an older "
            "minettgeo); run 'minettgeo run' again before ranking"
        )
    for name in ("parcels", "districts"):
        for col in ("parcel_id", "district_id", "lau2"):
            if col in layers[name]:
                layers[name][col] = layers[name][col].astype(str)
    for col in ("parcel_id", "lau2"):
        layers["buildings"][col] = layers["buildings"][col].astype(str)
    layers["communes"]["lau2"] = layers["communes"]["lau2"].astype(str)
    return RunData(run_dir=folder, provenance=provenance, **layers)


_SCALAR = re.compile(r"parameter (electricity|district-heat) factor \(kg CO2e/kWh\)=([0-9.eE+-]+)")


def run_factors(provenance: dict[str, object]) -> FactorSet:
    """The factor set of the run (GWP set, override files, scalar factor parameters), for the
    candidate-level Monte Carlo."""
    files: list[Path] = []
    scalars: dict[str, float] = {}
    for record in provenance.get("overrides") or []:  # type: ignore[attr-defined]
        path = str(record.get("path", ""))
        match = _SCALAR.fullmatch(path)
        if match:
            scalars[match.group(1)] = float(match.group(2))
        elif path:
            files.append(Path(path))
    return load_factor_set(
        str(provenance.get("gwp_set", "AR5")),
        files,
        electricity_kg_per_kwh=scalars.get("electricity"),
        district_heat_kg_per_kwh=scalars.get("district-heat"),
    )
