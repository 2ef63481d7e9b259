"""Budget files, needs vs allocated vs spent, cost per tonne, and the phasing of resources."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from minettgeo.errors import BudgetError
from minettgeo.report.progress.budget import (
    COLUMNS,
    budget_summary,
    compare_budget,
    load_budget,
)
from minettgeo.scenarios.policy import Measure
from minettgeo.scenarios.resources import active_years, phasing_table

ROOT = Path(__file__).resolve().parents[1]
HEADER = ",".join(COLUMNS)
GOOD = "0204,0,2025,1000,800"
MEASURES = pd.DataFrame({"measure": [0, 1], "name": ["Rénovation Esch", "Pompes à chaleur"]})


def write(tmp_path: Path, *lines: str, header: str = HEADER) -> Path:
    path = tmp_path / "budget.csv"
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def test_example_budget_loads() -> None:
    frame = load_budget(ROOT / "examples" / "budget.csv", latest_year=2026)
    assert list(frame.columns) == list(COLUMNS)
    # an empty spent_eur reads as 0
    assert frame["spent_eur"].iloc[-1] == 0.0


def test_measure_by_name_or_index(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD, "0204,Pompes à chaleur,2025,5,0")
    frame = load_budget(path, measures=MEASURES)
    assert frame["measure"].tolist() == ["0", "1"]


@pytest.mark.parametrize(
    ("line", "column", "words"),
    [
        ("204,0,2025,1,0", "commune", "LAU2"),
        ("9999,0,2025,1,0", "commune", "not a commune of the run"),
        ("0204,7,2025,1,0", "measure", "not a measure of the plan"),
        ("0204,0,2025,-5,0", "allocated_eur", "negative"),
        ("0204,0,2025,1,-1", "spent_eur", "negative"),
        ("0204,0,2025,inf,0", "allocated_eur", "finite"),
        ("0204,0,2025,lots,0", "allocated_eur", "finite"),
        ("0204,0,2031,1,5", "spent_eur", "future"),
        ("0204,0,1900,1,0", "year", "1990..2100"),
        ("0204,0,,1,0", "year", "empty"),
        (GOOD, "year", "repeats"),
    ],
)
def test_bad_budget_row(tmp_path: Path, line: str, column: str, words: str) -> None:
    path = write(tmp_path, GOOD, line)
    with pytest.raises(BudgetError) as err:
        load_budget(path, communes=["0204"], measures=MEASURES, latest_year=2026)
    message = str(err.value)
    assert f"{path} line 3, column {column}:" in message and words in message


def test_allocation_for_a_future_year_is_fine(tmp_path: Path) -> None:
    assert len(load_budget(write(tmp_path, "0204,0,2031,100,0"), latest_year=2026)) == 1


def test_header_must_be_exact(tmp_path: Path) -> None:
    with pytest.raises(BudgetError, match="lacks column"):
        load_budget(write(tmp_path, header="commune,measure,year,allocated_eur"))


def _needs() -> pd.DataFrame:
    # measure 0 in commune 0204: 300 EUR in 2025 and 2026, abating 0 then 2 then 4 t/a;
    # measure 1 is an option (not in the plan): left out
    return pd.DataFrame(
        {
            "measure": [0, 0, 0, 1],
            "name": ["Rénovation Esch"] * 3 + ["option"],
            "type": ["deep_renovation"] * 3 + ["heating_switch"],
            "in_plan": [True, True, True, False],
            "lau2": ["0204"] * 4,
            "year": [2024, 2025, 2026, 2025],
            "cost_eur": [0.0, 300.0, 300.0, 50.0],
            "person_days": [0.0, 1.0, 1.0, 0.0],
            "area_ha": [0.0, 0.0, 0.0, 0.0],
            "abatement_tco2e_a": [0.0, 2.0, 4.0, 1.0],
        }
    )


def test_needed_allocated_spent_and_cost_per_tonne_by_hand() -> None:
    budget = pd.DataFrame(
        {
            "commune": ["0204"],
            "measure": ["0"],
            "year": [2025],
            "allocated_eur": [250.0],
            "spent_eur": [200.0],
        }
    )
    compared = compare_budget(_needs(), budget)
    assert set(compared["measure"]) == {"0"}
    row = compared[compared["year"] == 2025].iloc[0]
    assert (row["needed_eur"], row["allocated_eur"], row["spent_eur"]) == (300.0, 250.0, 200.0)
    summary = budget_summary(compared, inventory_year=2024).iloc[0]
    # needed 600 EUR; abated after 2024: 2 + 4 = 6 t; 600 / 6 = 100 EUR/t
    assert summary["needed_eur"] == 600.0 and summary["allocated_eur"] == 250.0
    assert summary["cumulative_abatement_tco2e"] == 6.0
    assert summary["eur_per_tco2e"] == pytest.approx(100.0)


def _measure(type_: str, **params: object) -> Measure:
    return Measure(type=type_, name="m", target={}, params=params, line=1, index=0)


def test_phasing_of_resources() -> None:
    rules = dict(zip(phasing_table()["type"], phasing_table()["phasing"], strict=True))
    # deep renovation at 3 %/a from 2026: ceil(1 / 0.03) = 34 years, capped at 2050
    assert active_years(
        _measure("deep_renovation", rate_per_year=0.03, start=2026), "rate"
    ) == range(2026, 2051)
    # at 25 %/a: 4 years, 2026-2029
    assert list(
        active_years(_measure("deep_renovation", rate_per_year=0.25, start=2026), "rate")
    ) == [2026, 2027, 2028, 2029]
    # a ramp from 2026 to 2035: 10 years; a one-off: its start year
    assert (
        len(active_years(_measure("heating_switch", start=2026, end=2035), rules["heating_switch"]))
        == 10
    )
    assert list(active_years(_measure("afforestation", start=2027), rules["afforestation"])) == [
        2027
    ]
