"""The monitoring tables (``monitor/data``), read through the checked CSV reader.

``matching_variables.csv``: variable, unit, default (matched on unless ``--variables`` is
given), label_en, label_fr, formula, source. ``rules.csv``: rule, value, unit, meaning_en,
meaning_fr, source (number of controls, neighbour distance, the too-few-data rule, the
interval level, the balance threshold).
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import pandas as pd

from minettgeo.errors import FactorError
from minettgeo.factors.table_files import read_table_csv

DATA = resources.files("minettgeo.monitor") / "data"
RULES = (
    "default_controls",
    "neighbour_buffer_m",
    "min_residents",
    "min_pre_years",
    "min_post_years",
    "min_controls",
    "interval_level",
    "max_standardised_difference",
)


def _read(name: str, needed: tuple[str, ...]) -> pd.DataFrame:
    with resources.as_file(DATA / name) as path:
        frame = read_table_csv(path, f"minettgeo ({name})")
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise FactorError(f"minettgeo ({name}) lacks column(s) {', '.join(missing)}")
    return frame


@cache
def matching_variables() -> pd.DataFrame:
    """One row per variable controls can be matched on (index: variable)."""
    frame = _read(
        "matching_variables.csv",
        ("variable", "unit", "default", "label_en", "label_fr", "formula", "source"),
    )
    frame["default"] = frame["default"].astype(str).str.lower() == "true"
    return frame.set_index("variable")


@cache
def rules() -> dict[str, float]:
    """rule -> value (``rules.csv``)."""
    frame = _read("rules.csv", ("rule", "value", "unit", "meaning_en", "meaning_fr", "source"))
    values = pd.to_numeric(frame["value"], errors="coerce")
    table = dict(zip(frame["rule"], values, strict=True))
    bad = [r for r in RULES if r not in table or not pd.notna(table[r]) or table[r] < 0]
    if bad:
        raise FactorError(f"minettgeo (rules.csv): missing or invalid rule(s) {', '.join(bad)}")
    return {r: float(table[r]) for r in RULES}
