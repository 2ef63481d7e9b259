"""The ``minettgeo sample`` command (registered on the main group in cli.py)."""

from __future__ import annotations

from pathlib import Path

import click

from minettgeo.cli_options import directory_option, file_option, quiet_option
from minettgeo.console import Progress


def _codes(value: str | None) -> list[str] | None:
    if not value:
        return None
    return [c.strip() for c in value.split(",") if c.strip()]


@click.command("sample")
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
    from minettgeo.sample.build import DEFAULT_SEED, STEPS, build_sample_region
    from minettgeo.sample.sources import AreaSpec
    from minettgeo.sample.write import write_sample_region

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
