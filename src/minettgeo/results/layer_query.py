"""The filters of a layer read, as GDAL takes them: an SQL ``where`` on attributes (ids, column
values) and one spatial filter (a bbox, or a mask geometry)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import shapely

from minettgeo.errors import ParameterError
from minettgeo.results.layer_info import BBox, LayerInfo

#: most ids one ``ids=`` filter takes (they go into one SQL ``IN`` list)
MAX_IDS = 10_000


def sql_literal(value: object) -> str:
    """An SQL literal: numbers as they are, anything else as a quoted string."""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int | np.integer | float | np.floating) and np.isfinite(value):
        return repr(value.item() if isinstance(value, np.generic) else value)
    text = str(value).replace("'", "''")
    return f"'{text}'"


def attribute_clauses(
    info: LayerInfo, ids: Iterable[object] | None, match: Mapping[str, object] | None
) -> list[str]:
    """SQL clauses keeping the features whose columns equal ``match``'s values and whose id is
    in ``ids`` (an empty ``ids`` keeps none); ParameterError for an unknown column or too many
    ids."""
    clauses: list[str] = []
    for column, value in (match or {}).items():
        if column not in info.fields:
            raise ParameterError(
                f"column {column!r} is not in layer {info.name!r}; columns: "
                f"{', '.join(info.fields)}"
            )
        clauses.append(f'"{column}" = {sql_literal(value)}')
    if ids is not None:
        values = list(ids)
        if len(values) > MAX_IDS:
            raise ParameterError(f"ids: at most {MAX_IDS} ids at once, got {len(values)}")
        if not values:
            clauses.append("0 = 1")
        else:
            clauses.append(f'"{info.id_column}" IN ({", ".join(map(sql_literal, values))})')
    return clauses


def spatial_filter(
    bbox: Sequence[float] | None, mask: shapely.Geometry | None
) -> tuple[BBox | None, shapely.Geometry | None]:
    """GDAL takes a bbox or a mask, not both: both become one mask (their intersection)."""
    box = check_bbox(bbox)
    if box is not None and mask is not None:
        return None, shapely.intersection(mask, shapely.box(*box))
    return box, mask


def check_bbox(bbox: Sequence[float] | None) -> BBox | None:
    """``bbox`` as 4 floats (minx, miny, maxx, maxy); ParameterError when it is not 4 finite
    numbers or its min exceeds its max."""
    if bbox is None:
        return None
    values = [float(v) for v in bbox]
    if len(values) != 4 or not all(np.isfinite(values)):
        raise ParameterError(f"bbox must be 4 finite numbers minx,miny,maxx,maxy, got {bbox}")
    minx, miny, maxx, maxy = values
    if minx > maxx or miny > maxy:
        raise ParameterError(f"bbox {values}: minx must be <= maxx and miny <= maxy")
    return (minx, miny, maxx, maxy)
