"""Checks of a layer's coordinates and geometries: the CRS (reprojected to EPSG:2169 when another),
empty, invalid (repaired with make_valid when something of the expected type is left) and
wrong-type geometries, and features lying outside the region (more than 1 m2 / 1 m and 1 % of
their size beyond the region buffered by :data:`REGION_TOLERANCE_M`)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pyproj
import shapely

from minettgeo import CRS
from minettgeo.layers.contract_types import LayerContract
from minettgeo.layers.problems import ValidationReport, feature_ids

GEOMETRY_TYPE_IDS = {
    "Point": shapely.GeometryType.POINT,
    "LineString": shapely.GeometryType.LINESTRING,
    "Polygon": shapely.GeometryType.POLYGON,
    "MultiLineString": shapely.GeometryType.MULTILINESTRING,
    "MultiPolygon": shapely.GeometryType.MULTIPOLYGON,
}


#: tolerance for "outside the region": area outside the region boundary buffered by this, m
REGION_TOLERANCE_M = 1.0


def is_epsg_2169(crs: object) -> bool:
    """Whether ``crs`` is LUREF (EPSG:2169)."""
    return pyproj.CRS.from_user_input(crs).to_epsg() == 2169


def check_crs(gdf: gpd.GeoDataFrame, report: ValidationReport) -> gpd.GeoDataFrame | None:
    """The layer in EPSG:2169: reprojected (reported as a repair) when in another CRS; None
    (an error reported) when it has none."""
    if gdf.crs is None:
        report.add(
            "missing-crs",
            "the layer has no coordinate reference system; set it (LUREF is EPSG:2169) and retry",
        )
        return None
    if not is_epsg_2169(gdf.crs):
        report.add(
            "reprojected",
            f"reprojected from {gdf.crs.to_string()} to {CRS} (LUREF)",
            ids=[],
            repaired=True,
        )
        return gdf.to_crs(CRS)
    return gdf


def check_geometry(
    gdf: gpd.GeoDataFrame, contract: LayerContract, report: ValidationReport
) -> None:
    """Empty and wrong-type geometries: errors. Invalid ones made valid (polygons keep their
    polygonal part) and reported as repairs, or errors when nothing of the expected type is left;
    the repaired geometries are written into ``gdf``."""
    geoms = gdf.geometry.to_numpy()
    empty = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if empty.any():
        report.add(
            "empty-geometry",
            "features without geometry; give them a geometry or remove them",
            ids=feature_ids(gdf, contract, empty),
        )
    invalid = ~empty & ~shapely.is_valid(geoms)
    if invalid.any():
        fixed = shapely.make_valid(geoms[invalid])
        if contract.geometry_types[0] == "Polygon":
            fixed = np.array([_polygonal_part(g) for g in fixed], dtype=object)
        unrepaired = shapely.is_empty(fixed)
        ids = np.array(feature_ids(gdf, contract, invalid), dtype=object)
        if unrepaired.any():
            report.add(
                "invalid-geometry",
                "invalid geometries that cannot be repaired (nothing of the expected type is left); "
                "redraw them",
                ids=ids[unrepaired],
            )
        repaired_ids = ids[~unrepaired]
        if len(repaired_ids):
            report.add(
                "geometry-repaired",
                "invalid geometries were made valid (shapely.make_valid); check them in a GIS",
                ids=repaired_ids,
                repaired=True,
            )
        geoms = geoms.copy()
        geoms[invalid] = fixed
        gdf.geometry = gpd.GeoSeries(geoms, index=gdf.index, crs=gdf.crs)
    types = shapely.get_type_id(gdf.geometry.to_numpy())
    allowed = [int(GEOMETRY_TYPE_IDS[t]) for t in contract.geometry_types]
    wrong = ~empty & ~np.isin(types, allowed)
    if wrong.any():
        found = sorted(set(gdf.geometry[wrong].geom_type))
        report.add(
            "wrong-geometry-type",
            f"geometry type(s) {', '.join(found)} where {' or '.join(contract.geometry_types)} is expected",
            ids=feature_ids(gdf, contract, wrong),
        )


def _polygonal_part(geom: shapely.Geometry) -> shapely.Geometry:
    """The polygons of a (repaired) geometry, dropping lines and points make_valid may add."""
    parts = [
        p for p in shapely.get_parts(geom) if isinstance(p, shapely.Polygon) and not p.is_empty
    ]
    if not parts:
        return shapely.Polygon()
    return parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)


def check_region(
    gdf: gpd.GeoDataFrame,
    contract: LayerContract,
    region: shapely.Geometry,
    report: ValidationReport,
) -> None:
    """Refuse features that lie (more than 1 m2 or 1 % of their area) outside the region."""
    geoms = gdf.geometry.to_numpy()
    area_like = shapely.area(geoms) > 0
    zone = shapely.buffer(region, REGION_TOLERANCE_M)
    shapely.prepare(zone)
    inside = shapely.is_missing(geoms) | shapely.is_empty(geoms) | shapely.within(geoms, zone)
    suspect = np.flatnonzero(~inside)
    outside = np.zeros(len(gdf), dtype=bool)
    if len(suspect) and contract.geometry_types == ("Point",):
        # a point is inside or outside, there is no share of it outside
        outside[suspect] = True
    elif len(suspect):
        part_out = shapely.difference(geoms[suspect], zone)
        if area_like.any():
            out_size = shapely.area(part_out)
            size = shapely.area(geoms[suspect])
        else:
            out_size = shapely.length(part_out)
            size = shapely.length(geoms[suspect])
        outside[suspect] = (out_size > 1.0) & (out_size > 0.01 * size)
    if outside.any():
        report.add(
            "outside-region",
            "features lie outside the region's communes; clip the layer to the region or "
            "configure a region that contains them",
            ids=feature_ids(gdf, contract, outside),
        )
