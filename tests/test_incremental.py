"""The helpers behind a fast recompute (issue 9 item 8): group sums on integer codes and Monte
Carlo draws updated for changed buildings only, each against values computed by hand."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from minettgeo.aggregate.groups import (
    group_codes,
    group_count,
    group_sum,
    group_sums,
    with_columns,
)
from minettgeo.factors.tables import FactorSet, load_factor_set
from minettgeo.models.buildings import building_formula, resolve_building_factors
from minettgeo.models.district_heat import resolve_plant_factors
from minettgeo.models.transport import resolve_road_factors
from minettgeo.models.waste import waste_index
from minettgeo.uncertainty.montecarlo import (
    building_draws,
    group_buildings,
    plant_component,
    simulation,
)
from minettgeo.uncertainty.update import activity_rows, stacked_activity, updated_draws

ZONES = ["0204", "0213"]  # Esch and Sanem: served by the Sudcal district-heat plant


@pytest.fixture(scope="module")
def factors() -> FactorSet:
    return load_factor_set()


def test_group_sums_on_codes_equal_sums_by_hand() -> None:
    keys = ["b", "a", "b", "x", "a"]  # 'x' is not a group
    codes = group_codes(keys, ["a", "b", "c"])
    assert codes.tolist() == [1, 0, 1, -1, 0]
    values = [1.0, 2.0, 3.0, 100.0, np.nan]
    # a: 2 + (missing: 0) = 2; b: 1 + 3 = 4; c: no row = 0; the 100 of 'x' is in no group
    assert group_sum(values, codes, 3).tolist() == [2.0, 4.0, 0.0]
    assert group_count(codes, 3).tolist() == [2, 2, 0]
    frame = pd.DataFrame({"v": values, "w": [10.0, 20.0, 30.0, 40.0, 50.0]})
    # w: a = 20 + 50 = 70, b = 10 + 30 = 40, c = 0
    assert group_sums(frame, ["w"], codes, 3)["w"].tolist() == [70.0, 40.0, 0.0]
    with pytest.raises(ValueError, match="unique"):
        group_codes(["a"], ["a", "a"])


def test_group_sums_after_rows_added_removed_and_modified() -> None:
    """A level's sums recomputed on the changed rows equal the sums written down by hand."""
    groups = ["p1", "p2", "p3"]
    before = pd.DataFrame({"parcel": ["p1", "p1", "p2"], "ghg": [1.5, 2.0, 4.0]})
    # p1 = 1.5 + 2 = 3.5, p2 = 4, p3 = 0
    assert group_sum(before["ghg"], group_codes(before["parcel"], groups), 3).tolist() == [
        3.5,
        4.0,
        0.0,
    ]
    # remove the 2.0 of p1, modify p2's building to 1.25, add 0.75 on p3 and 0.5 on p1
    after = pd.DataFrame({"parcel": ["p1", "p2", "p3", "p1"], "ghg": [1.5, 1.25, 0.75, 0.5]})
    # p1 = 1.5 + 0.5 = 2, p2 = 1.25, p3 = 0.75
    assert group_sum(after["ghg"], group_codes(after["parcel"], groups), 3).tolist() == [
        2.0,
        1.25,
        0.75,
    ]


def test_with_columns_sets_columns_like_assignment() -> None:
    frame = gpd.GeoDataFrame(
        {"k": ["a", "b"], "v": [1.0, 2.0]},
        geometry=[shapely.Point(0, 0), shapely.Point(1, 1)],
        crs=2169,
    )
    out = with_columns(frame, {"v": np.array([5.0, 6.0]), "w": np.array([7, 8])})
    assert list(out.columns) == ["k", "v", "geometry", "w"]  # v in place, w appended
    assert out["v"].tolist() == [5.0, 6.0] and out["w"].tolist() == [7, 8]
    assert isinstance(out, gpd.GeoDataFrame) and out.crs == frame.crs
    assert frame["v"].tolist() == [1.0, 2.0]  # the input is not modified


def buildings(rows: list[tuple[str, str, float, int]]) -> pd.DataFrame:
    """use, heating carrier, heated area (m2), dwellings."""
    return pd.DataFrame(
        {
            "use": [r[0] for r in rows],
            "construction_period": "1961_1970",
            "heating_carrier": [r[1] for r in rows],
            "renovation_state": "none",
            "heated_area_m2": [r[2] for r in rows],
            "dwellings": [r[3] for r in rows],
        }
    )


