"""Building footprints on their plots, in each plot's rotated street frame.

Houses stand along the street side of their plot behind a front setback (terraced houses wall to
wall, detached ones with side gaps); apartment blocks, offices, schools, halls stand in the
middle of their parcel covering ``coverage`` of it (a side at most ``MAX_SIDE_M``). Every
footprint lies inside its parcel (0.5 m inside the boundary).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from minettgeo.sample.geometry import explode, world_boxes

MAX_SIDE_M = {
    "industry": 200.0,
    "apartment_block": 60.0,
    "office": 60.0,
    "education": 70.0,
    "health": 70.0,
}
DEFAULT_MAX_SIDE_M = 40.0
MIN_FOOTPRINT_M2 = 25.0


def footprints(
    plots: gpd.GeoDataFrame, use: np.ndarray, uses: pd.DataFrame, rng: np.random.Generator
) -> np.ndarray:
    """Footprint polygon for each plot (empty where nothing fits)."""
    p = uses.loc[use]
    x0, x1 = plots["x0"].to_numpy(), plots["x1"].to_numpy()
    y0, y1 = plots["y0"].to_numpy(), plots["y1"].to_numpy()
    side = plots["side"].to_numpy()
    street = p["placement"].to_numpy() == "street"

    setback = p["side_setback_m"].to_numpy(dtype=float)
    left = np.where(rng.random(len(plots)) < 0.6, setback, 0.0)
    right = setback
    too_narrow = (x1 - x0) - left - right < 6.0
    left, right = np.where(too_narrow, 0.0, left), np.where(too_narrow, 0.0, right)
    front = p["front_setback_m"].to_numpy(dtype=float)
    depth = p["depth_m"].to_numpy(dtype=float) * rng.uniform(0.9, 1.25, len(plots))
    depth = np.minimum(depth, np.maximum((y1 - y0) - front - 1.0, 0.0))
    sx0, sx1 = x0 + left, x1 - right
    max_width = p["max_width_m"].to_numpy(dtype=float)
    half = np.where(np.isnan(max_width), sx1 - sx0, np.minimum(sx1 - sx0, max_width)) / 2
    mid = (sx0 + sx1) / 2
    sx0, sx1 = mid - half, mid + half
    sy0 = np.where(side > 0, y0 + front, y1 - front - depth)
    sy1 = sy0 + depth

    cover = np.sqrt(p["coverage"].to_numpy(dtype=float))
    cap = pd.Series(use).map(MAX_SIDE_M).fillna(DEFAULT_MAX_SIDE_M).to_numpy()
    half_w = np.minimum((x1 - x0) * cover, cap) / 2
    half_h = np.minimum((y1 - y0) * cover, cap) / 2
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2

    bx0 = np.where(street, sx0, cx - half_w)
    bx1 = np.where(street, sx1, cx + half_w)
    by0 = np.where(street, sy0, cy - half_h)
    by1 = np.where(street, sy1, cy + half_h)
    boxes = world_boxes(
        bx0, by0, bx1, by1, plots["angle"].to_numpy(), plots[["ox", "oy"]].to_numpy()
    )
    inset = shapely.buffer(plots.geometry.to_numpy(), -0.5, join_style="mitre")
    raw = shapely.intersection(boxes, inset)
    parts, idx = explode(raw)
    out = np.full(len(plots), None, dtype=object)
    if len(parts):
        largest = (
            pd.DataFrame({"i": idx, "a": shapely.area(parts)})
            .sort_values("a")
            .drop_duplicates("i", keep="last")
        )
        out[largest["i"].to_numpy()] = parts[largest.index.to_numpy()]
    return out
