"""Checks of the land-carbon reference tables in src/minettgeo/land/data, and of the code that
reads them (a user's InVEST table, hashes, the sink rules and assumptions refused line by line).

The numbers checked by hand here (growth 4.0 t dm/ha/a, root:shoot 0.46, carbon fraction 0.47,
reference soil carbon 81 t C/ha, ...) are the ones cited in docs/carbon.md; a change to a table
that breaks the documented arithmetic must fail here.
"""

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from minettgeo.errors import LandCarbonError
from minettgeo.land.tables import (
    CARBON_SET_VERSION,
    check_sink_assumptions,
    load_carbon_tables,
    read_carbon_pools,
    sealed_shares,
)

DATA = Path(__file__).parents[1] / "src/minettgeo/land/data"

CLC_CODES = [
    111, 112, 121, 122, 123, 124, 131, 132, 133, 141, 142,
    211, 212, 213, 221, 222, 223, 231, 241, 242, 243, 244,
    311, 312, 313, 321, 322, 323, 324, 331, 332, 333, 334, 335,
    411, 412, 421, 422, 423, 511, 512, 521, 522, 523,
]  # fmt: skip
INVEST_COLUMNS = ["lucode", "LULC_name", "c_above", "c_below", "c_soil", "c_dead"]
POOLS = ["above", "below", "soil", "dead"]
MEASURES = [
    "afforestation_broadleaf",
    "grassland_restoration",
    "unsealing_green",
    "hedgerow",
    "agroforestry",
    "street_trees",
]
REQUIRED_PARAMETERS = {
    "target_lucode",
    "biomass_rate_young",
    "biomass_rate_mature",
    "maturity_age",
    "soil_rate",
    "soil_years",
}
VERSION = "minettgeo-carbon-2026.2"


@pytest.fixture(scope="module")
def pools() -> pd.DataFrame:
    return pd.read_csv(DATA / "carbon_pools.csv")


@pytest.fixture(scope="module")
def sources() -> pd.DataFrame:
    return pd.read_csv(DATA / "carbon_pools_sources.csv")


@pytest.fixture(scope="module")
def rates() -> pd.DataFrame:
    return pd.read_csv(DATA / "removal_rates.csv")


@pytest.fixture(scope="module")
def measures() -> pd.DataFrame:
    return pd.read_csv(DATA / "sink_measures.csv")


def param(measures: pd.DataFrame, measure: str, parameter: str) -> float:
    row = measures[(measures["measure"] == measure) & (measures["parameter"] == parameter)]
    assert len(row) == 1, f"{measure}.{parameter}: {len(row)} rows"
    return float(row["value"].iloc[0])


def rate(rates: pd.DataFrame, lucode: int, age_min: int, pool: str) -> float:
    row = rates[
        (rates["lucode"] == lucode) & (rates["age_min"] == age_min) & (rates["pool"] == pool)
    ]
    assert len(row) == 1, f"{lucode}/{age_min}/{pool}: {len(row)} rows"
    return float(row["value"].iloc[0])


# ------------------------------------------------------------------ carbon_pools.csv


def test_carbon_pools_has_exactly_the_invest_columns(pools: pd.DataFrame) -> None:
    assert list(pools.columns) == INVEST_COLUMNS
    # InVEST matches column names case-insensitively: they must stay unique once lowered
    assert len({c.lower() for c in pools.columns}) == len(INVEST_COLUMNS)


def test_carbon_pools_lists_every_clc_code_once(pools: pd.DataFrame) -> None:
    assert pd.api.types.is_integer_dtype(pools["lucode"])
    assert not pools["lucode"].duplicated().any()
    assert sorted(pools["lucode"]) == sorted(CLC_CODES)
    assert len(CLC_CODES) == 44


def test_carbon_pools_are_complete_and_non_negative(pools: pd.DataFrame) -> None:
    values = pools[["c_above", "c_below", "c_soil", "c_dead"]]
    assert values.notna().all().all()
    assert (values >= 0).all().all()
    assert pools["LULC_name"].str.strip().str.len().gt(0).all()


