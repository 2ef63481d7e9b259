"""The buildings in the Monte Carlo: grouped, then evaluated on the factor draws.

Buildings sharing a zone, a tag, an activity grade and every factor index are summed first (the
building formula is linear in floor area and electricity basis), so thousands of draws stay
cheap; each group's outputs are multiplied by its grade's multiplier of the draw
(:mod:`minettgeo.uncertainty.grades`) when the activity data is widened.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from minettgeo.models.buildings import BuildingActivity, building_formula

from .components import membership
from .sampling import BATCH

Array = NDArray[np.float64]


def sorted_codes(values: NDArray[np.object_]) -> tuple[NDArray[np.int64], NDArray[np.object_]]:
    """The rank of every value among the distinct values in sorted order, a missing value
    (None, NaN) ranked after all of them, and the distinct values (NaN for the missing rank),
    so that ranks sort as a group-by sorts the values."""
    at, names = pd.factorize(values, sort=True)
    at = np.where(at < 0, len(names), at).astype(np.int64)
    return at, np.append(np.asarray(names, dtype=object), np.nan)


def distinct_rows(keys: NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """The distinct rows of ``keys`` (rows x columns) in lexicographic order, and the position
    of every row among them (one ``np.lexsort``, first column first)."""
    order = np.lexsort(keys.T[::-1])
    ranked = keys[order]
    starts = np.ones(len(keys), dtype=bool)
    starts[1:] = (ranked[1:] != ranked[:-1]).any(axis=1)
    group = np.empty(len(keys), dtype=np.int64)
    group[order] = np.cumsum(starts) - 1
    return ranked[starts], group


def group_buildings(
    activity: BuildingActivity,
    commune: NDArray[np.object_],
    tag: NDArray[np.object_] | None = None,
    grade: NDArray[np.object_] | None = None,
) -> tuple[BuildingActivity, NDArray[np.object_], NDArray[np.object_], NDArray[np.object_]]:
    """Sum floor area and electricity basis over buildings with the same commune, tag, activity
    grade and factors; returns the groups' activity, commune, tag and grade, the groups sorted
    by (factor indices, heated, biogenic, commune, tag, grade), a missing commune last.

    The keys are integers (text ranked once, :func:`sorted_codes`), the groups their
    distinct rows (:func:`distinct_rows`), and each group's sums run over its buildings in
    their order: the groups and sums of a group-by on the key columns, to the bit.
    """
    n = len(activity.heated_area_m2)
    blank = np.full(n, "", dtype=object)
    texts = [commune, blank if tag is None else tag, blank if grade is None else grade]
    ranked = [sorted_codes(np.asarray(t, dtype=object)) for t in texts]
    names = list(activity.index)
    keys = np.column_stack(
        [np.asarray(activity.index[name], dtype=np.int64) for name in names]
        + [activity.heated.astype(np.int64), activity.biogenic.astype(np.int64)]
        + [at for at, _ in ranked]
    ).reshape(n, len(names) + 5)
    rows, group = distinct_rows(keys)
    sums = (
        pd.DataFrame({"area": activity.heated_area_m2, "basis": activity.electricity_basis})
        .groupby(group, sort=True)
        .sum()
    )
    k = len(names)
    grouped_activity = BuildingActivity(
        heated_area_m2=sums["area"].to_numpy(dtype=float),
        electricity_basis=sums["basis"].to_numpy(dtype=float),
        heated=rows[:, k].astype(bool),
        biogenic=rows[:, k + 1].astype(bool),
        index={name: rows[:, i].copy() for i, name in enumerate(names)},
    )
    commune_g, tag_g, grade_g = (values[rows[:, k + 2 + j]] for j, (_, values) in enumerate(ranked))
    return grouped_activity, commune_g, tag_g, grade_g


def graded(values: Array, multiplier: Array | None) -> Array:
    """``values`` (draws x groups) times each group's grade multiplier of the draw (same shape),
    or ``values`` unchanged without multipliers."""
    return values if multiplier is None else values * multiplier


def building_draws(
    grouped: BuildingActivity,
    group_zone: NDArray[np.object_],
    group_tag: NDArray[np.object_],
    zones: Sequence[str],
    theta: Array,
    multiplier: Array | None = None,
) -> tuple[Array, dict[str, Array]]:
    """Stationary emissions (draws x zones, t CO2e/a) and the heating energy delivered to each
    tag's buildings (tag -> draws x zones, kWh/a) of grouped building activity, for the factor
    draws ``theta``; both are linear in the groups' floor area and electricity basis.
    ``multiplier``: each group's activity multiplier per draw (draws x groups), applied to the
    two building outputs used here (graded activity data)::

        stationary[d, z] = sum_{g in z} m[d, g] x ghg_tco2e_a[d, g]
        heat[tag][d, z]  = sum_{g in z, tag_g = tag} m[d, g] x heating_final_kwh_a[d, g]
    """
    member = membership(group_zone, zones)
    tags = sorted(set(group_tag) - {""})
    tag_member = {t: member * (group_tag == t)[:, None] for t in tags}
    ghg: list[Array] = []
    heat: dict[str, list[Array]] = {t: [] for t in tags}
    for start in range(0, theta.shape[0], BATCH):
        out = building_formula(grouped, theta[start : start + BATCH])
        by_group = None if multiplier is None else multiplier[start : start + BATCH]
        ghg.append(graded(out["ghg_tco2e_a"], by_group) @ member)
        if tags:
            heating = graded(out["heating_final_kwh_a"], by_group)
            for t in tags:
                heat[t].append(heating @ tag_member[t])
    n = len(zones)
    stationary = np.concatenate(ghg, axis=0) if ghg else np.zeros((0, n))
    return stationary, {t: np.concatenate(v, axis=0) for t, v in heat.items()}
