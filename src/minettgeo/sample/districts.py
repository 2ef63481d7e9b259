"""Districts (quartiers): contiguous groups of blocks inside one commune.

Each commune gets ``k = max(5, round(population / 3000))`` districts. Seeds are k-means centres
of its urban block centroids (weighted towards where people live); every block joins the nearest
seed. Parts of a district cut off from its main body are handed to the neighbouring district they
share the longest edge with, until every district is one connected piece.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.cluster.vq import kmeans2

from minettgeo import CRS
from minettgeo.sample.geometry import components_within_groups, shared_edges

RESIDENTS_PER_DISTRICT = 3000
MIN_DISTRICTS_PER_COMMUNE = 5
URBAN_FORMS = frozenset(
    {"old_centre", "cite", "suburb", "village_core", "new_development", "public", "park"}
)
COMPASS = ("Est", "Nord-Est", "Nord", "Nord-Ouest", "Ouest", "Sud-Ouest", "Sud", "Sud-Est")


def districts_per_commune(population: int) -> int:
    """``k = max(5, round(P / 3000))``."""
    return max(MIN_DISTRICTS_PER_COMMUNE, round(population / RESIDENTS_PER_DISTRICT))


def seed_districts(
    blocks: gpd.GeoDataFrame, communes: gpd.GeoDataFrame, rng: np.random.Generator
) -> np.ndarray:
    """District number (within the commune) of every block, before contiguity repair."""
    pts = shapely.get_coordinates(shapely.point_on_surface(blocks.geometry.to_numpy()))
    label = np.zeros(len(blocks), dtype=np.int64)
    for _, commune in communes.iterrows():
        sel = np.flatnonzero(blocks["lau2"].to_numpy() == commune["lau2"])
        k = min(districts_per_commune(int(commune["population"])), len(sel))
        urban = np.isin(blocks["form"].to_numpy()[sel], list(URBAN_FORMS))
        basis = pts[sel][urban] if urban.sum() >= 4 * k else pts[sel]
        centres, _ = kmeans2(basis, k, minit="++", seed=rng)
        d = np.hypot(
            pts[sel, None, 0] - centres[None, :, 0], pts[sel, None, 1] - centres[None, :, 1]
        )
        label[sel] = d.argmin(axis=1)
    return label


def make_contiguous(
    blocks: gpd.GeoDataFrame, label: np.ndarray, max_rounds: int = 20
) -> np.ndarray:
    """Reassign detached parts of districts until each district is connected."""
    geoms = blocks.geometry.to_numpy()
    edges = shared_edges(geoms, 1.0)
    commune = pd.factorize(blocks["lau2"])[0].astype(np.int64)
    area = shapely.area(geoms)
    label = label.copy()
    for _ in range(max_rounds):
        key = commune * 10_000 + label
        comp = components_within_groups(len(blocks), edges, key)
        comp_area = pd.Series(area).groupby(comp).sum()
        main = pd.DataFrame({"key": key, "comp": comp, "area": comp_area.reindex(comp).to_numpy()})
        main_comp = (
            main.sort_values("area", ascending=False)
            .drop_duplicates("key")
            .set_index("key")["comp"]
        )
        detached = comp != main_comp.loc[key].to_numpy()
        if not detached.any():
            return label
        both = pd.concat(
            [
                edges.rename(columns={"a": "src", "b": "dst"}),
                edges.rename(columns={"b": "src", "a": "dst"}),
            ]
        )
        src, dst = both["src"].to_numpy(), both["dst"].to_numpy()
        ok = detached[src] & (commune[src] == commune[dst]) & (label[src] != label[dst])
        cand = both[ok].assign(comp=comp[src[ok]], target=label[dst[ok]])
        if cand.empty:
            break
        best = cand.groupby(["comp", "target"])["length"].sum().reset_index()
        best = (
            best.sort_values("length", ascending=False)
            .drop_duplicates("comp")
            .set_index("comp")["target"]
        )
        move = detached & np.isin(comp, best.index.to_numpy())
        label[move] = best.loc[comp[move]].to_numpy()
    return label


def district_names(
    districts: gpd.GeoDataFrame, localities: gpd.GeoDataFrame, radius: np.ndarray
) -> list[str]:
    """``"<nearest locality> <Centre|compass point>"``, numbered where a name repeats."""
    pts = shapely.get_coordinates(shapely.point_on_surface(districts.geometry.to_numpy()))
    loc = shapely.get_coordinates(localities.geometry.to_numpy())
    same = districts["lau2"].to_numpy()[:, None] == localities["lau2"].to_numpy()[None, :]
    d = np.hypot(pts[:, None, 0] - loc[None, :, 0], pts[:, None, 1] - loc[None, :, 1])
    d = np.where(same, d, np.inf)
    k = d.argmin(axis=1)
    dx, dy = pts[:, 0] - loc[k, 0], pts[:, 1] - loc[k, 1]
    sector = np.round(np.arctan2(dy, dx) / (np.pi / 4)).astype(int) % 8
    central = np.hypot(dx, dy) < 0.35 * radius[k]
    base = [
        f"{localities['name'].iloc[i]} {'Centre' if c else COMPASS[s]}"
        for i, c, s in zip(k, central, sector, strict=True)
    ]
    seen: dict[str, int] = {}
    names = []
    for b in base:
        seen[b] = seen.get(b, 0) + 1
        names.append(b if seen[b] == 1 else f"{b} {seen[b]}")
    return names


def make_districts(
    blocks: gpd.GeoDataFrame,
    communes: gpd.GeoDataFrame,
    localities: gpd.GeoDataFrame,
    radius: np.ndarray,
    rng: np.random.Generator,
) -> tuple[gpd.GeoDataFrame, np.ndarray]:
    """District polygons and, for every block, the index of its district."""
    label = make_contiguous(blocks, seed_districts(blocks, communes, rng))
    key = pd.DataFrame({"lau2": blocks["lau2"].to_numpy(), "label": label})
    codes, block_district = np.unique(
        key["lau2"] + ":" + key["label"].astype(str), return_inverse=True
    )
    geoms = blocks.geometry.to_numpy()
    polys = np.array(
        [shapely.coverage_union_all(geoms[block_district == i]) for i in range(len(codes))],
        dtype=object,
    )
    lau2 = np.array([c.split(":")[0] for c in codes])
    districts = gpd.GeoDataFrame({"lau2": lau2}, geometry=polys, crs=CRS)
    # number districts within each commune from north-west to south-east
    pts = shapely.get_coordinates(shapely.point_on_surface(polys))
    order = np.lexsort((pts[:, 0] - pts[:, 1], lau2))
    districts = districts.iloc[order].reset_index(drop=True)
    remap = np.empty(len(order), dtype=np.int64)
    remap[order] = np.arange(len(order))
    block_district = remap[block_district]
    number = districts.groupby("lau2").cumcount() + 1
    districts.insert(0, "district_id", districts["lau2"] + "-Q" + number.map("{:02d}".format))
    districts.insert(1, "name", district_names(districts, localities, radius))
    return districts, block_district