def test_forests_hold_more_carbon_than_cropland(pools: pd.DataFrame) -> None:
    p = pools.set_index("lucode")
    total = p[["c_above", "c_below", "c_soil", "c_dead"]].sum(axis=1)
    for forest in (311, 312, 313):
        for crop in (211, 212, 241, 242):
            assert total[forest] > total[crop], (forest, crop)
            assert p.loc[forest, "c_above"] > p.loc[crop, "c_above"], (forest, crop)


def test_sealed_classes_hold_less_soil_carbon_than_grassland(pools: pd.DataFrame) -> None:
    soil = pools.set_index("lucode")["c_soil"]
    for sealed in (111, 121, 122, 123, 133):
        for grass in (231, 321):
            assert soil[sealed] < soil[grass], (sealed, grass)
        assert soil[sealed] > 0, "sealed soil carbon is reduced, not zero"


def test_soil_carbon_follows_the_documented_ipcc_arithmetic(pools: pd.DataFrame) -> None:
    soil = pools.set_index("lucode")["c_soil"]
    socref = 81.0  # IPCC 2019, cool temperate moist, HAC soils, 0-30 cm
    assert soil[311] == pytest.approx(socref)
    assert soil[211] == pytest.approx(socref * 0.70, abs=0.05)  # FLU annual crops
    assert soil[231] == pytest.approx(socref * 1.14, abs=0.05)  # FMG improved grassland
    assert soil[221] == pytest.approx(socref * 0.72, abs=0.05)  # FLU perennial crops


def test_luxembourg_forest_is_far_below_the_oregon_sample(pools: pd.DataFrame) -> None:
    sample = Path(__file__).parents[2] / "shared/data/invest_carbon_pools_sample.csv"
    broadleaf = pools.set_index("lucode").loc[311]
    assert 80 <= broadleaf["c_above"] <= 150  # European beech forests, 80-150 t C/ha
    if sample.exists():
        oregon = pd.read_csv(sample)
        oregon.columns = oregon.columns.str.lower()
        hardwood = oregon.set_index("lucode").loc[53]  # "Forest Closed hardwood"
        assert broadleaf["c_above"] < hardwood["c_above"]


# ------------------------------------------------------------------ carbon_pools_sources.csv


def test_sources_cover_every_code_and_pool_once(sources: pd.DataFrame) -> None:
    assert list(sources.columns) == [
        "lucode", "pool", "unit", "value", "low", "high", "source", "year", "note",
    ]  # fmt: skip
    assert len(sources) == 44 * 4
    assert not sources.duplicated(["lucode", "pool"]).any()
    assert set(sources["pool"]) == set(POOLS)
    assert sorted(sources["lucode"].unique()) == sorted(CLC_CODES)
    assert (sources["unit"] == "t C/ha").all()


def test_sources_agree_number_for_number_with_carbon_pools(
    pools: pd.DataFrame, sources: pd.DataFrame
) -> None:
    wide = sources.pivot(index="lucode", columns="pool", values="value")
    p = pools.set_index("lucode")
    for pool in POOLS:
        mismatch = p[f"c_{pool}"].compare(wide[pool].reindex(p.index))
        assert mismatch.empty, f"{pool}:\n{mismatch}"


# ------------------------------------------------------------------ all long tables


@pytest.mark.parametrize(
    "name",
    [
        "carbon_pools_sources.csv",
        "removal_rates.csv",
        "urban_tree_rates.csv",
        "sink_measures.csv",
        "luc_parameters.csv",
    ],
)
def test_low_value_high_and_sources(name: str) -> None:
    table = pd.read_csv(DATA / name)
    for column in ("value", "low", "high"):
        assert table[column].notna().all(), column
    bad = table[(table["low"] > table["value"]) | (table["value"] > table["high"])]
    assert bad.empty, bad
    assert table["source"].fillna("").str.strip().str.len().gt(0).all()
    assert table["year"].between(1990, 2026).all()


# ------------------------------------------------------------------ removal_rates.csv


