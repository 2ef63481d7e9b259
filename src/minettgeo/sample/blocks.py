"""Blocks: the areas between streets and tracks, a Voronoi tessellation of seed points whose
spacing follows the urban form (about 65 m in old centres, 230 m in farmland, 300 m in forest).

Seeds are a jittered 30 m lattice thinned with probability ``(30 / s)^2`` for the wanted spacing
``s``, then relaxed by two Lloyd iterations (each seed moved to its cell's centroid) so blocks are
even-sized. Cells are cut by the commune boundaries, so no block straddles two communes.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from numpy.typing import NDArray

from minettgeo import CRS
from minettgeo.sample.field import FloatArray, Urbanity, locality_radius_m, smooth_noise, urbanity
from minettgeo.sample.geometry import explode, merge_small_pieces

BASE_SPACING_M = 30.0
LLOYD_ITERATIONS = 2

#: wanted block spacing (m) inside each kind of site
SITE_SPACING_M = {
    "reserve": 300.0,
    "slag_heap": 200.0,
    "heavy_industry": 150.0,
    "brownfield": 130.0,
    "activity": 110.0,
    "redevelopment": 80.0,
}
RURAL_SPACING_M = 230.0
CENTRE_SPACING_M = 62.0
EDGE_SPACING_M = 110.0


#: amplitude of the noise that makes urban edges ragged (in units of urbanity)
EDGE_NOISE = 0.2
#: ribbon development along the main roads near towns: weight, half-width (m) and reach (in
#: urban radii of the nearest locality)
RIBBON_WEIGHT = 0.45
RIBBON_WIDTH_M = 120.0
RIBBON_REACH = 1.8


@dataclass(frozen=True)
class RegionField:
    """What the later steps need to know about any point: urbanity, ribbons, smooth noise.

    A point is urban where ``u + ribbon + EDGE_NOISE x noise >= 0.5``, with ``u`` the locality
    kernels (:mod:`minettgeo.sample.field`) and

        ribbon = 0.45 x exp(-(d_road / 120 m)^2) x exp(-(rho / 1.8)^2)

    so towns stretch along the main roads (``d_road``: distance to the nearest one) near them
    (``rho``: distance to the nearest locality over its urban radius)."""

    centres: FloatArray
    radius: FloatArray
    bounds: tuple[float, float, float, float]
    edge_noise_seed: int
    roads: NDArray[np.object_] | None = None

    def urbanity(self, xy: FloatArray) -> Urbanity:
        return urbanity(xy, self.centres, self.radius)

    def edge_noise(self, xy: FloatArray) -> FloatArray:
        """Noise that makes urban edges ragged (scale 600 m), the same wherever it is evaluated."""
        return smooth_noise(np.random.default_rng(self.edge_noise_seed), self.bounds, 600.0, xy)

    def ribbon(self, xy: FloatArray, urb: Urbanity) -> FloatArray:
        if self.roads is None or len(self.roads) == 0:
            return np.zeros(len(xy))
        _, dist = shapely.STRtree(self.roads).query_nearest(
            shapely.points(xy), return_distance=True, all_matches=False
        )
        return np.asarray(
            RIBBON_WEIGHT
            * np.exp(-((dist / RIBBON_WIDTH_M) ** 2))
            * np.exp(-((urb.rho / RIBBON_REACH) ** 2)),
            dtype=np.float64,
        )

    def urban_mask(self, xy: FloatArray, urb: Urbanity | None = None) -> NDArray[np.bool_]:
        urb = urb or self.urbanity(xy)
        return np.asarray(urb.u + self.ribbon(xy, urb) + EDGE_NOISE * self.edge_noise(xy) >= 0.5)

    def is_urban(self, xy: FloatArray) -> NDArray[np.bool_]:
        return self.urban_mask(xy)


def make_field(
    localities: gpd.GeoDataFrame,
    bounds: tuple[float, float, float, float],
    seed: int,
    roads: gpd.GeoDataFrame | None = None,
) -> RegionField:
    centres = shapely.get_coordinates(localities.geometry.to_numpy())
    radius = locality_radius_m(localities["population"].to_numpy(dtype=float))
    lines = None if roads is None else roads.geometry.to_numpy()
    return RegionField(
        centres=centres, radius=radius, bounds=bounds, edge_noise_seed=seed, roads=lines
    )


def site_membership(
    xy: FloatArray, sites: gpd.GeoDataFrame, scale: float = 1.15
) -> NDArray[np.object_]:
    """Kind of the site whose disc (area-equivalent radius x ``scale``) holds each point, or None.

    Sites later in ``sites`` win where discs overlap."""
    kinds = np.full(len(xy), None, dtype=object)
    centres = shapely.get_coordinates(sites.geometry.to_numpy())
    radius = np.sqrt(sites["area_ha"].to_numpy(dtype=float) * 1e4 / np.pi) * scale
    for (cx, cy), r, kind in zip(centres, radius, sites["kind"], strict=True):
        inside = np.hypot(xy[:, 0] - cx, xy[:, 1] - cy) < r
        kinds[inside] = kind
    return kinds


def wanted_spacing(
    xy: FloatArray, field: RegionField, localities: gpd.GeoDataFrame, sites: gpd.GeoDataFrame
) -> FloatArray:
    """Block spacing (m) wanted at each point."""
    urb = field.urbanity(xy)
    urban = field.urban_mask(xy, urb)
    village = (localities["kind"].to_numpy() == "village")[urb.nearest]
    t = np.clip((urb.rho - 0.45) / 0.55, 0.0, 1.0)
    urban_spacing = (CENTRE_SPACING_M + (EDGE_SPACING_M - CENTRE_SPACING_M) * t) * np.where(
        village, 1.15, 1.0
    )
    spacing = np.where(urban, urban_spacing, RURAL_SPACING_M)
    kinds = site_membership(xy, sites[sites["kind"].isin(list(SITE_SPACING_M))])
    for kind, s in SITE_SPACING_M.items():
        hit = kinds == kind
        if kind == "reserve":
            hit &= ~urban
        spacing[hit] = s
    return np.asarray(spacing, dtype=np.float64)


def block_seeds(
    rng: np.random.Generator,
    bounds: tuple[float, float, float, float],
    spacing_at: FloatArray,
    lattice: FloatArray,
) -> FloatArray:
    """Thin the jittered lattice to the wanted spacing: keep a point with p = (30 / s)^2."""
    jitter = rng.uniform(-0.45, 0.45, size=lattice.shape) * BASE_SPACING_M
    keep = rng.random(len(lattice)) < (BASE_SPACING_M / spacing_at) ** 2
    return np.asarray((lattice + jitter)[keep], dtype=np.float64)


def lattice_points(bounds: tuple[float, float, float, float], margin: float = 400.0) -> FloatArray:
    minx, miny, maxx, maxy = bounds
    xs = np.arange(minx - margin, maxx + margin, BASE_SPACING_M)
    ys = np.arange(miny - margin, maxy + margin, BASE_SPACING_M)
    gx, gy = np.meshgrid(xs, ys)
    return np.column_stack([gx.ravel(), gy.ravel()])


def voronoi_cells(seeds: FloatArray, envelope: shapely.Polygon) -> NDArray[np.object_]:
    """Voronoi cells of the seeds, clipped to ``envelope``, in seed order."""
    cells = shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=envelope, ordered=True)
    parts = shapely.get_parts(cells)
    return np.asarray(shapely.intersection(parts, envelope))


def lloyd(seeds: FloatArray, envelope: shapely.Polygon, iterations: int) -> FloatArray:
    """Move each seed to the centroid of its Voronoi cell, ``iterations`` times."""
    for _ in range(iterations):
        cells = voronoi_cells(seeds, envelope)
        seeds = shapely.get_coordinates(shapely.centroid(cells))
    return seeds


def make_blocks(
    communes: gpd.GeoDataFrame,
    field: RegionField,
    localities: gpd.GeoDataFrame,
    sites: gpd.GeoDataFrame,
    rng: np.random.Generator,
) -> tuple[gpd.GeoDataFrame, FloatArray]:
    """Blocks tessellating every commune (columns ``lau2``, ``spacing_m``) and the final seeds."""
    minx, miny, maxx, maxy = field.bounds
    envelope = shapely.box(minx - 500, miny - 500, maxx + 500, maxy + 500)
    lattice = lattice_points(field.bounds)
    seeds = block_seeds(
        rng, field.bounds, wanted_spacing(lattice, field, localities, sites), lattice
    )
    seeds = lloyd(seeds, envelope, LLOYD_ITERATIONS)
    cells = voronoi_cells(seeds, envelope)

    tree = shapely.STRtree(cells)
    commune_geoms = communes.geometry.to_numpy()
    ci, cj = tree.query(commune_geoms, predicate="intersects")  # ci: commune, cj: cell
    pieces = shapely.intersection(cells[cj], commune_geoms[ci])
    parts, src = explode(pieces)
    commune_of = ci[src]
    centroids = shapely.get_coordinates(shapely.centroid(parts))
    spacing = wanted_spacing(centroids, field, localities, sites)
    merged, host = merge_small_pieces(parts, commune_of, 0.25 * spacing**2)
    blocks = gpd.GeoDataFrame(
        {
            "lau2": communes["lau2"].to_numpy()[commune_of[host]],
            "spacing_m": spacing[host],
        },
        geometry=merged,
        crs=CRS,
    )
    return blocks.reset_index(drop=True), seeds
