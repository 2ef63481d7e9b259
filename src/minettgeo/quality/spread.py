"""Monte Carlo multipliers of graded activity data (quality/data/activity_spread.csv).

The activity data of grade ``g`` (a building's floor area and attributes, a road segment's
traffic, a railway line's line-km, a facility's reported tonnes) is multiplied in each draw by
``m_g``, drawn from the two-piece triangular distribution with median 1 on
``[1 - w_g, 1 + w_g]`` (:mod:`minettgeo.uncertainty.distributions`), ``w_g`` the tabulated
half-width of that grade (0 for measured buildings, roads and railways: no widening). The
central run (every ``m = 1``) is unchanged, and so is its median. The multipliers come from
their own random stream (seeded from the run's seed), so the factor draws are the same as
without grades.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from minettgeo.uncertainty.distributions import two_piece_quantile

Array = NDArray[np.float64]
#: second word of the seed of the multipliers' random streams (buildings, point sources: 15 for
#: the energy rows, 16 for IPPU; road traffic; railway line-km)
STREAM_BUILDINGS = 14
STREAM_POINT_SOURCES = 15
STREAM_ROADS = 17
STREAM_RAIL = 18


def grade_stream(seed: int, stream: int) -> np.random.Generator:
    """The random stream of the activity multipliers, independent of the factor draws."""
    return np.random.default_rng([seed, stream])


def activity_multipliers(
    n: int, half_widths: Sequence[float] | Array, rng: np.random.Generator
) -> Array:
    """``n`` draws (rows) of the multiplier of each half-width (columns): median 1, range
    ``[1 - w, 1 + w]``; exactly 1 where ``w = 0``."""
    w = np.asarray(half_widths, dtype=float)
    u = rng.random((n, len(w)))
    return two_piece_quantile(u, 1.0 - w, np.ones_like(w), 1.0 + w)
