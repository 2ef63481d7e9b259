"""Parcels must tessellate each commune: no overlaps between parcels, no gaps between them.

Overlaps: candidate pairs from one STRtree query per predicate (``overlaps`` for partial
overlaps, ``contains`` for duplicates and nested parcels), then the exact area of each pair's
intersection; pairs sharing more than :data:`OVERLAP_TOLERANCE_M2` are reported with both ids.

Gaps: for each commune that has parcels, ``gap = A_commune - (sum of parcel areas - overlap
area)`` tells whether anything is missing; only then the exact gaps are computed as
``commune - union(parcels)`` and each part above :data:`GAP_TOLERANCE_M2` is reported with its
area and location (a point inside it, EPSG:2169). A commune without parcels is not checked (a
parcels layer may cover part of a region).
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from minettgeo.layers.validate import ValidationReport

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


def parcel_overlaps(geoms: np.ndarray, tolerance_m2: float = OVERLAP_TOLERANCE_M2) -> Overlaps:
    """Every pair of polygons sharing more than ``tolerance_m2`` of area (``area(a ∩ b)``)."""
    tree = shapely.STRtree(geoms)
    pairs = np.concatenate(
        [tree.query(geoms, predicate=p) for p in ("overlaps", "contains")], axis=1
    )
    i, j = np.minimum(pairs[0], pairs[1]), np.maximum(pairs[0], pairs[1])
    keep = i < j
    pairs = np.unique(np.stack([i[keep], j[keep]]), axis=1)
    i, j = pairs[0], pairs[1]
    area = shapely.area(shapely.intersection(geoms[i], geoms[j])) if len(i) else np.zeros(0)
    big = area > tolerance_m2
    return Overlaps(i[big], j[big], area[big])


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


def check_tessellation(
    parcels: gpd.GeoDataFrame, communes: gpd.GeoDataFrame | None, report: ValidationReport
) -> None:
    """Add an ``overlap`` error (both parcel ids of each pair) and a ``gap`` error (commune,
    area and location of each gap) to ``report``."""
    geoms = parcels.geometry.to_numpy()
    ids = parcels["parcel_id"].astype(str).to_numpy()
    found = parcel_overlaps(geoms)
    if len(found.i):
        order = np.argsort(-found.area_m2)
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
    if communes is None or "lau2" not in parcels.columns:
        return
    lau2 = parcels["lau2"].to_numpy()
    overlap_by_lau2 = pd.Series(found.area_m2).groupby(lau2[found.i]).sum()
    gaps = commune_gaps(parcels, communes, overlap_by_lau2)
    if len(gaps.area_m2):
        order = np.argsort(-gaps.area_m2)
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
