"""Parcels: each block split into plots along its street frontage, plus its street.

Urban blocks first give up a ring of ``street_half_width_m`` along their edge: the street
parcel of the public domain. The rest is laid out in the block's own frame (x along its long
side): rows of about ``depth_m`` back to back, each row cut into plots of about ``frontage_m``
(jittered per row), so old centres get narrow deep plots and suburbs wider ones; farmland is cut
into long field strips, forest into large lots. Pieces smaller than ``min_parcel_m2`` are merged
into their neighbour. Plots keep their local box and street side for placing buildings.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from minettgeo import CRS
from minettgeo.layers.cleaning import remove_spikes
from minettgeo.sample.draws import draw_from_mixtures
from minettgeo.sample.geometry import (
    explode,
    local_bounds,
    long_axis_angle,
    merge_small_pieces,
    valid_polygons,
    world_boxes,
)
from minettgeo.sample.sources import parse_mixture

STREET_FORM = "street"


def street_rings(
    blocks: gpd.GeoDataFrame, forms: pd.DataFrame
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Split urban blocks into an inner part (to be parcelled) and a street ring.

    Returns (sub-blocks to parcel, with ``block`` index; street parcels, with ``block`` index).
    """
    geoms = blocks.geometry.to_numpy()
    half = forms.loc[blocks["form"], "street_half_width_m"].to_numpy(dtype=float)
    inner = np.where(
        half > 0, shapely.buffer(geoms, -half, join_style="mitre", mitre_limit=3.0), geoms
    )
    inner_area = shapely.area(inner)
    min_area = forms.loc[blocks["form"], "min_parcel_m2"].to_numpy(dtype=float)
    ringed = (half > 0) & (inner_area >= np.maximum(min_area, 0.25 * shapely.area(geoms)))
    inner = np.where(ringed, inner, geoms)
    rings = shapely.difference(geoms[ringed], inner[ringed])
    ring_parts, ring_src = explode(rings)
    streets = gpd.GeoDataFrame(
        {"block": np.flatnonzero(ringed)[ring_src]}, geometry=ring_parts, crs=CRS
    )
    parts, src = explode(inner)
    sub = gpd.GeoDataFrame({"block": src}, geometry=parts, crs=CRS)
    return sub, streets


def plot_cells(
    sub: gpd.GeoDataFrame, blocks: gpd.GeoDataFrame, forms: pd.DataFrame, rng: np.random.Generator
) -> pd.DataFrame:
    """Plot boxes of every sub-block, in each sub-block's local frame.

    Columns: ``sub`` (sub-block index), ``x0 y0 x1 y1`` (local box, m), ``side`` (+1 street at
    y0, -1 street at y1), ``angle``, ``ox``, ``oy`` (frame)."""
    geoms = sub.geometry.to_numpy()
    form = blocks["form"].to_numpy()[sub["block"].to_numpy()]
    params = forms.loc[form]
    angle = long_axis_angle(geoms)
    origin = shapely.get_coordinates(shapely.centroid(geoms))
    bounds = local_bounds(geoms, angle, origin)
    width = bounds[:, 2] - bounds[:, 0]
    height = bounds[:, 3] - bounds[:, 1]

    depth = params["depth_m"].to_numpy(dtype=float)
    n_rows = np.maximum(1, np.rint(height / depth)).astype(np.int64)
    row_sub = np.repeat(np.arange(len(sub)), n_rows)
    row_k = np.arange(len(row_sub)) - np.repeat(np.cumsum(n_rows) - n_rows, n_rows)
    row_h = (height / n_rows)[row_sub]
    y0 = bounds[row_sub, 1] + row_k * row_h
    last = row_k == n_rows[row_sub] - 1
    side = np.where((row_k == 0) | ((~last) & (row_k % 2 == 0)), 1, -1)

    frontage = params["frontage_m"].to_numpy(dtype=float)[row_sub]
    cv = params["frontage_cv"].to_numpy(dtype=float)[row_sub]
    sigma = np.sqrt(np.log1p(cv**2))
    row_w = frontage * rng.lognormal(-0.5 * sigma**2, sigma)
    n_cols = np.maximum(1, np.rint(width[row_sub] / row_w)).astype(np.int64)
    cell_row = np.repeat(np.arange(len(row_sub)), n_cols)
    col_k = np.arange(len(cell_row)) - np.repeat(np.cumsum(n_cols) - n_cols, n_cols)
    col_w = (width[row_sub] / n_cols)[cell_row]
    s = row_sub[cell_row]
    x0 = bounds[s, 0] + col_k * col_w
    return pd.DataFrame(
        {
            "sub": s,
            "x0": x0,
            "x1": x0 + col_w,
            "y0": y0[cell_row],
            "y1": y0[cell_row] + row_h[cell_row],
            "side": side[cell_row],
            "angle": angle[s],
            "ox": origin[s, 0],
            "oy": origin[s, 1],
        }
    )


