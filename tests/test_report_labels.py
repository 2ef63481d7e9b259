"""The report's labels table (``report/progress/labels.csv``): every key in French and English,
read as the dict the report used to hold in code."""

from __future__ import annotations

import csv
import io
from importlib import resources

import pytest

from minettgeo.errors import InternalError
from minettgeo.report.progress.i18n import LABELS, LABELS_FILE, labels_from_rows, read_labels, t


def test_every_label_has_both_languages() -> None:
    source = resources.files("minettgeo.report.progress") / LABELS_FILE
    reader = csv.DictReader(io.StringIO(source.read_text(encoding="utf-8")))
    assert reader.fieldnames == ["key", "fr", "en"]
    rows = list(reader)
    keys = [r["key"] for r in rows]
    assert len(keys) == len(set(keys)) == len(LABELS) > 60
    for row in rows:
        assert row["fr"].strip() and row["en"].strip(), row["key"]
    assert read_labels() is read_labels()  # read once


def test_labels_read_back_exactly() -> None:
    assert t("title", "fr") == "Rapport d'avancement climat du Minett"
    assert t("title", "en") == "Minett climate progress report"
    # a trailing space and a comma survive the CSV
    assert t("tables", "fr") == "Tableaux CSV de ce rapport (avec datapackage.json) : "
    assert "↓ lower is better, ↑ higher is better;" in t("arrows", "en")


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([{"key": "a", "fr": "x", "en": ""}], "row 2 gives label 'a' no text in en"),
        ([{"key": "a", "fr": "x", "en": "y"}, {"key": "a", "fr": "x", "en": "y"}], "row 3 repeats"),
        ([{"key": " ", "fr": "x", "en": "y"}], "row 2 has no key"),
    ],
)
def test_a_broken_table_is_refused_naming_the_row(rows: list[dict[str, str]], message: str) -> None:
    with pytest.raises(InternalError, match=message):
        labels_from_rows(rows, "labels.csv")
