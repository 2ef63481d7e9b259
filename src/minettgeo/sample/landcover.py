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
