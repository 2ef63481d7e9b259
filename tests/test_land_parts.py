"""The parts of the land-carbon code by hand, on small frames and rasters: encoding of the
joint rasters, removal-rate keys, the carbon accounts and the baseline of every column, the
tables' checks, the sink-potential rules, the Monte Carlo parameters and the GIS rasters.

The accounts use a small user carbon table and a removal-rate table with round numbers (both
replaced in the shipped tables with ``dataclasses.replace``), so every number below is a few
multiplications; the IPCC land categories are the shipped ones (311 forest, B_after 0; 211
cropland, B_after its stock; 112 settlement, B_after 0; 333 other land)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from minettgeo.errors import LandCarbonError
from minettgeo.land.carbon import (
    NOW,
    UNKNOWN_AGE,
    LandInputs,
    before_fluxes,
    carbon_accounts,
    central_parameters,
    class_area_table,
    encode_bands,
    key_values,
    land_groups,
    land_years,
    rate_key_of,
    rate_keys,
    removal_rate,
    urban_tree_rate,
)
from minettgeo.land.tables import CarbonTables, load_carbon_tables
from minettgeo.land.uncertainty import flux_draws, simulate_land

# biomass (above + below + dead) and soil, t C/ha:
# 311: 130, 80; 211: 5, 60; 112: 10, 50; 333: 1, 10; 231: 6, 90
USER_TABLE = """LUCODE , C_Above,c_below,c_soil,c_dead,name
311,100,20,80,10,forest
211,4,1,60,0,arable
112,8,2,50,0,urban
333,1,0,10,0,rock
231,2,4,90,0,pasture
"""

# rates, t C/(ha a): 311 young (0-20) 3 + 1 = 4, mature (20-) -0.5; 211 0.2 at any age;
# 324 only a young class (0-20) 1.5; 112 no row (0)
RATES = pd.DataFrame(
    {
        "lucode": [311, 311, 311, 211, 324],
        "age_min": [0, 0, 20, 0, 0],
        "age_max": [20, 20, 999, 999, 20],
        "pool": ["above", "below", "above", "soil", "above"],
        "value": [3.0, 1.0, -0.5, 0.2, 1.5],
        "low": [2.0, 0.5, -1.0, 0.1, 1.0],
        "high": [4.0, 1.5, 0.0, 0.3, 2.0],
    }
)


@pytest.fixture()
def tables(tmp_path: Path) -> CarbonTables:
    path = tmp_path / "user_carbon.csv"
    path.write_text(USER_TABLE)
    return replace(load_carbon_tables(path), removal=RATES)


# ------------------------------------------------------------------ encoding and rate keys


def test_encode_bands_with_before_and_age() -> None:
    """code = now x 1e6 + before x 1e3 + age; before nodata (0) -> now; age nodata (255) ->
    100 (unknown); ages clipped to 0-999; now nodata -> 0; code 1 is a class like any other."""
    now = np.array([311, 0, 211, 112, 324, 1, 311])
    before = np.array([211, 311, 0, 112, 324, 1, 1])
    age = np.array([5, 7, 255, 1200, 0, 3, -3])
    code = encode_bands(True, True)([now, before, age])  # type: ignore[operator]
    np.testing.assert_array_equal(
        code,
        [
            311_000_000 + 211_000 + 5,
            0,
            211_000_000 + 211_000 + 100,
            112_000_000 + 112_000 + 999,
            324_000_000 + 324_000 + 0,
            1_000_000 + 1_000 + 3,
            311_000_000 + 1_000 + 0,
        ],
    )


def test_encode_bands_without_before_or_age() -> None:
    """One map: before = now, age unknown (100); with an age raster but no earlier map the age
    is the last band."""
    now = np.array([311, 0])
    only_now = encode_bands(False, False)([now])  # type: ignore[operator]
    np.testing.assert_array_equal(only_now, [311_311_100, 0])
    with_age = encode_bands(False, True)([now, np.array([30, 30])])  # type: ignore[operator]
    np.testing.assert_array_equal(with_age, [311_311_030, 0])
    with_before = encode_bands(True, False)([now, np.array([211, 211])])  # type: ignore[operator]
    np.testing.assert_array_equal(with_before, [311_211_100, 0])
    assert NOW == 1_000_000 and UNKNOWN_AGE == 100


def test_rate_keys_and_the_key_of_each_class_and_age() -> None:
    """Keys in order of first appearance: (311, 0, 20) 0, (311, 20, 999) 1, (211, 0, 999) 2,
    (324, 0, 20) 3. An age is in [age_min, age_max); a class ending at 999 is open above
    (1500 -> mature); 324 at 20 or more and 112 (no row) have no key (-1)."""
    keys = rate_keys(RATES)
    assert list(keys.columns) == ["lucode", "age_min", "age_max", "key"]
    assert keys[["lucode", "age_min", "age_max"]].values.tolist() == [
        [311, 0, 20],
        [311, 20, 999],
        [211, 0, 999],
        [324, 0, 20],
    ]
    np.testing.assert_array_equal(keys["key"], [0, 1, 2, 3])
    lucode = np.array([311, 311, 311, 311, 311, 211, 211, 112, 324, 324, 324])
    age = np.array([0, 19, 20, 999, 1500, 0, 999, 5, 19, 20, 999])
    np.testing.assert_array_equal(
        rate_key_of(keys, lucode, age), [0, 0, 1, 1, 1, 2, 2, -1, 3, -1, -1]
    )


def test_key_values_sum_the_pools_and_end_with_a_zero_row() -> None:
    """Per key: 3 + 1 = 4, -0.5, 0.2, 1.5, and the last row (key -1) 0; two draws (x1, x2)."""
    keys = rate_keys(RATES)
    values = RATES["value"].to_numpy()
    np.testing.assert_allclose(key_values(RATES, keys, values), [4.0, -0.5, 0.2, 1.5, 0.0])
    two = key_values(RATES, keys, values[:, None] * np.array([1.0, 2.0]))
    np.testing.assert_allclose(two, [[4.0, 8.0], [-0.5, -1.0], [0.2, 0.4], [1.5, 3.0], [0.0, 0.0]])


def test_removal_rate_per_class_and_age(tables: CarbonTables) -> None:
    """311 young 4, mature -0.5, 211 0.2, 112 (no row) 0, 324 past its last class 0."""
    rate = removal_rate(tables, np.array([311, 311, 211, 112, 324]), np.array([5, 25, 0, 0, 30]))
    np.testing.assert_allclose(rate, [4.0, -0.5, 0.2, 0.0, 0.0])


def test_central_parameters(tables: CarbonTables) -> None:
    """Biomass above + below + dead and soil per code in the table's row order."""
    params = central_parameters(tables)
    np.testing.assert_array_equal(params.codes, [311, 211, 112, 333, 231])
    np.testing.assert_allclose(params.biomass, [130.0, 5.0, 10.0, 1.0, 6.0])
    np.testing.assert_allclose(params.soil, [80.0, 60.0, 50.0, 10.0, 90.0])
    np.testing.assert_allclose(params.rate, [4.0, -0.5, 0.2, 1.5, 0.0])


