"""Validation of layers against their contracts: every problem at once, repaired where safe.

Safe repairs (reported, never silent): reprojection to EPSG:2169, invalid polygons made valid,
missing derivable columns computed (heated floor area, height, areas), commune codes read as
numbers padded to four digits. Refusals: missing required column, unknown code, duplicate or
missing id, empty layer, missing CRS, features outside the region, unrepairable or wrong-type
geometry, values that are not finite or outside their hard range, references to unknown features.
Warnings (listed, the value is used as given): values outside their plausible range.

This module validates a vector layer: the order of the checks, the derived columns, unique ids
and references to other layers. The checks themselves: :mod:`~minettgeo.layers.geometry_checks`
(CRS, geometries, region), :mod:`~minettgeo.layers.attribute_checks` (kinds, codes, ranges),
:mod:`~minettgeo.layers.raster_checks` (rasters); the report: :mod:`~minettgeo.layers.problems`.

``validate_vector`` and ``validate_raster`` return a report; ``ensure_valid`` raises
:class:`~minettgeo.errors.LayerValidationError` listing every problem when there are errors.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import geopandas as gpd
import pandas as pd
import shapely

from minettgeo.layers.attribute_checks import coerce_column
from minettgeo.layers.contract_types import Column, LayerContract
from minettgeo.layers.geometry_checks import check_crs, check_geometry, check_region
from minettgeo.layers.problems import ValidationReport, feature_ids


def validate_vector(
    gdf: gpd.GeoDataFrame,
    contract: LayerContract,
    *,
    region: shapely.Geometry | None = None,
    known_ids: Mapping[str, Iterable[str]] | None = None,
    layer_label: str | None = None,
) -> tuple[gpd.GeoDataFrame, ValidationReport]:
    """Check ``gdf`` against ``contract``; return the repaired layer and the report of all problems.

    ``region``: polygon the features must lie in (EPSG:2169). ``known_ids``: for referencing
    columns (e.g. ``{"parcels": parcel_ids}``), the ids of the referenced layer.
    """
    report = ValidationReport(layer_label or contract.name)
    if len(gdf) == 0:
        report.add("empty-layer", "the layer has no features; an empty layer cannot be used")
        return gdf, report
    checked = check_crs(gdf.copy(), report)
    if checked is None:
        return gdf, report
    gdf = checked

    for col in contract.columns:
        if col.name in gdf.columns:
            continue
        if col.derive is not None:
            if all(dep in gdf.columns for dep in _derive_inputs(col)):
                gdf[col.name] = col.derive(gdf)
                report.add(
                    "derived-column",
                    f"absent, derived: {(col.derive.__doc__ or '').splitlines()[0]}",
                    column=col.name,
                    repaired=True,
                )
        elif col.required:
            report.add(
                "missing-column",
                f"required column is missing ({col.description}"
                f"{', ' + col.unit if col.unit else ''}); add it to the layer",
                column=col.name,
            )
    for col in contract.columns:
        if col.name in gdf.columns:
            coerce_column(gdf, col, contract, report)

    if contract.id_column in gdf.columns:
        ids = gdf[contract.id_column]
        dup = ids.duplicated(keep=False).to_numpy() & ids.notna().to_numpy()
        if dup.any():
            report.add(
                "duplicate-id",
                f"{ids[dup].nunique()} id value(s) are used by more than one feature; ids must be unique",
                column=contract.id_column,
                ids=sorted({str(v) for v in ids[dup]}),
            )

    check_geometry(gdf, contract, report)
    if region is not None:
        check_region(gdf, contract, region, report)
    for column, (layer, _id_col) in contract.references.items():
        if known_ids is None or layer not in known_ids or column not in gdf.columns:
            continue
        given = known_ids[layer]
        known = given if isinstance(given, pd.Index) else pd.Index(list(given))
        known = known if known.is_unique else known.unique()
        values = gdf[column]
        # hash look-ups (Series.isin on Arrow strings is ~100x slower for 100k ids)
        dangling = values.notna().to_numpy() & (known.get_indexer(values) < 0)
        if dangling.any():
            report.add(
                "unknown-reference",
                f"values not found in layer '{layer}' ({', '.join(sorted(set(map(str, values[dangling])))[:5])})",
                column=column,
                ids=feature_ids(gdf, contract, dangling),
            )
    return gdf, report


def _derive_inputs(col: Column) -> tuple[str, ...]:
    """Columns a derivation needs besides the geometry."""
    return {"heated_area_m2": ("floors",), "height_m": ("floors",)}.get(col.name, ())


def ensure_valid(
    gdf: gpd.GeoDataFrame,
    contract: LayerContract,
    *,
    region: shapely.Geometry | None = None,
    known_ids: Mapping[str, Iterable[str]] | None = None,
) -> tuple[gpd.GeoDataFrame, ValidationReport]:
    """Like :func:`validate_vector`, but raise LayerValidationError listing all errors, if any."""
    gdf, report = validate_vector(gdf, contract, region=region, known_ids=known_ids)
    report.raise_if_errors()
    return gdf, report
