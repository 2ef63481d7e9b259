"""The panel of one pilot, its controls and one KPI, cut from the observed values as
:func:`minettgeo.kpi.observed.load_observed` reads and checks them (``docs/observed.md``:
kpi_id, level, area_id, year, value, unit, source, note; index in file order).

The pilot's rows are those of level ``test_district`` or ``district`` whose ``area_id`` is the
pilot's district id; the controls' rows are of level ``district``. The panel keeps the years in
which the pilot is observed, and the controls observed in every one of them (a control missing a
year is left out and named, so that the panel stays balanced and the estimate equals the
difference of the four means).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from minettgeo.errors import MonitoringError

PILOT_LEVELS = ("test_district", "district")


@dataclass(frozen=True)
class Panel:
    """``frame``: unit (district id), year, value, treated (1 for the pilot), post (1 from the
    pilot year on); balanced."""

    pilot_id: str
    kpi_id: str
    unit: str
    pilot_year: int
    frame: pd.DataFrame
    controls: list[str]
    #: controls of the record left out, with the reason
    dropped: dict[str, str]

    @property
    def years(self) -> list[int]:
        return sorted({int(y) for y in self.frame["year"]})

    @property
    def n_pre(self) -> int:
        return sum(y < self.pilot_year for y in self.years)

    @property
    def n_post(self) -> int:
        return sum(y >= self.pilot_year for y in self.years)


def pilot_rows(observed: pd.DataFrame, pilot: str) -> pd.DataFrame:
    """The observed rows of ``pilot`` (levels test_district and district)."""
    mask = observed["level"].isin(PILOT_LEVELS) & (observed["area_id"].astype(str) == pilot)
    return observed[mask]


def pilot_kpis(observed: pd.DataFrame, pilot: str, origin: str) -> list[str]:
    """The KPIs observed for ``pilot``, in file order; MonitoringError naming ``origin`` when
    there are none."""
    rows = pilot_rows(observed, pilot)
    if rows.empty:
        raise MonitoringError(
            f"--observed {origin}: no rows for pilot {pilot} (level test_district or district, "
            f"area_id {pilot}); add the pilot's observed values before estimating its effect"
        )
    return list(dict.fromkeys(rows["kpi_id"].astype(str)))


def _duplicates(rows: pd.DataFrame, origin: str) -> None:
    dup = rows.duplicated(["area_id", "year"], keep=False)
    if dup.any():
        first = rows[dup].iloc[0]
        lines = ", ".join(str(i + 2) for i in rows.index[dup][:5])
        raise MonitoringError(
            f"--observed {origin}: {first['area_id']} has several values of {first['kpi_id']} "
            f"for {int(first['year'])} (rows {lines}, counting the header as row 1); keep one "
            "value per KPI, area and year"
        )


def kpi_panel(
    observed: pd.DataFrame,
    pilot: str,
    controls: list[str],
    kpi: str,
    pilot_year: int,
    origin: str,
) -> Panel:
    """The balanced panel of ``pilot`` and ``controls`` for ``kpi`` (module docstring).
    MonitoringError when the pilot has no value of ``kpi`` or a value is given twice."""
    of_kpi = observed[observed["kpi_id"].astype(str) == kpi]
    mine = pilot_rows(of_kpi, pilot)
    if mine.empty:
        raise MonitoringError(
            f"--observed {origin}: no value of KPI {kpi} for pilot {pilot} (level "
            f"test_district or district, area_id {pilot}); add its rows or leave --kpi {kpi} out"
        )
    theirs = of_kpi[(of_kpi["level"] == "district") & of_kpi["area_id"].astype(str).isin(controls)]
    _duplicates(mine, origin)
    _duplicates(theirs, origin)
    years = sorted({int(y) for y in mine["year"]})
    wide = (
        theirs.assign(year=theirs["year"].astype(int))
        .pivot(index="area_id", columns="year", values="value")
        .reindex(columns=years)
        .astype(float)
    )
    dropped: dict[str, str] = {}
    kept = []
    for c in controls:
        if c not in wide.index:
            dropped[c] = f"no value of {kpi}"
            continue
        row = wide.loc[c].to_numpy(dtype=float)
        missing = [y for y, x in zip(years, row, strict=True) if not np.isfinite(x)]
        if missing:
            dropped[c] = f"no value of {kpi} in {', '.join(map(str, missing))}"
        else:
            kept.append(c)
    parts = [
        pd.DataFrame({"unit": pilot, "year": mine["year"].astype(int), "value": mine["value"]})
    ]
    for c in kept:
        parts.append(
            pd.DataFrame({"unit": c, "year": years, "value": wide.loc[c].to_numpy(dtype=float)})
        )
    frame = pd.concat(parts, ignore_index=True)
    frame["value"] = frame["value"].astype(float)
    frame["treated"] = (frame["unit"] == pilot).astype(int)
    frame["post"] = (frame["year"] >= pilot_year).astype(int)
    units = mine["unit"].dropna().astype(str).unique()
    return Panel(
        pilot_id=pilot,
        kpi_id=kpi,
        unit=str(units[0]) if len(units) else "",
        pilot_year=pilot_year,
        frame=frame.sort_values(["unit", "year"], ignore_index=True),
        controls=kept,
        dropped=dropped,
    )
