"""Validation of layers against their contracts: every problem at once, repaired where safe.

Safe repairs (reported, never silent): reprojection to EPSG:2169, invalid polygons made valid,
missing derivable columns computed (heated floor area, height, areas), commune codes read as
numbers padded to four digits. Refusals: missing required column, unknown code, duplicate or
missing id, empty layer, missing CRS, features outside the region, unrepairable or wrong-type
geometry, values that are not finite or outside their hard range, references to unknown features.
Warnings (listed, the value is used as given): values outside their plausible range.

``validate_vector`` and ``validate_raster`` return a report; ``ensure_valid`` raises
:class:`~minettgeo.errors.LayerValidationError` listing every problem when there are errors.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import rasterio
import shapely
from rasterio.windows import Window

from minettgeo import CRS
from minettgeo.console import terminal_safe
from minettgeo.errors import LayerReadError, LayerValidationError
from minettgeo.layers.codes import GRADE_WHEN_ABSENT, GRADES
from minettgeo.layers.contracts import INTEGER_DTYPES, Column, LayerContract, RasterContract

MAX_IDS_SHOWN = 10
GEOMETRY_TYPE_IDS = {
    "Point": shapely.GeometryType.POINT,
    "LineString": shapely.GeometryType.LINESTRING,
    "Polygon": shapely.GeometryType.POLYGON,
    "MultiLineString": shapely.GeometryType.MULTILINESTRING,
    "MultiPolygon": shapely.GeometryType.MULTIPOLYGON,
}
#: tolerance for "outside the region": area outside the region boundary buffered by this, m
REGION_TOLERANCE_M = 1.0


@dataclass(frozen=True)
class Problem:
    """One problem of a layer: what kind, where (column, features) and what to do.

    ``repaired`` problems were fixed on load and are reported for the record; ``warning``
    problems are implausible but possible values, used as given; the others refuse the layer.
    """

    layer: str
    kind: str
    message: str
    column: str | None = None
    feature_ids: tuple[str, ...] = ()
    n_features: int = 0
    repaired: bool = False
    warning: bool = False

    @property
    def severity(self) -> str:
        """'error', 'warning' or 'repaired'."""
        return "repaired" if self.repaired else "warning" if self.warning else "error"

    def describe(self) -> str:
        """One line; ids, codes and names from the layer are escaped for the terminal."""
        where = f"column '{self.column}': " if self.column else ""
        text = f"[{self.severity}: {self.kind}] {self.layer}: {where}{terminal_safe(self.message, inline=True)}"
        if self.feature_ids:
            shown = ", ".join(
                terminal_safe(i, inline=True) for i in self.feature_ids[:MAX_IDS_SHOWN]
            )
            more = self.n_features - min(len(self.feature_ids), MAX_IDS_SHOWN)
            text += f" (features: {shown}{f' and {more} more' if more > 0 else ''})"
        return text


@dataclass
class ValidationReport:
    """All problems found in one layer."""

    layer: str
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.warning]

    @property
    def repairs(self) -> list[Problem]:
        return [p for p in self.problems if p.repaired]

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(
        self,
        kind: str,
        message: str,
        *,
        column: str | None = None,
        ids: Iterable[object] = (),
        repaired: bool = False,
        warning: bool = False,
    ) -> None:
        id_list = [str(i) for i in ids]
        self.problems.append(
            Problem(
                self.layer,
                kind,
                message,
                column=column,
                feature_ids=tuple(id_list[:MAX_IDS_SHOWN]),
                n_features=len(id_list),
                repaired=repaired,
                warning=warning,
            )
        )

    def raise_if_errors(self) -> None:
        if self.errors:
            raise LayerValidationError(self.layer, self.errors)


def _feature_ids(gdf: gpd.GeoDataFrame, contract: LayerContract, mask: np.ndarray) -> list[str]:
    """Ids of the masked features: the id column when present, else 'row N'."""
    if contract.id_column in gdf.columns:
        return [str(v) for v in gdf.loc[mask, contract.id_column]]
    return [f"row {i}" for i in np.flatnonzero(mask)]


def _is_epsg_2169(crs: object) -> bool:
    return pyproj.CRS.from_user_input(crs).to_epsg() == 2169


def _check_crs(gdf: gpd.GeoDataFrame, report: ValidationReport) -> gpd.GeoDataFrame | None:
    if gdf.crs is None:
        report.add(
            "missing-crs",
            "the layer has no coordinate reference system; set it (LUREF is EPSG:2169) and retry",
        )
        return None
    if not _is_epsg_2169(gdf.crs):
        report.add(
            "reprojected",
            f"reprojected from {gdf.crs.to_string()} to {CRS} (LUREF)",
            ids=[],
            repaired=True,
        )
        return gdf.to_crs(CRS)
    return gdf


def _coerce_column(
    gdf: gpd.GeoDataFrame, col: Column, contract: LayerContract, report: ValidationReport
) -> None:
    """Coerce a column to its kind, reporting nulls, unparseable values, codes and ranges."""
    raw = gdf[col.name]
    missing = raw.isna().to_numpy()
    if col.kind == "str":
        text = raw.astype("string")
        blank = (text.str.strip() == "").fillna(False).to_numpy(dtype=bool)
        missing = missing | blank
        gdf[col.name] = np.where(missing, None, text.to_numpy(dtype=object, na_value=None))
        if col.normalise is not None or col.pattern is not None:
            _normalise_text(gdf, col, contract, report, ~missing)
    else:
        numeric = pd.to_numeric(raw, errors="coerce")
        unparsed = numeric.isna().to_numpy() & ~missing
        if unparsed.any():
            bad = sorted({str(v) for v in raw[unparsed]})[:5]
            report.add(
                "bad-value",
                f"values that are not numbers ({', '.join(bad)}); expected {col.kind} in {col.unit or 'units'}",
                column=col.name,
                ids=_feature_ids(gdf, contract, unparsed),
            )
        if col.kind == "int":
            frac = numeric.notna().to_numpy() & (np.mod(numeric.fillna(0).to_numpy(), 1) != 0)
            if frac.any():
                report.add(
                    "bad-value",
                    "values that are not whole numbers",
                    column=col.name,
                    ids=_feature_ids(gdf, contract, frac),
                )
        vals = numeric.to_numpy(dtype="float64", na_value=np.nan)
        _check_ranges(gdf, col, contract, report, vals)
        if col.kind == "int":
            gdf[col.name] = numeric.round().astype("Int64" if col.nullable else "float64")
            if not col.nullable and not numeric.isna().any():
                gdf[col.name] = gdf[col.name].astype("int64")
        else:
            gdf[col.name] = numeric.astype("float64")
    if missing.any() and not col.nullable:
        report.add(
            "missing-value",
            "empty values where a value is required",
            column=col.name,
            ids=_feature_ids(gdf, contract, missing),
        )
    if col.allowed is not None:
        present = gdf[col.name].notna().to_numpy()
        unknown = present & ~gdf[col.name].isin(list(col.allowed)).to_numpy()
        if unknown.any():
            codes = sorted({str(v) for v in gdf.loc[unknown, col.name]})
            report.add(
                "unknown-code",
                f"unknown code(s) {', '.join(repr(c) for c in codes[:10])}; "
                f"allowed: {', '.join(col.allowed)}",
                column=col.name,
                ids=_feature_ids(gdf, contract, unknown),
            )


def _normalise_text(
    gdf: gpd.GeoDataFrame,
    col: Column,
    contract: LayerContract,
    report: ValidationReport,
    present: np.ndarray,
) -> None:
    """Canonical text codes (e.g. commune codes padded to four digits), then the pattern."""
    values = gdf[col.name].to_numpy(dtype=object)
    if col.normalise is not None:
        # the canonical form of each distinct value, mapped back onto the features
        canonical = {v: col.normalise(str(v)) for v in pd.unique(values[present])}
        normal = values.copy()
        normal[present] = pd.Series(values[present]).map(canonical).to_numpy(dtype=object)
        changed = present & (normal != values)
        if changed.any():
            examples = sorted({f"{values[i]} -> {normal[i]}" for i in np.flatnonzero(changed)[:3]})
            report.add(
                "normalised",
                f"values written in another form were normalised ({', '.join(examples)})",
                column=col.name,
                ids=_feature_ids(gdf, contract, changed),
                repaired=True,
            )
        gdf[col.name] = normal
        values = normal
    if col.pattern is not None:
        text = pd.Series(values, dtype="string")
        bad = present & ~text.str.fullmatch(col.pattern).fillna(False).to_numpy(dtype=bool)
        if bad.any():
            shown = sorted({str(v) for v in values[bad]})[:5]
            report.add(
                "bad-value",
                f"values of the wrong form ({', '.join(repr(v) for v in shown)}); expected "
                f"{col.description.split(';')[0]}",
                column=col.name,
                ids=_feature_ids(gdf, contract, bad),
            )


def _range_text(low: float | None, high: float | None, unit: str) -> str:
    parts = [f">= {low:g}" if low is not None else "", f"<= {high:g}" if high is not None else ""]
    return f"{' and '.join(p for p in parts if p)} {unit}".rstrip()


def _check_ranges(
    gdf: gpd.GeoDataFrame,
    col: Column,
    contract: LayerContract,
    report: ValidationReport,
    vals: np.ndarray,
) -> None:
    """Infinite values and values outside the hard range are errors; values outside the
    plausible (soft) range are warnings."""
    infinite = np.isinf(vals)
    if infinite.any():
        report.add(
            "non-finite",
            f"infinite values (inf); give finite numbers in {col.unit or 'units'}",
            column=col.name,
            ids=_feature_ids(gdf, contract, infinite),
        )
    finite = np.isfinite(vals)
    out = np.zeros(len(vals), dtype=bool)
    if col.minimum is not None:
        out |= finite & (vals < col.minimum)
    if col.maximum is not None:
        out |= finite & (vals > col.maximum)
    if out.any():
        shown = ", ".join(f"{v:g}" for v in np.unique(vals[out])[:5])
        report.add(
            "out-of-range",
            f"values ({shown}) outside the possible range "
            f"{_range_text(col.minimum, col.maximum, col.unit)}; correct them",
            column=col.name,
            ids=_feature_ids(gdf, contract, out),
        )
    soft = np.zeros(len(vals), dtype=bool)
    if col.soft_minimum is not None:
        soft |= finite & ~out & (vals < col.soft_minimum)
    if col.soft_maximum is not None:
        soft |= finite & ~out & (vals > col.soft_maximum)
    if soft.any():
        shown = ", ".join(f"{v:g}" for v in np.unique(vals[soft])[:5])
        report.add(
            "implausible",
            f"values ({shown}) outside the plausible range "
            f"{_range_text(col.soft_minimum, col.soft_maximum, col.unit)}; used as given, check them",
            column=col.name,
            ids=_feature_ids(gdf, contract, soft),
            warning=True,
        )


def _check_geometry(
    gdf: gpd.GeoDataFrame, contract: LayerContract, report: ValidationReport
) -> None:
    geoms = gdf.geometry.to_numpy()
    empty = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if empty.any():
        report.add(
            "empty-geometry",
            "features without geometry; give them a geometry or remove them",
            ids=_feature_ids(gdf, contract, empty),
        )
    invalid = ~empty & ~shapely.is_valid(geoms)
    if invalid.any():
        fixed = shapely.make_valid(geoms[invalid])
        if contract.geometry_types[0] == "Polygon":
            fixed = np.array([_polygonal_part(g) for g in fixed], dtype=object)
        unrepaired = shapely.is_empty(fixed)
        ids = np.array(_feature_ids(gdf, contract, invalid), dtype=object)
        if unrepaired.any():
            report.add(
                "invalid-geometry",
                "invalid geometries that cannot be repaired (nothing of the expected type is left); "
                "redraw them",
                ids=ids[unrepaired],
            )
        repaired_ids = ids[~unrepaired]
        if len(repaired_ids):
            report.add(
                "geometry-repaired",
                "invalid geometries were made valid (shapely.make_valid); check them in a GIS",
                ids=repaired_ids,
                repaired=True,
            )
        geoms = geoms.copy()
        geoms[invalid] = fixed
        gdf.geometry = gpd.GeoSeries(geoms, index=gdf.index, crs=gdf.crs)
    types = shapely.get_type_id(gdf.geometry.to_numpy())
    allowed = [int(GEOMETRY_TYPE_IDS[t]) for t in contract.geometry_types]
    wrong = ~empty & ~np.isin(types, allowed)
    if wrong.any():
        found = sorted(set(gdf.geometry[wrong].geom_type))
        report.add(
            "wrong-geometry-type",
            f"geometry type(s) {', '.join(found)} where {' or '.join(contract.geometry_types)} is expected",
            ids=_feature_ids(gdf, contract, wrong),
        )


def _polygonal_part(geom: shapely.Geometry) -> shapely.Geometry:
    """The polygons of a (repaired) geometry, dropping lines and points make_valid may add."""
    parts = [
        p for p in shapely.get_parts(geom) if isinstance(p, shapely.Polygon) and not p.is_empty
    ]
    if not parts:
        return shapely.Polygon()
    return parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)


def _check_region(
    gdf: gpd.GeoDataFrame,
    contract: LayerContract,
    region: shapely.Geometry,
    report: ValidationReport,
) -> None:
    """Refuse features that lie (more than 1 m2 or 1 % of their area) outside the region."""
    geoms = gdf.geometry.to_numpy()
    area_like = shapely.area(geoms) > 0
    zone = shapely.buffer(region, REGION_TOLERANCE_M)
    shapely.prepare(zone)
    inside = shapely.is_missing(geoms) | shapely.is_empty(geoms) | shapely.within(geoms, zone)
    suspect = np.flatnonzero(~inside)
    outside = np.zeros(len(gdf), dtype=bool)
    if len(suspect) and contract.geometry_types == ("Point",):
        # a point is inside or outside, there is no share of it outside
        outside[suspect] = True
    elif len(suspect):
        part_out = shapely.difference(geoms[suspect], zone)
        if area_like.any():
            out_size = shapely.area(part_out)
            size = shapely.area(geoms[suspect])
        else:
            out_size = shapely.length(part_out)
            size = shapely.length(geoms[suspect])
        outside[suspect] = (out_size > 1.0) & (out_size > 0.01 * size)
    if outside.any():
        report.add(
            "outside-region",
            "features lie outside the region's communes; clip the layer to the region or "
            "configure a region that contains them",
            ids=_feature_ids(gdf, contract, outside),
        )


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
    checked = _check_crs(gdf.copy(), report)
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
            _coerce_column(gdf, col, contract, report)

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

    _check_geometry(gdf, contract, report)
    if region is not None:
        _check_region(gdf, contract, region, report)
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
                ids=_feature_ids(gdf, contract, dangling),
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


def validate_raster(
    path: Path, contract: RasterContract, *, window_rows: int = 1024, label: str | None = None
) -> ValidationReport:
    """Check a categorical raster: one integer band, a CRS, nodata, only known codes, some data.

    Reads in strips of ``window_rows`` rows, so rasters larger than memory can be checked.
    """
    report = ValidationReport(label or contract.name)
    try:
        counts, nodata = _raster_counts(path, contract, report, window_rows)
    except (rasterio.errors.RasterioError, OSError) as exc:
        raise LayerReadError(
            f"{path}: not a readable GeoTIFF ({_first_line(exc)}); the file is damaged, truncated "
            f"or not a raster: export the {report.layer} raster again"
        ) from exc
    if counts is None:
        return report
    _check_grade_tag(path, contract, report)
    counts.pop(nodata, None)
    if not counts:
        report.add("empty-layer", "every pixel is nodata; the raster holds no data")
        return report
    if contract.allowed:
        _check_codes(counts, contract, report)
    else:
        _check_raster_range(counts, contract, report)
    return report


def raster_grade(path: Path, contract: RasterContract) -> str:
    """The data-quality grade of a raster product: its ``contract.grade_tag`` GeoTIFF tag,
    ``measured`` when the tag is absent (a raster given without a grade is the user's data)."""
    if contract.grade_tag is None:
        return GRADE_WHEN_ABSENT
    with rasterio.open(path) as src:
        return str(src.tags().get(contract.grade_tag, GRADE_WHEN_ABSENT))


def _check_grade_tag(path: Path, contract: RasterContract, report: ValidationReport) -> None:
    """The grade tag: derived as ``measured`` when absent (reported), an error when it is not
    one of the grades."""
    tag = contract.grade_tag
    if tag is None:
        return
    with rasterio.open(path) as src:
        given = src.tags().get(tag)
    if given is None:
        report.add(
            "derived-column",
            f"tag '{tag}' absent, derived: the product graded '{GRADE_WHEN_ABSENT}' (a raster "
            f"without a grade is taken as measured data; set it with gdal_edit.py -mo "
            f"{tag}=estimated FILE if it is modelled)",
            column=tag,
            repaired=True,
        )
    elif given not in GRADES:
        report.add(
            "unknown-code",
            f"tag '{tag}' is '{given}', not a grade; one of {', '.join(GRADES)} "
            f"(gdal_edit.py -mo {tag}=measured FILE)",
            column=tag,
        )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _raster_counts(
    path: Path, contract: RasterContract, report: ValidationReport, window_rows: int
) -> tuple[dict[int, int] | None, int]:
    """Pixel count of every value, read in strips, and the nodata value; counts are None when
    the raster's pixel type already refuses it."""
    with rasterio.open(path) as src:
        if src.crs is None:
            report.add(
                "missing-crs",
                "the raster has no coordinate reference system; assign EPSG:2169 (LUREF) "
                "with gdal_edit.py -a_srs EPSG:2169",
            )
        elif not _is_epsg_2169(src.crs):
            report.add(
                "reprojected",
                f"in {src.crs.to_string()}; it is warped to {CRS} (nearest neighbour) on load",
                repaired=True,
            )
        if src.count != 1:
            report.add("bad-value", f"has {src.count} bands; the raster must have exactly one")
        nodata = contract.nodata if src.nodata is None else int(src.nodata)
        if src.dtypes[0] not in INTEGER_DTYPES:
            report.add("bad-value", f"pixel type {src.dtypes[0]}; the values must be integers")
            return None, nodata
        if src.nodata is None:
            report.add(
                "nodata-assumed",
                f"no nodata value set; {contract.nodata} is taken as nodata",
                repaired=True,
            )
        counts: dict[int, int] = {}
        for row in range(0, src.height, window_rows):
            block = src.read(
                1, window=Window(0, row, src.width, min(window_rows, src.height - row))
            )
            values, n = np.unique(block, return_counts=True)
            for v, c in zip(values.tolist(), n.tolist(), strict=True):
                counts[v] = counts.get(v, 0) + c
    return counts, nodata


def _check_codes(
    counts: dict[int, int], contract: RasterContract, report: ValidationReport
) -> None:
    """Codes that are not in the contract's code list: error."""
    unknown = {code: n for code, n in counts.items() if code not in contract.allowed}
    if unknown:
        listed = ", ".join(f"{code} ({n} pixels)" for code, n in sorted(unknown.items())[:10])
        report.add(
            "unknown-code",
            f"codes that are not CORINE Land Cover level-3 classes: {listed}; "
            "reclassify them to CLC codes (see docs/layers.md) or set them to nodata",
        )


def _check_raster_range(
    counts: dict[int, int], contract: RasterContract, report: ValidationReport
) -> None:
    """Values outside the hard range: error; above the plausible maximum: warning."""
    values = np.array(sorted(counts), dtype=float)
    n = np.array([counts[int(v)] for v in values], dtype=np.int64)
    low, high = contract.minimum, contract.maximum
    out = np.zeros(len(values), dtype=bool)
    if low is not None:
        out |= values < low
    if high is not None:
        out |= values > high
    if out.any():
        report.add(
            "out-of-range",
            f"values {_pixel_list(values[out], n[out])} outside the possible range "
            f"{_range_text(low, high, contract.unit)}; correct them or set them to nodata "
            f"({contract.nodata})",
        )
    if contract.soft_maximum is not None:
        soft = ~out & (values > contract.soft_maximum)
        if soft.any():
            report.add(
                "implausible",
                f"values {_pixel_list(values[soft], n[soft])} above the plausible "
                f"{contract.soft_maximum:g} {contract.unit}; used as given, check them",
                warning=True,
            )


def _pixel_list(values: np.ndarray, n: np.ndarray) -> str:
    return ", ".join(f"{v:g} ({k} pixels)" for v, k in zip(values[:10], n[:10], strict=True))