# ------------------------------------------------------------------ accounts by hand

#: two zones, maps 2010 and 2020 (T = 10 years, soil transition D = 20 years)
JOINT = pd.DataFrame(
    {
        "zone": ["A", "A", "A", "B", "B", "B", "B"],
        "now": [311, 311, 112, 211, 311, 112, 211],
        "before": [311, 211, 112, 311, 311, 333, 211],
        "age": [50, 5, 100, 100, 10, 100, 100],
        "area_ha": [2.0, 1.0, 3.0, 0.5, 1.5, 1.0, 2.0],
    }
)
INPUTS = LandInputs(
    landcover=Path("now.tif"), landcover_before=Path("before.tif"), year=2020, year_before=2010
)


def test_carbon_accounts_every_column_by_hand(tables: CarbonTables) -> None:
    """Zone A:
    - 2 ha mature forest remaining: growth 2 x -0.5 = -1.0;
    - 1 ha arable -> forest (age 5, young): biomass lost 1 x (0 - 5) / 10 = -0.5, growth
      1 x 4 = 4, soil 1 x (80 - 60) / max(20, 10) = 1: gain 5, loss 0.5;
    - 3 ha settlement remaining: no rate, 0.
    Zone B:
    - 0.5 ha forest -> arable (age unknown, clipped to T = 10; 211 has one class, 0.2):
      biomass 0.5 x (5 - 130) / 10 = -6.25 (B_after of cropland is its stock), arable is not
      forest (no growth), soil 0.5 x (60 - 80) / 20 = -0.5: loss 6.75;
    - 1.5 ha young forest remaining (age 10): growth 1.5 x 4 = 6;
    - 1 ha rock -> settlement: biomass (0 - 1) / 10 = -0.1, soil (50 - 10) / 20 = +2 not
      credited on settlements: loss 0.1, gain 0;
    - 2 ha arable remaining: growth 2 x 0.2 = 0.4 (not forest).
    Stocks: A above 2 x 100 + 100 + 3 x 8 = 324, below 40 + 20 + 6 = 66, soil 160 + 80 + 150
    = 390, dead 20 + 10 = 30, total 810; B above 0.5 x 4 + 1.5 x 100 + 8 + 2 x 4 = 168, below
    0.5 + 30 + 2 + 2 = 34.5, soil 30 + 120 + 50 + 120 = 320, dead 15, total 537.5.
    Net flux (t CO2/a) = (loss - gain - growth) x 44/12: A (0.5 - 5 + 1) = -3.5, B (6.85 - 0 -
    6.4) = 0.45."""
    acc = carbon_accounts(JOINT, tables, INPUTS)
    assert list(acc.index) == ["A", "B"]
    expected = {
        "land_area_ha": [6.0, 5.0],
        "carbon_above_tc": [324.0, 168.0],
        "carbon_below_tc": [66.0, 34.5],
        "carbon_soil_tc": [390.0, 320.0],
        "carbon_dead_tc": [30.0, 15.0],
        "carbon_stock_tc": [810.0, 537.5],
        "carbon_stock_tco2e": [810.0 * 44 / 12, 537.5 * 44 / 12],
        "growth_removal_tco2_a": [-1.0 * 44 / 12, 6.4 * 44 / 12],
        "forest_growth_tco2_a": [-1.0 * 44 / 12, 6.0 * 44 / 12],
        "luc_removal_tco2_a": [5.0 * 44 / 12, 0.0],
        "luc_emission_tco2_a": [0.5 * 44 / 12, 6.85 * 44 / 12],
        "land_changed_ha": [1.0, 1.5],
        "forest_remaining_ha": [2.0, 1.5],
        "converted_to_forest_ha": [1.0, 0.0],
        "land_net_flux_tco2_a": [-3.5 * 44 / 12, 0.45 * 44 / 12],
        "urban_tree_removal_tco2_a": [0.0, 0.0],
    }
    assert list(acc.columns) == list(expected)
    for column, values in expected.items():
        np.testing.assert_allclose(acc[column], values, atol=1e-12, err_msg=column)


