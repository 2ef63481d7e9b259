"""Railways widened by the grade of their line-km in the emissions Monte Carlo
(docs/data-quality.md), in the run and in the ranking.

Rail rows are (zone, traction, grade); each row's emissions are multiplied in every draw by the
multiplier of its grade (median 1 on ``[1 - w, 1 + w]``: measured 0, default 0.15, estimated
0.30), from the rail stream 18. The rail formula is linear in a row's line-km, so this is the
line-km widened. Toy runs: tests/toy_region.py with the exact round-number factors of
factor_overrides.py (low = high), its one electric line (1 km: 0.5 in B, 0.5 in C, 4.1 t CO2e/a
in all), graded (``traction_grade`` estimated) or not (no column: measured).
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import toy_region
from factor_overrides import write_overrides
from minettgeo.engine import ChangeSet, RunOptions, RunResult, apply_changes, compute, recompute
from minettgeo.engine.inputs import load_inputs
from minettgeo.engine.network_quality import rail_multipliers
from minettgeo.errors import FactorError
from minettgeo.models import rail as railmodel
from minettgeo.quality import tables as qtables
from minettgeo.quality.spread import (
    STREAM_BUILDINGS,
    STREAM_POINT_SOURCES,
    STREAM_RAIL,
    STREAM_ROADS,
    activity_multipliers,
    grade_stream,
)
from minettgeo.quality.tables import quality_tables
from minettgeo.uncertainty import montecarlo as mc
from test_network_grades import DATE, split_toy

#: the rail half-widths in the sorted order of the grades (default, estimated, measured)
SORTED_WIDTHS = [0.15, 0.30, 0.0]
#: one toy factor vector: passenger 1,000 train-km per line-km, freight 0, diesel share 0.1 on
#: electric lines, 10 kWh per electric train-km, 20 kWh of diesel per diesel train-km, diesel
#: 0.25 kg CO2/kWh (no CH4 / N2O), grid 0.4 kg CO2e/kWh
THETA = np.array([1000.0, 0.0, 0.1, 10.0, 20.0, 0.25, 0.4])
INDEX = {
    "passenger": 0,
    "freight": 1,
    "diesel_share": 2,
    "k_el": 3,
    "k_diesel": 4,
    "ef_co2": 5,
    "ef_ch4": 1,
    "ef_n2o": 1,
    "gwp_ch4": 1,
    "gwp_n2o": 1,
    "grid": 6,
}
#: rows: A electric estimated 2 km, A diesel measured 1 km, B electric default 3 km
ROW_ZONE = ["A", "A", "B"]
ROW_GRADE = np.array(["estimated", "measured", "default"], dtype=object)
ACTIVITY = railmodel.RailActivity(
    line_km=np.array([2.0, 1.0, 3.0]),
    diesel_line=np.array([False, True, False]),
    index=INDEX,
)
# per electric line-km: 1,000 train-km; electric 900 x 10 kWh x 0.4 / 1000 = 3.6 t, diesel
# 100 x 20 kWh x 0.25 / 1000 = 0.5 t -> 4.1 t; per diesel line-km 1,000 x 20 x 0.25 / 1000 = 5 t
ELECTRIC_PER_KM, DIESEL_PER_KM = 4.1, 5.0


def test_rail_half_widths_and_their_own_stream() -> None:
    assert quality_tables().half_widths("rail") == {
        "measured": 0.0,
        "default": 0.15,
        "estimated": 0.30,
    }
    others = {STREAM_BUILDINGS, STREAM_POINT_SOURCES, STREAM_POINT_SOURCES + 1, STREAM_ROADS}
    assert STREAM_RAIL == 18 and STREAM_RAIL not in others


def test_a_spread_table_missing_a_grade_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    read = qtables._read

    def without_rail_estimated(name: str) -> pd.DataFrame:
        frame = read(name)
        if name != "activity_spread.csv":
            return frame
        drop = (frame["activity"] == "rail") & (frame["grade"] == "estimated")
        return frame[~drop]

    monkeypatch.setattr(qtables, "_read", without_rail_estimated)
    with pytest.raises(FactorError, match=r"activity 'rail'.*\['estimated'\] missing"):
        qtables.quality_tables()


def test_rail_component_multiplies_each_row_by_its_grade_by_hand() -> None:
    """Multipliers estimated 1.2, measured 1, default 0.9 (fixed):
    A = 2 km x 4.1 x 1.2 + 1 km x 5.0 x 1 = 9.84 + 5.0 = 14.84; B = 3 x 4.1 x 0.9 = 11.07.
    Without multipliers: A = 8.2 + 5.0 = 13.2, B = 12.3."""
    theta = np.tile(THETA, (2, 1))
    fixed = mc.rail_component(
        ACTIVITY, ROW_ZONE, ["A", "B"], lambda n: np.tile([1.2, 1.0, 0.9], (n, 1))
    )
    assert fixed.evaluate(theta, {}) == pytest.approx(np.array([[14.84, 11.07]] * 2))
    plain = mc.rail_component(ACTIVITY, ROW_ZONE, ["A", "B"])
    assert plain.evaluate(theta, {}) == pytest.approx(np.array([[13.2, 12.3]] * 2))


def test_rail_multipliers_come_from_the_rail_stream_per_grade() -> None:
    """300 draws (two batches: 250 + 50) with the run's multipliers: A = 8.2 m_est + 5.0 (the
    measured diesel row is not widened), B = 12.3 m_def, with m the stream 18's multipliers of
    the sorted grades, within +-30 % and +-15 %, median 1."""
    draws, seed = 300, 3
    theta = np.tile(THETA, (draws, 1))
    comp = mc.rail_component(ACTIVITY, ROW_ZONE, ["A", "B"], rail_multipliers(ROW_GRADE, seed))
    got = mc.component_draws([comp], theta, {})["rail"]
    m = activity_multipliers(draws, SORTED_WIDTHS, grade_stream(seed, STREAM_RAIL))
    m_def, m_est, m_meas = m[:, 0], m[:, 1], m[:, 2]
    np.testing.assert_allclose(got[:, 0], 2 * ELECTRIC_PER_KM * m_est + DIESEL_PER_KM, rtol=1e-12)
    np.testing.assert_allclose(got[:, 1], 3 * ELECTRIC_PER_KM * m_def, rtol=1e-12)
    assert (m_meas == 1.0).all()
    assert m_est.min() >= 0.7 and m_est.max() <= 1.3 and np.ptp(m_est) > 0.3
    assert m_def.min() >= 0.85 and m_def.max() <= 1.15
    big = activity_multipliers(20_000, SORTED_WIDTHS, grade_stream(seed, STREAM_RAIL))
    assert np.median(big[:, :2], axis=0) == pytest.approx([1.0, 1.0], abs=0.01)
    # the same multipliers whichever rows are present (one column per grade, sorted)
    only_default = rail_multipliers(np.array(["default"], dtype=object), seed)
    assert only_default is not None
    np.testing.assert_array_equal(only_default(draws)[:, 0], m_def)
    assert rail_multipliers(None, seed) is None


def test_rail_rows_from_graded_line_km_by_hand() -> None:
    """Zone Z1: 0.5 km electric estimated and 0.25 km diesel measured; Z2: nothing graded but
    1.0 km electric default. Rows with 0 km are left out."""
    cols = list(railmodel.GRADED_LINE_KM)
    sums = pd.DataFrame(0.0, index=["Z1", "Z2"], columns=cols)
    sums.loc["Z1", "rail_electric_estimated_line_km"] = 0.5
    sums.loc["Z1", "rail_diesel_measured_line_km"] = 0.25
    sums.loc["Z2", "rail_electric_default_line_km"] = 1.0
    assert cols == [
        "rail_electric_measured_line_km",
        "rail_electric_default_line_km",
        "rail_electric_estimated_line_km",
        "rail_diesel_measured_line_km",
        "rail_diesel_default_line_km",
        "rail_diesel_estimated_line_km",
    ]
    assert railmodel.rail_rows(sums).to_dict("records") == [
        {"zone": "Z1", "diesel_line": False, "grade": "estimated", "line_km": 0.5},
        {"zone": "Z1", "diesel_line": True, "grade": "measured", "line_km": 0.25},
        {"zone": "Z2", "diesel_line": False, "grade": "default", "line_km": 1.0},
    ]
    # per line: its km in the column of its traction and grade only
    per_line = railmodel.graded_line_km(
        np.array([2.0, 3.0]), np.array([True, False]), np.array(["default", "measured"], object)
    )
    assert per_line["rail_diesel_default_line_km"].tolist() == [2.0, 0.0]
    assert per_line["rail_electric_measured_line_km"].tolist() == [0.0, 3.0]
    assert sum(v.sum() for v in per_line.values()) == 5.0


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, RunResult]:
    root = tmp_path_factory.mktemp("rail")
    overrides = tuple(write_overrides(root))
    out = {}
    for name in ("graded", "ungraded"):
        layers = split_toy(root / name, graded=name == "graded")
        options = RunOptions(overrides=overrides, draws=300, seed=7)
        out[name] = compute(load_inputs(layers, options), DATE)
    return out


def rail_central(run: RunResult) -> pd.Series:
    com = run.levels.communes.set_index("lau2")
    return com["rail_electric_tco2e_a"] + com["rail_diesel_tco2e_a"]


def test_estimated_rail_is_widened_and_the_central_run_unchanged(
    runs: dict[str, RunResult],
) -> None:
    """Central: 4.1 t, 2.05 in B and C, graded or not. Graded (estimated traction): B's and C's
    rail draws are 2.05 x m_est(draw), m_est the stream 18's estimated multiplier of seed 7
    (within +-30 %); ungraded (measured): no spread at all (the factors are exact). The factor
    draws are the same."""
    g, u = runs["graded"], runs["ungraded"]
    pd.testing.assert_series_equal(rail_central(g), rail_central(u))
    half = toy_region.RAIL_TCO2E / 2
    assert rail_central(g).to_dict() == pytest.approx({"9001": 0.0, "9002": half, "9003": half})
    gs, us = g.intervals.samples, u.intervals.samples
    assert gs is not None and us is not None
    np.testing.assert_array_equal(gs.theta, us.theta)
    m_est = activity_multipliers(300, SORTED_WIDTHS, grade_stream(7, STREAM_RAIL))[:, 1]
    np.testing.assert_allclose(gs.sims["rail"][:, 1], half * m_est, rtol=1e-12)
    np.testing.assert_allclose(gs.sims["rail"][:, 2], half * m_est, rtol=1e-12)
    assert (gs.sims["rail"][:, 0] == 0.0).all()
    assert np.ptp(us.sims["rail"], axis=0) == pytest.approx([0.0, 0.0, 0.0], abs=1e-12)
    np.testing.assert_allclose(us.sims["rail"][:, 1], half, rtol=1e-12)
    totals = g.totals.set_index("lau2")
    assert 0.7 * half <= totals.loc["9002", "rail_p05_tco2e"] < 0.9 * half
    assert 1.1 * half < totals.loc["9002", "rail_p95_tco2e"] <= 1.3 * half
    assert totals.loc["region", "rail_p50_tco2e"] == pytest.approx(2 * half, rel=0.05)


def test_levels_carry_the_line_km_by_traction_and_grade(runs: dict[str, RunResult]) -> None:
    """Graded: 0.5 km electric estimated in B and in C, 1 km in the region; ungraded the same km
    as electric measured. At every level the six columns add up to line_km, and the communes'
    to the region's (conservation)."""
    cols = list(railmodel.GRADED_LINE_KM)
    for name, col in (
        ("graded", "rail_electric_estimated_line_km"),
        ("ungraded", "rail_electric_measured_line_km"),
    ):
        levels = runs[name].levels
        dis = levels.districts.set_index("lau2")
        com = levels.communes.set_index("lau2")
        for frame in (dis, com):
            assert frame[col].to_dict() == pytest.approx({"9001": 0.0, "9002": 0.5, "9003": 0.5})
            np.testing.assert_allclose(frame[cols].sum(axis=1), frame["line_km"], rtol=1e-12)
            assert frame[[c for c in cols if c != col]].to_numpy().sum() == 0.0
        assert levels.region[col] == pytest.approx(com[col].sum())
        assert levels.region[col] == pytest.approx(1.0)


