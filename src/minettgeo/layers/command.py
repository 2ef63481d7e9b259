"""The ``minettgeo validate`` and ``minettgeo contracts`` commands (registered on the main group
in cli.py)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from minettgeo.cli_options import file_option
from minettgeo.console import echo
from minettgeo.errors import LayerWriteError


@click.command("validate")
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
    from minettgeo.layers.file_validation import validate_path

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


@click.command("contracts")
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
