"""Columns of a layer derived from its other columns or its geometry when absent: footprint and
parcel areas (m2), heated floor area (m2, from floors and the gross-to-heated ratio), building
height (m, from floors and the storey height), the grade 'measured' of an ungraded layer."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from minettgeo.layers import codes

#: gross-to-heated floor-area ratio used when a building has no heated floor area.
#: Stated assumption: DIN 277 net/gross floor-area ratios of 0.80-0.90 for housing; 0.85 taken.
HEATED_TO_GROSS_RATIO = 0.85


#: storey height used when a building has no height, m
STOREY_HEIGHT_M = 3.0


def derive_footprint_m2(layer: gpd.GeoDataFrame) -> pd.Series:
    """Footprint area from the geometry, m2 (``A = area(geometry)`` in EPSG:2169)."""
    return pd.Series(layer.geometry.area.to_numpy(), index=layer.index, dtype="float64")


def derive_heated_area_m2(layer: gpd.GeoDataFrame) -> pd.Series:
    """Heated floor area, m2: ``A_heated = footprint_m2 x floors x 0.85`` (HEATED_TO_GROSS_RATIO)."""
    footprint = layer["footprint_m2"] if "footprint_m2" in layer else derive_footprint_m2(layer)
    floors = pd.to_numeric(layer["floors"], errors="coerce")
    return (footprint * floors * HEATED_TO_GROSS_RATIO).astype("float64")


def derive_height_m(layer: gpd.GeoDataFrame) -> pd.Series:
    """Building height, m: ``h = floors x 3.0`` (STOREY_HEIGHT_M)."""
    return (pd.to_numeric(layer["floors"], errors="coerce") * STOREY_HEIGHT_M).astype("float64")


def derive_area_m2(layer: gpd.GeoDataFrame) -> pd.Series:
    """Parcel area from the geometry, m2."""
    return derive_footprint_m2(layer)


def derive_grade_measured(layer: gpd.GeoDataFrame) -> pd.Series:
    """every value graded 'measured' (a layer without grade columns is taken as measured data)."""
    return pd.Series(codes.GRADE_WHEN_ABSENT, index=layer.index, dtype=object)
