"""STATEC population tables: residents on 1 January per commune and year, as STATEC publishes them.

Two layouts are read (the layout is told from the header):

* **LUSTAT SDMX-CSV**, the export of STATEC's dataflow ``LU1:DF_X021`` "Population par canton et
  commune" from LUSTAT (https://lustat.statec.lu, a .Stat Suite SDMX service): one observation
  per row, columns ``DATAFLOW`` (``LU1:DF_X021(1.1)``), ``FREQ`` (``A``), ``CANTON`` (the
  geography: ``T`` the country, ``C01``-``C12`` the cantons, a four-digit LAU2 code a commune),
  ``TIME_PERIOD`` (the year; the population on 1 January of it), ``OBS_VALUE`` (persons),
  ``OBS_STATUS`` (SDMX ``CL_OBS_STATUS`` flag) and note/attribute columns that are not read.
  The "labels=both" export of the Data Explorer (headers ``CANTON: Canton``, values
  ``0204: Esch-sur-Alzette``) is read too: the code before ``": "`` is used. Cantons and the
  country are skipped (counted): summing the column without that filter would count the
  country three times. ``LU1:DF_X020`` is the population *density* (inhabitants per km²), not a
  count: it is refused with the dataflow to download instead.
* **The project's table** (``layers/sources/lu_population_statec.csv``): ``lau2``, ``commune``
  (optional), ``year``, ``population``.

Every value must be a whole, finite, non-negative number; an empty value or a missing-value flag
(``OBS_STATUS`` ``L``, ``M``, ``O``, ``Q``, ``H``; ``C`` confidential) means no figure for that
commune and year, never zero. One row per commune and year.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from minettgeo.errors import (
    LayerReadError,
    PopulationTableError,
    ProductCodeError,
    ProductDuplicateError,
    ProductSchemaError,
)
from minettgeo.layers.codes import normalise_lau2

#: the LUSTAT dataflow of the resident population per canton and commune
POPULATION_DATAFLOW = "DF_X021"
#: the LUSTAT dataflow of the population density (refused: not a count)
DENSITY_DATAFLOW = "DF_X020"
#: geography dimension of DF_X021 (version 1.1); other .Stat exports name it otherwise
GEO_DIMENSIONS = ("CANTON", "COMMUNE", "REF_AREA", "GEO")
#: SDMX CL_OBS_STATUS flags of a missing value (and C, confidential): no figure, never zero
MISSING_FLAGS = frozenset({"C", "H", "L", "M", "O", "Q"})
SDMX_COLUMNS = ("TIME_PERIOD", "OBS_VALUE")
TABLE_COLUMNS = ("lau2", "year", "population")
LAU2_CODE = re.compile(r"^\d{4}$")
#: the country and the cantons in DF_X021's geography dimension
AGGREGATE = re.compile(r"^(T|C\d{2})$")
YEAR = re.compile(r"^(\d{4})")


@dataclass(frozen=True)
class PopulationTable:
    """The commune rows of a population table: ``lau2``, ``year``, ``population`` (float, NaN
    when the table has no figure), ``status`` (why there is none), ``name`` (may be empty) and
    ``line`` (the row's line in the file, header = 1); ``layout`` and ``skipped`` (rows of
    cantons and the country left out)."""

    rows: pd.DataFrame
    layout: str
    skipped: int = 0


def read_csv_text(src: Path) -> pd.DataFrame:
    """A CSV as text (comma or semicolon, UTF-8 with or without byte-order mark)."""
    src = Path(src)
    if not src.is_file():
        raise LayerReadError(f"--population {src}: no such file; give the STATEC population table")
    try:
        return pd.read_csv(
            src, dtype=str, sep=None, engine="python", keep_default_na=False, encoding="utf-8-sig"
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise LayerReadError(
            f"--population {src}: not a readable CSV table ({exc}); export it again as CSV (UTF-8)"
        ) from exc


def code_part(values: pd.Series) -> pd.Series:
    """``"0204: Esch-sur-Alzette"`` -> ``"0204"`` (SDMX-CSV labels=both); codes stay as they are."""
    return values.astype(str).str.partition(":")[0].str.strip()


def label_part(values: pd.Series) -> pd.Series:
    """The label after ``": "`` (labels=both), else empty."""
    return values.astype(str).str.partition(":")[2].str.strip()


def read_population(src: Path) -> PopulationTable:
    """The commune rows of a STATEC population table in either layout (module docstring)."""
    raw = read_csv_text(src)
    raw.columns = [str(c).split(":", 1)[0].strip() for c in raw.columns]
    if all(c in raw.columns for c in SDMX_COLUMNS):
        return _sdmx_rows(raw, Path(src))
    if all(c in raw.columns for c in TABLE_COLUMNS):
        return _table_rows(raw, Path(src))
    raise ProductSchemaError(
        f"--population {src}: neither a LUSTAT SDMX-CSV export (columns {', '.join(SDMX_COLUMNS)} "
        f"and a geography column such as CANTON) nor a table with columns "
        f"{', '.join(TABLE_COLUMNS)} (columns found: {', '.join(raw.columns) or 'none'}); export "
        "LUSTAT dataflow LU1:DF_X021 'Population par canton et commune' as CSV, or rename the "
        "columns of your table to lau2, year, population"
    )


def _sdmx_rows(raw: pd.DataFrame, src: Path) -> PopulationTable:
    if "DATAFLOW" in raw.columns:
        # "LU1:DF_X021(1.1)", or with labels "LU1:DF_X021(1.1): Population par canton et commune"
        flows = sorted(set(raw["DATAFLOW"].astype(str).str.strip()) - {""})
        if any(DENSITY_DATAFLOW in f for f in flows):
            raise ProductSchemaError(
                f"--population {src}: dataflow {', '.join(flows)} is the population density "
                "(inhabitants per km2), not the number of residents; export LUSTAT dataflow "
                f"LU1:{POPULATION_DATAFLOW} 'Population par canton et commune' instead"
            )
        other = [f for f in flows if POPULATION_DATAFLOW not in f]
        if other:
            raise ProductSchemaError(
                f"--population {src}: column 'DATAFLOW' names {', '.join(other)}, not the "
                f"population per commune (LU1:{POPULATION_DATAFLOW}); export that dataflow"
            )
    geo = next((c for c in GEO_DIMENSIONS if c in raw.columns), None)
    if geo is None:
        raise ProductSchemaError(
            f"--population {src}: no geography column ({' or '.join(GEO_DIMENSIONS)}) in the "
            f"SDMX-CSV export (columns: {', '.join(raw.columns)}); export LU1:"
            f"{POPULATION_DATAFLOW} with its CANTON dimension"
        )
    code = code_part(raw[geo])
    aggregate = code.str.match(AGGREGATE).to_numpy()
    commune = code.str.match(LAU2_CODE).to_numpy()
    _refuse_codes(code[~aggregate & ~commune], src, geo, "a four-digit LAU2 code, T or C01-C12")
    keep = commune
    status = (
        code_part(raw["OBS_STATUS"]).str.upper()
        if "OBS_STATUS" in raw.columns
        else pd.Series("", index=raw.index)
    )
    rows = pd.DataFrame(
        {
            "lau2": code,
            "year": _years(raw["TIME_PERIOD"], src, "TIME_PERIOD"),
            "value": raw["OBS_VALUE"].astype(str).str.strip(),
            "status": status,
            "name": label_part(raw[geo]),
            "line": np.arange(len(raw)) + 2,
        }
    )[keep]
    return PopulationTable(_counts(rows, src, "OBS_VALUE"), "LUSTAT SDMX-CSV", int(aggregate.sum()))


def _table_rows(raw: pd.DataFrame, src: Path) -> PopulationTable:
    code = raw["lau2"].map(normalise_lau2)
    _refuse_codes(
        code[~code.str.match(LAU2_CODE).to_numpy()], src, "lau2", "a four-digit LAU2 code"
    )
    rows = pd.DataFrame(
        {
            "lau2": code,
            "year": _years(raw["year"], src, "year"),
            "value": raw["population"].astype(str).str.strip(),
            "status": "",
            "name": raw["commune"].astype(str).str.strip() if "commune" in raw else "",
            "line": np.arange(len(raw)) + 2,
        }
    )
    return PopulationTable(_counts(rows, src, "population"), "table lau2,year,population")


def _refuse_codes(bad: pd.Series, src: Path, column: str, expected: str) -> None:
    if len(bad):
        lines = bad.index.to_numpy(dtype=np.int64)[:5] + 2  # RangeIndex of the file's rows
        shown = ", ".join(
            f"line {n}: {v!r}" for n, v in zip(lines, bad.to_numpy()[:5], strict=False)
        )
        raise ProductCodeError(
            f"--population {src}: column '{column}' holds code(s) that are not {expected} "
            f"({shown}; {len(bad)} row(s)); export the table with STATEC's LAU2 commune codes "
            "(e.g. 0204 Esch-sur-Alzette)"
        )


def _years(values: pd.Series, src: Path, column: str) -> pd.Series:
    """The year of each row (``2024`` or ``2024-01-01``); PopulationTableError naming the row."""
    found = values.astype(str).str.strip().str.extract(YEAR, expand=False)
    bad = found.isna().to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise PopulationTableError(
            f"--population {src}: column '{column}', line {i + 2}: {values.iloc[i]!r} is not a "
            f"year ({int(bad.sum())} row(s)); give the year as four digits (2024)"
        )
    return found.astype(int)


def _counts(rows: pd.DataFrame, src: Path, column: str) -> pd.DataFrame:
    """``population`` from the text values: NaN where there is no figure (empty or a
    missing-value flag), refused when not a whole, finite, non-negative number."""
    missing = (rows["value"] == "") | rows["status"].isin(MISSING_FLAGS)
    number = pd.to_numeric(rows["value"], errors="coerce").astype(float)
    with np.errstate(invalid="ignore"):
        bad = ~missing & (
            number.isna() | ~np.isfinite(number) | (number < 0) | (number != np.floor(number))
        )
    if bad.any():
        r = rows[bad].iloc[0]
        raise PopulationTableError(
            f"--population {src}: column '{column}', line {r['line']} (commune {r['lau2']}, "
            f"{r['year']}): {r['value']!r} is not a number of residents ({int(bad.sum())} row(s)); "
            "a population is a whole number of persons without thousands separators"
        )
    out = rows.drop(columns="value").assign(population=number.where(~missing))
    out["status"] = np.where(missing, np.where(out["status"] != "", out["status"], "empty"), "")
    duplicated = out.duplicated(["lau2", "year"], keep=False).to_numpy()
    if duplicated.any():
        first = out[duplicated].iloc[0]
        lines = out[duplicated & (out["lau2"] == first["lau2"]).to_numpy()]
        lines = lines[lines["year"] == first["year"]]["line"]
        raise ProductDuplicateError(
            f"--population {src}: commune {first['lau2']} has {len(lines)} rows for "
            f"{first['year']} (lines {', '.join(map(str, lines))}); "
            f"{int(duplicated.sum())} row(s) repeat a commune and year. Keep one row per commune "
            "and year (an export of one dataflow with all its dimensions filtered to totals)"
        )
    return out.reset_index(drop=True)


def population_for_year(
    table: PopulationTable, codes: Sequence[str], names: Sequence[str], year: int | None, src: Path
) -> tuple[pd.Series, int]:
    """Residents of each commune of ``codes`` in ``year`` (default: the latest year of the
    table), indexed by LAU2; PopulationTableError naming the communes without a figure."""
    rows = table.rows
    years = sorted(set(rows["year"]))
    if not years:
        raise PopulationTableError(
            f"--population {src}: the table holds no commune rows; export the population per "
            "commune (LUSTAT LU1:DF_X021, all communes)"
        )
    chosen = years[-1] if year is None else year
    if chosen not in years:
        raise PopulationTableError(
            f"--population {src}: no population for --year {year} (years in the table: "
            f"{_span(years)}); choose one of them or export the table with {year}"
        )
    of_year = rows[rows["year"] == chosen].set_index("lau2")
    values = of_year["population"].reindex(list(codes))
    lacking = values.isna().to_numpy()
    if lacking.any():
        status = of_year["status"].reindex(list(codes)).fillna("no row")
        listed = ", ".join(
            f"{c} {n} ({s if s != 'empty' else 'empty value'})"
            for c, n, s in sorted(
                zip(
                    np.asarray(codes)[lacking],
                    np.asarray(names)[lacking],
                    status[lacking],
                    strict=True,
                )
            )
        )
        complete = [
            y
            for y in years
            if rows[(rows["year"] == y)]
            .set_index("lau2")["population"]
            .reindex(codes)
            .notna()
            .all()
        ]
        advice = (
            f"choose a year every commune has (--year {complete[-1]}; complete years: "
            f"{_span(complete)})"
            if complete
            else "export the table with these communes"
        )
        which = "the latest year of the table" if year is None else f"--year {chosen}"
        raise PopulationTableError(
            f"--population {src}: no population in {chosen} ({which}) for {int(lacking.sum())} "
            f"commune(s) of the boundary file: {listed}; {advice}, or keep only the others "
            "(--communes)"
        )
    return values.astype("int64"), chosen


def _span(years: Sequence[int]) -> str:
    ys = sorted(years)
    if len(ys) > 2 and ys == list(range(ys[0], ys[-1] + 1)):
        return f"{ys[0]}-{ys[-1]}"
    return ", ".join(map(str, ys))
