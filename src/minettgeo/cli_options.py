"""Options shared by the commands (``cli.py`` and the commands defined beside their engine part):
one definition each, so every command spells, defaults and documents them alike."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

#: the seed every command defaults to (the Monte Carlo of run, check-policy, trajectory, rank)
DEFAULT_SEED = 2028
LAYERS_HELP = "directory holding the region's layers the inventory was computed from"
RESULTS_HELP = "results folder of 'minettgeo run' (its current run) or a run folder: the inventory"


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


def seed_option(func: F) -> F:
    """``--seed N`` (>= 0) of the seeded random draws."""
    return click.option(
        "--seed", type=click.IntRange(min=0), default=DEFAULT_SEED, show_default=True
    )(func)


def factor_options(func: F) -> F:
    """``--gwp`` (the GWP set) and ``--override FILE`` (factor table overrides, repeatable)."""
    func = click.option(
        "--override",
        "overrides",
        type=click.Path(dir_okay=False, path_type=Path),
        multiple=True,
        help="factor table override, as for 'minettgeo run'",
    )(func)
    return click.option(
        "--gwp",
        "gwp_set",
        type=click.Choice(["AR5", "AR4", "AR6"]),
        default="AR5",
        show_default=True,
    )(func)


def cluster_options(func: F) -> F:
    """``--workers N`` (a local dask cluster of N processes), ``--scheduler ADDRESS`` (an
    existing dask scheduler) and ``--worker-memory SIZE`` (docs/distributed.md)."""
    func = click.option(
        "--worker-memory",
        default="4GiB",
        show_default=True,
        metavar="SIZE",
        help="memory limit of each local worker (dask: pauses at 80 %, restarts at 95 %), "
        "e.g. 4GiB, 2500MB",
    )(func)
    func = click.option(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="run the per-feature stages on the dask scheduler at ADDRESS (tcp://HOST:8786; "
        "its workers must see the layers under the same path)",
    )(func)
    return click.option(
        "--workers",
        type=click.IntRange(1, 256),
        default=None,
        metavar="N",
        help="run the per-feature stages on a local dask cluster of N worker processes "
        "(one thread each); without --workers or --scheduler the run is single-process",
    )(func)
