"""Degenerate polygon vertices: found, removed, and no longer costing exact zonal statistics a cell."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import shapely
from affine import Affine

from minettgeo import CRS
from minettgeo.land.zonal import class_areas
from minettgeo.layers.cleaning import remove_spikes, suspicious_polygons

# a parcel from an overlay: a repeated first vertex and a spike running out and back along a line
# (58635.03, 72097.71) -> (58642.88, 72091.26) -> (58637.44, 72095.73) -> back
SPIKY = shapely.Polygon(
    [
        (58582.61960299, 72087.33641884),
        (58582.61960299, 72087.33641884),
        (58635.03197112, 72097.71218031),
        (58642.87795472, 72091.26219596),
        (58637.43858757, 72095.73376189),
        (58635.03197112, 72097.71218031),
        (58638.58599741, 72098.41574953),
        (58678.59599164, 72145.95875454),
        (58673.755363, 72169.05392204),
        (58671.14619711, 72181.50253724),
        (58685.08282755, 72182.83304092),
        (58711.08109176, 72185.3150459),
        (58737.07935598, 72187.79705088),
        (58651.73490825, 72083.98111884),
        (58654.59417238, 72081.63059023),
        (58601.69209119, 72017.27867265),
        (58579.5433378, 72082.59623928),
    ]
)


def test_spike_and_repeated_vertex_are_found_and_removed() -> None:
    clean_box = shapely.box(0, 0, 10, 10)
    assert suspicious_polygons(np.array([SPIKY, clean_box])).tolist() == [True, False]
    cleaned = remove_spikes(np.array([SPIKY, clean_box]))
    assert shapely.get_num_coordinates(cleaned[0]) == shapely.get_num_coordinates(SPIKY) - 4
    assert cleaned[0].area == pytest.approx(SPIKY.area, abs=1e-6)
    assert cleaned[0].is_valid and not suspicious_polygons(cleaned[:1])[0]
    assert shapely.equals_exact(cleaned[1], clean_box)


def test_cleaning_keeps_shared_edges_identical() -> None:
    """Two neighbours sharing an edge: removing a spike from one moves no vertex of the edge."""
    left = shapely.Polygon([(0, 0), (10, 0), (10, 10), (5, 10), (5, 14), (5, 12), (5, 10), (0, 10)])
    right = shapely.box(10, 0, 20, 10)
    cleaned = remove_spikes(np.array([left, right]))
    assert shapely.intersection(cleaned[0], cleaned[1]).length == pytest.approx(10.0)
    assert shapely.area(shapely.intersection(cleaned[0], cleaned[1])) == 0
    assert cleaned[0].area == pytest.approx(100.0)


def test_collapsed_hole_is_dropped() -> None:
    shell = [(0, 0), (100, 0), (100, 100), (0, 100)]
    hole = [(20, 20), (20.0, 20.0 + 1e-12), (60, 60)]
    poly = shapely.Polygon(shell, [hole])
    cleaned = remove_spikes(np.array([poly]))[0]
    assert (
        cleaned.is_valid and len(cleaned.interiors) == 0 and cleaned.area == pytest.approx(10_000)
    )


SHELL = [(0, 0), (100, 0), (100, 100), (0, 100)]
# the national sample's invalid field strips: a hole of three collinear vertices (a slit), and
# one running out and back along a line, which the spike removal shortens to three such vertices
SLIT = [(20, 20), (60, 60), (40, 40)]
SLIT_BACK_AND_FORTH = [(10, 80), (50, 80), (20, 80), (40, 80)]
SQUARE_HOLE = [(70, 10), (90, 10), (90, 30), (70, 30)]


def test_a_hole_of_three_collinear_vertices_is_dropped_and_a_normal_hole_kept() -> None:
    """Area: 100 x 100 - 20 x 20 (square hole) - 0 - 0 (slits) = 9,600 m2, before and after."""
    poly = shapely.Polygon(SHELL, [SLIT, SQUARE_HOLE, SLIT_BACK_AND_FORTH])
    assert not poly.is_valid and poly.area == pytest.approx(9_600.0)
    cleaned = remove_spikes(np.array([poly, shapely.Polygon(SHELL, [SQUARE_HOLE])]))
    assert shapely.is_valid(cleaned).all()
    assert cleaned[0].area == pytest.approx(9_600.0, abs=1e-9)
    assert shapely.equals_exact(cleaned[0], shapely.Polygon(SHELL, [SQUARE_HOLE]))
    assert shapely.equals_exact(cleaned[1], shapely.Polygon(SHELL, [SQUARE_HOLE]))


def test_a_thin_hole_is_kept() -> None:
    """A hole 80 m x 1 mm (0.08 m2, mean width 2 x 0.08 / 160.002 = 1 mm > 1 µm) is not flat:
    area 100 x 100 - 0.08 = 9,999.92 m2."""
    hole = [(10, 50), (90, 50), (90, 50.001), (10, 50.001)]
    cleaned = remove_spikes(np.array([shapely.Polygon(SHELL, [hole])]))[0]
    assert len(cleaned.interiors) == 1 and cleaned.area == pytest.approx(9_999.92, abs=1e-6)


def test_dropping_a_flat_hole_moves_no_vertex_of_a_shared_edge() -> None:
    left = shapely.Polygon(
        [(0, 0), (10, 0), (10, 5), (10, 10), (0, 10)], [[(2, 2), (8, 8), (5, 5)]]
    )
    right = shapely.Polygon([(10, 0), (20, 0), (20, 10), (10, 10), (10, 5)])
    cleaned = remove_spikes(np.array([left, right]))
    assert cleaned[0].is_valid and len(cleaned[0].interiors) == 0
    assert shapely.equals_exact(cleaned[0].exterior, left.exterior)  # same vertices, same order
    assert shapely.equals_exact(cleaned[1], right)
    assert shapely.intersection(cleaned[0], cleaned[1]).length == pytest.approx(10.0)
    assert cleaned[0].area == pytest.approx(100.0)  # 10 x 10, the slit removed nothing


def test_a_flat_exterior_is_kept_alone_and_dropped_from_a_multipolygon() -> None:
    """A polygon with no area is returned as it was (callers keep its row; exactextract cannot
    read an empty polygon); as a part of a multipolygon it is dropped: area 10 x 10 = 100 m2."""
    flat = shapely.Polygon([(0, 0), (10, 0), (5, 0)])
    multi = shapely.MultiPolygon([shapely.box(20, 0, 30, 10), flat])
    cleaned = remove_spikes(np.array([flat, multi]))
    assert cleaned[0] is flat
    assert cleaned[1].geom_type == "MultiPolygon" and len(cleaned[1].geoms) == 1
    assert cleaned[1].is_valid and cleaned[1].area == pytest.approx(100.0)


def test_exact_extraction_does_not_lose_a_cell_on_a_spiky_parcel(tmp_path: Path) -> None:
    """exactextract 0.3 alone misses one whole 10 m cell inside SPIKY (6,119.9 of 6,219.9 m2);
    class_areas snaps such polygons first and gets the full area."""
    raster = tmp_path / "lc.tif"
    with rasterio.open(
        raster,
        "w",
        driver="GTiff",
        width=20,
        height=20,
        count=1,
        dtype="uint16",
        crs=CRS,
        transform=Affine(10, 0, 58_570, 0, -10, 72_200),
        nodata=0,
    ) as dst:
        dst.write(np.full((20, 20), 231, dtype=np.uint16), 1)
    zones = gpd.GeoDataFrame({"id": ["spiky"]}, geometry=[SPIKY], crs=CRS)
    areas = class_areas(raster, zones, "id", processes=1)
    assert areas["area_m2"].sum() == pytest.approx(SPIKY.area, rel=1e-6)


def test_multipolygons_are_cleaned_part_by_part() -> None:
    multi = shapely.MultiPolygon([SPIKY, shapely.box(0, 0, 10, 10)])
    cleaned = remove_spikes(np.array([multi, SPIKY]))
    assert cleaned[0].geom_type == "MultiPolygon" and cleaned[1].geom_type == "Polygon"
    assert cleaned[0].area == pytest.approx(SPIKY.area + 100, abs=1e-6)
    assert not suspicious_polygons(cleaned).any()


# a modelled parcel of the national sample (1203-003502): a triangle under 1 mm wide, which the
# 1 mm snap of suspicious polygons turns into an empty polygon
SLIVER = shapely.Polygon(
    [
        (94080.20307435445, 75524.22865099444),
        (94080.2030086823, 75524.22785308692),
        (94080.20256047265, 75524.2278615954),
    ]
)


def test_a_sliver_that_snaps_to_nothing_is_kept_as_it_is(tmp_path: Path) -> None:
    """exactextract cannot read an empty polygon ('Failed to parse geometry'); the sliver keeps
    its own geometry, and its neighbour, a 20 m x 20 m square, gets 400 m2 (4 whole cells)."""
    assert suspicious_polygons(np.array([SLIVER]))[0]
    assert shapely.set_precision(SLIVER, 0.001).is_empty
    raster = tmp_path / "lc.tif"
    with rasterio.open(
        raster,
        "w",
        driver="GTiff",
        width=20,
        height=20,
        count=1,
        dtype="uint16",
        crs=CRS,
        transform=Affine(10, 0, 94_000, 0, -10, 75_600),
        nodata=0,
    ) as dst:
        dst.write(np.full((20, 20), 231, dtype=np.uint16), 1)
    square = shapely.box(94_020, 75_520, 94_040, 75_540)
    zones = gpd.GeoDataFrame({"id": ["sliver", "square"]}, geometry=[SLIVER, square], crs=CRS)
    areas = class_areas(raster, zones, "id", processes=1).groupby("zone")["area_m2"].sum()
    assert areas["square"] == pytest.approx(400.0, rel=1e-9)
    assert areas.get("sliver", 0.0) == pytest.approx(SLIVER.area, abs=1e-9)
