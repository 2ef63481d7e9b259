"""The ``minettgeo`` command.

Exit codes: 0 success, 1 bad input (the message names the file, layer, column or parameter), 2
usage error (unknown option, missing argument, option out of range). Every
:class:`~minettgeo.errors.MinettgeoError` is printed as one message and ends the command with its
``exit_code``; no traceback reaches the user (``MINETTGEO_DEBUG=1`` shows it for an unexpected
error). Text from the inputs (names, ids, codes) is escaped before it reaches the terminal.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from minettgeo import __version__
from minettgeo.cli_options import (
    cluster_options,
    directory_option,
    draws_option,
    factors,
    file_option,
    quiet_option,
    results_option,
    seeded,
)
from minettgeo.console import Progress, terminal_safe
from minettgeo.errors import (
    InternalError,
    LayerReadError,
    LayerWriteError,
    MinettgeoError,
    NotFoundError,
)
from minettgeo.limits import MAX_DRAWS, MIN_DRAWS

if TYPE_CHECKING:
    import pandas as pd

F = TypeVar("F", bound=Callable[..., Any])


def echo(text: str, *, err: bool = False) -> None:
    """Print ``text`` with control and bidirectional characters escaped."""
    click.echo(terminal_safe(text), err=err)


def fail(exc: MinettgeoError) -> None:
    """Print the error's message on stderr and exit with the error type's ``exit_code``."""
    echo(f"error: {exc}", err=True)
    if exc.exit_code == 2:
        echo("(usage error: see the command's --help)", err=True)
    sys.exit(exc.exit_code)


class MinettgeoGroup(click.Group):
    """Turns every :class:`MinettgeoError` into its message on stderr and its ``exit_code``;
    an unexpected exception becomes an :class:`InternalError` (no traceback)."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except MinettgeoError as exc:
            fail(exc)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:
            if os.environ.get("MINETTGEO_DEBUG"):
                raise
            fail(InternalError.of(exc))
        return None


class FiniteFloat(click.ParamType):
    """A finite number (not nan, not inf) in ``[minimum, maximum]``; ``open_min`` excludes the
    minimum. Out of range: usage error (exit 2)."""

    name = "number"

    def __init__(
        self, minimum: float | None = None, maximum: float | None = None, *, open_min: bool = False
    ) -> None:
        self.minimum, self.maximum, self.open_min = minimum, maximum, open_min

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        try:
            number = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number", param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number", param, ctx)
        low, high = self.minimum, self.maximum
        if low is not None and (number < low or (self.open_min and number == low)):
            self.fail(f"{value} must be {'>' if self.open_min else '>='} {low:g}", param, ctx)
        if high is not None and number > high:
            self.fail(f"{value} must be <= {high:g}", param, ctx)
        return number


@click.group(cls=MinettgeoGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="minettgeo")
def main() -> None:
    """minettgeo: GHG emissions and carbon sinks per parcel and district for the Minett."""


def _codes(value: str | None) -> list[str] | None:
    if not value:
        return None
    return [c.strip() for c in value.split(",") if c.strip()]


