"""Geometry hygiene for polygons from cadastres and overlays: repeated vertices and spikes.

Overlay operations (and real cadastral data) leave vertices that repeat, and rings that run out
along a line and straight back (zero-area spikes). GEOS calls such polygons valid, but raster
tools trip over them (exactextract 0.3 can miss a whole interior cell). These helpers find them
and remove them, vectorised over all rings at once.
"""

from __future__ import annotations

import numpy as np
import shapely
from numpy.typing import NDArray

GeomArray = NDArray[np.object_]


def _ring_vertices(geoms: GeomArray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Vertices of every ring (closing vertex dropped): xy, ring id, polygon id per ring, rings."""
    parts, part_of = shapely.get_parts(np.asarray(geoms), return_index=True)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    xy, ring_of = shapely.get_coordinates(rings, return_index=True)
    closing = np.r_[ring_of[1:] != ring_of[:-1], True] if len(ring_of) else np.zeros(0, dtype=bool)
    return xy[~closing], ring_of[~closing], part_of[ring_part], rings


def _neighbours(ring_of: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index of the previous and next vertex of each vertex within its ring."""
    start = np.r_[0, np.flatnonzero(ring_of[1:] != ring_of[:-1]) + 1]
    n = np.diff(np.r_[start, len(ring_of)])
    first = np.repeat(start, n)
    pos = np.arange(len(ring_of)) - first
    size = np.repeat(n, n)
    return first + (pos - 1) % size, first + (pos + 1) % size


def suspicious_polygons(
    geoms: GeomArray, min_segment_m: float = 1e-3, min_sine: float = 1e-4
) -> NDArray[np.bool_]:
    """Polygons with a segment shorter than ``min_segment_m`` or a near-spike (a vertex where
    the ring turns back with an angle whose sine is below ``min_sine``)."""
    out = np.zeros(len(geoms), dtype=bool)
    xy, ring_of, poly_of, _ = _ring_vertices(geoms)
    if len(xy) == 0:
        return out
    prev, nxt = _neighbours(ring_of)
    a, b = xy[prev] - xy, xy[nxt] - xy
    la, lb = np.hypot(*a.T), np.hypot(*b.T)
    sine = np.abs(a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0]) / np.maximum(la * lb, 1e-30)
    bad = (la < min_segment_m) | ((sine < min_sine) & ((a * b).sum(axis=1) > 0))
    out[np.unique(poly_of[ring_of[bad]])] = True
    return out


#: vertices closer than this (m) are one vertex
REPEATED_POINT_M = 1e-6


def remove_spikes(geoms: GeomArray, passes: int = 4) -> GeomArray:
    """Polygons (or multipolygons) without repeated vertices and zero-area spikes (a ring running
    out along a line and straight back), which overlay operations leave and raster tools trip on.

    Only degenerate vertices are dropped: every other vertex keeps its exact coordinates, so
    shared edges of neighbouring polygons stay identical and areas are unchanged."""
    geoms = np.asarray(geoms)
    parts, part_of = shapely.get_parts(geoms, return_index=True)
    cleaned = _remove_spikes_polygons(parts, passes)
    out = geoms.copy()
    single = shapely.get_type_id(geoms) == shapely.GeometryType.POLYGON
    multi = np.flatnonzero(~single & np.isin(np.arange(len(geoms)), part_of))
    if single.any():
        first = np.unique(part_of, return_index=True)
        lookup = dict(zip(first[0].tolist(), first[1].tolist(), strict=True))
        idx = np.flatnonzero(single)
        out[idx] = cleaned[[lookup[i] for i in idx]]
    if len(multi):
        keep = np.isin(part_of, multi)
        _, regroup = np.unique(part_of[keep], return_inverse=True)
        out[multi] = shapely.multipolygons(cleaned[keep], indices=regroup)
    return out


def _remove_spikes_polygons(geoms: GeomArray, passes: int) -> GeomArray:
    geoms = shapely.remove_repeated_points(np.asarray(geoms), REPEATED_POINT_M)
    rings, poly_of = shapely.get_rings(geoms, return_index=True)
    xy, ring_of = shapely.get_coordinates(rings, return_index=True)
    closing = np.r_[ring_of[1:] != ring_of[:-1], True]
    xy, ring_of = xy[~closing], ring_of[~closing]
    for _ in range(passes):
        prev, nxt = _neighbours(ring_of)
        size = np.bincount(ring_of)[ring_of]
        a, b = xy[prev] - xy, xy[nxt] - xy
        cross = np.abs(a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0])
        la, lb = np.hypot(*a.T), np.hypot(*b.T)
        spike = (cross <= 1e-7 * np.maximum(la * lb, 1e-18)) & ((a * b).sum(axis=1) > 0)
        spike |= la <= REPEATED_POINT_M
        spike &= size > 3  # never reduce a ring below a triangle
        if not spike.any():
            break
        # drop at most every other vertex of a ring in one pass, so neighbours are re-checked
        spike &= ~np.r_[False, spike[:-1] & (ring_of[1:] == ring_of[:-1])]
        xy, ring_of = xy[~spike], ring_of[~spike]
    counts = np.bincount(ring_of, minlength=len(rings))
    shell = np.r_[True, poly_of[1:] != poly_of[:-1]]
    keep_old = np.unique(
        poly_of[(counts < 3) & shell]
    )  # a collapsed shell: leave that polygon as it was
    collapsed_hole = (counts < 3) & ~shell  # a zero-area hole: drop it
    alive = ~collapsed_hole[ring_of]
    xy, ring_of = xy[alive], ring_of[alive]
    present, ring_new = np.unique(ring_of, return_inverse=True)  # contiguous ring numbers
    ends = np.r_[np.flatnonzero(ring_new[1:] != ring_new[:-1]), len(ring_new) - 1]
    starts = np.r_[0, ends[:-1] + 1]
    closed_xy = np.insert(xy, ends + 1, xy[starts], axis=0)
    closed_ring = np.insert(ring_new, ends + 1, ring_new[ends])
    new_rings = shapely.linearrings(closed_xy, indices=closed_ring)
    polys_present, poly_new = np.unique(poly_of[present], return_inverse=True)
    polys = shapely.polygons(new_rings, indices=poly_new)
    out = np.asarray(geoms).copy()
    out[polys_present] = polys
    if len(keep_old):
        out[keep_old] = np.asarray(geoms)[keep_old]
    return out
