"""``minettgeo run``: every result for the configured region, written to ``results/``.

layers (validated) -> factors -> per-building and per-road models -> heat density and
district-heating potential -> roll-up to parcels, districts, communes, region -> GPC inventory ->
Monte Carlo intervals -> results/minettgeo.gpkg, gpc_inventory.csv/.json, heat_density.tif.

The computation is :mod:`minettgeo.engine` (inputs loaded once, pure stages); this module is the
I/O around it: load the inputs, compute, publish one run folder. Every output carries its
provenance: minettgeo version, factor set and its hash, GWP set, overrides, input layers with
their SHA-256, zonal cache key, Monte Carlo draws and seed, date.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from minettgeo import CRS
from minettgeo.aggregate.levels import BUILDING_SUMS
from minettgeo.console import Progress
from minettgeo.engine import RunOptions, RunResult, compute, load_inputs
from minettgeo.engine.compose import STEPS as COMPUTE_STEPS
from minettgeo.export.datapackage import write_run_datapackage
from minettgeo.land.rasters import carbon_stock_raster, parcel_value_raster
from minettgeo.layers import io
from minettgeo.layers.codes import (
    GRADED_BUILDING_ATTRIBUTES,
    GRADED_ROAD_ATTRIBUTES,
    VEHICLE_CLASS,
    grade_column,
)
from minettgeo.layers.multipart import as_multipart
from minettgeo.report import gpc
from minettgeo.results import store
from minettgeo.results.run_folder import INVENTORY_JSON, PROVENANCE_FILE, RESULTS_FILE

if TYPE_CHECKING:
    from distributed import Client

__all__ = ["RunOptions", "RunResult", "run", "write_results"]

INVENTORY_CSV = "gpc_inventory.csv"
HEAT_DENSITY_FILE = "heat_density.tif"
CARBON_STOCK_FILE = "carbon_stock.tif"
SINK_POTENTIAL_FILE = "sink_potential.tif"
SINK_MEASURES_FILE = "sink_measures.csv"
#: the zonal cache of a results directory (kept across runs)
CACHE_DIR = ".cache"
#: progress steps of a run: loading, the computation, writing
STEPS = COMPUTE_STEPS + 2


BUILDING_OUT = [
    "building_id",
    "parcel_id",
    "district_id",
    "lau2",
    "use",
    "construction_period",
    "heated_area_m2",
    "dwellings",
    "heating_carrier",
    "renovation_state",
    *BUILDING_SUMS,
    "gpc_subsector",
    "dh_potential_area",
    # data quality (docs/data-quality.md) and the point source covering the building's scope 1
    # (docs/point_sources.md), when present
    *(grade_column(a) for a in GRADED_BUILDING_ATTRIBUTES),
    "estimated_attribute_share",
    "data_quality_score",
    "activity_grade",
    "point_source_id",
    "geometry",
]
ROAD_OUT = [
    "road_id",
    "road_class",
    "name",
    "source",
    "length_m",
    *[f"vkm_{vc}_a" for vc in VEHICLE_CLASS],
    "vkm_a",
    "co2_t_a",
    "ch4_t_a",
    "n2o_t_a",
    "ghg_tco2e_a",
    "ev_vkm_a",
    "ev_kwh_a",
    "ev_tco2e_a",
    # data quality of the traffic (docs/data-quality.md)
    *(grade_column(a) for a in GRADED_ROAD_ATTRIBUTES),
    "activity_grade",
    "data_quality_score",
    "estimated_vkm_a",
    "geometry",
]


def run_fingerprint(provenance: dict[str, Any]) -> str:
    """What makes a run: its provenance without the date and run id, as canonical JSON."""
    return json.dumps(
        {k: v for k, v in provenance.items() if k not in {"date", "run_id"}},
        sort_keys=True,
        default=str,
    )


def run_id_for(result: RunResult) -> str:
    """``<date>-<hash of inputs and options>`` (see :func:`minettgeo.results.store.make_run_id`)."""
    return store.make_run_id(result.record.date, result.record.fingerprint())


def write_results(result: RunResult, out_dir: Path) -> list[Path]:
    """Publish every result file as one run folder ``out_dir/runs/<run_id>`` and point
    ``out_dir/current`` at it (:func:`minettgeo.results.store.publish`): a failure or a kill while
    writing leaves the previous results untouched. The run id goes into every file's provenance."""

    def write(staging: Path) -> None:
        record = result.record.with_run_id(store.run_id_of(staging))
        _write_result_files(result, record.to_dict(), staging)
        result.record = record

    folder = store.publish(out_dir, write, run_id=run_id_for(result))
    return sorted(folder.iterdir())


