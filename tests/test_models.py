"""Hand-computed values for the building, road and waste formulas (round-number factor tables)."""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from factor_overrides import PERIOD, shared_toy_factor_set, shipped_factor_set
from minettgeo import CRS
from minettgeo.errors import FactorError
from minettgeo.factors.tables import FactorSet
from minettgeo.models.buildings import (
    building_emissions,
    building_formula,
    resolve_building_factors,
)
from minettgeo.models.transport import length_shares, road_emissions
from minettgeo.models.waste import waste_emissions


@pytest.fixture()
def factors() -> FactorSet:
    return shared_toy_factor_set()


def one_building(
    use: str, carrier: str, *, area: float, dwellings: int, renovation: str = "partial"
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "use": [use],
            "construction_period": [PERIOD],
            "heating_carrier": [carrier],
            "renovation_state": [renovation],
            "heated_area_m2": [area],
            "dwellings": [dwellings],
        }
    )


# single-family, 1961-1970, partial renovation, 100 m2, 1 dwelling:
#   space heat = 200 x 0.5 (calibration) x (1 - 0.25) = 75 kWh/m2; Q = 100 x (75 + 20) = 9,500 kWh
#   appliance electricity = 2,000 kWh -> scope 2 of 0.8 t at 0.4 kg/kWh
# expected: (heating final kWh, CO2 t, CH4 t, N2O t, biogenic CO2 t, scope 1 t CO2e, scope 2 t CO2e)
CARRIER_CASES = {
    # 9,500 / 0.8 = 11,875 kWh; CO2 11,875 x 0.2 = 2.375 t; CH4 0.011875 t x 28; N2O 0.0011875 t x 265
    "natural_gas": (11_875.0, 2.375, 0.011875, 0.0011875, 0.0, 3.0221875, 0.8),
    # 11,875 kWh x 0.25 = 2.96875 t, no CH4/N2O in the toy table
    "heating_oil": (11_875.0, 2.96875, 0.0, 0.0, 0.0, 2.96875, 0.8),
    # 9,500 / 0.5 = 19,000 kWh; CO2 7.6 t biogenic (memo); CH4 0.038 x 28 = 1.064; N2O 0.0019 x 265 = 0.5035
    "wood_pellets": (19_000.0, 0.0, 0.038, 0.0019, 7.6, 1.5675, 0.8),
    # 9,500 kWh electricity: (9,500 + 2,000) x 0.4 / 1000 = 4.6 t
    "direct_electric": (9_500.0, 0.0, 0.0, 0.0, 0.0, 0.0, 4.6),
    # 9,500 / 2.5 = 3,800 kWh: (3,800 + 2,000) x 0.4 / 1000 = 2.32 t
    "heat_pump": (3_800.0, 0.0, 0.0, 0.0, 0.0, 0.0, 2.32),
    # 9,500 kWh at 0.1 + 2,000 kWh at 0.4 = 0.95 + 0.8 = 1.75 t
    "district_heat": (9_500.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.75),
    # not heated: only appliance electricity
    "none": (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.8),
}


@pytest.mark.parametrize("carrier", list(CARRIER_CASES))
def test_single_family_house_by_carrier(factors: FactorSet, carrier: str) -> None:
    out = building_emissions(
        one_building("single_family", carrier, area=100.0, dwellings=1), factors
    ).iloc[0]
    e_heat, co2, ch4, n2o, bio, s1, s2 = CARRIER_CASES[carrier]
    assert out["heat_need_kwh_a"] == pytest.approx(9_500.0 if carrier != "none" else 0.0)
    assert out["heating_final_kwh_a"] == pytest.approx(e_heat)
    assert out["electricity_kwh_a"] == pytest.approx(2_000.0)
    assert out["scope1_co2_t_a"] == pytest.approx(co2)
    assert out["scope1_ch4_t_a"] == pytest.approx(ch4)
    assert out["scope1_n2o_t_a"] == pytest.approx(n2o)
    assert out["biogenic_co2_t_a"] == pytest.approx(bio)
    assert out["scope1_tco2e_a"] == pytest.approx(s1)
    assert out["scope2_tco2e_a"] == pytest.approx(s2)
    assert out["ghg_tco2e_a"] == pytest.approx(s1 + s2)
    assert out["gpc_subsector"] == "I.1"


