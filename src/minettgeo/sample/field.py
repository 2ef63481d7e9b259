"""Continuous fields over the region: smooth random noise and the urbanity of each place.

Urbanity follows the localities: each locality of population ``P`` covers an urban area
``A = P x a`` (``a`` = urban land per resident, m2) and contributes a kernel

    u_i(d) = exp(-ln 2 x (d / R_i)^4),   R_i = sqrt(A / pi)

which is 1 at the centre, 0.5 at ``d = R_i`` and falls off steeply beyond: the area where
``u_i > 0.5`` is about ``A``. A place is urban where ``sum_i u_i`` (plus noise) exceeds 0.5.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.ndimage import map_coordinates

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: urban land per resident, m2 (housing, streets, local services; activity zones come on top).
#: Stated assumption: LU housing land is about 190 m2 per resident (12,159 ha for ~640,000,
#: LEQUOT-SOL); streets and local services add about half again.
URBAN_M2_PER_RESIDENT = 300.0


#: lattice steps per unit length of the numerical integral in :func:`spline_noise_std`
_SPLINE_STEPS = 256


@functools.cache
def spline_noise_std() -> float:
    """Standard deviation of a lattice of independent N(0,1) values interpolated with cubic
    splines (``scipy.ndimage.map_coordinates``, ``order=3``), averaged over all positions.

    The interpolant is ``f(x, y) = sum_jk z_jk L(x - j) L(y - k)`` with ``L`` the cardinal cubic
    spline. Its variance at fractional offsets ``(t, s)`` is ``v(t) v(s)``, with
    ``v(t) = sum_j L(t - j)^2`` (1 at the nodes, 0.756 mid-way); over a cell the mean variance is
    ``(mean v)^2`` and ``mean v = integral of L(x)^2 dx``, so the field's std is that integral:
    0.8742 (dimensionless), computed here from the interpolated unit impulse."""
    half = 20  # L decays by a factor ~3.7 per lattice step: |L| < 1e-10 beyond 20 steps
    impulse = np.zeros(2 * half + 1)
    impulse[half] = 1.0
    x = np.arange(0.0, 2.0 * half, 1.0 / _SPLINE_STEPS)
    response = map_coordinates(impulse, [x], order=3, mode="nearest")
    return float(np.sum(response**2) / _SPLINE_STEPS)


def smooth_noise(
    rng: np.random.Generator,
    bounds: tuple[float, float, float, float],
    scale_m: float,
    xy: FloatArray,
) -> FloatArray:
    """Smooth noise of std 1 (over a large area) at points ``xy``: a lattice of N(0,1) values
    every ``scale_m`` metres over ``bounds`` (node ``(i, j)`` at ``x = minx + (j - 1.5) x
    scale_m``, ``y = miny + (i - 1.5) x scale_m``), interpolated with cubic splines and divided by
    the constant :func:`spline_noise_std`.

    A field of the location: the value at a point depends on ``rng``'s state, ``bounds`` and
    ``scale_m`` only, not on the other points asked in the same call."""
    minx, miny, maxx, maxy = bounds
    nx = int(np.ceil((maxx - minx) / scale_m)) + 4
    ny = int(np.ceil((maxy - miny) / scale_m)) + 4
    lattice = rng.standard_normal((ny, nx))
    cols = (xy[:, 0] - minx) / scale_m + 1.5
    rows = (xy[:, 1] - miny) / scale_m + 1.5
    values = map_coordinates(lattice, [rows, cols], order=3, mode="nearest")
    return np.asarray(values / spline_noise_std(), dtype=np.float64)


@dataclass(frozen=True)
class Urbanity:
    """Urbanity at points: total ``u``, nearest locality (by normalised distance) and ``rho``,
    that distance divided by the locality's urban radius."""

    u: FloatArray
    nearest: IntArray
    rho: FloatArray


def locality_radius_m(
    population: FloatArray, m2_per_resident: float = URBAN_M2_PER_RESIDENT
) -> FloatArray:
    """Urban radius of a locality, m: ``R = sqrt(P x a / pi)``."""
    return np.sqrt(np.maximum(population, 50.0) * m2_per_resident / np.pi)


def urbanity(
    xy: FloatArray, centres: FloatArray, radius: FloatArray, chunk: int = 200_000
) -> Urbanity:
    """Urbanity field at points ``xy`` from locality ``centres`` and urban ``radius`` (m)."""
    n = len(xy)
    u = np.empty(n)
    nearest = np.empty(n, dtype=np.int64)
    rho = np.empty(n)
    for start in range(0, n, chunk):
        p = xy[start : start + chunk]
        d = np.hypot(p[:, None, 0] - centres[None, :, 0], p[:, None, 1] - centres[None, :, 1])
        r = d / radius[None, :]
        u[start : start + chunk] = np.exp(-np.log(2.0) * r**4).sum(axis=1)
        k = r.argmin(axis=1)
        nearest[start : start + chunk] = k
        rho[start : start + chunk] = r[np.arange(len(p)), k]
    return Urbanity(u=u, nearest=nearest, rho=rho)