def test_removal_rates_schema(rates: pd.DataFrame) -> None:
    assert list(rates.columns) == [
        "lucode", "age_min", "age_max", "pool", "unit", "value", "low", "high", "source",
        "year", "note",
    ]  # fmt: skip
    assert (rates["unit"] == "t C/(ha a)").all()
    assert set(rates["pool"]) <= set(POOLS)
    assert (rates["age_min"] < rates["age_max"]).all()
    assert set(rates["lucode"]) <= set(CLC_CODES)
    assert not rates.duplicated(["lucode", "age_min", "pool"]).any()


def test_forest_age_classes_follow_the_ipcc_20_year_split(rates: pd.DataFrame) -> None:
    for code in (311, 312, 313, 324):
        rows = rates[rates["lucode"] == code]
        classes = set(rows[["age_min", "age_max"]].itertuples(index=False, name=None))
        assert classes == {(0, 20), (20, 999)}, code


def test_young_forest_removes_at_least_as_much_as_mature(rates: pd.DataFrame) -> None:
    for code in (311, 312, 313):
        young_biomass = rate(rates, code, 0, "above") + rate(rates, code, 0, "below")
        mature_biomass = rate(rates, code, 20, "above") + rate(rates, code, 20, "below")
        assert young_biomass > 0 > mature_biomass, code  # IFL3: mature forest a net source
        for pool in POOLS:
            assert rate(rates, code, 0, pool) >= rate(rates, code, 20, pool), (code, pool)


def test_young_broadleaf_reproduces_ipcc_growth_arithmetic(rates: pd.DataFrame) -> None:
    growth, root_shoot, carbon_fraction = 4.0, 0.46, 0.47  # t dm/ha/a; Tables 4.9, 4.4, 4.3
    above = rate(rates, 311, 0, "above")
    below = rate(rates, 311, 0, "below")
    assert above == pytest.approx(growth * carbon_fraction, abs=5e-4)  # 1.880
    assert below == pytest.approx(growth * root_shoot * carbon_fraction, abs=5e-4)  # 0.8648
    assert above + below == pytest.approx(2.7448, abs=1e-3)  # 4.0 x 1.46 x 0.47
    assert (above + below) * 44 / 12 == pytest.approx(10.06, abs=0.01)  # t CO2/ha/a


def test_mature_forest_follows_the_latest_inventory_with_the_eu_reference_as_high(
    rates: pd.DataFrame, pools: pd.DataFrame
) -> None:
    """Central: IFL3 standing volume -6 % since IFL2 over 13 years (a net source 2010-2023):
    c_above x 0.06 / 13, below x R (0.24 broadleaf, 0.20 conifers). High: the 2000-2009
    reference-period sink (Reg. 2018/841): IFL2 increment x density x BEF x 0.47, one third net."""
    above = pools.set_index("lucode")["c_above"]
    rows = rates.set_index(["lucode", "age_min", "pool"])
    for code, r_ratio, gross in (
        (311, 0.24, 6.0 * 0.58 * 1.2 * 0.47),  # 1.963 t C/(ha a)
        (312, 0.20, 14.5 * 0.40 * 1.15 * 0.47),  # 3.135
    ):
        a = rows.loc[(code, 20, "above")]
        b = rows.loc[(code, 20, "below")]
        assert a["value"] == pytest.approx(-above[code] * 0.06 / 13, abs=5e-4)
        assert b["value"] == pytest.approx(a["value"] * r_ratio, abs=5e-4)
        assert a["high"] == pytest.approx(gross / 3, abs=5e-4)
        assert a["low"] < a["value"] < 0 < a["high"]  # the range spans the source and the sink
        assert "IFL3" in a["source"] and "2018/841" in a["source"]
    # dead wood 6 -> 27 m3/ha over 2000-2023 x 0.40 t dm/m3 x 0.50
    assert rate(rates, 311, 20, "dead") == pytest.approx(21 / 23 * 0.40 * 0.50, abs=5e-4)
    # net per hectare of mature broadleaf: -0.4615 - 0.1108 + 0.183 = -0.389 t C = +1.43 t CO2
    total = sum(rate(rates, 311, 20, pool) for pool in POOLS)
    assert total * 44 / 12 == pytest.approx(-1.427, abs=0.005)


