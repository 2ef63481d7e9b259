"""Seeded Monte Carlo over the factor bounds, vectorised over draws.

Every factor row with ``low < high`` is drawn from a triangular distribution (low, value, high);
one draw of a factor applies to every building and road (its uncertainty is systematic, not
independent per feature). The same formulas as the central run are evaluated on the matrix of
draws (``draws x parameters``) for *activity groups*: buildings sharing a commune and every
factor index are summed first (the formulas are linear in floor area, dwellings and vehicle-km),
so thousands of draws stay cheap. Result: the 5th, 50th and 95th percentile (a 90 % interval)
of every commune's and the region's total.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from minettgeo.factors.tables import FactorSet
from minettgeo.models.buildings import BuildingActivity, building_formula
from minettgeo.models.transport import RoadActivity, road_formula

PERCENTILES = (5.0, 50.0, 95.0)
BATCH = 250


@dataclass(frozen=True)
class Intervals:
    """Percentiles (rows: communes then 'region') of each component, t CO2e/a."""

    table: pd.DataFrame
    draws: int
    seed: int


def group_buildings(
    activity: BuildingActivity, commune: NDArray[np.object_]
) -> tuple[BuildingActivity, NDArray[np.object_]]:
    """Sum floor area and electricity basis over buildings with the same commune and factors."""
    keys = pd.DataFrame({name: idx for name, idx in activity.index.items()})
    keys["heated"] = activity.heated
    keys["biogenic"] = activity.biogenic
    keys["commune"] = commune
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
    return grouped_activity, grouped["commune"].to_numpy(dtype=object)


def simulate(
    factors: FactorSet,
    buildings: BuildingActivity,
    building_commune: NDArray[np.object_],
    roads: RoadActivity,
    road_commune: Sequence[str],
    population: pd.Series,
    waste_index: int,
    *,
    draws: int = 1000,
    seed: int = 2028,
) -> Intervals:
    """90 % intervals of stationary, transport, waste and BASIC totals per commune and region.

    ``roads.vkm`` holds one row per commune (vehicle-km by class inside it), in the order of
    ``road_commune``; ``population`` is indexed by commune."""
    if draws < 1:
        raise ValueError("draws must be >= 1")
    communes = list(population.index)
    grouped, group_commune = group_buildings(buildings, building_commune)
    member = (group_commune[:, None] == np.array(communes, dtype=object)[None, :]).astype(float)
    road_member = (
        np.asarray(road_commune, dtype=object)[:, None] == np.array(communes, dtype=object)[None, :]
    ).astype(float)
    pop = population.to_numpy(dtype=float)
    rng = np.random.default_rng(seed)
    parts: dict[str, list[NDArray[np.float64]]] = {"stationary": [], "transport": [], "waste": []}
    done = 0
    while done < draws:
        n = min(BATCH, draws - done)
        theta = factors.draw(n, rng)
        stationary = building_formula(grouped, theta)["ghg_tco2e_a"] @ member
        transport = road_formula(roads, theta)["ghg_tco2e_a"] @ road_member
        waste = theta[:, waste_index, None] * pop[None, :]
        parts["stationary"].append(stationary)
        parts["transport"].append(transport)
        parts["waste"].append(waste)
        done += n
    sims = {k: np.concatenate(v, axis=0) for k, v in parts.items()}
    sims["basic"] = sims["stationary"] + sims["transport"] + sims["waste"]
    records = []
    for j, code in enumerate([*communes, "region"]):
        row: dict[str, object] = {"lau2": code}
        for comp, values in sims.items():
            series = values[:, j] if code != "region" else values.sum(axis=1)
            p = np.percentile(series, PERCENTILES)
            for q, v in zip(PERCENTILES, p, strict=True):
                row[f"{comp}_p{int(q):02d}_tco2e"] = float(v)
        records.append(row)
    return Intervals(table=pd.DataFrame(records), draws=draws, seed=seed)
