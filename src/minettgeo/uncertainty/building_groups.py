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


def group_buildings(
    activity: BuildingActivity,
    commune: NDArray[np.object_],
    tag: NDArray[np.object_] | None = None,
    grade: NDArray[np.object_] | None = None,
) -> tuple[BuildingActivity, NDArray[np.object_], NDArray[np.object_], NDArray[np.object_]]:
    """Sum floor area and electricity basis over buildings with the same commune, tag, activity
    grade and factors; returns the groups' activity, commune, tag and grade."""
    keys = pd.DataFrame({name: idx for name, idx in activity.index.items()})
    keys["heated"] = activity.heated
    keys["biogenic"] = activity.biogenic
    keys["commune"] = commune
    keys["tag"] = "" if tag is None else tag
    keys["grade"] = "" if grade is None else grade
    cols = list(keys.columns)
    keys["area"] = activity.heated_area_m2
    keys["basis"] = activity.electricity_basis
    grouped = keys.groupby(cols, sort=True, dropna=False)[["area", "basis"]].sum().reset_index()
    grouped_activity = BuildingActivity(
        heated_area_m2=grouped["area"].to_numpy(dtype=float),
        electricity_basis=grouped["basis"].to_numpy(dtype=float),
        heated=grouped["heated"].to_numpy(dtype=bool),
        biogenic=grouped["biogenic"].to_numpy(dtype=bool),
        index={name: grouped[name].to_numpy(dtype=np.int64) for name in activity.index},
    )
    return (
        grouped_activity,
        grouped["commune"].to_numpy(dtype=object),
        grouped["tag"].to_numpy(dtype=object),
        grouped["grade"].to_numpy(dtype=object),
    )


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
