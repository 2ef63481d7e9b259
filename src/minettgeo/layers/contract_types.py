"""What a layer contract says: a column (kind, unit, required, allowed codes, hard and plausible
ranges, derivation, normal form, pattern), a vector layer (geometry types, id column, columns,
references to other layers), a raster (codes or value range, nodata, resolution, grade tag), and
the optional grade column of each graded attribute."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

import geopandas as gpd
import pandas as pd

from minettgeo.layers import codes
from minettgeo.layers.derived_columns import derive_grade_measured

Kind = Literal["str", "int", "float"]


@dataclass(frozen=True)
class Column:
    """One column of a layer contract.

    ``required`` columns must be present; a column with ``derive`` is computed when absent
    (and the derivation is reported); other columns are optional.

    Numbers must be finite. ``minimum``/``maximum`` is the hard range: a value outside it is an
    error (physically impossible or absurd, e.g. a speed of 0 km/h, a million dwellings in one
    building). ``soft_minimum``/``soft_maximum`` is the plausible range: a value outside it is a
    warning, listed by ``validate`` and in the provenance of the run, and used as given.
    ``normalise`` maps each text value to its canonical form (reported as a repair when it changes
    a value); ``pattern`` is a regular expression every (normalised) text value must match.
    """

    name: str
    kind: Kind
    description: str
    unit: str = ""
    required: bool = True
    nullable: bool = False
    allowed: Mapping[str, str] | None = None
    minimum: float | None = None
    maximum: float | None = None
    derive: Callable[[gpd.GeoDataFrame], pd.Series] | None = None
    soft_minimum: float | None = None
    soft_maximum: float | None = None
    normalise: Callable[[str], str] | None = None
    pattern: str | None = None


def grade_columns(attributes: tuple[str, ...], described: Mapping[str, str]) -> tuple[Column, ...]:
    """The optional grade column ``<attr>_grade`` of each attribute (derived as ``measured``
    when absent, and the derivation reported); ``described``: attribute -> the values it grades
    when not the column of that name."""
    return tuple(
        Column(
            codes.grade_column(attr),
            "str",
            f"data-quality grade of {described.get(attr, f'`{attr}`')}: measured, documented "
            "default or estimated; absent = every value measured",
            allowed=codes.GRADES,
            derive=derive_grade_measured,
        )
        for attr in attributes
    )


@dataclass(frozen=True)
class LayerContract:
    """A vector layer: its name, geometry types, id column and columns."""

    name: str
    title: str
    description: str
    geometry_types: tuple[str, ...]
    id_column: str
    columns: tuple[Column, ...]
    #: layers whose id this layer references: column -> (layer, id column)
    references: Mapping[str, tuple[str, str]] = field(default_factory=dict)


POLYGONAL = ("Polygon", "MultiPolygon")


POINT = ("Point",)


LINEAR = ("LineString", "MultiLineString")


@dataclass(frozen=True)
class RasterContract:
    """A categorical raster: integer codes from a code list, a nodata value, a CRS."""

    name: str
    title: str
    description: str
    allowed: Mapping[int, str]
    nodata: int
    resolution_m: float
    #: hard range of the values (other than nodata) of a raster of quantities; error outside
    minimum: float | None = None
    maximum: float | None = None
    #: plausible range: warning outside
    soft_maximum: float | None = None
    unit: str = ""
    #: GeoTIFF tag holding the product's data-quality grade (None: not graded)
    grade_tag: str | None = None