def test_recompute_keeps_the_widened_rail_draws_exact(runs: dict[str, RunResult]) -> None:
    """A building change on the graded toy: the rail draws are kept as drawn (rail does not
    change in a change set) and equal a full run's on the changed inputs."""
    base = runs["graded"]
    b = base.inputs.region.buildings
    changed = b[b["building_id"] == b["building_id"].iloc[2]].copy()
    changed["heated_area_m2"] = 2_000.0
    changes = ChangeSet(buildings_modified=changed)
    fast = recompute(base, changes)
    full = compute(apply_changes(base.inputs, changes), DATE)
    assert base.intervals.samples is not None
    assert fast.intervals.samples is not None and full.intervals.samples is not None
    np.testing.assert_array_equal(
        fast.intervals.samples.sims["rail"], base.intervals.samples.sims["rail"]
    )
    np.testing.assert_allclose(
        fast.intervals.samples.sims["rail"], full.intervals.samples.sims["rail"], rtol=1e-12
    )
    assert np.ptp(full.intervals.samples.sims["rail"][:, 1]) > 0


# -- the ranking on a full run of the sample region ---------------------------------------------


@pytest.fixture(scope="module")
def source_results(request: pytest.FixtureRequest) -> Path:
    env = os.environ.get("MINETTGEO_TEST_RESULTS")
    if env:
        return Path(env)
    return Path(request.getfixturevalue("results_root"))


