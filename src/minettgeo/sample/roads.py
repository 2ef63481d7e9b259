"""The road network: real OSM primary roads, modelled motorways, and a modelled local network.

- Motorways: A4, A13 and A3 from approximate waypoints (``layers/model/motorways.csv``) with
  their published AADT.
- Primary roads: the real OpenStreetMap ``highway=primary`` ways (2013), clipped to the region.
- Local network: the edges between blocks (the Voronoi edges of the block seeds). Edges along
  urban blocks are residential streets (service roads in activity zones); some field and forest
  edges are farm and forest tracks. Secondary roads follow the shortest paths over this network
  between neighbouring localities (a minimum spanning tree of the locality centres); tertiary
  roads link every district to its neighbours and to its locality. So every district is reached.
- Traffic: AADT per class from ``layers/model/road_traffic.csv`` (median x lognormal jitter),
  split by vehicle class; speeds by class, lower inside towns.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy import sparse
from scipy.sparse.csgraph import connected_components, dijkstra, minimum_spanning_tree
from scipy.spatial import Delaunay, cKDTree

from minettgeo import CRS
from minettgeo.layers.codes import ROAD_CLASS

RANK = {c: i for i, c in enumerate(reversed(list(ROAD_CLASS)))}  # service 0 ... motorway 5
HOUSING_FORMS = frozenset(
    {"old_centre", "cite", "suburb", "village_core", "new_development", "public", "park"}
)
WORK_FORMS = frozenset({"activity", "heavy_industry", "brownfield"})
#: probability that a block edge becomes a track, by the land on its sides
TRACK_PROBABILITY = {"farmland": 0.35, "forest": 0.15, "reserve": 0.15}


def block_edges(
    seeds: np.ndarray, region: shapely.Geometry, envelope: shapely.Polygon
) -> np.ndarray:
    """Voronoi edges of the block seeds inside the region, as 2-point line strings."""
    edges = shapely.voronoi_polygons(
        shapely.multipoints(seeds), extend_to=envelope, only_edges=True
    )
    lines = shapely.get_parts(edges)
    shapely.prepare(region)
    inside = shapely.intersects(lines, region)
    clipped = shapely.intersection(lines[inside], region)
    parts = shapely.get_parts(clipped)
    parts = parts[shapely.get_type_id(parts) == shapely.GeometryType.LINESTRING]
    return parts[shapely.length(parts) > 0.5]


def edge_sides(edges: np.ndarray, blocks: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Forms of the (up to two) blocks each edge runs between, found at the edge midpoint."""
    mid = shapely.line_interpolate_point(edges, 0.5, normalized=True)
    tree = shapely.STRtree(blocks.geometry.to_numpy())
    ei, bi = tree.query(mid, predicate="dwithin", distance=0.5)
    form = blocks["form"].to_numpy()[bi]
    frame = pd.DataFrame({"e": ei, "form": form}).drop_duplicates(["e", "form"])
    first = frame.drop_duplicates("e").set_index("e")["form"]
    second = frame[frame.duplicated("e")].drop_duplicates("e").set_index("e")["form"]
    a = first.reindex(range(len(edges))).to_numpy(dtype=object)
    b = second.reindex(range(len(edges))).to_numpy(dtype=object)
    b = np.where(pd.isna(b), a, b)
    return a, b


