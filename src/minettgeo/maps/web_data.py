"""Result layers as web data: WGS84 frames simplified and on a 1e-6 degree grid, GeoJSON dicts
written by GEOS, and the text of values in tooltips (numbers in French or English notation,
text HTML-escaped)."""

from __future__ import annotations

import json
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from minettgeo.maps.i18n import Lang

WEB_CRS = "EPSG:4326"


#: simplification tolerance of inline polygons and lines, metres (invisible at zoom <= 15)
SIMPLIFY_M = 2.0


def web_frame(frame: gpd.GeoDataFrame, *, simplify_m: float = SIMPLIFY_M) -> gpd.GeoDataFrame:
    """``frame`` with its id index (if any) as a column, geometry simplified by ``simplify_m``
    metres in its own CRS (LUREF), then in WGS84 with coordinates on a 1e-6 degree grid."""
    out = frame
    if out.index.name is not None and out.index.name not in out.columns:
        out = out.reset_index()
    out = out.copy()
    if simplify_m > 0 and out.crs is not None and out.crs.is_projected:
        out = out.set_geometry(out.geometry.simplify(simplify_m, preserve_topology=True))
    out = out.to_crs(WEB_CRS)
    for share in ("estimated_share", "road_estimated_share"):
        # data-quality grade for the tooltips: share of estimated activity data (floor area;
        # road vehicle-km), in %
        if share in out.columns:
            out[f"{share}_pct"] = (pd.to_numeric(out[share], errors="coerce") * 100.0).round(0)
    return out.set_geometry(shapely.set_precision(out.geometry.to_numpy(), 1e-6))


def geo_dict(frame: gpd.GeoDataFrame) -> Any:
    """``frame`` as a GeoJSON FeatureCollection dict, geometries written by GEOS
    (``shapely.to_geojson``), every non-geometry column as a property."""
    geoms = shapely.to_geojson(frame.geometry.to_numpy())
    props = pd.DataFrame(frame.drop(columns=frame.geometry.name)).to_dict("records")
    features = ",".join(
        f'{{"type":"Feature","properties":{json.dumps(p, default=str)},"geometry":{g}}}'
        for p, g in zip(props, geoms, strict=True)
    )
    return json.loads(f'{{"type":"FeatureCollection","features":[{features}]}}')


def format_numbers(
    values: pd.Series, digits: int, lang: Lang, hidden: np.ndarray | None = None
) -> list[str]:
    """Numbers as display text (French: narrow no-break space for thousands, comma decimal)."""
    v = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    text = [f"{x:,.{digits}f}" if np.isfinite(x) else "–" for x in v]
    if lang == "fr":
        text = [s.replace(",", "\u202f").replace(".", ",") for s in text]
    if hidden is not None:
        text = [("–" if h else s) for s, h in zip(text, hidden, strict=True)]
    return text


def html_text(values: pd.Series) -> pd.Series:
    """Values as text safe inside the tooltip's HTML (``&``, ``<``, ``>`` escaped)."""
    text = values.astype(str)
    return text.str.replace("&", "&amp;").str.replace("<", "&lt;").str.replace(">", "&gt;")