@main.command()
@directory_option("--out", "out_dir", "layers", "directory the layers are written to")
@directory_option(
    "--layers",
    "layers_dir",
    "layers",
    "directory holding sources/ and model/ (the builder's inputs)",
)
@click.option(
    "--communes",
    default=None,
    metavar="CODE|NAME[,...]",
    help="communes by LAU2 code or name (e.g. 0204,Dudelange), or 'all' for the whole country "
    "(default: the 11 Minett communes)",
)
@file_option(
    "--area",
    "area_path",
    "instead of communes: a vector file of polygons (column area_id, optional name)",
    exists=True,
)
@file_option(
    "--population",
    "population_path",
    "with --area: CSV of residents per polygon (columns area_id, population)",
    exists=True,
)
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=None,
    help="random seed (default 2028); same seed, same layers",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["gpkg", "parquet"]),
    default="gpkg",
    show_default=True,
    help="GeoPackage (one file, all layers) or one GeoParquet file per layer",
)
@quiet_option()
def sample(
    out_dir: Path,
    layers_dir: Path,
    communes: str | None,
    area_path: Path | None,
    population_path: Path | None,
    seed: int | None,
    fmt: str,
    quiet: bool,
) -> None:
    """Build the sample region: real communes (or any polygons), modelled districts, parcels,
    buildings, roads and 10 m land cover, written atomically to OUT."""
    from minettgeo.sample.build import DEFAULT_SEED, STEPS, build_sample_region, write_sample_region
    from minettgeo.sample.sources import AreaSpec

    if (area_path is None) != (population_path is None):
        raise click.UsageError("--area and --population go together (polygons and their residents)")
    if area_path is not None and communes:
        raise click.UsageError("give either --communes or --area, not both")
    area = AreaSpec(area_path, population_path) if area_path and population_path else None
    progress = Progress("sample", len(STEPS) + 1, quiet=quiet)
    region = build_sample_region(
        layers_dir,
        _codes(communes),
        seed=DEFAULT_SEED if seed is None else seed,
        progress=progress,
        area=area,
    )
    with progress.step(f"writing {fmt} layers to {out_dir}"):
        written = write_sample_region(region, out_dir, fmt)
    counts = ", ".join(f"{len(gdf):,} {name}" for name, gdf in region.vectors.items())
    h, w = region.landcover.shape
    click.echo(f"sample region (seed {region.seed}): {counts}; land cover {w}x{h} px at 10 m")
    for path in written:
        click.echo(f"  wrote {path}")
    click.echo(f"done in {progress.elapsed:.1f} s")


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--kind", default=None, help="contract to check a single-layer file against (e.g. parcels)"
)
@click.option(
    "--region",
    "region_path",
    type=click.Path(path_type=Path),
    default=None,
    help="file with a communes layer: features must lie inside these communes",
)
@click.option(
    "--strict",
    is_flag=True,
    help="count repairs (reprojection, fixed geometries) and warnings (implausible values) as problems",
)
def validate(path: Path, kind: str | None, region_path: Path | None, strict: bool) -> None:
    """Check PATH (GeoPackage, GeoParquet or GeoTIFF) against the layer contracts; list every
    problem. Exit 0 when valid, 1 when not."""
    from minettgeo.layers.region import validate_path

    reports = validate_path(path, kind, region_path)
    failed = False
    for report in reports:
        bad = report.problems if strict else report.errors
        failed |= bool(bad)
        status = "INVALID" if bad else "valid"
        echo(
            f"{report.layer}: {status} ({len(report.errors)} error(s), "
            f"{len(report.warnings)} warning(s), {len(report.repairs)} repair(s))"
        )
        for problem in report.problems:
            echo(f"  {problem.describe()}")
    sys.exit(1 if failed else 0)


@main.command()
@file_option("--out", "out", "write the Markdown here instead of printing it")
def contracts(out: Path | None) -> None:
    """Print the layer contracts (columns, types, units, allowed values) as Markdown."""
    from minettgeo.layers.docs import render_contracts

    text = render_contracts()
    if out is None:
        click.echo(text)
    else:
        write_text_atomically(out, text + "\n", "--out")
        echo(f"wrote {out}")


def write_text_atomically(path: Path, text: str, option: str) -> None:
    """Write ``text`` to ``path`` through a temporary file renamed over it: a full disk or a
    read-only folder leaves the previous file (or none), never a truncated or empty one."""
    from minettgeo.layers.io import atomic_path

    if not path.parent.is_dir():
        raise LayerWriteError(
            f"{option} {path}: folder {path.parent} does not exist; create it or choose another"
        )
    try:
        with atomic_path(path) as tmp:
            tmp.write_text(text, encoding="utf-8")
    except OSError as exc:
        reason = os.strerror(exc.errno) if exc.errno else str(exc)
        raise LayerWriteError(
            f"{option} {path}: could not be written ({reason}); nothing was written"
        ) from exc