def test_urban_trees_on_settlements_remaining_settlements(tables: CarbonTables) -> None:
    """Shipped urban-tree rate of 112: 0.333 + 0.087 = 0.42 t C/(ha a), on the 3 ha of 112
    remaining 112 in A: 1.26 t C/a = 4.62 t CO2/a; the 1 ha of new settlement in B gets none;
    the net flux does not change."""
    acc = carbon_accounts(JOINT, tables, INPUTS, urban_trees=True)
    np.testing.assert_allclose(acc["urban_tree_removal_tco2_a"], [1.26 * 44 / 12, 0.0])
    np.testing.assert_allclose(acc["land_net_flux_tco2_a"], [-3.5 * 44 / 12, 0.45 * 44 / 12])


def test_before_fluxes_by_zone_and_earlier_class(tables: CarbonTables) -> None:
    """Net removal (growth + gain - loss, t C/a) of the pieces of the accounts above, summed by
    (zone, class before): A 311 -1, A 211 5 - 0.5 = 4.5, A 112 0; B 311 -6.75 + 6 = -0.75
    (2 ha), B 333 -0.1, B 211 0.4."""
    got = before_fluxes(JOINT, tables, INPUTS).set_index(["zone", "before"])
    assert list(got.columns) == ["area_ha", "net_removal_tc_a"]
    expected = {
        ("A", 112): (3.0, 0.0),
        ("A", 211): (1.0, 4.5),
        ("A", 311): (2.0, -1.0),
        ("B", 211): (2.0, 0.4),
        ("B", 311): (2.0, -0.75),
        ("B", 333): (1.0, -0.1),
    }
    assert sorted(got.index) == sorted(expected)
    for key, (area, net) in expected.items():
        assert got.loc[key, "area_ha"] == pytest.approx(area)
        assert got.loc[key, "net_removal_tc_a"] == pytest.approx(net, abs=1e-12)