def test_explicit_zero_rows_exist(rates: pd.DataFrame) -> None:
    for code in (111, 121, 122, 211, 231, 242, 321):
        rows = rates[rates["lucode"] == code]
        assert {"above", "below"} <= set(rows["pool"]), code
    for code in (121, 122, 211, 231, 242, 321):
        biomass = rates[(rates["lucode"] == code) & rates["pool"].isin(["above", "below"])]
        assert (biomass["value"] == 0).all(), code


def test_settlements_are_tier1_zero(rates: pd.DataFrame) -> None:
    """IPCC 2006 Ch.8 Tier 1: settlements remaining settlements, no net biomass change."""
    settled = rates[rates["lucode"].between(111, 142)]
    assert set(settled["lucode"]) >= {111, 112, 121, 122, 141, 142}
    assert (settled[["value", "low", "high"]] == 0).all().all()


def test_urban_tree_rates_scale_with_crown_cover() -> None:
    """The optional gross component: crown cover x 2.8 t C per ha of crown per year (Nowak et
    al. 2013)."""
    urban = pd.read_csv(DATA / "urban_tree_rates.csv")
    assert list(urban.columns) == list(pd.read_csv(DATA / "removal_rates.csv").columns)
    for code, cover in ((111, 0.05), (112, 0.15), (141, 0.30), (142, 0.10)):
        total = rate(urban, code, 0, "above") + rate(urban, code, 0, "below")
        assert total == pytest.approx(cover * 2.8, abs=2e-3), code


def test_land_categories_cover_every_code_and_follow_ipcc() -> None:
    cats = pd.read_csv(DATA / "land_categories.csv").set_index("lucode")
    assert sorted(cats.index) == CLC_CODES
    assert set(cats["ipcc_category"]) <= {
        "forest", "cropland", "grassland", "wetland", "settlement", "other",
    }  # fmt: skip
    assert (cats.loc[[111, 112, 121, 122, 133, 141, 142], "ipcc_category"] == "settlement").all()
    assert (cats.loc[[311, 312, 313, 324], "ipcc_category"] == "forest").all()
    # B_after = 0 for land converted to forest and to settlements (IPCC Tier 1)
    zero = cats["biomass_after"] == "zero"
    assert (zero == cats["ipcc_category"].isin(["forest", "settlement"])).all()


def test_sealed_shares_match_the_carbon_table_derivation(pools: pd.DataFrame) -> None:
    """soil = s x 27.5 + (1 - s) x 81, so s = (81 - soil) / (81 - 27.5): 111 (81 - 35.5) / 53.5
    = 0.85, 112 0.50, 121 0.90, 122 (81 - 38.2) / 53.5 = 0.80."""
    soil = pools.set_index("lucode")["c_soil"]
    shares = pd.read_csv(DATA / "sealed_shares.csv").set_index("lucode")
    for code, row in shares.iterrows():
        derived = (81 - soil[code]) / (81 - 27.5)
        assert row["sealed_share"] == pytest.approx(derived, abs=0.005), code
        assert row["low"] <= row["sealed_share"] <= row["high"]


def test_sink_assumptions_table() -> None:
    table = pd.read_csv(DATA / "sink_assumptions.csv")
    assert set(table["measure"]) == set(MEASURES)
    assert set(table["category"]) == {"land_management", "policy_dependent"}
    assert table.loc[table["measure"] == "unsealing_green", "category"].item() == "policy_dependent"
    assert (table["uptake_central"] <= table["uptake_upper"]).all()
    assert table["uptake_upper"].le(1).all() and table["priority"].is_unique


# ------------------------------------------------------------------ sink_measures.csv


def test_sink_measures_schema_and_required_parameters(measures: pd.DataFrame) -> None:
    assert list(measures.columns) == [
        "measure", "parameter", "unit", "value", "low", "high", "source", "year", "note",
    ]  # fmt: skip
    assert set(measures["measure"]) == set(MEASURES)
    assert not measures.duplicated(["measure", "parameter"]).any()
    for measure in MEASURES:
        present = set(measures.loc[measures["measure"] == measure, "parameter"])
        assert present >= REQUIRED_PARAMETERS, (measure, REQUIRED_PARAMETERS - present)


