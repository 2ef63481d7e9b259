"""The ``minettgeo`` command.

Exit codes: 0 success, 1 bad input (the message names the file, layer, column or parameter), 2
usage error (unknown option, missing argument, option out of range). Every
:class:`~minettgeo.errors.MinettgeoError` is printed as one message and ends the command with its
``exit_code``; no traceback reaches the user (``MINETTGEO_DEBUG=1`` shows it for an unexpected
error). Text from the inputs (names, ids, codes) is escaped before it reaches the terminal.
"""

from __future__ import annotations

import os
import sys

import click

from minettgeo import __version__
from minettgeo.console import echo as echo
from minettgeo.errors import InternalError, MinettgeoError


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


@click.group(cls=MinettgeoGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="minettgeo")
def main() -> None:
    """minettgeo: GHG emissions and carbon sinks per parcel and district for the Minett."""


def _register_commands() -> None:
    """Commands defined beside the package they drive (``<package>/command.py``)."""
    from minettgeo.export.command import export_command
    from minettgeo.importers.command import import_command
    from minettgeo.kpi.command import kpis_command
    from minettgeo.layers.command import contracts, validate
    from minettgeo.monitor.command import monitor_command
    from minettgeo.rank.command import rank_command
    from minettgeo.report.progress.command import report_command
    from minettgeo.results.command import inventory, run_command
    from minettgeo.sample.command import sample
    from minettgeo.scenarios.command import (
        check_policy_command,
        robust_plan_command,
        trajectory_command,
    )
    from minettgeo.serve import serve_command

    main.add_command(sample)
    main.add_command(validate)
    main.add_command(contracts)
    main.add_command(run_command)
    main.add_command(inventory)
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
