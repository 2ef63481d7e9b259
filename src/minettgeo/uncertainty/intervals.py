"""Percentiles of the Monte Carlo draws: the 90 % interval and its middle half per zone."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from .sampling import Draws

PERCENTILES = (5.0, 25.0, 50.0, 75.0, 95.0)
Array = NDArray[np.float64]


@dataclass(frozen=True)
class Intervals:
    """Percentiles (rows: communes then 'region') of each component, t CO2e/a."""

    table: pd.DataFrame
    draws: int
    seed: int
    #: the draws behind the table (None when not kept), for :mod:`minettgeo.uncertainty.update`
    samples: Draws | None = field(default=None, repr=False, compare=False)


def interval_table(sims: Mapping[str, Array], zones: Sequence[str]) -> pd.DataFrame:
    """:data:`PERCENTILES` of every component per zone and for the sum of the zones
    ('region'): columns ``lau2``, ``<component>_pNN_tco2e``."""
    columns: dict[str, object] = {"lau2": [*zones, "region"]}
    for comp, values in sims.items():
        per_zone = np.column_stack([values[:, : len(zones)], values.sum(axis=1)])
        p = np.percentile(per_zone, PERCENTILES, axis=0)  # percentiles x (zones + region)
        for q, row in zip(PERCENTILES, p, strict=True):
            columns[f"{comp}_p{int(q):02d}_tco2e"] = row.astype(float)
    return pd.DataFrame(columns)


def intervals_of(state: Draws) -> Intervals:
    """The percentiles of the draws ``state`` per zone and region, with the draws kept."""
    return Intervals(
        table=interval_table(state.sims, list(state.zones)),
        draws=int(state.theta.shape[0]),
        seed=state.seed,
        samples=state,
    )
