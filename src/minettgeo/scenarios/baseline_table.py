"""A user's 2005 baseline table: CSV ``lau2, code, co2e_t, source`` and optionally ``low, high``
(t CO2e/a), one row per commune and GPC row or sector, checked row by row (:class:`PolicyError`
naming the file, line and column of every problem)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd

from minettgeo.errors import PolicyError
from minettgeo.report.gpc import gpc_rows
from minettgeo.scenarios.baseline import SECTORS, Baseline, range_problems


def read_baseline_table(path: Path, communes: list[str]) -> Baseline:
    """A user's 2005 totals: CSV with columns lau2, code (a GPC row such as I.1.1 or a sector
    I-V), co2e_t (t CO2e/a; negative only in V) and source; every commune of ``communes`` once
    per code at most. PolicyError naming the file, line and column otherwise."""
    path = Path(path)
    if not path.is_file():
        raise PolicyError(f"{path}: no such 2005 baseline table")
    try:
        table = pd.read_csv(path, dtype={"lau2": str, "code": str, "source": str})
    except (UnicodeDecodeError, ValueError, pd.errors.ParserError) as exc:
        raise PolicyError(
            f"{path}: not a readable CSV baseline table ({str(exc).splitlines()[0]}); "
            "see examples/baseline_2005.csv"
        ) from exc
    need = ["lau2", "code", "co2e_t", "source"]
    missing = [c for c in need if c not in table.columns]
    if missing:
        raise PolicyError(
            f"{path}: missing column(s) {', '.join(missing)}; a 2005 baseline table has columns "
            f"{', '.join(need)} (see examples/baseline_2005.csv)"
        )
    known_codes = set(gpc_rows()["code"]) | set(SECTORS)
    values = pd.to_numeric(table["co2e_t"], errors="coerce")
    problems: list[str] = []
    for i in range(len(table)):
        line = i + 2
        code = str(table["code"].iloc[i])
        lau2 = str(table["lau2"].iloc[i])
        v = values.iloc[i]
        if lau2 not in communes:
            problems.append(f"line {line}, lau2: {lau2!r} is not a commune of the inventory")
        if code not in known_codes:
            problems.append(f"line {line}, code: {code!r} is neither a GPC row nor a sector I-V")
        if not np.isfinite(v):
            problems.append(f"line {line}, co2e_t: {table['co2e_t'].iloc[i]!r} is not a number")
        elif v < 0 and not code.startswith("V"):
            problems.append(f"line {line}, co2e_t: {v:g} is negative outside sector V (land)")
        if not str(table["source"].iloc[i]).strip() or pd.isna(table["source"].iloc[i]):
            problems.append(f"line {line}, source: empty; say where the figure comes from")
        if len(problems) >= 20:
            break
    dup = table.duplicated(["lau2", "code"], keep="first")
    for i in np.flatnonzero(dup.to_numpy())[:5]:
        problems.append(f"line {i + 2}: {table['lau2'].iloc[i]} / {table['code'].iloc[i]} twice")
    sectors_given = table["code"].astype(str).str.split(".").str[0]
    is_total = table["code"].astype(str).isin(SECTORS).to_numpy()
    key = (table["lau2"].astype(str) + " " + sectors_given).to_numpy(dtype=object)
    for both in sorted(set(key[is_total].tolist()) & set(key[~is_total].tolist())):
        lau2, sector = str(both).split(" ")
        problems.append(f"commune {lau2}: sector {sector} given both as a total and by rows")
    absent = sorted(set(communes) - set(table["lau2"].astype(str)))
    if absent:
        problems.append(f"no row for commune(s) {', '.join(absent)}")
    ranged = [c for c in ("low", "high") if c in table.columns]
    if len(ranged) == 1:
        problems.append(
            f"column {ranged[0]} without {({'low', 'high'} - set(ranged)).pop()}: "
            "give both low and high (t CO2e/a), or neither (the table is then exact)"
        )
    elif ranged:
        num = pd.DataFrame(
            {
                "co2e_t": values,
                "low": pd.to_numeric(table["low"], errors="coerce"),
                "high": pd.to_numeric(table["high"], errors="coerce"),
            }
        )
        problems += [p for p in range_problems(num, "co2e_t") if ", co2e_t:" not in p]
    if problems:
        raise PolicyError(
            f"{path}: {len(problems)} problem(s) in the 2005 baseline table\n"
            + "\n".join(f"  - {p}" for p in problems)
        )
    rows = pd.DataFrame(
        {
            "lau2": table["lau2"].astype(str).to_numpy(),
            "code": table["code"].astype(str).to_numpy(),
            "co2e_t": values.to_numpy(dtype=float),
        }
    )
    if len(ranged) == 2:
        rows["low"] = pd.to_numeric(table["low"]).to_numpy(dtype=float)
        rows["high"] = pd.to_numeric(table["high"]).to_numpy(dtype=float)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return Baseline(rows=rows, method="user table", origin=f"{path} (sha256 {digest[:12]})")
