"""Inputs and outputs of ``minettgeo trajectory``: the current inventory of a results folder,
the 2005 baseline, and the CSV / JSON / SVG written as one unit (staged, then moved into place).

I/O lives here; the trajectory itself (:mod:`trajectory`), its JSON document
(:mod:`trajectory_doc`) and its chart (:mod:`trajectory_svg`) are pure."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from minettgeo import __version__
from minettgeo.errors import LayerWriteError, PolicyError
from minettgeo.factors.tables import FactorSet
from minettgeo.land.tables import load_carbon_tables
from minettgeo.layers.region import RegionLayers
from minettgeo.results.reader import open_results
from minettgeo.scenarios import backcast as bc
from minettgeo.scenarios import baseline as bl
from minettgeo.scenarios import baseline_draws as bd
from minettgeo.scenarios import effects as fx
from minettgeo.scenarios.baseline_table import read_baseline_table
from minettgeo.scenarios.resources import resource_table
from minettgeo.scenarios.scenario import INVENTORY_YEAR, Scenario
from minettgeo.scenarios.trajectory import Trajectory, compute_trajectory, long_table
from minettgeo.scenarios.trajectory_doc import document
from minettgeo.scenarios.trajectory_doc import level_bands as level_bands
from minettgeo.scenarios.trajectory_svg import svg_chart

FILES = {
    "csv": "trajectory.csv",
    "json": "trajectory.json",
    "svg": "trajectory.svg",
    "resources": "resources.csv",
}


@dataclass(frozen=True)
class Inventory:
    """The current inventory of a run: rows (lau2, code, co2e_t), residents and names."""

    rows: pd.DataFrame
    population: dict[str, float]
    names: dict[str, str]
    run_dir: Path


def load_inventory(results: Path) -> Inventory:
    """The inventory of a results folder (following ``current``) or of a run folder, read
    through :func:`minettgeo.results.reader.open_results`."""
    run = open_results(Path(results))
    return Inventory(
        rows=bl.current_rows(run.inventory()),
        population=run.commune_population(),
        names=run.level_names(),
        run_dir=run.run_dir,
    )


def check_same_region(inventory: Inventory, region: RegionLayers) -> None:
    layers = set(region.communes["lau2"].astype(str))
    inv = set(inventory.rows["lau2"])
    if layers != inv:
        raise PolicyError(
            f"the inventory of {inventory.run_dir} covers communes {', '.join(sorted(inv))} but "
            f"the layers hold {', '.join(sorted(layers))}: pass the --layers the run was made from"
        )


def baseline_for(
    scenario: Scenario,
    region: RegionLayers,
    factors: FactorSet,
    inventory: Inventory,
    table: Path | None = None,
    *,
    draws: int = 0,
    seed: int = 2028,
) -> bl.Baseline:
    """The user's table (option or scenario) when given, else the back-cast; with ``draws``
    > 0 also its rows per draw (:mod:`baseline_draws`: a table without low/high stays exact)."""
    path = table or scenario.baseline_table
    if path is not None:
        user = read_baseline_table(path, sorted(inventory.population))
        return bd.table_draws(user, draws=draws, seed=seed) if draws > 0 else user
    assumptions = bl.load_assumptions(scenario.assumptions) if scenario.assumptions else None
    central = bc.backcast(
        region,
        factors,
        inventory.rows,
        inventory.population,
        assumptions=assumptions,
        origin=str(scenario.assumptions or "minettgeo (backcast_2005.csv)"),
    )
    if draws <= 0:
        return central
    return bd.backcast_draws(
        central, region, factors, inventory.rows, inventory.population, draws=draws, seed=seed
    )


def run_trajectory(
    scenario: Scenario,
    region: RegionLayers,
    factors: FactorSet,
    inventory: Inventory,
    *,
    draws: int,
    seed: int,
    baseline_table: Path | None = None,
) -> Trajectory:
    check_same_region(inventory, region)
    b05 = baseline_for(scenario, region, factors, inventory, baseline_table, draws=draws, seed=seed)
    ctx = fx.make_context(
        factors,
        region.buildings,
        region.parcels,
        region.roads,
        load_carbon_tables(),
        draws=draws,
        seed=seed,
        districts=region.districts,
    )
    t = compute_trajectory(scenario, ctx, inventory.rows, b05, inventory.names, seed=seed)
    prov = {
        "minettgeo": __version__,
        **factors.provenance(),
        "inventory": str(inventory.run_dir),
        "inventory_year": INVENTORY_YEAR,
        "draws": draws,
        "seed": seed,
        "scenario": scenario.origin,
        "scenario_sha256": scenario.sha256,
        "date": datetime.now(UTC).replace(microsecond=0).isoformat(),
    }
    return Trajectory(**{**t.__dict__, "provenance": prov})


def write_unit(
    out_dir: Path,
    files: Mapping[str, str | bytes],
    what: str,
    finish: Callable[[Path], object] | None = None,
) -> list[Path]:
    """Write ``files`` (name -> text or bytes) into ``out_dir`` as one unit: staged beside it,
    ``finish(staging folder)`` run on the staged files (e.g. a datapackage.json), then moved
    into place; a failure leaves the previous output untouched and nothing half-written."""
    out_dir = Path(out_dir)
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.staging-", dir=out_dir.parent))
    except OSError as exc:
        raise LayerWriteError(f"{out_dir}: cannot write the {what} here ({exc.strerror})") from exc
    try:
        for name, text in files.items():
            if isinstance(text, bytes):
                (staging / name).write_bytes(text)
            else:
                (staging / name).write_text(text, encoding="utf-8")
        if finish is not None:
            finish(staging)
        old = None
        if out_dir.exists():
            old = out_dir.with_name(f".{out_dir.name}.old-{staging.name[-8:]}")
            out_dir.rename(old)
        staging.rename(out_dir)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise LayerWriteError(
            f"{out_dir}: the {what} could not be written ({exc.strerror}); nothing changed"
        ) from exc
    return [out_dir / n for n in files]


def write_trajectory(t: Trajectory, out_dir: Path) -> list[Path]:
    """Write trajectory.csv, trajectory.json, resources.csv (per measure, commune and year:
    :func:`minettgeo.scenarios.resources.resource_table`) and the charts (English and French SVG) into
    ``out_dir`` as one unit."""
    files = {
        FILES["csv"]: long_table(t).to_csv(index=False, float_format="%.6g"),
        FILES["json"]: json.dumps(document(t), indent=1, ensure_ascii=False, default=str),
        FILES["svg"]: svg_chart(t, "en"),
        FILES["resources"]: resource_table(t).to_csv(index=False, float_format="%.6g"),
        "trajectory_fr.svg": svg_chart(t, "fr"),
    }
    return write_unit(out_dir, files, "trajectory")
