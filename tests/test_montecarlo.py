"""The Monte Carlo of the totals (:mod:`minettgeo.uncertainty.montecarlo`) on a hand-made factor
set: two communes, three buildings, two road rows, every further component; values computed by
hand (arithmetic in the comments).

The factor set is a real :class:`FactorSet` with one table whose rows are the round numbers the
formulas need (``theta[0] = 0`` and ``theta[1] = 1`` are its constants)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from minettgeo.factors.tables import FactorSet
from minettgeo.models.buildings import FACTOR_NAMES, BuildingActivity
from minettgeo.models.district_heat import PlantActivity
from minettgeo.models.ev import EVActivity
from minettgeo.models.rail import RailActivity
from minettgeo.models.transport import RoadActivity
from minettgeo.models.wastewater import WastewaterActivity
from minettgeo.uncertainty import montecarlo as mc

ZERO, ONE = 0, 1
#: name -> (low, value, high)
VALUES = {
    "waste": (0.1, 0.1, 0.1),  # t CO2e per resident
    "space_heat": (100.0, 100.0, 100.0),  # kWh/(m2 a)
    "hot_water": (20.0, 20.0, 20.0),  # kWh/(m2 a)
    "efficiency": (0.8, 0.8, 0.8),
    "electricity": (2000.0, 2000.0, 2000.0),  # kWh per dwelling
    "fuel_co2": (0.2, 0.2, 0.2),  # kg/kWh
    "grid": (0.4, 0.4, 0.4),  # kg CO2e/kWh
    "car_co2": (0.15, 0.15, 0.15),  # kg/vkm
    "hgv_co2": (0.8, 0.8, 0.8),
    "car_ch4": (0.001, 0.001, 0.001),
    "gwp_ch4": (28.0, 28.0, 28.0),
    "passenger": (1000.0, 1000.0, 1000.0),  # train-km per line-km
    "k_el": (10.0, 10.0, 10.0),  # kWh per train-km
    "ef_diesel_co2": (0.25, 0.25, 0.25),
    "diesel_share": (0.1, 0.1, 0.1),
}


def factor_set(values: dict[str, tuple[float, float, float]] = VALUES) -> FactorSet:
    table = pd.DataFrame(
        {
            "quantity": list(values),
            "unit": "-",
            "value": [v[1] for v in values.values()],
            "low": [v[0] for v in values.values()],
            "high": [v[2] for v in values.values()],
            "source": "test",
            "year": 2026,
        }
    )
    return FactorSet(tables={"waste": table}, gwp_set="AR5")


def at(factors: FactorSet, name: str) -> int:
    return int(factors.index("waste", "test quantity", quantity=name)[0])


def buildings(factors: FactorSet) -> BuildingActivity:
    """Three heated gas buildings: 100 and 50 m2 (1 dwelling each) in A, 200 m2 (2) in B.

    heat need = area x (100 x 1 x (1 - 0) + 20): 12,000, 6,000, 24,000 kWh
    final = need / 0.8: 15,000, 7,500, 30,000 kWh; electricity 2,000 x dwellings
    t CO2e = final x 0.2 / 1000 + electricity x 0.4 / 1000:
        3.0 + 0.8 = 3.8,  1.5 + 0.8 = 2.3,  6.0 + 1.6 = 7.6  -> A 6.1, B 7.6"""
    named = {
        "space_heat": at(factors, "space_heat"),
        "calibration": ONE,
        "saving": ZERO,
        "hot_water": at(factors, "hot_water"),
        "efficiency": at(factors, "efficiency"),
        "electricity": at(factors, "electricity"),
        "fuel_co2": at(factors, "fuel_co2"),
        "grid_electricity": at(factors, "grid"),
        "gwp_ch4": at(factors, "gwp_ch4"),
    }
    index = {name: np.full(3, named.get(name, ZERO), dtype=np.int64) for name in FACTOR_NAMES}
    return BuildingActivity(
        heated_area_m2=np.array([100.0, 50.0, 200.0]),
        electricity_basis=np.array([1.0, 1.0, 2.0]),
        heated=np.array([True, True, True]),
        biogenic=np.array([False, False, False]),
        index=index,
    )


def roads(factors: FactorSet) -> RoadActivity:
    """A: 1,000 car-km and 100 HGV-km, B: 500 HGV-km.

    A: (1000 x 0.15 + 100 x 0.8) / 1000 = 0.23 t CO2 + 28 x 1000 x 0.001 / 1000 = 0.028 -> 0.258
    B: 500 x 0.8 / 1000 = 0.4"""
    return RoadActivity(
        vkm=np.array([[1000.0, 100.0], [0.0, 500.0]]),
        ef_index={
            "CO2": np.array([at(factors, "car_co2"), at(factors, "hgv_co2")]),
            "CH4": np.array([at(factors, "car_ch4"), ZERO]),
            "N2O": np.array([ZERO, ZERO]),
        },
        gwp_index={"CH4": at(factors, "gwp_ch4"), "N2O": ZERO},
    )


POPULATION = pd.Series({"A": 1000.0, "B": 500.0})
ZONE = np.array(["A", "A", "B"], dtype=object)


def run(factors: FactorSet, **kw: object) -> pd.DataFrame:
    out = mc.simulate(
        factors,
        buildings(factors),
        ZONE,
        roads(factors),
        ["A", "B"],
        POPULATION,
        at(factors, "waste"),
        **kw,  # type: ignore[arg-type]
    )
    return out.table.set_index("lau2")


def test_membership_matrix() -> None:
    m = mc.membership(["a", "b", "a"], ["a", "b", "c"])
    np.testing.assert_array_equal(m, [[1, 0, 0], [0, 1, 0], [1, 0, 0]])
    assert m.dtype == float


def test_group_buildings_sums_area_and_basis_of_identical_factor_keys() -> None:
    factors = factor_set()
    activity = buildings(factors)
    grouped, commune, tag, _ = mc.group_buildings(activity, ZONE, np.array(["", "p", ""], object))
    # A/"" holds building 0 (100 m2, 1 dwelling), A/p building 1 (50, 1), B/"" building 2 (200, 2)
    assert list(commune) == ["A", "A", "B"] and list(tag) == ["", "p", ""]
    np.testing.assert_allclose(grouped.heated_area_m2, [100.0, 50.0, 200.0])
    untagged, _, no_tag, _ = mc.group_buildings(activity, ZONE)
    # no tag: buildings 0 and 1 share commune and factors -> 150 m2, 2 dwellings
    assert list(no_tag) == ["", ""]
    np.testing.assert_allclose(untagged.heated_area_m2, [150.0, 200.0])
    np.testing.assert_allclose(untagged.electricity_basis, [2.0, 2.0])
    assert untagged.heated.tolist() == [True, True]
    assert untagged.biogenic.tolist() == [False, False]
    assert untagged.index["space_heat"].tolist() == [at(factors, "space_heat")] * 2
    # groups come sorted by their keys, whatever the order of the buildings
    _, commune, _, _ = mc.group_buildings(activity, np.array(["B", "A", "A"], object))
    assert list(commune) == ["A", "B"]
    # a building outside every commune (no code) is kept as a group of its own
    lost, commune, _, _ = mc.group_buildings(activity, np.array(["A", None, "A"], object))
    assert lost.heated_area_m2.sum() == 350.0 and len(commune) == 2
    # a biogenic building is its own group even with the same factors
    bio = BuildingActivity(
        heated_area_m2=activity.heated_area_m2,
        electricity_basis=activity.electricity_basis,
        heated=np.array([True, False, True]),
        biogenic=np.array([False, True, False]),
        index=activity.index,
    )
    split, _, _, _ = mc.group_buildings(bio, ZONE)
    assert sorted(split.heated_area_m2.tolist()) == [50.0, 100.0, 200.0]
    assert sorted(zip(split.heated_area_m2, split.heated, split.biogenic, strict=True)) == [
        (50.0, False, True),
        (100.0, True, False),
        (200.0, True, False),
    ]


def test_constant_factors_give_the_hand_computed_totals_at_every_percentile() -> None:
    table = run(factor_set(), draws=3, seed=1)
    expected = {
        # stationary: A 3.8 + 2.3 = 6.1, B 7.6 (buildings()); transport: A 0.258, B 0.4 (roads())
        # waste: 0.1 t x 1000 = 100, x 500 = 50; BASIC = sum of the three
        "A": {"stationary": 6.1, "transport": 0.258, "waste": 100.0, "basic": 106.358},
        "B": {"stationary": 7.6, "transport": 0.4, "waste": 50.0, "basic": 58.0},
        "region": {"stationary": 13.7, "transport": 0.658, "waste": 150.0, "basic": 164.358},
    }
    assert list(table.index) == ["A", "B", "region"]
    for code, parts in expected.items():
        for part, value in parts.items():
            for q in ("05", "25", "50", "75", "95"):
                assert table.loc[code, f"{part}_p{q}_tco2e"] == pytest.approx(value, rel=1e-12)
    assert len(table.columns) == 4 * 5


def test_percentiles_are_those_of_the_two_piece_distribution() -> None:
    """Waste factor low 0.05, value 0.1, high 0.3; quantiles x(u) (distributions.py):
    x(0.05) = 0.05 + 0.05 sqrt(0.10) = 0.065811   x(0.25) = 0.05 + 0.05 sqrt(0.5) = 0.085355
    x(0.50) = 0.1                                  x(0.75) = 0.3 - 0.2 sqrt(0.5) = 0.158579
    x(0.95) = 0.3 - 0.2 sqrt(0.10) = 0.236754
    x 1000 residents for A, x 1500 for the region (one draw applies to every commune)."""
    factors = factor_set({**VALUES, "waste": (0.05, 0.1, 0.3)})
    table = run(factors, draws=20_000, seed=5)
    expected = {"05": 0.065811, "25": 0.085355, "50": 0.1, "75": 0.158579, "95": 0.236754}
    for q, x in expected.items():
        # standard error of the 5th percentile: sqrt(0.05 x 0.95 / 20000) / 6.3 per unit = 0.4 %
        assert table.loc["A", f"waste_p{q}_tco2e"] == pytest.approx(1000 * x, rel=0.01), q
        assert table.loc["region", f"waste_p{q}_tco2e"] == pytest.approx(1500 * x, rel=0.01), q
        # the other parts stay at their constant values
        assert table.loc["A", f"stationary_p{q}_tco2e"] == pytest.approx(6.1)


def test_draws_in_several_batches_and_the_seed() -> None:
    factors = factor_set({**VALUES, "waste": (0.05, 0.1, 0.3)})
    args = (factors, buildings(factors), ZONE, roads(factors), ["A", "B"], POPULATION)
    waste = at(factors, "waste")
    sims = mc.simulate_draws(*args, waste, draws=mc.BATCH + 1, seed=3)
    # one row per draw (251 = a batch of 250 and a batch of 1), one column per commune
    assert set(sims) == {"stationary", "transport", "waste", "basic"}
    for values in sims.values():
        assert values.shape == (mc.BATCH + 1, 2)
    # every draw is one value of the waste factor for both communes: B / A = 500 / 1000
    np.testing.assert_allclose(sims["waste"][:, 1], 0.5 * sims["waste"][:, 0])
    assert len(np.unique(sims["waste"][:, 0])) == mc.BATCH + 1
    np.testing.assert_allclose(
        sims["basic"], sims["stationary"] + sims["transport"] + sims["waste"]
    )
    again = mc.simulate_draws(*args, waste, draws=mc.BATCH + 1, seed=3)
    other = mc.simulate_draws(*args, waste, draws=mc.BATCH + 1, seed=4)
    np.testing.assert_array_equal(again["waste"], sims["waste"])
    assert not np.allclose(other["waste"], sims["waste"])
    # the defaults: 1000 draws, seed 2028
    default = mc.simulate(*args, waste)
    assert (default.draws, default.seed) == (1000, 2028)
    seeded = mc.simulate(*args, waste, draws=1000, seed=2028)
    pd.testing.assert_frame_equal(default.table, seeded.table)
    assert mc.simulate_draws(*args, waste)["waste"].shape == (1000, 2)
    # simulate_draws' own default seed is 2028 too
    np.testing.assert_array_equal(
        mc.simulate_draws(*args, waste)["waste"],
        mc.simulate_draws(*args, waste, seed=2028)["waste"],
    )
    with pytest.raises(ValueError, match=r"^draws must be >= 1$"):
        mc.simulate_draws(*args, waste, draws=0)
    assert mc.simulate_draws(*args, waste, draws=1)["waste"].shape == (1, 2)


def components(factors: FactorSet) -> tuple[list[mc.Component], mc.Component]:
    ev = EVActivity(
        car_vkm=np.array([1000.0, 3000.0]),
        index={
            "bev_fleet_share": ONE,
            "phev_fleet_share": ZERO,
            "phev_electric_share": ZERO,
            "bev_kwh_per_km_battery": at(factors, "fuel_co2"),  # 0.2 kWh/km
            "phev_kwh_per_km_battery": ZERO,
            "charging_loss": at(factors, "fuel_co2"),  # 0.2
            "grid": at(factors, "grid"),
        },
    )
    rail = RailActivity(
        line_km=np.array([10.0, 20.0]),
        diesel_line=np.array([True, False]),
        index={
            "passenger": at(factors, "passenger"),
            "freight": ZERO,
            "diesel_share": at(factors, "diesel_share"),
            "k_el": at(factors, "k_el"),
            "k_diesel": at(factors, "hot_water"),  # 20 kWh per train-km
            "ef_co2": at(factors, "ef_diesel_co2"),
            "ef_ch4": ZERO,
            "ef_n2o": ZERO,
            "gwp_ch4": ZERO,
            "gwp_n2o": ZERO,
            "grid": at(factors, "grid"),
        },
    )
    wastewater = WastewaterActivity(
        population=POPULATION.to_numpy(),
        index={
            "bod_per_capita": ONE,
            "industrial_cofactor": ONE,
            "bo": ONE,
            "mcf_treatment": ONE,
            "bod_removal": ONE,
            "mcf_discharge": ONE,
            "protein_per_capita": ZERO,
            "f_npr": ONE,
            "n_hh": ONE,
            "f_non_con": ONE,
            "f_ind_com": ONE,
            "ef_plant_n2o": ONE,
            "n_removal": ONE,
            "ef_effluent_n2o": ONE,
            "gwp_ch4": ONE,
            "gwp_n2o": ONE,
        },
    )
    plant_index = {
        name: np.array([ZERO])
        for name in (
            "network_loss",
            "waste_heat_share",
            "biomass_share",
            "gas_ch4",
            "gas_n2o",
            "bio_ch4",
            "bio_n2o",
            "bio_co2",
            "gwp_ch4",
            "gwp_n2o",
        )
    }
    plant_index["gas_boiler_efficiency"] = np.array([ONE])
    plant_index["biomass_boiler_efficiency"] = np.array([ONE])
    plant_index["gas_co2"] = np.array([at(factors, "fuel_co2")])  # 0.2 kg/kWh
    plant = PlantActivity(
        plants=("p1", "p2"),
        plant_lau2=("B", "A"),
        heat_delivered_kwh=np.array([0.0, 0.0]),
        index={k: np.repeat(v, 2) for k, v in plant_index.items()},
    )
    return [
        mc.ev_component(ev, ["A", "B"], ["A", "B"]),
        mc.rail_component(rail, ["A", "B"], ["A", "B"]),
        mc.wastewater_component(wastewater),
        mc.plant_component(plant, ["A", "B"]),
    ], mc.consumer_plant_component(plant, ["A", "B"])


def test_further_components_and_the_basic_total() -> None:
    factors = factor_set()
    further, consumer = components(factors)
    tag = np.array(["p1", "", "p1"], dtype=object)  # buildings 0 (A) and 2 (B) served by p1
    args = (factors, buildings(factors), ZONE, roads(factors), ["A", "B"], POPULATION)
    out = mc.simulate(*args, at(factors, "waste"), draws=2, components=further, building_tag=tag)
    table = out.table.set_index("lau2")
    expected = {
        # EV: kWh/km = (1 x 0.2 + 0) / (1 - 0.2) = 0.25; A 1000 x 0.25 x 0.4 / 1000 = 0.1,
        # B 3000 x 0.25 x 0.4 / 1000 = 0.3
        "ev_charging": (0.1, 0.3),
        # rail A (diesel line): 10 x 1000 = 10,000 train-km x 20 kWh x 0.25 / 1000 = 50;
        # B: 20,000 train-km, diesel share 0.1: electric 20,000 x 0.9 x 10 x 0.4 / 1000 = 72,
        # diesel 20,000 x 0.1 x 20 x 0.25 / 1000 = 10 -> 82
        "rail": (50.0, 82.0),
        # wastewater CH4 per resident 1 x 365 x 1 x 1 x (1 + (1 - 1) x 1) = 365 kg -> A 365 t,
        # B 182.5 t (N2O: protein 0)
        "wastewater": (365.0, 182.5),
        # plant p1 (in B) delivers the final heat of buildings 0 and 2: 15,000 + 30,000 kWh,
        # gas = 45,000 / (1 - 0) x (1 - 0 - 0) / 1 = 45,000 kWh x 0.2 / 1000 = 9.0 t in B;
        # p2 serves nobody
        "energy_generation": (0.0, 9.0),
    }
    for name, (a, b) in expected.items():
        assert table.loc["A", f"{name}_p50_tco2e"] == pytest.approx(a), name
        assert table.loc["B", f"{name}_p50_tco2e"] == pytest.approx(b), name
        assert table.loc["region", f"{name}_p95_tco2e"] == pytest.approx(a + b), name
    # BASIC: 106.358 + 0.1 + 50 + 365 = 521.458 (A); 58 + 0.3 + 82 + 182.5 = 322.8 (B);
    # I.4.4 (energy_generation) is outside BASIC
    assert table.loc["A", "basic_p50_tco2e"] == pytest.approx(521.458)
    assert table.loc["B", "basic_p05_tco2e"] == pytest.approx(322.8)
    assert [c.basic for c in further] == [True, True, True, False]
    # the consumer view puts the plant's emissions where its buildings are:
    # A 15,000 x 0.2 / 1000 = 3.0, B 30,000 x 0.2 / 1000 = 6.0
    sims = mc.simulate_draws(
        *args, at(factors, "waste"), draws=2, components=[consumer], building_tag=tag
    )
    assert consumer.name == "energy_generation" and consumer.basic is False
    np.testing.assert_allclose(sims["energy_generation"], [[3.0, 6.0], [3.0, 6.0]])
    # both plants serving buildings: their emissions add up in the zones (building 1, A, on p2:
    # 7,500 kWh x 0.2 / 1000 = 1.5 -> A 3.0 + 1.5 = 4.5)
    both = np.array(["p1", "p2", "p1"], dtype=object)
    sims = mc.simulate_draws(
        *args, at(factors, "waste"), draws=1, components=[consumer], building_tag=both
    )
    np.testing.assert_allclose(sims["energy_generation"], [[4.5, 6.0]])
    np.testing.assert_allclose(
        sims["basic"], sims["stationary"] + sims["transport"] + sims["waste"]
    )