def test_land_groups_flags_and_years(tables: CarbonTables) -> None:
    """Rows with the same (zone, now, before, key) are merged (1 + 2 ha of young forest in
    A); converted land's age is clipped to T (50 -> 10: young key); the flags follow the
    shipped categories; one map (T = 1) and T below one year count as 1."""
    joint = pd.DataFrame(
        {
            "zone": ["A", "A", "A", "A", "A"],
            "now": [311, 311, 311, 112, 999],
            "before": [311, 311, 211, 211, 999],
            "age": [3, 12, 50, 100, 100],
            "area_ha": [1.0, 2.0, 4.0, 0.5, 0.25],
        }
    )
    big = replace(
        tables,
        pools=pd.concat(
            [tables.pools, pd.DataFrame({p: [0.0] for p in tables.pools.columns}, index=[999])]
        ),
    )
    g = land_groups(joint, big, 10.0)
    # positions in the pools' order 311, 211, 112, 333, 231, 999
    np.testing.assert_array_equal(g.now, [0, 0, 2, 5])
    np.testing.assert_array_equal(g.before, [0, 1, 1, 5])
    np.testing.assert_array_equal(g.key, [0, 0, -1, -1])
    np.testing.assert_allclose(g.area_ha, [3.0, 4.0, 0.5, 0.25])
    np.testing.assert_array_equal(g.changed, [False, True, True, False])
    np.testing.assert_array_equal(g.forest, [True, True, False, False])
    np.testing.assert_array_equal(g.settlement, [False, False, True, False])
    # 999 has no category row: 'other', B_after its stock
    np.testing.assert_array_equal(g.after_zero, [True, True, True, False])
    assert list(g.zone) == ["A"] * 4 and g.years == 10.0
    assert land_groups(joint, big, 1.0).years == 1.0
    assert land_groups(joint, big, 0.5).years == 1.0


def test_converted_land_one_year_apart_is_one_year_old(tables: CarbonTables) -> None:
    """Maps one year apart (or less): a stand on converted land is at most 1 year old, in the
    age class [0, 2) of this table, not [2, 999)."""
    rates = pd.DataFrame(
        {"lucode": [311, 311], "age_min": [0, 2], "age_max": [2, 999], "pool": "above"}
    ).assign(value=[1.0, 2.0], low=0.0, high=3.0)
    joint = pd.DataFrame(
        {"zone": ["A"], "now": [311], "before": [211], "age": [50], "area_ha": [1.0]}
    )
    for years in (1.0, 0.5):
        groups = land_groups(joint, replace(tables, removal=rates), years)
        np.testing.assert_array_equal(groups.key, [0])


def test_class_area_table_sums_rows_of_one_class(tables: CarbonTables) -> None:
    """A: 311 = 2 + 1 (two pieces with different earlier classes), 112 = 3; B: 211 = 0.5 + 2."""
    table = class_area_table(JOINT)
    assert table.loc["A", 311] == 3.0 and table.loc["A", 112] == 3.0
    assert table.loc["B", 211] == 2.5 and table.loc["A", 211] == 0.0


