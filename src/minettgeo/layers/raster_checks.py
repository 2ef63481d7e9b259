"""Checks of a raster layer against its :class:`~minettgeo.layers.contract_types.RasterContract`: one
integer band, a CRS (EPSG:2169 or warped on load), nodata, the grade tag, only known codes
(categorical rasters) or values inside the hard and plausible ranges, some data; read in strips
so rasters larger than memory can be checked; and the grade of a raster product."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import rasterio
from rasterio.windows import Window

from minettgeo import CRS
from minettgeo.errors import LayerReadError
from minettgeo.layers.attribute_checks import range_text
from minettgeo.layers.codes import GRADE_WHEN_ABSENT, GRADES
from minettgeo.layers.contract_types import RasterContract
from minettgeo.layers.geometry_checks import is_epsg_2169
from minettgeo.layers.problems import ValidationReport
from minettgeo.layers.raster_contracts import INTEGER_DTYPES


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
        elif not is_epsg_2169(src.crs):
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
            f"{range_text(low, high, contract.unit)}; correct them or set them to nodata "
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
