"""Parcels must tessellate each commune: no overlaps between parcels, no gaps between them.

Area accounting first, for every commune that has parcels (it costs one area per parcel):
``excess = sum of parcel areas - A_commune``. A clean tessellation has ``excess = 0`` (the
sample region: below 0.001 m2 per commune); only communes whose excess exceeds the tolerance
are searched, so a valid region pays nothing more.

Overlaps in a flagged commune: each parcel's representative point (inside it) is looked up in
the STRtree of the other parcels (``within``): duplicated parcels and parcels lying over others
are found this way in O(n log n); when the intersection areas of those pairs do not explain the
excess, every pair of intersecting parcels of the commune is searched (``overlaps`` and
``contains`` predicates, then the exact intersection area). Pairs sharing more than
:data:`OVERLAP_TOLERANCE_M2` are reported with both ids.

Gaps: ``A_commune - (sum of parcel areas - overlap area)`` above the tolerance; the gaps are then
located as ``commune - union(parcels)``, each part above :data:`GAP_TOLERANCE_M2` reported with
its area and a point inside it (EPSG:2169). A commune without parcels is not checked (a parcels
layer may cover part of a region). An overlap exactly balanced by a gap of the same area in the
same commune is found only when a parcel's representative point lies in another parcel.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from minettgeo.layers.problems import ValidationReport

#: intersection of two parcels counted as an overlap, m2
OVERLAP_TOLERANCE_M2 = 1.0
#: uncovered part of a commune counted as a gap, m2
GAP_TOLERANCE_M2 = 1.0
#: examples written into a message
EXAMPLES = 5


@dataclass(frozen=True)
class Overlaps:
    """Pairs of parcels (row positions ``i < j``) and the area they share, m2."""

    i: np.ndarray
    j: np.ndarray
    area_m2: np.ndarray


def _pairs_with_area(
    geoms: np.ndarray, i: np.ndarray, j: np.ndarray, tolerance_m2: float
) -> Overlaps:
    """Distinct pairs ``i < j`` and their intersection area, those above the tolerance."""
    lo, hi = np.minimum(i, j), np.maximum(i, j)
    keep = lo < hi
    if not keep.any():
        return Overlaps(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))
    pairs = np.unique(np.stack([lo[keep], hi[keep]]), axis=1)
    area = shapely.area(shapely.intersection(geoms[pairs[0]], geoms[pairs[1]]))
    big = area > tolerance_m2
    return Overlaps(pairs[0][big], pairs[1][big], area[big])


def deep_overlaps(geoms: np.ndarray, tolerance_m2: float = OVERLAP_TOLERANCE_M2) -> Overlaps:
    """Pairs where one polygon's representative point lies inside the other (duplicates,
    polygons over others): one ``within`` query of n points."""
    points = shapely.point_on_surface(geoms)
    p, g = shapely.STRtree(geoms).query(points, predicate="within")
    return _pairs_with_area(geoms, p, g, tolerance_m2)


def parcel_overlaps(geoms: np.ndarray, tolerance_m2: float = OVERLAP_TOLERANCE_M2) -> Overlaps:
    """Every pair of polygons sharing more than ``tolerance_m2`` of area (``area(a ∩ b)``)."""
    tree = shapely.STRtree(geoms)
    pairs = np.concatenate(
        [tree.query(geoms, predicate=p) for p in ("overlaps", "contains")], axis=1
    )
    return _pairs_with_area(geoms, pairs[0], pairs[1], tolerance_m2)


@dataclass(frozen=True)
class Gaps:
    """Uncovered parts of communes: commune code, area (m2), a point inside (x, y in EPSG:2169)."""

    lau2: np.ndarray
    area_m2: np.ndarray
    x: np.ndarray
    y: np.ndarray


def commune_gaps(
    parcels: gpd.GeoDataFrame,
    communes: gpd.GeoDataFrame,
    overlap_by_lau2: pd.Series,
    tolerance_m2: float = GAP_TOLERANCE_M2,
) -> Gaps:
    """Parts of each commune (with parcels) that no parcel covers, larger than ``tolerance_m2``."""
    covered = pd.Series(shapely.area(parcels.geometry.to_numpy()), index=parcels.index)
    covered = covered.groupby(parcels["lau2"].to_numpy()).sum()
    covered = covered.sub(overlap_by_lau2.reindex(covered.index).fillna(0.0))
    com = communes.set_index("lau2")
    com = com[com.index.isin(covered.index)]
    deficit = pd.Series(shapely.area(com.geometry.to_numpy()), index=com.index) - covered.reindex(
        com.index
    )
    suspects = deficit.index[deficit.to_numpy() > tolerance_m2]
    codes: list[np.ndarray] = []
    parts: list[np.ndarray] = []
    for code in suspects:  # one union per commune with missing area (11 communes, not per parcel)
        mine = parcels.geometry.to_numpy()[parcels["lau2"].to_numpy() == code]
        hole = shapely.get_parts(shapely.difference(com.geometry[code], shapely.union_all(mine)))
        hole = hole[shapely.get_type_id(hole) == shapely.GeometryType.POLYGON]
        hole = hole[shapely.area(hole) > tolerance_m2]
        parts.append(hole)
        codes.append(np.full(len(hole), code, dtype=object))
    geoms = np.concatenate(parts) if parts else np.zeros(0, dtype=object)
    where = (
        shapely.get_coordinates(shapely.point_on_surface(geoms)) if len(geoms) else np.zeros((0, 2))
    )
    return Gaps(
        lau2=np.concatenate(codes) if codes else np.zeros(0, dtype=object),
        area_m2=shapely.area(geoms) if len(geoms) else np.zeros(0),
        x=where[:, 0],
        y=where[:, 1],
    )


def _overlaps_in(
    geoms: np.ndarray, lau2: np.ndarray, excess: pd.Series, tolerance_m2: float
) -> Overlaps:
    """Overlapping pairs among the parcels of the communes with an area excess (row positions
    of ``geoms``): representative points first, every pair where they do not explain it."""
    found: list[Overlaps] = []
    for code in excess.index[excess.to_numpy() > tolerance_m2]:  # a few communes, not parcels
        rows = np.flatnonzero(lau2 == code)
        pairs = deep_overlaps(geoms[rows])
        if excess[code] - pairs.area_m2.sum() > tolerance_m2:
            pairs = parcel_overlaps(geoms[rows])
        found.append(Overlaps(rows[pairs.i], rows[pairs.j], pairs.area_m2))
    if not found:
        return Overlaps(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))
    return Overlaps(
        *(np.concatenate([getattr(o, k) for o in found]) for k in ("i", "j", "area_m2"))
    )


def check_tessellation(
    parcels: gpd.GeoDataFrame, communes: gpd.GeoDataFrame | None, report: ValidationReport
) -> None:
    """Add an ``overlap`` error (both parcel ids of each pair) and a ``gap`` error (commune,
    area and location of each gap) to ``report``. Without communes, every pair is searched."""
    geoms = parcels.geometry.to_numpy()
    ids = parcels["parcel_id"].astype(str).to_numpy()
    lau2 = parcels["lau2"].astype(str).to_numpy() if "lau2" in parcels.columns else None
    if communes is None or lau2 is None:
        found = deep_overlaps(geoms)
        gaps = None
    else:
        area = pd.Series(shapely.area(geoms)).groupby(lau2).sum()
        com = communes.set_index(communes["lau2"].astype(str))
        com = com[com.index.isin(area.index)]
        commune_area = pd.Series(shapely.area(com.geometry.to_numpy()), index=com.index)
        excess = (area - commune_area).dropna()
        found = _overlaps_in(geoms, lau2, excess, OVERLAP_TOLERANCE_M2)
        overlap_by_lau2 = pd.Series(found.area_m2).groupby(lau2[found.i]).sum()
        gaps = commune_gaps(
            parcels.assign(lau2=lau2),
            com.reset_index(drop=True).assign(lau2=com.index),
            overlap_by_lau2,
        )
    _report_overlaps(found, ids, report)
    if gaps is not None:
        _report_gaps(gaps, report)


def _report_overlaps(found: Overlaps, ids: np.ndarray, report: ValidationReport) -> None:
    if not len(found.i):
        return
    order = np.argsort(-found.area_m2, kind="stable")
    examples = ", ".join(
        f"{ids[found.i[k]]} and {ids[found.j[k]]} ({found.area_m2[k]:,.0f} m2)"
        for k in order[:EXAMPLES]
    )
    report.add(
        "overlap",
        f"{len(found.i):,} pair(s) of parcels overlap ({found.area_m2.sum():,.0f} m2 in all; "
        f"largest: {examples}); parcels must not overlap: remove duplicated parcels or "
        "correct their boundaries",
        ids=sorted(set(ids[found.i]) | set(ids[found.j])),
    )


def _report_gaps(gaps: Gaps, report: ValidationReport) -> None:
    if not len(gaps.area_m2):
        return
    order = np.argsort(-gaps.area_m2, kind="stable")
    examples = ", ".join(
        f"{gaps.area_m2[k]:,.0f} m2 in commune {gaps.lau2[k]} around "
        f"x={gaps.x[k]:,.0f} y={gaps.y[k]:,.0f}"
        for k in order[:EXAMPLES]
    )
    report.add(
        "gap",
        f"{len(gaps.area_m2):,} gap(s) where no parcel covers the commune "
        f"({gaps.area_m2.sum():,.0f} m2 in all; largest: {examples}; EPSG:2169); parcels must "
        "tessellate each commune: add the missing parcels or correct their boundaries",
    )
