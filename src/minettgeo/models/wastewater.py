"""Wastewater treatment and discharge (GPC III.4) by the IPCC 2019 Refinement Tier 1 method.

Per resident and year (table ``wastewater``)::

    CH4 = BOD x 365 x I x Bo x (MCF_plant + (1 - R_BOD) x MCF_discharge)           kg CH4/(cap a)
    N   = Protein x F_NPR x N_HH x F_NON-CON x F_IND-COM                           kg N/(cap a)
    N2O = N x (EF_plant + (1 - R_N) x EF_effluent) x 44/28                         kg N2O/(cap a)
    E   = P x (CH4 x GWP_CH4 + N2O x GWP_N2O) / 1000                               t CO2e/a

``BOD`` kg/(cap d) generated, ``I`` industrial co-discharge, ``Bo`` maximum CH4 capacity, ``MCF``
methane correction factors of the treatment plant and of the receiving water, ``R_BOD`` and ``R_N``
removal in the plant, ``EF`` kg N2O-N per kg N (44/28 converts N2O-N to N2O, a molar-mass ratio).

The Minett's wastewater is treated in its own plants (SIACH Pétange for Differdange, Käerjeng,
Pétange, Sanem; SIVEC Schifflange and STEP Bettembourg for the eastern communes), so the
emissions are scope 1, GPC III.4.1 (generated and treated inside).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from minettgeo.factors.tables import FactorSet

Array = NDArray[np.float64]
DAYS_PER_YEAR = 365.0
N2O_PER_N2O_N = 44.0 / 28.0  # kg N2O per kg N2O-N (molar masses)
WASTEWATER_QUANTITIES = (
    "bod_per_capita",
    "industrial_cofactor",
    "bo",
    "mcf_treatment",
    "bod_removal",
    "mcf_discharge",
    "protein_per_capita",
    "f_npr",
    "n_hh",
    "f_non_con",
    "f_ind_com",
    "ef_plant_n2o",
    "n_removal",
    "ef_effluent_n2o",
)


@dataclass(frozen=True)
class WastewaterActivity:
    """Residents (one entry per zone) and the factor indices."""

    population: Array
    index: Mapping[str, int]


def resolve_wastewater_factors(population: Array, factors: FactorSet) -> WastewaterActivity:
    index = {
        q: int(factors.index("wastewater", "wastewater quantity", quantity=q)[0])
        for q in WASTEWATER_QUANTITIES
    }
    index["gwp_ch4"] = factors.gwp_index("CH4")
    index["gwp_n2o"] = factors.gwp_index("N2O")
    return WastewaterActivity(population=np.asarray(population, dtype=float), index=index)


def wastewater_formula(activity: WastewaterActivity, theta: Array) -> dict[str, Array]:
    """CH4 and N2O (t/a) and t CO2e/a per zone (module docstring); ``theta`` 1-D or 2-D."""
    f = {name: theta[..., i, None] for name, i in activity.index.items()}
    ch4_cap = (
        f["bod_per_capita"]
        * DAYS_PER_YEAR
        * f["industrial_cofactor"]
        * f["bo"]
        * (f["mcf_treatment"] + (1.0 - f["bod_removal"]) * f["mcf_discharge"])
    )
    n_cap = f["protein_per_capita"] * f["f_npr"] * f["n_hh"] * f["f_non_con"] * f["f_ind_com"]
    n2o_cap = (
        n_cap * (f["ef_plant_n2o"] + (1.0 - f["n_removal"]) * f["ef_effluent_n2o"]) * N2O_PER_N2O_N
    )
    ch4 = activity.population * ch4_cap / 1000.0
    n2o = activity.population * n2o_cap / 1000.0
    return {
        "wastewater_ch4_t_a": ch4,
        "wastewater_n2o_t_a": n2o,
        "wastewater_tco2e_a": ch4 * f["gwp_ch4"] + n2o * f["gwp_n2o"],
    }


def wastewater_per_capita(factors: FactorSet) -> dict[str, float]:
    """t CH4, t N2O and t CO2e per resident and year (central values)."""
    one = wastewater_formula(resolve_wastewater_factors(np.ones(1), factors), factors.theta)
    return {k: float(np.asarray(v).reshape(-1)[0]) for k, v in one.items()}


def wastewater_emissions(population: pd.Series, factors: FactorSet) -> pd.DataFrame:
    """CH4, N2O and CO2e of the wastewater of ``population`` (per commune or district)."""
    activity = resolve_wastewater_factors(population.to_numpy(dtype=float), factors)
    out = wastewater_formula(activity, factors.theta)
    return pd.DataFrame(
        {k: np.asarray(v).reshape(-1) for k, v in out.items()}, index=population.index
    )
