"""The ``minettgeo`` command.

Exit codes: 0 success, 1 bad input (the message names the layer, column or parameter), 2 usage
error (unknown option, missing argument; click's own convention).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from minettgeo import __version__
from minettgeo.console import Progress
from minettgeo.errors import MinettgeoError


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


def _codes(value: str | None) -> list[str] | None:
    if not value:
        return None
    return [c.strip() for c in value.split(",") if c.strip()]


@main.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("layers"),
    show_default=True,
    help="directory the layers are written to",
)
@click.option(
    "--layers",
    "layers_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("layers"),
    show_default=True,
    help="directory holding sources/ and model/ (the builder's inputs)",
)
@click.option(
    "--communes",
    default=None,
    metavar="LAU2[,LAU2...]",
    help="commune codes from lu_communes.geojson (default: the 11 Minett communes)",
)
@click.option(
    "--seed", type=int, default=None, help="random seed (default 2028); same seed, same layers"
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
