"""Smaller parts of the models by hand: resident-based road emissions, waste, railways shared out
to zones and communes, roof types and rooftop solar without geometry, residents and solar added
to the buildings; the parts of point sources (which building a facility covers, its scope 1 set
to 0, gas masses, sums per commune and row and per parcel, the Monte Carlo activity)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from factor_overrides import shipped_factor_set
from minettgeo import CRS
from minettgeo.errors import FactorError
from minettgeo.factors.tables import FactorSet
from minettgeo.models import point_sources as ps
from minettgeo.models import rail, solar, transport, waste
from minettgeo.models.buildings import FACTOR_NAMES, BuildingActivity


def table(keys: dict[str, list[str]], values: list[float], unit: str = "-") -> pd.DataFrame:
    return pd.DataFrame(
        {**keys, "unit": unit, "value": values, "low": values, "high": values, "source": "t"}
    ).assign(year=2026)


def mobility_set() -> FactorSet:
    return FactorSet(
        tables={
            "gwp": table(
                {"gwp_set": ["AR5"] * 3, "gas": ["CO2", "CH4", "N2O"]}, [1.0, 28.0, 265.0]
            ),
            "vehicle_factors": table(
                {"vehicle_class": ["car"] * 3 + ["lgv"] * 3, "gas": ["CO2", "CH4", "N2O"] * 2},
                [0.15, 0.001, 0.0001, 0.25, 0.0, 0.0],
            ),
            # no row for hgv and bus: left out
            "resident_mobility": table(
                {"vehicle_class": ["car", "lgv"], "quantity": ["vkm_per_resident"] * 2},
                [1000.0, 100.0],
            ),
            "waste": table({"quantity": ["other", "per_capita_emissions"]}, [9.0, 0.2]),
        },
        gwp_set="AR5",
    )


def test_resident_based_road_emissions_by_hand() -> None:
    out = transport.resident_based(pd.Series({"A": 10.0, "B": 0.0}), mobility_set())
    # A: cars 10 x 1000 = 10,000 vkm: CO2 1,500 kg + CH4 10 kg x 28 + N2O 1 kg x 265 = 2,045 kg;
    # LGV 10 x 100 = 1,000 vkm x 0.25 = 250 kg -> 2.295 t, 11,000 vkm; B: no residents
    assert out.index.tolist() == ["A", "B"]
    assert out["resident_vkm_a"].tolist() == pytest.approx([11_000.0, 0.0])
    assert out["resident_based_road_tco2e_a"].tolist() == pytest.approx([2.295, 0.0])


def test_resident_based_road_emissions_of_classes_after_a_missing_one() -> None:
    factors = mobility_set()
    tables = dict(factors.tables)
    mobility = tables["resident_mobility"]
    tables["resident_mobility"] = mobility[mobility["vehicle_class"] != "car"]
    out = transport.resident_based(pd.Series({"A": 10.0}), FactorSet(tables=tables, gwp_set="AR5"))
    # no car row: only LGV, 10 x 100 = 1,000 vkm x 0.25 kg = 0.25 t
    assert out["resident_vkm_a"].tolist() == pytest.approx([1_000.0])
    assert out["resident_based_road_tco2e_a"].tolist() == pytest.approx([0.25])


def test_waste_per_capita() -> None:
    factors = mobility_set()
    out = waste.waste_emissions(pd.Series({"A": 100.0, "B": 5.0}), factors)
    # 0.2 t CO2e per resident
    assert out.to_dict() == pytest.approx({"A": 20.0, "B": 1.0}) and out.name == "waste_tco2e_a"
    assert factors.theta[waste.waste_index(factors)] == 0.2


def rail_lines() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"traction": ["diesel", "electric"]},
        geometry=[shapely.LineString([(0, 0), (2000, 0)]), shapely.LineString([(0, 0), (0, 1000)])],
        crs=CRS,
        index=[5, 6],
    )


SHARES = pd.DataFrame({"road": [5, 5, 6], "zone": ["Z1", "Z2", "Z2"], "share": [0.25, 0.75, 1.0]})


def test_rail_sums_shared_out_to_zones() -> None:
    results = pd.DataFrame(
        {col: [4.0 * (i + 1), 1.0] for i, col in enumerate(rail.RAIL_SUMS)}, index=[5, 6]
    )
    out = rail.rail_by_zone(results, SHARES)
    # Z1: a quarter of line 5; Z2: three quarters of line 5 and all of line 6
    first, second = rail.RAIL_SUMS[0], rail.RAIL_SUMS[1]
    assert out.loc["Z1", first] == 1.0 and out.loc["Z2", first] == 4.0  # 4 x 0.75 + 1
    assert out.loc["Z1", second] == 2.0 and out.loc["Z2", second] == 7.0  # 8 x 0.75 + 1
    assert list(out.columns) == list(rail.RAIL_SUMS)


def test_rail_line_km_by_commune_and_traction() -> None:
    districts = pd.DataFrame({"district_id": ["Z1", "Z2"], "lau2": ["A", "B"]})
    out = rail.rail_activity_by_commune(rail_lines(), SHARES, districts)
    # A: 2 km x 0.25 diesel; B: 2 km x 0.75 diesel and 1 km electric (no grade column: measured)
    assert out.to_dict("records") == [
        {"lau2": "A", "diesel_line": True, "grade": "measured", "line_km": 0.5},
        {"lau2": "B", "diesel_line": False, "grade": "measured", "line_km": 1.0},
        {"lau2": "B", "diesel_line": True, "grade": "measured", "line_km": 1.5},
    ]


@pytest.fixture(scope="module")
def shipped() -> FactorSet:
    return shipped_factor_set()


def test_rail_results_without_and_with_a_layer(shipped: FactorSet) -> None:
    districts = gpd.GeoDataFrame(
        {"district_id": ["N", "S"]},
        geometry=[shapely.box(-10, 500, 2010, 1010), shapely.box(-10, -10, 2010, 500)],
        crs=CRS,
    )
    assert rail.rail_results(None, districts, shipped) is None
    assert rail.rail_results(rail_lines().iloc[:0], districts, shipped) is None
    found = rail.rail_results(rail_lines(), districts, shipped)
    assert found is not None
    lines, shares = found
    assert lines.index.tolist() == [5, 6] and lines["line_km"].tolist() == [2.0, 1.0]
    # line 5 lies in S; line 6 half in S (0-500 m) and half in N
    got = {(r.road, r.zone): r.share for r in shares.itertuples()}
    assert got == pytest.approx({(5, "S"): 1.0, (6, "S"): 0.5, (6, "N"): 0.5})


def test_roof_types_given_derived_or_refused() -> None:
    uses = pd.DataFrame({"use": ["single_family", "office", "terraced"]})
    assert solar.roof_types(uses).tolist() == ["pitched", "flat", "pitched"]
    given = uses.assign(roof_type=["flat", None, np.nan])
    assert solar.roof_types(given).tolist() == ["flat", "flat", "pitched"]
    with pytest.raises(FactorError) as err:
        solar.roof_types(uses.assign(roof_type=["dome", "pitched", "cone"]))
    assert str(err.value) == (
        "buildings column roof_type: unknown value(s) cone, dome; use pitched or flat (or leave "
        "the cell empty to derive it from the use)"
    )


def test_solar_from_a_footprint_column_and_added_to_the_buildings(shipped: FactorSet) -> None:
    buildings = pd.DataFrame(
        {
            "use": ["single_family", "office", "terraced"],
            "footprint_m2": [100.0, 50.0, 10.0],
            "lau2": ["A", "A", "B"],
            "dwellings": [1, 0, 3],
        },
        index=[3, 4, 5],
    )
    out = solar.solar_potential(buildings, shipped)
    # pitched 0.4, flat 0.5 of the footprint; 0.2 kWp/m2; 979 kWh/kWp
    assert out.index.tolist() == [3, 4, 5]
    assert out["pv_roof_m2"].tolist() == pytest.approx([40.0, 25.0, 4.0])
    assert out["pv_kwh_a"].tolist() == pytest.approx([7832.0, 4895.0, 783.2])
    communes = pd.DataFrame({"lau2": ["A", "B"], "population": [20.0, 6.0]})
    both = solar.with_residents_and_solar(buildings, communes, shipped)
    # A: 20 residents, all in the one building with dwellings; B: 6
    assert both["residents"].tolist() == pytest.approx([20.0, 0.0, 6.0])
    assert both["pv_kwp"].tolist() == pytest.approx([8.0, 5.0, 0.8])
    for col in solar.SOLAR_SUMS:
        assert both[col].tolist() == pytest.approx(out[col].tolist()), col
    assert "residents" not in buildings.columns


# point sources (models/point_sources.py), without a region. Facilities: F1 IV.1 CO2 1,000 t and
# F2 I.3.1 CH4 280 t CO2e on parcel P1 (commune 9001), F4 IV.2 N2O 530 t CO2e on P1, F3 I.3.1
# CO2e 250 t on P2 (commune 9002). GWP AR5: CH4 28, N2O 265.
GWP = {"CO2": 1.0, "CH4": 28.0, "N2O": 265.0}


def facilities() -> pd.DataFrame:
    # listed F2 before F1 on P1: the first facility *by id* covers the parcel's buildings
    return pd.DataFrame(
        {
            "facility_id": ["F2", "F1", "F4", "F3"],
            "parcel_id": ["P1", "P1", "P1", "P2"],
            "lau2": ["9001", "9001", "9001", "9002"],
            "gpc_sector": ["I.3.1", "IV.1", "IV.2", "I.3.1"],
            "gas": ["CH4", "CO2", "N2O", "CO2e"],
            "t_co2e_per_year": [280.0, 1_000.0, 530.0, 250.0],
        },
        index=[7, 8, 9, 10],
    )


def buildings() -> pd.DataFrame:
    """b1 industry on P1, b2 residential on P1, b3 industry on P2, b4 industry on P3 (no
    facility); scope 1 CO2 / CH4 / N2O / CO2e / biogenic and scope 2 of each, t/a."""
    return pd.DataFrame(
        {
            "parcel_id": ["P1", "P1", "P2", "P3"],
            "use": ["industry", "single_family", "industry", "industry"],
            "scope1_co2_t_a": [10.0, 2.0, 4.0, 6.0],
            "scope1_ch4_t_a": [0.1, 0.02, 0.04, 0.06],
            "scope1_n2o_t_a": [0.01, 0.002, 0.004, 0.006],
            "scope1_tco2e_a": [15.45, 3.09, 6.18, 9.27],
            "biogenic_co2_t_a": [1.0, 0.5, 0.0, 3.0],
            "scope2_tco2e_a": [5.0, 1.0, 2.0, 3.0],
            "ghg_tco2e_a": [20.45, 4.09, 8.18, 12.27],
        },
        index=[101, 102, 103, 104],
    )


def test_covering_facility_is_the_first_by_id_on_an_industrial_buildings_parcel() -> None:
    got = ps.covering_facility(buildings(), facilities())
    # b1: P1 holds F1, F2, F4 -> F1 (first by id); b2 is residential; b3: P2 -> F3; b4: P3 none
    assert got.index.tolist() == [101, 102, 103, 104]
    assert got.dtype == object
    # not covered: missing (pandas gives NaN for None in an object Series; the callers test notna)
    assert got[101] == "F1" and got[103] == "F3"
    assert got.isna().tolist() == [False, True, False, True]


def test_covered_buildings_lose_scope1_and_keep_scope2() -> None:
    before = buildings()
    # facility Series in another order than the buildings: aligned by index
    facility = pd.Series(["F3", None, None, "F1"], index=[103, 104, 102, 101], dtype=object)
    out = ps.without_covered_scope1(before, facility)
    assert out["point_source_id"].tolist()[::2] == ["F1", "F3"]
    assert out["point_source_id"].isna().tolist() == [False, True, False, True]
    for col in ps.SCOPE1_COLUMNS:
        # b1 and b3 covered: 0; b2 and b4 unchanged
        assert out[col].tolist() == [0.0, before.loc[102, col], 0.0, before.loc[104, col]]
    # covered: total = scope 2 (5 and 2 t); others keep scope 1 + scope 2
    assert out["ghg_tco2e_a"].tolist() == [5.0, 4.09, 2.0, 12.27]
    assert out["scope2_tco2e_a"].tolist() == [5.0, 1.0, 2.0, 3.0]
    # the input is not changed
    assert before.equals(buildings())


def test_without_covered_scope1_adds_no_missing_scope1_column() -> None:
    frame = buildings().drop(columns=["biogenic_co2_t_a"])
    out = ps.without_covered_scope1(frame, pd.Series(["F1"], index=[101], dtype=object))
    assert "biogenic_co2_t_a" not in out.columns
    # only b1 covered (the others are missing from the Series: not covered)
    assert out["point_source_id"].iloc[0] == "F1"
    assert out["point_source_id"].isna().tolist() == [False, True, True, True]
    assert out["scope1_co2_t_a"].tolist() == [0.0, 2.0, 4.0, 6.0]
    assert out["ghg_tco2e_a"].tolist() == [5.0, 4.09, 8.18, 12.27]


def test_gas_masses_from_reported_tonnes() -> None:
    got = ps.gas_masses(facilities(), GWP)
    assert got.index.tolist() == [7, 8, 9, 10]
    assert got.columns.tolist() == ["co2_t", "ch4_t", "n2o_t", "co2e_t"]
    # F2 CH4 280 / 28 = 10 t; F1 CO2 1,000 t; F4 N2O 530 / 265 = 2 t; F3 CO2e: no gas mass
    np.testing.assert_allclose(got["co2_t"], [np.nan, 1_000.0, np.nan, np.nan])
    np.testing.assert_allclose(got["ch4_t"], [10.0, np.nan, np.nan, np.nan])
    np.testing.assert_allclose(got["n2o_t"], [np.nan, np.nan, 2.0, np.nan])
    np.testing.assert_allclose(got["co2e_t"], [280.0, 1_000.0, 530.0, 250.0])


def test_gas_masses_use_the_runs_gwp_set() -> None:
    # AR6 fossil CH4 29.8, N2O 273: 280 / 29.8 = 9.3960 t; 530 / 273 = 1.9414 t
    got = ps.gas_masses(facilities(), {"CO2": 1.0, "CH4": 29.8, "N2O": 273.0})
    assert got["ch4_t"].iloc[0] == pytest.approx(280 / 29.8)
    assert got["n2o_t"].iloc[2] == pytest.approx(530 / 273)


def test_point_source_values_summed_per_commune_and_row() -> None:
    extra = pd.DataFrame(
        {
            "facility_id": ["F5"],
            "parcel_id": ["P2"],
            "lau2": ["9002"],
            "gpc_sector": ["I.3.1"],
            "gas": ["CO2"],
            "t_co2e_per_year": [50.0],
        },
        index=[11],
    )
    got = ps.point_source_values(pd.concat([facilities(), extra]), GWP)
    assert got.columns.tolist() == ["lau2", "code", "co2_t", "ch4_t", "n2o_t", "co2e_t"]
    rows = got.set_index(["lau2", "code"])
    assert sorted(rows.index) == [
        ("9001", "I.3.1"),
        ("9001", "IV.1"),
        ("9001", "IV.2"),
        ("9002", "I.3.1"),
    ]
    # 9002 I.3.1: F3 250 t CO2e only + F5 50 t CO2 -> CO2 50 t (one source), CO2e 300 t
    assert rows.loc[("9002", "I.3.1"), "co2e_t"] == pytest.approx(300.0)
    assert rows.loc[("9002", "I.3.1"), "co2_t"] == pytest.approx(50.0)
    # no source of the gas in a group: NaN (not reported), not 0
    assert np.isnan(rows.loc[("9002", "I.3.1"), "ch4_t"])
    assert np.isnan(rows.loc[("9002", "I.3.1"), "n2o_t"])
    assert rows.loc[("9001", "I.3.1"), "ch4_t"] == pytest.approx(10.0)
    assert np.isnan(rows.loc[("9001", "I.3.1"), "co2_t"])
    assert rows.loc[("9001", "IV.1"), "co2_t"] == pytest.approx(1_000.0)
    assert rows.loc[("9001", "IV.2"), "n2o_t"] == pytest.approx(2.0)
    assert rows["co2e_t"].sum() == pytest.approx(280 + 1_000 + 530 + 250 + 50)


def test_point_source_values_under_another_key() -> None:
    got = ps.point_source_values(facilities(), GWP, key="commune")
    assert got.columns.tolist()[:2] == ["commune", "code"]
    assert got["commune"].tolist() == ["9001", "9001", "9001", "9002"]


def test_parcel_sums_split_energy_and_ippu() -> None:
    got = ps.parcel_sums(facilities())
    assert got.index.name == "parcel_id"
    assert got.columns.tolist() == ["point_source_energy_tco2e_a", "point_source_ippu_tco2e_a"]
    assert got.dtypes.tolist() == [np.dtype("float64")] * 2
    # P1: energy F2 280 t; IPPU F1 1,000 (IV.1) + F4 530 (IV.2) = 1,530 t; P2: energy F3 250 t
    assert got.loc["P1"].tolist() == [280.0, 1_530.0]
    assert got.loc["P2"].tolist() == [250.0, 0.0]


def test_uncovered_activity_points_covered_fuel_factors_at_zero() -> None:
    n = 3
    index = {name: np.full(n, 10 + k, dtype=np.int64) for k, name in enumerate(FACTOR_NAMES)}
    activity = BuildingActivity(
        heated_area_m2=np.array([100.0, 200.0, 300.0]),
        electricity_basis=np.array([1.0, 2.0, 3.0]),
        heated=np.array([True, True, False]),
        biogenic=np.array([True, True, False]),
        index=index,
    )
    covered = np.array([True, False, False])
    got = ps.uncovered_activity(activity, covered)
    for name in ("fuel_co2", "fuel_ch4", "fuel_n2o"):
        k = FACTOR_NAMES.index(name)
        assert got.index[name].tolist() == [0, 10 + k, 10 + k]
        assert got.index[name].dtype == np.int64
    for name in set(FACTOR_NAMES) - {"fuel_co2", "fuel_ch4", "fuel_n2o"}:
        assert got.index[name].tolist() == activity.index[name].tolist()
    # the covered wood building has no biogenic CO2 left; the other keeps it
    assert got.biogenic.tolist() == [False, True, False]
    assert got.heated_area_m2.tolist() == [100.0, 200.0, 300.0]
    # the input activity is unchanged
    assert activity.index["fuel_co2"].tolist() == [10 + FACTOR_NAMES.index("fuel_co2")] * 3
    assert activity.biogenic.tolist() == [True, True, False]
