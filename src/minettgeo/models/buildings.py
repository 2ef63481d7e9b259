"""Stationary energy per building: heat need -> delivered energy by carrier -> emissions.

For a building of heated floor area ``A`` (m2)::

    Q      = A x (q_sh x k x (1 - s) + q_dhw)      useful heat, kWh/a   (0 when not heated)
    E_heat = Q / eta                               delivered heating energy, kWh/a
    E_el   = e x basis                             other electricity, kWh/a
                                                   (residential: per dwelling; else per m2)
    scope 1, per gas g:  E_heat x EF_fuel[g] / 1000         t/a (fuels burnt on site)
    scope 2:             (E_heat x EF_grid,heat + E_el x EF_grid,el) / 1000   t CO2e/a

``q_sh``, ``q_dhw`` (kWh/m2 a): residential typology by type and construction period, or the
non-residential demand by use; ``k``: measured/calculated ratio of residential space heating by
period and renovation state (the "prebound effect": the TABULA typology gives calculated needs,
unrenovated old homes consume less; 1 for renovated homes, where the gap vanishes, and for
non-residential demand, which is consumption-based); ``s``: renovation saving of space heating; ``eta``: seasonal
efficiency of the heating system (a heat pump's seasonal performance factor); ``EF_fuel``: IPCC
combustion factors for natural gas, heating oil and wood (wood CO2 is biogenic and reported
apart); ``EF_grid``: electricity for direct electric heating, heat pumps and appliances, the
network factor for district heat. CO2e = CO2 + GWP_CH4 x CH4 + GWP_N2O x N2O.

GPC sub-sectors: residential uses I.1, commercial and institutional I.2, industry I.3; scope 1
sits in I.x.1, scope 2 in I.x.2. Industrial *process* energy is not modelled (building heating and
electricity only).

The formula (:func:`building_formula`) takes factor values as arrays and broadcasts, so the same
code computes one value per building and a matrix of Monte Carlo draws.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from minettgeo.errors import FactorError
from minettgeo.factors.tables import FactorSet
from minettgeo.layers.codes import BUILDING_USE, RESIDENTIAL_USES

FUEL_OF_CARRIER: Mapping[str, str] = {
    "natural_gas": "natural_gas",
    "heating_oil": "heating_oil",
    "wood_pellets": "wood_pellets",
}
GRID_OF_CARRIER: Mapping[str, str] = {
    "direct_electric": "electricity",
    "heat_pump": "electricity",
    "district_heat": "district_heat",
}
SUBSECTOR_OF_USE: Mapping[str, str] = {
    use: ("I.1" if use in RESIDENTIAL_USES else "I.3" if use == "industry" else "I.2")
    for use in BUILDING_USE
}
ONE = 1  # parameter index of the constant 1
FACTOR_NAMES = (
    "space_heat",
    "calibration",
    "hot_water",
    "saving",
    "efficiency",
    "electricity",
    "fuel_co2",
    "fuel_ch4",
    "fuel_n2o",
    "grid_heat",
    "grid_electricity",
    "gwp_ch4",
    "gwp_n2o",
)

Array = NDArray[np.float64]


@dataclass(frozen=True)
class BuildingActivity:
    """What the formula needs besides factors, one entry per building (or per group of buildings)."""

    heated_area_m2: Array
    electricity_basis: Array  # dwellings (residential) or heated area m2 (others)
    heated: NDArray[np.bool_]  # False for carrier 'none'
    biogenic: NDArray[np.bool_]  # fuel CO2 is biogenic (wood)
    index: Mapping[str, NDArray[np.int64]]  # factor name -> parameter index into theta


def resolve_building_factors(buildings: pd.DataFrame, factors: FactorSet) -> BuildingActivity:
    """Parameter indices of every factor each building needs; FactorError names what is missing."""
    use = buildings["use"].to_numpy(dtype=object)
    carrier = buildings["heating_carrier"].to_numpy(dtype=object)
    unknown_use = sorted(set(use) - set(BUILDING_USE))
    if unknown_use:
        raise FactorError(f"no factors for building use(s) {unknown_use}: not a minettgeo use code")
    residential = np.isin(use, list(RESIDENTIAL_USES))
    n = len(buildings)
    idx: dict[str, NDArray[np.int64]] = {k: np.zeros(n, dtype=np.int64) for k in FACTOR_NAMES}

    res, non = np.flatnonzero(residential), np.flatnonzero(~residential)
    period = buildings["construction_period"].to_numpy(dtype=object)
    for quantity, name in (("space_heating", "space_heat"), ("hot_water", "hot_water")):
        if len(res):
            idx[name][res] = factors.index(
                "residential_typology",
                "residential building type / period / quantity",
                building_type=use[res],
                construction_period=period[res],
                quantity=quantity,
            )
        if len(non):
            idx[name][non] = factors.index(
                "nonresidential_demand", "building use / quantity", use=use[non], quantity=quantity
            )
    idx["calibration"][:] = ONE
    if len(res):
        idx["calibration"][res] = factors.index(
            "heat_calibration",
            "construction period / renovation state / quantity",
            construction_period=period[res],
            renovation_state=buildings["renovation_state"].to_numpy(dtype=object)[res],
            quantity="space_heating",
        )
        idx["electricity"][res] = factors.index(
            "electricity_use", "electricity use / basis", use="residential", basis="per_dwelling"
        )[0]
    if len(non):
        idx["electricity"][non] = factors.index(
            "nonresidential_demand", "building use / quantity", use=use[non], quantity="electricity"
        )
    idx["saving"][:] = factors.index(
        "renovation_savings",
        "renovation state",
        renovation_state=buildings["renovation_state"].to_numpy(dtype=object),
        quantity="space_heating",
    )
    idx["efficiency"][:] = factors.index("system_efficiency", "heating carrier", carrier=carrier)

    fuel = pd.Series(carrier).map(FUEL_OF_CARRIER).to_numpy(dtype=object)
    burns = pd.notna(fuel)
    for gas in ("CO2", "CH4", "N2O"):
        if burns.any():
            idx[f"fuel_{gas.lower()}"][burns] = factors.index(
                "fuel_combustion", "fuel / gas", fuel=fuel[burns], gas=gas
            )
    grid = pd.Series(carrier).map(GRID_OF_CARRIER).to_numpy(dtype=object)
    on_grid = pd.notna(grid)
    if on_grid.any():
        idx["grid_heat"][on_grid] = factors.index(
            "grid_factors", "energy carrier", carrier=grid[on_grid], gas="CO2e"
        )
    idx["grid_electricity"][:] = factors.index(
        "grid_factors", "energy carrier", carrier="electricity", gas="CO2e"
    )[0]
    idx["gwp_ch4"][:] = factors.gwp_index("CH4")
    idx["gwp_n2o"][:] = factors.gwp_index("N2O")

    biogenic = np.zeros(n, dtype=bool)
    if burns.any():
        bio = factors.tables["fuel_combustion"]
        bio_fuels = set(
            bio.loc[
                (bio["gas"] == "CO2") & bio["biogenic"].astype(str).str.lower().eq("true"), "fuel"
            ]
        )
        biogenic = np.isin(fuel, list(bio_fuels))
    area = buildings["heated_area_m2"].to_numpy(dtype=float)
    basis = np.where(residential, buildings["dwellings"].to_numpy(dtype=float), area)
    return BuildingActivity(
        heated_area_m2=area,
        electricity_basis=basis,
        heated=carrier != "none",
        biogenic=biogenic,
        index=idx,
    )


def building_formula(activity: BuildingActivity, theta: Array) -> dict[str, Array]:
    """Energy (kWh/a) and emissions (t/a) from factor values ``theta`` (1-D central values, or
    2-D draws x parameters: results then have one row per draw)."""
    f = {name: theta[..., i] for name, i in activity.index.items()}
    area = activity.heated_area_m2
    space = f["space_heat"] * f["calibration"] * (1.0 - f["saving"])
    q = np.where(activity.heated, area * (space + f["hot_water"]), 0.0)
    e_heat = np.divide(q, f["efficiency"], out=np.zeros_like(q), where=f["efficiency"] > 0)
    e_el = f["electricity"] * activity.electricity_basis
    fuel_co2 = e_heat * f["fuel_co2"] / 1000.0
    co2 = np.where(activity.biogenic, 0.0, fuel_co2)
    ch4 = e_heat * f["fuel_ch4"] / 1000.0
    n2o = e_heat * f["fuel_n2o"] / 1000.0
    scope1 = co2 + f["gwp_ch4"] * ch4 + f["gwp_n2o"] * n2o
    scope2 = (e_heat * f["grid_heat"] + e_el * f["grid_electricity"]) / 1000.0
    return {
        "heat_need_kwh_a": q,
        "heating_final_kwh_a": e_heat,
        "electricity_kwh_a": e_el,
        "scope1_co2_t_a": co2,
        "scope1_ch4_t_a": ch4,
        "scope1_n2o_t_a": n2o,
        "biogenic_co2_t_a": np.where(activity.biogenic, fuel_co2, 0.0),
        "scope1_tco2e_a": scope1,
        "scope2_tco2e_a": scope2,
        "ghg_tco2e_a": scope1 + scope2,
    }


def building_emissions(
    buildings: pd.DataFrame, factors: FactorSet, activity: BuildingActivity | None = None
) -> pd.DataFrame:
    """Per-building energy and emission columns (units in the names), plus ``gpc_subsector``
    and the final energy by carrier, aligned with ``buildings``' index (``activity``: the
    buildings' :func:`resolve_building_factors`, when already resolved)."""
    if activity is None:
        activity = resolve_building_factors(buildings, factors)
    out = pd.DataFrame(building_formula(activity, factors.theta), index=buildings.index)
    out["final_energy_kwh_a"] = out["heating_final_kwh_a"] + out["electricity_kwh_a"]
    out["gpc_subsector"] = buildings["use"].map(SUBSECTOR_OF_USE).to_numpy()
    return out
