"""A three-commune toy region whose every number can be computed by hand.

Communes A (9001), B (9002), C (9003): 1 km x 1 km squares side by side along x from 60,000 m.
One district and one parcel per commune (the whole commune); one building each:
- A: single-family house, gas, 100 m2, 1 dwelling, partial renovation, 1961-1970
- B: office, gas, 1,000 m2, no renovation, 1961-1970
- C: apartment block, gas, 1,600 m2, 20 dwellings, partial renovation, 1961-1970
One 2 km road from x = 60,500 to 62,500 (0.5 km in A, 1 km in B, 0.5 km in C) with AADT
car 10,000, lgv 1,000, hgv 500, bus 100. Populations 100, 200, 300. Land cover: all 112.
One electric railway line from x = 61,500 to 62,500 (0.5 km in B, 0.5 km in C).
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from affine import Affine

from minettgeo import CRS
from minettgeo.layers import io

X0, Y0 = 60_000.0, 70_000.0
CODES = ("9001", "9002", "9003")

# hand-computed with the round-number factors of factor_overrides.py (see test_models.py)
ROAD_TCO2E = 1_642.5 + 0.08468 * (28 + 265)
EXPECTED_BUILDING_TCO2E = {"9001": 3.0221875 + 0.8, "9002": 34.99375 + 20.0, "9003": 35.63 + 16.0}
EXPECTED_ROAD_SHARE = {"9001": 0.25, "9002": 0.5, "9003": 0.25}
POPULATION = {"9001": 100, "9002": 200, "9003": 300}
WASTE_PER_CAPITA = 0.1
# EV charging (II.1.2): car-km 10,000 x 365 x 2 km = 7.3e6; kWh per car-km at the plug
# (0.1 x 0.2 + 0.1 x 0.5 x 0.2) / (1 - 0.2) = 0.0375 -> 273,750 kWh x 0.4 kg/kWh = 109.5 t
EV_TCO2E = 109.5
# wastewater (III.4.1) per resident: CH4 0.1 x 365 x 1 x 0.5 x (0.1 + 0.5 x 0.2) = 3.65 kg;
# N 10 x 0.2 = 2 kg; N2O 2 x (0.01 + 0.5 x 0.02) x 44/28 = 0.0628571 kg;
# CO2e 3.65 x 28 + 0.0628571 x 265 = 118.857 kg
WASTEWATER_PER_CAPITA = (3.65 * 28 + 2 * 0.02 * 44 / 28 * 265) / 1000
# railways (II.2): 1 line-km x 1,000 train-km; electric 900 x 10 kWh x 0.4 = 3.6 t (II.2.2),
# diesel 100 x 20 kWh x 0.25 = 0.5 t (II.2.1); half in B, half in C
RAIL_SHARE = {"9001": 0.0, "9002": 0.5, "9003": 0.5}
RAIL_TCO2E = 3.6 + 0.5


def expected_basic(code: str) -> float:
    return (
        EXPECTED_BUILDING_TCO2E[code]
        + EXPECTED_ROAD_SHARE[code] * ROAD_TCO2E
        + POPULATION[code] * WASTE_PER_CAPITA
        + EXPECTED_ROAD_SHARE[code] * EV_TCO2E
        + POPULATION[code] * WASTEWATER_PER_CAPITA
        + RAIL_SHARE[code] * RAIL_TCO2E
    )


def build(directory: Path, *, with_rail: bool = True) -> Path:
    squares = [shapely.box(X0 + i * 1000, Y0, X0 + (i + 1) * 1000, Y0 + 1000) for i in range(3)]
    communes = gpd.GeoDataFrame(
        {
            "lau2": list(CODES),
            "name": ["Alpha", "Beta", "Gamma"],
            "population": [POPULATION[c] for c in CODES],
        },
        geometry=squares,
        crs=CRS,
    )
    districts = gpd.GeoDataFrame(
        {
            "district_id": [f"{c}-Q01" for c in CODES],
            "name": ["A1", "B1", "C1"],
            "lau2": list(CODES),
        },
        geometry=squares,
        crs=CRS,
    )
    parcels = gpd.GeoDataFrame(
        {
            "parcel_id": [f"{c}-000001" for c in CODES],
            "lau2": list(CODES),
            "district_id": [f"{c}-Q01" for c in CODES],
            "zoning": ["housing", "activity", "mixed"],
            "owner_type": ["private"] * 3,
        },
        geometry=squares,
        crs=CRS,
    )
    buildings = gpd.GeoDataFrame(
        {
            "building_id": ["BA", "BB", "BC"],
            "parcel_id": [f"{c}-000001" for c in CODES],
            "use": ["single_family", "office", "apartment_block"],
            "construction_period": ["1961_1970"] * 3,
            "floors": [1, 2, 4],
            "heated_area_m2": [100.0, 1_000.0, 1_600.0],
            "dwellings": [1, 0, 20],
            "heating_carrier": ["natural_gas"] * 3,
            "renovation_state": ["partial", "none", "partial"],
            "renovation_year": [2001, None, 2001],
        },
        geometry=[
            shapely.box(X0 + 400 + i * 1000, Y0 + 400, X0 + 450 + i * 1000, Y0 + 450)
            for i in range(3)
        ],
        crs=CRS,
    )
    roads = gpd.GeoDataFrame(
        {
            "road_id": ["R1"],
            "road_class": ["primary"],
            "aadt_car": [10_000.0],
            "aadt_lgv": [1_000.0],
            "aadt_hgv": [500.0],
            "aadt_bus": [100.0],
            "speed_kmh": [70.0],
        },
        geometry=[shapely.LineString([(X0 + 500, Y0 + 500), (X0 + 2_500, Y0 + 500)])],
        crs=CRS,
    )
    rail = gpd.GeoDataFrame(
        {"rail_id": ["L1"], "traction": ["electric"]},
        geometry=[shapely.LineString([(X0 + 1_500, Y0 + 200), (X0 + 2_500, Y0 + 200)])],
        crs=CRS,
    )
    directory.mkdir(parents=True, exist_ok=True)
    io.write_vectors(
        directory / "region.gpkg",
        {
            "communes": communes,
            "districts": districts,
            "parcels": parcels,
            "buildings": buildings,
            "roads": roads,
            **({"rail": rail} if with_rail else {}),
        },
    )
    io.write_raster(
        directory / "landcover.tif",
        np.full((100, 300), 112, dtype=np.uint16),
        Affine(10.0, 0.0, X0, 0.0, -10.0, Y0 + 1000),
        CRS,
        0,
    )
    return directory
