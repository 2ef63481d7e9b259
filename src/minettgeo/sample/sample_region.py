"""The built sample region in memory: every vector layer, the rasters, the seed and the sources."""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
from affine import Affine

from minettgeo.sample.sources import SampleSources


@dataclass
class SampleRegion:
    """The built layers, in memory."""

    communes: gpd.GeoDataFrame
    districts: gpd.GeoDataFrame
    parcels: gpd.GeoDataFrame
    buildings: gpd.GeoDataFrame
    roads: gpd.GeoDataFrame
    landcover: np.ndarray
    landcover_before: np.ndarray
    forest_age: np.ndarray
    protected_areas: gpd.GeoDataFrame
    transform: Affine
    seed: int
    sources: SampleSources
    timings: dict[str, float] = field(default_factory=dict)
    rail: gpd.GeoDataFrame | None = None
    #: modelled EU ETS-type sites (sample/point_sources.py)
    point_sources: gpd.GeoDataFrame | None = None

    @property
    def vectors(self) -> dict[str, gpd.GeoDataFrame]:
        layers = {
            "communes": self.communes,
            "districts": self.districts,
            "parcels": self.parcels,
            "buildings": self.buildings,
            "roads": self.roads,
        }
        # optional layers are left out when the region has none (an empty layer is refused)
        if len(self.protected_areas):
            layers["protected_areas"] = self.protected_areas
        if self.rail is not None and len(self.rail):
            layers["rail"] = self.rail
        if self.point_sources is not None and len(self.point_sources):
            layers["point_sources"] = self.point_sources
        return layers
