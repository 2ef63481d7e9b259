"""The buildings' draws with grade multipliers (:func:`building_draws`): only the two outputs used
(``ghg_tco2e_a``, ``heating_final_kwh_a``) are multiplied; the result is the hand-computed one and
the same, to the bit, as multiplying every output of the building formula first (the formula
before this change, kept here as :func:`every_output_multiplied`)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.typing import NDArray

from minettgeo.models.buildings import FACTOR_NAMES, BuildingActivity, building_formula
from minettgeo.uncertainty.building_groups import building_draws, group_buildings
from minettgeo.uncertainty.components import membership
from minettgeo.uncertainty.sampling import BATCH

Array = NDArray[np.float64]

#: factor name -> its value; column i of theta is FACTOR_NAMES[i]
VALUES = {
    "space_heat": 100.0,  # kWh/(m2 a)
    "calibration": 1.0,
    "hot_water": 20.0,  # kWh/(m2 a)
    "saving": 0.0,
    "efficiency": 0.5,
    "electricity": 1000.0,  # kWh per unit of electricity basis
    "fuel_co2": 0.25,  # kg/kWh
    "fuel_ch4": 0.0,
    "fuel_n2o": 0.0,
    "grid_heat": 0.0,
    "grid_electricity": 0.5,  # kg CO2e/kWh
    "gwp_ch4": 28.0,
    "gwp_n2o": 265.0,
}
ZONES = ["A", "B"]
GROUP_ZONE = np.array(["A", "A", "B"], dtype=object)
GROUP_TAG = np.array(["dh1", "", "dh1"], dtype=object)


def groups() -> BuildingActivity:
    """Three groups: 100 m2 / basis 1 (A, dh1), 50 m2 / basis 1 (A, no tag), 200 m2 / basis 2
    (B, dh1), every factor index the column of its name."""
    return BuildingActivity(
        heated_area_m2=np.array([100.0, 50.0, 200.0]),
        electricity_basis=np.array([1.0, 1.0, 2.0]),
        heated=np.array([True, True, True]),
        biogenic=np.array([False, False, False]),
        index={name: np.full(3, i, dtype=np.int64) for i, name in enumerate(FACTOR_NAMES)},
    )


def every_output_multiplied(
    grouped: BuildingActivity,
    group_zone: NDArray[np.object_],
    group_tag: NDArray[np.object_],
    zones: list[str],
    theta: Array,
    multiplier: Array | None,
) -> tuple[Array, dict[str, Array]]:
    """The formula before: every output of the building formula multiplied, then summed."""
    member = membership(group_zone, zones)
    tags = sorted(set(group_tag) - {""})
    ghg: list[Array] = []
    heat: dict[str, list[Array]] = {t: [] for t in tags}
    for start in range(0, theta.shape[0], BATCH):
        out = building_formula(grouped, theta[start : start + BATCH])
        if multiplier is not None:
            by_group = multiplier[start : start + BATCH]
            out = {k: v * by_group for k, v in out.items()}
        ghg.append(out["ghg_tco2e_a"] @ member)
        for t in tags:
            heat[t].append(out["heating_final_kwh_a"] @ (member * (group_tag == t)[:, None]))
    return np.concatenate(ghg, axis=0), {t: np.concatenate(v, axis=0) for t, v in heat.items()}


def test_graded_draws_are_the_hand_computed_ones() -> None:
    """Per group: q = area x (100 + 20) = 12,000 / 6,000 / 24,000 kWh; heating final energy
    q / 0.5 = 24,000 / 12,000 / 48,000 kWh; CO2 = final x 0.25 / 1000 = 6 / 3 / 12 t;
    electricity 1000 x basis = 1,000 / 1,000 / 2,000 kWh, scope 2 x 0.5 / 1000 = 0.5 / 0.5 / 1 t;
    ghg = 6.5 / 3.5 / 13 t CO2e/a.

    Multipliers: draw 0 (1, 2, 0.5), draw 1 (0.5, 1, 2).
    stationary, draw 0: A = 6.5 x 1 + 3.5 x 2 = 13.5, B = 13 x 0.5 = 6.5
                draw 1: A = 6.5 x 0.5 + 3.5 x 1 = 6.75, B = 13 x 2 = 26
    heat of dh1 (groups 0 and 2), draw 0: A = 24,000 x 1 = 24,000, B = 48,000 x 0.5 = 24,000
                                   draw 1: A = 24,000 x 0.5 = 12,000, B = 48,000 x 2 = 96,000
    """
    row = np.array([VALUES[name] for name in FACTOR_NAMES])
    theta = np.vstack([row, row])
    multiplier = np.array([[1.0, 2.0, 0.5], [0.5, 1.0, 2.0]])
    stationary, heat = building_draws(groups(), GROUP_ZONE, GROUP_TAG, ZONES, theta, multiplier)
    np.testing.assert_allclose(stationary, [[13.5, 6.5], [6.75, 26.0]], rtol=1e-12)
    assert list(heat) == ["dh1"]
    np.testing.assert_allclose(heat["dh1"], [[24000.0, 24000.0], [12000.0, 96000.0]], rtol=1e-12)
    # without multipliers: A = 6.5 + 3.5 = 10, B = 13; heat A 24,000, B 48,000
    plain, heat = building_draws(groups(), GROUP_ZONE, GROUP_TAG, ZONES, theta)
    np.testing.assert_allclose(plain, [[10.0, 13.0], [10.0, 13.0]], rtol=1e-12)
    np.testing.assert_allclose(heat["dh1"], [[24000.0, 48000.0]] * 2, rtol=1e-12)


@pytest.mark.parametrize("graded", [True, False])
def test_graded_draws_equal_every_output_multiplied_to_the_bit(graded: bool) -> None:
    """Random factor draws over more than one batch, random multipliers, some groups not heated,
    biogenic or without a tag: the same arrays, to the bit, as the formula before."""
    rng = np.random.default_rng(3)
    n_groups, n_draws = 7, BATCH + 17
    grouped = BuildingActivity(
        heated_area_m2=rng.uniform(10.0, 500.0, n_groups),
        electricity_basis=rng.uniform(1.0, 20.0, n_groups),
        heated=rng.random(n_groups) > 0.2,
        biogenic=rng.random(n_groups) > 0.7,
        index={
            name: rng.integers(0, 2 * len(FACTOR_NAMES), n_groups, dtype=np.int64)
            for name in FACTOR_NAMES
        },
    )
    theta = rng.uniform(0.0, 2.0, (n_draws, 2 * len(FACTOR_NAMES)))
    theta[:, 0] = 0.0  # an efficiency of 0 gives no heating energy
    zone = rng.choice(np.array(["A", "B", "C"], dtype=object), n_groups)
    tag = rng.choice(np.array(["", "dh1", "dh2"], dtype=object), n_groups)
    zones = ["A", "B", "C"]
    multiplier = rng.uniform(0.5, 1.5, (n_draws, n_groups)) if graded else None
    stationary, heat = building_draws(grouped, zone, tag, zones, theta, multiplier)
    old_stationary, old_heat = every_output_multiplied(grouped, zone, tag, zones, theta, multiplier)
    assert np.array_equal(stationary, old_stationary)
    assert list(heat) == list(old_heat)
    for t in heat:
        assert np.array_equal(heat[t], old_heat[t])


def key_group_by(
    activity: BuildingActivity,
    commune: NDArray[np.object_],
    tag: NDArray[np.object_] | None,
    grade: NDArray[np.object_] | None,
) -> tuple[BuildingActivity, NDArray[np.object_], NDArray[np.object_], NDArray[np.object_]]:
    """The grouping before: a pandas group-by on every key column (sorted, missing kept)."""
    keys = pd.DataFrame({name: idx for name, idx in activity.index.items()})
    keys["heated"] = activity.heated
    keys["biogenic"] = activity.biogenic
    keys["commune"] = commune
    keys["tag"] = "" if tag is None else tag
    keys["grade"] = "" if grade is None else grade
    cols = list(keys.columns)
    keys["area"] = activity.heated_area_m2
    keys["basis"] = activity.electricity_basis
    grouped = keys.groupby(cols, sort=True, dropna=False)[["area", "basis"]].sum().reset_index()
    return (
        BuildingActivity(
            heated_area_m2=grouped["area"].to_numpy(dtype=float),
            electricity_basis=grouped["basis"].to_numpy(dtype=float),
            heated=grouped["heated"].to_numpy(dtype=bool),
            biogenic=grouped["biogenic"].to_numpy(dtype=bool),
            index={name: grouped[name].to_numpy(dtype=np.int64) for name in activity.index},
        ),
        grouped["commune"].to_numpy(dtype=object),
        grouped["tag"].to_numpy(dtype=object),
        grouped["grade"].to_numpy(dtype=object),
    )


def same_objects(a: NDArray[np.object_], b: NDArray[np.object_]) -> bool:
    """Equal object arrays, a missing value (None, NaN) equal to a missing value."""
    return bool(pd.Series(a, dtype=object).equals(pd.Series(b, dtype=object)))


@pytest.mark.parametrize("rows", [0, 1, 5_000])
def test_groups_equal_the_key_group_by_to_the_bit(rows: int) -> None:
    """Random buildings: three sets of factor indices (so that groups hold many buildings),
    areas over six orders of magnitude (the order of the sums matters), communes with missing
    ones, tags and grades with and without: the same groups, in the same order, with the same sums (to
    the bit) as the group-by on the key columns. Two buildings of hand-made keys: (index 1,
    commune A) and (index 0, commune B) come out as (0, B) then (1, A)."""
    rng = np.random.default_rng(rows)
    kind = rng.integers(0, 3, rows, dtype=np.int64)  # factor indices shared by many buildings
    activity = BuildingActivity(
        heated_area_m2=10.0 ** rng.uniform(0, 6, rows),
        electricity_basis=rng.uniform(0, 30, rows),
        heated=rng.random(rows) > 0.1,
        biogenic=rng.random(rows) > 0.9,
        index={name: kind + i for i, name in enumerate(FACTOR_NAMES)},
    )
    commune = rng.choice(np.array(["0104", "0201", "0202", None], dtype=object), rows)
    tag = rng.choice(np.array(["", "brill", "sudcal"], dtype=object), rows)
    grade = rng.choice(np.array(["measured", "default", "estimated"], dtype=object), rows)
    for t, g in ((tag, grade), (None, None), (tag, None)):
        got = group_buildings(activity, commune, t, g)
        want = key_group_by(activity, commune, t, g)
        assert np.array_equal(got[0].heated_area_m2, want[0].heated_area_m2)
        assert np.array_equal(got[0].electricity_basis, want[0].electricity_basis)
        assert np.array_equal(got[0].heated, want[0].heated)
        assert np.array_equal(got[0].biogenic, want[0].biogenic)
        for name in FACTOR_NAMES:
            assert np.array_equal(got[0].index[name], want[0].index[name]), name
        for a, b in zip(got[1:], want[1:], strict=True):
            assert same_objects(a, b)
    if rows > 1:
        assert len(group_buildings(activity, commune)[1]) < rows / 2
    two = BuildingActivity(
        heated_area_m2=np.array([100.0, 50.0]),
        electricity_basis=np.array([1.0, 2.0]),
        heated=np.array([True, True]),
        biogenic=np.array([False, False]),
        index={name: np.array([1, 0], dtype=np.int64) for name in FACTOR_NAMES},
    )
    grouped, communes, _, _ = group_buildings(two, np.array(["A", "B"], dtype=object))
    assert communes.tolist() == ["B", "A"] and grouped.heated_area_m2.tolist() == [50.0, 100.0]
