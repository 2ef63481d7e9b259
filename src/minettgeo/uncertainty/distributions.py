"""The sampling distribution of a factor: a two-piece triangular distribution whose median is the
tabulated value.

For a factor with ``low <= value <= high`` half the probability mass lies on ``[low, value]`` and
half on ``[value, high]``; each half is the half of a triangle with its apex at ``value`` (density
rising linearly from 0 at ``low`` to ``value``, falling linearly from ``value`` to 0 at ``high``).
Cumulative distribution and its inverse (the quantile function used to sample)::

    F(x) = 0.5 x ((x - low) / (value - low))^2            low <= x <= value
    F(x) = 1 - 0.5 x ((high - x) / (high - value))^2      value <= x <= high

    x(u) = low + (value - low) x sqrt(2 u)                u < 0.5
    x(u) = high - (high - value) x sqrt(2 (1 - u))        u >= 0.5

so ``x(0.5) = value``: the tabulated value is the median, whatever the skew of the range, and the
deterministic run (every factor at its value) is the central run. A bound equal to the value puts
that half of the mass on the value itself (e.g. ``low = value``: the value is also the minimum).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


def two_piece_quantile(u: Array, low: Array, value: Array, high: Array) -> Array:
    """``x(u)`` of the two-piece triangular distribution (module docstring); broadcasts."""
    left = low + (value - low) * np.sqrt(2.0 * np.minimum(u, 0.5))
    right = high - (high - value) * np.sqrt(2.0 * (1.0 - np.maximum(u, 0.5)))
    return np.where(u < 0.5, left, right)


def two_piece_cdf(x: Array, low: Array, value: Array, high: Array) -> Array:
    """``F(x)`` of the two-piece triangular distribution (module docstring); broadcasts."""
    x = np.clip(x, low, high)
    left_width = np.where(value > low, value - low, 1.0)
    right_width = np.where(high > value, high - value, 1.0)
    left = 0.5 * ((x - low) / left_width) ** 2
    right = 1.0 - 0.5 * ((high - x) / right_width) ** 2
    return np.where(x < value, left, right)
