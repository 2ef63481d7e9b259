"""Checks of the emission-factor tables shipped in ``src/minettgeo/factors/data``.

Every expected number below is written out by hand from the source it cites, so a wrong edit of a
CSV (or of the typology derivation) makes a test fail.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd
import pytest

from minettgeo.factors.typology_derivation import (
    derive_typology,
    refurbishment_anchors,
    select_generic_existing,
)

FACTORS = Path(__file__).parents[1] / "src/minettgeo/factors"
DATA = FACTORS / "data"
TABULA = FACTORS / "sources" / "tabula_heat_need_DE_BE_FR_NL_AT.csv"
KWH_PER_TJ = 277_777.78

CARRIERS = [
    "natural_gas",
    "heating_oil",
    "direct_electric",
    "heat_pump",
    "district_heat",
    "wood_pellets",
    "none",
]
RESIDENTIAL = ["single_family", "terraced", "multi_family", "apartment_block"]
NON_RESIDENTIAL = ["office", "retail", "education", "health", "industry", "other"]
PERIODS = [
    "before_1919",
    "1919_1945",
    "1946_1960",
    "1961_1970",
    "1971_1980",
    "1981_1990",
    "1991_2000",
    "2001_2010",
    "2011_2016",
    "2017_2030",
]
VEHICLES = ["car", "lgv", "hgv", "bus"]
GASES = ["CO2", "CH4", "N2O"]
GWP_SETS = ["AR4", "AR5", "AR6"]
FUELS = [
    "natural_gas",
    "heating_oil",
    "wood_pellets",
    "diesel",
    "gasoline",
    "lpg",
    "natural_gas_energy",
    "wood_pellets_energy",
    "rail_diesel",
]

VALUE_COLS = ["unit", "value", "low", "high", "source", "year"]

#: table -> (exact column order, allowed units)
SCHEMAS: dict[str, tuple[list[str], set[str]]] = {
    "gwp.csv": (["gwp_set", "gas", *VALUE_COLS, "note"], {"kg CO2e/kg"}),
    "fuel_combustion.csv": (
        ["fuel", "gas", "unit", "value", "low", "high", "biogenic", "source", "year", "note"],
        {"kg/kWh"},
    ),
    "grid_factors.csv": (["carrier", "gas", *VALUE_COLS, "note"], {"kg CO2e/kWh"}),
    "residential_typology.csv": (
        ["building_type", "construction_period", "quantity", *VALUE_COLS, "note"],
        {"kWh/(m2 a)"},
    ),
    "nonresidential_demand.csv": (["use", "quantity", *VALUE_COLS, "note"], {"kWh/(m2 a)"}),
    "system_efficiency.csv": (["carrier", *VALUE_COLS, "note"], {"kWh heat/kWh final"}),
    "renovation_savings.csv": (
        ["renovation_state", "quantity", *VALUE_COLS, "note"],
        {"fraction"},
    ),
    "electricity_use.csv": (
        ["use", "basis", *VALUE_COLS, "note"],
        {"kWh/(dwelling a)", "kWh/(m2 a)"},
    ),
    "vehicle_factors.csv": (["vehicle_class", "gas", *VALUE_COLS, "note"], {"kg/vkm"}),
    "waste.csv": (
        ["quantity", *VALUE_COLS, "note"],
        {"t/(cap a)", "fraction", "t CO2e/t", "t CO2e/(cap a)"},
    ),
}


def load(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / name)


def row(df: pd.DataFrame, **keys: str) -> pd.Series:
    mask = pd.Series(True, index=df.index)
    for col, val in keys.items():
        mask &= df[col] == val
    hits = df[mask]
    assert len(hits) == 1, f"expected one row for {keys}, found {len(hits)}"
    return hits.iloc[0]


def key_set(df: pd.DataFrame, cols: list[str]) -> set[tuple[str, ...]]:
    return set(df[cols].itertuples(index=False, name=None))


# ---------------------------------------------------------------- schema and ranges


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_columns_and_units(name: str) -> None:
    df = load(name)
    columns, units = SCHEMAS[name]
    assert list(df.columns) == columns
    assert len(df) > 0
    assert set(df["unit"]) <= units, set(df["unit"]) - units
    key_cols = columns[: columns.index("unit")]
    assert not df.duplicated(key_cols).any(), "duplicate keys"


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_low_value_high_and_provenance(name: str) -> None:
    df = load(name)
    for col in ("value", "low", "high"):
        assert pd.api.types.is_numeric_dtype(df[col]), col
        assert df[col].notna().all(), f"missing {col}"
    bad = df[(df["low"] > df["value"]) | (df["value"] > df["high"])]
    assert bad.empty, bad[["value", "low", "high"]]
    assert (df["unit"].astype(str).str.strip() != "").all()
    assert df["source"].notna().all()
    assert (df["source"].astype(str).str.len() > 10).all()
    assert pd.api.types.is_integer_dtype(df["year"])
    assert df["year"].between(2000, 2030).all()


def test_data_readme_lists_every_table_and_version() -> None:
    text = (DATA / "README.md").read_text(encoding="utf-8")
    assert "minettgeo-factors-2026.1" in text
    for name in SCHEMAS:
        assert f"`{name}`" in text, name


def test_tabula_sources_shipped_with_attribution() -> None:
    sources = FACTORS / "sources"
    for name in (
        "tabula_heat_need_DE_BE_FR_NL_AT.csv",
        "tabula_u_values_DE_BE_FR_AT_NL.csv",
        "tabula_energy_carrier_factors.csv",
        "ATTRIBUTION.md",
    ):
        assert (sources / name).is_file(), name
    text = (sources / "ATTRIBUTION.md").read_text(encoding="utf-8")
    assert "TABULA" in text and "EPISCOPE" in text and "CC BY 4.0" in text


# ---------------------------------------------------------------- coverage of the code lists


def test_coverage_of_code_lists() -> None:
    assert key_set(load("gwp.csv"), ["gwp_set", "gas"]) == {(s, g) for s in GWP_SETS for g in GASES}
    assert key_set(load("fuel_combustion.csv"), ["fuel", "gas"]) == {
        (f, g) for f in FUELS for g in GASES
    }
    assert key_set(load("grid_factors.csv"), ["carrier", "gas"]) == {
        ("electricity", "CO2e"),
        ("district_heat", "CO2e"),
    }
    assert sorted(load("system_efficiency.csv")["carrier"]) == sorted(CARRIERS)
    typology = load("residential_typology.csv")
    assert len(typology) == 80
    assert key_set(typology, ["building_type", "construction_period", "quantity"]) == {
        (t, p, q) for t in RESIDENTIAL for p in PERIODS for q in ("space_heating", "hot_water")
    }
    assert key_set(load("nonresidential_demand.csv"), ["use", "quantity"]) == {
        (u, q) for u in NON_RESIDENTIAL for q in ("space_heating", "hot_water", "electricity")
    }
    assert key_set(load("vehicle_factors.csv"), ["vehicle_class", "gas"]) == {
        (v, g) for v in VEHICLES for g in GASES
    }
    assert key_set(load("renovation_savings.csv"), ["renovation_state", "quantity"]) == {
        (s, "space_heating") for s in ("none", "partial", "deep")
    }
    assert key_set(load("electricity_use.csv"), ["use", "basis", "unit"]) == {
        ("residential", "per_dwelling", "kWh/(dwelling a)"),
        ("residential", "per_m2", "kWh/(m2 a)"),
    }
    waste = set(load("waste.csv")["quantity"])
    assert {"msw_generation", "per_capita_emissions"} <= waste
    calibration = key_set(
        load("heat_calibration.csv"), ["construction_period", "renovation_state", "quantity"]
    )
    assert calibration == {
        (p, s, "space_heating") for p in PERIODS for s in ("none", "partial", "deep")
    } | {("all", "all", "residential_final_energy_per_m2")}
    plants = load("district_heat_plants.csv")
    assert set(plants["plant"]) == {"sudcal", "brill"} and len(plants) == 10


def test_prebound_ratio_only_for_unrenovated_homes() -> None:
    """The measured/calculated ratio is below 1 only for unrenovated pre-2011 homes."""
    cal = load("heat_calibration.csv")
    ratio = cal[cal["quantity"] == "space_heating"]
    assert (ratio.loc[ratio["renovation_state"] != "none", "value"] == 1.0).all()
    old = ratio[
        (ratio["renovation_state"] == "none") & ratio["construction_period"].isin(PERIODS[:6])
    ]
    assert (old["value"] == 0.7).all() and len(old) == 6


def test_calibration_target_arithmetic() -> None:
    """164 = 5.21 TWh / (244,200 x 130 m2); band 5.21 / (250,000 x 135) to 5.21 / (244,200 x 125)."""
    cal = load("heat_calibration.csv").set_index("quantity").loc["residential_final_energy_per_m2"]
    twh = 0.448 * 11.63
    assert cal["value"] == pytest.approx(twh * 1e9 / (244_200 * 130), abs=0.5)
    assert cal["low"] == pytest.approx(twh * 1e9 / (250_000 * 135), abs=0.5)
    assert cal["high"] == pytest.approx(twh * 1e9 / (244_200 * 125), abs=0.5)


def test_ev_and_rail_derivations() -> None:
    ev = load("ev_charging.csv").set_index("quantity")["value"]
    # fleet Dec 2024, renormalised over five powertrains (99.89 %)
    assert ev["bev_fleet_share"] == pytest.approx(0.0695 / 0.9989, abs=1e-4)
    assert ev["phev_fleet_share"] == pytest.approx(0.0370 / 0.9989, abs=2e-4)
    assert ev["phev_electric_share"] == pytest.approx(1 - 136.0 / 190.0, abs=0.005)
    rail = load("rail_traffic.csv").set_index("quantity")["value"]
    assert rail["passenger_train_km_per_line_km"] == pytest.approx(1_000 * 25 * 365 / 275, rel=1e-3)
    assert rail["kwh_fuel_per_train_km"] == pytest.approx(3.0 * 0.84 * 43.0 / 3.6, rel=0.01)
    fuels = load("fuel_combustion.csv").set_index(["fuel", "gas"])["value"]
    for gas, kg_tj in (("CO2", 74_100), ("CH4", 4.15), ("N2O", 28.6)):
        assert fuels[("rail_diesel", gas)] == pytest.approx(kg_tj / 277_777.78, rel=1e-3)
    for fuel, ch4, n2o in (("natural_gas_energy", 1, 0.1), ("wood_pellets_energy", 30, 4)):
        assert fuels[(fuel, "CH4")] == pytest.approx(ch4 / 277_777.78, rel=1e-3)
        assert fuels[(fuel, "N2O")] == pytest.approx(n2o / 277_777.78, rel=1e-3)


# ---------------------------------------------------------------- GWP


def test_gwp_values_exact() -> None:
    gwp = load("gwp.csv")
    expected = {
        ("AR4", "CO2"): 1,
        ("AR4", "CH4"): 25,
        ("AR4", "N2O"): 298,
        ("AR5", "CO2"): 1,
        ("AR5", "CH4"): 28,
        ("AR5", "N2O"): 265,
        ("AR6", "CO2"): 1,
        ("AR6", "CH4"): 29.8,
        ("AR6", "N2O"): 273,
    }
    for (gwp_set, gas), value in expected.items():
        r = row(gwp, gwp_set=gwp_set, gas=gas)
        assert r["value"] == value == r["low"] == r["high"], (gwp_set, gas)
    assert "fossil" in row(gwp, gwp_set="AR6", gas="CH4")["note"]


# ---------------------------------------------------------------- fuel combustion

_KG_TJ = re.compile(r"([\d,.]+) kg/TJ \(range ([\d,.]+)-([\d,.]+)\)")


def _num(text: str) -> float:
    return float(text.replace(",", ""))


def test_natural_gas_co2_is_ipcc_default_converted() -> None:
    fuel = load("fuel_combustion.csv")
    assert math.isclose(
        row(fuel, fuel="natural_gas", gas="CO2")["value"], 56100 / 277777.78, rel_tol=1e-4
    )
    assert math.isclose(
        row(fuel, fuel="heating_oil", gas="CO2")["value"], 74100 / 277777.78, rel_tol=1e-4
    )
    assert math.isclose(
        row(fuel, fuel="gasoline", gas="CO2")["value"], 69300 / 277777.78, rel_tol=1e-4
    )
    assert math.isclose(row(fuel, fuel="lpg", gas="CO2")["value"], 0.22716, rel_tol=1e-4)
    assert math.isclose(row(fuel, fuel="wood_pellets", gas="CO2")["value"], 0.4032, rel_tol=1e-4)


def test_every_fuel_row_matches_the_kg_per_tj_figure_it_cites() -> None:
    fuel = load("fuel_combustion.csv")
    for _, r in fuel.iterrows():
        match = _KG_TJ.search(r["note"])
        assert match, f"{r['fuel']} {r['gas']}: note does not cite kg/TJ"
        central, lo, hi = (_num(x) for x in match.groups())
        assert math.isclose(r["value"], central / KWH_PER_TJ, rel_tol=1e-3), (r["fuel"], r["gas"])
        assert math.isclose(r["low"], lo / KWH_PER_TJ, rel_tol=1e-3), (r["fuel"], r["gas"])
        assert math.isclose(r["high"], hi / KWH_PER_TJ, rel_tol=1e-3), (r["fuel"], r["gas"])


def test_only_wood_co2_is_biogenic() -> None:
    fuel = load("fuel_combustion.csv")
    assert fuel["biogenic"].dtype == bool
    biogenic = fuel[fuel["biogenic"]]
    assert key_set(biogenic, ["fuel", "gas"]) == {
        ("wood_pellets", "CO2"),
        ("wood_pellets_energy", "CO2"),
    }


# ---------------------------------------------------------------- grid factors


def test_grid_factors() -> None:
    grid = load("grid_factors.csv")
    electricity = row(grid, carrier="electricity")
    assert 0.30 <= electricity["value"] <= 0.40
    assert electricity["high"] - electricity["low"] >= 0.2  # deliberately wide
    # district heat: Sudcal 70 % waste heat (0) + 30 % gas boilers; Brill 83 % pellets + 17 % gas
    gas_heat = (56100 + 1 * 28 + 0.1 * 265) / KWH_PER_TJ / 0.90
    sudcal = 0.30 * gas_heat / 0.88
    brill = (0.83 * (30 * 28 + 4 * 265) / KWH_PER_TJ / 0.85 + 0.17 * gas_heat) / 0.88
    expected = (25.7 * sudcal + 10.5 * brill) / (25.7 + 10.5)
    dh = row(grid, carrier="district_heat")
    assert math.isclose(dh["value"], expected, abs_tol=5e-4)
    assert math.isclose(dh["high"], gas_heat / 0.88, abs_tol=5e-4)


# ---------------------------------------------------------------- residential typology


@pytest.fixture(scope="module")
def tabula() -> pd.DataFrame:
    return pd.read_csv(TABULA, dtype={"refurb_variant": str})


def test_typology_csv_is_reproducible(tabula: pd.DataFrame) -> None:
    shipped = load("residential_typology.csv")
    derived = derive_typology(tabula)
    pd.testing.assert_frame_equal(
        shipped.reset_index(drop=True), derived.reset_index(drop=True), check_dtype=False
    )


def test_typology_selection_keeps_generic_existing_rows(tabula: pd.DataFrame) -> None:
    rows = select_generic_existing(tabula)
    assert set(rows["country"]) == {"DE", "BE", "FR"}
    de_sfh = rows[(rows["country"] == "DE") & (rows["size"] == "SFH")].set_index("cls")
    # domain-brief anchors: German SFH 283 (before 1859), 265 (1958-68), 98 (1995-2001), 69 (2016-)
    assert round(de_sfh.loc["01", "q_h_nd"]) == 283
    assert round(de_sfh.loc["05", "q_h_nd"]) == 265
    assert round(de_sfh.loc["09", "q_h_nd"]) == 98
    assert round(de_sfh.loc["12", "q_h_nd"]) == 69
    assert len(de_sfh) == 12  # 12 classes, the district and light-frame variants are left out
    assert de_sfh.loc["01", "year1"] == 1800 and de_sfh.loc["12", "year2"] == 2030


def test_typology_space_heating_falls_with_age() -> None:
    typology = load("residential_typology.csv")
    sh = typology[typology["quantity"] == "space_heating"].set_index(
        ["building_type", "construction_period"]
    )["value"]
    assert sh[("single_family", "before_1919")] > sh[("single_family", "2017_2030")]
    for building_type in RESIDENTIAL:
        old = [sh[(building_type, p)] for p in PERIODS[:4]]
        new = [sh[(building_type, p)] for p in PERIODS[6:]]
        assert min(old) > max(new), building_type
        assert sh[(building_type, "2017_2030")] <= sh[(building_type, "2001_2010")]
    assert 250 <= sh[("single_family", "before_1919")] <= 330
    assert 40 <= sh[("single_family", "2017_2030")] <= 90


def test_typology_hot_water_is_tabula_standard_value() -> None:
    typology = load("residential_typology.csv")
    hw = typology[typology["quantity"] == "hot_water"]
    houses = hw[hw["building_type"].isin(["single_family", "terraced"])]
    flats = hw[hw["building_type"].isin(["multi_family", "apartment_block"])]
    assert (houses["value"] == 10).all() and (flats["value"] == 15).all()


def _tiny_tabula() -> pd.DataFrame:
    """Hand-made TABULA rows: one type (SFH) in three countries, plus rows that must be dropped."""
    rows = [
        # country, type code, variant code, year1, year2, q_h_nd
        ("DE", "DE.N.SFH.01.Gen", "DE.N.SFH.01.Gen.ReEx.001.001", 0, 1900, 100.0),
        ("DE", "DE.N.SFH.02.Gen", "DE.N.SFH.02.Gen.ReEx.001.001", 1901, 9999, 50.0),
        ("DE", "DE.N.SFH.02.Gen", "DE.N.SFH.02.Gen.ReEx.001.002", 1901, 9999, 10.0),  # refurbished
        ("DE", "DE.N.SFH.01.Gen", "DE.District.EFH.ReEx.001.001", 0, 1900, 999.0),  # district
        ("DE", "DE.N.MFH.01.Gen", "DE.N.MFH.01.Gen.ReEx.001.001", 0, 9999, 80.0),
        ("BE", "BE.N.SFH.01.Gen", "BE.N.SFH.01.Gen.ReEx.001.001", 0, 9999, 200.0),
        ("BE", "BE.N.SFH.01.Small", "BE.N.SFH.01.Small.ReEx.001.001", 0, 9999, 999.0),
        ("BE", "BE.N.MFH.01.Gen", "BE.N.MFH.01.Gen.ReEx.001.001", 0, 9999, 90.0),
        ("FR", "FR.N.SFH.01.Gen", "FR.N.SFH.01.Gen.ReEx.001.001", 0, 9999, 300.0),
        ("FR", "FR.N.MFH.01.Gen", "FR.N.MFH.01.Gen.ReEx.001.001", 0, 9999, 70.0),
        ("NL", "NL.N.SFH.01.Gen", "NL.N.SFH.01.Gen.ReEx.001.001", 0, 9999, 999.0),
    ]
    return _tabula_frame(rows)


def _tabula_frame(rows: list[tuple[str, str, str, int, int, float]]) -> pd.DataFrame:
    """TABULA-shaped rows: country, type, variant, first and last year, q_h_nd (q_w_nd 10)."""
    df = pd.DataFrame(
        rows,
        columns=[
            "Code_Country",
            "Code_BuildingType",
            "Code_BuildingVariant",
            "Year1_Building",
            "Year2_Building",
            "q_h_nd",
        ],
    )
    df["q_w_nd"] = 10.0
    df["q_ht_tr"] = df["q_h_nd"]
    df["q_ht_ve"] = 0.0
    return df


def _fill_other_types(df: pd.DataFrame) -> pd.DataFrame:
    """Add TH rows (value 1) so that every type resolves; AB is left out to exercise fallback."""
    extra = []
    for c in ("DE", "BE", "FR"):
        extra.append((c, f"{c}.N.TH.01.Gen", f"{c}.N.TH.01.Gen.ReEx.001.001", 0, 9999, 1.0))
    return pd.concat([df, _tabula_frame(extra)], ignore_index=True)


def test_derive_typology_hand_computed() -> None:
    out = derive_typology(_fill_other_types(_tiny_tabula()))
    sh = out[out["quantity"] == "space_heating"].set_index(["building_type", "construction_period"])
    # before_1919 = 1800-1918: DE class 1800-1900 (101 years, 100) and 1901-2030 (18 years, 50)
    de = (100 * 101 + 50 * 18) / 119
    first = sh.loc[("single_family", "before_1919")]
    assert math.isclose(first["value"], round((de + 200 + 300) / 3, 1))
    assert first["low"] == round(de, 1) and first["high"] == 300.0
    # 1919_1945 lies wholly in DE class 02; refurbished, district, Small and NL rows are ignored
    assert sh.loc[("single_family", "1919_1945"), "value"] == round((50 + 200 + 300) / 3, 1)
    # no AB class anywhere: apartment_block falls back to MFH of the same country
    ab = sh.loc[("apartment_block", "2017_2030")]
    assert ab["value"] == 80.0 and ab["low"] == 70.0 and ab["high"] == 90.0
    assert "fallback MFH" in ab["note"]
    assert len(out) == 80


def test_derive_typology_rejects_duplicate_classes() -> None:
    df = _fill_other_types(_tiny_tabula())
    dup = df.iloc[[0]].copy()
    with pytest.raises(ValueError, match="more than one"):
        derive_typology(pd.concat([df, dup], ignore_index=True))


# ---------------------------------------------------------------- efficiency and renovation


def test_system_efficiency() -> None:
    eff = load("system_efficiency.csv").set_index("carrier")
    assert 2.5 <= eff.loc["heat_pump", "value"] <= 3.5
    assert eff.loc["none", "value"] == 1.0
    assert eff.loc["direct_electric", "value"] == 1.0
    boilers = ["natural_gas", "heating_oil", "wood_pellets"]
    assert (eff.loc[boilers, "value"].between(0.7, 1.0)).all()
    assert eff.loc["natural_gas", "value"] >= eff.loc["heating_oil", "value"]


def test_renovation_savings_match_tabula_anchors(tabula: pd.DataFrame) -> None:
    ren = load("renovation_savings.csv").set_index("renovation_state")
    assert ren.loc["none", "value"] == 0.0
    assert 0.2 <= ren.loc["partial", "value"] <= 0.3
    assert 0.5 <= ren.loc["deep", "value"] <= 0.7
    anchors = refurbishment_anchors(tabula).set_index("anchor")
    assert 0.7 <= anchors.loc["transmission_share_of_losses", "median"] <= 0.95
    for state, anchor in (
        ("partial", "partial_transmission_cut"),
        ("deep", "deep_transmission_cut"),
    ):
        median = anchors.loc[anchor, "median"]
        assert ren.loc[state, "low"] <= median <= ren.loc[state, "high"], state
    new_vs_old = anchors.loc["new_build_vs_pre1979"]
    assert ren.loc["deep", "low"] <= new_vs_old["median"] <= ren.loc["deep", "high"]


def test_nonresidential_demand_orders() -> None:
    nr = load("nonresidential_demand.csv").set_index(["use", "quantity"])["value"]
    assert nr[("health", "hot_water")] > nr[("office", "hot_water")]
    assert nr[("health", "space_heating")] > nr[("office", "space_heating")]
    assert nr[("retail", "electricity")] > nr[("education", "electricity")]


# ---------------------------------------------------------------- electricity use


def test_residential_electricity_derivation() -> None:
    el = load("electricity_use.csv").set_index("basis")
    final_kwh = 0.448 * 11.63e9  # 0.448 Mtoe residential final energy (2021)
    per_dwelling = final_kwh * (0.08 + 0.03 + 0.005) / 244_200
    assert math.isclose(el.loc["per_dwelling", "value"], per_dwelling, abs_tol=10)
    assert math.isclose(el.loc["per_dwelling", "high"], final_kwh * 0.17 / 244_200, abs_tol=10)
    assert math.isclose(el.loc["per_m2", "value"], per_dwelling / 130, abs_tol=0.1)


# ---------------------------------------------------------------- vehicles


def test_car_co2_is_fleet_weighted() -> None:
    veh = load("vehicle_factors.csv")
    shares = {"petrol": 42.88, "diesel": 37.57, "hev": 8.79, "bev": 6.95, "phev": 3.70}
    petrol = 28 / 0.198 + 28  # EEA OBFCM: gap 28 g/km = 19.8 %
    g_per_km = {
        "petrol": petrol,
        "diesel": 28 / 0.182 + 28,
        "hev": 0.75 * petrol,
        "bev": 0.0,
        "phev": 95.9 / 2.39 + 95.9,
    }
    expected = sum(shares[k] * g_per_km[k] for k in shares) / sum(shares.values()) / 1000
    car = row(veh, vehicle_class="car", gas="CO2")
    assert math.isclose(car["value"], expected, abs_tol=1e-4)
    assert 0.14 <= car["value"] <= 0.17


def test_heavy_vehicle_co2_from_fuel_consumption() -> None:
    veh = load("vehicle_factors.csv")
    for cls, litres in (("lgv", 8.5), ("hgv", 28), ("bus", 38)):
        tj_per_km = litres / 100 * 0.84 * 43.0e-6
        co2 = row(veh, vehicle_class=cls, gas="CO2")
        assert math.isclose(co2["value"], tj_per_km * 74100, abs_tol=1e-4), cls
        ch4 = row(veh, vehicle_class=cls, gas="CH4")
        assert math.isclose(ch4["value"], tj_per_km * 3.9, rel_tol=1e-2), cls
    co2 = veh[veh["gas"] == "CO2"].set_index("vehicle_class")["value"]
    assert co2["car"] < co2["lgv"] < co2["hgv"] < co2["bus"]
    non_co2 = veh[veh["gas"] != "CO2"]
    assert (non_co2["value"] < 1e-3).all() and (non_co2["value"] > 0).all()


# ---------------------------------------------------------------- waste


def test_waste_per_capita_derivation() -> None:
    w = load("waste.csv").set_index("quantity")["value"]
    shares = [q for q in w.index if q.startswith("treatment_share_")]
    assert math.isclose(sum(w[q] for q in shares), 1.0, abs_tol=1e-9)
    assert math.isclose(w["ef_composting"], 0.004 * 28 + 0.00024 * 265, rel_tol=1e-3)
    assert math.isclose(w["ef_landfill"], 0.15 * 0.5 * 0.5 * 16 / 12 * 0.9 * 28 * 0.8, abs_tol=0.01)
    biological = 0.6 * w["ef_composting"] + 0.4 * w["ef_anaerobic_digestion"]
    expected = w["msw_generation"] * (
        w["treatment_share_landfill"] * w["ef_landfill"]
        + w["treatment_share_biological"] * biological
    )
    assert math.isclose(w["per_capita_emissions"], expected, rel_tol=1e-3)
    incineration = w["msw_generation"] * w["treatment_share_incineration"] * w["ef_incineration"]
    assert math.isclose(w["per_capita_incineration_energy_recovery"], incineration, rel_tol=1e-3)
    assert 0.7 <= w["msw_generation"] <= 0.72  # Eurostat 2022: 712 kg per person
