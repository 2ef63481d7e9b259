"""Continuous fields over the region: smooth random noise and the urbanity of each place.

Urbanity follows the localities: each locality of population ``P`` covers an urban area
``A = P x a`` (``a`` = urban land per resident, m2) and contributes a kernel

    u_i(d) = exp(-ln 2 x (d / R_i)^4),   R_i = sqrt(A / pi)

which is 1 at the centre, 0.5 at ``d = R_i`` and falls off steeply beyond: the area where
``u_i > 0.5`` is about ``A``. A place is urban where ``sum_i u_i`` (plus noise) exceeds 0.5.
"""

from __future__ import annotations

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


def smooth_noise(
    rng: np.random.Generator,
    bounds: tuple[float, float, float, float],
    scale_m: float,
    xy: FloatArray,
) -> FloatArray:
    """Smooth standard-normal-like noise at points ``xy``: a lattice of N(0,1) values every
    ``scale_m`` metres over ``bounds``, interpolated with cubic splines."""
    minx, miny, maxx, maxy = bounds
    nx = int(np.ceil((maxx - minx) / scale_m)) + 4
    ny = int(np.ceil((maxy - miny) / scale_m)) + 4
    lattice = rng.standard_normal((ny, nx))
    cols = (xy[:, 0] - minx) / scale_m + 1.5
    rows = (xy[:, 1] - miny) / scale_m + 1.5
    values = map_coordinates(lattice, [rows, cols], order=3, mode="nearest")
    if values.size == 0:  # no points asked (a region without any urban block)
        return np.asarray(values, dtype=np.float64)
    return np.asarray(values / max(values.std(), 1e-9), dtype=np.float64)


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
