"""Reading a factor table from its CSV file (shipped or the user's) and checking its shape:
columns, numbers, ``low <= value <= high``, plausible values, distinct keys."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from minettgeo.errors import FactorError
from minettgeo.factors.plausibility import check_factor_values
from minettgeo.factors.table_keys import (
    COMMON_COLUMNS,
    CSV_DTYPES,
    TABLE_EXTRA,
    TABLE_KEYS,
    key_strings,
)
from minettgeo.user_tables import unreadable_reason

DATA = resources.files("minettgeo.factors") / "data"


def read_table_csv(path: Path, origin: str) -> pd.DataFrame:
    """A factor table from a CSV file; FactorError naming the file when it is empty, binary or
    not CSV."""
    try:
        return pd.read_csv(path, dtype=dict(CSV_DTYPES))
    except (OSError, UnicodeDecodeError, ValueError, pd.errors.ParserError) as exc:
        reason = unreadable_reason(exc)
        raise FactorError(
            f"{origin}: not a readable CSV factor table ({reason}); it must be UTF-8 text with a "
            "header line, like the shipped table of the same name"
        ) from exc


def check_table(name: str, df: pd.DataFrame, origin: str) -> pd.DataFrame:
    """``df`` checked as factor table ``name`` (FactorError naming ``origin`` and the lines at
    fault), with numeric value/low/high and stripped key columns."""
    needed = (*TABLE_KEYS[name], *COMMON_COLUMNS, *TABLE_EXTRA.get(name, ()))
    missing = [c for c in needed if c not in df.columns]
    if missing:
        raise FactorError(
            f"factor table '{name}' from {origin} lacks column(s) {', '.join(missing)}; "
            f"a table needs {', '.join(needed)}"
        )
    numeric = df[["value", "low", "high"]].apply(pd.to_numeric, errors="coerce")
    bad = numeric.isna().any(axis=1)
    if bad.any():
        rows = ", ".join(str(i + 2) for i in np.flatnonzero(bad.to_numpy())[:5])
        raise FactorError(
            f"factor table '{name}' from {origin}: value/low/high not numbers on line(s) {rows}"
        )
    check_factor_values(name, df, origin)
    order = (numeric["low"] <= numeric["value"]) & (numeric["value"] <= numeric["high"])
    if not order.all():
        rows = ", ".join(str(i + 2) for i in np.flatnonzero(~order.to_numpy())[:5])
        raise FactorError(
            f"factor table '{name}' from {origin}: low <= value <= high broken on line(s) {rows}"
        )
    out = df.copy()
    out[["value", "low", "high"]] = numeric
    for k in TABLE_KEYS[name]:
        out[k] = out[k].astype(str).str.strip()
    dup = out.duplicated(list(TABLE_KEYS[name]), keep=False)
    if dup.any():
        keys = ", ".join(sorted(set(key_strings(out[dup], TABLE_KEYS[name]))))
        raise FactorError(f"factor table '{name}' from {origin}: duplicate keys {keys}")
    return out


def read_shipped(name: str) -> pd.DataFrame:
    """The shipped table ``name`` (``minettgeo/factors/data/<name>.csv``), checked."""
    with resources.as_file(DATA / f"{name}.csv") as path:
        origin = f"minettgeo ({path.name})"
        return check_table(name, read_table_csv(path, origin), origin)