def test_sink_measure_codes_are_clc_codes(measures: pd.DataFrame) -> None:
    codes = measures[measures["unit"] == "code"]
    assert set(codes["parameter"]) == {"target_lucode", "soil_from_lucode"}
    assert codes["value"].apply(float.is_integer).all()
    assert codes["value"].astype(int).isin(CLC_CODES).all()
    assert param(measures, "afforestation_broadleaf", "target_lucode") == 311
    assert param(measures, "grassland_restoration", "target_lucode") == 321
    assert param(measures, "unsealing_green", "target_lucode") == 141
    assert param(measures, "agroforestry", "target_lucode") == 244


def test_sink_measure_units(measures: pd.DataFrame) -> None:
    units = dict(zip(measures["parameter"], measures["unit"], strict=True))
    assert units["biomass_rate_young"] == "t C/(ha a)"
    assert units["soil_rate"] == "t C/(ha a)"
    assert units["maturity_age"] == "years"
    assert units["biomass_rate_per_km"] == "t C/(km a)"
    assert units["biomass_rate_per_tree"] == "t C/(tree a)"


def test_soil_rate_is_the_20_year_ipcc_transition(measures: pd.DataFrame) -> None:
    for measure in MEASURES:
        years = param(measures, measure, "soil_years")
        assert years == 20
        start = param(measures, measure, "soil_c_start")
        target = param(measures, measure, "soil_c_target")
        assert param(measures, measure, "soil_rate") == pytest.approx(
            (target - start) / years, abs=5e-4
        ), measure


def test_soil_start_and_target_agree_with_carbon_pools(
    measures: pd.DataFrame, pools: pd.DataFrame
) -> None:
    soil = pools.set_index("lucode")["c_soil"]
    for measure in ("afforestation_broadleaf", "grassland_restoration", "hedgerow", "agroforestry"):
        origin = int(param(measures, measure, "soil_from_lucode"))
        assert param(measures, measure, "soil_c_start") == soil[origin], measure
    assert param(measures, "agroforestry", "soil_c_target") == soil[244]
    # sealed soil carbon 81 x (1 - 0.66) (Raciti et al. 2012)
    assert param(measures, "unsealing_green", "soil_c_start") == pytest.approx(81 * 0.34, abs=0.1)


def test_mining_soil_rate_is_the_projects_calibration(measures: pd.DataFrame) -> None:
    """Reserves: 13.8 -> 45 t C/ha in about 45 years = 0.69 (0.70); range from the lowest
    restored-mine rate 0.37 to the IPCC degraded-to-nominal grassland change 81 x 0.3 / 20."""
    rows = measures.set_index(["measure", "parameter"])
    for measure in ("afforestation_broadleaf", "grassland_restoration"):
        row = rows.loc[(measure, "soil_rate")]
        assert row["value"] == pytest.approx((45 - 13.8) / 45, abs=0.01)
        assert row["low"] == 0.37
        assert row["high"] == pytest.approx(81 * 0.3 / 20, abs=5e-3)


def test_afforestation_young_rate_is_ipcc_tier1(measures: pd.DataFrame) -> None:
    young = param(measures, "afforestation_broadleaf", "biomass_rate_young")
    assert young == pytest.approx(4.0 * (1 + 0.46) * 0.47, abs=5e-4)
    assert young > param(measures, "afforestation_broadleaf", "biomass_rate_mature")


def test_hedgerow_per_km_equals_per_ha_times_width(measures: pd.DataFrame) -> None:
    width_m = param(measures, "hedgerow", "hedge_width_m")
    ha_per_km = width_m * 1000 / 10_000
    for per_km, per_ha in (
        ("biomass_rate_per_km", "biomass_rate_young"),
        ("biomass_rate_mature_per_km", "biomass_rate_mature"),
        ("soil_rate_per_km", "soil_rate"),
    ):
        expected = param(measures, "hedgerow", per_ha) * ha_per_km
        assert param(measures, "hedgerow", per_km) == pytest.approx(expected, abs=5e-4), per_km
    # Drexler et al. 2021: 87 t C/ha hedge biomass, +17 t C/ha soil over cropland
    assert param(measures, "hedgerow", "biomass_rate_young") == pytest.approx(87 / 30, abs=0.01)
    assert param(measures, "hedgerow", "soil_rate") == pytest.approx(17 / 20, abs=5e-4)


