"""The ``minettgeo monitor`` commands (registered on the main group in cli.py): ``choose`` fixes
the controls of the pilots when they are chosen, ``estimate`` estimates their effects once
observed values arrive."""

from __future__ import annotations

from pathlib import Path

import click

from minettgeo.cli_options import directory_option, file_option, ids_option, results_option


@click.group("monitor")
def monitor_command() -> None:
    """Test-district monitoring: controls matched to the pilots, balance, effect estimates."""


@monitor_command.command("choose")
@results_option("results of 'minettgeo run' (current run)")
@ids_option("--pilots", "pilots", "district ids of the chosen pilots", required=True)
@directory_option(
    "--out", "out_dir", "results/monitoring", "folder the record and balance table go to"
)
@click.option(
    "--controls",
    "k",
    type=click.IntRange(min=1),
    default=None,
    help="controls per pilot (default: rules.csv default_controls, 3)",
)
@click.option(
    "--variables",
    default=None,
    metavar="NAME[,NAME...]",
    help="variables to match on (default: those marked default in matching_variables.csv)",
)
@click.option(
    "--keep-neighbours",
    is_flag=True,
    help="let districts next to a pilot be its controls (default: left out, possible spillover)",
)
@click.option(
    "--min-residents",
    type=click.FloatRange(min=0),
    default=None,
    help="fewest residents of a control district (default: rules.csv min_residents, 500)",
)
@click.option(
    "--force",
    is_flag=True,
    help="replace an existing record (its controls were fixed when its pilots were chosen)",
)
def choose_command(
    results_dir: Path,
    pilots: str,
    out_dir: Path,
    k: int | None,
    variables: str | None,
    keep_neighbours: bool,
    min_residents: float | None,
    force: bool,
) -> None:
    """Match controls to the pilots on their pre-pilot values and fix them in OUT/controls.json
    with the balance table OUT/balance.csv; refuses to overwrite a record without --force."""
    from minettgeo.cli import echo
    from minettgeo.monitor.service import choose

    done = choose(
        results_dir,
        pilots,
        out_dir,
        k=k,
        variables=variables,
        keep_neighbours=keep_neighbours,
        min_residents=min_residents,
        force=force,
    )
    if done.replaced:
        echo(
            f"warning: replaced the controls record in {out_dir}: effects estimated against the "
            "previous controls no longer match it / avertissement : l'enregistrement des témoins "
            "a été remplacé",
            err=True,
        )
    c = done.choice
    echo(f"controls matched on run {done.run_id} ({', '.join(c.variables)}):")
    for p in c.pilots:
        pairs = ", ".join(
            f"{d} ({dist:.2f})" for d, dist in zip(c.controls[p], c.distances[p], strict=True)
        )
        echo(f"  {p}: {pairs}")
    worst = c.balance["standardised_difference"].abs().max()
    echo(f"largest standardised difference {worst:.2f}")
    for path in done.written:
        echo(f"  wrote {path}")


@monitor_command.command("estimate")
@directory_option(
    "--monitoring", "monitoring", "results/monitoring", "folder written by 'monitor choose'"
)
@file_option(
    "--observed",
    "observed",
    "observed values CSV (kpi_id,level,area_id,year,value,unit,source,note)",
    required=True,
)
@click.option(
    "--pilot-year",
    type=click.IntRange(2000, 2100),
    required=True,
    help="first year of the pilot (years before it are pre-pilot)",
)
@ids_option("--kpi", "kpis", "KPIs (default: all observed for the pilot)")
@ids_option("--pilots", "pilots", "pilots (default: all of the record)")
@click.option(
    "--modelled",
    is_flag=True,
    help="the observations are modelled (a worked example): accept years after the current one",
)
def estimate_command(
    monitoring: Path,
    observed: Path,
    pilot_year: int,
    kpis: str | None,
    pilots: str | None,
    modelled: bool,
) -> None:
    """Effect of each recorded pilot on each observed KPI, with its interval, against its fixed
    controls; writes MONITORING/effects.csv and effects.json."""
    from datetime import UTC, datetime

    from minettgeo.cli import echo
    from minettgeo.monitor.service import estimate

    latest = None if modelled else datetime.now(UTC).year
    done = estimate(monitoring, observed, pilot_year, kpis=kpis, pilots=pilots, latest_year=latest)
    for row in done.effects.itertuples():
        echo(f"  {row.note_en}")
    for path in done.written:
        echo(f"  wrote {path}")
