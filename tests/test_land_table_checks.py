"""The land-carbon tables as the code reads them: a user's InVEST table (columns in any case,
bad lines named), the hashes and origins in the provenance, the sink rules and the working
group's assumptions refused line by line, the sealed shares."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from minettgeo.errors import LandCarbonError
from minettgeo.land.tables import (
    CARBON_SET_VERSION,
    DATA,
    check_sink_assumptions,
    load_carbon_tables,
    read_carbon_pools,
    sealed_shares,
)

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