def test_street_trees_per_ha_equals_per_tree_times_density(measures: pd.DataFrame) -> None:
    trees = param(measures, "street_trees", "trees_per_ha")
    for per_ha, per_tree in (
        ("biomass_rate_young", "biomass_rate_per_tree"),
        ("biomass_rate_mature", "biomass_rate_per_tree_mature"),
    ):
        expected = trees * param(measures, "street_trees", per_tree)
        assert param(measures, "street_trees", per_ha) == pytest.approx(expected, abs=5e-4)


def test_cumulative_removals_to_2050_are_plausible(measures: pd.DataFrame) -> None:
    # 25 years of afforestation (2026-2050): 20 young + 5 mature years of biomass and soil
    young = param(measures, "afforestation_broadleaf", "biomass_rate_young")
    mature = param(measures, "afforestation_broadleaf", "biomass_rate_mature")
    soil = param(measures, "afforestation_broadleaf", "soil_rate")
    total = 20 * young + 5 * mature + 20 * soil
    assert 50 < total < 150  # t C/ha, below a mature Luxembourg broadleaf stand's ~220


# ------------------------------------------------------------------ README


def test_readme_names_the_version_and_every_table() -> None:
    text = (DATA / "README.md").read_text(encoding="utf-8")
    assert VERSION in text
    for name in ("carbon_pools_sources.csv", "removal_rates.csv", "sink_measures.csv"):
        assert name in text
    assert "carbon_pools.csv" in text


# ------------------------------------------------------------------ the tables as the code reads them: user tables, hashes, checks
USER_TABLE = "lucode,c_above,c_below,c_soil,c_dead\n311,100,20,80,10\n211,4,1,60,0\n"


def test_a_user_table_is_read_hashed_and_taken_as_certain(tmp_path: Path) -> None:
    """Its pools by code (t C/ha), its sha256 and path in the provenance, its ranges low = value
    = high (8 rows: 2 codes x 4 pools); the other tables are the shipped ones."""
    path = tmp_path / "mine.csv"
    path.write_text(USER_TABLE)
    tables = load_carbon_tables(path)
    assert tables.pools.index.name == "lucode" and tables.pools.index.dtype == np.int64
    assert tables.pools.loc[311].tolist() == [100.0, 20.0, 80.0, 10.0]
    assert list(tables.pools.columns) == ["above", "below", "soil", "dead"]
    assert tables.sources["carbon_pools"] == str(path)
    assert tables.hashes["carbon_pools"] == hashlib.sha256(USER_TABLE.encode()).hexdigest()
    ranges = tables.pool_ranges.set_index(["lucode", "pool"])
    assert len(ranges) == 8
    assert ranges.loc[(211, "soil")].tolist() == [60.0, 60.0, 60.0]
    assert ranges.loc[(311, "dead")].tolist() == [10.0, 10.0, 10.0]
    assert list(tables.pool_ranges.index) == list(range(8))
    assert tables.stock_per_ha().to_dict() == {311: 210.0, 211: 65.0}
    assert tables.stock_per_ha("soil").to_dict() == {311: 80.0, 211: 60.0}
    assert list(tables.category(np.array([311, 211, 999]))) == ["forest", "cropland", "other"]