def _write_result_files(result: RunResult, provenance: dict[str, Any], out_dir: Path) -> list[Path]:
    """The results GeoPackage, inventory (CSV, JSON), sink detail and the COG rasters."""
    prov = json.dumps(provenance, default=str)
    meta = {
        name: {"provenance": prov, "modelled": "true"}
        for name in ("buildings", "parcels", "districts", "communes", "roads", "dh_potential_areas")
    }
    levels = result.levels
    layers = {
        "buildings": result.buildings[[c for c in BUILDING_OUT if c in result.buildings.columns]],
        "parcels": levels.parcels,
        "districts": levels.districts,
        "communes": levels.communes,
        "roads": result.roads[[c for c in ROAD_OUT if c in result.roads.columns]],
        "dh_potential_areas": result.dh_areas,
    }
    points = result.inputs.region.point_sources
    if points is not None and len(points):
        # the reported (or modelled) facilities as published: their rows, tonnes and grades
        layers["point_sources"] = points
        meta["point_sources"] = {"provenance": prov, "modelled": "as given (see source, grade)"}
    # one geometry type per layer whatever the data: polygons and lines published as multi-part
    layers = {name: as_multipart(gdf) for name, gdf in layers.items()}
    written = [io.write_vectors(out_dir / RESULTS_FILE, layers, meta)]
    table = result.inventory
    written += gpc.write_inventory(
        table,
        result.totals,
        provenance,
        out_dir / INVENTORY_CSV,
        out_dir / INVENTORY_JSON,
    )
    written.append(
        io.write_raster(
            out_dir / HEAT_DENSITY_FILE,
            result.heat.density_mwh_ha.astype(np.float32),
            result.heat.transform,
            CRS,
            None,
            tags={"unit": "MWh/(ha a)", "quantity": "useful heat need density", "provenance": prov},
            band_description="heat need density, MWh/(ha a)",
        )
    )
    land_tags = {"provenance": prov}
    stock = result.carbon.stock_per_ha()
    written.append(
        carbon_stock_raster(
            result.land_inputs.landcover,
            dict(zip(stock.index.astype(int).tolist(), stock.astype(float).tolist(), strict=True)),
            out_dir / CARBON_STOCK_FILE,
            land_tags,
        )
    )
    parcels = levels.parcels
    written.append(
        parcel_value_raster(
            result.land_inputs.landcover,
            parcels,
            parcels["sink_potential_2050_tco2_ha_a"].to_numpy(),
            out_dir / SINK_POTENTIAL_FILE,
            {
                **land_tags,
                "unit": "t CO2/(ha a)",
                "quantity": "sink potential in 2050 per hectare of parcel",
            },
        )
    )
    detail = out_dir / SINK_MEASURES_FILE
    with io.atomic_path(detail) as tmp:
        result.sink_detail.to_csv(tmp, index=False, float_format="%.6g")
    written.append(detail)
    record = out_dir / PROVENANCE_FILE
    with io.atomic_path(record) as tmp:
        tmp.write_text(json.dumps(provenance, indent=1, default=str), encoding="utf-8")
    written.append(record)
    # issue 11: datapackage.json describes every file above (columns, units, provenance)
    written.append(write_run_datapackage(out_dir, provenance))
    return written


def run(
    layers_dir: Path,
    out_dir: Path,
    options: RunOptions | None = None,
    progress: Progress | None = None,
    *,
    date: datetime | None = None,
    client: Client | None = None,
) -> RunResult:
    """Load and validate the layers, compute everything, publish a run folder in ``out_dir``.
    The zonal step is cached in ``out_dir/.cache`` unless the options name another folder.
    With a dask ``client`` the per-feature stages run on its cluster (docs/distributed.md)."""
    options = options or RunOptions()
    options.check()
    out_dir = Path(out_dir)
    store.check_writable(out_dir)
    if options.cache_dir is None:
        options = RunOptions(**{**options.__dict__, "cache_dir": out_dir / CACHE_DIR})
    progress = progress or Progress("run", STEPS, quiet=True)
    with progress.step(f"loading and validating the layers in {layers_dir}"):
        inputs = load_inputs(Path(layers_dir), options)
    if client is None:
        result = compute(inputs, date or datetime.now(UTC), progress)
    else:  # issue 15: the per-feature stages on a dask cluster, the same results
        from minettgeo.engine.distributed import compute_distributed

        result = compute_distributed(client, inputs, date or datetime.now(UTC), progress)
    with progress.step(f"writing results to {out_dir}"):
        result.written = write_results(result, out_dir)
    return result
