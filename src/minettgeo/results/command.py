"""The ``minettgeo run`` command (computes a run and publishes it into a results folder) and
``minettgeo inventory`` (prints the GPC table of a published run); registered on the main group
in cli.py."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from minettgeo.cli_options import (
    FiniteFloat,
    cluster_options,
    directory_option,
    draws_option,
    factors,
    file_option,
    quiet_option,
    results_option,
    seeded,
)
from minettgeo.console import Progress, echo, number, terminal_safe
from minettgeo.errors import LayerReadError, NotFoundError
from minettgeo.limits import MAX_DRAWS, MIN_DRAWS

if TYPE_CHECKING:
    import pandas as pd


@click.command("run")
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
        from minettgeo.engine.cluster import ClusterOptions
        from minettgeo.engine.distributed import run_on_cluster

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


@click.command("inventory")
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
