"""Residents per building, so that the population of any area can be counted.

The sample builder sets each commune's dwellings so that (:mod:`minettgeo.sample.dwellings`)::

    sum_b dwellings_b x (1 - vacancy_c) x household_size_c  =  P_c     (to within one dwelling)

with ``P_c`` the STATEC population of commune ``c``. A building's residents are its occupied
dwellings times the household size, scaled by the commune's calibration factor ``k_c`` so that the
communes' sums equal STATEC exactly (``k_c`` is 1 to within one dwelling on the sample region)::

    R_b = dwellings_b x (1 - vacancy_c) x household_size_c x k_c
    k_c = P_c / sum_b dwellings_b x (1 - vacancy_c) x household_size_c

which is ``R_b = P_c x dwellings_b / D_c``: the same dwelling share that gives a district its
population in :func:`minettgeo.aggregate.levels.district_population`, so buildings, parcels,
districts and communes agree. In a commune with population but no dwellings, the population is
shared by heated floor area (by footprint when no building is heated); a commune without buildings
holds no resident anywhere (its population stays on the commune layer).

Per-capita indicators: :func:`per_resident` is undefined (NaN), not a huge number, where an area
has fewer than ``minimum`` residents (:data:`MIN_RESIDENTS` by default).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray

Array = NDArray[np.float64]
#: fewest residents for which a per-capita indicator is defined (a parameter of every caller):
#: below about 50 residents one household more or less moves a per-capita figure by several %
MIN_RESIDENTS = 50.0


def building_residents(buildings: pd.DataFrame, communes: pd.DataFrame) -> Array:
    """Residents of each building (module docstring): ``buildings`` with columns ``lau2``,
    ``dwellings`` (and ``heated_area_m2`` or a geometry for communes without dwellings);
    ``communes`` with ``lau2``, ``population``."""
    lau2 = buildings["lau2"].astype(str).to_numpy()
    pop = communes.set_index(communes["lau2"].astype(str))["population"].astype(float)
    p_c = pd.Series(lau2).map(pop).fillna(0.0).to_numpy(dtype=float)
    dwellings = buildings["dwellings"].to_numpy(dtype=float)
    if "heated_area_m2" in buildings:
        floor = buildings["heated_area_m2"].to_numpy(dtype=float)
    else:
        floor = np.zeros(len(buildings))
    if "geometry" in buildings:
        floor = np.where(floor > 0, floor, np.asarray(buildings.geometry.area, dtype=float))
    out = np.zeros(len(buildings))
    for basis in (floor, dwellings):  # dwellings last: it wins wherever a commune has dwellings
        total = pd.Series(basis).groupby(lau2).transform("sum").to_numpy(dtype=float)
        share = np.divide(basis, total, out=np.zeros(len(basis)), where=total > 0)
        out = np.where(total > 0, p_c * share, out)
    return out


def per_resident(values: Array, residents: Array, minimum: float = MIN_RESIDENTS) -> Array:
    """``values / residents`` where ``residents >= minimum``, NaN elsewhere."""
    v = np.asarray(values, dtype=float)
    r = np.asarray(residents, dtype=float)
    ok = r >= max(minimum, np.finfo(float).tiny)
    return np.divide(v, r, out=np.full(np.broadcast(v, r).shape, np.nan), where=ok)
