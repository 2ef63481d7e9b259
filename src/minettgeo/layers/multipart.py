"""One geometry type per published layer: single parts written as one-part multi-geometries.

A GeoPackage layer declares one geometry type, and GDAL takes it from the data written: a parcels
layer whose parcels all happen to be single polygons becomes a ``Polygon`` layer, the next region's
(with one parcel in two pieces) a ``MultiPolygon`` layer. A GIS user appending runs into one table
(``ogr2ogr -append``, PostGIS) or keeping a styled QGIS project then meets a schema that changes with
the data. Published layers therefore always carry the multi type of their family, as the INSPIRE
cadastral parcel (``GM_MultiSurface``) does: ``Polygon`` -> ``MultiPolygon``, ``LineString`` ->
``MultiLineString``. Points stay points (a facility is one place). Coordinates, areas, lengths and
every attribute are unchanged.
"""

from __future__ import annotations

import geopandas as gpd
import shapely


def as_multipart(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``gdf`` with single polygons (lines) as one-part multipolygons (multilinestrings).

    Only layers whose non-empty geometries are all polygonal (or all lineal) are converted; any
    other layer, and a layer already all multi, is returned as it is (not copied)."""
    geoms = gdf.geometry.to_numpy()
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    types = set(shapely.get_type_id(geoms[present]).tolist())
    polygon, multipolygon = shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON
    line, multiline = shapely.GeometryType.LINESTRING, shapely.GeometryType.MULTILINESTRING
    if types and types <= {polygon, multipolygon} and polygon in types:
        single, make = polygon, shapely.multipolygons
    elif types and types <= {line, multiline} and line in types:
        single, make = line, shapely.multilinestrings
    else:
        return gdf
    promote = present & (shapely.get_type_id(geoms) == single)
    out = geoms.copy()
    out[promote] = make(geoms[promote].reshape(-1, 1))
    result = gdf.copy()
    result[gdf.geometry.name] = gpd.GeoSeries(out, index=gdf.index, crs=gdf.crs)
    return result
