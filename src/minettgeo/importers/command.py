"""The ``minettgeo import`` command (registered on the main group in cli.py)."""

from __future__ import annotations

from pathlib import Path

import click

from minettgeo.cli_options import directory_option, file_option
from minettgeo.importers.run import KINDS


@click.command("import")
@click.argument("kind", type=click.Choice(list(KINDS)))
@click.argument("src", type=click.Path(path_type=Path))
@directory_option(
    "--out",
    "out_dir",
    "layers",
    "region folder the layers are written to (region.gpkg, landcover.tif)",
)
@file_option(
    "--mapping",
    "mapping_file",
    "column-mapping file (YAML or CSV target,source): replaces entries of the product's "
    "shipped mapping (renamed columns, other codes); required for 'generic'",
)
@click.option(
    "--communes",
    default=None,
    metavar="LAU2[,LAU2...]",
    help="keep only the features of these communes (default: all in the file)",
)
@click.option(
    "--layer",
    "layer",
    default=None,
    help="which layer to write: osm buildings|roads (default both); corine/worldcover "
    "landcover|landcover_before (default landcover); generic: the contract (default the "
    "mapping's 'layer:')",
)
@file_option(
    "--locations",
    "locations",
    "ets: CSV of installation locations (INSTALLATION_IDENTIFIER, longitude, latitude)",
)
@click.option(
    "--population",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="act-communes: STATEC population table (LUSTAT LU1:DF_X021 SDMX-CSV export, or CSV "
    "lau2,year,population)",
)
@click.option(
    "--year",
    type=click.IntRange(1800, 2100),
    default=None,
    help="ets: reporting year (default the latest with values); act-communes: population year "
    "(default the latest in --population); land cover: the product's year",
)
@directory_option(
    "--model",
    "model_dir",
    "layers/model",
    "calibration tables of the fill rules (building_uses.csv, heating_shares.csv, ...)",
)
def import_command(
    kind: str,
    src: Path,
    out_dir: Path,
    mapping_file: Path | None,
    communes: str | None,
    layer: str | None,
    locations: Path | None,
    population: Path | None,
    year: int | None,
    model_dir: Path,
) -> None:
    """Import SRC, a file of a real product (KIND), into the region folder OUT: its columns
    and codes mapped onto the layer contracts, reprojected to LUREF, missing attributes filled
    with a data-quality grade, validated, and written atomically (nothing is written on an
    error). Kinds: act-communes, act-parcels, act-buildings, osm, corine, worldcover, generic, ets,
    point-sources-csv (docs/importers.md)."""
    from minettgeo.cli import echo
    from minettgeo.errors import ParameterError
    from minettgeo.importers.mapping import read_mapping
    from minettgeo.importers.request import ImportRequest
    from minettgeo.importers.run import run_import
    from minettgeo.layers.codes import normalise_lau2

    allowed = {
        "osm": ("buildings", "roads"),
        "corine": ("landcover", "landcover_before"),
        "worldcover": ("landcover", "landcover_before"),
    }
    if layer is not None and kind in allowed and layer not in allowed[kind]:
        raise ParameterError(f"--layer {layer}: for {kind} one of {', '.join(allowed[kind])}")
    codes = [normalise_lau2(c) for c in communes.split(",") if c.strip()] if communes else None
    request = ImportRequest(
        src=src,
        out_dir=out_dir,
        mapping=read_mapping(mapping_file) if mapping_file else None,
        communes=codes,
        model_dir=model_dir,
        only=layer,
        locations=locations,
        year=year,
        population=population,
    )
    result = run_import(kind, request)
    for name, n in result.counts.items():
        echo(f"{name}: {n:,} {'cells' if name.startswith('landcover') else 'features'}")
    for report in result.reports:
        for problem in report.problems:
            echo(f"  {problem.describe()}")
    for note in result.notes:
        echo(f"  {note}")
    for path in result.written:
        echo(f"wrote {path}")