@main.command("run")
@directory_option(
    "--layers", "layers_dir", "layers", "directory holding region.gpkg and landcover.tif"
)
@directory_option("--out", "out_dir", "results", "directory the results are written to")
@factors(
    gwp_help="GWP100 set for CO2e",
    override_help="factor table of the same shape as a shipped one (file named after it, e.g. "
    "grid_factors.csv); repeatable",
)
@click.option(
    "--electricity-factor",
    type=float,
    default=None,
    metavar="KG_PER_KWH",
    help="grid electricity factor, kg CO2e/kWh (default: the factor table's Luxembourg value)",
)
@click.option(
    "--district-heat-factor",
    type=float,
    default=None,
    metavar="KG_PER_KWH",
    help="district-heat factor, kg CO2e/kWh",
)
@draws_option(
    MIN_DRAWS,
    MAX_DRAWS,
    1000,
    f"Monte Carlo draws for the 90 % intervals ({MIN_DRAWS:,}-{MAX_DRAWS:,})",
)
@seeded("Monte Carlo seed")
@click.option(
    "--dh-cell-threshold",
    type=FiniteFloat(0.0, open_min=True),
    default=333.0,
    show_default=True,
    help="district heating: minimum heat density of a hectare cell, MWh/(ha a)",
)
@click.option(
    "--dh-area-threshold",
    type=FiniteFloat(0.0, open_min=True),
    default=30.0,
    show_default=True,
    help="district heating: minimum demand of a connected area, GWh/a",
)
@file_option(
    "--carbon-table",
    "carbon_table",
    "carbon-pool table in InVEST format (lucode, c_above, c_below, c_soil, c_dead; t C/ha)",
)
@file_option(
    "--sink-rules", "sink_rules", "sink rules of the same shape as the shipped sink_rules.csv"
)
@click.option(
    "--sink-start", type=int, default=2026, show_default=True, help="year the sink measures start"
)
@click.option(
    "--landcover-years",
    type=(int, int),
    default=None,
    metavar="BEFORE NOW",
    help="years of landcover_before.tif and landcover.tif (default: their 'year' tags)",
)
@file_option(
    "--sink-assumptions",
    "sink_assumptions",
    "the sinks working group's scenario table (shape of the shipped sink_assumptions.csv: "
    "measure, category, uptake_central, uptake_upper, rates_upper, priority)",
)
@click.option(
    "--urban-trees",
    is_flag=True,
    help="also report gross urban-tree growth (Nowak et al., Tier 2a crown cover) in its own "
    "column urban_tree_removal_tco2_a; never added to the Tier 1 net land flux",
)
@cluster_options
@quiet_option()
def run_command(
    layers_dir: Path,
    out_dir: Path,
    gwp_set: str,
    overrides: tuple[Path, ...],
    electricity_factor: float | None,
    district_heat_factor: float | None,
    draws: int,
    seed: int,
    dh_cell_threshold: float,
    dh_area_threshold: float,
    carbon_table: Path | None,
    sink_rules: Path | None,
    sink_start: int,
    landcover_years: tuple[int, int] | None,
    sink_assumptions: Path | None,
    urban_trees: bool,
    workers: int | None,
    scheduler: str | None,
    worker_memory: str,
    quiet: bool,
) -> None:
    """Compute emissions per building, road, parcel, district, commune and region, the GPC
    inventory with 90 % intervals, district-heating potential, land carbon stocks, removals and
    sink potential, into OUT."""
    from minettgeo.pipeline import STEPS, RunOptions, run

    options = RunOptions(
        gwp_set=gwp_set,
        overrides=overrides,
        electricity_kg_per_kwh=electricity_factor,
        district_heat_kg_per_kwh=district_heat_factor,
        draws=draws,
        seed=seed,
        dh_cell_threshold_mwh_ha=dh_cell_threshold,
        dh_area_threshold_gwh=dh_area_threshold,
        carbon_table=carbon_table,
        sink_rules=sink_rules,
        sink_start=sink_start,
        landcover_years=landcover_years,
        sink_assumptions=sink_assumptions,
        urban_trees=urban_trees,
    )
    if workers is not None or scheduler is not None:  # issue 15: docs/distributed.md
        from minettgeo.engine.distributed import ClusterOptions, run_on_cluster

        cluster = ClusterOptions(workers, scheduler, worker_memory)
        progress = Progress("run", STEPS - 1, quiet=quiet)
        result, memory = run_on_cluster(cluster, layers_dir, out_dir, options, progress)
        for line in memory:
            echo(f"  {line}")
    else:
        progress = Progress("run", STEPS, quiet=quiet)
        result = run(layers_dir, out_dir, options, progress)
    region = result.totals[result.totals["lau2"] == "region"].iloc[0]
    echo(
        f"region: BASIC {number(region['basic_tco2e'] / 1e6, digits=3)} Mt CO2e/a central (every "
        f"factor at its median; Monte Carlo median {number(region['basic_p50_tco2e'] / 1e6, digits=3)}, "
        f"90 % interval {number(region['basic_p05_tco2e'] / 1e6, digits=3)}-"
        f"{number(region['basic_p95_tco2e'] / 1e6, digits=3)}), "
        f"{number(region['basic_per_capita_tco2e'], digits=2)} t per resident; GWP {gwp_set}, "
        f"factors {result.factors.version}"
    )
    land = result.levels.region
    click.echo(
        f"land: {land['carbon_stock_tc'] / 1e6:.2f} Mt C in stock, net flux "
        f"{land['land_net_flux_tco2_a'] / 1e3:,.1f} kt CO2/a (90 % interval "
        f"{land['land_net_flux_p05_tco2_a'] / 1e3:,.1f} to {land['land_net_flux_p95_tco2_a'] / 1e3:,.1f}; "
        "BASIC+ AFOLU, apart from gross)"
    )
    click.echo(
        f"sink potential (scenario, additional to the baseline): "
        f"{land['sink_potential_2030_tco2_a'] / 1e3:,.1f} kt CO2/a in 2030, "
        f"{land['sink_potential_2050_tco2_a'] / 1e3:,.1f} in 2050 (upper bound "
        f"{land['sink_potential_2050_upper_tco2_a'] / 1e3:,.1f}; policy-dependent "
        f"{land['sink_policy_2050_tco2_a'] / 1e3:,.1f}), cumulative to 2050 "
        f"{land['sink_cumulative_2050_tco2'] / 1e3:,.0f} kt CO2"
    )
    for key in ("repairs", "warnings"):
        for line in result.provenance.get(key, []):
            echo(f"  {line}")
    echo(f"run {result.provenance['run_id']}: {result.written[0].parent}")
    for path in result.written:
        echo(f"  wrote {path}")
    echo(f"done in {progress.elapsed:.1f} s")