def make_parcels(
    blocks: gpd.GeoDataFrame, forms: pd.DataFrame, rng: np.random.Generator
) -> gpd.GeoDataFrame:
    """Parcels tessellating the blocks: plot parcels (with their local box) and street parcels."""
    sub, streets = street_rings(blocks, forms)
    cells = plot_cells(sub, blocks, forms, rng)
    boxes = world_boxes(
        cells["x0"].to_numpy(),
        cells["y0"].to_numpy(),
        cells["x1"].to_numpy(),
        cells["y1"].to_numpy(),
        cells["angle"].to_numpy(),
        cells[["ox", "oy"]].to_numpy(),
    )
    sub_geoms = sub.geometry.to_numpy()
    pieces = shapely.intersection(boxes, sub_geoms[cells["sub"].to_numpy()])
    parts, cell_of = explode(pieces)
    sub_of = cells["sub"].to_numpy()[cell_of]
    form = blocks["form"].to_numpy()[sub["block"].to_numpy()[sub_of]]
    params = forms.loc[form]
    nominal = (cells["x1"] - cells["x0"]).to_numpy()[cell_of] * (
        cells["y1"] - cells["y0"]
    ).to_numpy()[cell_of]
    min_area = np.maximum(params["min_parcel_m2"].to_numpy(dtype=float), 0.35 * nominal)
    merged, host = merge_small_pieces(parts, sub_of, min_area)
    cell_of = cell_of[host]

    plots = cells.iloc[cell_of].reset_index(drop=True)
    plots["block"] = sub["block"].to_numpy()[plots["sub"].to_numpy()]
    plots = gpd.GeoDataFrame(plots, geometry=merged, crs=CRS)
    plots["urban_form"] = blocks["form"].to_numpy()[plots["block"].to_numpy()]

    streets = streets.assign(urban_form=STREET_FORM)
    parcels = pd.concat([plots, streets], ignore_index=True)
    parcels = gpd.GeoDataFrame(parcels, geometry="geometry", crs=CRS)
    # drop the repeated vertices and zero-area spikes overlay operations leave behind (they trip
    # up raster tools); no other vertex moves, so the tessellation stays exact
    parcels["geometry"] = remove_spikes(parcels.geometry.to_numpy())
    # safety net: remove_spikes now drops zero-area rings (the slits of three collinear vertices
    # that made about 20 of the country's 674,000 field strips invalid); anything still invalid
    # is repaired to its polygonal part
    parcels["geometry"] = valid_polygons(parcels.geometry.to_numpy())
    parcels["lau2"] = blocks["lau2"].to_numpy()[parcels["block"].to_numpy()]
    parcels["area_m2"] = parcels.geometry.area
    return parcels


def zoning_and_owner(
    parcels: gpd.GeoDataFrame, forms: pd.DataFrame, rng: np.random.Generator
) -> gpd.GeoDataFrame:
    """Zoning from the urban form (streets: public); owner type drawn from the form's shares."""
    out = parcels.copy()
    urban_form = out["urban_form"].to_numpy()
    zoning = forms["zoning"].to_dict() | {STREET_FORM: "public"}
    out["zoning"] = pd.Series(urban_form).map(zoning).to_numpy()
    mixtures = {f: parse_mixture(m) for f, m in forms["owner"].items()} | {
        STREET_FORM: {"commune": 1.0}
    }
    out["owner_type"] = draw_from_mixtures(rng, urban_form, mixtures)
    return out
