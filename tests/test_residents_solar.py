"""Residents per building and rooftop solar potential: hand-computed cases and conservation."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from factor_overrides import shipped_factor_set
from minettgeo import CRS
from minettgeo.errors import FactorError
from minettgeo.factors.tables import FactorSet, load_factor_set
from minettgeo.models.residents import building_residents, per_resident
from minettgeo.models.solar import solar_potential


def test_residents_share_the_statec_population_by_dwellings() -> None:
    buildings = pd.DataFrame(
        {
            "lau2": ["0001", "0001", "0001", "0002", "0002"],
            "dwellings": [1, 3, 0, 0, 0],
            "heated_area_m2": [100.0, 300.0, 500.0, 200.0, 600.0],
        }
    )
    communes = pd.DataFrame({"lau2": ["0001", "0002", "0003"], "population": [10, 80, 5]})
    got = building_residents(buildings, communes)
    # 0001: 10 x 1/4, 10 x 3/4, office 0; 0002 has no dwellings: by floor area 80 x 200/800 ...
    np.testing.assert_allclose(got, [2.5, 7.5, 0.0, 20.0, 60.0])


def test_residents_equal_dwellings_x_occupancy_x_household_size_when_calibrated() -> None:
    # 40 dwellings, 5 % vacancy, 2.5 persons: 95 residents; STATEC says 95 -> k = 1
    buildings = pd.DataFrame({"lau2": ["0001", "0001"], "dwellings": [10, 30]})
    communes = pd.DataFrame({"lau2": ["0001"], "population": [40 * 0.95 * 2.5]})
    np.testing.assert_allclose(
        building_residents(buildings, communes), [10 * 0.95 * 2.5, 30 * 0.95 * 2.5]
    )


def test_per_resident_is_undefined_below_the_minimum() -> None:
    got = per_resident(np.array([100.0, 100.0, 5.0]), np.array([50.0, 49.0, 0.0]), minimum=50)
    assert got[0] == pytest.approx(2.0)
    assert np.isnan(got[1]) and np.isnan(got[2])
    assert per_resident(np.array([1.0]), np.array([0.5]), minimum=0)[0] == pytest.approx(2.0)


def test_residents_by_footprint_where_a_building_is_not_heated() -> None:
    """Commune 0002 (80 residents) has no dwellings: b1 not heated, footprint 10 x 10 = 100 m2;
    b2 heated 300 m2 (its 400 m2 footprint is not used); b3 not heated, footprint 5 x 20 = 100 m2.
    b4 stands in commune 0009, which the commune layer does not list."""
    buildings = gpd.GeoDataFrame(
        {
            "lau2": ["0002"] * 3 + ["0009"],
            "dwellings": [0, 0, 0, 4],
            "heated_area_m2": [0.0, 300, 0, 0],
        },
        geometry=[
            shapely.box(0, 0, 10, 10),
            shapely.box(0, 0, 20, 20),
            shapely.box(0, 0, 5, 20),
            shapely.box(0, 0, 10, 10),
        ],
        crs=CRS,
    )
    communes = pd.DataFrame({"lau2": ["0002"], "population": [80]})
    # basis 100 + 300 + 100 = 500: 80 x 100/500 = 16, 80 x 300/500 = 48, 16; b4 no population: 0
    np.testing.assert_allclose(building_residents(buildings, communes), [16.0, 48.0, 16.0, 0.0])
    # without heated areas, by footprint: 100 + 400 + 100 = 600 -> 80/6, 320/6, 80/6
    np.testing.assert_allclose(
        building_residents(buildings.drop(columns="heated_area_m2"), communes),
        [80 / 6, 320 / 6, 80 / 6, 0.0],
    )


def test_per_resident_of_a_scalar_and_an_array() -> None:
    # one total over three resident counts, and three totals over one count (broadcast)
    got = per_resident(100.0, np.array([50.0, 200.0, 10.0]))
    np.testing.assert_allclose(got, [2.0, 0.5, np.nan])
    np.testing.assert_allclose(per_resident(np.array([100.0, 50.0]), 100.0), [1.0, 0.5])
    assert np.isnan(per_resident(np.array([100.0, 50.0]), 20.0)).all()


@pytest.fixture(scope="module")
def shipped() -> FactorSet:
    return shipped_factor_set()


def test_solar_potential_by_hand(shipped: FactorSet) -> None:
    factors = shipped
    buildings = gpd.GeoDataFrame(
        {
            "use": ["single_family", "apartment_block", "office"],
            "roof_type": [None, None, "pitched"],
        },
        geometry=[
            shapely.box(0, 0, 10, 10),  # 100 m2, pitched (house)
            shapely.box(0, 0, 20, 10),  # 200 m2, flat (block)
            shapely.box(0, 0, 10, 5),  # 50 m2, pitched (given)
        ],
        crs=CRS,
    )
    out = solar_potential(buildings, factors)
    # pitched 0.4, flat 0.5 of the footprint; 0.2 kWp/m2; 979 (850-1050) kWh/kWp; grid 0.35 kg/kWh
    np.testing.assert_allclose(out["pv_roof_m2"], [40.0, 100.0, 20.0])
    np.testing.assert_allclose(out["pv_kwp"], [8.0, 20.0, 4.0])
    np.testing.assert_allclose(out["pv_kwh_a"], [7832.0, 19580.0, 3916.0])
    np.testing.assert_allclose(out["pv_kwh_a_low"], [6800.0, 17000.0, 3400.0])
    np.testing.assert_allclose(out["pv_kwh_a_high"], [8400.0, 21000.0, 4200.0])
    np.testing.assert_allclose(
        out["pv_avoided_tco2e_a"], [7832 * 0.35e-3, 19580 * 0.35e-3, 3916 * 0.35e-3]
    )
    # the grid factor is the electricity parameter of the run
    low_grid = load_factor_set(electricity_kg_per_kwh=0.1)
    np.testing.assert_allclose(
        solar_potential(buildings, low_grid)["pv_avoided_tco2e_a"], out["pv_kwh_a"] * 0.1e-3
    )


def test_unknown_roof_type_is_named(shipped: FactorSet) -> None:
    buildings = gpd.GeoDataFrame(
        {"use": ["office"], "roof_type": ["dome"]}, geometry=[shapely.box(0, 0, 1, 1)], crs=CRS
    )
    with pytest.raises(FactorError, match=r"roof_type.*dome"):
        solar_potential(buildings, shipped)


@pytest.mark.fullscale
def test_residents_and_solar_conserve_from_buildings_to_communes(
    run_layers: dict[str, gpd.GeoDataFrame],
) -> None:
    b, p, d, c = (run_layers[k] for k in ("buildings", "parcels", "districts", "communes"))
    for col in ("residents", "pv_kwh_a", "pv_avoided_tco2e_a"):
        total = b[col].sum()
        assert p[col].sum() == pytest.approx(total, rel=1e-9), col
        assert d[col].sum() == pytest.approx(total, rel=1e-9), col
        assert c[col].sum() == pytest.approx(total, rel=1e-9), col
    by_commune = b.groupby("lau2")["residents"].sum()
    statec = c.set_index("lau2")["population"].astype(float)
    np.testing.assert_allclose(by_commune.reindex(statec.index), statec, rtol=1e-9)
    np.testing.assert_allclose(
        d.set_index("district_id")["residents"],
        d.set_index("district_id")["population"],
        rtol=1e-9,
        atol=1e-6,
    )
    # the region's rooftops: a few kWp per resident (the full run: 0.70 TWh/a, 3.8 MWh per
    # resident), between 0.1 and 1.5 TWh/a
    assert 0.1e9 < b["pv_kwh_a"].sum() < 1.5e9
