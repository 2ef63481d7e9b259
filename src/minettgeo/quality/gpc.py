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

The sums run on integer labels: each part's key and code texts are hashed once
(``pd.factorize``; the buildings' row codes ``I.x.1`` / ``I.x.2`` from their subsector's label),
and the (key, code) pairs summed by a group-by on ``key x codes + code`` in the order of the
rows, which gives the sums of a group-by on the texts to the bit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from minettgeo.quality.tables import QualityTables

Array = NDArray[np.float64]
Labels = NDArray[np.intp]


@dataclass(frozen=True)
class Contributions:
    """Weights ``w`` and weighted scores ``ws`` of rows of activity data, with the position of
    each row's key (area) in ``keys`` and of its GPC row code in ``codes`` (-1: none)."""

    key_at: Labels
    keys: pd.Index
    code_at: Labels
    codes: pd.Index
    w: Array
    ws: Array


def factorized(values: pd.Series) -> tuple[Labels, pd.Index]:
    """The position of every value in the distinct values (-1: missing), and these values (as
    Python objects); text columns are encoded by Arrow, without a Python string per row."""
    at, names = pd.factorize(values)
    return np.asarray(at, dtype=np.intp), pd.Index(np.asarray(names, dtype=object), dtype=object)


def labelled(frame: pd.DataFrame, key: str) -> Contributions:
    """The contributions of a frame with columns key, code, w, ws."""
    key_at, keys = factorized(frame[key])
    code_at, codes = factorized(frame["code"])
    return Contributions(
        key_at,
        keys,
        code_at,
        codes,
        frame["w"].to_numpy(dtype=float),
        frame["ws"].to_numpy(dtype=float),
    )


def building_contributions(buildings: pd.DataFrame, key: str) -> Contributions:
    """Weights and weighted scores of the buildings: every building once with code
    ``subsector.1`` (w = scope 1 + biogenic memo) then once with ``subsector.2`` (w = scope 2),
    ws = w x data_quality_score."""
    score = buildings["data_quality_score"].to_numpy(dtype=float)
    scope1 = buildings["scope1_tco2e_a"].to_numpy(dtype=float) + buildings[
        "biogenic_co2_t_a"
    ].to_numpy(dtype=float)
    scope2 = buildings["scope2_tco2e_a"].to_numpy(dtype=float)
    zone_at, zones = factorized(buildings[key])
    sub_at, subs = factorized(buildings["gpc_subsector"])
    sub_names = [str(s) for s in subs]
    codes = pd.Index([s + ".1" for s in sub_names] + [s + ".2" for s in sub_names], dtype=object)
    w = np.concatenate([scope1, scope2])
    return Contributions(
        np.concatenate([zone_at, zone_at]),
        zones,
        np.concatenate([sub_at, np.where(sub_at >= 0, sub_at + len(subs), -1)]).astype(np.intp),
        codes,
        w,
        w * np.concatenate([score, score]),
    )


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
    area = shares["zone"].map(zone_key).array[hit]  # text stays text (no Python objects)
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


def relabelled(at: Labels, names: pd.Index, to: pd.Index) -> Labels:
    """Labels into ``names`` as labels into ``to`` (which holds every name; -1 stays -1)."""
    if not len(at):
        return at
    moved = to.get_indexer(names)
    return np.where(at >= 0, moved[np.maximum(at, 0)], -1).astype(np.intp)


def combined(parts: Sequence[Contributions]) -> Contributions:
    """The rows of ``parts`` one after the other, their labels into the union of the keys and
    of the codes."""
    keys = pd.Index(np.concatenate([p.keys.to_numpy(dtype=object) for p in parts])).unique()
    codes = pd.Index(np.concatenate([p.codes.to_numpy(dtype=object) for p in parts])).unique()
    return Contributions(
        np.concatenate([relabelled(p.key_at, p.keys, keys) for p in parts]),
        pd.Index(keys, dtype=object),
        np.concatenate([relabelled(p.code_at, p.codes, codes) for p in parts]),
        pd.Index(codes, dtype=object),
        np.concatenate([p.w for p in parts]),
        np.concatenate([p.ws for p in parts]),
    )


def group_sums(label: Labels, w: Array, ws: Array) -> pd.DataFrame:
    """Sums of ``w`` and ``ws`` per label >= 0 (rows in their order), indexed by label."""
    keep = label >= 0
    return pd.DataFrame({"w": w[keep], "ws": ws[keep]}).groupby(label[keep], sort=False).sum()


def contribution_scores(
    table: pd.DataFrame, part: Contributions, tables: QualityTables, key: str
) -> pd.Series:
    """The score of every row of the inventory ``table`` (aligned with its index):
    ``sum ws / sum w`` over the contributions of its (key, code), the region's rows summing
    every key, else (no weight) the score of the row's grade; NaN with a notation key."""
    n = len(part.codes)
    pair = np.where((part.key_at >= 0) & (part.code_at >= 0), part.key_at * n + part.code_at, -1)
    by_area = group_sums(pair, part.w, part.ws)
    region = group_sums(part.code_at, part.w, part.ws)
    table_key = table[key].astype(str).to_numpy(dtype=object)
    at_key = part.keys.get_indexer(pd.Index(table_key, dtype=object))
    at_code = part.codes.get_indexer(pd.Index(table["code"].to_numpy(dtype=object)))
    in_area = by_area.reindex(np.where((at_key >= 0) & (at_code >= 0), at_key * n + at_code, -1))
    in_region = region.reindex(at_code)
    is_region = table_key == "region"
    w = np.where(is_region, in_region["w"].to_numpy(float), in_area["w"].to_numpy(float))
    ws = np.where(is_region, in_region["ws"].to_numpy(float), in_area["ws"].to_numpy(float))
    weighted = np.divide(ws, w, out=np.full(len(w), np.nan), where=w > 0)
    fixed = table["code"].map(tables.row_grade).map(tables.score).to_numpy(dtype=float)
    score = np.where(np.isnan(weighted), fixed, weighted)
    has_value = table["notation_key"].fillna("").eq("").to_numpy()
    return pd.Series(np.where(has_value, score, np.nan), index=table.index)


def row_scores(
    table: pd.DataFrame,
    contributions: pd.DataFrame,
    tables: QualityTables,
    key: str,
) -> pd.Series:
    """The score of every row of the inventory ``table`` (aligned with its index): weighted
    from ``contributions`` (key, code, w, ws; the region sums all areas), else the row grade."""
    return contribution_scores(table, labelled(contributions, key), tables, key)


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
        parts.append(labelled(point_source_contributions(point_sources, tables, key), key))
    parts.extend(labelled(p, key) for p in network if len(p))
    score = contribution_scores(table, combined(parts), tables, key).to_numpy()
    return table.assign(data_quality_score=score, data_quality=tables.level_of(score))
