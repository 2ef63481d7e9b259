"""Observed values: what was measured over the years (meter readings, counts of renovations,
installed kWp, trees planted), one CSV row per KPI, area and year.

Format (``docs/observed.md``; example ``examples/observed_values.csv``)::

    kpi_id,level,area_id,year,value,unit,source,note
    pv_installed,commune,0204,2024,3150,kWp,Creos register 31.12.2024,

- ``kpi_id``: an id of the KPI registry (``minettgeo kpis`` lists them);
- ``level``: commune | district | test_district | region, one of the KPI's levels;
- ``area_id``: a LAU2 code (commune), a district_id, a test-district id, or ``region``;
- ``year``: an integer from 1990 to 2100 (and not after ``latest_year`` when one is given);
- ``value``: a finite number, in exactly the KPI's ``unit`` (the unit column repeats it, so a
  value in MWh is never read as kWh);
- ``source`` (who measured it; required) and ``note`` (free text, may be empty).

One value per (kpi_id, level, area_id, year). Every problem is an ObservedValuesError naming the
file, the line and the column; nothing is read partially.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from minettgeo.errors import ObservedValuesError
from minettgeo.kpi.registry import LEVELS, Registry, load_registry
from minettgeo.layers.codes import LAU2_DIGITS
from minettgeo.user_tables import read_exact_csv

COLUMNS = ("kpi_id", "level", "area_id", "year", "value", "unit", "source", "note")
FIRST_YEAR, LAST_YEAR = 1990, 2100
KEY = ["kpi_id", "level", "area_id", "year"]


def load_observed(
    path: Path, *, registry: Registry | None = None, latest_year: int | None = None
) -> pd.DataFrame:
    """The observed values of ``path`` (columns :data:`COLUMNS`; ``year`` int, ``value``
    float), checked against ``registry`` (default: the shipped one); ``latest_year`` refuses
    later years (a measured value cannot lie in the future). ObservedValuesError naming the
    file, line and column of the first bad row otherwise."""
    path = Path(path)
    registry = registry if registry is not None else load_registry()
    frame = _read(path)
    for col in COLUMNS:
        frame[col] = frame[col].str.strip()
    line = pd.Series(np.arange(len(frame)) + 2, index=frame.index)

    def fail(mask: pd.Series, column: str, what: str) -> None:
        if mask.any():
            first = int(np.flatnonzero(mask.to_numpy())[0])
            value = frame[column].iloc[first]
            n = int(mask.sum())
            more = f" ({n - 1} more line(s) like it)" if n > 1 else ""
            raise ObservedValuesError(
                f"{path} line {line.iloc[first]}, column {column}: {value!r} {what}{more}; "
                "nothing was read (format: docs/observed.md)"
            )

    for col in ("kpi_id", "level", "area_id", "year", "value", "unit", "source"):
        fail(frame[col] == "", col, "is empty; every row needs a value here")
    known = frame["kpi_id"].isin(list(registry.kpis))
    fail(~known, "kpi_id", f"is not a KPI of the registry {registry.origin}")
    fail(~frame["level"].isin(LEVELS), "level", f"is not one of {', '.join(LEVELS)}")
    levels = frame["kpi_id"].map({k.id: k.levels for k in registry})
    wrong_level = pd.Series(
        [lv not in ok for lv, ok in zip(frame["level"], levels, strict=True)], index=frame.index
    )
    fail(wrong_level, "level", "is not a level of this KPI (see its levels in the registry)")
    units = frame["kpi_id"].map({k.id: k.unit for k in registry})
    bad_unit = frame["unit"] != units
    if bad_unit.any():
        first = int(np.flatnonzero(bad_unit.to_numpy())[0])
        fail(
            bad_unit,
            "unit",
            f"is not the unit of KPI {frame['kpi_id'].iloc[first]!r}, which "
            f"is {units.iloc[first]!r}: convert the value to that unit",
        )
    commune = frame["level"] == "commune"
    fail(
        commune & ~frame["area_id"].str.fullmatch(rf"\d{{{LAU2_DIGITS}}}"),
        "area_id",
        f"is not a LAU2 code ({LAU2_DIGITS} digits, e.g. 0204) for a commune",
    )
    fail(
        (frame["level"] == "region") & (frame["area_id"] != "region"),
        "area_id",
        "must be 'region' on a region row",
    )
    year = pd.to_numeric(frame["year"], errors="coerce")
    fail(year.isna() | (year != np.floor(year)), "year", "is not a whole year (e.g. 2024)")
    fail((year < FIRST_YEAR) | (year > LAST_YEAR), "year", f"is not in {FIRST_YEAR}..{LAST_YEAR}")
    if latest_year is not None:
        fail(year > latest_year, "year", f"is in the future (after {latest_year})")
    value = pd.to_numeric(frame["value"], errors="coerce")
    fail(
        ~pd.Series(np.isfinite(value.to_numpy(dtype=float)), index=frame.index),
        "value",
        "is not a finite number",
    )
    out = frame.assign(year=year.astype(int), value=value.astype(float))
    dup = out.duplicated(KEY, keep="first")
    fail(dup, "year", "repeats a (kpi_id, level, area_id, year) given on an earlier line")
    return out.reset_index(drop=True)[list(COLUMNS)]


def _read(path: Path) -> pd.DataFrame:
    frame = read_exact_csv(
        path, COLUMNS, ObservedValuesError, "observed-values", "docs/observed.md"
    )
    return frame
