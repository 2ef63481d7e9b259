"""Round-number factor tables for hand-computed tests, written as override files.

Going through real override files also exercises the override mechanism users rely on."""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path

import pandas as pd

from minettgeo.factors.tables import FactorSet, load_factor_set

PERIOD = "1961_1970"


def _row(**kw: object) -> dict[str, object]:
    v = kw.pop("value")
    return {**kw, "value": v, "low": v, "high": v, "source": "test", "year": 2026}


def toy_tables() -> dict[str, list[dict[str, object]]]:
    typology = []
    for btype, sh, dhw in (
        ("single_family", 200, 20),
        ("terraced", 180, 20),
        ("multi_family", 150, 20),
        ("apartment_block", 120, 25),
    ):
        typology.append(
            _row(
                building_type=btype,
                construction_period=PERIOD,
                quantity="space_heating",
                unit="kWh/(m2 a)",
                value=sh,
            )
        )
        typology.append(
            _row(
                building_type=btype,
                construction_period=PERIOD,
                quantity="hot_water",
                unit="kWh/(m2 a)",
                value=dhw,
            )
        )
    nonres = []
    for use, sh, dhw, el in (
        ("office", 100, 10, 50),
        ("retail", 80, 5, 90),
        ("education", 90, 6, 20),
        ("health", 140, 30, 80),
        ("industry", 60, 4, 40),
        ("other", 70, 8, 30),
    ):
        for q, v in (("space_heating", sh), ("hot_water", dhw), ("electricity", el)):
            nonres.append(_row(use=use, quantity=q, unit="kWh/(m2 a)", value=v))
    fuels = []
    for fuel, co2, ch4, n2o in (
        ("natural_gas", 0.2, 0.001, 0.0001),
        ("heating_oil", 0.25, 0.0, 0.0),
        ("wood_pellets", 0.4, 0.002, 0.0001),
        ("rail_diesel", 0.25, 0.0, 0.0),
    ):
        for gas, v in (("CO2", co2), ("CH4", ch4), ("N2O", n2o)):
            biogenic = fuel == "wood_pellets" and gas == "CO2"
            fuels.append(_row(fuel=fuel, gas=gas, unit="kg/kWh", value=v, biogenic=biogenic))
    vehicles = []
    for vc, co2 in (("car", 0.15), ("lgv", 0.25), ("hgv", 0.8), ("bus", 1.0)):
        vehicles.append(_row(vehicle_class=vc, gas="CO2", unit="kg/vkm", value=co2))
        vehicles.append(_row(vehicle_class=vc, gas="CH4", unit="kg/vkm", value=0.00001))
        vehicles.append(_row(vehicle_class=vc, gas="N2O", unit="kg/vkm", value=0.00001))
    return {
        "residential_typology": typology,
        "nonresidential_demand": nonres,
        "fuel_combustion": fuels,
        "heat_calibration": [
            _row(
                construction_period=PERIOD,
                renovation_state=state,
                quantity="space_heating",
                unit="ratio",
                value=0.5,
            )
            for state in ("none", "partial", "deep")
        ],
        "renovation_savings": [
            _row(renovation_state="none", quantity="space_heating", unit="fraction", value=0.0),
            _row(renovation_state="partial", quantity="space_heating", unit="fraction", value=0.25),
            _row(renovation_state="deep", quantity="space_heating", unit="fraction", value=0.5),
        ],
        "system_efficiency": [
            _row(carrier=c, unit="kWh heat/kWh final", value=v)
            for c, v in (
                ("natural_gas", 0.8),
                ("heating_oil", 0.8),
                ("wood_pellets", 0.5),
                ("direct_electric", 1.0),
                ("heat_pump", 2.5),
                ("district_heat", 1.0),
                ("none", 1.0),
            )
        ],
        "grid_factors": [
            _row(carrier="electricity", gas="CO2e", unit="kg CO2e/kWh", value=0.4),
            _row(carrier="district_heat", gas="CO2e", unit="kg CO2e/kWh", value=0.1),
        ],
        "electricity_use": [
            _row(use="residential", basis="per_dwelling", unit="kWh/(dwelling a)", value=2000)
        ],
        "vehicle_factors": vehicles,
        "waste": [_row(quantity="per_capita_emissions", unit="t CO2e/(cap a)", value=0.1)],
        "ev_charging": [
            _row(vehicle_class="car", quantity=q, unit="-", value=v)
            for q, v in (
                ("bev_fleet_share", 0.1),
                ("phev_fleet_share", 0.1),
                ("phev_electric_share", 0.5),
                ("bev_kwh_per_km_battery", 0.2),
                ("phev_kwh_per_km_battery", 0.2),
                ("charging_loss", 0.2),
            )
        ],
        "wastewater": [
            _row(quantity=q, unit="-", value=v)
            for q, v in (
                ("bod_per_capita", 0.1),
                ("industrial_cofactor", 1.0),
                ("bo", 0.5),
                ("mcf_treatment", 0.1),
                ("bod_removal", 0.5),
                ("mcf_discharge", 0.2),
                ("protein_per_capita", 10.0),
                ("f_npr", 0.2),
                ("n_hh", 1.0),
                ("f_non_con", 1.0),
                ("f_ind_com", 1.0),
                ("ef_plant_n2o", 0.01),
                ("n_removal", 0.5),
                ("ef_effluent_n2o", 0.02),
            )
        ],
        "rail_traffic": [
            _row(traction=t, quantity=q, unit="-", value=v)
            for t, q, v in (
                ("all", "passenger_train_km_per_line_km", 1000.0),
                ("all", "freight_train_km_per_line_km", 0.0),
                ("diesel", "share_of_train_km", 0.1),
                ("electric", "kwh_per_train_km", 10.0),
                ("diesel", "kwh_fuel_per_train_km", 20.0),
            )
        ],
    }


def write_overrides(directory: Path) -> list[Path]:
    paths = []
    for name, rows in toy_tables().items():
        path = Path(directory) / f"{name}.csv"
        pd.DataFrame(rows).to_csv(path, index=False)
        paths.append(path)
    return paths


def toy_factor_set(directory: Path, gwp_set: str = "AR5") -> FactorSet:
    return load_factor_set(gwp_set, write_overrides(directory))


@functools.cache
def shared_toy_factor_set(gwp_set: str = "AR5") -> FactorSet:
    """One toy factor set per GWP set for the whole test process: loading takes a second and no
    test changes it (a forked mutation-testing worker inherits it instead of loading it again)."""
    return toy_factor_set(Path(tempfile.mkdtemp(prefix="minettgeo-toy-factors-")), gwp_set)


@functools.cache
def shipped_factor_set() -> FactorSet:
    """The shipped factor set (AR5, no override), loaded once per test process."""
    return load_factor_set()
