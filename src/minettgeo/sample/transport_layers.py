"""The transport layers of the sample region: all roads (motorways, OSM primaries, the modelled
local network with its traffic) and the real rail lines clipped to the region."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from minettgeo import CRS
from minettgeo.sample import roads as rd
from minettgeo.sample.metadata import SAMPLE_GRADES
from minettgeo.sample.sources import SampleSources


def rail_lines(lines: gpd.GeoDataFrame, region: shapely.Geometry) -> gpd.GeoDataFrame:
    """The rail layer (contract ``rail``): the real OSM railway lines clipped to the region, one
    row per line part inside it. The source has no attributes: every line is taken as electrified
    (CFL: 574 of 617 track-km electrified; the diesel-hauled share of train-km on electrified
    lines is a factor, rail_traffic.csv)."""
    clipped = shapely.intersection(lines.geometry.to_numpy(), region)
    parts = shapely.get_parts(shapely.line_merge(clipped))
    parts = parts[shapely.length(parts) > 0]
    parts = parts[np.isin(shapely.get_type_id(parts), [1])]  # LineString parts only
    return gpd.GeoDataFrame(
        {
            "rail_id": [f"L{i + 1:04d}" for i in range(len(parts))],
            "traction": "electric",
            "name": None,
            "source": "osm",
            "traction_grade": SAMPLE_GRADES["traction"],
        },
        geometry=list(parts),
        crs=CRS,
    )


def make_roads(
    src: SampleSources,
    blocks: gpd.GeoDataFrame,
    districts: gpd.GeoDataFrame,
    seeds: np.ndarray,
    region: shapely.Geometry,
    region_field: object,
    rng: np.random.Generator,
) -> gpd.GeoDataFrame:
    """All roads of the region (see :mod:`minettgeo.sample.roads`)."""
    minx, miny, maxx, maxy = region.bounds
    envelope = shapely.box(minx - 500, miny - 500, maxx + 500, maxy + 500)
    edges = rd.block_edges(seeds, region, envelope)
    a, b = rd.edge_sides(edges, blocks)
    base = rd.base_class(a, b, rng)

    loc_xy = shapely.get_coordinates(src.localities.geometry.to_numpy())
    dist_xy = shapely.get_coordinates(shapely.point_on_surface(districts.geometry.to_numpy()))
    pairs = rd._mst_pairs(loc_xy)
    links: list[tuple[np.ndarray, np.ndarray, str]] = [
        (loc_xy[[p for p, _ in pairs]], loc_xy[[q for _, q in pairs]], "secondary")
    ]
    src_pts, dst_pts = [], []
    for code in districts["lau2"].unique():
        sel = np.flatnonzero(districts["lau2"].to_numpy() == code)
        for p, q in rd._mst_pairs(dist_xy[sel]):
            src_pts.append(dist_xy[sel[p]])
            dst_pts.append(dist_xy[sel[q]])
        locs = np.flatnonzero(src.localities["lau2"].to_numpy() == code)
        for i in sel:
            j = locs[np.argmin(np.hypot(*(loc_xy[locs] - dist_xy[i]).T))]
            src_pts.append(dist_xy[i])
            dst_pts.append(loc_xy[j])
    links.append((np.array(src_pts), np.array(dst_pts), "tertiary"))
    routed = rd.route_classes(edges, links)
    rank = np.maximum(
        pd.Series(base).map(rd.RANK).fillna(-1).to_numpy(),
        pd.Series(routed).map(rd.RANK).fillna(-1).to_numpy(),
    ).astype(int)
    names = {r: c for c, r in rd.RANK.items()}
    final = np.array([names.get(r) for r in rank], dtype=object)
    local = rd.merge_by_class(edges, final)
    is_urban = region_field.is_urban  # type: ignore[attr-defined]

    def midpoints(g: gpd.GeoDataFrame) -> np.ndarray:
        return shapely.get_coordinates(
            shapely.line_interpolate_point(g.geometry.to_numpy(), 0.5, normalized=True)
        )

    local = rd.traffic(local, src.traffic, is_urban(midpoints(local)), rng).assign(
        name=None, source="modelled"
    )
    primary = rd.primary_roads(src.osm_roads, region)
    primary = rd.traffic(primary, src.traffic, is_urban(midpoints(primary)), rng)
    motorway = rd.motorway_roads(src.motorways, region, src.traffic)
    roads = pd.concat([motorway, primary, local], ignore_index=True)
    roads = gpd.GeoDataFrame(roads, geometry="geometry", crs=CRS)
    roads.insert(0, "road_id", ["R" + f"{i + 1:06d}" for i in range(len(roads))])
    motorway = roads["road_class"].to_numpy() == "motorway"
    roads["aadt_grade"] = np.where(motorway, "default", "estimated")
    roads["speed_kmh_grade"] = "default"
    return roads
