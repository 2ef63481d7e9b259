"""Render the layer contracts as Markdown (``docs/layers.md``), so the doc cannot drift."""

from __future__ import annotations

from minettgeo import CRS
from minettgeo.layers.codes import (
    CLC_LEVEL3,
    CONSTRUCTION_PERIODS,
    GRADE_WHEN_ABSENT,
    GRADED_BUILDING_ATTRIBUTES,
    GRADED_PARCEL_ATTRIBUTES,
    GRADED_RAIL_ATTRIBUTES,
    GRADED_ROAD_ATTRIBUTES,
    GRADES,
    POINT_SOURCE_GASES,
    POINT_SOURCE_SECTORS,
    RASTER_GRADE_TAG,
    grade_column,
)
from minettgeo.layers.contract_types import Column
from minettgeo.layers.contracts import VECTOR_CONTRACTS
from minettgeo.layers.raster_contracts import FOREST_AGE, LANDCOVER


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:g}"


def _bounds(low: float | None, high: float | None) -> str:
    if low is None and high is None:
        return ""
    return f"{_number(low)} - {_number(high)}".strip()


def _allowed(col: Column) -> str:
    if col.allowed is not None:
        return ", ".join(f"`{k}`" for k in col.allowed)
    if col.pattern is not None:
        return f"pattern `{col.pattern}`"
    return _bounds(col.minimum, col.maximum)


def _plausible(col: Column) -> str:
    if col.soft_minimum is None and col.soft_maximum is None:
        return ""
    return _bounds(
        col.soft_minimum if col.soft_minimum is not None else col.minimum,
        col.soft_maximum if col.soft_maximum is not None else col.maximum,
    )


def _presence(col: Column) -> str:
    if col.derive is not None:
        return "derived when absent"
    if col.required:
        return "required" + (", may be empty" if col.nullable else "")
    return "optional"


def render_contracts() -> str:
    """Markdown for every layer contract and the land-cover raster."""
    out = [
        "# Layer contracts",
        "",
        "Generated from the contracts listed in `src/minettgeo/layers/contracts.py` by "
        "`minettgeo contracts`; do not edit by hand.",
        "",
        "Code (`src/minettgeo/layers/`): the contracts are defined in `contract_types.py` (what a",
        "contract says), `territory_contracts.py` (communes, districts, parcels, protected areas),",
        "`activity_contracts.py` (buildings, roads, rail, point sources), `raster_contracts.py` and",
        "`derived_columns.py` (columns computed when absent). They are checked by `validate.py` (one",
        "vector layer), `cross_layer_checks.py` (the layers of a region together), `geometry_checks.py`,",
        "`attribute_checks.py` and `raster_checks.py`, and reported in `problems.py`;",
        "`file_validation.py` is `minettgeo validate PATH`, `region.py` loads a region directory.",
        "",
        f"Every layer is stored and computed in LUREF, **{CRS}** (metres); a layer in another CRS is",
        "reprojected on load (and the repair reported). `minettgeo validate PATH` checks a file against",
        "these contracts and lists every problem at once.",
        "",
        "Numbers must be finite (`inf` is refused; an empty value is refused unless the column may be",
        "empty). *allowed* is the possible range: a value outside it is an error and the layer is",
        "refused. *plausible* is the range of real buildings, roads and communes: a value outside it is",
        "a warning, listed by `minettgeo validate` and in the provenance (`warnings`) of the run, and",
        "used as given. Parcels must tessellate each commune that has parcels: overlaps between",
        "parcels (more than 1 m2) are errors naming both parcels; gaps (more than 1 m2 of a commune",
        "covered by no parcel) are errors with their location.",
        "",
    ]
    for contract in VECTOR_CONTRACTS.values():
        out += [
            f"## `{contract.name}`: {contract.title}",
            "",
            contract.description,
            "",
            f"Geometry: {' or '.join(contract.geometry_types)}. Identifier: `{contract.id_column}` (unique).",
            "",
            "| column | type | unit | presence | allowed values | plausible | meaning |",
            "|---|---|---|---|---|---|---|",
        ]
        for col in contract.columns:
            out.append(
                f"| `{col.name}` | {col.kind} | {col.unit} | {_presence(col)} | {_allowed(col)} "
                f"| {_plausible(col)} | {col.description} |"
            )
        if contract.references:
            refs = ", ".join(
                f"`{c}` -> `{layer}.{idc}`" for c, (layer, idc) in contract.references.items()
            )
            out += ["", f"References: {refs}."]
        out.append("")
    out += [
        f"## `{LANDCOVER.name}`: {LANDCOVER.title}",
        "",
        LANDCOVER.description,
        "",
        f"Nodata: `{LANDCOVER.nodata}`. Codes (CORINE Land Cover level 3):",
        "",
        "| code | class |",
        "|---|---|",
        *[f"| {code} | {name} |" for code, name in CLC_LEVEL3.items()],
        "",
        f"## `{FOREST_AGE.name}`: {FOREST_AGE.title}",
        "",
        FOREST_AGE.description,
        "",
        f"Nodata: `{FOREST_AGE.nodata}`. Allowed values: {_bounds(FOREST_AGE.minimum, FOREST_AGE.maximum)} "
        f"{FOREST_AGE.unit}; plausible: up to {FOREST_AGE.soft_maximum:g} {FOREST_AGE.unit} (a warning above).",
        "",
        "A raster that cannot be read (random bytes, truncated, empty) is refused with a message naming",
        "the file, in `minettgeo validate` and `minettgeo run`.",
        "",
        "## Construction periods",
        "",
        "| code | first year | last year |",
        "|---|---|---|",
        *[f"| `{p.code}` | {p.first_year} | {p.last_year} |" for p in CONSTRUCTION_PERIODS],
        "",
        *_grades_section(),
        *_point_source_codes(),
    ]
    return "\n".join(out)


