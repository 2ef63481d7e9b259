"""The ``minettgeo rank`` command (registered on the main group in cli.py)."""

from __future__ import annotations

from pathlib import Path

import click

from minettgeo.cli_options import file_option, results_option, seed_option
from minettgeo.models.residents import MIN_RESIDENTS
from minettgeo.rank.methods import METHODS
from minettgeo.rank.robustness import CONCENTRATION


@click.command("rank")
@results_option("directory written by 'minettgeo run' (its current run is ranked)")
@click.option(
    "--preset", default=None, help="named weight set: heating, sinks, mobility, balanced (default)"
)
@click.option(
    "--weights",
    default=None,
    metavar="NAME=VALUE,...",
    help="criterion weights (any numeric column of the candidates)",
)
@click.option(
    "--method", default="topsis", show_default=True, help=f"MCDA method: {', '.join(METHODS)}"
)
@click.option(
    "--candidates",
    "candidates",
    default="districts",
    show_default=True,
    metavar="FILE|districts|generated",
    help="the districts layer, generated parcel groups of 500-5,000 residents, or a vector file of polygons",
)
@click.option(
    "--top",
    type=int,
    default=3,
    show_default=True,
    help="size of the portfolio and of the top-k probability",
)
@click.option(
    "--draws",
    type=int,
    default=1000,
    show_default=True,
    help="robustness draws (weights x emissions)",
)
@seed_option
@click.option(
    "--concentration",
    type=float,
    default=CONCENTRATION,
    show_default=True,
    help="Dirichlet concentration of the weight draws",
)
@click.option(
    "--min-residents",
    type=float,
    default=MIN_RESIDENTS,
    show_default=True,
    help="per-resident criteria are undefined below this",
)
@click.option(
    "--residents-min", type=float, default=None, help="constraint: fewest residents of a candidate"
)
@click.option(
    "--residents-max", type=float, default=None, help="constraint: most residents of a candidate"
)
@click.option(
    "--max-per-commune",
    type=int,
    default=None,
    help="constraint: at most n portfolio candidates per commune",
)
@file_option("--exclude", "exclude", "constraint: polygons no candidate may overlap")
@click.option(
    "--exclude-parcels",
    default=None,
    metavar="ID,...",
    help="constraint: parcel ids no candidate may hold",
)
@click.option(
    "--cost",
    default=None,
    metavar="NAME,...",
    help="extra columns to treat as costs (lower is better)",
)
def rank_command(
    results_dir: Path,
    preset: str | None,
    weights: str | None,
    method: str,
    candidates: str,
    top: int,
    draws: int,
    seed: int,
    concentration: float,
    min_residents: float,
    residents_min: float | None,
    residents_max: float | None,
    max_per_commune: int | None,
    exclude: Path | None,
    exclude_parcels: str | None,
    cost: str | None,
) -> None:
    """Rank candidate test districts (MCDA with robustness, explanation and a portfolio); writes
    ranking.csv and a 'candidates' layer into a new run folder (current run + ranking)."""
    from minettgeo.rank.options import RankOptions
    from minettgeo.rank.output import publish_ranking
    from minettgeo.rank.runio import load_run
    from minettgeo.rank.service import rank_run
    from minettgeo.rank.tables import parse_weights

    options = RankOptions(
        weights=parse_weights(weights) if weights is not None else None,
        preset=preset,
        method=method,
        candidates=candidates,
        top=top,
        draws=draws,
        seed=seed,
        concentration=concentration,
        min_residents=min_residents,
        residents_min=residents_min,
        residents_max=residents_max,
        max_per_commune=max_per_commune,
        exclude=exclude,
        exclude_parcels=tuple(p.strip() for p in (exclude_parcels or "").split(",") if p.strip()),
        cost=tuple(c.strip() for c in (cost or "").split(",") if c.strip()),
    )
    options.check()
    run = load_run(results_dir)
    ranking = rank_run(run, options)
    folder = publish_ranking(ranking, results_dir, run.run_dir)
    t = ranking.table
    chosen = t[t["eligible"]].head(top)
    for cid, row in chosen.iterrows():
        click.echo(
            f"{int(row['rank']):>3}  {cid}  {row['name']}  score {row['score']:.3f}  P(top {top}) {row['p_top']:.0%}"
        )
    picks = ", ".join(
        f"{cid} ({lead or 'score'})"
        for cid, lead in t.loc[t["portfolio"], "portfolio_lead"].items()
    )
    click.echo(f"portfolio of {top}: {picks}")
    click.echo(
        f"  wrote {folder / 'ranking.csv'} and layer 'candidates' in {folder / 'minettgeo.gpkg'}"
    )
