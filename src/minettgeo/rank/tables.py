"""The criteria table and the weight presets (``rank/data``), read through the checked CSV reader.

``criteria.csv``: criterion, unit, direction (benefit | cost), structural (used for the
evaluability similarity), meaning_en, meaning_fr, source. ``presets.csv``: preset, criterion,
value (weight), unit, source; ``preset_rationale.csv``: preset, lead, rationale_en, rationale_fr.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd

from minettgeo.errors import FactorError, ParameterError
from minettgeo.factors.table_files import read_table_csv

DATA = resources.files("minettgeo.rank") / "data"
DIRECTIONS = ("benefit", "cost")


def _read(name: str, needed: tuple[str, ...]) -> pd.DataFrame:
    with resources.as_file(DATA / name) as path:
        frame = read_table_csv(path, f"minettgeo ({name})")
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise FactorError(f"minettgeo ({name}) lacks column(s) {', '.join(missing)}")
    return frame


@cache
def criteria_table() -> pd.DataFrame:
    """One row per criterion (index: criterion)."""
    frame = _read(
        "criteria.csv",
        ("criterion", "unit", "direction", "structural", "meaning_en", "meaning_fr", "source"),
    )
    bad = frame.loc[~frame["direction"].isin(DIRECTIONS), "criterion"].tolist()
    if bad:
        raise FactorError(f"criteria.csv: direction must be benefit or cost for {bad}")
    frame["structural"] = frame["structural"].astype(str).str.lower() == "true"
    return frame.set_index("criterion")


@cache
def preset_table() -> pd.DataFrame:
    """preset, criterion, value (weight), unit, source; weights of a preset sum to 1."""
    frame = _read("presets.csv", ("preset", "criterion", "value", "unit", "source"))
    unknown = sorted(set(frame["criterion"]) - set(criteria_table().index))
    values = pd.to_numeric(frame["value"], errors="coerce")
    sums = values.groupby(frame["preset"]).sum()
    if unknown or values.isna().any() or (values < 0).any() or not np.allclose(sums, 1.0):
        raise FactorError(
            "presets.csv: every weight must be a non-negative number of a known criterion and "
            f"each preset's weights must sum to 1 (unknown: {unknown}; sums: {sums.to_dict()})"
        )
    frame["value"] = values
    return frame


@cache
def preset_rationale() -> pd.DataFrame:
    return _read(
        "preset_rationale.csv", ("preset", "lead", "rationale_en", "rationale_fr")
    ).set_index("preset")


def presets() -> list[str]:
    return list(dict.fromkeys(preset_table()["preset"]))


def preset_weights(name: str) -> dict[str, float]:
    """The weights of a preset; ParameterError naming --preset when unknown."""
    table = preset_table()
    rows = table[table["preset"] == name]
    if rows.empty:
        raise ParameterError(
            f"--preset: unknown preset '{name}'; choose one of {', '.join(presets())}"
        )
    return dict(zip(rows["criterion"], rows["value"].astype(float), strict=True))


def parse_weights(text: str) -> dict[str, float]:
    """``name=value,name=value`` -> weights (checked by :func:`check_weights`)."""
    out: dict[str, float] = {}
    for item in [t.strip() for t in text.split(",") if t.strip()]:
        name, sep, value = item.partition("=")
        try:
            number = float(value)
        except ValueError:
            number = float("nan")
        if not sep or not name.strip() or not np.isfinite(number):
            raise ParameterError(
                f"--weights: '{item}' is not name=number (e.g. --weights residents=2,parcels=1)"
            )
        out[name.strip()] = number
    return out


def check_weights(weights: Mapping[str, float], available: list[str]) -> dict[str, float]:
    """Weights normalised to sum 1; ParameterError naming --weights for an unknown criterion, a
    negative weight or all-zero weights."""
    if not weights:
        raise ParameterError("--weights: no weight given; pass name=value pairs or --preset")
    unknown = [k for k in weights if k not in available]
    if unknown:
        raise ParameterError(
            f"--weights: unknown criterion {', '.join(unknown)}; criteria are "
            f"{', '.join(available)} (or any numeric column of the candidates)"
        )
    negative = [f"{k}={v:g}" for k, v in weights.items() if not v >= 0]
    if negative:
        raise ParameterError(f"--weights: weights must be >= 0, got {', '.join(negative)}")
    total = float(sum(weights.values()))
    if not total > 0:
        raise ParameterError("--weights: all weights are zero; give at least one positive weight")
    return {k: float(v) / total for k, v in weights.items() if v > 0}
