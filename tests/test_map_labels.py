"""The maps' labels table (``maps/data/labels.csv``): every key in French and English, and every
label key the maps code names is in the table."""

from __future__ import annotations

import ast
import csv
import io
import re
import tomllib
from importlib import resources
from pathlib import Path

import pytest

from minettgeo.errors import InternalError
from minettgeo.label_table import labels_from_rows
from minettgeo.maps.i18n import LABELS, LABELS_FILE, t
from minettgeo.maps.pages import MAPS
from minettgeo.maps.tiles import RASTERS

ROOT = Path(__file__).resolve().parents[1]
#: the code that shows map labels: the maps package and the API's maps router
LABEL_CODE = [
    *sorted((ROOT / "src" / "minettgeo" / "maps").glob("*.py")),
    ROOT / "api" / "routers" / "maps.py",
]
#: what a label key looks like: a group, a dot and a name (``legend.no_data``)
KEY = re.compile(r"(map|maps|status|layer|unit|field|legend)\.[a-z0-9_]+")


def label_keys_in(path: Path) -> set[str]:
    """Every string constant of ``path`` that has the form of a label key (the direct calls
    ``t("layer.roads", lang)`` and the keys held in tables such as MAPS and RASTERS)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and KEY.fullmatch(node.value)
    }


def test_every_label_has_both_languages() -> None:
    source = resources.files("minettgeo.maps").joinpath(*LABELS_FILE.split("/"))
    reader = csv.DictReader(io.StringIO(source.read_text(encoding="utf-8")))
    assert reader.fieldnames == ["key", "fr", "en"]
    rows = list(reader)
    keys = [r["key"] for r in rows]
    assert len(keys) == len(set(keys)) == len(LABELS) > 50
    for row in rows:
        assert row["fr"].strip() and row["en"].strip(), row["key"]
        assert KEY.fullmatch(row["key"]), row["key"]


def test_every_label_key_used_in_the_maps_code_is_in_the_table() -> None:
    used = set().union(*(label_keys_in(path) for path in LABEL_CODE))
    # the call sites do name keys (the scan finds them): a title, a unit, a legend note
    assert {"map.emissions", "unit.tco2e_a", "legend.no_data"} <= used
    assert sorted(used - set(LABELS)) == []
    # keys reached through tables rather than literal calls
    assert set(MAPS.values()) <= set(LABELS)
    for name, spec in RASTERS.items():
        # the land cover has classes, not a unit (no unit key)
        assert {spec.title_key, spec.unit_key} - {""} <= set(LABELS), name


def test_labels_read_back_exactly() -> None:
    assert t("map.emissions", "fr") == "Émissions des quartiers"
    assert t("map.emissions", "en") == "District emissions"
    # a placeholder and a comma survive the CSV
    assert t("legend.dh_threshold", "en", cell=100, area=2) == (
        "thresholds: 100 MWh/(ha a) per cell, 2 GWh/a per area"
    )
    assert t("maps.index_intro", "fr", run_id="R1") == (
        "Cartes des résultats du calcul R1. Toutes les ressources sont servies localement."
    )
    assert t("unit.tco2e_cap_a", "fr") == "t CO₂e/(hab. an)"


def test_a_broken_row_is_refused_naming_it() -> None:
    with pytest.raises(InternalError, match=re.escape("row 2 gives label 'map.x' no text in fr")):
        labels_from_rows([{"key": "map.x", "fr": " ", "en": "X"}], "labels.csv")


def test_the_table_is_package_data() -> None:
    """pyproject's package-data for ``minettgeo`` takes the labels table into the wheel."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["minettgeo"]
    package = ROOT / "src" / "minettgeo"
    table = package / "maps" / LABELS_FILE
    assert table.is_file()
    assert any(table in package.glob(pattern) for pattern in patterns), patterns