@main.command()
@results_option("directory written by 'minettgeo run'")
@click.option(
    "--commune",
    default="region",
    show_default=True,
    metavar="LAU2",
    help="commune code (e.g. 0204; 204 is read as 0204) or 'region'",
)
def inventory(results_dir: Path, commune: str) -> None:
    """Print the GPC inventory table (sector x scope, by gas and CO2e) of the region or a commune."""
    from minettgeo.layers.codes import normalise_lau2
    from minettgeo.report.gpc import format_table, read_inventory
    from minettgeo.results.store import current_run

    folder = current_run(results_dir) or results_dir
    table, totals = read_inventory(folder)
    refuse_non_finite_totals(totals, folder / "gpc_inventory.json")
    code = commune if commune == "region" else normalise_lau2(commune)
    if code not in set(table["lau2"]):
        raise NotFoundError(
            f"--commune {commune!r}: not in the inventory of {results_dir}; use one of "
            f"{', '.join(sorted(set(table['lau2'])))}"
        )
    table = table.assign(
        name=table["name"].astype(str).map(lambda v: terminal_safe(v, inline=True))
    )
    echo(format_table(table, code, "lau2"))
    row = totals[totals["lau2"] == code].iloc[0]
    echo("")
    echo(
        f"BASIC   {number(row['basic_tco2e'], 14)} t CO2e/a central (factors at their medians); "
        f"Monte Carlo median {number(row['basic_p50_tco2e'])}, 90 % interval "
        f"{number(row['basic_p05_tco2e'])} - {number(row['basic_p95_tco2e'])}"
    )
    echo(
        f"BASIC+  {number(row['basic_plus_tco2e'], 14)} t CO2e/a (gross; land removals "
        f"{number(row['afolu_removals_tco2e'])})"
    )
    echo(
        f"per resident {number(row['basic_per_capita_tco2e'], digits=2)} t CO2e/a; "
        f"biogenic CO2 (memo) {number(row['biogenic_co2_memo_t'])} t"
    )


def refuse_non_finite_totals(totals: pd.DataFrame, path: Path) -> None:
    """LayerReadError when a BASIC or BASIC+ total is missing or infinite: such results come from
    inputs with non-finite values and must not be printed as numbers."""
    import numpy as np
    import pandas as pd

    cols = [c for c in ("basic_tco2e", "basic_plus_tco2e") if c in totals.columns]
    values = totals[cols].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values).all(axis=1)
    if bad.any():
        raise LayerReadError(
            f"{path}: totals that are not finite numbers for {', '.join(totals.loc[bad, 'lau2'])} "
            f"({', '.join(cols)}); these results are unusable: rerun 'minettgeo run' on inputs "
            "that pass 'minettgeo validate'"
        )


def number(value: object, width: int = 0, digits: int = 0) -> str:
    """``value`` with thousands separators, or ``n/a`` when it is missing or not finite (a
    commune without residents has no per-resident figure)."""
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        x = math.nan
    text = f"{x:,.{digits}f}" if math.isfinite(x) else "n/a"
    return f"{text:>{width}}"


def _register_commands() -> None:
    """Commands defined beside the engine part they drive."""
    from minettgeo.export.command import export_command
    from minettgeo.importers.command import import_command
    from minettgeo.kpi.command import kpis_command
    from minettgeo.monitor.command import monitor_command
    from minettgeo.rank.command import rank_command
    from minettgeo.report.progress.command import report_command
    from minettgeo.scenarios.command import (
        check_policy_command,
        robust_plan_command,
        trajectory_command,
    )
    from minettgeo.serve import serve_command

    main.add_command(check_policy_command)
    main.add_command(trajectory_command)
    main.add_command(robust_plan_command)
    main.add_command(serve_command)
    main.add_command(export_command)
    main.add_command(rank_command)
    main.add_command(kpis_command)
    main.add_command(report_command)
    main.add_command(monitor_command)
    main.add_command(import_command)


_register_commands()
