"""Electric-vehicle charging (GPC II.1.2, scope 2) per road segment.

The car-km driven on a segment (``vkm_car``, from the road model) are partly electric: battery
cars (fleet share ``s_bev``) always, plug-in hybrids (share ``s_phev``) for the share ``u`` of their
km they drive on grid electricity. Energy at the plug includes the charging losses::

    vkm_el  = vkm_car x (s_bev + s_phev x u)                                   electric car-km/a
    e_km    = (s_bev x k_bev + s_phev x u x k_phev) / (1 - loss)               kWh at the plug per car-km
    E_ev    = vkm_car x e_km                                                   kWh/a
    scope 2 = E_ev x EF_grid,el / 1000                                         t CO2e/a

``k_bev``, ``k_phev``: kWh per electric km drawn from the battery (table ``ev_charging``);
``EF_grid,el``: the electricity grid factor. Territorial like II.1.1: charging is attributed to
where the km are driven, and so to districts and communes by the same length shares.

No double counting: the car CO2 factor (``vehicle_factors.csv``) is the fleet average with
battery cars at 0 g/km and plug-in hybrids at their on-board-meter average over all km (electric
km at 0), so their electric km carry no tailpipe CO2; and the residential electricity table
(``electricity_use.csv``) covers appliances, lighting, cooking and cooling, not charging.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from minettgeo.factors.tables import FactorSet

Array = NDArray[np.float64]
EV_QUANTITIES = (
    "bev_fleet_share",
    "phev_fleet_share",
    "phev_electric_share",
    "bev_kwh_per_km_battery",
    "phev_kwh_per_km_battery",
    "charging_loss",
)


@dataclass(frozen=True)
class EVActivity:
    """Car-km per year (one entry per segment or group) and the factor indices."""

    car_vkm: Array
    index: Mapping[str, int]  # quantity (and 'grid') -> parameter index


def resolve_ev_factors(car_vkm: Array, factors: FactorSet) -> EVActivity:
    index = {
        q: int(factors.index("ev_charging", "EV quantity", vehicle_class="car", quantity=q)[0])
        for q in EV_QUANTITIES
    }
    index["grid"] = int(
        factors.index("grid_factors", "energy carrier", carrier="electricity", gas="CO2e")[0]
    )
    return EVActivity(car_vkm=np.asarray(car_vkm, dtype=float), index=index)


def ev_formula(activity: EVActivity, theta: Array) -> dict[str, Array]:
    """Electric car-km, kWh at the plug and t CO2e/a (module docstring); ``theta`` 1-D (values)
    or 2-D (draws x parameters: results get one row per draw)."""
    f = {name: theta[..., i, None] for name, i in activity.index.items()}
    electric_share = f["bev_fleet_share"] + f["phev_fleet_share"] * f["phev_electric_share"]
    kwh_per_km = (
        f["bev_fleet_share"] * f["bev_kwh_per_km_battery"]
        + f["phev_fleet_share"] * f["phev_electric_share"] * f["phev_kwh_per_km_battery"]
    ) / (1.0 - f["charging_loss"])
    kwh = activity.car_vkm * kwh_per_km
    return {
        "ev_vkm_a": activity.car_vkm * electric_share,
        "ev_kwh_a": kwh,
        "ev_tco2e_a": kwh * f["grid"] / 1000.0,
    }


def ev_charging(road_results: pd.DataFrame, factors: FactorSet) -> pd.DataFrame:
    """Per-segment electric car-km, charging energy (kWh/a) and scope-2 t CO2e/a, aligned with
    ``road_results`` (which holds ``vkm_car_a``)."""
    activity = resolve_ev_factors(road_results["vkm_car_a"].to_numpy(dtype=float), factors)
    out = ev_formula(activity, factors.theta)
    return pd.DataFrame(
        {k: np.asarray(v).reshape(-1) for k, v in out.items()}, index=road_results.index
    )