# every use, natural gas; residential: partial renovation at 1961-1970 (calibration 0.5, saving 0.25);
# non-residential: 1,000 m2, no renovation, no calibration.
# expected (useful heat kWh, scope 1 t CO2e, scope 2 t CO2e, sub-sector)
USE_CASES = {
    # 180 x 0.5 x 0.75 = 67.5; Q = 100 x 87.5 = 8,750; E = 10,937.5; CO2 2.1875 + CH4 0.30625 + N2O 0.28984375
    "terraced": (100.0, 1, 8_750.0, 2.78359375, 0.8, "I.1"),
    # 150 x 0.375 = 56.25; Q = 400 x 76.25 = 30,500; E = 38,125; 7.625 + 1.0675 + 1.0103125; el 4 x 2,000
    "multi_family": (400.0, 4, 30_500.0, 9.7028125, 3.2, "I.1"),
    # 120 x 0.375 = 45; Q = 1,600 x 70 = 112,000; E = 140,000; 28 + 3.92 + 3.71; el 20 x 2,000
    "apartment_block": (1_600.0, 20, 112_000.0, 35.63, 16.0, "I.1"),
    # Q = 1,000 x 110; E = 137,500; 27.5 + 0.1375 x 28 + 0.01375 x 265; el 50,000 kWh
    "office": (1_000.0, 0, 110_000.0, 34.99375, 20.0, "I.2"),
    "retail": (1_000.0, 0, 85_000.0, 27.040625, 36.0, "I.2"),
    "education": (1_000.0, 0, 96_000.0, 30.54, 8.0, "I.2"),
    "health": (1_000.0, 0, 170_000.0, 54.08125, 32.0, "I.2"),
    "industry": (1_000.0, 0, 64_000.0, 20.36, 16.0, "I.3"),
    "other": (1_000.0, 0, 78_000.0, 24.81375, 12.0, "I.2"),
}


@pytest.mark.parametrize("use", list(USE_CASES))
def test_each_use_with_natural_gas(factors: FactorSet, use: str) -> None:
    area, dwellings, q, s1, s2, subsector = USE_CASES[use]
    renovation = "partial" if dwellings else "none"
    out = building_emissions(
        one_building(use, "natural_gas", area=area, dwellings=dwellings, renovation=renovation),
        factors,
    ).iloc[0]
    assert out["heat_need_kwh_a"] == pytest.approx(q)
    assert out["scope1_tco2e_a"] == pytest.approx(s1)
    assert out["scope2_tco2e_a"] == pytest.approx(s2)
    assert out["gpc_subsector"] == subsector


def test_gwp_set_changes_co2e() -> None:
    """AR4: 2.375 + 0.011875 x 25 + 0.0011875 x 298 = 3.02575 t (AR5 gives 3.0221875)."""
    ar4 = shared_toy_factor_set("AR4")
    out = building_emissions(
        one_building("single_family", "natural_gas", area=100.0, dwellings=1), ar4
    ).iloc[0]
    assert out["scope1_tco2e_a"] == pytest.approx(3.02575)
    ar6 = shared_toy_factor_set("AR6")
    assert ar6.gwp("N2O") == 273 and ar4.gwp("CH4") == 25


@pytest.mark.slow
def test_vectorised_over_many_buildings(factors: FactorSet) -> None:
    many = pd.concat(
        [one_building("single_family", "natural_gas", area=100.0, dwellings=1)] * 50_000,
        ignore_index=True,
    )
    out = building_emissions(many, factors)
    assert out["ghg_tco2e_a"].sum() == pytest.approx(50_000 * 3.8221875)


def test_missing_factor_names_the_carrier_and_table(factors: FactorSet) -> None:
    tables = dict(factors.tables)
    tables["system_efficiency"] = tables["system_efficiency"][
        tables["system_efficiency"]["carrier"] != "heat_pump"
    ]
    broken = FactorSet(tables=tables, gwp_set="AR5")
    b = pd.concat(
        [one_building("single_family", "heat_pump", area=100.0, dwellings=1)] * 3
        + [one_building("single_family", "natural_gas", area=100.0, dwellings=1)],
        ignore_index=True,
    )
    with pytest.raises(
        FactorError, match=r"heating carrier heat_pump \(3 row\(s\)\) in table 'system_efficiency'"
    ):
        building_emissions(b, broken)


