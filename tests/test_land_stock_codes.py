"""The carbon-stock raster looks up any class code: codes of 1024 and more (WorldCover, generic
rasters) get their stock, not nodata (the lookup array used to stop at 1023)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from minettgeo.land.rasters import NODATA, carbon_stock_raster, stock_lookup, stocks_of
from test_land import read_cog, write_grid


def test_stocks_of_large_and_negative_codes() -> None:
    """Sorted lookup: 1024 -> 2.5, 70000 -> 7.0, 311 -> 220, -3 -> 1.5; 1023, 5 and 70001
    have no stock -> -1."""
    table = stock_lookup({70000: 7.0, 311: 220.0, 1024: 2.5, -3: 1.5})
    np.testing.assert_array_equal(table[0], [-3, 311, 1024, 70000])
    got = stocks_of(np.array([[1024, 70000, 311], [-3, 1023, 5], [70001, 311, 1024]]), table)
    np.testing.assert_array_equal(got, [[2.5, 7.0, 220.0], [1.5, -1, -1], [-1, 220.0, 2.5]])
    assert got.dtype == np.float32
    empty = stocks_of(np.array([1, 2]), stock_lookup({}))
    np.testing.assert_array_equal(empty, [NODATA, NODATA])


def test_carbon_stock_raster_with_codes_above_1023(tmp_path: Path) -> None:
    """A uint32 land cover (nodata 0), strips of 2 rows over 3: 1024 (12.5 t C/ha), 2000 (40),
    100000 (80) and 311 (220) get their stocks; 1025 has none and 0 is nodata (-1). The old
    lookup gave -1 for 1024, 2000 and 100000."""
    codes = np.array([[1024, 2000, 311], [0, 100000, 1025], [311, 1024, 2000]], dtype=np.uint32)
    lc = write_grid(tmp_path / "lc.tif", codes, nodata=0)
    stock = {1024: 12.5, 2000: 40.0, 100000: 80.0, 311: 220.0}
    out = carbon_stock_raster(lc, stock, tmp_path / "stock.tif", {"run": 1}, window_rows=2)
    values, _tags, _structure, nodata = read_cog(out)
    np.testing.assert_array_equal(
        values, [[12.5, 40.0, 220.0], [-1, 80.0, -1], [220.0, 12.5, 40.0]]
    )
    assert nodata == -1
