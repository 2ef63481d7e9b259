"""Land cover at 10 m in CORINE Land Cover level-3 codes, consistent with the vector layers.

Burn order (later wins):
1. every parcel with the code of its urban form (drawn per parcel from the form's land-cover mix
   in ``urban_forms.csv``: farmland 211/231/242, forest 311/312/313, reserves 311/324/321/333,
   brownfields 133/121 ...); streets take their block's urban code;
2. ponds (512) in the nature reserves on former mining land;
3. motorways (30 m wide) and primary roads (14 m) as road networks (122);
4. streams (511) at their width, every touched pixel so they stay continuous;
5. building footprints as built-up: 111 in dense forms, 121 for non-residential, else 112;
pixels whose centre is outside the region are nodata (0).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from affine import Affine
from rasterio import features

from minettgeo.layers.codes import LANDCOVER_NODATA
from minettgeo.sample.draws import draw_from_mixtures
from minettgeo.sample.sources import parse_mixture

DENSE_FORMS = ("old_centre", "cite", "new_development")
NON_RESIDENTIAL_USES = ("office", "retail", "education", "health", "industry")
ROAD_WIDTH_M = {"motorway": 30.0, "primary": 14.0}
PONDS_PER_RESERVE_HA = 1 / 150.0


def grid(
    bounds: tuple[float, float, float, float], resolution: float
) -> tuple[Affine, tuple[int, int]]:
    """Transform and shape of a grid covering ``bounds``, aligned on multiples of ``resolution``."""
    minx, miny, maxx, maxy = bounds
    x0 = np.floor(minx / resolution) * resolution
    y1 = np.ceil(maxy / resolution) * resolution
    width = int(np.ceil((maxx - x0) / resolution))
    height = int(np.ceil((y1 - miny) / resolution))
    return Affine(resolution, 0.0, x0, 0.0, -resolution, y1), (height, width)


def parcel_codes(
    parcels: gpd.GeoDataFrame,
    blocks: gpd.GeoDataFrame,
    forms: pd.DataFrame,
    rng: np.random.Generator,
) -> np.ndarray:
    """CLC code of each parcel (streets: the main code of their block's form)."""
    mixes = {f: parse_mixture(m) for f, m in forms["landcover"].items()}
    form = parcels["urban_form"].to_numpy()
    codes = draw_from_mixtures(rng, form, mixes)
    street = form == "street"
    block_form = blocks["form"].to_numpy()[parcels["block"].to_numpy()[street]]
    codes[street] = [next(iter(mixes[f])) for f in block_form]
    return codes.astype(np.int64)


def ponds(blocks: gpd.GeoDataFrame, rng: np.random.Generator) -> np.ndarray:
    """Small ponds (0.3-1.5 ha discs) inside reserve blocks, about one per 150 ha of reserve."""
    reserve = blocks[blocks["form"] == "reserve"]
    if reserve.empty:
        return np.array([], dtype=object)
    n = max(1, round(reserve.geometry.area.sum() / 1e4 * PONDS_PER_RESERVE_HA))
    pick = rng.choice(len(reserve), size=min(n, len(reserve)), replace=False)
    centres = shapely.point_on_surface(reserve.geometry.to_numpy()[pick])
    radius = np.sqrt(rng.uniform(0.3, 1.5, len(pick)) * 1e4 / np.pi)
    return np.asarray(
        shapely.intersection(shapely.buffer(centres, radius), reserve.geometry.to_numpy()[pick])
    )


def building_codes(buildings: gpd.GeoDataFrame, parcels: gpd.GeoDataFrame) -> np.ndarray:
    form = buildings["parcel_id"].map(parcels.set_index("parcel_id")["urban_form"]).to_numpy()
    non_res = buildings["use"].isin(NON_RESIDENTIAL_USES).to_numpy()
    return np.select([non_res, np.isin(form, DENSE_FORMS)], [121, 111], default=112)


def rasterize_landcover(
    region: shapely.Geometry,
    parcels: gpd.GeoDataFrame,
    parcel_code: np.ndarray,
    buildings: gpd.GeoDataFrame,
    roads: gpd.GeoDataFrame,
    streams: gpd.GeoDataFrame,
    pond_geoms: np.ndarray,
    resolution: float = 10.0,
) -> tuple[np.ndarray, Affine]:
    """The land-cover array (uint16, CLC codes, 0 = nodata) and its transform."""
    transform, shape = grid(region.bounds, resolution)
    arr = features.rasterize(
        zip(parcels.geometry.to_numpy(), parcel_code.tolist(), strict=True),
        out_shape=shape,
        transform=transform,
        fill=LANDCOVER_NODATA,
        dtype="uint16",
    )

    def burn(geoms: np.ndarray, value: int | np.ndarray, all_touched: bool = False) -> None:
        if len(geoms) == 0:
            return
        values = np.broadcast_to(np.asarray(value), (len(geoms),)).tolist()
        features.rasterize(
            zip(geoms, values, strict=True),
            out=arr,
            transform=transform,
            all_touched=all_touched,
        )

    burn(pond_geoms, 512)
    for cls, width in ROAD_WIDTH_M.items():
        sel = roads["road_class"].to_numpy() == cls
        burn(shapely.buffer(roads.geometry.to_numpy()[sel], width / 2, cap_style="flat"), 122)
    burn(
        shapely.buffer(streams.geometry.to_numpy(), streams["width_m"].to_numpy(dtype=float) / 2),
        511,
        all_touched=True,
    )
    burn(buildings.geometry.to_numpy(), building_codes(buildings, parcels))

    inside = features.geometry_mask([region], out_shape=shape, transform=transform, invert=True)
    arr[~inside] = LANDCOVER_NODATA
    return arr, transform


#: reference years of the two modelled land-cover maps
LANDCOVER_YEAR = 2024
PREVIOUS_YEAR = 2012
FOREST_CODES = (311, 312, 313, 324)
AGE_NODATA = 255
RECENT_PERIODS = ("2011_2016", "2017_2030")


def previous_codes(
    parcels: gpd.GeoDataFrame,
    codes_now: np.ndarray,
    buildings: gpd.GeoDataFrame,
    rng: np.random.Generator,
) -> np.ndarray:
    """Land cover of each parcel in 2012, from what changed since (stated assumptions):

    - parcels built on since 2011 were farmland (suburb extensions) or steelworks land (Belval);
    - brownfields were still working steelworks (121) until 2012;
    - transitional woodland in the reserves was bare rock or dry grassland (natural succession);
    - 2 % of today's forest parcels were farmland (afforestation)."""
    before = codes_now.copy()
    form = parcels["urban_form"].to_numpy()
    recent = buildings[buildings["construction_period"].isin(RECENT_PERIODS)]["parcel_id"].unique()
    new_built = parcels["parcel_id"].isin(recent).to_numpy()
    draw = rng.random(len(parcels))
    suburb_new = new_built & np.isin(form, ["suburb", "village_core"])
    before[suburb_new] = np.where(draw[suburb_new] < 0.5, 211, 231)
    redeveloped = new_built & (form == "new_development")
    before[redeveloped] = np.where(draw[redeveloped] < 0.5, 133, 121)
    before[form == "brownfield"] = 121
    succession = (form == "reserve") & (codes_now == 324)
    before[succession] = np.where(draw[succession] < 0.5, 333, 321)
    afforested = (form == "forest") & (draw < 0.02)
    before[afforested] = 211
    return before


def forest_age(
    parcels: gpd.GeoDataFrame,
    codes_now: np.ndarray,
    codes_before: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Stand age (years, in 2024) of forest and woodland parcels; AGE_NODATA elsewhere.

    Reserves were planted in the 1970s-80s (Prënzebierg: about 168,000 trees in the 1970s,
    MINETT-PRENZ): 38-52 years; other forest 30-130 years; transitional woodland 5-19 years;
    land that became forest or woodland since 2012: at most 12 years."""
    age = np.full(len(parcels), AGE_NODATA, dtype=np.int64)
    form = parcels["urban_form"].to_numpy()
    forest = np.isin(codes_now, FOREST_CODES)
    mature = forest & (codes_now != 324)
    age[mature] = rng.integers(30, 131, mature.sum())
    planted = mature & (form == "reserve")
    age[planted] = rng.integers(38, 53, planted.sum())
    shrub = forest & (codes_now == 324)
    age[shrub] = rng.integers(5, 20, shrub.sum())
    new = forest & (codes_before != codes_now)
    age[new] = rng.integers(1, LANDCOVER_YEAR - PREVIOUS_YEAR + 1, new.sum())
    return age


def rasterize_age(
    parcels: gpd.GeoDataFrame, age: np.ndarray, landcover: np.ndarray, transform: Affine
) -> np.ndarray:
    """Forest age raster (uint8 years, 255 = no forest or unknown) on the land-cover grid."""
    keep = age != AGE_NODATA
    arr = features.rasterize(
        zip(parcels.geometry.to_numpy()[keep], age[keep].tolist(), strict=True),
        out_shape=landcover.shape,
        transform=transform,
        fill=AGE_NODATA,
        dtype="uint8",
    )
    arr[~np.isin(landcover, FOREST_CODES)] = AGE_NODATA
    return arr


def protected_areas(blocks: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Nature reserves on former mining land: the union of each reserve's blocks (modelled extent)."""
    reserve = blocks[blocks["form"] == "reserve"]
    rows = []
    for i, (name, group) in enumerate(reserve.groupby("site", sort=True)):
        rows.append(
            {
                "area_id": f"PA{i + 1:02d}",
                "name": name,
                "designation": "nature reserve (former open-cast mine)",
                "geometry": shapely.coverage_union_all(group.geometry.to_numpy()),
            }
        )
    return (
        gpd.GeoDataFrame(rows, geometry="geometry", crs=blocks.crs)
        if rows
        else gpd.GeoDataFrame(
            {"area_id": [], "name": [], "designation": []}, geometry=[], crs=blocks.crs
        )
    )
