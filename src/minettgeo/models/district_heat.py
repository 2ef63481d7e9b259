"""District-heat plants inside the region (GPC I.4.4: energy generation supplied to the grid,
scope 1, reported outside BASIC).

For a plant (table ``district_heat_plants``) supplying the district-heated buildings of the
communes it serves, with heat ``H`` delivered to their substations (kWh/a, the buildings' final
energy from district heat)::

    H_fed   = H / (1 - loss)                                 heat fed into the network
    F_gas   = H_fed x (1 - s_waste - s_bio) / eta_gas        kWh/a natural gas (NCV)
    F_bio   = H_fed x s_bio / eta_bio                        kWh/a wood pellets (NCV)
    E_g     = (F_gas x EF_gas[g] + F_bio x EF_wood[g]) / 1000   t/a (wood CO2: biogenic memo)

``s_waste``: recovered industrial waste heat (no emissions here: they belong to the process);
``EF``: IPCC energy-industry combustion factors (``fuel_combustion`` rows ``*_energy``). The
emissions sit in the commune where the plant stands. The consumers' scope 2 (I.x.2 at the
district-heat grid factor) is unchanged: I.4.4 is reported for completeness, not added to BASIC.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from minettgeo.factors.tables import FactorSet

Array = NDArray[np.float64]
PLANT_QUANTITIES = (
    "waste_heat_share",
    "biomass_share",
    "gas_boiler_efficiency",
    "biomass_boiler_efficiency",
    "network_loss",
)
FUELS = {"gas": "natural_gas_energy", "bio": "wood_pellets_energy"}
GASES = ("CO2", "CH4", "N2O")


@dataclass(frozen=True)
class PlantActivity:
    """Heat delivered by each plant (kWh/a) and the factor indices, one entry per plant."""

    plants: tuple[str, ...]
    plant_lau2: tuple[str, ...]
    heat_delivered_kwh: Array
    index: Mapping[str, NDArray[np.int64]]


def plant_table(factors: FactorSet) -> pd.DataFrame:
    """One row per plant: ``plant``, ``plant_lau2``, ``serves`` (list of lau2 codes)."""
    table = factors.tables["district_heat_plants"]
    first = table.drop_duplicates("plant")
    return pd.DataFrame(
        {
            "plant": first["plant"].to_numpy(dtype=str),
            "plant_lau2": first["plant_lau2"].astype(str).str.zfill(4).to_numpy(),
            "serves": [str(s).split() for s in first["serves_lau2"]],
        }
    )


def serving_plant(
    lau2: NDArray[np.object_], carrier: NDArray[np.object_], factors: FactorSet
) -> NDArray[np.object_]:
    """The plant supplying each building ('' when the building is not district-heated or its
    commune is served by no plant of the table)."""
    out = np.full(len(lau2), "", dtype=object)
    dh = carrier == "district_heat"
    table = plant_table(factors)
    for plant, serves in zip(table["plant"], table["serves"], strict=True):
        out[dh & np.isin(lau2, list(serves))] = plant
    return out


def resolve_plant_factors(heat_by_plant: pd.Series, factors: FactorSet) -> PlantActivity:
    """``heat_by_plant``: kWh/a delivered, indexed by plant name (plants without heat: 0)."""
    plants = plant_table(factors)
    names = plants["plant"].to_numpy(dtype=object)
    index: dict[str, NDArray[np.int64]] = {
        q: factors.index("district_heat_plants", "plant / quantity", plant=names, quantity=q)
        for q in PLANT_QUANTITIES
    }
    for label, fuel in FUELS.items():
        for gas in GASES:
            index[f"{label}_{gas.lower()}"] = np.repeat(
                factors.index("fuel_combustion", "fuel / gas", fuel=fuel, gas=gas), len(names)
            )
    index["gwp_ch4"] = np.repeat(factors.gwp_index("CH4"), len(names))
    index["gwp_n2o"] = np.repeat(factors.gwp_index("N2O"), len(names))
    heat = heat_by_plant.reindex(names).fillna(0.0).to_numpy(dtype=float)
    return PlantActivity(
        plants=tuple(names),
        plant_lau2=tuple(plants["plant_lau2"]),
        heat_delivered_kwh=heat,
        index=index,
    )


def plant_formula(
    activity: PlantActivity, theta: Array, heat_kwh: Array | None = None
) -> dict[str, Array]:
    """Fuel (kWh/a) and emissions (t/a) per plant (module docstring); ``theta`` 1-D or 2-D;
    ``heat_kwh`` replaces the delivered heat (e.g. one row per Monte Carlo draw)."""
    f = {name: theta[..., idx] for name, idx in activity.index.items()}
    heat = activity.heat_delivered_kwh if heat_kwh is None else heat_kwh
    fed = heat / (1.0 - f["network_loss"])
    gas = fed * (1.0 - f["waste_heat_share"] - f["biomass_share"]) / f["gas_boiler_efficiency"]
    bio = fed * f["biomass_share"] / f["biomass_boiler_efficiency"]
    co2 = gas * f["gas_co2"] / 1000.0
    ch4 = (gas * f["gas_ch4"] + bio * f["bio_ch4"]) / 1000.0
    n2o = (gas * f["gas_n2o"] + bio * f["bio_n2o"]) / 1000.0
    return {
        "heat_delivered_kwh_a": np.broadcast_to(heat, gas.shape).astype(float),
        "gas_fuel_kwh_a": gas,
        "biomass_fuel_kwh_a": bio,
        "co2_t_a": co2,
        "ch4_t_a": ch4,
        "n2o_t_a": n2o,
        "biogenic_co2_t_a": bio * f["bio_co2"] / 1000.0,
        "tco2e_a": co2 + f["gwp_ch4"] * ch4 + f["gwp_n2o"] * n2o,
    }


def delivered_heat(buildings: pd.DataFrame, factors: FactorSet) -> pd.Series:
    """kWh/a of district heat delivered by each plant: the final energy of the district-heated
    buildings (columns lau2, heating_carrier, heating_final_kwh_a) of the communes it serves."""
    plant = serving_plant(
        buildings["lau2"].to_numpy(dtype=object),
        buildings["heating_carrier"].to_numpy(dtype=object),
        factors,
    )
    heat = buildings["heating_final_kwh_a"].groupby(plant).sum()
    return heat.drop("", errors="ignore")


def plant_emissions(buildings: pd.DataFrame, factors: FactorSet) -> pd.DataFrame:
    """One row per plant: plant, lau2 (where it stands), heat, fuel and emissions."""
    activity = resolve_plant_factors(delivered_heat(buildings, factors), factors)
    out = pd.DataFrame(plant_formula(activity, factors.theta))
    out.insert(0, "plant", list(activity.plants))
    out.insert(1, "lau2", list(activity.plant_lau2))
    return out