@pytest.mark.fullscale
def test_candidates_rail_draws_sum_to_the_communes_draw_by_draw(source_results: Path) -> None:
    """District candidates of the sample run: their graded line-km are the districts'; the
    percentiles of their rail draws summed per commune and over the region are the run's (the
    same draws, draw by draw). The sample's lines are all electric and estimated, so the draws
    are those without widening (the reconstruction of an older run's results) times the
    estimated multiplier of every draw."""
    from minettgeo.rank.candidates import from_districts
    from minettgeo.rank.criteria import candidate_criteria
    from minettgeo.rank.emissions import candidate_draws
    from minettgeo.rank.runio import load_run, run_factors

    run = load_run(source_results)
    cols = list(railmodel.GRADED_LINE_KM)
    districts = run.districts.set_index("district_id")
    np.testing.assert_allclose(districts[cols].sum(axis=1), districts["line_km"], rtol=1e-9)
    assert districts["rail_electric_estimated_line_km"].sum() > 10.0  # tens of km of lines
    _, cs = candidate_criteria(run, from_districts(run.districts, run.parcels))
    np.testing.assert_allclose(
        cs.sums[cols].to_numpy(), districts.loc[cs.sums.index, cols].to_numpy(), atol=1e-9
    )
    mc_record = run.provenance["monte_carlo"]
    draws, seed = int(mc_record["draws"]), int(mc_record["seed"])
    factors = run_factors(run.provenance)
    rail = candidate_draws(run, cs, factors, draws=draws, seed=seed)["rail"]
    inv = json.loads((source_results / "current" / "gpc_inventory.json").read_text())
    totals = {t["lau2"]: t for t in inv["totals"]}
    lau2 = districts.loc[cs.sums.index, "lau2"].astype(str).to_numpy()
    for code in sorted(set(lau2)):
        commune = rail[:, lau2 == code].sum(axis=1)
        for q in (5, 50, 95):
            expected = totals[code][f"rail_p{q:02d}_tco2e"]
            assert np.percentile(commune, q) == pytest.approx(expected, rel=1e-9, abs=1e-9)
    region = rail.sum(axis=1)
    for q in (5, 50, 95):
        assert np.percentile(region, q) == pytest.approx(
            totals["region"][f"rail_p{q:02d}_tco2e"], rel=1e-9
        )
    # the older run's reconstruction (no graded line-km): the same rail, not widened
    older = dataclasses.replace(cs, sums=cs.sums.drop(columns=cols))
    plain = candidate_draws(run, older, factors, draws=draws, seed=seed)["rail"].sum(axis=1)
    m_est = activity_multipliers(draws, SORTED_WIDTHS, grade_stream(seed, STREAM_RAIL))[:, 1]
    np.testing.assert_allclose(region, plain * m_est, rtol=1e-9)
