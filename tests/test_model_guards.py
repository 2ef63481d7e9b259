"""Tests that fail when a model is subtly wrong (issue 9 item 7): district-heating labelling,
district population by dwellings, vectorisation alignment, provenance hashes, a missing factor
named with what it is."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from factor_overrides import PERIOD, shipped_factor_set
from minettgeo import CRS
from minettgeo.aggregate.levels import district_population
from minettgeo.engine.totals import dh_heat_by_parcel
from minettgeo.errors import FactorError
from minettgeo.factors.tables import FactorSet, load_factor_set
from minettgeo.layers.codes import VEHICLE_CLASS
from minettgeo.models import district_heat, ev, rail, solar, transport, waste, wastewater
from minettgeo.models.buildings import building_emissions


def test_only_buildings_inside_a_potential_area_count_as_district_heating_potential() -> None:
    """Area labels 1, 0, 2, 0 on two parcels: P1 holds 100 (in) + 40 (out), P2 holds 7 (in)
    + 1,000 (out); a parcel without buildings gets 0."""
    buildings = pd.DataFrame(
        {
            "parcel_id": ["P1", "P1", "P2", "P2"],
            "dh_potential_area": [1, 0, 2, 0],
            "heat_need_kwh_a": [100.0, 40.0, 7.0, 1_000.0],
        }
    )
    parcels = pd.DataFrame({"parcel_id": ["P2", "P3", "P1"]}, index=[10, 11, 12])
    out = dh_heat_by_parcel(buildings, parcels)
    assert out.to_dict() == {10: 7.0, 11: 0.0, 12: 100.0}


def test_district_population_follows_dwellings_not_area() -> None:
    """Commune of 1,000 residents, two districts: D1 9 km2 with 10 dwellings, D2 1 km2 with 30.
    By dwellings: 250 and 750 (by area it would be 900 and 100). A commune without dwellings
    shares by area: C2 of 600 residents, D3 2 km2 and D4 1 km2 -> 400 and 200."""
    districts = gpd.GeoDataFrame(
        {"district_id": ["D1", "D2", "D3", "D4"], "lau2": ["C1", "C1", "C2", "C2"]},
        geometry=[
            shapely.box(0, 0, 3000, 3000),
            shapely.box(3000, 0, 4000, 1000),
            shapely.box(0, 5000, 2000, 6000),
            shapely.box(2000, 5000, 3000, 6000),
        ],
        crs=CRS,
    )
    communes = pd.DataFrame({"lau2": ["C1", "C2"], "population": [1_000.0, 600.0]})
    dwellings = pd.Series({"D1": 10, "D2": 30})
    pop = district_population(districts, dwellings, communes)
    assert pop.to_dict() == pytest.approx({"D1": 250.0, "D2": 750.0, "D3": 400.0, "D4": 200.0})


@pytest.mark.slow
def test_vectorised_rows_stay_aligned_with_their_buildings(tmp_path: Path) -> None:
    """Many different buildings in one call give, row by row, what each gives alone: a shuffled
    or misaligned lookup cannot pass (rows differ in use, carrier, renovation, area, dwellings)."""
    factors: FactorSet = load_factor_set("AR5")
    rng = np.random.default_rng(11)
    n = 3_000
    uses = ["single_family", "apartment_block", "office", "retail"]
    carriers = ["natural_gas", "heating_oil", "heat_pump", "wood_pellets", "direct_electric"]
    many = pd.DataFrame(
        {
            "use": rng.choice(uses, n),
            "construction_period": PERIOD,
            "heating_carrier": rng.choice(carriers, n),
            "renovation_state": rng.choice(["none", "partial", "deep"], n),
            "heated_area_m2": rng.uniform(50.0, 5_000.0, n).round(1),
            "dwellings": rng.integers(0, 40, n),
        }
    )
    together = building_emissions(many, factors)
    pick = rng.choice(n, 40, replace=False)
    for i in pick:  # a sample of reference rows computed one at a time
        alone = building_emissions(many.iloc[[i]].reset_index(drop=True), factors).iloc[0]
        assert together.iloc[i]["ghg_tco2e_a"] == pytest.approx(alone["ghg_tco2e_a"], rel=1e-12)
        assert together.iloc[i]["heating_final_kwh_a"] == pytest.approx(
            alone["heating_final_kwh_a"], rel=1e-12
        )
    # and the rows are not all alike
    assert together["ghg_tco2e_a"].nunique() > n // 2


def test_recorded_input_hash_is_the_files_sha256(tmp_path: Path) -> None:
    import toy_region
    from minettgeo.engine.inputs import input_hashes
    from minettgeo.layers.region import load_region

    layers = toy_region.build(tmp_path / "layers")
    region = load_region(layers)
    hashes = input_hashes(region)
    gpkg = layers / "region.gpkg"
    expected = hashlib.sha256(gpkg.read_bytes()).hexdigest()
    assert hashes["buildings: region.gpkg"] == expected
    assert (
        hashes["landcover: landcover.tif"]
        == hashlib.sha256((layers / "landcover.tif").read_bytes()).hexdigest()
    )


def _without(table: str, **match: str) -> FactorSet:
    """The shipped factor set without the rows of ``table`` that match every ``column=value``."""
    shipped = shipped_factor_set()
    frame = shipped.tables[table]
    drop = np.logical_and.reduce([frame[col].astype(str) == value for col, value in match.items()])
    assert drop.any(), f"no row of {table} matches {match}"
    return FactorSet(tables={**shipped.tables, table: frame[~drop]}, gwp_set=shipped.gwp_set)


def _road_vkm() -> np.ndarray:
    return np.ones((1, len(VEHICLE_CLASS)))


ONE_RESIDENT = pd.Series({"9001": 1.0})
ROOFS = pd.DataFrame({"use": ["single_family", "office"], "footprint_m2": [100.0, 200.0]})
# (what is called, table, rows dropped, the start of the message: what is missing and its key)
MISSING_FACTORS = [
    (
        lambda fs: district_heat.resolve_plant_factors(pd.Series(dtype=float), fs),
        "district_heat_plants",
        {"plant": "sudcal", "quantity": "network_loss"},
        "no factor for plant / quantity sudcal / network_loss (1 row(s)) in table "
        "'district_heat_plants'",
    ),
    (
        lambda fs: district_heat.resolve_plant_factors(pd.Series(dtype=float), fs),
        "fuel_combustion",
        {"fuel": "wood_pellets_energy", "gas": "N2O"},
        "no factor for fuel / gas wood_pellets_energy / N2O",
    ),
    (
        lambda fs: ev.resolve_ev_factors(np.ones(1), fs),
        "ev_charging",
        {"quantity": "charging_loss"},
        "no factor for EV quantity car / charging_loss",
    ),
    (
        lambda fs: ev.resolve_ev_factors(np.ones(1), fs),
        "grid_factors",
        {"carrier": "electricity"},
        "no factor for energy carrier electricity / CO2e",
    ),
    (
        lambda fs: rail.resolve_rail_factors(np.ones(1), np.zeros(1, dtype=bool), fs),
        "rail_traffic",
        {"quantity": "share_of_train_km"},
        "no factor for rail quantity diesel / share_of_train_km",
    ),
    (
        lambda fs: rail.resolve_rail_factors(np.ones(1), np.zeros(1, dtype=bool), fs),
        "grid_factors",
        {"carrier": "electricity"},
        "no factor for energy carrier electricity / CO2e",
    ),
    (
        lambda fs: rail.resolve_rail_factors(np.ones(1), np.zeros(1, dtype=bool), fs),
        "fuel_combustion",
        {"fuel": "rail_diesel", "gas": "CH4"},
        "no factor for fuel / gas rail_diesel / CH4",
    ),
    (
        lambda fs: transport.resolve_road_factors(_road_vkm(), fs),
        "vehicle_factors",
        {"vehicle_class": "bus", "gas": "N2O"},
        "no factor for vehicle class / gas bus / N2O",
    ),
    *[
        (
            lambda fs: transport.resident_based(ONE_RESIDENT, fs),
            "vehicle_factors",
            {"vehicle_class": "car", "gas": gas},
            f"no factor for vehicle class / gas car / {gas}",
        )
        for gas in ("CO2", "CH4", "N2O")
    ],
    (
        lambda fs: waste.waste_emissions(ONE_RESIDENT, fs),
        "waste",
        {"quantity": "per_capita_emissions"},
        "no factor for waste quantity per_capita_emissions",
    ),
    (
        waste.waste_index,
        "waste",
        {"quantity": "per_capita_emissions"},
        "no factor for waste quantity per_capita_emissions",
    ),
    (
        lambda fs: solar.solar_potential(ROOFS, fs),
        "solar_pv",
        {"roof_type": "flat", "quantity": "usable_roof_share"},
        "no factor for roof type flat / usable_roof_share",
    ),
    (
        lambda fs: solar.solar_potential(ROOFS, fs),
        "solar_pv",
        {"quantity": "module_kwp_per_m2"},
        "no factor for PV module all / module_kwp_per_m2",
    ),
    (
        lambda fs: solar.solar_potential(ROOFS, fs),
        "grid_factors",
        {"carrier": "electricity"},
        "no factor for energy carrier electricity / CO2e",
    ),
    (
        lambda fs: wastewater.resolve_wastewater_factors(np.ones(1), fs),
        "wastewater",
        {"quantity": "n_removal"},
        "no factor for wastewater quantity n_removal",
    ),
]


@pytest.mark.parametrize(("call", "table", "match", "message"), MISSING_FACTORS)
def test_a_missing_factor_is_named_with_what_it_is(call, table, match, message) -> None:
    with pytest.raises(FactorError, match=f"^{re.escape(message)}"):
        call(_without(table, **match))
