"""Budgets the communes allocated and spent, against the resources the plan needs.

Format (``docs/report.md``; example ``examples/budget.csv``)::

    commune,measure,year,allocated_eur,spent_eur
    0204,Rénovation profonde Esch (3 %/an),2025,1200000,950000

- ``commune``: a LAU2 code (4 digits) of the run;
- ``measure``: a measure of the plan, by its name in the scenario file or its index
  (``measures[i]``: ``0``, ``1`` ...);
- ``year``: a whole year from 1990 to 2100;
- ``allocated_eur``, ``spent_eur``: finite amounts >= 0 in EUR; spending recorded for a year
  after ``latest_year`` (the current year) is refused; ``spent_eur`` may be empty when nothing
  was spent yet (read as 0).

Comparison per measure, commune and year (the needs from the trajectory's ``resources.csv``)::

    needed_eur(m, c, y), allocated_eur(m, c, y), spent_eur(m, c, y)
    cost per tonne(m, c) = sum_y needed_eur / sum_{y > inventory year} abatement_tco2e_a
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

import numpy as np
import pandas as pd

from minettgeo.errors import BudgetError
from minettgeo.layers.codes import LAU2_DIGITS
from minettgeo.user_tables import read_exact_csv

COLUMNS = ("commune", "measure", "year", "allocated_eur", "spent_eur")
FIRST_YEAR, LAST_YEAR = 1990, 2100
COMPARE_COLUMNS = (
    "measure",
    "name",
    "lau2",
    "year",
    "needed_eur",
    "person_days",
    "area_ha",
    "allocated_eur",
    "spent_eur",
    "abatement_tco2e_a",
)


def load_budget(
    path: Path,
    *,
    communes: Collection[str] | None = None,
    measures: pd.DataFrame | None = None,
    latest_year: int | None = None,
) -> pd.DataFrame:
    """The budget rows of ``path`` (:data:`COLUMNS`, ``measure`` resolved to the plan's index
    when ``measures`` (index, name) is given); BudgetError naming the file, line and column."""
    path = Path(path)
    frame = _read(path)
    line = np.arange(len(frame)) + 2

    def fail(mask: pd.Series | np.ndarray, column: str, what: str) -> None:
        mask = np.asarray(mask, dtype=bool)
        if mask.any():
            first = int(np.flatnonzero(mask)[0])
            n = int(mask.sum())
            more = f" ({n - 1} more line(s) like it)" if n > 1 else ""
            raise BudgetError(
                f"{path} line {line[first]}, column {column}: {frame[column].iloc[first]!r} "
                f"{what}{more}; nothing was read (format: docs/report.md)"
            )

    for col in ("commune", "measure", "year", "allocated_eur"):
        fail(frame[col] == "", col, "is empty; every row needs a value here")
    fail(
        ~frame["commune"].str.fullmatch(rf"\d{{{LAU2_DIGITS}}}"),
        "commune",
        f"is not a LAU2 code ({LAU2_DIGITS} digits, e.g. 0204)",
    )
    if communes is not None:
        fail(~frame["commune"].isin(list(communes)), "commune", "is not a commune of the run")
    year = pd.to_numeric(frame["year"], errors="coerce")
    fail(year.isna() | (year != np.floor(year)), "year", "is not a whole year (e.g. 2026)")
    fail((year < FIRST_YEAR) | (year > LAST_YEAR), "year", f"is not in {FIRST_YEAR}..{LAST_YEAR}")
    amounts = {}
    for col in ("allocated_eur", "spent_eur"):
        text = frame[col].replace("", "0") if col == "spent_eur" else frame[col]
        v = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float)
        fail(~np.isfinite(v), col, "is not a finite amount in EUR")
        fail(v < 0, col, "is negative; amounts are EUR >= 0")
        amounts[col] = v
    if latest_year is not None:
        fail(
            (year.to_numpy() > latest_year) & (amounts["spent_eur"] > 0),
            "spent_eur",
            f"is spending in a future year (after {latest_year}); record it when it is spent",
        )
    index = frame["measure"]
    if measures is not None:
        by_name = dict(
            zip(measures["name"].astype(str), measures["measure"].astype(int), strict=False)
        )
        ids = set(measures["measure"].astype(int).astype(str))
        resolved = index.map(lambda m: str(by_name[m]) if m in by_name else m)
        choices = ", ".join(f"{i}: {n}" for n, i in list(by_name.items())[:8])
        fail(~resolved.isin(ids), "measure", f"is not a measure of the plan ({choices})")
        index = resolved
    out = pd.DataFrame(
        {
            "commune": frame["commune"],
            "measure": index,
            "year": year.astype(int),
            "allocated_eur": amounts["allocated_eur"],
            "spent_eur": amounts["spent_eur"],
        }
    )
    dup = out.duplicated(["commune", "measure", "year"])
    fail(dup, "year", "repeats a (commune, measure, year) given on an earlier line")
    return out


def _read(path: Path) -> pd.DataFrame:
    frame = read_exact_csv(path, COLUMNS, BudgetError, "budget", "docs/report.md")
    return frame.apply(lambda c: c.str.strip())


def compare_budget(needs: pd.DataFrame, budget: pd.DataFrame | None) -> pd.DataFrame:
    """Needed (the trajectory's resources, plan measures only) vs allocated vs spent, per
    measure, commune and year (:data:`COMPARE_COLUMNS`); rows of either side are kept."""
    plan = needs[needs["in_plan"].astype(str).str.lower() == "true"].copy()
    plan["measure"] = plan["measure"].astype(int).astype(str)
    plan["lau2"] = plan["lau2"].astype(str).str.zfill(LAU2_DIGITS)
    plan = plan.rename(columns={"cost_eur": "needed_eur"})
    key = ["measure", "lau2", "year"]
    left = plan[[*key, "name", "needed_eur", "person_days", "area_ha", "abatement_tco2e_a"]]
    if budget is None or not len(budget):
        out = left.assign(allocated_eur=np.nan, spent_eur=np.nan)
    else:
        right = budget.rename(columns={"commune": "lau2"})[[*key, "allocated_eur", "spent_eur"]]
        out = left.merge(right, on=key, how="outer")
        names = dict(zip(plan["measure"], plan["name"], strict=False))
        out["name"] = out["measure"].map(names)
    for col in ("needed_eur", "person_days", "area_ha", "abatement_tco2e_a"):
        out[col] = out[col].fillna(0.0)
    return out[list(COMPARE_COLUMNS)].sort_values(key).reset_index(drop=True)


def budget_summary(compared: pd.DataFrame, inventory_year: int) -> pd.DataFrame:
    """Per measure and commune: needed, allocated and spent EUR, person-days, hectares, the
    cumulative abatement after the inventory year and the cost per tonne (EUR/t CO2e; NaN when
    nothing is abated)."""
    after = compared.assign(
        abated=np.where(compared["year"] > inventory_year, compared["abatement_tco2e_a"], 0.0)
    )
    out = (
        after.groupby(["measure", "lau2"], sort=True)
        .agg(
            name=("name", "first"),
            needed_eur=("needed_eur", "sum"),
            person_days=("person_days", "sum"),
            area_ha=("area_ha", "sum"),
            allocated_eur=("allocated_eur", lambda s: s.sum(min_count=1)),
            spent_eur=("spent_eur", lambda s: s.sum(min_count=1)),
            cumulative_abatement_tco2e=("abated", "sum"),
        )
        .reset_index()
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        cpt = out["needed_eur"] / out["cumulative_abatement_tco2e"]
    out["eur_per_tco2e"] = cpt.where(out["cumulative_abatement_tco2e"] > 0)
    return out