def base_class(a: np.ndarray, b: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Class of each edge before routing (None: not a road, just a field or plot boundary)."""
    housing = (
        pd.Series(a).isin(HOUSING_FORMS).to_numpy() | pd.Series(b).isin(HOUSING_FORMS).to_numpy()
    )
    work = pd.Series(a).isin(WORK_FORMS).to_numpy() | pd.Series(b).isin(WORK_FORMS).to_numpy()
    p_track = np.minimum(
        pd.Series(a).map(TRACK_PROBABILITY).fillna(0.0).to_numpy(),
        pd.Series(b).map(TRACK_PROBABILITY).fillna(0.0).to_numpy(),
    )
    track = rng.random(len(a)) < p_track
    out = np.full(len(a), None, dtype=object)
    out[track | work] = "service"
    out[housing] = "residential"
    return out


def _graph(edges: np.ndarray) -> tuple[sparse.csr_matrix, np.ndarray, np.ndarray, np.ndarray]:
    """Graph of the edges: matrix of lengths, node coordinates, and the two node ids of each edge."""
    ends = np.concatenate(
        [
            shapely.get_coordinates(shapely.get_point(edges, 0)),
            shapely.get_coordinates(shapely.get_point(edges, -1)),
        ]
    )
    nodes, inverse = np.unique(np.round(ends, 2), axis=0, return_inverse=True)
    inverse = inverse.ravel()
    u, v = inverse[: len(edges)], inverse[len(edges) :]
    w = shapely.length(edges)
    n = len(nodes)
    m = sparse.coo_matrix(
        (np.concatenate([w, w]), (np.concatenate([u, v]), np.concatenate([v, u]))), shape=(n, n)
    )
    return m.tocsr(), nodes, u, v


def _mst_pairs(points: np.ndarray) -> list[tuple[int, int]]:
    """Pairs of point indices forming a minimum spanning tree (over the Delaunay graph)."""
    n = len(points)
    if n < 2:
        return []
    if n == 2:
        return [(0, 1)]
    if n == 3:
        d = np.hypot(*(points[:, None, :] - points[None, :, :]).transpose(2, 0, 1))
        tree = minimum_spanning_tree(sparse.csr_matrix(d)).tocoo()
        return list(zip(tree.row.tolist(), tree.col.tolist(), strict=True))
    tri = Delaunay(points)
    a = tri.simplices[:, [0, 1, 2]].ravel()
    b = tri.simplices[:, [1, 2, 0]].ravel()
    d = np.hypot(*(points[a] - points[b]).T)
    m = sparse.coo_matrix((d, (a, b)), shape=(n, n)).tocsr()
    tree = minimum_spanning_tree(m).tocoo()
    return list(zip(tree.row.tolist(), tree.col.tolist(), strict=True))


def route_classes(
    edges: np.ndarray,
    links: list[tuple[np.ndarray, np.ndarray, str]],
) -> np.ndarray:
    """For each edge, the best class of the shortest paths that use it (or None).

    ``links``: (source points, target points, class) - each source is routed to its target."""
    graph, nodes, u, v = _graph(edges)
    tree = cKDTree(nodes)
    edge_of = pd.Series(
        np.arange(len(edges)), index=pd.MultiIndex.from_arrays([np.minimum(u, v), np.maximum(u, v)])
    )
    edge_of = edge_of[~edge_of.index.duplicated()]
    best = np.full(len(edges), -1)
    for src_pts, dst_pts, cls in links:
        if len(src_pts) == 0:
            continue
        _, s = tree.query(src_pts)
        _, t = tree.query(dst_pts)
        sources = np.unique(s)
        _, pred = dijkstra(graph, indices=sources, return_predecessors=True)
        row = {node: i for i, node in enumerate(sources)}
        for a, b in zip(s, t, strict=True):
            path_u, path_v = [], []
            node = b
            while node != a and node >= 0:
                prev = pred[row[a], node]
                if prev < 0:
                    break
                path_u.append(min(prev, node))
                path_v.append(max(prev, node))
                node = prev
            if not path_u:
                continue
            idx = (
                edge_of.reindex(pd.MultiIndex.from_arrays([path_u, path_v]))
                .dropna()
                .to_numpy(dtype=np.int64)
            )
            best[idx] = np.maximum(best[idx], RANK[cls])
    names = {r: c for c, r in RANK.items()}
    return np.array([names.get(r) for r in best], dtype=object)


def merge_by_class(edges: np.ndarray, classes: np.ndarray) -> gpd.GeoDataFrame:
    """Join consecutive edges into road segments that run from junction to junction.

    A segment ends at every node that is not a plain continuation: a junction or dead end
    (degree != 2) or a change of road class, so segments of different classes meet end to end."""
    is_road = classes != None  # noqa: E711
    edges, classes = edges[is_road], classes[is_road].astype(str)
    if len(edges) == 0:
        return gpd.GeoDataFrame({"road_class": []}, geometry=[], crs=CRS)
    _, _, u, v = _graph(edges)
    n_nodes = int(max(u.max(), v.max())) + 1
    ends = np.concatenate([u, v])
    edge_at_end = np.concatenate([np.arange(len(edges)), np.arange(len(edges))])
    degree = np.bincount(ends, minlength=n_nodes)
    order = np.argsort(ends, kind="stable")
    node_sorted, edge_sorted = ends[order], edge_at_end[order]
    first = np.searchsorted(node_sorted, np.arange(n_nodes))
    through = np.flatnonzero(degree == 2)
    e1, e2 = edge_sorted[first[through]], edge_sorted[first[through] + 1]
    keep = (classes[e1] == classes[e2]) & (e1 != e2)
    graph = sparse.coo_matrix(
        (np.ones(keep.sum()), (e1[keep], e2[keep])), shape=(len(edges), len(edges))
    )
    _, chain = connected_components(graph, directed=False)
    by_chain = np.argsort(chain, kind="stable")
    merged = shapely.line_merge(shapely.multilinestrings(edges[by_chain], indices=chain[by_chain]))
    chain_class = pd.Series(classes).groupby(chain).first().to_numpy()
    return gpd.GeoDataFrame({"road_class": chain_class}, geometry=merged, crs=CRS)


def traffic(
    roads: gpd.GeoDataFrame, table: pd.DataFrame, urban: np.ndarray, rng: np.random.Generator
) -> gpd.GeoDataFrame:
    """AADT by vehicle class and speed for modelled (non-motorway) roads."""
    out = roads.copy()
    t = table.loc[out["road_class"]]
    cv = t["aadt_cv"].to_numpy(dtype=float)
    sigma = np.sqrt(np.log1p(cv**2))
    total = t["aadt_median"].to_numpy(dtype=float) * rng.lognormal(0.0, sigma)
    for vc in ("car", "lgv", "hgv", "bus"):
        out[f"aadt_{vc}"] = np.round(total * t[vc].to_numpy(dtype=float), 1)
    out["speed_kmh"] = np.where(urban, t["speed_urban_kmh"], t["speed_kmh"]).astype(float)
    return out


def motorway_roads(
    motorways: gpd.GeoDataFrame, region: shapely.Geometry, table: pd.DataFrame
) -> gpd.GeoDataFrame:
    """Motorway segments inside the region with their published AADT split by vehicle class."""
    clipped = motorways.assign(geometry=shapely.intersection(motorways.geometry.to_numpy(), region))
    clipped = clipped.explode(index_parts=False)
    clipped = clipped[~clipped.geometry.is_empty & (clipped.geometry.length > 1)]
    aadt = clipped["aadt"].to_numpy(dtype=float)
    hgv = clipped["hgv_share"].to_numpy(dtype=float)
    lgv, bus, speed = table.loc["motorway", ["lgv", "bus", "speed_kmh"]].to_numpy(dtype=float)
    return gpd.GeoDataFrame(
        {
            "road_class": "motorway",
            "aadt_car": np.round(aadt * (1 - hgv - lgv - bus), 1),
            "aadt_lgv": np.round(aadt * lgv, 1),
            "aadt_hgv": np.round(aadt * hgv, 1),
            "aadt_bus": np.round(aadt * bus, 1),
            "speed_kmh": speed,
            "name": clipped["ref"].to_numpy(),
            "source": "modelled",
        },
        geometry=clipped.geometry.to_numpy(),
        crs=CRS,
    )


def primary_roads(osm: gpd.GeoDataFrame, region: shapely.Geometry) -> gpd.GeoDataFrame:
    """The real OSM primary roads, clipped to the region, as single line strings."""
    geoms = shapely.intersection(osm.geometry.to_numpy(), region)
    parts, idx = shapely.get_parts(geoms, return_index=True)
    keep = (shapely.get_type_id(parts) == shapely.GeometryType.LINESTRING) & (
        shapely.length(parts) > 1
    )
    ref = osm["ref"].fillna("").to_numpy()[idx[keep]]
    name = osm["name"].fillna("").to_numpy()[idx[keep]]
    label = np.where(
        ref != "", np.char.add(np.char.add(ref.astype(str), " "), name.astype(str)), name
    )
    return gpd.GeoDataFrame(
        {"road_class": "primary", "name": np.char.strip(label.astype(str)), "source": "osm"},
        index=pd.RangeIndex(int(keep.sum())),
        geometry=parts[keep],
        crs=CRS,
    )
