"""The land rasters strip by strip (several strips on tiny grids): the carbon-stock lookup with
its nodata and out-of-table codes, parcel values burnt in, the COG they are written as, and the
zonal helpers (pixel area, grids, combined codes, zones without valid pixels)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import shapely
from affine import Affine

from minettgeo import CRS
from minettgeo.errors import LandCarbonError
from minettgeo.land.rasters import carbon_stock_raster, parcel_value_raster
from minettgeo.land.zonal import class_areas, combine, pixel_area_m2, same_grid
from raster_helpers import write_raster

X0, Y1 = 60_000.0, 70_080.0
TRANSFORM = Affine(10.0, 0.0, X0, 0.0, -10.0, Y1)


def write(path: Path, data: np.ndarray, nodata: int | None = 0, **kwargs: object) -> Path:
    transform = kwargs.pop("transform", TRANSFORM)
    return write_raster(path, data, transform=transform, nodata=nodata, **kwargs)  # type: ignore[arg-type]


def read(path: Path) -> tuple[np.ndarray, dict[str, str], dict[str, str], float | None]:
    with rasterio.open(path) as src:
        return src.read(1), src.tags(), src.tags(ns="IMAGE_STRUCTURE"), src.nodata


def test_carbon_stock_raster_strip_by_strip(tmp_path: Path) -> None:
    """nodata 65535, strips of 2 rows over 3: code 0 is a class here (5 t C/ha), 1023 the last
    code of the lookup (3), 5 has no stock (-1), 65535 is nodata (-1)."""
    codes = np.array([[0, 311, 1023], [65535, 112, 5], [311, 0, 112]], dtype=np.uint16)
    lc = write(tmp_path / "lc.tif", codes, nodata=65535)
    stock = {0: 5.0, 311: 220.0, 1023: 3.0, 112: 65.0}
    out = carbon_stock_raster(lc, stock, tmp_path / "stock.tif", {"run": 7}, window_rows=2)
    values, tags, structure, nodata = read(out)
    np.testing.assert_array_equal(values, [[5, 220, 3], [-1, 65, -1], [220, 5, 65]])
    assert values.dtype == np.float32 and nodata == -1
    assert tags["run"] == "7" and tags["unit"] == "t C/ha"
    assert tags["quantity"] == "carbon stock, 4 pools"
    assert structure["LAYOUT"] == "COG" and structure["COMPRESSION"] == "DEFLATE"
    assert structure["PREDICTOR"] == "3"


def test_carbon_stock_raster_without_nodata_and_codes_past_the_lookup(tmp_path: Path) -> None:
    """No nodata set: 0 is nodata. Codes from 1024 are past the 1,024-entry lookup: nodata,
    even when the table has a stock for them."""
    codes = np.array([[0, 1, 2000], [1024, 311, 0]], dtype=np.uint16)
    lc = write(tmp_path / "lc.tif", codes, nodata=None)
    stock = {0: 5.0, 1: 2.0, 311: 220.0, 1024: 9.0}
    out = carbon_stock_raster(lc, stock, tmp_path / "stock.tif", {}, window_rows=1)
    values, _, _, _ = read(out)
    np.testing.assert_array_equal(values, [[-1, 2, -1], [-1, 220, -1]])


def test_parcel_values_strip_by_strip(tmp_path: Path) -> None:
    """8 x 4 pixels of 10 m, strips of 2 rows: P3 at the top right (row 0, col 3) 4.0; P2 in
    column 1 across the first two strips (rows 1-2) 1.0; P1 rows 2-3, cols 2-3, 2.5; a parcel
    off the grid; the last strips meet no parcel (-1)."""
    lc = write(tmp_path / "lc.tif", np.full((8, 4), 311, dtype=np.uint16))
    parcels = gpd.GeoDataFrame(
        {"parcel_id": ["P1", "P2", "P3", "P4"]},
        geometry=[
            shapely.box(X0 + 20, Y1 - 40, X0 + 40, Y1 - 20),
            shapely.box(X0 + 10, Y1 - 30, X0 + 20, Y1 - 10),
            shapely.box(X0 + 30, Y1 - 10, X0 + 40, Y1),
            shapely.box(X0 + 500, Y1 - 10, X0 + 510, Y1),
        ],
        crs=CRS,
    )
    out = parcel_value_raster(
        lc, parcels, [2.5, 1, 4, 9], tmp_path / "pot.tif", {"q": "x"}, window_rows=2
    )
    values, tags, structure, nodata = read(out)
    expected = np.full((8, 4), -1.0)
    expected[0, 3] = 4.0
    expected[1:3, 1] = 1.0
    expected[2:4, 2:4] = 2.5
    np.testing.assert_array_equal(values, expected)
    assert values.dtype == np.float32 and nodata == -1 and tags["q"] == "x"
    assert structure["LAYOUT"] == "COG" and structure["PREDICTOR"] == "3"


def test_pixel_area_of_a_sheared_grid(tmp_path: Path) -> None:
    """|a x e - b x d|: 10 x -10 - 2 x 3 = -106 -> 106 m2."""
    path = write(
        tmp_path / "s.tif", np.ones((2, 2), dtype=np.uint8), transform=Affine(10, 2, X0, 3, -10, Y1)
    )
    assert pixel_area_m2(path) == pytest.approx(106.0)
    assert pixel_area_m2(write(tmp_path / "r.tif", np.ones((2, 2), dtype=np.uint8))) == 100.0


@pytest.mark.parametrize(
    "other",
    [
        {"transform": Affine(10.0, 0.0, X0 + 10, 0.0, -10.0, Y1)},
        {"crs": "EPSG:3035"},
        {"shape": (3, 2)},
    ],
    ids=["origin", "crs", "size"],
)
def test_rasters_off_the_grid_are_refused(tmp_path: Path, other: dict[str, object]) -> None:
    first = write(tmp_path / "a.tif", np.ones((3, 3), dtype=np.uint8))
    shape = other.pop("shape", (3, 3))
    second = write(tmp_path / "b.tif", np.ones(shape, dtype=np.uint8), **other)  # type: ignore[arg-type]
    same_grid([first, first])
    with pytest.raises(
        LandCarbonError,
        match=r"b\.tif is not on the grid of .*a\.tif .*; resample it with gdalwarp -tr/-te onto",
    ):
        same_grid([first, second])


def test_combine_strip_by_strip(tmp_path: Path) -> None:
    """3 rows in strips of 2: code = 10 x a + b, nodata 0."""
    a = write(tmp_path / "a.tif", np.array([[1, 2], [3, 4], [5, 6]], dtype=np.uint8))
    b = write(tmp_path / "b.tif", np.array([[7, 8], [9, 1], [2, 3]], dtype=np.uint8))
    out = combine([a, b], lambda bands: 10 * bands[0] + bands[1], tmp_path / "c.tif", window_rows=2)
    with rasterio.open(out) as src:
        np.testing.assert_array_equal(src.read(1), [[17, 28], [39, 41], [52, 63]])
        assert src.dtypes[0] == "uint32" and src.nodata == 0


def test_zones_without_valid_pixels_have_no_rows(tmp_path: Path) -> None:
    """Zone n lies on the nodata pixel and zone o off the raster: no rows; zone v covers one
    10 m pixel of 311 and half of one of 211 (100 + 50 m2)."""
    lc = write(tmp_path / "lc.tif", np.array([[311, 211], [0, 211]], dtype=np.uint16))
    zones = gpd.GeoDataFrame(
        {"zid": ["n", "o", "v"]},
        geometry=[
            shapely.box(X0 + 1, Y1 - 19, X0 + 9, Y1 - 11),
            shapely.box(X0 - 100, Y1 - 100, X0 - 50, Y1 - 50),
            shapely.box(X0, Y1 - 10, X0 + 15, Y1),
        ],
        crs=CRS,
    )
    areas = class_areas(lc, zones, "zid", processes=1).sort_values("code")
    assert areas["zone"].tolist() == ["v", "v"]
    assert areas["code"].tolist() == [211, 311]
    np.testing.assert_allclose(areas["area_m2"], [50.0, 100.0])
    nothing = class_areas(lc, zones.iloc[:2], "zid", processes=1)
    assert list(nothing.columns) == ["zone", "code", "area_m2"] and nothing.empty
    none = class_areas(lc, zones.iloc[:0], "zid", processes=1)
    assert list(none.columns) == ["zone", "code", "area_m2"] and none.empty
