"""One import: the product importer, then validation with the region, then the atomic write."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from minettgeo.importers.request import ImportRequest, Staged
from minettgeo.importers.stage import (
    ImportResult,
    existing_layers,
    grade_counts,
    validate_import,
    write_checked_raster,
    write_layers,
)
from minettgeo.layers.raster_contracts import FOREST_AGE, LANDCOVER


def _importers() -> dict[str, Callable[[ImportRequest], Staged]]:
    from minettgeo.importers.act import import_act_buildings, import_act_parcels
    from minettgeo.importers.communes import import_act_communes
    from minettgeo.importers.generic import import_generic
    from minettgeo.importers.landcover import import_corine, import_worldcover
    from minettgeo.importers.osm import import_osm
    from minettgeo.importers.points import import_ets, import_point_csv

    return {
        "act-communes": import_act_communes,
        "act-parcels": import_act_parcels,
        "act-buildings": import_act_buildings,
        "osm": import_osm,
        "corine": import_corine,
        "worldcover": import_worldcover,
        "generic": import_generic,
        "ets": import_ets,
        "point-sources-csv": import_point_csv,
    }


#: the kinds of ``minettgeo import`` and what each reads
KINDS = {
    "act-communes": "ACT commune boundaries (COMMUNE, LAU2) with the STATEC population (--population)",
    "act-parcels": "ACT cadastral parcels (PCN, INSPIRE CadastralParcel), any vector format",
    "act-buildings": "ACT building footprints with heights (INSPIRE Building)",
    "osm": "OpenStreetMap buildings and roads from .osm.pbf (pyrosm) or OSM GeoJSON",
    "corine": "CORINE Land Cover, vector (Code_18) or 100 m GeoTIFF",
    "worldcover": "ESA WorldCover 10 m GeoTIFF (classes mapped to CORINE)",
    "generic": "any vector file and a column-mapping file (--mapping, YAML or CSV)",
    "ets": "EU ETS verified-emissions table (CSV) and installation locations (--locations)",
    "point-sources-csv": "point sources in a CSV with coordinates",
}


def run_import(kind: str, req: ImportRequest) -> ImportResult:
    """Import ``req.src`` as ``kind`` into ``req.out_dir``; nothing is written on any error."""
    req = replace(req, existing=existing_layers(req.out_dir))
    staged = _importers()[kind](req)
    result = ImportResult(notes=list(staged.notes))
    source = staged.mapping.source if staged.mapping else staged.source
    licence = staged.mapping.licence if staged.mapping else staged.licence
    meta = {
        "source": source or kind,
        "licence": licence,
        "imported_from": Path(req.src).name,
        "importer": f"minettgeo import {kind}",
        "modelled": "false",
    }
    if staged.layers:
        checked, reports = validate_import(staged.layers, req.existing)
        result.reports += reports
        path = write_layers(req.out_dir, checked, {name: meta for name in checked})
        result.written.append(path)
        for name, gdf in checked.items():
            result.counts[name] = len(gdf)
            result.notes += [f"{name}: {line}" for line in grade_counts(gdf)]
    for name, raster in staged.rasters.items():
        contract = FOREST_AGE if name == "forest_age" else LANDCOVER
        path, report = write_checked_raster(
            req.out_dir, name, raster.array, raster.transform, contract, raster.tags
        )
        result.reports.append(report)
        result.written.append(path)
        result.counts[name] = int((raster.array != contract.nodata).sum())
    return result
