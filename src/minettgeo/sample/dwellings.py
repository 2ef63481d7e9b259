"""Dwellings per building, calibrated per commune so that
``sum(dwellings) x (1 - vacancy_rate) x household_size = population`` (to within one dwelling):
houses hold one dwelling, multi-family and apartment buildings one per ``m2_per_dwelling`` of
heated area, their storeys scaled so the commune's total is met.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from minettgeo.layers.derived_columns import HEATED_TO_GROSS_RATIO
from minettgeo.sample.building_groups import HOUSES, MULTI

MAX_FLOORS = 16
#: share of single-family houses with a second (granny) dwelling; stated assumption
SECOND_DWELLING_SHARE = 0.05
#: at most this share of a commune's dwellings are in houses (apartments are over 45 % of
#: dwellings nationally and more in the south: STATEC-PANO, LEQUOT-PANO)
MAX_HOUSE_SHARE = 0.55


def calibrate_dwellings(
    b: pd.DataFrame, communes: gpd.GeoDataFrame, uses: pd.DataFrame, rng: np.random.Generator
) -> pd.DataFrame:
    """Set ``dwellings`` (and storeys of multi-dwelling buildings) to meet each commune's target

    ``D_c = round(P_c / (household_size_c x (1 - vacancy_rate_c)))``.

    Houses hold one dwelling (some single-family houses two). Where houses alone would hold more
    than ``MAX_HOUSE_SHARE`` of ``D_c``, randomly chosen houses are left out (their parcels stay
    unbuilt). The remaining dwellings go to multi-family and apartment buildings: their storeys
    are scaled so that ``heated area / m2_per_dwelling`` meets the remainder, and the last few
    dwellings are added to (or taken from) the largest buildings.
    """
    use = b["use"].to_numpy()
    house, multi = np.isin(use, HOUSES), np.isin(use, MULTI)
    dwell = np.zeros(len(b), dtype=np.int64)
    dwell[house] = 1 + (rng.random(house.sum()) < SECOND_DWELLING_SHARE) * (
        use[house] == "single_family"
    )
    m2 = uses.loc[use, "m2_per_dwelling"].to_numpy(dtype=float)
    min_area = (
        b["footprint_m2"].to_numpy()
        * HEATED_TO_GROSS_RATIO
        * uses.loc[use, "floors_min"].to_numpy()
    )
    min_capacity = np.maximum(
        1.0, np.rint(np.divide(min_area, m2, out=np.zeros(len(b)), where=m2 > 0))
    )
    target = (
        communes.set_index("lau2")
        .eval("population / (household_size * (1 - vacancy_rate))")
        .round()
    )
    lau2 = b["lau2"].to_numpy()
    keep = np.ones(len(b), dtype=bool)
    order = rng.permutation(len(b))
    for code, goal in target.items():
        houses = order[(lau2[order] == code) & house[order]]
        cum = np.cumsum(dwell[houses])
        keep[houses[cum > MAX_HOUSE_SHARE * goal]] = False
        room = goal - cum[cum <= MAX_HOUSE_SHARE * goal][-1:].sum()
        multis = order[(lau2[order] == code) & multi[order]]
        keep[multis[np.cumsum(min_capacity[multis]) > room]] = False
    b = b[keep].copy()
    dwell, use, lau2 = dwell[keep], use[keep], lau2[keep]
    house, multi = np.isin(use, HOUSES), np.isin(use, MULTI)
    m2 = uses.loc[use, "m2_per_dwelling"].to_numpy(dtype=float)
    floor_min = uses.loc[use, "floors_min"].to_numpy(dtype=float)
    per_floor = b["footprint_m2"].to_numpy() * HEATED_TO_GROSS_RATIO
    floors = b["floors"].to_numpy(dtype=float)
    for code, goal in target.items():
        sel = (lau2 == code) & multi
        if not sel.any():
            continue
        wanted = goal - dwell[(lau2 == code) & house].sum()
        current = (per_floor[sel] * floors[sel] / m2[sel]).sum()
        scale = max(wanted, sel.sum()) / max(current, 1.0)
        floors[sel] = np.clip(np.rint(floors[sel] * scale), floor_min[sel], MAX_FLOORS)
        d = np.maximum(1, np.rint(per_floor[sel] * floors[sel] / m2[sel])).astype(np.int64)
        residual = int(wanted - d.sum())
        rank = np.argsort(-per_floor[sel] * floors[sel], kind="stable")
        q, r = divmod(abs(residual), len(rank))
        step = np.full(len(rank), q, dtype=np.int64)
        step[:r] += 1
        adjust = np.empty(len(rank), dtype=np.int64)
        adjust[rank] = step * np.sign(residual)
        dwell[sel] = np.maximum(1, d + adjust)
    b["floors"] = floors.astype(np.int64)
    b["dwellings"] = dwell
    b.loc[(b["use"] == "multi_family") & (b["dwellings"] >= 7), "use"] = "apartment_block"
    return b
