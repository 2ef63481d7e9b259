"""A data-quality column per GPC row (GPC v1.1 ch. 5.4 asks H / M / L per row; BISKO a score).

The score of a row in an area is the emission-weighted mean score of the activity data behind it::

    score(row, area) = sum_i w_i x s_i / sum_i w_i

    buildings (rows I.x.1, I.x.2):  w = the building's scope 1 (+ biogenic memo) or scope 2
                                    t CO2e/a, s = its data_quality_score (quality/buildings.py)
    point sources (I.3.1, IV.x):    w = reported t CO2e/a, s = score(grade)
    other modelled rows:            s = score of the row's grade (quality/data/gpc_row_grades.csv)

The region's score sums the communes' weights and weighted scores. ``data_quality`` is the
level H / M / L whose lowest score the row reaches (quality/data/quality_levels.csv); rows with a
notation key have neither.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from minettgeo.quality.tables import QualityTables


def building_contributions(buildings: pd.DataFrame, key: str) -> pd.DataFrame:
    """Weights and weighted scores of the buildings per (key, code): columns key, code, w, ws."""
    score = buildings["data_quality_score"].to_numpy(dtype=float)
    sub = buildings["gpc_subsector"].to_numpy(dtype=object)
    scope1 = buildings["scope1_tco2e_a"].to_numpy(dtype=float) + buildings[
        "biogenic_co2_t_a"
    ].to_numpy(dtype=float)
    scope2 = buildings["scope2_tco2e_a"].to_numpy(dtype=float)
    zone = buildings[key].to_numpy(dtype=object)
    frame = pd.DataFrame(
        {
            key: np.concatenate([zone, zone]),
            "code": np.concatenate([sub + ".1", sub + ".2"]),
            "w": np.concatenate([scope1, scope2]),
        }
    )
    frame["ws"] = frame["w"].to_numpy() * np.concatenate([score, score])
    return frame


def point_source_contributions(
    point_sources: pd.DataFrame, tables: QualityTables, key: str
) -> pd.DataFrame:
    """Weights (reported t CO2e/a) and weighted scores of the point sources per (key, code)."""
    w = point_sources["t_co2e_per_year"].to_numpy(dtype=float)
    s = point_sources["grade"].map(tables.score).to_numpy(dtype=float)
    return pd.DataFrame(
        {
            key: point_sources["lau2"].to_numpy(dtype=object),
            "code": point_sources["gpc_sector"].to_numpy(dtype=object),
            "w": w,
            "ws": w * s,
        }
    )


def row_scores(
    table: pd.DataFrame,
    contributions: pd.DataFrame,
    tables: QualityTables,
    key: str,
) -> pd.Series:
    """The score of every row of the inventory ``table`` (aligned with its index): weighted
    from ``contributions`` (key, code, w, ws; the region sums all areas), else the row grade."""
    by_area = contributions.groupby([key, "code"])[["w", "ws"]].sum()
    region = contributions.groupby("code")[["w", "ws"]].sum()
    region.index = pd.MultiIndex.from_product([["region"], region.index], names=[key, "code"])
    sums = pd.concat([by_area, region])
    where = pd.MultiIndex.from_arrays([table[key].astype(str), table["code"]])
    picked = sums.reindex(where)
    w = picked["w"].to_numpy(dtype=float)
    weighted = np.divide(
        picked["ws"].to_numpy(dtype=float), w, out=np.full(len(w), np.nan), where=w > 0
    )
    fixed = table["code"].map(tables.row_grade).map(tables.score).to_numpy(dtype=float)
    score = np.where(np.isnan(weighted), fixed, weighted)
    has_value = table["notation_key"].fillna("").eq("").to_numpy()
    return pd.Series(np.where(has_value, score, np.nan), index=table.index)


def with_data_quality(
    table: pd.DataFrame,
    buildings: pd.DataFrame,
    point_sources: pd.DataFrame | None,
    tables: QualityTables,
    key: str = "lau2",
) -> pd.DataFrame:
    """The inventory table with ``data_quality_score`` (0-1) and ``data_quality`` (H/M/L)."""
    parts = [building_contributions(buildings, key)]
    if point_sources is not None and len(point_sources):
        parts.append(point_source_contributions(point_sources, tables, key))
    score = row_scores(table, pd.concat(parts, ignore_index=True), tables, key)
    return table.assign(
        data_quality_score=score.to_numpy(), data_quality=tables.level_of(score.to_numpy())
    )
