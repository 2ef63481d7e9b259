"""KPI values: formulas, sums per district / commune / test district / region, and the toy run
(every expected value computed by hand in the comments)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from api_support import toy_results
from minettgeo.errors import KpiError
from minettgeo.kpi import values as kv
from minettgeo.kpi.compute import current_kpis
from minettgeo.kpi.formula import FormulaError, evaluate, formula_columns
from minettgeo.kpi.registry import default_registry_path, load_registry
from minettgeo.results.reader import open_results


@pytest.fixture(scope="module")
def toy_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return toy_results(tmp_path_factory.mktemp("kpi-toy"))


def _registry(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "kpis.csv"
    path.write_text(default_registry_path().read_text("utf-8") + "\n".join(rows) + "\n", "utf-8")
    return path


def test_formula_language() -> None:
    frame = pd.DataFrame(
        {"a": [2.0, 3.0, 4.0], "b": [1.0, 0.0, 2.0], "c": ["gas", "oil", "heat_pump"]}
    )
    # 2 x 1 + 1, 3 x 0 + 1, 4 x 2 + 1
    assert evaluate("a * b + 1", frame).tolist() == [3.0, 1.0, 9.0]
    # gas or oil: 1, 1, 0 -> a x that
    assert evaluate("a * (c in ['gas', 'oil'])", frame).tolist() == [2.0, 3.0, 0.0]
    assert evaluate("a * (c not in ['gas'])", frame).tolist() == [0.0, 3.0, 4.0]
    assert evaluate("(a > 2) and (b > 0)", frame).tolist() == [0.0, 0.0, 1.0]
    assert formula_columns("a * (c == 'x') / b") == {"a", "b", "c"}
    for bad in ("open('x')", "a.__class__", "a[0]", "(lambda: 1)()", "a if b else c", "_x", "@a"):
        with pytest.raises(FormulaError):
            formula_columns(bad)


def _buildings() -> pd.DataFrame:
    # districts D1, D2 in commune 0001, D3 in 0002
    return pd.DataFrame(
        {
            "district_id": ["D1", "D1", "D2", "D3"],
            "heated_area_m2": [100.0, 300.0, 200.0, 400.0],
            "heating_carrier": ["natural_gas", "heat_pump", "heating_oil", "heat_pump"],
            "final_energy_kwh_a": [20_000.0, 15_000.0, 30_000.0, 20_000.0],
        }
    )


def test_sums_to_every_level_by_hand(tmp_path: Path) -> None:
    reg = load_registry()
    kpis = [reg["heat_pump_share"], reg["fossil_heated_share"], reg["final_energy"]]
    b = _buildings()
    terms = kv.sums_by(kv.feature_terms(kpis, b), b["district_id"])
    zones = pd.Series({"D1": "0001", "D2": "0001", "D3": "0002"})
    sums = kv.area_sums(terms, zones, {"T": ["D2", "D3"]})
    table = kv.kpi_table(kpis, sums).set_index(["kpi_id", "level", "area_id"])["value"]
    hp = table.loc["heat_pump_share"]
    # D1: 300 / 400 = 75 %; D2: 0 / 200 = 0 %; D3: 400 / 400 = 100 %
    assert hp.loc[("district", "D1")] == pytest.approx(75.0)
    assert hp.loc[("district", "D2")] == pytest.approx(0.0)
    assert hp.loc[("district", "D3")] == pytest.approx(100.0)
    # commune 0001 = D1 + D2: 300 / 600 = 50 %, not the mean of 75 and 0 (37.5)
    assert hp.loc[("commune", "0001")] == pytest.approx(50.0)
    # test district T = D2 + D3: 400 / 600
    assert hp.loc[("test_district", "T")] == pytest.approx(100 * 400 / 600)
    # region: 700 / 1000
    assert hp.loc[("region", "region")] == pytest.approx(70.0)
    # fossil: gas 100 + oil 200 = 300 of 1000
    assert table.loc[("fossil_heated_share", "region", "region")] == pytest.approx(30.0)
    # final energy (MWh/a, scale 0.001, no denominator): commune 0001 = (20 + 15 + 30) MWh
    assert table.loc[("final_energy", "commune", "0001")] == pytest.approx(65.0)
    assert table.loc[("final_energy", "region", "region")] == pytest.approx(85.0)


def test_zero_denominator_is_missing_not_infinite() -> None:
    # 2 / 4 x 100 = 50; 1 / 0 -> NaN; 3 with no denominator (NaN) -> 300
    out = kv.kpi_value(np.array([2.0, 1.0, 3.0]), np.array([4.0, 0.0, np.nan]), 100.0)
    assert out[0] == 50.0 and np.isnan(out[1]) and out[2] == 300.0


def test_toy_run_kpis_by_hand(toy_run: Path) -> None:
    results = open_results(toy_run)
    table = current_kpis(results, load_registry(), test_districts={"T": ["9001-Q01"]})
    v = table.set_index(["kpi_id", "level", "area_id"])["value"]
    # every toy building is gas-heated: 100 %
    for area in ("9001", "9002", "9003"):
        assert v.loc[("fossil_heated_share", "commune", area)] == pytest.approx(100.0)
        assert v.loc[("heat_pump_share", "commune", area)] == pytest.approx(0.0)
    # A (100 m2) and C (1,600 m2) partially renovated, B (1,000 m2) not:
    # region 1,700 / 2,700 = 62.96 %; commune B 0 %
    assert v.loc[("renovated_share", "region", "region")] == pytest.approx(100 * 1700 / 2700)
    assert v.loc[("renovated_share", "commune", "9002")] == pytest.approx(0.0)
    # housing energy per m2: (A + C) final energy / (100 + 1,600) m2, from the buildings layer
    b = results.layer("buildings", columns=["use", "final_energy_kwh_a", "heated_area_m2"])
    res = b[b["use"].isin(["single_family", "apartment_block"])]
    assert v.loc[("final_energy_residential", "region", "region")] == pytest.approx(
        res["final_energy_kwh_a"].sum() / 1700.0
    )
    # emissions per resident: the district's ghg / its 100, 200, 300 residents; region / 600
    d = results.layer("districts", columns=["ghg_tco2e_a", "population"])
    assert v.loc[("ghg_per_resident", "region", "region")] == pytest.approx(
        d["ghg_tco2e_a"].sum() / 600.0
    )
    assert v.loc[("ghg_per_resident", "test_district", "T")] == pytest.approx(
        v.loc[("ghg_per_resident", "district", "9001-Q01")]
    )
    # observed-only KPIs have no modelled value
    assert "pv_installed" not in set(table["kpi_id"])


def test_region_is_ratio_of_commune_sums(toy_run: Path) -> None:
    """Conservation: every modelled KPI's region numerator and denominator are the sums of the
    communes' (and of the districts')."""
    table = current_kpis(open_results(toy_run), load_registry())
    for kpi_id, part in table.groupby("kpi_id"):
        region = part[part["level"] == "region"].iloc[0]
        for level in ("commune", "district"):
            rows = part[part["level"] == level]
            assert rows["numerator"].sum() == pytest.approx(region["numerator"], rel=1e-9), kpi_id
            if rows["denominator"].notna().any():
                assert rows["denominator"].sum() == pytest.approx(region["denominator"], rel=1e-9)


def test_user_added_row_is_computed(toy_run: Path, tmp_path: Path) -> None:
    row = (
        "dwellings_per_building,Logements par bâtiment,Dwellings per building,dwellings/building,"
        "higher,buildings,dwellings,dwellings * 0 + 1,1,commune;region,WG II,,,user,yearly,"
    )
    table = current_kpis(open_results(toy_run), load_registry(_registry(tmp_path, row)))
    v = table.set_index(["kpi_id", "level", "area_id"])["value"]
    # A 1 dwelling, B 0, C 20 -> 21 dwellings over 3 buildings = 7
    assert v.loc[("dwellings_per_building", "region", "region")] == pytest.approx(7.0)
    assert v.loc[("dwellings_per_building", "commune", "9003")] == pytest.approx(20.0)


def test_unknown_formula_column_names_kpi_and_column(toy_run: Path, tmp_path: Path) -> None:
    row = "bad_kpi,x,x,t,lower,districts,no_such_column * 2,,1,region,s,,,user,yearly,"
    registry = load_registry(_registry(tmp_path, row))
    with pytest.raises(KpiError) as err:
        current_kpis(open_results(toy_run), registry)
    message = str(err.value)
    assert "bad_kpi" in message and "no_such_column" in message and "districts" in message
    assert str(tmp_path / "kpis.csv") in message


def test_unknown_test_district_refused(toy_run: Path) -> None:
    from minettgeo.errors import NotFoundError

    with pytest.raises(NotFoundError, match="9999-Q01"):
        current_kpis(open_results(toy_run), load_registry(), test_districts={"T": ["9999-Q01"]})
