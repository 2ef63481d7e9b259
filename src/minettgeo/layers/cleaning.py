"""Geometry hygiene for polygons from cadastres and overlays: repeated vertices and spikes.

Overlay operations (and real cadastral data) leave vertices that repeat, and rings that run out
along a line and straight back (zero-area spikes). GEOS calls such polygons valid, but raster
tools trip over them (exactextract 0.3 can miss a whole interior cell). Removing spikes can
leave a ring of three collinear vertices (zero area), which GEOS reports as a self-intersection;
such rings are dropped too. These helpers find them and remove them, vectorised over all rings
at once.
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
    """Polygons (or multipolygons) without repeated vertices, zero-area spikes (a ring running
    out along a line and straight back) and zero-area rings, which overlay operations leave and
    raster tools (and GEOS validity) trip on.

    Only degenerate vertices and rings are dropped: every other vertex keeps its exact
    coordinates, so shared edges of neighbouring polygons stay identical and areas are unchanged
    (up to the at most 1 µm x perimeter / 2 of a dropped ring, see :func:`zero_area_rings`).

    - A hole of zero area (left with fewer than three non-collinear vertices, e.g. the slit of
      three collinear vertices an overlay leaves in a field strip, which GEOS reports as a
      self-intersection) is dropped: it removes no area.
    - An exterior of zero area means the polygon has no area. Such a polygon is returned as it
      was, not emptied: the callers keep one row per parcel or zone (``sample/parcels.py``) and
      exactextract cannot read an empty polygon (``land/zonal.py``); its area is zero either way.
      In a multipolygon such a part is dropped when another part is left.
    """
    geoms = np.asarray(geoms)
    parts, part_of = shapely.get_parts(geoms, return_index=True)
    cleaned, collapsed = _remove_spikes_polygons(parts, passes)
    out = geoms.copy()
    kept = ~collapsed
    has_kept = np.bincount(part_of[kept], minlength=len(geoms)) > 0
    kind = shapely.get_type_id(geoms)
    single = np.flatnonzero((kind == shapely.GeometryType.POLYGON) & has_kept)
    out[single] = cleaned[np.searchsorted(part_of, single)]  # parts are in input order
    multi = np.flatnonzero((kind == shapely.GeometryType.MULTIPOLYGON) & has_kept)
    if len(multi):
        sel = np.isin(part_of, multi) & kept
        _, regroup = np.unique(part_of[sel], return_inverse=True)
        out[multi] = shapely.multipolygons(cleaned[sel], indices=regroup)
    return out


def zero_area_rings(xy: np.ndarray, ring_of: np.ndarray, n_rings: int) -> NDArray[np.bool_]:
    """Rings (given by their vertices, closing vertex dropped, grouped by ``ring_of``) whose area
    is zero: mean width 2|A| / P at most ``REPEATED_POINT_M``, i.e. its sides are one line at the
    scale at which two vertices are one vertex. A ring of fewer than three vertices has A = 0.

    A = 1/2 |sum_i (p_i - p_0) x (p_(i+1) - p_0)| (shoelace, m2, vertices taken relative to the
    ring's first vertex p_0 so national coordinates lose no digits), P = sum_i |p_(i+1) - p_i| (m).
    """
    if len(ring_of) == 0:
        return np.ones(n_rings, dtype=bool)
    _, nxt = _neighbours(ring_of)
    start = np.r_[0, np.flatnonzero(ring_of[1:] != ring_of[:-1]) + 1]
    origin = np.repeat(xy[start], np.diff(np.r_[start, len(ring_of)]), axis=0)
    p, q = xy - origin, xy[nxt] - origin
    twice_area = np.abs(np.bincount(ring_of, p[:, 0] * q[:, 1] - q[:, 0] * p[:, 1], n_rings))
    perimeter = np.bincount(ring_of, np.hypot(*(q - p).T), n_rings)
    return twice_area <= REPEATED_POINT_M * perimeter


def _remove_spikes_polygons(geoms: GeomArray, passes: int) -> tuple[GeomArray, NDArray[np.bool_]]:
    """Cleaned polygons, and which of them have a zero-area exterior (returned as they were)."""
    geoms = shapely.remove_repeated_points(np.asarray(geoms), REPEATED_POINT_M)
    rings, poly_of = shapely.get_rings(geoms, return_index=True)
    collapsed = np.zeros(len(geoms), dtype=bool)
    if len(rings) == 0:
        return geoms, collapsed
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
        spike &= size > 3  # zero_area_rings below drops what is left of a flat ring
        if not spike.any():
            break
        # drop at most every other vertex of a ring in one pass, so neighbours are re-checked
        spike &= ~np.r_[False, spike[:-1] & (ring_of[1:] == ring_of[:-1])]
        xy, ring_of = xy[~spike], ring_of[~spike]
    zero = zero_area_rings(xy, ring_of, len(rings))
    shell = np.r_[True, poly_of[1:] != poly_of[:-1]]  # a polygon's first ring is its exterior
    collapsed[poly_of[zero & shell]] = True
    # drop zero-area holes, and every ring of a collapsed polygon (it is returned as it was)
    dead = (zero & ~shell) | collapsed[poly_of]
    alive = ~dead[ring_of]
    xy, ring_of = xy[alive], ring_of[alive]
    out = np.asarray(geoms).copy()
    if len(ring_of) == 0:
        return out, collapsed
    present, ring_new = np.unique(ring_of, return_inverse=True)  # contiguous ring numbers
    ends = np.r_[np.flatnonzero(ring_new[1:] != ring_new[:-1]), len(ring_new) - 1]
    starts = np.r_[0, ends[:-1] + 1]
    closed_xy = np.insert(xy, ends + 1, xy[starts], axis=0)
    closed_ring = np.insert(ring_new, ends + 1, ring_new[ends])
    new_rings = shapely.linearrings(closed_xy, indices=closed_ring)
    polys_present, poly_new = np.unique(poly_of[present], return_inverse=True)
    out[polys_present] = shapely.polygons(new_rings, indices=poly_new)
    return out, collapsed
