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
