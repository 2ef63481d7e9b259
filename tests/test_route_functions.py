"""What the routes used to compute themselves, now pure functions of minettgeo: the KPI rows of a
level (``GET /api/kpis``) and the inventory of one commune (``GET /api/inventory``)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from minettgeo.errors import NotFoundError, ParameterError
from minettgeo.kpi.compute import kpi_document, kpis_at_level
from minettgeo.results.inventory import inventory_of, inventory_records, plain_records

KPIS = pd.DataFrame(
    {
        "kpi_id": ["a", "a", "a", "b"],
        "level": ["commune", "district", "region", "region"],
        "area_id": ["0201", "0201-Q01", "region", "region"],
        "value": [1.5, float("nan"), 3.0, 4.0],
    }
)


def test_kpis_at_a_level() -> None:
    region = kpis_at_level(KPIS, "region")
    assert list(region["kpi_id"]) == ["a", "b"] and list(region["value"]) == [3.0, 4.0]
    assert kpis_at_level(KPIS, None) is KPIS
    assert kpis_at_level(KPIS, "test_district").empty
    with pytest.raises(ParameterError, match=r"'planet'.*commune, district"):
        kpis_at_level(KPIS, "planet")


def test_kpi_document_is_plain_and_keeps_the_order() -> None:
    doc = kpi_document("R1", KPIS, "district")
    assert doc == {
        "run_id": "R1",
        "rows": [{"kpi_id": "a", "level": "district", "area_id": "0201-Q01", "value": None}],
    }
    assert [r["area_id"] for r in kpi_document("R1", KPIS)["rows"]] == [
        "0201",
        "0201-Q01",
        "region",
        "region",
    ]
    assert kpi_document("R1", pd.DataFrame()) == {"run_id": "R1", "rows": []}


TABLE = pd.DataFrame(
    {
        "lau2": ["0201", "0202", "region"],
        "code": ["I.1.1", "I.1.1", "I.1.1"],
        "scope": [1, 1, 1],
        "co2e_t": [10.0, float("nan"), 10.0],
        "notation_key": ["", "NE", ""],
    }
)
TOTALS = pd.DataFrame({"lau2": ["0201", "0202", "region"], "basic_tco2e": [10.0, math.inf, 10.0]})


def test_inventory_of_one_commune() -> None:
    table, totals = inventory_of(TABLE, TOTALS, "0202", "R1")
    assert list(table["lau2"]) == ["0202"] and list(totals["lau2"]) == ["0202"]
    every = inventory_of(TABLE, TOTALS, None, "R1")
    assert every[0] is TABLE and every[1] is TOTALS
    with pytest.raises(NotFoundError, match=r"'0999'.*run R1.*0201, 0202, region"):
        inventory_of(TABLE, TOTALS, "0999", "R1")


def test_inventory_records_are_plain() -> None:
    rows = inventory_records(TABLE)
    assert rows[0] == {
        "lau2": "0201",
        "code": "I.1.1",
        "scope": "1",
        "co2e_t": 10.0,
        "notation_key": None,
    }
    assert rows[1]["co2e_t"] is None and rows[1]["notation_key"] == "NE"
    # pandas writes an infinity as null in JSON: None either way
    assert [r["basic_tco2e"] for r in plain_records(TOTALS)] == [10.0, None, 10.0]
