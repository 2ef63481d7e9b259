"""Per-district values controls are matched on (``data/matching_variables.csv``), from one run.

Shares of heated floor area, per district ``d`` over its buildings ``b``:

* ``pre1980_share_d = sum_b A_b [period_b ends by 1980] / sum_b A_b`` (fraction), ``A_b`` =
  ``heated_area_m2``;
* ``fossil_share_d = sum_b A_b [carrier_b in {natural_gas, heating_oil}] / sum_b A_b``;
* ``heat_pump_share_d = sum_b A_b [carrier_b = heat_pump] / sum_b A_b``;
* ``final_energy_kwh_m2_a_d = sum_b final_energy_kwh_a_b / sum_b A_b`` (kWh/(m2 a));
* ``residents_per_ha_d = residents_d / area_ha_d``.

A district without heated floor area gets NaN shares (it cannot be matched on them). Every other
numeric column of the districts layer is kept under its own name, so any of them can be named in
``--variables``. The old-fossil test uses the same carriers and periods as the ranking
(:data:`minettgeo.rank.criteria.FOSSIL`, :data:`~minettgeo.rank.criteria.PRE_1980`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from minettgeo.rank.criteria import FOSSIL, PRE_1980


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    den = den.astype(float)
    return (num.astype(float) / den.where(den > 0)).astype(float)


def district_structure(districts: pd.DataFrame, buildings: pd.DataFrame) -> pd.DataFrame:
    """Numeric columns of ``districts`` plus the shares above, indexed by ``district_id``
    (in the districts' order)."""
    ids = districts["district_id"].astype(str)
    out = (
        pd.DataFrame(districts.drop(columns="geometry", errors="ignore"))
        .assign(district_id=ids.to_numpy())
        .set_index("district_id")
    )
    out = out.select_dtypes(include=[np.number]).astype(float)
    area = buildings["heated_area_m2"].to_numpy(dtype=float)
    carrier = buildings["heating_carrier"].astype(str)
    per_b = pd.DataFrame(
        {
            "heated_m2": area,
            "pre1980_m2": np.where(buildings["construction_period"].isin(PRE_1980), area, 0.0),
            "fossil_m2": np.where(carrier.isin(FOSSIL), area, 0.0),
            "heat_pump_m2": np.where(carrier == "heat_pump", area, 0.0),
            "final_kwh_a": buildings["final_energy_kwh_a"].to_numpy(dtype=float),
        }
    )
    sums = per_b.groupby(buildings["district_id"].astype(str).to_numpy()).sum()
    sums = sums.reindex(out.index).fillna(0.0)
    out["pre1980_share"] = _ratio(sums["pre1980_m2"], sums["heated_m2"])
    out["fossil_share"] = _ratio(sums["fossil_m2"], sums["heated_m2"])
    out["heat_pump_share"] = _ratio(sums["heat_pump_m2"], sums["heated_m2"])
    out["final_energy_kwh_m2_a"] = _ratio(sums["final_kwh_a"], sums["heated_m2"])
    out["residents_per_ha"] = _ratio(out["residents"], out["area_ha"])
    return out
