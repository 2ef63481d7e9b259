"""The GPC inventory: sector x sub-sector x scope, by gas and CO2e, per commune and region.

Rows are the GPC reference numbers (``gpc_rows.csv``). A modelled row holds values; every other
row holds a notation key: NO (not occurring), IE (included elsewhere), NE (not estimated), C
(confidential). Totals:

    BASIC  = sum of the rows flagged basic (scope 1 and 2 of stationary energy and transport,
             scope 1 and 3 of waste)
    BASIC+ = BASIC + the rows flagged basic_plus only (scope 3 of energy and transport, IPPU, AFOLU)

Land removals (AFOLU, negative) are kept apart from gross emissions: ``basic_plus_tco2e`` is the
gross figure and ``afolu_removals_tco2e`` and ``basic_plus_net_tco2e`` are reported beside it.
Wood CO2 is biogenic and reported as a memo item, never in the totals.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from minettgeo.layers.io import atomic_path

# reading the written inventory back and printing it live beside (re-exported here)
from .gpc_read import format_table as format_table
from .gpc_read import read_inventory as read_inventory

NOTATION_KEYS = {
    "NO": "not occurring",
    "IE": "included elsewhere",
    "NE": "not estimated",
    "C": "confidential",
}
GAS_COLUMNS = ("co2_t", "ch4_t", "n2o_t")


@functools.cache
def _shipped_table(name: str) -> pd.DataFrame:
    """A table shipped with the package (read once per process; callers get a copy)."""
    with resources.as_file(resources.files("minettgeo.report") / name) as path:
        return pd.read_csv(path, dtype=str, keep_default_na=False)


def gpc_rows() -> pd.DataFrame:
    """The GPC reference rows with their scope, BASIC / BASIC+ flags and default notation key."""
    rows = _shipped_table("gpc_rows.csv").copy()
    rows["scope"] = rows["scope"].astype(int)
    rows["basic"] = rows["basic"] == "true"
    rows["basic_plus"] = rows["basic_plus"] == "true"
    return rows


def modelled_values(
    buildings: pd.DataFrame,
    transport: pd.DataFrame,
    waste: pd.Series,
    key: str,
    land: pd.Series | None = None,
    extra: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Values of the modelled rows per ``key`` (e.g. lau2): columns key, code, gases, co2e, biogenic.

    ``buildings``: per-building results with ``gpc_subsector`` and ``key``; ``transport``: per key,
    columns ``transport_co2_t_a``, ``transport_ch4_t_a``, ``transport_n2o_t_a``, ``transport_tco2e_a``;
    ``waste``: t CO2e/a per key; ``land``: net land CO2 flux per key (t CO2/a, negative = net
    removal), reported in AFOLU V.2 (BASIC+ only); ``extra``: further rows (columns key, code,
    gases, co2e_t, optionally biogenic_co2_t), e.g. from :func:`rows_from_columns`. Values of
    the same key and code are summed (a gas column stays empty where every part is empty)."""
    frames = []
    scope1_cols = [
        "scope1_co2_t_a",
        "scope1_ch4_t_a",
        "scope1_n2o_t_a",
        "scope1_tco2e_a",
        "biogenic_co2_t_a",
    ]
    # one group-by for both scopes (each column's sums are its own)
    summed = buildings.groupby([key, "gpc_subsector"])[[*scope1_cols, "scope2_tco2e_a"]].sum()
    scope1 = summed[scope1_cols].copy()
    scope1.columns = ["co2_t", "ch4_t", "n2o_t", "co2e_t", "biogenic_co2_t"]
    scope1 = scope1.reset_index()
    scope1["code"] = scope1["gpc_subsector"] + ".1"
    frames.append(scope1)
    scope2 = summed[["scope2_tco2e_a"]].reset_index()
    scope2 = scope2.rename(columns={"scope2_tco2e_a": "co2e_t"})
    scope2["code"] = scope2["gpc_subsector"] + ".2"
    frames.append(scope2)
    road = transport.rename(
        columns={
            "transport_co2_t_a": "co2_t",
            "transport_ch4_t_a": "ch4_t",
            "transport_n2o_t_a": "n2o_t",
            "transport_tco2e_a": "co2e_t",
        }
    )[["co2_t", "ch4_t", "n2o_t", "co2e_t"]]
    road = road.rename_axis(key).reset_index().assign(code="II.1.1")
    frames.append(road)
    frames.append(waste.rename("co2e_t").rename_axis(key).reset_index().assign(code="III.1.2"))
    if land is not None:
        flux = land.rename_axis(key).reset_index(name="co2e_t").assign(code="V.2")
        flux["co2_t"] = flux["co2e_t"]
        frames.append(flux)
    if extra is not None and len(extra):
        frames.append(extra)
    values = pd.concat(frames, ignore_index=True).drop(columns=["gpc_subsector"], errors="ignore")
    # rows of one code from several sources (I.3.1: industrial buildings and point sources) add up
    numeric = [c for c in (*GAS_COLUMNS, "co2e_t", "biogenic_co2_t") if c in values.columns]
    return values.groupby([key, "code"], as_index=False, sort=False)[numeric].sum(min_count=1)


