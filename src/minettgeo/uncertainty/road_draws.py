"""Road transport (II.1.1) in the Monte Carlo: vehicle-km by class of road groups evaluated on
the factor draws.

The rows of :class:`~minettgeo.models.transport.RoadActivity` are groups of road segments (a
commune's vehicle-km, or a commune's vehicle-km of one activity grade); the road formula is
linear in vehicle-km, so grouping is exact. With graded traffic each row's emissions are
multiplied by its grade's multiplier of the draw (one per grade and draw, own random stream:
:mod:`minettgeo.uncertainty.grades`)::

    T_z(draw) = sum over rows r in zone z of  m_grade(r)(draw) x road_formula(vkm_r, theta(draw))
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from minettgeo.models.transport import RoadActivity, road_formula

from .components import membership
from .sampling import BATCH

Array = NDArray[np.float64]


def road_draws(
    roads: RoadActivity,
    road_zone: Sequence[str] | NDArray[np.object_],
    zones: Sequence[str],
    theta: Array,
    multiplier: Array | None = None,
) -> Array:
    """Road emissions (draws x zones, t CO2e/a) of the rows of ``roads`` (one zone each,
    ``road_zone``) for the factor draws ``theta``; ``multiplier``: each row's activity multiplier
    per draw (draws x rows)."""
    member = membership(road_zone, zones)
    parts = []
    for start in range(0, theta.shape[0], BATCH):
        ghg = road_formula(roads, theta[start : start + BATCH])["ghg_tco2e_a"]
        if multiplier is not None:
            ghg = ghg * multiplier[start : start + BATCH]
        parts.append(ghg @ member)
    return np.concatenate(parts, axis=0) if parts else np.zeros((0, len(zones)))
