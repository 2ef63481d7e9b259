"""The factor set itself (:mod:`minettgeo.factors.tables`): lookups, draws, provenance, the one
validation every factor goes through, overrides and scalar parameters, with the exact messages a
user reads. Small tables written here; values by hand."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from minettgeo.errors import FactorError
from minettgeo.factors import overrides as fo
from minettgeo.factors import plausibility as fp
from minettgeo.factors import table_files as tf
from minettgeo.factors import table_keys as tk
from minettgeo.factors import tables as ft


def grid(**over: object) -> pd.DataFrame:
    row = {
        "carrier": ["electricity", "district_heat"],
        "gas": ["CO2e", "CO2e"],
        "unit": ["kg CO2e/kWh", "kg CO2e/kWh"],
        "value": [0.35, 0.07],
        "low": [0.15, 0.03],
        "high": [0.45, 0.07],
        "source": ["s1", "s2"],
        "year": [2023, 2021],
    }
    row.update(over)  # type: ignore[arg-type]
    return pd.DataFrame(row)


def gwp() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "gwp_set": ["AR5", "AR5", "AR5", "AR6"],
            "gas": ["CO2", "CH4", "N2O", "CH4"],
            "unit": "kg CO2e/kg",
            "value": [1.0, 28.0, 265.0, 27.0],
            "low": [1.0, 28.0, 265.0, 27.0],
            "high": [1.0, 28.0, 265.0, 27.0],
            "source": "IPCC",
            "year": 2014,
        }
    )


def small_set() -> ft.FactorSet:
    return ft.FactorSet(tables={"grid_factors": grid(), "gwp": gwp()}, gwp_set="AR5")


def test_parameter_vector_lookups_and_gwp() -> None:
    fs = small_set()
    # theta: the constants 0 and 1, then the rows of each table in order
    np.testing.assert_array_equal(fs.theta, [0.0, 1.0, 0.35, 0.07, 1.0, 28.0, 265.0, 27.0])
    assert fs.params["table"].tolist()[:3] == ["<zero>", "<one>", "grid_factors"]
    assert fs.params["key"].tolist()[2] == "electricity|CO2e"
    assert fs.params["low"].tolist()[:4] == [0.0, 1.0, 0.15, 0.03]
    assert fs.params["high"].tolist()[:4] == [0.0, 1.0, 0.45, 0.07]
    got = fs.index("grid_factors", "carrier", carrier=["district_heat", "electricity"], gas="CO2e")
    assert got.tolist() == [3, 2] and got.dtype == np.int64
    assert fs.value("grid_factors", "carrier", carrier="district_heat", gas="CO2e") == 0.07
    assert fs.gwp("CH4") == 28.0 and fs.gwp_index("N2O") == 6
    assert ft.FactorSet(tables={"gwp": gwp()}, gwp_set="AR6").gwp("CH4") == 27.0


def test_index_names_what_is_missing() -> None:
    fs = small_set()
    with pytest.raises(
        ValueError, match=r"grid_factors is keyed by \('carrier', 'gas'\), got \['carrier'\]"
    ):
        fs.index("grid_factors", "carrier", carrier="electricity")
    with pytest.raises(FactorError) as err:
        fs.index("grid_factors", "energy carrier", carrier=["coal", "coal", "peat"], gas="CO2e")
    assert str(err.value) == (
        "no factor for energy carrier coal / CO2e (2 row(s)), peat / CO2e (1 row(s)) in table "
        f"'grid_factors' (keys carrier, gas; factor set {ft.FACTOR_SET_VERSION}); add the row(s) "
        "to the table or pass an override file grid_factors.csv with them"
    )


def test_draws_keep_constants_and_stay_in_the_bounds() -> None:
    fs = small_set()
    x = fs.draw(500, np.random.default_rng(1))
    assert x.shape == (500, 8)
    # low == high (the constants, district heat's high = value ... GWPs): never drawn away
    np.testing.assert_array_equal(
        x[:, [0, 1, 4, 5, 6, 7]], np.tile(fs.theta[[0, 1, 4, 5, 6, 7]], (500, 1))
    )
    assert x[:, 2].min() >= 0.15 and x[:, 2].max() <= 0.45 and len(np.unique(x[:, 2])) == 500
    # district heat: low 0.03 < value 0.07 = high: half the draws on the value, half below
    assert np.mean(x[:, 3] == 0.07) == pytest.approx(0.5, abs=0.08) and x[:, 3].min() >= 0.03
    again = fs.draw(500, np.random.default_rng(1))
    np.testing.assert_array_equal(again, x)


def test_provenance_hashes_the_tables() -> None:
    fs = small_set()
    prov = fs.provenance()
    digest = hashlib.sha256()
    for name in ("grid_factors", "gwp"):  # sorted by name
        digest.update(name.encode())
        digest.update(fs.tables[name].to_csv(index=False).encode())
    assert prov == {
        "factor_set": ft.FACTOR_SET_VERSION,
        "factor_tables_sha256": digest.hexdigest(),
        "gwp_set": "AR5",
        "overrides": [],
    }
    other = ft.FactorSet(
        tables={"grid_factors": grid(value=[0.3, 0.07]), "gwp": gwp()}, gwp_set="AR5"
    )
    assert other.provenance()["factor_tables_sha256"] != prov["factor_tables_sha256"]


def test_plausible_bounds_take_the_most_specific_row() -> None:
    units = pd.Series(
        ["kWh/(kWp a)", "fraction", "kg CO2e/kWh", "no such unit"], index=[5, 6, 7, 8]
    )
    got = fp.plausible_bounds("solar_pv", units)
    assert got.index.tolist() == [5, 6, 7, 8]
    # (solar_pv, kWh/(kWp a)) 500-2000; (*, fraction) 0-1; (*, kg CO2e/kWh) 0-1.5; (*, *) 0-none
    assert got["minimum"].tolist() == [500, 0, 0, 0]
    assert got["maximum"].tolist()[:3] == [2000, 1, 1.5] and np.isnan(got["maximum"].iloc[3])
    assert str(got["note"].iloc[3]).startswith("default for every factor")
    ranges = fp.plausible_ranges()
    assert {"table", "unit", "minimum", "maximum", "note"} <= set(ranges.columns)
    # an empty bound is read as no bound (NaN), not as text
    first = ranges.iloc[0]
    assert (first["table"], first["unit"], first["minimum"]) == ("*", "*", 0.0)
    assert pd.isna(first["maximum"])


def test_factor_values_outside_the_range_or_not_finite() -> None:
    bad = grid(value=[1.6, 0.07], low=[0.15, -0.1], high=[2.0, 0.07])
    with pytest.raises(FactorError) as err:
        fp.check_factor_values("grid_factors", bad, "override f.csv")
    # line numbers count the header: row 0 is line 2
    assert str(err.value) == (
        "factor table 'grid_factors' from override f.csv: line 2 (electricity / CO2e): value 1.6, "
        "high 2 kg CO2e/kWh outside the plausible range 0 - 1.5 kg CO2e/kWh: grid and heat "
        "factors: lignite-fired generation, the most carbon-intensive, emits about 1.1-1.2 kg "
        "CO2e/kWh; line 3 (district_heat / CO2e): low -0.1 kg CO2e/kWh outside the plausible "
        "range 0 - 1.5 kg CO2e/kWh (factors are non-negative): grid and heat factors: "
        "lignite-fired generation, the most carbon-intensive, emits about 1.1-1.2 kg CO2e/kWh; "
        "correct the value (or its unit), or widen the range in factors/plausible.csv with a source"
    )
    with pytest.raises(
        FactorError,
        match=r"from parameter x: row \(electricity / CO2e\): value inf: not finite numbers; correct",
    ):
        fp.check_factor_values("grid_factors", grid(value=[np.inf, 0.07]), "parameter x")
    # inside the range: nothing to say; the upper bound itself is allowed
    fp.check_factor_values("grid_factors", grid(high=[1.5, 0.07]), "f")
    # no upper bound (*, *): a large value passes, a negative one does not
    big = pd.DataFrame(
        {"quantity": ["q"], "unit": ["m"], "value": [1e9], "low": [0.0], "high": [1e9]}
    )
    fp.check_factor_values("waste", big, "f")
    with pytest.raises(
        FactorError,
        match=r"low -1 m outside the plausible range 0 -  m \(factors are non-negative\)",
    ):
        fp.check_factor_values("waste", big.assign(low=-1.0), "f")
    # five lines at most
    many = pd.DataFrame(
        {"quantity": list("abcdefg"), "unit": "m", "value": -1.0, "low": -1.0, "high": -1.0}
    )
    with pytest.raises(FactorError) as err:
        fp.check_factor_values("waste", many, "f")
    assert "line 6 (e)" in str(err.value) and "line 7" not in str(err.value)


def test_origin_and_number_format() -> None:
    assert fp.origin_is_file("override a.csv") and not fp.origin_is_file("parameter e")
    assert fp._fmt(np.nan) == "" and fp._fmt(1.50) == "1.5"


def test_unreadable_tables(tmp_path: Path) -> None:
    empty = tmp_path / "grid_factors.csv"
    empty.write_text("")
    with pytest.raises(FactorError) as err:
        tf.read_table_csv(empty, "override x")
    assert str(err.value) == (
        "override x: not a readable CSV factor table (the file is empty); it must be UTF-8 text "
        "with a header line, like the shipped table of the same name"
    )
    binary = tmp_path / "b.csv"
    binary.write_bytes(b"\xff\xfe\x00\x81")
    with pytest.raises(
        FactorError, match=r"^override b: not a readable CSV factor table \((?!the file is empty)"
    ):
        tf.read_table_csv(binary, "override b")
    # codes stay text
    coded = tmp_path / "c.csv"
    coded.write_text("plant_lau2,year\n0204,2020\n")
    read = tf.read_table_csv(coded, "c")
    assert read["plant_lau2"].tolist() == ["0204"] and str(read["year"].dtype) == "Int64"


def test_table_checks_in_order() -> None:
    with pytest.raises(FactorError) as err:
        tf.check_table("grid_factors", grid().drop(columns=["gas", "year"]), "o")
    assert str(err.value) == (
        "factor table 'grid_factors' from o lacks column(s) gas, year; a table needs carrier, gas, "
        "unit, value, low, high, source, year"
    )
    with pytest.raises(
        FactorError,
        match=r"^factor table 'grid_factors' from o: value/low/high not numbers on line\(s\) 3$",
    ):
        tf.check_table("grid_factors", grid(high=[0.45, "x"]), "o")
    with pytest.raises(
        FactorError,
        match=r"^factor table 'grid_factors' from o: low <= value <= high broken on line\(s\) 2$",
    ):
        tf.check_table("grid_factors", grid(low=[0.4, 0.03]), "o")
    with pytest.raises(FactorError, match=r"low <= value <= high broken on line\(s\) 3$"):
        tf.check_table("grid_factors", grid(high=[0.45, 0.06]), "o")
    with pytest.raises(
        FactorError, match=r"^factor table 'grid_factors' from o: duplicate keys electricity\|CO2e$"
    ):
        tf.check_table("grid_factors", grid(carrier=["electricity", " electricity"]), "o")
    # numbers given as text are read as numbers; keys are stripped
    out = tf.check_table(
        "grid_factors",
        grid(value=["0.35", "0.07"], carrier=[" electricity", "district_heat "]),
        "o",
    )
    assert out["value"].tolist() == [0.35, 0.07] and out["carrier"].tolist() == [
        "electricity",
        "district_heat",
    ]


def write(path: Path, frame: pd.DataFrame) -> Path:
    frame.to_csv(path, index=False)
    return path


def test_override_replaces_and_adds_rows(tmp_path: Path) -> None:
    user = grid(
        carrier=["electricity", "hydrogen"], value=[0.2, 0.5], low=[0.2, 0.5], high=[0.2, 0.5]
    )
    path = write(tmp_path / "grid_factors.csv", user)
    merged, record = fo.apply_override(grid(), "grid_factors", path)
    # district heat kept, electricity replaced, hydrogen added
    assert merged["carrier"].tolist() == ["district_heat", "electricity", "hydrogen"]
    assert merged["value"].tolist() == [0.07, 0.2, 0.5]
    assert list(merged.columns) == list(grid().columns)
    assert record == fo.Override(
        "grid_factors", str(path), hashlib.sha256(path.read_bytes()).hexdigest(), 1, 1
    )
    with pytest.raises(FactorError, match=r"^override .*nothing.csv: no such file$"):
        fo.apply_override(grid(), "grid_factors", tmp_path / "nothing.csv")


def test_scalar_override_sets_one_factor() -> None:
    out, record = fo.scalar_override(
        grid(), "grid_factors", {"carrier": "electricity", "gas": "CO2e"}, 0.2, "el"
    )
    assert out.loc[0, ["value", "low", "high"]].tolist() == [0.2, 0.2, 0.2]
    assert out.loc[0, "source"] == "user parameter el" and out.loc[1, "source"] == "s2"
    assert out.loc[1, "value"] == 0.07
    assert record == fo.Override("grid_factors", "parameter el=0.2", "", 1, 0)
    with pytest.raises(
        FactorError,
        match=r"^cannot set el: no single row \{'carrier': 'coal'\} in table 'grid_factors'$",
    ):
        fo.scalar_override(grid(), "grid_factors", {"carrier": "coal"}, 0.2, "el")
    with pytest.raises(
        FactorError,
        match=r"from parameter el: row \(electricity / CO2e\): value 2, low 2, high 2 kg",
    ):
        fo.scalar_override(grid(), "grid_factors", {"carrier": "electricity"}, 2.0, "el")


def test_load_factor_set_with_overrides_and_parameters(tmp_path: Path) -> None:
    with pytest.raises(FactorError, match=r"^unknown GWP set 'AR3'; choose one of AR4, AR5, AR6$"):
        ft.load_factor_set("AR3")
    wrong = write(tmp_path / "grids.csv", grid())
    with pytest.raises(
        FactorError,
        match=r"no factor table named 'grids'; name the file after one of gwp, fuel_combustion",
    ):
        ft.load_factor_set(overrides=[wrong])
    path = write(tmp_path / "grid_factors.csv", grid(value=[0.3, 0.07], low=[0.3, 0.03]))
    fs = ft.load_factor_set(
        "AR6", [path], electricity_kg_per_kwh=0.25, district_heat_kg_per_kwh=0.05
    )
    assert fs.gwp_set == "AR6" and set(fs.tables) == set(tk.TABLE_KEYS)
    # the parameter wins over the file: applied after it
    assert fs.value("grid_factors", "c", carrier="electricity", gas="CO2e") == 0.25
    assert fs.value("grid_factors", "c", carrier="district_heat", gas="CO2e") == 0.05
    assert [o.path for o in fs.overrides] == [
        str(path),
        "parameter electricity factor (kg CO2e/kWh)=0.25",
        "parameter district-heat factor (kg CO2e/kWh)=0.05",
    ]
    assert ft.load_factor_set().overrides == ()


def test_a_missing_gwp_names_the_gwp() -> None:
    fs = ft.FactorSet(tables={"gwp": gwp()}, gwp_set="AR4")
    for lookup in (fs.gwp, fs.gwp_index):
        with pytest.raises(
            FactorError, match=r"^no factor for GWP AR4 / CH4 \(1 row\(s\)\) in table 'gwp'"
        ):
            lookup("CH4")


def hand_tabula() -> pd.DataFrame:
    """TABULA-shaped generic existing-state rows of DE, BE and FR (test_refurbishment_anchors)."""
    rows = [
        ("DE", "SFH.01", 0, 1978, 200.0, 180.0, 60.0),
        ("DE", "SFH.02", 1979, 2011, 100.0, 50.0, 30.0),
        ("DE", "SFH.03", 2012, 9999, 40.0, 20.0, 10.0),
        ("DE", "MFH.01", 0, 1979, 150.0, 120.0, 30.0),
        ("DE", "MFH.02", 1980, 9999, 80.0, 40.0, 20.0),
        ("BE", "SFH.01", 0, 9999, 120.0, 60.0, 30.0),
        ("BE", "MFH.01", 0, 9999, 90.0, 45.0, 20.0),
        ("FR", "SFH.01", 0, 9999, 150.0, 75.0, 30.0),
        ("FR", "MFH.01", 0, 9999, 60.0, 30.0, 20.0),
    ]
    return pd.DataFrame(
        {
            "Code_Country": [r[0] for r in rows],
            "Code_BuildingType": [f"{r[0]}.N.{r[1]}.Gen" for r in rows],
            "Code_BuildingVariant": [f"{r[0]}.N.{r[1]}.Gen.ReEx.001.001" for r in rows],
            "Year1_Building": [r[2] for r in rows],
            "Year2_Building": [r[3] for r in rows],
            "q_h_nd": [r[4] for r in rows],
            "q_w_nd": 10.0,
            "q_ht_tr": [r[5] for r in rows],
            "q_ht_ve": [r[6] for r in rows],
        }
    )


def test_refurbishment_anchors_by_hand() -> None:
    """TABULA-shaped rows (country, size, first and last year, q_h_nd, q_ht_tr, q_ht_ve):
    DE SFH 0-1978 (200, 180, 60), 1979-2011 (100), 2012- (40); DE MFH 0-1979 (150, 120, 30),
    1980- (80); BE SFH 120, MFH 90; FR SFH 150, MFH 60 (all years).

    Classes ending by 1978: DE SFH 01 only: transmission share 180 / (180 + 60) = 0.75, ratio
    180 / 200 = 0.9 -> partial cut 0.26 x 0.9 = 0.234, deep cut 0.75 x 0.9 = 0.675.
    Typology (mean of DE, BE, FR; one decimal), single family: the four periods to 1970
    (200 + 120 + 150) / 3 = 156.7; 1971-1980: DE (8 x 200 + 2 x 100) / 10 = 180 -> 150.0;
    2011-2016: DE (1 x 100 + 5 x 40) / 6 = 50 -> 106.7; 2017-2030: 40 -> 103.3.
    1 - mean(106.7, 103.3) / mean(4 x 156.7, 150.0) = 1 - 105 / 155.36 = 0.324151 (terraced
    falls back to SFH: the same). Multi-family: to 1970 (150 + 90 + 60) / 3 = 100.0; 1971-1980
    DE (9 x 150 + 80) / 10 = 143 -> 97.7; new 80 -> 76.7: 1 - 76.7 / 99.54 = 0.229455
    (apartment blocks fall back to MFH). Median of the four types (0.229455 + 0.324151) / 2."""
    from minettgeo.factors.typology_derivation import refurbishment_anchors

    tabula = hand_tabula()
    got = refurbishment_anchors(tabula).set_index("anchor")
    assert list(got.columns) == ["median", "min", "max"]
    for anchor, value in (
        ("transmission_share_of_losses", 0.75),
        ("partial_transmission_cut", 0.234),
        ("deep_transmission_cut", 0.675),
    ):
        assert got.loc[anchor].tolist() == pytest.approx([value] * 3), anchor
    new = got.loc["new_build_vs_pre1979"]
    assert new["min"] == pytest.approx(0.229455, abs=1e-6)
    assert new["max"] == pytest.approx(0.324151, abs=1e-6)
    assert new["median"] == pytest.approx((0.229455 + 0.324151) / 2, abs=1e-6)
    # other cuts scale the anchors: 0.5 x 0.9, 0.9 x 0.9
    other = refurbishment_anchors(tabula, partial_cut=0.5, deep_cut=0.9).set_index("anchor")
    assert other.loc["partial_transmission_cut", "median"] == pytest.approx(0.45)
    assert other.loc["deep_transmission_cut", "median"] == pytest.approx(0.81)


def test_a_missing_single_value_names_what_it_is() -> None:
    with pytest.raises(FactorError, match=r"^no factor for energy carrier coal / CO2e \(1 row"):
        small_set().value("grid_factors", "energy carrier", carrier="coal", gas="CO2e")


def test_a_bad_override_file_is_named(tmp_path: Path) -> None:
    path = write(tmp_path / "grid_factors.csv", grid(value=[9.0, 0.07], high=[9.0, 0.07]))
    with pytest.raises(FactorError, match=rf"^factor table 'grid_factors' from {path}: line 2 "):
        fo.apply_override(grid(), "grid_factors", path)
    empty = tmp_path / "empty" / "grid_factors.csv"
    empty.parent.mkdir()
    empty.write_text("")
    with pytest.raises(FactorError, match=rf"^override {empty}: not a readable CSV factor table"):
        fo.apply_override(grid(), "grid_factors", empty)
    # the merged table has one index 0..n-1
    user = grid(carrier=["hydrogen", "biogas"], value=[0.5, 0.1], low=[0.5, 0.1], high=[0.5, 0.1])
    merged, _ = fo.apply_override(
        grid(), "grid_factors", write(tmp_path / "grid_factors.csv", user)
    )
    assert merged.index.tolist() == [0, 1, 2, 3]


def test_generic_rows_whatever_the_index_and_duplicates_refused() -> None:
    from minettgeo.factors.typology_derivation import select_generic_existing

    tabula = hand_tabula()
    shifted = select_generic_existing(tabula.set_axis(range(100, 100 + len(tabula))))
    # every row is a generic existing-state row: all kept, bounds clipped to 1800 and 2030
    assert len(shifted) == 9 and shifted.index.tolist() == list(range(9))
    assert shifted["year1"].tolist()[:2] == [1800, 1979] and shifted["year2"].max() == 2030
    twice = pd.concat([tabula, tabula.iloc[[0]].assign(q_h_nd=1.0)], ignore_index=True)
    with pytest.raises(
        ValueError, match=r"^TABULA input has more than one generic existing-state row per class$"
    ):
        select_generic_existing(twice)


def test_an_implausible_parameter_is_refused_naming_it() -> None:
    with pytest.raises(
        FactorError,
        match=r"^factor table 'grid_factors' from parameter district-heat factor \(kg CO2e/kWh\): "
        r"row \(district_heat / CO2e\): value 5, low 5, high 5 kg CO2e/kWh outside the plausible "
        r"range 0 - 1.5",
    ):
        ft.load_factor_set(district_heat_kg_per_kwh=5.0)
