"""Resources a plan commits (EUR, person-days, hectares), per measure, commune and year.

Each measure's resources per commune come from the measures catalogue (``data/measures.csv``,
computed by :func:`minettgeo.scenarios.effects.measure_effect`); they are spread over the years
the measure is carried out, by the rule of its type in ``data/resource_phasing.csv``::

    ramp:  years start .. end                                   (end = start for one-off measures)
    rate:  years start .. min(2050, start + ceil(1 / rate_per_year) - 1)
    R(m, c, y) = R(m, c) / (number of those years)   for y in them, else 0

The central abatement of the measure in the commune, ``-(delta net)(m, c, y)`` (t CO2e/a, > 0 =
less emitted), is given beside, so that cost per tonne = sum of EUR / sum of abatement over the
years after the inventory year.
"""

from __future__ import annotations

import math
from importlib import resources

import numpy as np
import pandas as pd

from minettgeo.scenarios.baseline import SECTORS
from minettgeo.scenarios.policy import LAST_YEAR, Measure
from minettgeo.scenarios.scenario import INVENTORY_YEAR
from minettgeo.scenarios.trajectory import Trajectory

DATA = resources.files("minettgeo.scenarios") / "data"
RESOURCES = ("cost_eur", "person_days", "area_ha")
COLUMNS = (
    "measure",
    "name",
    "type",
    "in_plan",
    "lau2",
    "year",
    *RESOURCES,
    "abatement_tco2e_a",
)


def phasing_table() -> pd.DataFrame:
    """The phasing rule and the sources of each measure type's resources."""
    with resources.as_file(DATA / "resource_phasing.csv") as path:
        return pd.read_csv(path, dtype=str, keep_default_na=False)


def active_years(measure: Measure, rule: str) -> range:
    """The years a measure's resources are spent in (see the module's docstring)."""
    start = measure.start
    if rule == "rate":
        rate = float(measure.params.get("rate_per_year", 1.0))
        last = min(LAST_YEAR, start + max(math.ceil(1.0 / rate), 1) - 1) if rate > 0 else start
    else:
        last = max(measure.end, start)
    return range(start, min(last, LAST_YEAR) + 1)


def resource_table(t: Trajectory) -> pd.DataFrame:
    """One row per measure (plan and options), commune and year of the trajectory
    (:data:`COLUMNS`); resources are 0 outside the measure's active years."""
    rules = dict(zip(*phasing_table()[["type", "phasing"]].T.to_numpy(), strict=True))
    after = t.years[t.years >= INVENTORY_YEAR]
    rows = []
    for r in t.measures:
        span = active_years(r.measure, rules.get(r.measure.type, "ramp"))
        for lau2, res in sorted(r.resources_by_commune.items()):
            sectors = r.by_commune.get(lau2, {})
            delta = sum(
                (np.asarray(sectors[s][0], dtype=float) for s in SECTORS if s in sectors),
                np.zeros(len(after)),
            )
            abatement = -np.asarray(delta, dtype=float)
            for j, y in enumerate(after.tolist()):
                share = 1.0 / len(span) if y in span else 0.0
                rows.append(
                    {
                        "measure": r.measure.index,
                        "name": r.measure.name,
                        "type": r.measure.type,
                        "in_plan": not r.option,
                        "lau2": lau2,
                        "year": int(y),
                        **{k: float(res.get(k, 0.0)) * share for k in RESOURCES},
                        "abatement_tco2e_a": float(abatement[j]) if j < len(abatement) else 0.0,
                    }
                )
    return pd.DataFrame(rows, columns=list(COLUMNS))
