"""GeoJSON in CRS84 (longitude, latitude) from a layer read by the results reader.

Vectorised: geometries go through ``shapely.to_geojson`` and properties through pandas'
C JSON writer; the features are joined as text, so a page of 1,000 parcels is one pass of each.
Numbers keep 15 significant digits (what a float64 holds exactly as decimal).
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

CRS84 = "OGC:CRS84"
CRS84_URI = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
DIGITS = 15


def features_json(frame: gpd.GeoDataFrame, ids: pd.Series | np.ndarray | None = None) -> str:
    """The features of ``frame`` (its index becomes a property) as a JSON array text; ``ids``
    (one per row) become each feature's ``id`` (default: the index)."""
    if len(frame) == 0:
        return "[]"
    geo = frame.geometry
    if geo.crs is not None:
        geo = geo.to_crs(CRS84)
    geoms = shapely.to_geojson(geo.to_numpy())
    geoms = np.where(pd.isna(geoms), "null", geoms)
    props = pd.DataFrame(frame.drop(columns=frame.geometry.name)).reset_index()
    lines = props.to_json(
        orient="records", lines=True, double_precision=DIGITS, force_ascii=False
    ).splitlines()
    id_values = props.iloc[:, 0] if ids is None else pd.Series(np.asarray(ids))
    id_json = pd.Series(id_values).to_json(orient="values", double_precision=DIGITS)
    id_texts = _split_array(id_json, len(frame))
    parts = (
        '{"type":"Feature","id":'
        + pd.Series(id_texts)
        + ',"geometry":'
        + pd.Series(geoms, dtype=object)
        + ',"properties":'
        + pd.Series(lines, dtype=object)
        + "}"
    )
    return "[" + ",".join(parts.tolist()) + "]"


def _split_array(text: str, n: int) -> list[str]:
    """The items of a flat JSON array of scalars, as texts."""
    values = json.loads(text)
    if len(values) != n:
        raise ValueError("id count differs from feature count")
    return [json.dumps(v, ensure_ascii=False) for v in values]


def feature_collection(
    frame: gpd.GeoDataFrame,
    *,
    ids: pd.Series | np.ndarray | None = None,
    members: Mapping[str, object] | None = None,
) -> str:
    """A GeoJSON FeatureCollection text; ``members`` are added at the top level (links,
    numberMatched, provenance ...)."""
    head = '{"type":"FeatureCollection"'
    for key, value in (members or {}).items():
        head += f",{json.dumps(key)}:{json.dumps(value, ensure_ascii=False, default=str)}"
    return head + ',"features":' + features_json(frame, ids) + "}"


def feature(frame: gpd.GeoDataFrame, *, ids: pd.Series | None = None, members=None) -> str:  # type: ignore[no-untyped-def]
    """One feature (the first row of ``frame``) as a GeoJSON Feature text."""
    text = features_json(frame.iloc[:1], None if ids is None else ids.iloc[:1])[1:-1]
    if members:
        extra = ",".join(
            f"{json.dumps(k)}:{json.dumps(v, ensure_ascii=False, default=str)}"
            for k, v in members.items()
        )
        text = text[:-1] + "," + extra + "}"
    return text
