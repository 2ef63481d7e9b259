"""The GPC inventory table (:mod:`minettgeo.report.gpc`) on hand-made results of two communes:
modelled rows, notation keys, region sums, BASIC / BASIC+ totals, the files written and read
back, the terminal table. Values by hand (arithmetic in the comments)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from minettgeo.errors import LayerReadError, NotFoundError
from minettgeo.report import gpc

LEVELS = {"0001": "Alpha", "0002": "Beta"}


def building_results() -> pd.DataFrame:
    """Three buildings: two homes in 0001 (one of them on wood), an office in 0002."""
    return pd.DataFrame(
        {
            "lau2": ["0001", "0001", "0002"],
            "gpc_subsector": ["I.1", "I.1", "I.2"],
            "scope1_co2_t_a": [2.0, 0.0, 5.0],
            "scope1_ch4_t_a": [0.01, 0.02, 0.0],
            "scope1_n2o_t_a": [0.001, 0.0, 0.002],
            "scope1_tco2e_a": [2.5, 0.6, 5.5],
            "biogenic_co2_t_a": [0.0, 3.0, 0.0],
            "scope2_tco2e_a": [1.0, 0.5, 4.0],
        }
    )


def transport() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "transport_co2_t_a": [10.0, 0.0],
            "transport_ch4_t_a": [0.1, 0.0],
            "transport_n2o_t_a": [0.01, 0.0],
            "transport_tco2e_a": [12.0, 0.0],
        },
        index=pd.Index(["0001", "0002"], name="lau2"),
    )


def values(**kw: object) -> pd.DataFrame:
    waste = pd.Series({"0001": 30.0, "0002": 20.0})
    return gpc.modelled_values(building_results(), transport(), waste, "lau2", **kw)  # type: ignore[arg-type]


def row(frame: pd.DataFrame, lau2: str, code: str) -> pd.Series:
    hit = frame[(frame["lau2"] == lau2) & (frame["code"] == code)]
    assert len(hit) == 1, (lau2, code)
    return hit.iloc[0]


def test_gpc_rows_flags_and_scopes() -> None:
    rows = gpc.gpc_rows().set_index("code")
    assert rows.loc["I.1.1", "scope"] == 1 and rows.loc["III.1.2", "scope"] == 3
    assert rows["scope"].dtype.kind == "i"
    # I.1.1 is BASIC and BASIC+; V.2 only BASIC+; I.4.4 neither (reported outside the totals)
    assert rows.loc["I.1.1", ["basic", "basic_plus"]].tolist() == [True, True]
    assert rows.loc["V.2", ["basic", "basic_plus"]].tolist() == [False, True]
    assert rows.loc["I.4.4", ["basic", "basic_plus"]].tolist() == [False, False]
    assert rows["basic"].dtype == bool and rows["basic_plus"].dtype == bool
    # modelled rows have no default notation key; the others one of the GPC keys
    assert rows.loc["II.1.1", "default_key"] == "" and rows.loc["II.4.1", "default_key"] == "NO"
    assert set(rows["default_key"]) <= {"", *gpc.NOTATION_KEYS}
    assert gpc.NOTATION_KEYS["NE"] == "not estimated"


def test_modelled_values_sum_buildings_per_sub_sector_and_scope() -> None:
    v = values()
    # I.1.1 of 0001: CO2 2 + 0 = 2, CH4 0.01 + 0.02 = 0.03, CO2e 2.5 + 0.6 = 3.1, biogenic 3
    r = row(v, "0001", "I.1.1")
    assert (r["co2_t"], r["ch4_t"], r["n2o_t"]) == pytest.approx((2.0, 0.03, 0.001))
    assert (r["co2e_t"], r["biogenic_co2_t"]) == pytest.approx((3.1, 3.0))
    # I.1.2 of 0001: 1 + 0.5 = 1.5; I.2.2 of 0002: 4
    assert row(v, "0001", "I.1.2")["co2e_t"] == pytest.approx(1.5)
    assert row(v, "0002", "I.2.2")["co2e_t"] == pytest.approx(4.0)
    assert row(v, "0002", "I.2.1")["n2o_t"] == pytest.approx(0.002)
    # road transport and waste per commune
    t = row(v, "0001", "II.1.1")
    assert (t["co2_t"], t["ch4_t"], t["n2o_t"], t["co2e_t"]) == (10.0, 0.1, 0.01, 12.0)
    assert row(v, "0002", "III.1.2")["co2e_t"] == 20.0
    assert "gpc_subsector" not in v.columns
    assert set(v["code"]) == {"I.1.1", "I.1.2", "I.2.1", "I.2.2", "II.1.1", "III.1.2"}


def test_land_flux_and_extra_rows() -> None:
    land = pd.Series({"0001": -40.0, "0002": 5.0})
    extra = pd.DataFrame({"lau2": ["0002"], "code": ["II.1.2"], "co2e_t": [0.7]})
    v = values(land=land, extra=extra)
    # V.2 holds the net land CO2 flux as CO2 and CO2e
    assert (row(v, "0001", "V.2")["co2_t"], row(v, "0001", "V.2")["co2e_t"]) == (-40.0, -40.0)
    assert row(v, "0002", "II.1.2")["co2e_t"] == 0.7
    assert len(values(extra=extra.iloc[:0])) == len(values())


def test_rows_from_level_columns() -> None:
    frame = pd.DataFrame(
        {
            "ev_charging_tco2e_a": [1.5, 2.5],
            "wastewater_ch4_t_a": [0.1, 0.2],
            "wastewater_n2o_t_a": [0.01, 0.02],
            "wastewater_tco2e_a": [5.0, 9.0],
            "rail_diesel_co2_t_a": [3.0, 0.0],  # II.2.1 incomplete: left out
        },
        index=pd.Index(["0001", "0002"], name="lau2"),
    )
    out = gpc.rows_from_columns(frame, "lau2")
    assert sorted(set(out["code"])) == ["II.1.2", "III.4.1"]
    assert list(out.columns[:1]) == ["lau2"]
    assert row(out, "0002", "II.1.2")["co2e_t"] == 2.5
    w = row(out, "0001", "III.4.1")
    assert (w["ch4_t"], w["n2o_t"], w["co2e_t"]) == (0.1, 0.01, 5.0)
    assert gpc.rows_from_columns(frame[["rail_diesel_co2_t_a"]], "lau2").empty
    assert out.index.tolist() == list(range(4))  # one index over the rows of every code
    # a table holding exactly the columns of one row (nothing more) gives that row
    only = gpc.rows_from_columns(frame[["ev_charging_tco2e_a"]], "lau2")
    assert only["code"].tolist() == ["II.1.2", "II.1.2"]


def test_plant_rows_sum_per_commune_where_the_plants_stand() -> None:
    plants = pd.DataFrame(
        {
            "lau2": ["0002", "0002", "0001"],
            "co2_t_a": [1.0, 2.0, 4.0],
            "ch4_t_a": [0.1, 0.2, 0.0],
            "n2o_t_a": [0.0, 0.01, 0.0],
            "tco2e_a": [1.5, 2.5, 4.0],
            "biogenic_co2_t_a": [7.0, 0.0, 0.0],
        }
    )
    out = gpc.plant_rows(plants, "lau2")
    # 0002: CO2 1 + 2 = 3, CH4 0.3, N2O 0.01, CO2e 4, biogenic 7
    r = row(out, "0002", "I.4.4")
    assert (r["co2_t"], r["ch4_t"], r["n2o_t"], r["co2e_t"]) == pytest.approx((3, 0.3, 0.01, 4))
    assert r["biogenic_co2_t"] == 7.0
    assert row(out, "0001", "I.4.4")["co2e_t"] == 4.0


def inventory(**kw: object) -> pd.DataFrame:
    land = pd.Series({"0001": -40.0, "0002": 5.0})
    return gpc.inventory_table(values(land=land), "lau2", LEVELS, **kw)  # type: ignore[arg-type]


def test_inventory_table_keys_notes_and_region() -> None:
    table = inventory(not_estimated={"II.2.1": "no rail layer given"})
    n_rows = len(gpc.gpc_rows())
    assert len(table) == 3 * n_rows
    assert list(table.columns[:3]) == ["level", "lau2", "name"]
    assert "default_key" not in table.columns
    region = table[table["lau2"] == "region"]
    assert set(region["level"]) == {"region"} and set(region["name"]) == {"Region"}
    assert set(table.loc[table["lau2"] == "0001", "level"]) == {"commune"}
    assert set(table.loc[table["lau2"] == "0002", "name"]) == {"Beta"}
    # region = sum of the communes: I.1.1 CO2e 3.1 + 0 (0002 has no homes) = 3.1;
    # II.1.1 12 + 0 = 12; III.1.2 30 + 20 = 50; V.2 -40 + 5 = -35
    assert row(table, "region", "I.1.1")["co2e_t"] == pytest.approx(3.1)
    assert row(table, "region", "III.1.2")["co2e_t"] == 50.0
    assert row(table, "region", "V.2")["co2e_t"] == -35.0
    assert row(table, "region", "I.1.1")["biogenic_co2_t"] == 3.0
    # a modelled row with a value has no key
    assert row(table, "0001", "II.1.1")["notation_key"] == ""
    # a modelled row with 0 (road transport of 0002) or no value (homes of 0002): NO + reason
    road = row(table, "0002", "II.1.1")
    assert road["notation_key"] == "NO" and road["note"] == "no road in this area"
    assert np.isnan(road["co2e_t"]) and np.isnan(road["co2_t"])
    homes = row(table, "0002", "I.1.1")
    assert homes["notation_key"] == "NO" and homes["note"] == "no fuel-heated homes in this area"
    # not estimated here: NE with the reason given, no value
    rail = row(table, "0001", "II.2.1")
    assert rail["notation_key"] == "NE" and rail["note"] == "no rail layer given"
    assert np.isnan(rail["co2e_t"])
    # a row that is never modelled keeps its default key and note
    air = row(table, "0001", "II.4.1")
    assert air["notation_key"] == "NO" and air["note"] == "no airport in the region"
    # a value of 0 CO2e with biogenic CO2 is not "no activity"
    assert row(table, "0001", "I.1.1")["notation_key"] == ""
    assert table.index.tolist() == list(range(len(table)))


def test_not_estimated_rows_lose_every_value() -> None:
    table = inventory(not_estimated={"I.1.1": "homes left out"})
    homes = row(table, "0001", "I.1.1")
    # 0001 has 3.1 t CO2e and 3 t biogenic CO2 in I.1.1: NE blanks them all
    assert homes["notation_key"] == "NE" and homes["note"] == "homes left out"
    for col in ("co2_t", "ch4_t", "n2o_t", "co2e_t", "biogenic_co2_t"):
        assert np.isnan(homes[col]), col


def test_a_modelled_row_without_a_listed_reason_gets_the_fallback() -> None:
    # every modelled row has a reason in no_activity.csv ...
    notes = gpc.no_activity_notes()
    rows = gpc.gpc_rows()
    modelled = rows.loc[rows["default_key"] == "", "code"]
    assert set(modelled) == set(notes.index)
    assert notes["V.2"] == "no land in this area"
    # ... the I.4.4 row of a commune without a plant gets it too
    assert row(inventory(), "0001", "I.4.4")["note"] == "no district-heat plant in this area"


def test_inventory_totals_basic_basic_plus_removals_per_capita_memo() -> None:
    table = inventory()
    totals = gpc.inventory_totals(table, "lau2", {"0001": 100.0, "0002": 0.0}).set_index("lau2")
    # BASIC of 0001: I.1.1 3.1 + I.1.2 1.5 + II.1.1 12 + III.1.2 30 = 46.6
    # BASIC+ adds V.2 (-40): net 6.6; removals -40; gross BASIC+ = 6.6 - (-40) = 46.6
    a = totals.loc["0001"]
    assert a["name"] == "Alpha" and a["population"] == 100.0
    assert a["basic_tco2e"] == pytest.approx(46.6)
    assert a["basic_plus_net_tco2e"] == pytest.approx(6.6)
    assert a["afolu_removals_tco2e"] == pytest.approx(-40.0)
    assert a["basic_plus_tco2e"] == pytest.approx(46.6)
    assert a["basic_per_capita_tco2e"] == pytest.approx(0.466)  # 46.6 / 100
    assert a["biogenic_co2_memo_t"] == pytest.approx(3.0)
    # 0002: BASIC 5.5 + 4 + 20 = 29.5; V.2 +5 is an emission, not a removal: BASIC+ 34.5
    b = totals.loc["0002"]
    assert b["basic_tco2e"] == pytest.approx(29.5)
    assert b["afolu_removals_tco2e"] == 0.0
    assert b["basic_plus_tco2e"] == pytest.approx(34.5)
    assert b["basic_plus_net_tco2e"] == pytest.approx(34.5)
    assert np.isnan(b["basic_per_capita_tco2e"])  # no residents
    # region: BASIC 46.6 + 29.5 = 76.1, no population given
    r = totals.loc["region"]
    assert r["basic_tco2e"] == pytest.approx(76.1) and np.isnan(r["population"])
    assert np.isnan(r["basic_per_capita_tco2e"])
    assert r["afolu_removals_tco2e"] == pytest.approx(-35.0)
    assert list(totals.index) == ["0001", "0002", "region"]


def test_totals_keep_the_order_of_the_levels_and_a_level_without_land() -> None:
    values = gpc.modelled_values(
        building_results(), transport(), pd.Series({"0001": 30.0, "0002": 20.0}), "lau2"
    )
    table = gpc.inventory_table(values, "lau2", {"0002": "Beta", "0001": "Alpha"})
    totals = gpc.inventory_totals(table, "lau2", {"0001": 0.5})
    assert totals["lau2"].tolist() == ["0002", "0001", "region"]
    a = totals.set_index("lau2").loc["0001"]
    # no land row (V.2 is NO): no removals, BASIC+ = BASIC = 46.6; half a resident: 93.2 t each
    assert a["afolu_removals_tco2e"] == 0.0 and a["basic_plus_tco2e"] == pytest.approx(46.6)
    assert a["basic_per_capita_tco2e"] == pytest.approx(93.2)


def test_written_inventory_reads_back(tmp_path: Path) -> None:
    table = inventory()
    totals = gpc.inventory_totals(table, "lau2", {"0001": 100.0, "0002": 50.0})
    csv_path, json_path = tmp_path / "out" / "gpc_inventory.csv", tmp_path / "gpc_inventory.json"
    written = gpc.write_inventory(table, totals, {"run_id": "r1", "é": "ü"}, csv_path, json_path)
    assert written == [csv_path, json_path]
    document = json.loads(json_path.read_text(encoding="utf-8"))
    assert document["provenance"] == {"run_id": "r1", "é": "ü"}
    assert document["notation_keys"] == gpc.NOTATION_KEYS
    assert "é" in json_path.read_text(encoding="utf-8")  # not escaped
    back_table, back_totals = gpc.read_inventory(tmp_path)
    assert len(back_table) == len(table) and back_table["lau2"].tolist() == table["lau2"].tolist()
    assert back_totals["basic_tco2e"].tolist() == pytest.approx(totals["basic_tco2e"].tolist())
    assert back_totals["lau2"].tolist() == ["0001", "0002", "region"]
    csv = pd.read_csv(csv_path, dtype={"lau2": str})
    assert len(csv) == len(table)
    assert row(csv, "region", "I.1.1")["co2e_t"] == pytest.approx(3.1)
    # six significant digits: CH4 of I.1.1 in 0001 is 0.01 + 0.02 = 0.030000000000000002
    text = csv_path.read_text()
    assert ",0.03," in text and "0.0300000" not in text
    assert list(tmp_path.glob(".gpc_inventory*")) == []
    assert list(csv.columns) == list(table.columns)  # no index column
    assert document["rows"][0]["code"] == "I.1.1" and document["totals"][0]["lau2"] == "0001"
    assert json_path.read_text(encoding="utf-8").startswith('{\n "provenance": {\n  "run_id"')


def test_written_numbers_and_dates(tmp_path: Path) -> None:
    import datetime

    table = inventory()
    table.loc[0, "co2e_t"] = 1 / 3
    table.loc[1, "co2e_t"] = 1.5e-7
    totals = gpc.inventory_totals(table, "lau2", {})
    csv_path, json_path = tmp_path / "i.csv", tmp_path / "i.json"
    gpc.write_inventory(table, totals, {"date": datetime.date(2026, 12, 2)}, csv_path, json_path)
    # six significant digits, lower-case exponent
    lines = csv_path.read_text().splitlines()
    assert ",0.333333," in lines[1] and ",1.5e-07," in lines[2]
    assert json.loads(json_path.read_text())["provenance"] == {"date": "2026-12-02"}


def test_read_inventory_codes_stay_text(tmp_path: Path) -> None:
    # a document whose codes were written as numbers still gives text codes
    document = {"rows": [{"lau2": 1001, "code": "I.1.1"}], "totals": [{"lau2": 1001}]}
    (tmp_path / "gpc_inventory.json").write_text(json.dumps(document), encoding="utf-8")
    table, totals = gpc.read_inventory(tmp_path)
    assert table["lau2"].tolist() == ["1001"] and totals["lau2"].tolist() == ["1001"]


def test_read_inventory_errors(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match=r"gpc_inventory.json: not found; compute it first"):
        gpc.read_inventory(tmp_path)
    (tmp_path / "gpc_inventory.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(LayerReadError, match=r"not a readable GPC inventory \(JSONDecodeError"):
        gpc.read_inventory(tmp_path)
    (tmp_path / "gpc_inventory.json").write_text('{"rows": []}', encoding="utf-8")
    with pytest.raises(LayerReadError, match="rerun 'minettgeo run'"):
        gpc.read_inventory(tmp_path)


def test_format_table_of_one_level() -> None:
    text = gpc.format_table(inventory(), "0001", "lau2")
    lines = text.splitlines()
    assert lines[0] == "GPC inventory: Alpha (t/a)" and lines[1] == ""
    assert lines[2] == (
        f"{'code':<8} {'scope':>5} {'CO2':>12} {'CH4':>9} {'N2O':>9} {'CO2e':>12} {'DQ':>2}  "
        "sub-sector"
    )
    # header, one line per GPC row, a blank line and the DQ legend
    assert len(lines) == 3 + len(gpc.gpc_rows()) + 2
    assert lines[-1].startswith("DQ: data quality of the activity data, H high")
    by_code = {line.split()[0]: line for line in lines[3:-2]}
    # II.1.1: CO2 10 (0 digits), CH4 0.10, N2O 0.01, CO2e 12
    assert by_code["II.1.1"] == (
        f"{'II.1.1':<8} {'1':>5} {'10':>12} {'0.10':>9} {'0.01':>9} {'12':>12} {'':>2}  "
        "On-road transportation"
    )
    # a keyed row shows its key in the CO2 and CO2e columns
    assert by_code["II.4.1"] == (
        f"{'II.4.1':<8} {'1':>5} {'NO':>12} {'':>9} {'':>9} {'NO':>12} {'':>2}  Aviation"
    )
    # III.1.2 (waste) has CO2e only: blank gas columns
    assert by_code["III.1.2"] == (
        f"{'III.1.2':<8} {'3':>5} {'':>12} {'':>9} {'':>9} {'30':>12} {'':>2}  "
        + "Solid waste disposal (generated inside and treated outside)"
    )
