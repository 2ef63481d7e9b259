"""Query parameters shared by routes, checked against the limits (4xx naming the parameter)."""

from __future__ import annotations

import math
import re
from typing import Annotated

from fastapi import Query
from pyproj import Transformer

from api.context import Limits
from api.errors import ApiParameterError
from minettgeo import CRS

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


def parse_bbox(text: str | None, limits: Limits, parameter: str = "bbox") -> tuple[float, ...] | None:
    """``minlon,minlat,maxlon,maxlat`` (CRS84) -> the enclosing box in EPSG:2169 (LUREF),
    checked: 4 finite numbers, min <= max, longitudes and latitudes in range, area under the
    limit."""
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
    if cminx > cmaxx or cminy > cmaxy:
        return (0.0, 0.0, 0.0, 0.0)  # matches nothing: far from the region
    box = _TO_LUREF.transform_bounds(cminx, cminy, cmaxx, cmaxy, densify_pts=21)
    area_km2 = (box[2] - box[0]) * (box[3] - box[1]) / 1e6
    if area_km2 > limits.max_bbox_km2:
        raise ApiParameterError(
            parameter,
            f"{parameter} {text!r} covers {area_km2:,.0f} km2; at most {limits.max_bbox_km2:,.0f} "
            "km2 at once (the whole Minett is about 250 km2)",
        )
    return tuple(float(v) for v in box)


def check_limit(limit: int, limits: Limits, parameter: str = "limit") -> int:
    if limit < 1 or limit > limits.max_page:
        raise ApiParameterError(
            parameter, f"{parameter} must be between 1 and {limits.max_page}, got {limit}"
        )
    return limit