def test_flux_draws_by_commune_leave_out_unlisted_communes(tables: CarbonTables) -> None:
    """Parcels A (commune 1) and B (commune 2) of the accounts above, two draws of the central
    values (the second doubled: fluxes are linear in stocks and rates): only commune 2 is
    asked for, B's net flux 0.45 t C/a = 1.65 t CO2/a (and 3.3)."""
    params = central_parameters(tables)
    two = replace(
        params,
        biomass=params.biomass[:, None] * [1.0, 2.0],
        soil=params.soil[:, None] * [1.0, 2.0],
        rate=params.rate[:, None] * [1.0, 2.0],
    )
    commune_of = pd.Series({"B": "2", "A": "1"})
    got = flux_draws(JOINT, commune_of, tables, INPUTS, ["2"], two)
    np.testing.assert_allclose(got, [[0.45 * 44 / 12, 0.9 * 44 / 12]])


def test_simulate_land_defaults(tables: CarbonTables) -> None:
    """1,000 draws, seed 2028 unless told; the same as asking for them."""
    detail = pd.DataFrame(columns=["parcel_id", "measure", "unit", "amount", "area_ha"])
    commune_of = pd.Series({"A": "1", "B": "2"})
    default = simulate_land(JOINT, commune_of, tables, INPUTS, detail, ["1", "2"], start_year=2026)
    asked = simulate_land(
        JOINT,
        commune_of,
        tables,
        INPUTS,
        detail,
        ["1", "2"],
        start_year=2026,
        draws=1000,
        seed=2028,
    )
    assert (default.draws, default.seed) == (1000, 2028)
    pd.testing.assert_frame_equal(default.table, asked.table)
    assert default.table["lau2"].tolist() == ["1", "2", "region"]


@pytest.mark.parametrize(
    ("year_before", "year", "expected"),
    [
        (2010, 2020, 10.0),
        (2023, 2024, 1.0),
        (None, 2024, None),
        (2012, None, None),
        (2024, 2024, None),
        (2024, 2012, None),
    ],
)
def test_years_between_the_maps(
    year_before: int | None, year: int | None, expected: float | None
) -> None:
    """T = year - year before; both years needed and in order (an earlier map without a year
    tag used to give T = 2024 - 0 years, spreading the change over two millennia); one map:
    1 year."""
    inputs = LandInputs(
        landcover=Path("now.tif"),
        landcover_before=Path("before.tif"),
        year=year,
        year_before=year_before,
    )
    if expected is None:
        with pytest.raises(
            LandCarbonError, match=rf"both land-cover maps.*got {year_before} and {year}"
        ):
            land_years(inputs)
    else:
        assert land_years(inputs) == expected
    assert land_years(LandInputs(landcover=Path("now.tif"), year=2024)) == 1.0


def test_urban_tree_rate_of_classes_without_a_row() -> None:
    """112: 0.333 + 0.087 = 0.42 t C/(ha a); 121 (a settlement without a row) and 311: 0."""
    rate = urban_tree_rate(load_carbon_tables(), np.array([112, 121, 311]))
    np.testing.assert_allclose(rate, [0.42, 0.0, 0.0])


def test_codes_without_a_carbon_row_are_named_with_their_map(tables: CarbonTables) -> None:
    """A code of the later map (999) names now.tif; one only on the earlier map names
    before.tif."""
    now_missing = JOINT.assign(now=JOINT["now"].replace({112: 999}))
    with pytest.raises(LandCarbonError, match=r"code\(s\) 999 in now\.tif have no row"):
        carbon_accounts(now_missing, tables, INPUTS)
    before_missing = JOINT.assign(before=JOINT["before"].replace({333: 998}))
    with pytest.raises(LandCarbonError, match=r"code\(s\) 998 in before\.tif have no row"):
        carbon_accounts(before_missing, tables, INPUTS)
