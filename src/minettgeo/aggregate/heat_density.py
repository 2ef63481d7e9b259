"""Heat demand density on a hectare grid and Hotmaps-style district-heating potential areas.

1. Each building's useful heat need (MWh/a) is added to the 100 m x 100 m cell holding its
   centroid: the cell value is a density in MWh/(ha a).
2. Cells at or above ``cell_threshold_mwh_ha`` (Hotmaps default 333 MWh/ha a) are kept; gaps of
   one cell are closed (dilation then erosion, 3 x 3), as in the Hotmaps calculation module.
3. Kept cells touching each other (8-neighbourhood) form candidate areas; an area whose total
   demand reaches ``area_threshold_gwh`` (Hotmaps default 30 GWh/a) is a district-heating
   potential area.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from affine import Affine
from numpy.typing import NDArray
from scipy import ndimage

CELL_M = 100.0
CELL_THRESHOLD_MWH_HA = 333.0
AREA_THRESHOLD_GWH = 30.0


@dataclass(frozen=True)
class HeatDensity:
    """Heat density grid and the district-heating potential areas found on it."""

    density_mwh_ha: NDArray[np.float64]  # (rows, cols), MWh/(ha a)
    transform: Affine
    area_label: NDArray[np.int32]  # 0 outside any potential area, else the area number
    area_demand_gwh: NDArray[np.float64]  # demand of area k at index k-1, GWh/a
    cell_threshold_mwh_ha: float
    area_threshold_gwh: float


def density_grid(
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    heat_mwh: NDArray[np.float64],
    bounds: tuple[float, float, float, float],
    cell_m: float = CELL_M,
) -> tuple[NDArray[np.float64], Affine]:
    """Sum ``heat_mwh`` of points into ``cell_m`` cells aligned on multiples of ``cell_m``.

    With 100 m cells the value is MWh per hectare."""
    minx, miny, maxx, maxy = bounds
    x0 = np.floor(minx / cell_m) * cell_m
    y1 = np.ceil(maxy / cell_m) * cell_m
    cols = int(np.ceil((maxx - x0) / cell_m)) + 1
    rows = int(np.ceil((y1 - miny) / cell_m)) + 1
    c = np.clip(((x - x0) // cell_m).astype(np.int64), 0, cols - 1)
    r = np.clip(((y1 - y) // cell_m).astype(np.int64), 0, rows - 1)
    flat = np.bincount(r * cols + c, weights=heat_mwh, minlength=rows * cols)
    grid = np.asarray(flat, dtype=np.float64).reshape(rows, cols)
    return grid, Affine(cell_m, 0.0, x0, 0.0, -cell_m, y1)


def potential_areas(
    density: NDArray[np.float64],
    transform: Affine,
    cell_threshold_mwh_ha: float = CELL_THRESHOLD_MWH_HA,
    area_threshold_gwh: float = AREA_THRESHOLD_GWH,
    close_gaps: bool = True,
) -> HeatDensity:
    """District-heating potential areas (see the module docstring)."""
    dense = density >= cell_threshold_mwh_ha
    if close_gaps:
        dense = (
            ndimage.binary_erosion(
                ndimage.binary_dilation(dense, np.ones((3, 3))), np.ones((3, 3)), border_value=1
            )
            | dense
        )
    labels, n = ndimage.label(dense, structure=np.ones((3, 3), dtype=int))
    demand_gwh = (
        ndimage.sum_labels(density, labels, index=np.arange(1, n + 1)) / 1000.0
        if n
        else np.zeros(0)
    )
    keep = np.flatnonzero(np.asarray(demand_gwh) >= area_threshold_gwh) + 1
    renumber = np.zeros(n + 1, dtype=np.int32)
    renumber[keep] = np.arange(1, len(keep) + 1, dtype=np.int32)
    return HeatDensity(
        density_mwh_ha=density,
        transform=transform,
        area_label=renumber[labels],
        area_demand_gwh=np.asarray(demand_gwh, dtype=float)[keep - 1],
        cell_threshold_mwh_ha=cell_threshold_mwh_ha,
        area_threshold_gwh=area_threshold_gwh,
    )


def label_at(hd: HeatDensity, x: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.int32]:
    """Potential-area number at points (0 outside any area)."""
    rows, cols = hd.area_label.shape
    c = np.clip(((x - hd.transform.c) // hd.transform.a).astype(np.int64), 0, cols - 1)
    r = np.clip(((hd.transform.f - y) // -hd.transform.e).astype(np.int64), 0, rows - 1)
    return hd.area_label[r, c]