def test_missing_use_factor_names_use_and_table(factors: FactorSet) -> None:
    tables = dict(factors.tables)
    nonres = tables["nonresidential_demand"]
    tables["nonresidential_demand"] = nonres[nonres["use"] != "health"]
    with pytest.raises(FactorError, match=r"health / space_heating.*'nonresidential_demand'"):
        building_emissions(
            one_building("health", "natural_gas", area=10.0, dwellings=0),
            FactorSet(tables=tables, gwp_set="AR5"),
        )


def test_road_segment_and_length_allocation(factors: FactorSet) -> None:
    """2 km, AADT car 10,000 / lgv 1,000 / hgv 500 / bus 100:
    vkm = 7,300,000 / 730,000 / 365,000 / 73,000; CO2 = (1,095,000 + 182,500 + 292,000 + 73,000) kg
    = 1,642.5 t; CH4 = N2O = 8,468,000 x 1e-5 kg = 0.08468 t; CO2e = 1,642.5 + 0.08468 x (28 + 265)."""
    road = gpd.GeoDataFrame(
        {"aadt_car": [10_000.0], "aadt_lgv": [1_000.0], "aadt_hgv": [500.0], "aadt_bus": [100.0]},
        geometry=[shapely.LineString([(0, 0), (2_000, 0)])],
        crs=CRS,
    )
    out = road_emissions(road, factors).iloc[0]
    assert out["vkm_car_a"] == pytest.approx(7_300_000.0)
    assert out["vkm_a"] == pytest.approx(8_468_000.0)
    assert out["co2_t_a"] == pytest.approx(1_642.5)
    assert out["ch4_t_a"] == pytest.approx(0.08468)
    assert out["ghg_tco2e_a"] == pytest.approx(1_642.5 + 0.08468 * 293)
    zones = gpd.GeoDataFrame(
        {"district_id": ["A", "B"]},
        geometry=[shapely.box(-10, -10, 1_500, 10), shapely.box(1_500, -10, 3_000, 10)],
        crs=CRS,
    )
    shares = length_shares(road, zones, "district_id").set_index("zone")["share"]
    assert shares.to_dict() == pytest.approx({"A": 0.75, "B": 0.25})


def test_waste_per_capita(factors: FactorSet) -> None:
    out = waste_emissions(pd.Series([100.0, 2_500.0], index=["a", "b"]), factors)
    assert out.tolist() == pytest.approx([10.0, 250.0])


def test_shipped_factors_resolve_for_every_code_combination() -> None:
    """The shipped tables cover every use x period x carrier x renovation state."""
    from minettgeo.layers.codes import (
        BUILDING_USE,
        CONSTRUCTION_PERIOD,
        HEATING_CARRIER,
        RENOVATION_STATE,
    )

    combos = pd.MultiIndex.from_product(
        [
            list(BUILDING_USE),
            list(CONSTRUCTION_PERIOD),
            list(HEATING_CARRIER),
            list(RENOVATION_STATE),
        ],
        names=["use", "construction_period", "heating_carrier", "renovation_state"],
    ).to_frame(index=False)
    combos["heated_area_m2"] = 100.0
    combos["dwellings"] = np.where(combos["use"].isin(["single_family", "terraced"]), 1, 0)
    out = building_emissions(combos, shipped_factor_set())
    assert np.isfinite(out["ghg_tco2e_a"]).all() and (out["ghg_tco2e_a"] >= 0).all()


def test_road_on_a_district_boundary_is_split_not_counted_twice(factors: FactorSet) -> None:
    road = gpd.GeoDataFrame(
        {"aadt_car": [1.0], "aadt_lgv": [0.0], "aadt_hgv": [0.0], "aadt_bus": [0.0]},
        geometry=[shapely.LineString([(0, 0), (1_000, 0)])],
        crs=CRS,
    )
    zones = gpd.GeoDataFrame(
        {"district_id": ["N", "S"]},
        geometry=[shapely.box(-10, 0, 1_010, 500), shapely.box(-10, -500, 1_010, 0)],
        crs=CRS,
    )
    shares = length_shares(road, zones, "district_id").set_index("zone")["share"]
    assert shares.to_dict() == pytest.approx({"N": 0.5, "S": 0.5})


