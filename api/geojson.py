"""GeoJSON in CRS84 (longitude, latitude) from a layer read by the results reader.

Vectorised and exact: coordinates are reprojected with one cached pyproj transformer over all
vertices and rounded to 7 decimals (about 1 cm), geometries serialised by ``shapely.to_geojson``; each property column becomes JSON text
in one Arrow cast (numbers in their shortest round-trip form, so a client reads back the very
float64 stored in the GeoPackage; NaN and missing values become ``null``), and the columns are
joined row-wise by Arrow. Only text columns are escaped value by value.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely
from pyproj import Transformer

CRS84 = "OGC:CRS84"
CRS84_URI = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
GEOJSON = "application/geo+json"  # the GeoJSON media type (RFC 7946)
#: decimals of the CRS84 coordinates (1e-7 degree is about 1 cm here; RFC 7946 advises 6)
COORD_DECIMALS = 7
#: characters a JSON string cannot hold as they are
_NEEDS_ESCAPE = r'["\\\x00-\x1f]'


@lru_cache(maxsize=8)
def _to_crs84(crs: str) -> Transformer:
    return Transformer.from_crs(crs, CRS84, always_xy=True)


def to_crs84(geoms: gpd.GeoSeries) -> np.ndarray:
    """The geometries in CRS84 (one vectorised transform of every vertex)."""
    values = geoms.to_numpy()
    if geoms.crs is None:
        return values
    transformer = _to_crs84(geoms.crs.to_wkt())

    def move(coords: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.round(np.column_stack([x, y]), COORD_DECIMALS)

    return shapely.transform(values, move)


def _json_values(column: pd.Series) -> pa.Array:
    """One JSON text per value of ``column``."""
    kind = column.dtype.kind
    if kind == "f":
        data = column.to_numpy(dtype=np.float64)
        text = pc.cast(pa.array(data), pa.string())
        # a float stays a float for the client ("0.0", not "0": GDAL types a field from its values)
        whole = pc.match_substring_regex(text, r"^-?[0-9]+$")
        text = pc.if_else(whole, pc.binary_join_element_wise(text, ".0", ""), text)
        return pc.if_else(pa.array(np.isfinite(data)), text, "null")
    if kind in "iu":
        return pc.cast(pa.array(column.to_numpy()), pa.string())
    if kind == "b":
        return pc.if_else(pa.array(column.to_numpy(dtype=bool)), "true", "false")
    values = column.astype(object).to_numpy()
    missing = pd.isna(values)
    texts = pa.array(np.where(missing, "", values).astype(str), type=pa.string())
    quoted = pc.binary_join_element_wise('"', texts, '"', "")
    special = np.asarray(pc.match_substring_regex(texts, _NEEDS_ESCAPE)) & ~missing
    if special.any():  # quotes, backslashes, control characters: escaped one by one
        quoted = np.asarray(quoted, dtype=object)
        quoted[special] = [json.dumps(v, ensure_ascii=False) for v in values[special]]
        quoted = pa.array(quoted, type=pa.string())
    return pc.if_else(pa.array(missing), "null", quoted)


def _objects(frame: pd.DataFrame) -> pa.Array:
    """Each row of ``frame`` as a JSON object text."""
    parts: list[pa.Array | str] = []
    for i, name in enumerate(frame.columns):
        parts.append(("{" if i == 0 else ",") + json.dumps(str(name)) + ":")
        parts.append(_json_values(frame[name]))
    if not parts:
        return pa.array(["{}"] * len(frame), type=pa.string())
    parts.append("}")
    return pc.binary_join_element_wise(*parts, "")


def feature_texts(frame: gpd.GeoDataFrame, ids: pd.Series | np.ndarray | None = None) -> pa.Array:
    """One GeoJSON Feature text per row of ``frame`` (its index becomes a property); ``ids`` (one
    per row) become each feature's ``id`` (default: the index)."""
    if len(frame) == 0:
        return pa.array([], type=pa.string())
    geoms = shapely.to_geojson(to_crs84(frame.geometry))
    geoms = np.where(pd.isna(geoms), "null", geoms).astype(object)
    props = pd.DataFrame(frame.drop(columns=frame.geometry.name)).reset_index()
    id_values = props.iloc[:, 0] if ids is None else pd.Series(np.asarray(ids))
    return pc.binary_join_element_wise(
        '{"type":"Feature","id":',
        _json_values(id_values.reset_index(drop=True)),
        ',"geometry":',
        pa.array(geoms, type=pa.string()),
        ',"properties":',
        _objects(props),
        "}",
        "",
    )


def features_json(frame: gpd.GeoDataFrame, ids: pd.Series | np.ndarray | None = None) -> str:
    """The features of ``frame`` (its index becomes a property) as a JSON array text; ``ids``
    (one per row) become each feature's ``id`` (default: the index)."""
    return "[" + ",".join(feature_texts(frame, ids).to_pylist()) + "]"


def _members(members: Mapping[str, object] | None) -> str:
    return "".join(
        f",{json.dumps(k)}:{json.dumps(v, ensure_ascii=False, default=str)}"
        for k, v in (members or {}).items()
    )


def feature_collection(
    frame: gpd.GeoDataFrame,
    *,
    ids: pd.Series | np.ndarray | None = None,
    members: Mapping[str, object] | None = None,
) -> str:
    """A GeoJSON FeatureCollection text; ``members`` are added at the top level (links,
    numberMatched, provenance ...)."""
    return (
        '{"type":"FeatureCollection"'
        + _members(members)
        + ',"features":'
        + features_json(frame, ids)
        + "}"
    )


def collection_bytes(features: bytes, members: Mapping[str, object] | None = None) -> bytes:
    """A FeatureCollection (UTF-8) around ``features``, Feature texts already joined by commas
    (the same text as :func:`feature_collection`)."""
    head = '{"type":"FeatureCollection"' + _members(members) + ',"features":['
    return head.encode("utf-8") + features + b"]}"


def feature(
    frame: gpd.GeoDataFrame,
    *,
    ids: pd.Series | None = None,
    members: Mapping[str, object] | None = None,
) -> str:
    """One feature (the first row of ``frame``) as a GeoJSON Feature text."""
    text = features_json(frame.iloc[:1], None if ids is None else ids.iloc[:1])[1:-1]
    return text[:-1] + _members(members) + "}"