def test_activity_rows_and_stacking(factors: FactorSet) -> None:
    act = resolve_building_factors(
        buildings([("office", "natural_gas", 100.0, 0), ("single_family", "heat_pump", 80.0, 1)]),
        factors,
    )
    picked = activity_rows(act, np.array([1, 0]))
    assert picked.heated_area_m2.tolist() == [80.0, 100.0]
    stacked = stacked_activity([act, picked], [-1.0, 1.0])
    # area -100, -80 then +80, +100; the electricity basis of the house is its 1 dwelling
    assert stacked.heated_area_m2.tolist() == [-100.0, -80.0, 80.0, 100.0]
    assert stacked.electricity_basis.tolist() == [-100.0, -1.0, 1.0, 100.0]
    # linear: the formula of the stacked rows sums to zero (a row taken away and added back)
    total = building_formula(stacked, factors.theta)["ghg_tco2e_a"].sum()
    assert abs(total) < 1e-12


def test_updated_draws_equal_a_full_simulation(factors: FactorSet) -> None:
    before = buildings(
        [
            ("office", "natural_gas", 1_000.0, 0),
            ("single_family", "heating_oil", 150.0, 1),
            ("multi_family", "district_heat", 2_000.0, 24),
        ]
    )
    zone_before = np.array(["0204", "0213", "0204"], dtype=object)
    # building 1 removed; building 2 switched to a heat pump; a new district-heated one added
    after = buildings(
        [
            ("office", "natural_gas", 1_000.0, 0),
            ("multi_family", "heat_pump", 2_000.0, 24),
            ("retail", "district_heat", 500.0, 0),
        ]
    )
    zone_after = np.array(["0204", "0204", "0213"], dtype=object)
    tag_before = np.array(["", "", "sudcal"], dtype=object)
    tag_after = np.array(["", "", "sudcal"], dtype=object)
    act_before = resolve_building_factors(before, factors)
    act_after = resolve_building_factors(after, factors)
    roads = resolve_road_factors(np.zeros((2, 4)), factors)
    population = pd.Series([1_000.0, 2_000.0], index=ZONES)
    plants = plant_component(resolve_plant_factors(pd.Series(dtype=float), factors), ZONES)

    def run(act, zone, tag):  # type: ignore[no-untyped-def]
        return simulation(
            factors,
            act,
            zone,
            roads,
            ZONES,
            population,
            waste_index(factors),
            draws=300,
            seed=7,
            components=[plants],
            building_tag=tag,
        )

    base = run(act_before, zone_before, tag_before)
    full = run(act_after, zone_after, tag_after)
    gone, new = np.array([1, 2]), np.array([1, 2])
    updated = updated_draws(
        base,
        activity_rows(act_before, gone),
        zone_before[gone],
        tag_before[gone],
        activity_rows(act_after, new),
        zone_after[new],
        tag_after[new],
        ZONES,
        heat_components=[plants],
    )
    np.testing.assert_array_equal(updated.theta, full.theta)  # same seed, same draws
    assert list(updated.sims) == list(full.sims)
    for name in full.sims:
        np.testing.assert_allclose(updated.sims[name], full.sims[name], rtol=1e-12, err_msg=name)
    np.testing.assert_allclose(updated.heat["sudcal"], full.heat["sudcal"], rtol=1e-12)
    assert (updated.sims["energy_generation"][:, 0] > 0).all()  # the plant (in 0204) evaluated

    # by hand: S' = S - s(building 1) - s(building 2 as it was) + s(2 as it is) + s(new one),
    # each s the stationary draws of one building alone
    def alone(act, zone, tag, i):  # type: ignore[no-untyped-def]
        g, gz, gt, _ = group_buildings(activity_rows(act, np.array([i])), zone[[i]], tag[[i]])
        return building_draws(g, gz, gt, ZONES, base.theta)[0]

    by_hand = (
        base.sims["stationary"]
        - alone(act_before, zone_before, tag_before, 1)
        - alone(act_before, zone_before, tag_before, 2)
        + alone(act_after, zone_after, tag_after, 1)
        + alone(act_after, zone_after, tag_after, 2)
    )
    np.testing.assert_allclose(updated.sims["stationary"], by_hand, rtol=1e-12)
