"""Vectorised geometry helpers for the sample builder (no per-feature Python loops).

Rotated local frames: a block is described in a frame whose x axis runs along its long side,
so plots can be laid out as axis-aligned boxes and turned back into the world frame.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray
from scipy import sparse
from scipy.sparse.csgraph import connected_components

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
GeomArray = NDArray[np.object_]


def long_axis_angle(geoms: GeomArray) -> FloatArray:
    """Angle (radians) of the longer side of each geometry's minimum rotated rectangle."""
    env = shapely.oriented_envelope(geoms)
    xy = shapely.get_coordinates(shapely.get_exterior_ring(env))
    counts = shapely.get_num_coordinates(shapely.get_exterior_ring(env))
    start = np.concatenate([[0], np.cumsum(counts)[:-1]])
    p0, p1, p2 = xy[start], xy[start + 1], xy[start + 2]
    e1, e2 = p1 - p0, p2 - p1
    use_first = np.hypot(*e1.T) >= np.hypot(*e2.T)
    edge = np.where(use_first[:, None], e1, e2)
    return np.arctan2(edge[:, 1], edge[:, 0])


def to_local(xy: FloatArray, angle: FloatArray, origin: FloatArray) -> FloatArray:
    """World -> local coordinates: translate by ``-origin`` and rotate by ``-angle`` (per row)."""
    c, s = np.cos(angle), np.sin(angle)
    d = xy - origin
    return np.column_stack([c * d[:, 0] + s * d[:, 1], -s * d[:, 0] + c * d[:, 1]])


def to_world(xy: FloatArray, angle: FloatArray, origin: FloatArray) -> FloatArray:
    """Local -> world coordinates (inverse of :func:`to_local`)."""
    c, s = np.cos(angle), np.sin(angle)
    return np.column_stack([c * xy[:, 0] - s * xy[:, 1], s * xy[:, 0] + c * xy[:, 1]]) + origin


def local_bounds(geoms: GeomArray, angle: FloatArray, origin: FloatArray) -> FloatArray:
    """Bounds (minx, miny, maxx, maxy) of each geometry in its own rotated frame."""
    xy, idx = shapely.get_coordinates(geoms, return_index=True)
    loc = to_local(xy, angle[idx], origin[idx])
    out = np.full((len(geoms), 4), np.nan)
    frame = pd.DataFrame({"i": idx, "x": loc[:, 0], "y": loc[:, 1]}).groupby("i")
    mins, maxs = frame.min(), frame.max()
    out[mins.index, 0], out[mins.index, 1] = mins["x"], mins["y"]
    out[maxs.index, 2], out[maxs.index, 3] = maxs["x"], maxs["y"]
    return out


def world_boxes(
    x0: FloatArray,
    y0: FloatArray,
    x1: FloatArray,
    y1: FloatArray,
    angle: FloatArray,
    origin: FloatArray,
) -> GeomArray:
    """Rectangles given in rotated local frames, as world polygons."""
    n = len(x0)
    corners = np.stack(
        [
            np.column_stack([x0, y0]),
            np.column_stack([x1, y0]),
            np.column_stack([x1, y1]),
            np.column_stack([x0, y1]),
            np.column_stack([x0, y0]),
        ],
        axis=1,
    ).reshape(-1, 2)
    rep = np.repeat(np.arange(n), 5)
    world = to_world(corners, angle[rep], origin[rep])
    return shapely.polygons(world.reshape(n, 5, 2))


def explode(geoms: GeomArray) -> tuple[GeomArray, IntArray]:
    """Single-part pieces of each geometry and the index of the geometry each came from."""
    parts, index = shapely.get_parts(geoms, return_index=True)
    keep = ~shapely.is_empty(parts) & (shapely.area(parts) > 0)
    return parts[keep], index[keep]


def shared_edges(
    geoms: GeomArray, min_shared_m: float = 0.5, among: IntArray | None = None
) -> pd.DataFrame:
    """Pairs of polygons that share a boundary of at least ``min_shared_m`` metres.

    Returns a frame with columns ``a``, ``b`` (indices, a < b) and ``length`` (m). With ``among``,
    only pairs with at least one polygon in ``among`` are looked at.
    """
    tree = shapely.STRtree(geoms)
    if among is None:
        a, b = tree.query(geoms, predicate="intersects")
    else:
        q, b = tree.query(geoms[among], predicate="intersects")
        a = among[q]
        a, b = np.minimum(a, b), np.maximum(a, b)
        pairs = np.unique(np.column_stack([a, b]), axis=0)
        a, b = pairs[:, 0], pairs[:, 1]
    keep = a < b
    a, b = a[keep], b[keep]
    shared = shapely.intersection(shapely.boundary(geoms[a]), shapely.boundary(geoms[b]))
    length = shapely.length(shared)
    ok = length >= min_shared_m
    return pd.DataFrame({"a": a[ok], "b": b[ok], "length": length[ok]})


