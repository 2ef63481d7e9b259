"""Heat density on the hectare grid and Hotmaps-style district-heating potential, by hand."""

from __future__ import annotations

import numpy as np
import pytest
from affine import Affine

from minettgeo.aggregate.heat_density import density_grid, label_at, potential_areas


def test_density_grid_sums_points_into_hectares() -> None:
    x = np.array([60_010.0, 60_090.0, 60_150.0])
    y = np.array([70_190.0, 70_110.0, 70_050.0])
    grid, transform = density_grid(
        x, y, np.array([100.0, 50.0, 7.0]), (60_000.0, 70_000.0, 60_200.0, 70_200.0)
    )
    assert transform == Affine(100.0, 0.0, 60_000.0, 0.0, -100.0, 70_200.0)
    assert grid[0, 0] == 150.0  # the first two points share the north-west hectare
    assert grid[1, 1] == 7.0
    assert grid.sum() == 157.0


def test_potential_areas_thresholds_by_hand() -> None:
    """Two groups of dense cells: the left one (4 cells x 400 MWh = 1.6 GWh) and the right one
    (2 cells x 500 = 1.0 GWh), with area threshold 1.2 GWh: only the left one qualifies."""
    d = np.zeros((4, 6))
    d[0:2, 0:2] = 400.0
    d[1:3, 4] = 500.0
    d[3, 0] = 200.0  # below the cell threshold, not connected
    hd = potential_areas(
        d,
        Affine(100, 0, 0, 0, -100, 400),
        cell_threshold_mwh_ha=333,
        area_threshold_gwh=1.2,
        close_gaps=False,
    )
    assert hd.area_demand_gwh.tolist() == pytest.approx([1.6])
    assert (hd.area_label[0:2, 0:2] == 1).all() and hd.area_label.sum() == 4
    assert label_at(hd, np.array([50.0, 450.0]), np.array([350.0, 250.0])).tolist() == [1, 0]


def test_gaps_of_one_cell_are_closed() -> None:
    """A one-cell gap between two dense cells joins them (Hotmaps closing): 0.8 GWh >= 0.7."""
    d = np.zeros((3, 5))
    d[1, 1] = 400.0
    d[1, 3] = 400.0
    open_ = potential_areas(d, Affine(100, 0, 0, 0, -100, 300), 333, 0.7, close_gaps=False)
    closed = potential_areas(d, Affine(100, 0, 0, 0, -100, 300), 333, 0.7, close_gaps=True)
    assert len(open_.area_demand_gwh) == 0
    assert closed.area_demand_gwh.tolist() == pytest.approx([0.8])


def test_grid_extent_and_points_outside_it() -> None:
    # bounds (60,050 70,020 60,250 70,150): west edge floor(600.5) x 100 = 60,000, north edge
    # ceil(701.5) x 100 = 70,200; columns ceil(250 / 100) + 1 = 4, rows ceil(180 / 100) + 1 = 3
    bounds = (60_050.0, 70_020.0, 60_250.0, 70_150.0)
    x = np.array([60_150.0, 59_950.0, 60_950.0, 60_399.0])
    y = np.array([70_150.0, 70_250.0, 69_000.0, 70_001.0])
    grid, transform = density_grid(x, y, np.array([1.0, 10.0, 100.0, 1000.0]), bounds)
    assert grid.shape == (3, 4) and grid.dtype == np.float64
    assert transform == Affine(100.0, 0.0, 60_000.0, 0.0, -100.0, 70_200.0)
    # (60,150 70,150): column 1, row 0; west of and north of the grid: the corner cell (0, 0);
    # far south-east: the last cell (2, 3); (60,399 70,001): column 3, row 1
    expected = np.zeros((3, 4))
    expected[0, 1], expected[0, 0], expected[2, 3], expected[1, 3] = 1.0, 10.0, 100.0, 1000.0
    np.testing.assert_array_equal(grid, expected)
    # 50 m cells: 2,500 m2 each
    fine, t50 = density_grid(x[:1], y[:1], np.array([1.0]), bounds, cell_m=50.0)
    assert t50 == Affine(50.0, 0.0, 60_050.0, 0.0, -50.0, 70_150.0) and fine.shape == (4, 5)
    assert fine[0, 2] == 1.0