def test_the_shipped_tables_record_their_origin_and_hash() -> None:
    tables = load_carbon_tables()
    names = [
        "carbon_pools",
        "removal_rates",
        "urban_tree_rates",
        "land_categories",
        "luc_parameters",
        "sink_measures",
        "sink_rules",
        "sink_assumptions",
    ]
    assert list(tables.sources) == names and list(tables.hashes) == names
    for name in names:
        data = (DATA / f"{name}.csv").read_bytes()
        assert tables.sources[name] == f"minettgeo ({name}.csv)"
        assert tables.hashes[name] == hashlib.sha256(data).hexdigest()
    provenance = tables.provenance()
    assert list(provenance) == ["carbon_set", "carbon_tables", "carbon_sha256", "sink_assumptions"]
    assert provenance["carbon_set"] == CARBON_SET_VERSION == "minettgeo-carbon-2026.2"
    assert provenance["carbon_tables"] == dict(tables.sources)
    assert provenance["carbon_sha256"] == dict(tables.hashes)
    rows = provenance["sink_assumptions"]
    assert isinstance(rows, list) and len(rows) == 6
    assert rows[0]["measure"] == "afforestation_broadleaf" and rows[0]["priority"] == 1
    # D = 20 years (luc_parameters.csv); hedge width 4 m; 44 pool rows x 4 pools with ranges
    assert tables.soil_years == 20.0
    assert tables.measures["hedgerow"]["hedge_width_m"] == 4.0
    assert len(tables.pool_ranges) == 44 * 4
    assert list(tables.pool_ranges.columns) == ["lucode", "pool", "value", "low", "high"]
    assert list(tables.measure_ranges.columns) == ["measure", "parameter", "value", "low", "high"]
    assert list(tables.categories.columns) == ["ipcc_category", "biomass_after"]
    assert tables.categories.loc[311, "biomass_after"] == "zero"


def test_sealed_shares() -> None:
    assert sealed_shares() == {111: 0.85, 112: 0.50, 121: 0.90, 122: 0.80}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, r"nope\.csv: no such file"),
        (b"", r"not a readable CSV table \(the file is empty\)"),
        (b"lucode,c_\xff\xfe\n1,2\n", r"UnicodeDecodeError: .*UTF-8 text .*shipped carbon_pools"),
    ],
    ids=["missing", "empty", "not-utf8"],
)
def test_an_unreadable_user_table_is_refused(
    tmp_path: Path, content: bytes | None, message: str
) -> None:
    path = tmp_path / "nope.csv"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(LandCarbonError, match=message):
        load_carbon_tables(path)


def test_bad_lines_of_a_carbon_table_are_named() -> None:
    """Line numbers count the header as line 1: a non-numeric value (line 3), a negative one
    (4), a missing one (5), a non-numeric code (6); at most five lines are listed."""
    frame = pd.DataFrame(
        {
            "lucode": ["311", "211", "112", "333", "x", "1", "2", "3"],
            "c_above": ["1", "a", "1", "1", "1", "-1", "-1", "-1"],
            "c_below": [1, 1, -2, 1, 1, 1, 1, 1],
            "c_soil": [1.0, 1.0, 1.0, np.nan, 1.0, 1.0, 1.0, 1.0],
            "c_dead": [0, 0, 0, 0, 0, 0, 0, 0],
        }
    )
    with pytest.raises(
        LandCarbonError, match=r"^carbon table T: .*negative values on line\(s\) 3, 4, 5, 6, 7$"
    ):
        read_carbon_pools(frame, "T")
    with pytest.raises(LandCarbonError, match=r"line\(s\) 2$"):
        read_carbon_pools(frame.iloc[[4]], "T")


def test_a_carbon_table_with_zero_values_and_extra_columns_is_fine() -> None:
    frame = pd.DataFrame(
        {
            "Name": ["x"],
            " LUCODE ": [7],
            "C_ABOVE": [0],
            "c_Below": [0],
            "c_soil": [0],
            "c_dead": [0],
        }
    )
    pools = read_carbon_pools(frame, "T")
    assert pools.loc[7].tolist() == [0.0, 0.0, 0.0, 0.0]


def test_codes_twice_and_missing_columns() -> None:
    frame = pd.DataFrame(
        {"lucode": [311, 311, 2, 2, 5], "c_above": 1, "c_below": 1, "c_soil": 1, "c_dead": 1}
    )
    with pytest.raises(LandCarbonError, match=r"carbon table T: lucode\(s\) \[2, 311\] appear"):
        read_carbon_pools(frame, "T")
    with pytest.raises(LandCarbonError, match=r"carbon table T lacks column\(s\) c_soil, c_dead;"):
        read_carbon_pools(frame[["lucode", "c_above", "c_below"]], "T")


