"""Growth curves of the sink measures: the carbon a measure removes per unit (ha, or km of
hedge) and year since its start, central or at the upper bound, and what it adds to the baseline.

Growth curves (``sink_measures.csv``), for a measure started in ``start_year``, at ``t = year -
start_year`` years::

    biomass(t) = rate_young if t < maturity_age else rate_mature      t C/(ha a) (or per km)
    dead(t)    = dead_rate_young if t < maturity_age else 0
    soil(t)    = soil_rate if t < soil_years else 0

Per km (hedges) the ``_per_km`` rates, without dead wood; ``maturity_age`` and ``soil_years``
default to 20 years. The upper bound takes the ``high`` of the rate parameters
(``RATE_PARAMETERS``) where ``sink_assumptions.csv`` says ``rates_upper = high``. What a measure
adds to the baseline ``b`` of its land (t C/(ha a), ``u`` hectares per unit), per unit::

    added(t) = max(0, curve(t) - u x b) for t >= 0, else 0
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from minettgeo.land.tables import CarbonTables

#: parameters of sink_measures.csv that the upper bound takes at their ``high``
RATE_PARAMETERS = (
    "biomass_rate_young",
    "biomass_rate_mature",
    "dead_rate_young",
    "soil_rate",
    "biomass_rate_per_km",
    "biomass_rate_mature_per_km",
    "soil_rate_per_km",
)


def growth_curve(
    params: Mapping[str, float], years: np.ndarray, per_km: bool = False
) -> np.ndarray:
    """t C per unit (ha or km) and year, at ``years`` since the start (negative: not started)."""
    suffix = "_per_km" if per_km else ""
    young = params.get(f"biomass_rate{suffix}" if per_km else "biomass_rate_young", 0.0)
    mature = params.get(f"biomass_rate_mature{suffix}" if per_km else "biomass_rate_mature", 0.0)
    soil = params.get(f"soil_rate{suffix}", 0.0)
    maturity = params.get("maturity_age", 20.0)
    soil_years = params.get("soil_years", 20.0)
    dead = 0.0 if per_km else params.get("dead_rate_young", 0.0)
    t = np.asarray(years, dtype=float)
    rate = np.where(t < maturity, young + dead, mature) + np.where(t < soil_years, soil, 0.0)
    return np.where(t >= 0, rate, 0.0)


def upper_parameters(tables: CarbonTables, measure: str) -> dict[str, float]:
    """The measure's parameters with the rates at their ``high`` when the assumptions say so."""
    params = dict(tables.measures[measure])
    if str(tables.assumptions.loc[measure, "rates_upper"]) == "high":
        ranges = tables.measure_ranges
        rows = ranges[(ranges["measure"] == measure) & ranges["parameter"].isin(RATE_PARAMETERS)]
        params.update(dict(zip(rows["parameter"], rows["high"].astype(float), strict=True)))
    return params


def additional_curve(
    curve: NDArray[np.float64], baseline_per_unit: NDArray[np.float64], started: NDArray[np.float64]
) -> NDArray[np.float64]:
    """t C per unit and year added to the baseline (parcels x years):
    ``max(0, curve - baseline_per_unit)`` in the years after the start, 0 before."""
    return np.clip(curve[None, :] - baseline_per_unit[:, None], 0.0, None) * started[None, :]