def test_cell_and_area_thresholds_are_inclusive() -> None:
    d = np.zeros((3, 4))
    d[1, 1] = 333.0  # exactly the cell threshold: dense
    d[1, 2] = 333.0
    hd = potential_areas(d, Affine(100, 0, 0, 0, -100, 300), 333.0, 0.666, close_gaps=False)
    # 2 x 333 = 666 MWh = 0.666 GWh: exactly the area threshold, kept
    assert hd.area_demand_gwh.tolist() == pytest.approx([0.666])
    assert hd.area_label.dtype == np.int32 and hd.area_label.sum() == 2
    assert (hd.cell_threshold_mwh_ha, hd.area_threshold_gwh) == (333.0, 0.666)
    assert hd.density_mwh_ha is d
    # the Hotmaps defaults: 333 MWh/(ha a) and 30 GWh/a, gaps closed
    default = potential_areas(d, Affine(100, 0, 0, 0, -100, 300))
    assert (default.cell_threshold_mwh_ha, default.area_threshold_gwh) == (333.0, 30.0)
    assert len(default.area_demand_gwh) == 0 and default.area_label.sum() == 0


def test_diagonal_cells_form_one_area_and_an_empty_grid_none() -> None:
    d = np.zeros((4, 4))
    d[0, 0] = 400.0
    d[1, 1] = 400.0  # touches (0, 0) at a corner: one area (8-neighbourhood)
    d[3, 3] = 400.0  # alone
    hd = potential_areas(d, Affine(100, 0, 0, 0, -100, 400), 333.0, 0.0, close_gaps=False)
    # area threshold 0: every area is kept, numbered in order: 0.8 GWh and 0.4 GWh
    assert hd.area_demand_gwh.tolist() == pytest.approx([0.8, 0.4])
    assert hd.area_label[0, 0] == hd.area_label[1, 1] == 1 and hd.area_label[3, 3] == 2
    assert hd.area_label.sum() == 4
    empty = potential_areas(np.zeros((2, 2)), Affine(100, 0, 0, 0, -100, 200), 333.0, 0.0)
    assert empty.area_demand_gwh.shape == (0,) and not empty.area_label.any()


def test_closing_fills_exactly_the_gap() -> None:
    """Dense cells (2, 2) and (2, 4) of a 5 x 7 grid: dilation by 3 x 3 covers rows 1-3 and
    columns 1-5; erosion by 3 x 3 keeps only the cells whose whole neighbourhood is covered:
    (2, 2), (2, 3), (2, 4). The default closes gaps."""
    d = np.zeros((5, 7))
    d[2, 2] = d[2, 4] = 400.0
    hd = potential_areas(d, Affine(100, 0, 0, 0, -100, 500), 333.0, 0.5)
    expected = np.zeros((5, 7), dtype=np.int32)
    expected[2, 2:5] = 1
    np.testing.assert_array_equal(hd.area_label, expected)
    assert hd.area_demand_gwh.tolist() == pytest.approx([0.8])
    # at the edge of the grid the border counts as dense: (0, 0) and (0, 2) of a 3 x 4 grid
    # dilate to rows 0-1, columns 0-3; a cell of row 0 has the border above it, so the whole
    # row stays (with (0, 3), whose right neighbours are the border too); row 1 has row 2 below
    e = np.zeros((3, 4))
    e[0, 0] = e[0, 2] = 400.0
    edge = potential_areas(e, Affine(100, 0, 0, 0, -100, 300), 333.0, 0.5)
    assert edge.area_label[0].tolist() == [1, 1, 1, 1] and edge.area_label.sum() == 4


def test_label_at_points_on_and_outside_the_grid() -> None:
    d = np.zeros((3, 3))
    d[0, 0] = 400.0
    d[2, 2] = 500.0
    hd = potential_areas(d, Affine(100, 0, 1000, 0, -100, 2000), 333.0, 0.1, close_gaps=False)
    assert hd.area_label[0, 0] == 1 and hd.area_label[2, 2] == 2
    # inside: (1,050 1,950) cell (0, 0); (1,250 1,750) cell (2, 2); (1,150 1,850) cell (1, 1)
    # outside: north-west of the grid -> cell (0, 0); south-east -> cell (2, 2)
    x = np.array([1_050.0, 1_250.0, 1_150.0, 900.0, 5_000.0, 1_050.0])
    y = np.array([1_950.0, 1_750.0, 1_850.0, 2_100.0, 0.0, 1_750.0])
    assert label_at(hd, x, y).tolist() == [1, 2, 0, 1, 2, 0]