def _rules(tmp_path: Path, edit: dict[str, object] | None = None, drop: str | None = None) -> Path:
    rules = pd.read_csv(DATA / "sink_rules.csv")
    for column, value in (edit or {}).items():
        rules[column] = rules[column].astype(object)
        rules.loc[0, column] = value
    if drop:
        rules = rules.drop(columns=[drop])
    path = tmp_path / "rules.csv"
    rules.to_csv(path, index=False)
    return path


@pytest.mark.parametrize(
    "column", ["measure", "from_codes", "zoning", "protected", "min_patch_ha", "share", "basis"]
)
def test_sink_rules_need_every_column(tmp_path: Path, column: str) -> None:
    path = _rules(tmp_path, drop=column)
    with pytest.raises(LandCarbonError, match=rf"^sink rules {path} lack column '{column}'$"):
        load_carbon_tables(rules=path)


def test_sink_rules_name_measures_with_parameters(tmp_path: Path) -> None:
    path = _rules(tmp_path, {"measure": "mars_garden"})
    with pytest.raises(
        LandCarbonError,
        match=rf"sink rules {path}: no parameters for measure\(s\) \['mars_garden'\] in sink_m",
    ):
        load_carbon_tables(rules=path)


ASSUME = pd.DataFrame(
    {
        "measure": ["a", "b"],
        "category": ["land_management", "policy_dependent"],
        "uptake_central": [0.0, 1.0],
        "uptake_upper": [1.0, 1.0],
        "rates_upper": ["value", "high"],
        "priority": [2.0, 1.0],
    }
)


def test_sink_assumptions_at_their_bounds_are_accepted() -> None:
    """0 <= central <= upper <= 1 with the equalities; names stripped; priority made an
    integer; indexed by measure."""
    frame = ASSUME.assign(measure=[" a", "b "])
    table = check_sink_assumptions(frame, "W", ["a", "b"])
    assert list(table.index) == ["a", "b"] and table.index.name == "measure"
    assert table["priority"].dtype == np.int64 and table.loc["a", "priority"] == 2
    assert table.loc["b", "uptake_central"] == 1.0
    assert frame["measure"].tolist() == [" a", "b "]  # the caller's frame is not changed


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ({"measure": ["a", "a"]}, r"measure\(s\) \['a'\] appear more than once"),
        ({"measure": ["a", "c"]}, r"no row for measure\(s\) \['b'\]"),
        ({"uptake_central": [-0.1, 1.0]}, r"measure\(s\) \['a'\] need 0 <= uptake_central <="),
        ({"uptake_central": ["x", 1.0]}, r"measure\(s\) \['a'\] need 0 <= uptake_central"),
        ({"uptake_upper": [1.0, None]}, r"measure\(s\) \['b'\] need 0 <= uptake_central"),
        ({"priority": [1.5, 1.0]}, r"'priority' of \['a'\] must be an integer"),
        ({"priority": [1.0, None]}, r"'priority' of \['b'\] must be an integer"),
        (
            {"category": ["wish", "land_management"]},
            r"'category' of \['a'\] must be one of land_management, policy_dependent$",
        ),
        (
            {"uptake_upper": [1.0, 1.2]},
            r"\['b'\] need 0 <= uptake_central <= uptake_upper <= 1 \(shares of the rule's eli",
        ),
    ],
)
def test_sink_assumptions_refused(edit: dict[str, list[object]], message: str) -> None:
    frame = ASSUME.copy()
    for column, values in edit.items():
        frame[column] = pd.Series(values, dtype=object)
    with pytest.raises(LandCarbonError, match=rf"^sink assumptions W: .*{message}"):
        check_sink_assumptions(frame, "W", ["a", "b"])


def test_sink_assumptions_for_a_measure_without_rules() -> None:
    frame = pd.concat([ASSUME, ASSUME.iloc[[0]].assign(measure="z")], ignore_index=True)
    with pytest.raises(LandCarbonError, match=r"measure\(s\) \['z'\] are not in the sink rules"):
        check_sink_assumptions(frame, "W", ["a", "b"])
    with pytest.raises(
        LandCarbonError,
        match=r"sink assumptions W lack column\(s\) category, priority; needed: measure, category,",
    ):
        check_sink_assumptions(ASSUME.drop(columns=["category", "priority"]), "W", ["a", "b"])
