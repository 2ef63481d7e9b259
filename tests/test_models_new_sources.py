"""Hand-computed checks of the models added for BASIC completeness and I.4.4: EV charging,
railways, wastewater, district-heat plants; and the half split of roads on zone boundaries."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from factor_overrides import shipped_factor_set
from minettgeo import CRS
from minettgeo.factors.tables import FactorSet
from minettgeo.models import district_heat, ev, rail, wastewater
from minettgeo.models.transport import length_shares


@pytest.fixture(scope="module")
def shipped() -> FactorSet:
    return shipped_factor_set()


def test_road_along_a_boundary_is_split_half_half() -> None:
    """Zones A = [0, 100] x [0, 100] and B = [100, 200] x [0, 100] share the edge x = 100."""
    zones = gpd.GeoDataFrame(
        {"district_id": ["A", "B"]},
        geometry=[shapely.box(0, 0, 100, 100), shapely.box(100, 0, 200, 100)],
        crs=CRS,
    )
    roads = gpd.GeoDataFrame(
        geometry=[
            # 1: 20 m inside A, then 60 m along the shared edge x = 100 (y 20 -> 80)
            shapely.LineString([(80, 20), (100, 20), (100, 80)]),
            # 2: crosses the edge: 30 m in A, 50 m in B
            shapely.LineString([(70, 50), (150, 50)]),
            # 3: 40 m along the region's outer edge y = 0 inside A's extent
            shapely.LineString([(10, 0), (50, 0)]),
            # 4: 50 m in A, 50 m outside every zone (y > 100)
            shapely.LineString([(50, 50), (50, 150)]),
        ],
        crs=CRS,
    )
    got = length_shares(roads, zones, "district_id").set_index(["road", "zone"])["share"]
    # 1: A = (20 + 60 / 2) / 80 = 0.625, B = (60 / 2) / 80 = 0.375 (sum 1)
    assert got[(0, "A")] == pytest.approx(0.625)
    assert got[(0, "B")] == pytest.approx(0.375)
    # 2: 30 / 80 = 0.375 and 50 / 80 = 0.625; the crossing point has no length
    assert got[(1, "A")] == pytest.approx(0.375)
    assert got[(1, "B")] == pytest.approx(0.625)
    # 3: on A's outer edge, no neighbouring zone: wholly to A (counted once)
    assert got[(2, "A")] == pytest.approx(1.0)
    assert (2, "B") not in got.index
    # 4: the part outside the zones is dropped: 50 / 100
    assert got[(3, "A")] == pytest.approx(0.5)


def test_ev_charging_by_hand(shipped: FactorSet) -> None:
    out = ev.ev_charging(pd.DataFrame({"vkm_car_a": [1_000_000.0]}), shipped).iloc[0]
    # kWh per car-km = (0.0696 x 0.175 + 0.037 x 0.28 x 0.20) / (1 - 0.12)
    #                = (0.01218 + 0.002072) / 0.88 = 0.0161955
    assert out["ev_kwh_a"] == pytest.approx(1e6 * 0.014252 / 0.88)
    # electric car-km: 1e6 x (0.0696 + 0.037 x 0.28) = 79,960
    assert out["ev_vkm_a"] == pytest.approx(79_960.0)
    # scope 2 at 0.35 kg/kWh
    assert out["ev_tco2e_a"] == pytest.approx(1e6 * 0.014252 / 0.88 * 0.35 / 1000)


def test_ev_charging_keeps_the_segments_index(shipped: FactorSet) -> None:
    roads = pd.DataFrame({"vkm_car_a": [1_000_000.0, 0.0, 500_000.0]}, index=[7, 3, 5])
    out = ev.ev_charging(roads, shipped)
    assert out.index.tolist() == [7, 3, 5]
    # kWh per car-km 0.014252 / 0.88 (test above): proportional to the car-km of each segment
    assert out["ev_kwh_a"].tolist() == pytest.approx(
        [1e6 * 0.014252 / 0.88, 0.0, 5e5 * 0.014252 / 0.88]
    )


def test_ev_formula_on_draws_broadcasts(shipped: FactorSet) -> None:
    activity = ev.resolve_ev_factors(np.array([1.0, 2.0]), shipped)
    draws = shipped.draw(5, np.random.default_rng(1))
    assert ev.ev_formula(activity, draws)["ev_tco2e_a"].shape == (5, 2)


def test_rail_by_hand(shipped: FactorSet) -> None:
    lines = gpd.GeoDataFrame(
        {"rail_id": ["L1", "L2"], "traction": ["electric", "diesel"]},
        geometry=[shapely.LineString([(0, 0), (2_000, 0)]), shapely.LineString([(0, 0), (0, 500)])],
        crs=CRS,
    )
    out = rail.rail_emissions(lines, shipped)
    # L1: 2 km x (33,200 + 4,000) = 74,400 train-km; 5 % diesel
    assert out.loc[0, "train_km_a"] == pytest.approx(74_400.0)
    assert out.loc[0, "rail_electric_kwh_a"] == pytest.approx(74_400 * 0.95 * 16.0)
    assert out.loc[0, "rail_electric_tco2e_a"] == pytest.approx(74_400 * 0.95 * 16.0 * 0.35 / 1e3)
    fuel = 74_400 * 0.05 * 30.0  # kWh diesel
    assert out.loc[0, "rail_diesel_co2_t_a"] == pytest.approx(fuel * 0.26676 / 1e3)
    assert out.loc[0, "rail_diesel_tco2e_a"] == pytest.approx(
        fuel * (0.26676 + 28 * 1.494e-5 + 265 * 0.00010296) / 1e3
    )
    # L2: a diesel line: 0.5 km x 37,200 = 18,600 train-km, all diesel, no electricity
    assert out.loc[1, "rail_electric_kwh_a"] == 0.0
    assert out.loc[1, "rail_diesel_kwh_a"] == pytest.approx(18_600 * 30.0)


def test_wastewater_by_hand(shipped: FactorSet) -> None:
    out = wastewater.wastewater_emissions(pd.Series([1000.0], index=["x"]), shipped).iloc[0]
    # CH4 per resident: 0.06 x 365 x 1.25 x 0.6 x (0.03 + 0.15 x 0.035) = 0.578981 kg
    ch4 = 0.06 * 365 * 1.25 * 0.6 * (0.03 + (1 - 0.85) * 0.035)
    assert ch4 == pytest.approx(0.578981, rel=1e-5)
    assert out["wastewater_ch4_t_a"] == pytest.approx(1000 * ch4 / 1000)
    # N = 32 x 0.16 x 1.1 x 1.1 x 1.25 = 7.744 kg; N2O = 7.744 x (0.016 + 0.2 x 0.005) x 44/28
    n2o = 7.744 * (0.016 + 0.2 * 0.005) * 44 / 28
    assert out["wastewater_n2o_t_a"] == pytest.approx(n2o)
    assert out["wastewater_tco2e_a"] == pytest.approx(ch4 * 28 + n2o * 265)


def test_wastewater_per_commune_keeps_the_index(shipped: FactorSet) -> None:
    out = wastewater.wastewater_emissions(
        pd.Series([1000.0, 0.0, 250.0], index=["a", "b", "c"]), shipped
    )
    assert out.index.tolist() == ["a", "b", "c"]
    # 0.578981 kg CH4 per resident (test above): 0.578981 t for 1,000, 0 and 0.144745 t
    assert out["wastewater_ch4_t_a"].tolist() == pytest.approx(
        [0.578981, 0.0, 0.578981 / 4], rel=1e-5
    )


def test_wastewater_per_resident_by_hand(shipped: FactorSet) -> None:
    got = wastewater.wastewater_per_capita(shipped)
    # one resident, t/a: CH4 0.578981 kg / 1000; N2O 7.744 x 0.017 x 44/28 kg / 1000 = 2.0687e-4 t
    ch4 = 0.06 * 365 * 1.25 * 0.6 * (0.03 + (1 - 0.85) * 0.035) / 1000
    n2o = 7.744 * (0.016 + 0.2 * 0.005) * 44 / 28 / 1000
    assert sorted(got) == ["wastewater_ch4_t_a", "wastewater_n2o_t_a", "wastewater_tco2e_a"]
    assert all(type(v) is float for v in got.values())
    assert got["wastewater_ch4_t_a"] == pytest.approx(ch4)
    assert got["wastewater_n2o_t_a"] == pytest.approx(n2o)
    assert got["wastewater_tco2e_a"] == pytest.approx(ch4 * 28 + n2o * 265)


def test_district_heat_plants_by_hand(shipped: FactorSet) -> None:
    buildings = pd.DataFrame(
        {
            "lau2": ["0204", "0213", "0203", "0204", "0202"],
            "heating_carrier": ["district_heat"] * 3 + ["natural_gas", "district_heat"],
            "heating_final_kwh_a": [1e6, 1e6, 1e6, 5e6, 7e6],
        }
    )
    plants = district_heat.plant_emissions(buildings, shipped).set_index("plant")
    # Sudcal serves Esch and Sanem: 2 GWh delivered; fed 2e6 / 0.88; gas 30 % at 0.90
    gas = 2e6 / 0.88 * 0.30 / 0.90
    assert plants.loc["sudcal", "heat_delivered_kwh_a"] == pytest.approx(2e6)
    assert plants.loc["sudcal", "lau2"] == "0204"
    assert plants.loc["sudcal", "co2_t_a"] == pytest.approx(gas * 0.20196 / 1e3)
    assert plants.loc["sudcal", "tco2e_a"] == pytest.approx(
        gas * (0.20196 + 28 * 3.6e-6 + 265 * 3.6e-7) / 1e3
    )
    # Brill (Dudelange): 1 GWh; pellets 83 % at 0.85 (CO2 biogenic), gas 17 % at 0.90
    fed = 1e6 / 0.88
    wood, gas = fed * 0.83 / 0.85, fed * 0.17 / 0.90
    assert plants.loc["brill", "co2_t_a"] == pytest.approx(gas * 0.20196 / 1e3)
    assert plants.loc["brill", "biogenic_co2_t_a"] == pytest.approx(wood * 0.4032 / 1e3)
    assert plants.loc["brill", "ch4_t_a"] == pytest.approx((gas * 3.6e-6 + wood * 0.000108) / 1e3)
    # the gas building and the Differdange district-heat building (no plant) are not counted
    assert plants["heat_delivered_kwh_a"].sum() == pytest.approx(3e6)


def test_district_heat_serving_plant_delivered_heat_and_columns(shipped: FactorSet) -> None:
    # Esch (0204) and Sanem (0213) district-heated: Sudcal; Differdange (0202) district-heated:
    # no plant; a gas building in Esch: none; Brill (Dudelange, 0203) serves no building here
    buildings = pd.DataFrame(
        {
            "lau2": ["0204", "0213", "0202", "0204"],
            "heating_carrier": ["district_heat", "district_heat", "district_heat", "natural_gas"],
            "heating_final_kwh_a": [1e6, 1e6, 4e6, 8e6],
        }
    )
    lau2 = buildings["lau2"].to_numpy(dtype=object)
    carrier = buildings["heating_carrier"].to_numpy(dtype=object)
    assert district_heat.serving_plant(lau2, carrier, shipped).tolist() == [
        "sudcal",
        "sudcal",
        "",
        "",
    ]
    heat = district_heat.delivered_heat(buildings, shipped)
    # 1 + 1 GWh for Sudcal; the buildings of no plant are left out
    assert heat.to_dict() == {"sudcal": 2e6}
    # every building served: nothing to leave out
    assert district_heat.delivered_heat(buildings.iloc[:2], shipped).to_dict() == {"sudcal": 2e6}
    plants = district_heat.plant_emissions(buildings, shipped)
    assert plants.columns.tolist() == [
        "plant",
        "lau2",
        "heat_delivered_kwh_a",
        "gas_fuel_kwh_a",
        "biomass_fuel_kwh_a",
        "co2_t_a",
        "ch4_t_a",
        "n2o_t_a",
        "biogenic_co2_t_a",
        "tco2e_a",
    ]
    assert plants["plant"].tolist() == ["sudcal", "brill"]
    assert plants["lau2"].tolist() == ["0204", "0203"]
    # Sudcal: fed 2e6 / (1 - 0.12); gas 30 % at 0.90 = 757,575.76 kWh; no biomass
    gas = 2e6 / 0.88 * 0.30 / 0.90
    sudcal, brill = plants.iloc[0], plants.iloc[1]
    assert sudcal["gas_fuel_kwh_a"] == pytest.approx(gas)
    assert sudcal["biomass_fuel_kwh_a"] == 0.0
    assert sudcal["n2o_t_a"] == pytest.approx(gas * 3.6e-7 / 1e3)
    # Brill delivers nothing here: no fuel, no emissions
    assert brill[plants.columns[2:]].tolist() == [0.0] * 8


def test_district_heat_biomass_plant_and_heat_of_draws(shipped: FactorSet) -> None:
    activity = district_heat.resolve_plant_factors(pd.Series({"brill": 1e6}), shipped)
    # plants not in the Series deliver 0
    assert activity.plants == ("sudcal", "brill")
    assert activity.heat_delivered_kwh.tolist() == [0.0, 1e6]
    out = district_heat.plant_formula(activity, shipped.theta)
    # Brill: fed 1e6 / 0.88 = 1,136,363.6 kWh; pellets 83 % at 0.85 = 1,109,625.7 kWh;
    # gas 17 % at 0.90 = 214,646.5 kWh; N2O (214,646.5 x 3.6e-7 + 1,109,625.7 x 1.44e-5) / 1000
    fed = 1e6 / 0.88
    wood, gas = fed * 0.83 / 0.85, fed * 0.17 / 0.90
    assert out["biomass_fuel_kwh_a"][1] == pytest.approx(wood)
    assert out["gas_fuel_kwh_a"][1] == pytest.approx(gas)
    assert out["n2o_t_a"][1] == pytest.approx((gas * 3.6e-7 + wood * 1.44e-5) / 1e3)
    assert out["n2o_t_a"][1] == pytest.approx(0.0160559, rel=1e-5)
    # heat of two Monte Carlo draws replaces the central heat: twice and zero the heat of Brill
    draws = district_heat.plant_formula(
        activity, np.vstack([shipped.theta, shipped.theta]), heat_kwh=np.array([[0, 2e6], [0, 0]])
    )
    assert draws["heat_delivered_kwh_a"].tolist() == [[0.0, 2e6], [0.0, 0.0]]
    assert draws["biomass_fuel_kwh_a"][:, 1] == pytest.approx([2 * wood, 0.0])


def test_a_region_without_rail_layer_loads_and_railways_are_not_estimated(tmp_path) -> None:
    import toy_region
    from minettgeo.layers.region import load_region
    from minettgeo.report import gpc

    region = load_region(toy_region.build(tmp_path / "old", with_rail=False))
    assert region.rail is None
    assert rail.rail_results(region.rail, region.districts, shipped_factor_set()) is None
    values = pd.DataFrame(
        {"lau2": ["9001"], "code": ["II.1.1"], "co2e_t": [1.0], "biogenic_co2_t": [np.nan]}
    )
    for col in ("co2_t", "ch4_t", "n2o_t"):
        values[col] = np.nan
    table = gpc.inventory_table(values, "lau2", {"9001": "Alpha"}, rail.NOT_ESTIMATED)
    rows = table[table["lau2"] == "9001"].set_index("code")
    assert (
        rows.loc["II.2.1", "notation_key"] == "NE" and "no rail layer" in rows.loc["II.2.1", "note"]
    )
    assert rows.loc["II.2.2", "notation_key"] == "NE"
    assert rows.loc["II.1.1", "notation_key"] == "" and rows.loc["II.1.1", "co2e_t"] == 1.0
    assert rows.loc["II.1.2", "notation_key"] == "NO"  # modelled, nothing here
