"""Reading the run a ranking starts from (the edge of the package: I/O only), through the
results reader (:func:`minettgeo.results.reader.open_results`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd

from minettgeo.errors import NotFoundError
from minettgeo.factors.tables import FactorSet, load_factor_set
from minettgeo.results.reader import open_results
from minettgeo.results.run_folder import RESULTS_FILE

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
    #: the run's point sources (None when the region has none)
    point_sources: gpd.GeoDataFrame | None = None


def load_run(path: Path) -> RunData:
    """The run ``path`` designates (a results directory: its current run; or a run folder),
    read through :func:`minettgeo.results.reader.open_results`."""
    results = open_results(Path(path))
    layers = {name: results.layer(name).reset_index() for name in LAYERS}
    folder = results.run_dir
    gpkg = folder / RESULTS_FILE
    provenance = dict(results.provenance)
    provenance.setdefault("run_id", results.run_id)
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
    points = None
    if "point_sources" in results.layer_names:
        points = results.layer("point_sources").reset_index()
        for col in ("parcel_id", "lau2"):
            points[col] = points[col].astype(str)
    return RunData(run_dir=folder, provenance=provenance, point_sources=points, **layers)


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
