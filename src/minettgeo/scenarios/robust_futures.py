"""The futures of the robust plan: the uncertain factors nobody controls, sampled by Latin
hypercube (ema-workbench), and the background paths they set.

    grid_decarbonisation   quantile of the electricity-factor path (0 = fastest decarbonisation)
    ev_uptake              road fleet factor at quantile 1 - u, EV-charging growth at quantile u
    population_growth      quantile of the population path
    renovation_achieved    share of the planned renovation carried out (0.3-1.2)
    heat_pump_efficiency   heat-pump efficiency relative to the factor table (0.75-1.25)
    baseline_2005          quantile of the 2005 baseline's draws (0 = lowest, strictest target)

    M_var(f, y) = path multiplier of variable var at the future's quantile (0.5 when no factor
                  sets it), :func:`effects.path_multipliers`
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from minettgeo.scenarios import effects as fx

Array = NDArray[np.float64]


#: uncertain factors: name -> (low, high, description)
UNCERTAINTIES: Mapping[str, tuple[float, float, str]] = {
    "grid_decarbonisation": (0.0, 1.0, "quantile of the electricity-factor path (0 = fastest)"),
    "ev_uptake": (0.0, 1.0, "quantile of electric-vehicle uptake (1 = fastest)"),
    "population_growth": (0.0, 1.0, "quantile of the population path (1 = fastest)"),
    "renovation_achieved": (0.3, 1.2, "share of the planned renovation carried out"),
    "heat_pump_efficiency": (0.75, 1.25, "heat-pump efficiency relative to the factor table"),
    "baseline_2005": (0.0, 1.0, "quantile of the 2005 baseline's draws (0 = lowest, strictest)"),
}


#: the uncertain factor of the 2005 baseline (no effect when the baseline is exact)
BASELINE_FACTOR = "baseline_2005"


BASELINE_BASIS = {
    "draws": {
        "en": "each future's 2030 target is 0.45 x a quantile of the 2005 baseline's draws "
        "(factor baseline_2005, sampled with the others)",
        "fr": "l'objectif 2030 de chaque futur est 0,45 x un quantile des tirages de la "
        "référence 2005 (facteur baseline_2005, tiré avec les autres)",
    },
    "exact": {
        "en": "the 2005 baseline is exact (a table without low/high): the same target in every "
        "future; baseline_2005 has no effect and is left out of PRIM",
        "fr": "la référence 2005 est exacte (table sans low/high) : le même objectif dans tous "
        "les futurs ; baseline_2005 est sans effet et exclu de PRIM",
    },
}


def sample_futures(n: int, seed: int) -> pd.DataFrame:
    """``n`` futures by Latin hypercube sampling of the uncertain factors (ema-workbench)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench import RealParameter
        from ema_workbench.em_framework.samplers import LHSSampler, sample_parameters

    params = [RealParameter(k, lo, hi) for k, (lo, hi, _) in UNCERTAINTIES.items()]
    # the workbench's LHS sampler draws from numpy's global generator
    np.random.seed(seed)  # noqa: NPY002
    designs = sample_parameters(params, n, LHSSampler())
    rows = [{p.name: float(d[p.name]) for p in params} for d in designs]
    return pd.DataFrame(rows, columns=list(UNCERTAINTIES))


def future_paths(
    catalogue: fx.Catalogue, years: NDArray[np.int64], futures: pd.DataFrame
) -> dict[str, Array]:
    """Each background variable per future (futures x years) from the futures' quantiles."""
    one = np.full(len(futures), 0.5)
    u = {
        "electricity_factor": futures["grid_decarbonisation"].to_numpy(float),
        "road_fleet_factor": 1.0 - futures["ev_uptake"].to_numpy(float),
        "ev_charging_growth": futures["ev_uptake"].to_numpy(float),
        "population": futures["population_growth"].to_numpy(float),
    }
    names = set(catalogue.background["variable"])
    return {
        var: fx.path_multipliers(catalogue, var, u.get(var, one), years) for var in sorted(names)
    }
