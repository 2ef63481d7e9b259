"""The ``minettgeo`` command.

Exit codes: 0 success, 1 bad input (the message names the layer, column or parameter), 2 usage
error (unknown option, missing argument; click's own convention).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from minettgeo import __version__
from minettgeo.console import Progress
from minettgeo.errors import MinettgeoError, ParameterError

F = TypeVar("F", bound=Callable[..., Any])


class MinettgeoGroup(click.Group):
    """Turns every :class:`MinettgeoError` into a message on stderr and exit status 1."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except MinettgeoError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)


@click.group(cls=MinettgeoGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="minettgeo")
def main() -> None:
    """minettgeo: GHG emissions and carbon sinks per parcel and district for the Minett."""


def directory_option(flag: str, dest: str, default: str, help_text: str) -> Callable[[F], F]:
    """A ``--flag DIR`` option with a default directory."""
    return click.option(
        flag,
        dest,
        type=click.Path(file_okay=False, path_type=Path),
        default=Path(default),
        show_default=True,
        help=help_text,
    )


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
    metavar="LAU2[,LAU2...]",
    help="commune codes from lu_communes.geojson (default: the 11 Minett communes)",
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
@click.option("--quiet", is_flag=True, help="no progress lines")
def sample(
    out_dir: Path, layers_dir: Path, communes: str | None, seed: int | None, fmt: str, quiet: bool
) -> None:
    """Build the sample region: real communes, modelled districts, parcels, buildings, roads and
    10 m land cover, written atomically to OUT."""
    from minettgeo.sample.build import DEFAULT_SEED, STEPS, build_sample_region, write_sample_region

    progress = Progress("sample", len(STEPS) + 1, quiet=quiet)
    region = build_sample_region(
        layers_dir, _codes(communes), seed=DEFAULT_SEED if seed is None else seed, progress=progress
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
    "--strict", is_flag=True, help="count repairs (reprojection, fixed geometries) as problems"
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
        click.echo(
            f"{report.layer}: {status} ({len(report.errors)} error(s), {len(report.repairs)} repair(s))"
        )
        for problem in report.problems:
            click.echo(f"  {problem.describe()}")
    sys.exit(1 if failed else 0)


@main.command()
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="write the Markdown here instead of printing it",
)
def contracts(out: Path | None) -> None:
    """Print the layer contracts (columns, types, units, allowed values) as Markdown."""
    from minettgeo.layers.docs import render_contracts

    text = render_contracts()
    if out is None:
        click.echo(text)
    else:
        out.write_text(text + "\n", encoding="utf-8")
        click.echo(f"wrote {out}")


@main.command("run")
@directory_option(
    "--layers", "layers_dir", "layers", "directory holding region.gpkg and landcover.tif"
)
@directory_option("--out", "out_dir", "results", "directory the results are written to")
@click.option(
    "--gwp",
    "gwp_set",
    type=click.Choice(["AR5", "AR4", "AR6"]),
    default="AR5",
    show_default=True,
    help="GWP100 set for CO2e",
)
@click.option(
    "--override",
    "overrides",
    type=click.Path(dir_okay=False, path_type=Path),
    multiple=True,
    help="factor table of the same shape as a shipped one (file named after it, e.g. grid_factors.csv); repeatable",
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
@click.option(
    "--draws",
    type=int,
    default=1000,
    show_default=True,
    help="Monte Carlo draws for the 90 % intervals",
)
@click.option(
    "--seed", type=click.IntRange(min=0), default=2028, show_default=True, help="Monte Carlo seed"
)
@click.option(
    "--dh-cell-threshold",
    type=float,
    default=333.0,
    show_default=True,
    help="district heating: minimum heat density of a hectare cell, MWh/(ha a)",
)
@click.option(
    "--dh-area-threshold",
    type=float,
    default=30.0,
    show_default=True,
    help="district heating: minimum demand of a connected area, GWh/a",
)
@click.option(
    "--carbon-table",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="carbon-pool table in InVEST format (lucode, c_above, c_below, c_soil, c_dead; t C/ha)",
)
@click.option(
    "--sink-rules",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="sink rules of the same shape as the shipped sink_rules.csv",
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
@click.option(
    "--sink-assumptions",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="the sinks working group's scenario table (shape of the shipped sink_assumptions.csv: "
    "measure, category, uptake_central, uptake_upper, rates_upper, priority)",
)
@click.option(
    "--urban-trees",
    is_flag=True,
    help="also report gross urban-tree growth (Nowak et al., Tier 2a crown cover) in its own "
    "column urban_tree_removal_tco2_a; never added to the Tier 1 net land flux",
)
@click.option("--quiet", is_flag=True, help="no progress lines")
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
    progress = Progress("run", STEPS, quiet=quiet)
    result = run(layers_dir, out_dir, options, progress)
    region = result.totals[result.totals["lau2"] == "region"].iloc[0]
    click.echo(
        f"region: BASIC {region['basic_tco2e'] / 1e6:.3f} Mt CO2e/a "
        f"(90 % interval {region['basic_p05_tco2e'] / 1e6:.3f}-{region['basic_p95_tco2e'] / 1e6:.3f}), "
        f"{region['basic_per_capita_tco2e']:.2f} t per resident; GWP {gwp_set}, factors {result.factors.version}"
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
    for path in result.written:
        click.echo(f"  wrote {path}")
    click.echo(f"done in {progress.elapsed:.1f} s")


@main.command()
@directory_option("--results", "results_dir", "results", "directory written by 'minettgeo run'")
@click.option(
    "--commune",
    default="region",
    show_default=True,
    metavar="LAU2",
    help="commune code (e.g. 0204) or 'region'",
)
def inventory(results_dir: Path, commune: str) -> None:
    """Print the GPC inventory table (sector x scope, by gas and CO2e) of the region or a commune."""
    from minettgeo.report.gpc import format_table, read_inventory

    table, totals = read_inventory(results_dir)
    if commune not in set(table["lau2"]):
        raise ParameterError(
            f"--commune {commune!r}: not in the inventory; use one of {sorted(set(table['lau2']))}"
        )
    click.echo(format_table(table, commune, "lau2"))
    row = totals[totals["lau2"] == commune].iloc[0]
    click.echo("")
    click.echo(
        f"BASIC   {row['basic_tco2e']:>14,.0f} t CO2e/a   90 % interval "
        f"{row['basic_p05_tco2e']:,.0f} - {row['basic_p95_tco2e']:,.0f}"
    )
    click.echo(
        f"BASIC+  {row['basic_plus_tco2e']:>14,.0f} t CO2e/a (gross; land removals {row['afolu_removals_tco2e']:,.0f})"
    )
    click.echo(
        f"per resident {row['basic_per_capita_tco2e']:.2f} t CO2e/a; biogenic CO2 (memo) {row['biogenic_co2_memo_t']:,.0f} t"
    )
