"""Query parameters shared by routes, checked against the limits (4xx naming the parameter)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Annotated

import numpy as np
import shapely
from fastapi import Depends, Header, Query
from pyproj import Transformer

from api.errors import ApiParameterError
from api.limits import Limits
from minettgeo import CRS
from minettgeo.language import Lang, choose_language

_TO_LUREF = Transformer.from_crs("OGC:CRS84", CRS, always_xy=True)
#: the bbox of the 11 communes, with a margin, in CRS84 (lon, lat): outside it nothing matches
LON_RANGE = (-180.0, 180.0)
LAT_RANGE = (-90.0, 90.0)
BBOX_PATTERN = r"^\s*-?[0-9.eE+-]+(\s*,\s*-?[0-9.eE+-]+){3}\s*$"
#: a commune code (LAU2, e.g. 0304) or 'region'
COMMUNE_PATTERN = r"^([0-9]{4}|region)$"
#: a district id (e.g. 0304-Q01)
DISTRICT_PATTERN = r"^[0-9A-Za-z_.-]{1,40}$"

BBoxQuery = Annotated[
    str | None,
    Query(
        description="minlon,minlat,maxlon,maxlat in CRS84 (WGS 84 longitude, latitude)",
        examples=["6.05,49.48,6.10,49.52"],
        pattern=BBOX_PATTERN,
        max_length=200,
    ),
]
CommuneQuery = Annotated[
    str | None,
    Query(
        description="LAU2 code of a commune (four digits)",
        examples=["0304"],
        pattern=r"^[0-9]{4}$",
    ),
]
DistrictQuery = Annotated[
    str | None,
    Query(description="district id", examples=["0304-Q01"], pattern=DISTRICT_PATTERN),
]


@dataclass(frozen=True)
class BBox:
    """A CRS84 bbox in the layers' CRS: the enclosing box (for the R-tree) and the box itself as
    a densified polygon (features must intersect it, not only the enclosing box)."""

    crs84: tuple[float, float, float, float]
    box: tuple[float, float, float, float]
    polygon: shapely.Geometry


def parse_bbox(text: str | None, limits: Limits, parameter: str = "bbox") -> BBox | None:
    """``minlon,minlat,maxlon,maxlat`` (CRS84) -> :class:`BBox` in EPSG:2169 (LUREF), checked:
    4 finite numbers, min <= max, longitudes and latitudes in range, area under the limit."""
    if text is None:
        return None
    parts = [p for p in re.split(r"\s*,\s*", text.strip()) if p]
    try:
        values = [float(p) for p in parts]
    except ValueError:
        values = []
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise ApiParameterError(
            parameter, f"{parameter}: give 4 numbers minlon,minlat,maxlon,maxlat, got {text!r}"
        )
    minx, miny, maxx, maxy = values
    if minx > maxx or miny > maxy:
        raise ApiParameterError(
            parameter, f"{parameter} {text!r}: minlon must be <= maxlon and minlat <= maxlat"
        )
    if not (LON_RANGE[0] <= minx and maxx <= LON_RANGE[1]) or not (
        LAT_RANGE[0] <= miny and maxy <= LAT_RANGE[1]
    ):
        raise ApiParameterError(
            parameter,
            f"{parameter} {text!r}: longitudes must be in [-180, 180] and latitudes in [-90, 90]",
        )
    # clip to the part of the world where LUREF is defined (Luxembourg and surroundings)
    cminx, cminy = max(minx, 4.0), max(miny, 48.0)
    cmaxx, cmaxy = min(maxx, 8.0), min(maxy, 51.0)
    if cminx > cmaxx or cminy > cmaxy:  # far from the region: matches nothing
        return BBox((minx, miny, maxx, maxy), (0.0, 0.0, 0.0, 0.0), shapely.box(0, 0, 0, 0))
    ring = shapely.segmentize(shapely.box(cminx, cminy, cmaxx, cmaxy), 0.005)
    xs, ys = _TO_LUREF.transform(*shapely.get_coordinates(ring).T)
    polygon = shapely.Polygon(np.column_stack([xs, ys]))
    box = tuple(float(v) for v in polygon.bounds)
    area_km2 = (box[2] - box[0]) * (box[3] - box[1]) / 1e6
    if area_km2 > limits.max_bbox_km2:
        raise ApiParameterError(
            parameter,
            f"{parameter} {text!r} covers {area_km2:,.0f} km2; at most {limits.max_bbox_km2:,.0f} "
            "km2 at once (the whole Minett is about 250 km2)",
        )
    return BBox((minx, miny, maxx, maxy), box, polygon)  # type: ignore[arg-type]


def check_limit(limit: int, limits: Limits, parameter: str = "limit") -> int:
    if limit < 1 or limit > limits.max_page:
        raise ApiParameterError(
            parameter, f"{parameter} must be between 1 and {limits.max_page}, got {limit}"
        )
    return limit


def page_language(
    lang: Annotated[
        Lang | None,
        Query(description="fr or en (default: the Accept-Language header, else French)"),
    ] = None,
    accept_language: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Lang:
    """The language of a page a user reads: ``?lang=``, else Accept-Language, else French
    (:func:`minettgeo.language.choose_language`, the one rule of every page)."""
    return choose_language(lang, accept_language)


#: a route parameter holding the page's language (``?lang=`` and the Accept-Language header)
PageLanguage = Annotated[Lang, Depends(page_language)]


def language_headers(code: Lang) -> dict[str, str]:
    """The headers of a page in ``code``: its language, and that it varies with Accept-Language."""
    return {"Content-Language": code, "Vary": "Accept-Language"}
