"""A recompute with point sources and graded activity data equals a full run on the changed
inputs (issue 9 item 8 with issue 14): the Monte Carlo draws are updated, not drawn again, and
still carry the grade multipliers and the point sources' components exactly.

Toy region with BI and the point sources of tests/test_point_sources.py (BI is covered by F1;
BB and BC have estimated grades, so the buildings are widened by their grades)."""

from __future__ import annotations

from datetime import UTC, datetime

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from factor_overrides import write_overrides
from minettgeo.engine import ChangeSet, RunOptions, RunResult, apply_changes, compute, recompute
from minettgeo.engine.inputs import load_inputs
from test_point_sources import graded_toy

DATE = datetime(2026, 12, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> RunResult:
    root = tmp_path_factory.mktemp("graded")
    layers = graded_toy(root / "layers", with_points=True)
    # 300 draws: more than one batch of 250, so the multipliers cross a batch boundary
    options = RunOptions(overrides=tuple(write_overrides(root)), draws=300, seed=7)
    return compute(load_inputs(layers, options), DATE)


def frames_close(a: pd.DataFrame, b: pd.DataFrame) -> None:
    """Same columns and rows; numbers to 1e-9 (relative, 1e-9 absolute), the rest as text."""
    assert list(a.columns) == list(b.columns)
    assert len(a) == len(b)
    for col in a.columns:
        x, y = a[col], b[col]
        if isinstance(x, gpd.GeoSeries):
            assert shapely.equals_exact(x.to_numpy(), y.to_numpy(), 0.0).all(), col
        elif pd.api.types.is_numeric_dtype(x) and pd.api.types.is_numeric_dtype(y):
            np.testing.assert_allclose(
                x.to_numpy(dtype=float), y.to_numpy(dtype=float), rtol=1e-9, atol=1e-9, err_msg=col
            )
        else:
            assert x.astype(str).tolist() == y.astype(str).tolist(), col


def rows(base: RunResult, ids: list[str]) -> gpd.GeoDataFrame:
    b = base.inputs.region.buildings
    return b[b["building_id"].isin(ids)].copy()


def change_sets(base: RunResult) -> list[ChangeSet]:
    covered = rows(base, ["BI"])  # the covered industrial building: larger, heat pump
    covered["heated_area_m2"] = 900.0
    covered["heating_carrier"] = "heat_pump"
    regraded = rows(base, ["BB"])  # BB's floor area now measured, carrier switched
    regraded["heated_area_m2_grade"] = "measured"
    regraded["heating_carrier"] = "heat_pump"
    added = rows(base, ["BC"])
    added["building_id"] = "N1"
    added.geometry = added.geometry.translate(3.0, 3.0)
    return [
        ChangeSet(buildings_modified=covered),
        ChangeSet(buildings_modified=regraded),
        ChangeSet(buildings_removed=("BC",), buildings_added=added),
    ]


@pytest.mark.parametrize("case", [0, 1, 2])
def test_graded_recompute_equals_a_full_run(base: RunResult, case: int) -> None:
    assert base.intervals.samples is not None
    assert base.intervals.samples.grade_factor is not None  # widened by the grades
    changes = change_sets(base)[case]
    fast = recompute(base, changes)
    full = compute(apply_changes(base.inputs, changes), DATE)
    # the draws were updated, not drawn again: the factor draws are the base's own array
    assert fast.intervals.samples is not None
    assert fast.intervals.samples.theta is base.intervals.samples.theta
    assert full.intervals.samples is not None
    for name, values in full.intervals.samples.sims.items():
        np.testing.assert_allclose(
            fast.intervals.samples.sims[name], values, rtol=1e-9, atol=1e-9, err_msg=name
        )
    frames_close(fast.totals, full.totals)
    frames_close(fast.inventory, full.inventory)
    for level in ("parcels", "districts", "communes"):
        frames_close(getattr(fast.levels, level), getattr(full.levels, level))
    frames_close(fast.buildings.reset_index(drop=True), full.buildings.reset_index(drop=True))


def test_a_grade_change_changes_the_draws(base: RunResult) -> None:
    """The update does change what a grade change changes (BB measured: narrower interval)."""
    fast = recompute(base, change_sets(base)[1])
    t0 = base.totals.set_index("lau2")
    t1 = fast.totals.set_index("lau2")
    assert not np.allclose(
        t0["stationary_p95_tco2e"].to_numpy(dtype=float),
        t1["stationary_p95_tco2e"].to_numpy(dtype=float),
    )