def _without_rows(factors: FactorSet, table: str, **match: str) -> FactorSet:
    frame = factors.tables[table]
    drop = np.logical_and.reduce([frame[col].astype(str) == value for col, value in match.items()])
    assert drop.any(), f"no row of {table} matches {match}"
    return FactorSet(tables={**factors.tables, table: frame[~drop]}, gwp_set=factors.gwp_set)


# (building, table, rows dropped, the start of the message: what is missing and its key)
HOUSE = ("single_family", "natural_gas", 100.0, 1)
MISSING_BUILDING_FACTORS = [
    (
        HOUSE,
        "residential_typology",
        {"building_type": "single_family", "quantity": "hot_water"},
        f"no factor for residential building type / period / quantity single_family / {PERIOD} "
        "/ hot_water (1 row(s))",
    ),
    (
        ("office", "natural_gas", 100.0, 0),
        "nonresidential_demand",
        {"use": "office", "quantity": "space_heating"},
        "no factor for building use / quantity office / space_heating",
    ),
    (
        ("office", "natural_gas", 100.0, 0),
        "nonresidential_demand",
        {"use": "office", "quantity": "electricity"},
        "no factor for building use / quantity office / electricity",
    ),
    (
        HOUSE,
        "heat_calibration",
        {"renovation_state": "partial"},
        f"no factor for construction period / renovation state / quantity {PERIOD} / partial "
        "/ space_heating",
    ),
    (
        HOUSE,
        "electricity_use",
        {"use": "residential"},
        "no factor for electricity use / basis residential / per_dwelling",
    ),
    (
        HOUSE,
        "renovation_savings",
        {"renovation_state": "partial"},
        "no factor for renovation state partial / space_heating",
    ),
    (
        HOUSE,
        "fuel_combustion",
        {"fuel": "natural_gas", "gas": "CH4"},
        "no factor for fuel / gas natural_gas / CH4",
    ),
    (
        ("single_family", "district_heat", 100.0, 1),
        "grid_factors",
        {"carrier": "district_heat"},
        "no factor for energy carrier district_heat / CO2e",
    ),
    (
        HOUSE,
        "grid_factors",
        {"carrier": "electricity"},
        "no factor for energy carrier electricity / CO2e",
    ),
]


@pytest.mark.parametrize(("building", "table", "match", "message"), MISSING_BUILDING_FACTORS)
def test_a_missing_building_factor_is_named_with_what_it_is(
    factors: FactorSet, building, table, match, message
) -> None:
    use, carrier, area, dwellings = building
    broken = _without_rows(factors, table, **match)
    with pytest.raises(FactorError, match=f"^{re.escape(message)}"):
        building_emissions(one_building(use, carrier, area=area, dwellings=dwellings), broken)


def test_an_unknown_use_is_named(factors: FactorSet) -> None:
    b = pd.concat(
        [
            one_building("castle", "natural_gas", area=10.0, dwellings=0),
            one_building("office", "natural_gas", area=10.0, dwellings=0),
        ]
    )
    with pytest.raises(
        FactorError, match=re.escape("no factors for building use(s) ['castle']: not a minettgeo")
    ):
        building_emissions(b, factors)


def test_final_energy_and_the_index_of_the_buildings(factors: FactorSet) -> None:
    b = pd.concat(
        [
            one_building("single_family", "natural_gas", area=100.0, dwellings=1),
            one_building("single_family", "none", area=100.0, dwellings=1),
        ]
    )
    b.index = ["h1", "h2"]
    out = building_emissions(b, factors)
    assert out.index.tolist() == ["h1", "h2"]
    # gas: 11,875 kWh heating + 2,000 kWh appliances; not heated: 2,000 kWh
    assert out["final_energy_kwh_a"].tolist() == pytest.approx([13_875.0, 2_000.0])
    assert out["gpc_subsector"].tolist() == ["I.1", "I.1"]


def test_no_fuel_burnt_means_no_biogenic_building(factors: FactorSet) -> None:
    b = one_building("single_family", "heat_pump", area=100.0, dwellings=1)
    activity = resolve_building_factors(b, factors)
    assert activity.biogenic.dtype == bool and activity.biogenic.tolist() == [False]


