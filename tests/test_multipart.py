"""Published layers carry one geometry type: single parts become one-part multi-geometries."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pyogrio
import shapely

from minettgeo.layers.multipart import as_multipart


def frame(geoms: list[shapely.Geometry | None]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"v": range(len(geoms))}, geometry=geoms, crs=2169)


def test_polygons_become_one_part_multipolygons_with_the_same_area() -> None:
    two_parts = shapely.MultiPolygon([shapely.box(10, 0, 12, 1), shapely.box(20, 0, 21, 3)])
    gdf = frame([shapely.box(0, 0, 2, 3), two_parts, None])
    out = as_multipart(gdf)
    assert out.geom_type.tolist()[:2] == ["MultiPolygon", "MultiPolygon"]
    assert out.geometry.iloc[2] is None
    # 2 x 3 = 6 m2 and 2 x 1 + 1 x 3 = 5 m2, unchanged
    assert out.area.tolist()[:2] == [6.0, 5.0]
    assert len(out.geometry.iloc[0].geoms) == 1 and len(out.geometry.iloc[1].geoms) == 2
    assert shapely.equals_exact(out.geometry.iloc[0].geoms[0], gdf.geometry.iloc[0])
    assert out["v"].tolist() == [0, 1, 2] and out.crs == gdf.crs
    assert gdf.geom_type.iloc[0] == "Polygon"  # the input is not changed


def test_lines_become_multilinestrings_and_points_stay() -> None:
    line = shapely.LineString([(0, 0), (3, 4)])
    out = as_multipart(frame([line]))
    assert out.geom_type.tolist() == ["MultiLineString"] and out.length.tolist() == [5.0]
    points = frame([shapely.Point(0, 0), shapely.Point(1, 1)])
    assert as_multipart(points) is points
    mixed = frame([shapely.Point(0, 0), shapely.box(0, 0, 1, 1)])
    assert as_multipart(mixed) is mixed


def test_the_run_publishes_multi_types(run_dir: Path) -> None:
    gpkg = run_dir / "minettgeo.gpkg"
    expected = {
        "parcels": "MultiPolygon",
        "districts": "MultiPolygon",
        "communes": "MultiPolygon",
        "buildings": "MultiPolygon",
        "roads": "MultiLineString",
    }
    for layer, kind in expected.items():
        assert pyogrio.read_info(gpkg, layer=layer)["geometry_type"] == kind, layer
