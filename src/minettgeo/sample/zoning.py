"""Urban form of each block: what it is (old centre, cité, suburb, activity zone, farmland...).

Order of precedence:
1. sites from ``layers/model/sites.csv`` claim the blocks nearest their centre (distance
   roughened by noise) until their published area is reached: nature reserves on former mining
   land (only non-urban blocks), slag heaps, steelworks, brownfields, activity zones, Belval;
2. urban blocks (urbanity >= 0.5) by their distance to the nearest locality, relative to its
   urban radius ``rho``: towns have an old centre (rho < 0.45), a ring of workers' cités and
   suburbs, and recent developments at the edge; villages a core and suburbs; a share of urban
   blocks become public equipment or parks;
3. the rest is farmland or forest, forest where a smooth noise field (biased to the southern
   mining plateau along the French border) is highest, for ``forest_share`` of that area.
"""

from __future__ import annotations

from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import shapely
from numpy.typing import NDArray

from minettgeo.sample.blocks import RegionField
from minettgeo.sample.field import smooth_noise

SITE_ORDER = ("reserve", "slag_heap", "heavy_industry", "brownfield", "activity", "redevelopment")
SITE_FORM = {
    "reserve": "reserve",
    "slag_heap": "slag_heap",
    "heavy_industry": "heavy_industry",
    "brownfield": "brownfield",
    "activity": "activity",
    "redevelopment": "new_development",
}
PUBLIC_SHARE = 0.06
PARK_SHARE = 0.04
FOREST_SHARE = 0.30


def claim_sites(
    points: NDArray[np.float64],
    areas: NDArray[np.float64],
    eligible: Mapping[str, NDArray[np.bool_]],
    sites: gpd.GeoDataFrame,
    noise: NDArray[np.float64],
) -> tuple[NDArray[np.object_], NDArray[np.object_]]:
    """Give each site the eligible blocks nearest its centre until its area is reached.

    Returns per block the claiming site's kind and name (None where unclaimed)."""
    kind = np.full(len(points), None, dtype=object)
    name = np.full(len(points), None, dtype=object)
    order = sorted(range(len(sites)), key=lambda i: SITE_ORDER.index(sites["kind"].iloc[i]))
    for i in order:
        site = sites.iloc[i]
        target_m2 = float(site["area_ha"]) * 1e4
        cx, cy = site.geometry.x, site.geometry.y
        free = np.flatnonzero(eligible[site["kind"]] & (kind == None))  # noqa: E711
        d = np.hypot(points[free, 0] - cx, points[free, 1] - cy) * (1.0 + 0.3 * noise[free])
        near = free[np.argsort(d)]
        cum = np.cumsum(areas[near])
        take = near[: int(np.searchsorted(cum, target_m2)) + 1]
        kind[take] = site["kind"]
        name[take] = site["name"]
    return kind, name


def assign_forms(
    blocks: gpd.GeoDataFrame,
    field: RegionField,
    localities: gpd.GeoDataFrame,
    sites: gpd.GeoDataFrame,
    rng: np.random.Generator,
    forest_share: float = FOREST_SHARE,
) -> gpd.GeoDataFrame:
    """Add ``form`` and ``site`` columns to the blocks."""
    pts = shapely.get_coordinates(shapely.point_on_surface(blocks.geometry.to_numpy()))
    areas = blocks.geometry.area.to_numpy()
    urb = field.urbanity(pts)
    urban = field.urban_mask(pts, urb)
    noise = smooth_noise(rng, field.bounds, 300.0, pts)

    claimable = sites[sites["kind"].isin(SITE_ORDER)]
    eligible = {k: np.ones(len(blocks), dtype=bool) for k in SITE_ORDER}
    eligible["reserve"] = ~urban
    site_kind, site_name = claim_sites(pts, areas, eligible, claimable, noise)
    form = np.array([SITE_FORM.get(k) if k is not None else None for k in site_kind], dtype=object)

    free = form == None  # noqa: E711
    village = (localities["kind"].to_numpy() == "village")[urb.nearest]
    draw = rng.random(len(blocks))
    rho = urb.rho
    town_form = np.select(
        [rho < 0.45, (rho < 0.75) & (draw < 0.40), (rho < 0.75) & (draw < 0.48), rho >= 0.92],
        ["old_centre", "cite", "old_centre", np.where(draw < 0.12, "new_development", "suburb")],
        default="suburb",
    )
    village_form = np.where(rho < 0.40, "village_core", "suburb")
    urban_free = free & urban
    form[urban_free] = np.where(village, village_form, town_form)[urban_free]

    equip = rng.random(len(blocks))
    residential = np.isin(form, ["old_centre", "cite", "suburb", "village_core"]) & urban_free
    form[residential & (equip < PUBLIC_SHARE)] = "public"
    form[residential & (equip >= PUBLIC_SHARE) & (equip < PUBLIC_SHARE + PARK_SHARE)] = "park"

    rural = free & ~urban
    _, miny, _, maxy = field.bounds
    south = 1.0 - (pts[:, 1] - miny) / (maxy - miny)
    forest_score = smooth_noise(rng, field.bounds, 1200.0, pts) + 1.2 * south
    if rural.any():
        idx = np.flatnonzero(rural)
        ranked = idx[np.argsort(-forest_score[idx])]
        cum = np.cumsum(areas[ranked])
        n_forest = int(np.searchsorted(cum, forest_share * cum[-1]))
        form[ranked[:n_forest]] = "forest"
        form[ranked[n_forest:]] = "farmland"

    out = blocks.copy()
    out["form"] = form.astype(str)
    out["site"] = site_name
    out["locality"] = localities["name"].to_numpy()[urb.nearest]
    return out
