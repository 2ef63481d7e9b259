"""``minettgeo export``: a result layer or raster, whole or filtered, with its provenance."""

from __future__ import annotations

from pathlib import Path

import click

from minettgeo.cli_options import directory_option, results_option
from minettgeo.console import echo
from minettgeo.errors import ParameterError
from minettgeo.export.layers import VECTOR_FORMATS, Filters, export_layer, export_raster


def parse_bbox(text: str | None) -> tuple[float, float, float, float] | None:
    """``minx,miny,maxx,maxy`` in EPSG:2169 (metres)."""
    if text is None:
        return None
    try:
        values = [float(v) for v in text.split(",")]
    except ValueError:
        values = []
    if len(values) != 4 or values[0] > values[2] or values[1] > values[3]:
        raise ParameterError(
            f"--bbox {text!r}: give minx,miny,maxx,maxy in EPSG:2169 metres with min <= max"
        )
    return (values[0], values[1], values[2], values[3])


@click.command("export")
@results_option()
@click.option("--layer", default=None, help="vector result layer (parcels, districts, ...)")
@click.option("--raster", default=None, help="result raster (heat_density, carbon_stock, ...)")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(VECTOR_FORMATS), case_sensitive=False),
    default="gpkg",
    show_default=True,
    help="vector format (rasters are always Cloud-Optimised GeoTIFF)",
)
@click.option("--commune", default=None, metavar="LAU2", help="only this commune")
@click.option("--district", default=None, metavar="ID", help="only this district")
@click.option("--bbox", default=None, metavar="MINX,MINY,MAXX,MAXY", help="EPSG:2169 metres")
@directory_option(
    "--out",
    "out_dir",
    None,
    "new folder for the export (the file and datapackage.json)",
    required=True,
)
def export_command(
    results_dir: Path,
    layer: str | None,
    raster: str | None,
    fmt: str,
    commune: str | None,
    district: str | None,
    bbox: str | None,
    out_dir: Path,
) -> None:
    """Export a result LAYER (GeoPackage, GeoParquet, GeoJSON, FlatGeobuf, CSV) or RASTER (COG),
    whole or filtered by commune, district or bbox, into OUT with its datapackage.json."""
    from minettgeo.layers.codes import normalise_lau2
    from minettgeo.results.reader import open_results

    if (layer is None) == (raster is None):
        raise ParameterError("give --layer or --raster (one of them)")
    if commune and district:
        raise ParameterError("give --commune or --district, not both")
    filters = Filters(
        commune=normalise_lau2(commune) if commune else None,
        district=district,
        bbox=parse_bbox(bbox),
    )
    results = open_results(results_dir)
    if layer is not None:
        folder = export_layer(results, layer, fmt, out_dir, filters)
    else:
        folder = export_raster(results, str(raster), out_dir, filters)
    echo(f"run {results.run_id}: exported to {folder}")
    for path in sorted(folder.iterdir()):
        echo(f"  wrote {path}")
