"""Roll-up building -> parcel -> district -> commune -> region (:mod:`minettgeo.aggregate.levels`)
on a hand-made region, every number by hand (arithmetic in the comments).

    commune 0001 (2 ha, 300 residents): D1 = [0,100] x [0,100], D2 = [100,200] x [0,100]
    commune 0002 (2 ha, 50 residents):  D3 = [200,350] x [0,100] (1.5 ha), D4 = [350,400] (0.5 ha)
    parcels: P1 = D1's south half, P2 = D1's north half (0.5 ha each), P3 = D2, P4 = D3
    buildings: B1 (2 dwellings) and B2 (1) on P1, B3 (3) on P3
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from minettgeo import CRS
from minettgeo.aggregate import intensities, levels


def communes(gamma: bool = False) -> gpd.GeoDataFrame:
    """``gamma``: a third commune, 0003 (1 ha, 10 residents), with no district."""
    extra = 1 if gamma else 0
    return gpd.GeoDataFrame(
        {
            "lau2": ["0001", "0002", "0003"][: 2 + extra],
            "name": ["Alpha", "Beta", "Gamma"][: 2 + extra],
            "population": [300.0, 50.0, 10.0][: 2 + extra],
        },
        geometry=[box(0, 0, 200, 100), box(200, 0, 400, 100), box(400, 0, 500, 100)][: 2 + extra],
        crs=CRS,
    )


def districts() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "district_id": ["D1", "D2", "D3", "D4"],
            "name": ["d1", "d2", "d3", "d4"],
            "lau2": ["0001", "0001", "0002", "0002"],
        },
        geometry=[
            box(0, 0, 100, 100),
            box(100, 0, 200, 100),
            box(200, 0, 350, 100),
            box(350, 0, 400, 100),
        ],
        crs=CRS,
    )


def parcels() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "parcel_id": ["P1", "P2", "P3", "P4"],
            "district_id": ["D1", "D1", "D2", "D3"],
            "land_area_ha": [0.5, 0.5, 1.0, 1.5],
            "carbon_stock_tc": [10.0, 20.0, 30.0, 60.0],
            "sink_potential_2050_tco2_a": [1.0, 1.0, 2.0, 3.0],
        },
        geometry=[
            box(0, 0, 100, 50),
            box(0, 50, 100, 100),
            box(100, 0, 200, 100),
            box(200, 0, 350, 100),
        ],
        crs=CRS,
        index=[7, 8, 9, 10],
    )


def buildings() -> pd.DataFrame:
    scope1 = np.array([3.5, 1.5, 4.5])
    scope2 = np.array([0.5, 0.5, 1.5])
    heat = np.array([10_000.0, 5_000.0, 20_000.0])
    return pd.DataFrame(
        {
            "parcel_id": ["P1", "P1", "P3"],
            "dwellings": [2, 1, 3],
            "heat_need_kwh_a": heat,
            "heating_final_kwh_a": heat * 1.25,
            "electricity_kwh_a": [1000.0, 500.0, 2000.0],
            "final_energy_kwh_a": heat * 1.25 + [1000.0, 500.0, 2000.0],
            "scope1_co2_t_a": [3.0, 1.5, 4.0],
            "scope1_ch4_t_a": [0.01, 0.0, 0.02],
            "scope1_n2o_t_a": [0.001, 0.0, 0.0],
            "biogenic_co2_t_a": [0.0, 0.5, 0.0],
            "scope1_tco2e_a": scope1,
            "scope2_tco2e_a": scope2,
            "ghg_tco2e_a": scope1 + scope2,  # 4, 2, 6
            "residents": [4.0, 2.0, 5.0],
        }
    )


def test_parcel_results_sum_buildings_and_intensities() -> None:
    out = levels.parcel_results(parcels(), buildings()).set_index("parcel_id")
    # P1: 2 buildings, 2 + 1 dwellings, heat 15,000 kWh, ghg 4 + 2 = 6 on 0.5 ha
    assert out.loc["P1", ["buildings", "dwellings"]].tolist() == [2, 3]
    assert out.loc["P1", "heat_need_kwh_a"] == 15_000.0 and out.loc["P1", "ghg_tco2e_a"] == 6.0
    assert out.loc["P1", "residents"] == 6.0
    assert out.loc["P1", "ghg_per_ha_tco2e_a"] == pytest.approx(12.0)  # 6 / 0.5
    assert out.loc["P1", "heat_density_mwh_ha_a"] == pytest.approx(30.0)  # 15 MWh / 0.5 ha
    assert out.loc["P3", "heat_density_mwh_ha_a"] == pytest.approx(20.0)  # 20 / 1
    # P2 has no building: zeros, not missing
    assert out.loc["P2", ["buildings", "dwellings", "ghg_tco2e_a"]].tolist() == [0, 0, 0.0]
    assert out.loc["P2", "ghg_per_ha_tco2e_a"] == 0.0
    assert out["buildings"].dtype == np.int64 and out["dwellings"].dtype == np.int64
    assert list(out.index) == ["P1", "P2", "P3", "P4"]


def test_building_sums_require_the_core_columns() -> None:
    frame = buildings()
    assert levels.building_sums(frame) == [*levels.REQUIRED_BUILDING_SUMS, "residents"]
    with pytest.raises(KeyError, match=r"building results lack \['ghg_tco2e_a'\]"):
        levels.building_sums(frame.drop(columns=["ghg_tco2e_a"]))


def test_district_population_by_dwellings_then_by_area() -> None:
    dwellings = pd.Series({"D1": 3.0, "D2": 1.0})
    pop = levels.district_population(districts(), dwellings, communes())
    # 0001: 300 x 3/4 = 225, 300 x 1/4 = 75; 0002 has no dwelling: by area 50 x 1.5/2 = 37.5,
    # 50 x 0.5/2 = 12.5
    assert pop.to_dict() == pytest.approx({"D1": 225.0, "D2": 75.0, "D3": 37.5, "D4": 12.5})
    assert pop.name == "population"
    # without geometry, equal shares where there are no dwellings
    plain = pd.DataFrame(districts().drop(columns="geometry"))
    assert levels.district_population(plain, dwellings, communes())["D4"] == 25.0


def roll(gamma: bool = False) -> levels.Levels:
    roads = pd.DataFrame(
        {
            "vkm_a": [1000.0, 400.0],
            "co2_t_a": [0.2, 0.08],
            "ch4_t_a": [0.001, 0.0],
            "n2o_t_a": [0.0, 0.0001],
            "ghg_tco2e_a": [0.25, 0.1],
            "ev_vkm_a": [100.0, 0.0],
            "ev_kwh_a": [20.0, 0.0],
            "ev_tco2e_a": [0.008, 0.0],
        },
        index=[10, 11],
    )
    shares = pd.DataFrame(
        {"road": [10, 10, 11], "zone": ["D1", "D2", "D3"], "share": [0.5, 0.5, 1]}
    )
    p = levels.parcel_results(parcels(), buildings())
    return levels.rollup(
        p,
        districts(),
        communes(gamma),
        roads,
        shares,
        waste_per_capita=0.5,
        dh_heat_kwh_by_parcel=pd.Series({7: 15_000.0}),
        district_extra=pd.DataFrame({"rail_diesel_tco2e_a": [7.0]}, index=["D2"]),
        per_capita_extra={"wastewater_tco2e_a": 0.02},
    )


def test_districts_sums_shares_and_intensities() -> None:
    d = roll().districts.set_index("district_id")
    # population by dwellings (D1 3, D2 3 of 0001's 6) and by area in 0002 (1.5 : 0.5)
    assert d["population"].tolist() == pytest.approx([150.0, 150.0, 37.5, 12.5])
    assert d["buildings"].tolist() == [2, 1, 0, 0] and d["dwellings"].tolist() == [3, 3, 0, 0]
    assert d["stationary_ghg_tco2e_a"].tolist() == [6.0, 6.0, 0.0, 0.0]
    assert d["residents"].tolist() == [6.0, 5.0, 0.0, 0.0]
    # road 10 shared half and half between D1 and D2, road 11 all in D3
    assert d["vkm_a"].tolist() == [500.0, 500.0, 400.0, 0.0]
    assert d["transport_co2_t_a"].tolist() == pytest.approx([0.1, 0.1, 0.08, 0.0])
    assert d["transport_ch4_t_a"].tolist() == pytest.approx([0.0005, 0.0005, 0.0, 0.0])
    assert d["transport_n2o_t_a"].tolist() == pytest.approx([0.0, 0.0, 0.0001, 0.0])
    assert d["transport_tco2e_a"].tolist() == pytest.approx([0.125, 0.125, 0.1, 0.0])
    assert d["ev_vkm_a"].tolist() == [50.0, 50.0, 0.0, 0.0]
    assert d["ev_kwh_a"].tolist() == [10.0, 10.0, 0.0, 0.0]
    assert d["ev_charging_tco2e_a"].tolist() == pytest.approx([0.004, 0.004, 0.0, 0.0])
    # waste 0.5 t and wastewater 0.02 t per resident
    assert d["waste_tco2e_a"].tolist() == pytest.approx([75.0, 75.0, 18.75, 6.25])
    assert d["wastewater_tco2e_a"].tolist() == pytest.approx([3.0, 3.0, 0.75, 0.25])
    assert d["rail_diesel_tco2e_a"].tolist() == [0.0, 7.0, 0.0, 0.0]
    # ghg = stationary + transport + waste + EV + rail + wastewater:
    # D1 6 + 0.125 + 75 + 0.004 + 0 + 3 = 84.129; D2 91.129; D3 0.1 + 18.75 + 0.75 = 19.6; D4 6.5
    assert d["ghg_tco2e_a"].tolist() == pytest.approx([84.129, 91.129, 19.6, 6.5])
    assert d.loc["D1", "ghg_per_capita_tco2e_a"] == pytest.approx(84.129 / 150)
    assert d.loc["D3", "ghg_per_ha_tco2e_a"] == pytest.approx(19.6 / 1.5)
    assert d["area_ha"].tolist() == pytest.approx([1.0, 1.0, 1.5, 0.5])
    # heat: D1 15 MWh on 1 ha; district-heating potential: P1's 15,000 kWh of D1's 15,000
    assert d.loc["D1", "heat_need_mwh_a"] == 15.0 and d.loc["D1", "heat_density_mwh_ha_a"] == 15.0
    assert d["dh_potential_heat_kwh_a"].tolist() == [15_000.0, 0.0, 0.0, 0.0]
    assert d["dh_potential_share"].tolist() == [1.0, 0.0, 0.0, 0.0]
    # land: D1 10 + 20 = 30 tC on 1 ha of land; D3 60 / 1.5; D4 no land -> 0
    assert d["carbon_stock_tc"].tolist() == [30.0, 30.0, 60.0, 0.0]
    assert d["carbon_stock_tc_ha"].tolist() == pytest.approx([30.0, 30.0, 40.0, 0.0])
    assert d["sink_potential_2050_tco2_ha_a"].tolist() == pytest.approx([2.0, 2.0, 2.0, 0.0])


def test_communes_and_region_add_up() -> None:
    result = roll()
    c = result.communes.set_index("lau2")
    # 0001 = D1 + D2: 84.129 + 91.129 = 175.258; the commune keeps its own population
    assert c["ghg_tco2e_a"].tolist() == pytest.approx([175.258, 26.1])
    assert c["population"].tolist() == [300.0, 50.0]
    assert c.loc["0001", "ghg_per_capita_tco2e_a"] == pytest.approx(175.258 / 300)
    assert c.loc["0001", "ghg_per_ha_tco2e_a"] == pytest.approx(175.258 / 2)
    assert c.loc["0001", "heat_density_mwh_ha_a"] == pytest.approx(17.5)  # 35 MWh / 2 ha
    assert c.loc["0001", "dh_potential_share"] == pytest.approx(15 / 35)
    assert c.loc["0002", "carbon_stock_tc_ha"] == pytest.approx(40.0)  # 60 / 1.5 ha of land
    assert c["buildings"].tolist() == [3, 0] and c["vkm_a"].tolist() == [1000.0, 400.0]
    assert c["waste_tco2e_a"].tolist() == pytest.approx([150.0, 25.0])
    r = result.region
    # region: 175.258 + 26.1 = 201.358 t for 350 residents on 4 ha, 35 MWh
    assert r["ghg_tco2e_a"] == pytest.approx(201.358)
    assert r["population"] == 350.0 and r["area_ha"] == pytest.approx(4.0)
    assert r["ghg_per_capita_tco2e_a"] == pytest.approx(201.358 / 350)
    assert r["ghg_per_ha_tco2e_a"] == pytest.approx(201.358 / 4)
    assert r["heat_need_mwh_a"] == 35.0 and r["heat_density_mwh_ha_a"] == pytest.approx(8.75)
    assert r["dh_potential_share"] == pytest.approx(15_000 / 35_000)
    # land: 120 tC on 3.5 ha of land; sink 7 t/a on 4 ha
    assert r["carbon_stock_tc_ha"] == pytest.approx(120 / 3.5)
    assert r["sink_potential_2050_tco2_ha_a"] == pytest.approx(7 / 4)
    assert r["rail_diesel_tco2e_a"] == 7.0 and r["ev_charging_tco2e_a"] == pytest.approx(0.008)
    assert r["stationary_ghg_tco2e_a"] == 12.0 and r["buildings"] == 3
    # conservation: every summed column agrees across levels
    for col in ("stationary_ghg_tco2e_a", "transport_tco2e_a", "waste_tco2e_a", "carbon_stock_tc"):
        assert result.districts[col].sum() == pytest.approx(c[col].sum())
        assert c[col].sum() == pytest.approx(r[col])


def test_region_without_residents_heat_or_land() -> None:
    s = pd.Series(
        {
            "stationary_ghg_tco2e_a": 1.0,
            "transport_tco2e_a": 2.0,
            "waste_tco2e_a": 0.0,
            "heat_need_kwh_a": 0.0,
            "population": 0.0,
            "area_ha": 2.0,
            "dh_potential_heat_kwh_a": 0.0,
            "carbon_stock_tc": 5.0,
            "land_area_ha": 0.0,
            "sink_potential_2050_tco2_a": 1.0,
        }
    )
    out = intensities.series_intensities(s)
    # 3 t on 2 ha; no residents, no heat need, no land area: 0, not a division by zero
    assert out["ghg_tco2e_a"] == 3.0 and out["ghg_per_ha_tco2e_a"] == 1.5
    assert out["ghg_per_capita_tco2e_a"] == 0.0
    assert out["dh_potential_share"] == 0.0 and out["carbon_stock_tc_ha"] == 0.0
    assert out["sink_potential_2050_tco2_ha_a"] == 0.5
    assert s["population"] == 0.0 and "ghg_tco2e_a" not in s  # the input is left as it was


def test_a_commune_without_districts_keeps_its_residents_and_sums_nothing() -> None:
    result = roll(gamma=True)
    c = result.communes.set_index("lau2")
    # 0003 has no district: population 10 kept, every sum 0, names kept, no district columns
    assert c.loc["0003", "population"] == 10.0
    assert c.loc["0003", "ghg_tco2e_a"] == 0.0 and c.loc["0003", "vkm_a"] == 0.0
    assert c.loc["0003", "ghg_per_capita_tco2e_a"] == 0.0
    assert c["name"].tolist() == ["Alpha", "Beta", "Gamma"]
    assert "district_id" not in c.columns
    # the region counts its residents and area: 360 residents, 5 ha
    assert result.region["population"] == 360.0 and result.region["area_ha"] == pytest.approx(5.0)
    assert result.region["ghg_per_capita_tco2e_a"] == pytest.approx(201.358 / 360)
    d = result.districts
    assert d["buildings"].dtype == np.int64 and d["dwellings"].dtype == np.int64
    assert list(d["name"]) == ["d1", "d2", "d3", "d4"]


def test_the_levels_hold_the_parcels_given() -> None:
    p = levels.parcel_results(parcels(), buildings())
    shares = pd.DataFrame({"road": [10], "zone": ["D1"], "share": [1.0]})
    roads = pd.DataFrame(
        {
            "vkm_a": [1.0],
            "co2_t_a": [0.0],
            "ch4_t_a": [0.0],
            "n2o_t_a": [0.0],
            "ghg_tco2e_a": [0.0],
        },
        index=[10],
    )
    result = levels.rollup(p, districts(), communes(), roads, shares, waste_per_capita=0.0)
    assert result.parcels is p
    # without EV, rail, wastewater or district heat: none of their columns
    for col in ("ev_charging_tco2e_a", "rail_diesel_tco2e_a", "dh_potential_share"):
        assert col not in result.districts.columns
    # ghg of D1 = stationary 6 + transport 0 + waste 0
    assert result.districts.set_index("district_id").loc["D1", "ghg_tco2e_a"] == 6.0
