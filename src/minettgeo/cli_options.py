"""Options shared by the commands (``cli.py`` and the commands defined beside their engine part):
one definition each, so every command spells, defaults and documents them alike."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

#: the seed every command defaults to (the Monte Carlo of run, check-policy, trajectory, rank)
DEFAULT_SEED = 2028
LAYERS_HELP = "directory holding the region's layers the inventory was computed from"
RESULTS_HELP = "results folder of 'minettgeo run' (its current run) or a run folder: the inventory"


#: what the folder given to ``--results`` is, in every command that reads a run
RESULTS_DIR_HELP = "results folder (its current run)"
#: the id lists of the commands (``--pilots``, ``--kpi`` ...)
ID_LIST = "ID[,ID...]"


def directory_option(
    flag: str,
    dest: str,
    default: str | Path | None,
    help_text: str,
    *,
    required: bool = False,
) -> Callable[[F], F]:
    """A ``--flag DIR`` option (a folder, not a file); its default shown when there is one."""
    return click.option(
        flag,
        dest,
        type=click.Path(file_okay=False, path_type=Path),
        default=None if default is None else Path(default),
        show_default=default is not None,
        required=required,
        help=help_text,
    )


def results_option(
    help_text: str = RESULTS_DIR_HELP, *, default: str | None = "results"
) -> Callable[[F], F]:
    """``--results DIR``: the results folder of 'minettgeo run' whose current run a command
    reads (``results_dir``)."""
    return directory_option("--results", "results_dir", default, help_text)


def file_option(
    flag: str,
    dest: str,
    help_text: str,
    *,
    required: bool = False,
    exists: bool = False,
    dir_ok: bool = False,
) -> Callable[[F], F]:
    """An optional (or ``required``) ``--flag FILE`` option: a file path, None when not given;
    ``dir_ok``: a folder is accepted too."""
    return click.option(
        flag,
        dest,
        type=click.Path(exists=exists, dir_okay=dir_ok, path_type=Path),
        default=None,
        required=required,
        help=help_text,
    )


def ids_option(flag: str, dest: str, help_text: str, *, required: bool = False) -> Callable[[F], F]:
    """``--flag ID[,ID...]``: a comma-separated list of ids (text, parsed by the command)."""
    return click.option(
        flag, dest, default=None, required=required, metavar=ID_LIST, help=help_text
    )


def kpis_option(help_text: str = "KPI registry CSV (default: the shipped one)") -> Callable[[F], F]:
    """``--kpis FILE``: the KPI registry CSV (docs/kpis.md); None: the shipped one."""
    return file_option("--kpis", "kpis", help_text)


def draws_option(low: int, high: int, default: int, help_text: str) -> Callable[[F], F]:
    """``--draws N`` in ``[low, high]``: Monte Carlo draws (out of range: usage error)."""
    return click.option(
        "--draws",
        type=click.IntRange(low, high),
        default=default,
        show_default=True,
        help=help_text,
    )


def quiet_option(help_text: str = "no progress lines") -> Callable[[F], F]:
    """``--quiet``: no progress lines (or, for the server, no access log)."""
    return click.option("--quiet", is_flag=True, help=help_text)


def seeded(help_text: str | None = None) -> Callable[[F], F]:
    """``--seed N`` (>= 0, default :data:`DEFAULT_SEED`) of the seeded random draws."""
    return click.option(
        "--seed",
        type=click.IntRange(min=0),
        default=DEFAULT_SEED,
        show_default=True,
        help=help_text,
    )


def seed_option(func: F) -> F:
    """``--seed N`` (>= 0) of the seeded random draws."""
    return seeded()(func)


#: the ``--override`` help of the commands that take the run's factor options again
OVERRIDE_HELP = "factor table override, as for 'minettgeo run'"


def factors(gwp_help: str | None = None, override_help: str = OVERRIDE_HELP) -> Callable[[F], F]:
    """``--gwp`` (the GWP set, ``gwp_set``) and ``--override FILE`` (factor table overrides,
    repeatable, ``overrides``)."""

    def decorate(func: F) -> F:
        func = click.option(
            "--override",
            "overrides",
            type=click.Path(dir_okay=False, path_type=Path),
            multiple=True,
            help=override_help,
        )(func)
        return click.option(
            "--gwp",
            "gwp_set",
            type=click.Choice(["AR5", "AR4", "AR6"]),
            default="AR5",
            show_default=True,
            help=gwp_help,
        )(func)

    return decorate


def factor_options(func: F) -> F:
    """``--gwp`` (the GWP set) and ``--override FILE`` (factor table overrides, repeatable)."""
    return factors()(func)


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
