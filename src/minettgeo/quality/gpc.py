"""A data-quality column per GPC row (GPC v1.1 ch. 5.4 asks H / M / L per row; BISKO a score).

The score of a row in an area is the emission-weighted mean score of the activity data behind it::

    score(row, area) = sum_i w_i x s_i / sum_i w_i

    buildings (rows I.x.1, I.x.2):  w = the building's scope 1 (+ biogenic memo) or scope 2
                                    t CO2e/a, s = its data_quality_score (quality/buildings.py)
    point sources (I.3.1, IV.x):    w = reported t CO2e/a, s = score(grade)
    road segments (II.1.1, II.1.2): w = the segment's t CO2e/a (II.1.1) or EV-charging t CO2e/a
                                    (II.1.2) x its length share in the area, s = score of its
                                    activity grade (aadt_grade; quality/network.py)
    railway lines (II.2.1, II.2.2): w = the line's diesel (II.2.1) or electric (II.2.2)
                                    t CO2e/a x its length share in the area, s = score of its
                                    traction_grade
    land (V.2):                     w = 1 per commune, s = score of the land-cover product's
                                    grade (one grade per raster: its GeoTIFF tag 'grade')
    other modelled rows, and rows   s = score of the row's grade (quality/data/gpc_row_grades.csv)
    whose weights sum to 0:

The region's score sums the communes' weights and weighted scores. ``data_quality`` is the
level H / M / L whose lowest score the row reaches (quality/data/quality_levels.csv); rows with a
notation key have neither.
"""

from __future__ import annotations

from collections.abc import Sequence

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


def network_contributions(
    results: pd.DataFrame,
    shares: pd.DataFrame,
    zone_key: pd.Series,
    score: np.ndarray,
    rows: dict[str, str],
    key: str,
) -> pd.DataFrame:
    """Weights and weighted scores of road segments or railway lines per (key, code): for each
    ``code -> column`` of ``rows``, ``w = results[column] x share`` of every (feature, zone) in
    ``shares`` (road = feature index of ``results``, zone = district id, share), ``s`` the
    feature's ``score`` (aligned with ``results``); ``zone_key`` maps a district id to ``key``."""
    at = results.index.get_indexer(pd.Index(shares["road"]))
    hit = at >= 0
    at = at[hit]
    share = shares["share"].to_numpy(dtype=float)[hit]
    area = shares["zone"].map(zone_key).to_numpy(dtype=object)[hit]
    parts = []
    for code, column in rows.items():
        if column not in results:
            continue
        w = results[column].to_numpy(dtype=float)[at] * share
        parts.append(
            pd.DataFrame(
                {key: area, "code": code, "w": w, "ws": w * np.asarray(score, dtype=float)[at]}
            )
        )
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


#: the road and rail result columns weighting each GPC row's data quality
ROAD_ROWS = {"II.1.1": "ghg_tco2e_a", "II.1.2": "ev_tco2e_a"}
RAIL_ROWS = {"II.2.1": "rail_diesel_tco2e_a", "II.2.2": "rail_electric_tco2e_a"}
LAND_ROW = "V.2"


def land_contributions(
    areas: list[str], grade: str, tables: QualityTables, key: str
) -> pd.DataFrame:
    """Row V.2: weight 1 per area, score of the land-cover product's grade."""
    s = tables.score[grade]
    return pd.DataFrame({key: areas, "code": LAND_ROW, "w": 1.0, "ws": s})


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
    network: Sequence[pd.DataFrame] = (),
) -> pd.DataFrame:
    """The inventory table with ``data_quality_score`` (0-1) and ``data_quality`` (H/M/L);
    ``network``: further contributions (key, code, w, ws), e.g. of roads, railways and land
    (:func:`network_contributions`, :func:`land_contributions`)."""
    parts = [building_contributions(buildings, key)]
    if point_sources is not None and len(point_sources):
        parts.append(point_source_contributions(point_sources, tables, key))
    parts.extend(p for p in network if len(p))
    score = row_scores(table, pd.concat(parts, ignore_index=True), tables, key)
    return table.assign(
        data_quality_score=score.to_numpy(), data_quality=tables.level_of(score.to_numpy())
    )