def test_a_zero_efficiency_gives_no_heating_energy_not_nan(factors: FactorSet) -> None:
    """A system efficiency of 0 (a draw or table value at 0) must not divide: 0 kWh of heating
    energy; the appliance electricity (2,000 kWh) stays."""
    activity = resolve_building_factors(
        one_building("single_family", "natural_gas", area=100.0, dwellings=1), factors
    )
    theta = factors.theta.copy()
    theta[activity.index["efficiency"]] = 0.0
    out = building_formula(activity, theta)
    assert out["heat_need_kwh_a"].tolist() == pytest.approx([9_500.0])
    assert out["heating_final_kwh_a"].tolist() == [0.0]
    assert out["electricity_kwh_a"].tolist() == pytest.approx([2_000.0])


def test_roads_keep_their_index_and_every_column(factors: FactorSet) -> None:
    """Two segments, 1 km with AADT car 1,000 and 2 km with AADT bus 10: vkm 365,000 and
    7,300; toy factors car CO2 0.15, bus CO2 1.0 kg/vkm, CH4 = N2O = 1e-5 kg/vkm for all."""
    roads = gpd.GeoDataFrame(
        {
            "aadt_car": [1_000.0, 0.0],
            "aadt_lgv": [0.0, 0.0],
            "aadt_hgv": [0.0, 0.0],
            "aadt_bus": [0.0, 10.0],
        },
        geometry=[
            shapely.LineString([(0, 0), (1_000, 0)]),
            shapely.LineString([(0, 0), (0, 2_000)]),
        ],
        crs=CRS,
        index=[42, 7],
    )
    out = road_emissions(roads, factors)
    assert out.index.tolist() == [42, 7]
    assert out.columns.tolist() == [
        "length_m",
        "vkm_car_a",
        "vkm_lgv_a",
        "vkm_hgv_a",
        "vkm_bus_a",
        "vkm_a",
        "co2_t_a",
        "ch4_t_a",
        "n2o_t_a",
        "ghg_tco2e_a",
    ]
    assert out["length_m"].tolist() == pytest.approx([1_000.0, 2_000.0])
    # 1,000 x 365 x 1 km; 10 x 365 x 2 km
    assert out["vkm_a"].tolist() == pytest.approx([365_000.0, 7_300.0])
    # CO2 365,000 x 0.15 = 54,750 kg; 7,300 x 1.0 = 7,300 kg
    assert out["co2_t_a"].tolist() == pytest.approx([54.75, 7.3])
    # N2O 365,000 x 1e-5 = 3.65 kg; 7,300 x 1e-5 = 0.073 kg
    assert out["n2o_t_a"].tolist() == pytest.approx([3.65e-3, 7.3e-5])


def test_road_formula_on_draws_sums_over_vehicle_classes(factors: FactorSet) -> None:
    from minettgeo.models.transport import resolve_road_factors, road_formula

    # two segments: 1,000 car-km and 100 bus-km (classes car, lgv, hgv, bus)
    vkm = np.array([[1_000.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 100.0]])
    activity = resolve_road_factors(vkm, factors)
    draws = np.vstack([factors.theta, factors.theta, factors.theta])
    out = road_formula(activity, draws)
    # per draw and segment: 1,000 x 0.15 = 150 kg and 100 x 1.0 = 100 kg CO2
    assert out["co2_t_a"].shape == (3, 2)
    np.testing.assert_allclose(out["co2_t_a"], [[0.15, 0.1]] * 3)


def test_length_shares_leave_out_touching_zones_and_roads_outside() -> None:
    """Zones A [0, 100] x [0, 10] and B [100, 200] x [0, 10]. Road 10 runs 100 m in A and ends
    on B's edge (a point, no length in B); road 11 is 0.5 m long inside B; road 12 lies outside
    every zone."""
    zones = gpd.GeoDataFrame(
        {"district_id": ["A", "B"]},
        geometry=[shapely.box(0, 0, 100, 10), shapely.box(100, 0, 200, 10)],
        crs=CRS,
    )
    roads = gpd.GeoDataFrame(
        geometry=[
            shapely.LineString([(0, 5), (100, 5)]),
            shapely.LineString([(150, 5), (150.5, 5)]),
            shapely.LineString([(500, 5), (600, 5)]),
        ],
        crs=CRS,
        index=[10, 11, 12],
    )
    got = length_shares(roads, zones, "district_id")
    assert got.columns.tolist() == ["road", "zone", "share"]
    assert got.index.tolist() == [0, 1]
    assert got[["road", "zone"]].values.tolist() == [[10, "A"], [11, "B"]]
    assert got["share"].tolist() == pytest.approx([1.0, 1.0])
