"""Reading a product file (any vector format GDAL reads, or a GeoTIFF) and checking its CRS.

A file without a CRS, or whose coordinates cannot be in the CRS it declares (LUREF metres
declared as degrees, a tile of another country), is refused with
:class:`~minettgeo.errors.ProductCRSError`; a file in another valid CRS is reprojected to LUREF
(EPSG:2169) and the reprojection is reported.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pyproj
import rasterio
from rasterio.warp import transform_bounds

from minettgeo import CRS
from minettgeo.errors import LayerReadError, ProductCRSError
from minettgeo.layers.io import VECTOR_READ_ERRORS

#: Luxembourg in LUREF (EPSG:2169), m, with a margin of 20 km for the Greater Region edges
LUXEMBOURG_BOUNDS_2169 = (28_000.0, 37_000.0, 127_000.0, 159_000.0)


def read_product_vector(src: Path, *, layer: str | None = None) -> gpd.GeoDataFrame:
    """The features of ``src`` (GeoPackage, GeoJSON, Shapefile, FlatGeobuf, GML...) in LUREF."""
    src = Path(src)
    if not src.is_file():
        raise LayerReadError(f"{src}: no such file")
    if src.stat().st_size == 0:
        raise LayerReadError(f"{src}: the file is empty (0 bytes); download or export it again")
    try:
        gdf = gpd.read_file(src, layer=layer, engine="pyogrio")
    except VECTOR_READ_ERRORS as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise LayerReadError(
            f"{src}: not a readable vector file ({reason}); the file is damaged, truncated or "
            "not in a format GDAL reads: download or export it again"
        ) from exc
    return to_luref(gdf, src)


def to_luref(gdf: gpd.GeoDataFrame, src: Path) -> gpd.GeoDataFrame:
    """``gdf`` reprojected to EPSG:2169 after checking that its CRS is set and plausible."""
    if gdf.crs is None:
        raise ProductCRSError(
            f"{src}: the file has no coordinate reference system; declare the one it is in "
            "(e.g. ogr2ogr -a_srs EPSG:2169 for LUREF, EPSG:4326 for longitude/latitude) and retry"
        )
    if len(gdf) == 0:
        return gdf.to_crs(CRS)
    check_in_luxembourg(tuple(gdf.total_bounds), pyproj.CRS.from_user_input(gdf.crs), src)
    return gdf.to_crs(CRS)


def check_in_luxembourg(
    bounds: tuple[float, float, float, float], crs: pyproj.CRS, src: Path
) -> None:
    """ProductCRSError unless ``bounds`` (in ``crs``) lie in and around Luxembourg."""
    name = crs.to_string()
    west, south, east, north = bounds
    if crs.is_geographic and (max(abs(west), abs(east)) > 180 or max(abs(south), abs(north)) > 90):
        raise ProductCRSError(
            f"{src}: coordinates ({west:,.0f}, {south:,.0f}) to ({east:,.0f}, {north:,.0f}) "
            f"cannot be degrees, yet the file declares {name}; they look like metres (LUREF?): "
            "declare the right CRS (ogr2ogr -a_srs EPSG:2169) and retry"
        )
    with np.errstate(all="ignore"):
        box = transform_bounds(crs, CRS, *bounds, densify_pts=5)
    x0, y0, x1, y1 = LUXEMBOURG_BOUNDS_2169
    inside = all(np.isfinite(box)) and box[0] < x1 and box[2] > x0 and box[1] < y1 and box[3] > y0
    if not inside:
        raise ProductCRSError(
            f"{src}: the features, read in the CRS the file declares ({name}), lie outside "
            f"Luxembourg (LUREF {box[0]:,.0f}, {box[1]:,.0f} to {box[2]:,.0f}, {box[3]:,.0f}); "
            "either the declared CRS is wrong (declare the right one with ogr2ogr -a_srs) or the "
            "file covers another area: use the extract of Luxembourg"
        )


def raster_crs(src: Path) -> tuple[pyproj.CRS, tuple[float, float, float, float]]:
    """CRS and bounds of a GeoTIFF, checked like a vector file's."""
    src = Path(src)
    if not src.is_file():
        raise LayerReadError(f"{src}: no such file")
    try:
        with rasterio.open(src) as ds:
            crs, bounds = ds.crs, tuple(ds.bounds)
    except (OSError, rasterio.errors.RasterioError) as exc:
        raise LayerReadError(
            f"{src}: not a readable GeoTIFF ({exc}); the file is damaged or truncated: download it again"
        ) from exc
    if crs is None:
        raise ProductCRSError(
            f"{src}: the raster has no coordinate reference system; declare it "
            "(gdal_edit.py -a_srs EPSG:3035 for CORINE, EPSG:4326 for WorldCover) and retry"
        )
    proj = pyproj.CRS.from_user_input(crs.to_wkt())
    check_in_luxembourg(bounds, proj, src)
    return proj, bounds