def _grades_section() -> list[str]:
    attrs = ", ".join(f"`{a}`" for a in GRADED_BUILDING_ATTRIBUTES)
    roads, rail, parcels = (
        ", ".join(f"`{grade_column(a)}`" for a in group)
        for group in (GRADED_ROAD_ATTRIBUTES, GRADED_RAIL_ATTRIBUTES, GRADED_PARCEL_ATTRIBUTES)
    )
    tag = RASTER_GRADE_TAG
    return [
        "## Data-quality grades",
        "",
        f"Every graded building attribute ({attrs}) may have a grade column `<attribute>_grade`",
        "(e.g. `floors_grade`) saying where each value comes from:",
        "",
        "| grade | meaning |",
        "|---|---|",
        *[f"| `{g}` | {meaning} |" for g, meaning in GRADES.items()],
        "",
        f"**A missing grade column means every value of that attribute is `{GRADE_WHEN_ABSENT}`**:",
        "a layer given without grades is taken as the user's own surveyed data. The grade column",
        "is then derived and the derivation is listed among the repairs of `minettgeo validate`",
        "and in the provenance of the run, so an ungraded layer is never silently graded. The",
        "importers (`minettgeo import`) write a grade column for every attribute they fill in",
        "(a filled-in value is `default` or `estimated`, never `measured`). A value derived by a",
        "default rule takes the worst grade of its inputs and `default` (heated area from measured",
        "footprint and floors: `default`; from estimated floors: `estimated`). Every graded",
        "attribute of the modelled sample region is `estimated`. A point source carries one",
        "`grade` for its reported tonnes.",
        "",
        f"Roads ({roads}), railway lines ({rail}) and parcels ({parcels}) carry optional grade",
        "columns in the same way (absent = measured, derivation reported). A road's `aadt_grade`",
        "grades the traffic of every vehicle class and is the segment's activity grade (the",
        "speed enters no emission formula); a line's `traction_grade` is its activity grade.",
        f"A land-cover raster carries one grade for the product in its GeoTIFF tag `{tag}`",
        "(absent = measured, reported; `gdal_edit.py -mo grade=estimated landcover.tif` sets",
        "it): the importers write `measured` for CORINE, `estimated` for WorldCover (classes",
        "mapped to CORINE). See `docs/data-quality.md`.",
        "",
    ]


def _point_source_codes() -> list[str]:
    return [
        "## Point-source GPC rows and gases",
        "",
        "| `gpc_sector` | meaning |",
        "|---|---|",
        *[f"| `{c}` | {meaning} |" for c, meaning in POINT_SOURCE_SECTORS.items()],
        "",
        "| `gas` | meaning |",
        "|---|---|",
        *[f"| `{c}` | {meaning} |" for c, meaning in POINT_SOURCE_GASES.items()],
        "",
        "`t_co2e_per_year` is always in t CO2e as reported; for `CH4` and `N2O` the inventory's",
        "gas columns hold the mass `t_co2e_per_year / GWP` of the run's GWP set, for `CO2e`",
        "only the CO2e column is filled.",
        "",
    ]