#: GPC row -> {output column: per-level result column} for rows computed from level columns
LEVEL_ROWS: Mapping[str, Mapping[str, str]] = {
    "II.1.2": {"co2e_t": "ev_charging_tco2e_a"},
    "II.2.1": {
        "co2_t": "rail_diesel_co2_t_a",
        "ch4_t": "rail_diesel_ch4_t_a",
        "n2o_t": "rail_diesel_n2o_t_a",
        "co2e_t": "rail_diesel_tco2e_a",
    },
    "II.2.2": {"co2e_t": "rail_electric_tco2e_a"},
    "III.4.1": {
        "ch4_t": "wastewater_ch4_t_a",
        "n2o_t": "wastewater_n2o_t_a",
        "co2e_t": "wastewater_tco2e_a",
    },
}


def rows_from_columns(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """Rows of :data:`LEVEL_ROWS` from a per-level table (index = ``key``, e.g. the communes
    indexed by lau2); rows whose columns are absent are left out."""
    frames = []
    for code, columns in LEVEL_ROWS.items():
        if not set(columns.values()) <= set(frame.columns):
            continue
        part = pd.DataFrame({out: frame[col].to_numpy() for out, col in columns.items()})
        part.insert(0, key, frame.index.to_numpy())
        part["code"] = code
        frames.append(part)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def plant_rows(plants: pd.DataFrame, key: str) -> pd.DataFrame:
    """I.4.4 rows (energy generation supplied to the grid) of the district-heat plants, summed
    per commune where they stand (``plants``: models.district_heat.plant_emissions)."""
    cols = {"co2_t_a": "co2_t", "ch4_t_a": "ch4_t", "n2o_t_a": "n2o_t", "tco2e_a": "co2e_t"}
    cols["biogenic_co2_t_a"] = "biogenic_co2_t"
    summed = plants.groupby("lau2")[list(cols)].sum().rename(columns=cols)
    return summed.rename_axis(key).reset_index().assign(code="I.4.4")


def no_activity_notes() -> pd.Series:
    """Why a modelled row of an area holds no value (GPC row -> reason), for the key NO."""
    notes = _shipped_table("no_activity.csv")
    return notes.set_index("code")["note"]


def inventory_table(
    values: pd.DataFrame,
    key: str,
    levels: Mapping[str, str],
    not_estimated: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """The full GPC table for every level (``levels``: key value -> label, e.g. commune name)
    plus the region (sum of all levels): one row per level x GPC row, the levels in the order
    given, then the region.

    No row is blank: a modelled row without a value (or with exactly 0) in an area gets the key
    NO and the reason
    (``no_activity.csv``; e.g. I.3.1 of a commune without industrial buildings); the rows in
    ``not_estimated`` (code -> reason, e.g. railways of a region without a rail layer) get NE.
    Built in one pass over all levels (the GPC rows repeated once per level, each (level, code)
    looked up in the values once)."""
    rows = gpc_rows()
    reasons = no_activity_notes()
    not_estimated = dict(not_estimated or {})
    value_cols = [*GAS_COLUMNS, "co2e_t", "biogenic_co2_t"]
    region = values.groupby("code")[value_cols].sum(min_count=1).reset_index()
    region[key] = "region"
    allv = pd.concat([values, region], ignore_index=True)
    keys = [*levels, "region"]
    labels = [*levels.values(), "Region"]
    n = len(rows)
    table = rows.take(np.tile(np.arange(n), len(keys))).reset_index(drop=True)
    level_keys = np.repeat(np.array(keys, dtype=object), n)
    kind = np.where(level_keys == "region", "region", "commune").astype(object)
    table.insert(0, "level", kind)
    table.insert(1, key, level_keys)
    table.insert(2, "name", np.repeat(np.array(labels, dtype=object), n))
    found = pd.MultiIndex.from_arrays(
        [allv[key].to_numpy(dtype=object), allv["code"].to_numpy(dtype=object)]
    )
    at = found.get_indexer(
        pd.MultiIndex.from_arrays([level_keys, table["code"].to_numpy(dtype=object)])
    )
    hit, pick = at >= 0, np.where(at >= 0, at, 0)
    values_at = {
        col: np.where(hit, allv[col].to_numpy(dtype=float)[pick], np.nan)
        if len(allv)
        else np.full(len(table), np.nan)
        for col in value_cols
    }
    code = table["code"].to_numpy(dtype=object)
    default = table["default_key"].to_numpy(dtype=object)
    modelled = default == ""
    unestimated = modelled & np.isin(code, list(not_estimated))
    nothing = (np.nan_to_num(values_at["co2e_t"]) == 0.0) & (
        np.nan_to_num(values_at["biogenic_co2_t"]) == 0.0
    )
    empty = modelled & ~unestimated & nothing
    note = table["note"].to_numpy(dtype=object).copy()
    fallback = "no activity of this kind in this area"
    note[empty] = pd.Series(code[empty], dtype=object).map(reasons).fillna(fallback).to_numpy()
    note[unestimated] = pd.Series(code[unestimated], dtype=object).map(not_estimated).to_numpy()
    blank = unestimated | empty
    columns: dict[str, NDArray[Any]] = {"note": note}
    columns |= {col: np.where(blank, np.nan, v) for col, v in values_at.items()}
    columns["notation_key"] = np.where(
        unestimated, "NE", np.where(empty, "NO", np.where(modelled, "", default))
    ).astype(object)
    table = table.assign(**columns)
    return table.drop(columns=["default_key"])


def inventory_totals(
    table: pd.DataFrame, key: str, population: Mapping[str, float]
) -> pd.DataFrame:
    """BASIC and BASIC+ totals, per capita, and memo items for every level (in the order the
    levels first appear in ``table``)::

        basic      = sum of co2e over the level's rows flagged basic
        basic_plus = sum of co2e over the level's rows flagged basic_plus (net of removals)
        removals   = sum of min(co2e, 0) over the level's rows V.2*

    The columns are read once; each level sums its own rows (a few dozen) with numpy."""
    level_of, levels = pd.factorize(table[key], sort=False)
    co2e = table["co2e_t"].fillna(0.0).to_numpy(dtype=float)
    basic_row = table["basic"].to_numpy(dtype=bool)
    plus_row = table["basic_plus"].to_numpy(dtype=bool)
    land = table["code"].astype(str).str.startswith("V.2").to_numpy(dtype=bool)
    removal = np.minimum(co2e, 0.0)
    biogenic = table["biogenic_co2_t"].fillna(0.0).to_numpy(dtype=float)
    names = table["name"].to_numpy(dtype=object)
    records = []
    for code, level in enumerate(levels):
        mine = level_of == code
        basic = float(co2e[mine & basic_row].sum())
        basic_plus = float(co2e[mine & plus_row].sum())
        removals = float(removal[mine & land].sum())
        pop = float(population.get(str(level), np.nan))
        records.append(
            {
                key: level,
                "name": names[np.flatnonzero(mine)[0]],
                "population": pop,
                "basic_tco2e": basic,
                "basic_plus_tco2e": basic_plus - removals,
                "afolu_removals_tco2e": removals,
                "basic_plus_net_tco2e": basic_plus,
                "basic_per_capita_tco2e": basic / pop if pop > 0 else np.nan,
                "biogenic_co2_memo_t": float(biogenic[mine].sum()),
            }
        )
    return pd.DataFrame(records)


def write_inventory(
    table: pd.DataFrame,
    totals: pd.DataFrame,
    provenance: Mapping[str, object],
    csv_path: Path,
    json_path: Path,
) -> list[Path]:
    """Write the inventory as plain CSV (one row per level x GPC row) and JSON (with totals,
    uncertainty intervals and provenance), each atomically."""
    # plain CSV (header row, then data): the provenance and the meaning and unit of every
    # column are in the run's datapackage.json
    with atomic_path(Path(csv_path)) as tmp:
        tmp.write_text(table.to_csv(index=False, float_format="%.6g"), encoding="utf-8")
    document = {
        "provenance": provenance,
        "notation_keys": NOTATION_KEYS,
        "totals": json.loads(totals.to_json(orient="records")),
        "rows": json.loads(table.to_json(orient="records")),
    }
    with atomic_path(Path(json_path)) as tmp:
        tmp.write_text(
            json.dumps(document, indent=1, ensure_ascii=False, default=str), encoding="utf-8"
        )
    return [Path(csv_path), Path(json_path)]
