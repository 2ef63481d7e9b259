"""Which buildings lie in a district-heating network area, and the share of them connected."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

#: share of buildings connected inside a district-heating network area, by use group
DISTRICT_HEAT_UPTAKE = {"house": 0.10, "apartment": 0.60, "non_residential": 0.70, "other": 0.3}


def inside_networks(geoms: np.ndarray, networks: gpd.GeoDataFrame) -> np.ndarray:
    """Whether each footprint's centroid lies in a district-heating network area (a disc of the
    network's stated area around its centre)."""
    inside = np.zeros(len(geoms), dtype=bool)
    if networks.empty:
        return inside
    c = shapely.get_coordinates(shapely.centroid(geoms))
    for _, n in networks.iterrows():
        r = np.sqrt(float(n["area_ha"]) * 1e4 / np.pi)
        inside |= np.hypot(c[:, 0] - n.geometry.x, c[:, 1] - n.geometry.y) < r
    return inside
