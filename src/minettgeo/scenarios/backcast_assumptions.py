"""The back-cast's assumptions (``data/backcast_2005.csv`` or a user copy: variable, key, unit,
value, low, high, source), checked, and what they set directly: the 2005 factor set and the 2005
residents.

    F_2005      the factor set with the 2005 electricity and district-heat factors (grid_2005)
                and the per-km vehicle factors x fleet_2005
    population  P_2005(c) = P_2015(c) x P_region(2011) / P_region(2015) x P_LU(2005) / P_LU(2011)
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from minettgeo.errors import PolicyError
from minettgeo.factors.table_files import read_table_csv
from minettgeo.factors.tables import FactorError, FactorSet

DATA = resources.files("minettgeo.scenarios") / "data"


def range_problems(num: pd.DataFrame, central: str) -> list[str]:
    """'line N, column: why' for every row of ``num`` (columns ``central``, low, high; file line
    = row + 2) whose numbers are missing or not finite, or not low <= central <= high."""
    out: list[str] = []
    values = num[[central, "low", "high"]].to_numpy(dtype=float)
    for col, name in enumerate((central, "low", "high")):
        for i in np.flatnonzero(~np.isfinite(values[:, col])):
            out.append(f"line {i + 2}, {name}: not a finite number")
    ok = np.isfinite(values).all(axis=1)
    for i in np.flatnonzero(ok & (values[:, 1] > values[:, 0])):
        out.append(f"line {i + 2}, low: {values[i, 1]:g} is above {central} {values[i, 0]:g}")
    for i in np.flatnonzero(ok & (values[:, 2] < values[:, 0])):
        out.append(f"line {i + 2}, high: {values[i, 2]:g} is below {central} {values[i, 0]:g}")
    return sorted(out, key=lambda m: int(m.split(",")[0].split()[1]))


def load_assumptions(path: Path | None = None) -> pd.DataFrame:
    """The back-cast assumptions (shipped ``backcast_2005.csv`` or a user copy), checked: the
    columns, numbers with low <= value <= high, a source on every row, shares summing to 1."""
    if path is None:
        with resources.as_file(DATA / "backcast_2005.csv") as p:
            table = read_table_csv(p, "minettgeo (backcast_2005.csv)")
        origin = "minettgeo (backcast_2005.csv)"
    else:
        origin = str(path)
        try:
            table = read_table_csv(Path(path), origin)
        except FactorError as exc:
            raise PolicyError(str(exc)) from exc
    need = ["variable", "key", "unit", "value", "low", "high", "source"]
    missing = [c for c in need if c not in table.columns]
    if missing:
        raise PolicyError(f"{origin}: missing column(s) {', '.join(missing)}")
    num = table[["value", "low", "high"]].apply(pd.to_numeric, errors="coerce")
    problems = range_problems(num, "value")
    no_source = table["source"].isna() | (table["source"].astype(str).str.strip() == "")
    problems += [f"line {i + 2}, source: empty" for i in np.flatnonzero(no_source.to_numpy())]
    if problems:
        raise PolicyError(
            f"{origin}: {'; '.join(problems[:8])}; value/low/high must be finite numbers with "
            "low <= value <= high, and every row needs a source"
        )
    out = table.copy()
    out[["value", "low", "high"]] = num
    out["key"] = out["key"].astype(str)
    for var in ("carrier_2005", "renovation_2005"):
        part = out[out["variable"] == var]
        now = part["key"].str.split(">").str[0]
        sums = part["value"].groupby(now.to_numpy()).sum()
        off = sums[(sums - 1.0).abs() > 1e-9]
        if len(off):
            raise PolicyError(
                f"{origin}: {var} shares of {', '.join(off.index)} sum to "
                f"{', '.join(f'{v:g}' for v in off)}, not 1"
            )
    return out


def _value(a: pd.DataFrame, variable: str, key: str) -> float:
    row = a[(a["variable"] == variable) & (a["key"] == key)]
    if row.empty:
        raise PolicyError(f"back-cast assumptions: no row {variable} / {key}")
    return float(row["value"].iloc[0])


def factors_2005(factors: FactorSet, a: pd.DataFrame) -> FactorSet:
    """The factor set with 2005 grid factors and per-km vehicle factors (central values; the
    uncertainty of the 2005 figures is that of the assumption table's low/high)."""
    tables = dict(factors.tables)
    grid = tables["grid_factors"].copy()
    for carrier in ("electricity", "district_heat"):
        mask = (grid["carrier"] == carrier) & (grid["gas"] == "CO2e")
        grid.loc[mask, ["value", "low", "high"]] = _value(a, "grid_2005", carrier)
    tables["grid_factors"] = grid
    veh = tables["vehicle_factors"].copy()
    veh[["value", "low", "high"]] = veh[["value", "low", "high"]].to_numpy(dtype=float) * _value(
        a, "fleet_2005", "vehicle_factors"
    )
    tables["vehicle_factors"] = veh
    return FactorSet(tables=tables, gwp_set=factors.gwp_set, overrides=factors.overrides)


def population_2005(population_now: Mapping[str, float], a: pd.DataFrame) -> dict[str, float]:
    """2005 residents per commune (see the module docstring); communes without STATEC figures
    (e.g. test regions) scale like the region."""
    with resources.as_file(DATA / "population_statec.csv") as p:
        statec = pd.read_csv(p, dtype={"lau2": str})
    p2015 = statec[statec["year"] == 2015].set_index("lau2")["population"].astype(float)
    p2024 = statec[statec["year"] == 2024].set_index("lau2")["population"].astype(float)
    scale = _value(a, "population_2005", "region_2011") / float(p2015.sum())
    scale *= _value(a, "population_2005", "national_2005_over_2011")
    region_ratio = float(p2015.sum()) * scale / float(p2024.sum())
    return {
        c: float(p2015[c]) * scale if c in p2015.index else float(now) * region_ratio
        for c, now in population_now.items()
    }
