"""Whether a factor is plausible: one validation of value, low and high for every factor,
whichever way it arrives, against the plausible range of its table and unit (plausible.csv)."""

from __future__ import annotations

from importlib import resources

import numpy as np
import pandas as pd

from minettgeo.errors import FactorError
from minettgeo.factors.table_keys import TABLE_KEYS, key_strings

#: plausible range of every factor by table and unit (``*`` matches any); see docs/errors.md
PLAUSIBLE = resources.files("minettgeo.factors") / "plausible.csv"


def plausible_ranges() -> pd.DataFrame:
    """The table of plausible ranges: table, unit (``*`` for any), minimum, maximum, note."""
    with resources.as_file(PLAUSIBLE) as path:
        return pd.read_csv(path, dtype={"table": str, "unit": str}, keep_default_na=False).replace(
            {"minimum": {"": np.nan}, "maximum": {"": np.nan}}
        )


def plausible_bounds(table: str, units: pd.Series) -> pd.DataFrame:
    """For each row's unit, the plausible ``minimum``, ``maximum`` and ``note``: the first match
    of (table, unit), (table, ``*``), (``*``, unit), (``*``, ``*``)."""
    ranges = plausible_ranges()
    ranges[["minimum", "maximum"]] = ranges[["minimum", "maximum"]].apply(
        pd.to_numeric, errors="coerce"
    )
    keyed = ranges.set_index(["table", "unit"])
    out = pd.DataFrame(index=units.index, columns=["minimum", "maximum", "note"], dtype=object)
    for key_table, key_unit in ((table, None), (table, "*"), ("*", None), ("*", "*")):
        todo = out["note"].isna().to_numpy()
        if not todo.any():
            break
        keys = pd.MultiIndex.from_arrays(
            [
                np.full(todo.sum(), key_table, dtype=object),
                units[todo].astype(str).str.strip().to_numpy(dtype=object)
                if key_unit is None
                else np.full(todo.sum(), key_unit, dtype=object),
            ]
        )
        found = keyed.reindex(keys)
        hit = found["note"].notna().to_numpy()
        rows = out.index[todo][hit]
        out.loc[rows, ["minimum", "maximum", "note"]] = found.loc[
            hit, ["minimum", "maximum", "note"]
        ].to_numpy()
    return out


def check_factor_values(name: str, df: pd.DataFrame, origin: str) -> None:
    """One validation for every factor, whichever way it arrives (shipped table, override file,
    ``--electricity-factor``, the API): value, low and high finite and inside the plausible range
    of the table and unit (:data:`PLAUSIBLE`). FactorError naming the table, origin, line or key,
    the value and the range."""
    numeric = df[["value", "low", "high"]].apply(pd.to_numeric, errors="coerce")
    vals = numeric.to_numpy(dtype=float)
    bounds = plausible_bounds(
        name, df["unit"] if "unit" in df.columns else pd.Series("", index=df.index)
    )
    low = pd.to_numeric(bounds["minimum"], errors="coerce").to_numpy(dtype=float)[:, None]
    high = pd.to_numeric(bounds["maximum"], errors="coerce").to_numpy(dtype=float)[:, None]
    finite = np.isfinite(vals)
    outside = finite & (((vals < low) & ~np.isnan(low)) | ((vals > high) & ~np.isnan(high)))
    bad = ~finite | outside
    if not bad.any():
        return
    lines = []
    keys = key_strings(df, TABLE_KEYS[name])
    for r in np.flatnonzero(bad.any(axis=1))[:5]:
        where = f"line {df.index[r] + 2}" if origin_is_file(origin) else "row"
        unit = str(df["unit"].iloc[r]) if "unit" in df.columns else ""
        given = ", ".join(
            f"{col} {vals[r, c]:g}" for c, col in enumerate(("value", "low", "high")) if bad[r, c]
        )
        if not finite[r].all():
            what = f"{given}: not finite numbers"
        else:
            negative = (vals[r] < 0).any() and not low[r, 0] < 0
            what = (
                f"{given} {unit} outside the plausible range {_fmt(low[r, 0])} - "
                f"{_fmt(high[r, 0])} {unit}{' (factors are non-negative)' if negative else ''}: "
                f"{bounds['note'].iloc[r]}"
            )
        lines.append(f"{where} ({str(keys[r]).replace('|', ' / ')}): {what}")
    raise FactorError(
        f"factor table '{name}' from {origin}: {'; '.join(lines)}; correct the value (or its "
        "unit), or widen the range in factors/plausible.csv with a source"
    )


def origin_is_file(origin: str) -> bool:
    """Line numbers are meaningful for factors read from a CSV file, not for a parameter."""
    return not origin.startswith("parameter")


def _fmt(x: float) -> str:
    return "" if np.isnan(x) else f"{x:g}"