def merge_small_pieces(
    geoms: GeomArray, groups: IntArray, min_area: FloatArray, max_passes: int = 4
) -> tuple[GeomArray, IntArray]:
    """Merge pieces smaller than ``min_area`` into the neighbour of the same group with which
    they share the longest edge.

    Returns the merged geometries and, for each, the index of the input piece that hosts it
    (whose attributes it keeps). The union of all pieces is unchanged: a coverage stays a coverage.
    """
    geoms = geoms.copy()
    alive = np.ones(len(geoms), dtype=bool)
    for _ in range(max_passes):
        area = shapely.area(geoms)
        small = alive & (area < min_area)
        if not small.any():
            break
        edges = shared_edges(
            np.where(alive, geoms, shapely.Polygon()), 0.05, among=np.flatnonzero(small)
        )
        edges = edges[groups[edges["a"]] == groups[edges["b"]]]
        both = pd.concat(
            [
                edges.rename(columns={"a": "src", "b": "dst"}),
                edges.rename(columns={"b": "src", "a": "dst"}),
            ]
        )
        both = both[small[both["src"].to_numpy()] & ~small[both["dst"].to_numpy()]]
        if both.empty:
            break
        best = both.sort_values(["src", "length"], ascending=[True, False]).drop_duplicates("src")
        src, dst = best["src"].to_numpy(), best["dst"].to_numpy()
        # a host may take several small pieces: union them in rounds of one piece per host
        order = pd.Series(dst).groupby(dst).cumcount().to_numpy()
        for k in range(int(order.max()) + 1):
            sel = order == k
            geoms[dst[sel]] = shapely.union(geoms[dst[sel]], geoms[src[sel]])
        alive[src] = False
        geoms[src] = None
    host = np.flatnonzero(alive)
    return geoms[host], host


def components_within_groups(n: int, edges: pd.DataFrame, groups: IntArray) -> IntArray:
    """Connected components of the adjacency graph keeping only edges inside the same group."""
    same = groups[edges["a"].to_numpy()] == groups[edges["b"].to_numpy()]
    a, b = edges["a"].to_numpy()[same], edges["b"].to_numpy()[same]
    graph = sparse.coo_matrix((np.ones(len(a)), (a, b)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    return labels.astype(np.int64)


def valid_polygons(geoms: GeomArray) -> GeomArray:
    """The geometries with every invalid one repaired (``shapely.make_valid``) and kept to its
    polygonal parts: a Polygon, or a MultiPolygon when the repair splits it.

    Valid geometries are returned as they are. The case met in the builder: a zero-area hole
    (a slit of three collinear vertices, left by an overlay and the spike removal) made 20 field
    strips of the national sample invalid (self-intersection). ``layers/cleaning.remove_spikes``
    now drops such zero-area rings itself (the known cause); this repair stays as a cheap safety
    net for any other invalid geometry (one validity check per parcel, a repair only for the
    invalid ones). It drops a slit and keeps the polygon, so the area and the other vertices are
    unchanged and the tessellation stays a tessellation."""
    out = np.asarray(geoms).copy()
    bad = np.flatnonzero(~shapely.is_valid(out))
    if not len(bad):
        return out
    parts, of = shapely.get_parts(shapely.make_valid(out[bad]), return_index=True)
    # a collection may hold a MultiPolygon: take its polygons too
    parts, sub = shapely.get_parts(parts, return_index=True)
    of = of[sub]
    keep = (shapely.get_type_id(parts) == shapely.GeometryType.POLYGON) & (shapely.area(parts) > 0)
    parts, of = parts[keep], of[keep]
    repaired = np.full(len(bad), shapely.Polygon(), dtype=object)
    groups, first, count = np.unique(of, return_index=True, return_counts=True)
    one = count == 1
    repaired[groups[one]] = parts[first[one]]
    many = np.isin(of, groups[~one])
    if many.any():
        _, regroup = np.unique(of[many], return_inverse=True)
        repaired[groups[~one]] = shapely.multipolygons(parts[many], indices=regroup)
    out[bad] = repaired
    return out
