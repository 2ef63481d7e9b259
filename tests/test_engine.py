"""The engine's contracts: compute and recompute agree, runs are reproducible, the zonal step is
cached by content, change sets are validated (issue 9)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import toy_region
from factor_overrides import write_overrides
from minettgeo.engine import ChangeSet, RunOptions, RunResult, apply_changes, compute, recompute
from minettgeo.engine.inputs import load_inputs
from minettgeo.engine.zonal import zonal_key
from minettgeo.errors import LayerValidationError, NotFoundError, ParameterError
from minettgeo.layers.codes import BUILDING_USE, HEATING_CARRIER

DATE = datetime(2026, 12, 1, tzinfo=UTC)
USES = sorted(BUILDING_USE)
CARRIERS = sorted(HEATING_CARRIER)


@pytest.fixture(scope="module")
def toy(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, RunResult]:
    base = tmp_path_factory.mktemp("engine")
    layers = toy_region.build(base / "layers")
    options = RunOptions(
        overrides=tuple(write_overrides(base)), draws=100, seed=5, cache_dir=base / "cache"
    )
    return layers, compute(load_inputs(layers, options), DATE)


def frames_close(a: pd.DataFrame, b: pd.DataFrame, rel: float = 1e-9) -> None:
    """Same columns, rows and values (numbers to ``rel``; geometries exactly)."""
    assert list(a.columns) == list(b.columns)
    assert len(a) == len(b)
    for col in a.columns:
        x, y = a[col], b[col]
        if isinstance(x, gpd.GeoSeries):
            assert shapely.equals_exact(x.to_numpy(), y.to_numpy(), 0.0).all(), col
        elif pd.api.types.is_numeric_dtype(x) and pd.api.types.is_numeric_dtype(y):
            np.testing.assert_allclose(
                x.to_numpy(dtype=float), y.to_numpy(dtype=float), rtol=rel, atol=1e-9, err_msg=col
            )
        else:
            assert x.astype(str).tolist() == y.astype(str).tolist(), col


def results_close(a: RunResult, b: RunResult) -> None:
    frames_close(a.buildings.reset_index(drop=True), b.buildings.reset_index(drop=True))
    for level in ("parcels", "districts", "communes"):
        frames_close(getattr(a.levels, level), getattr(b.levels, level))
    frames_close(a.inventory, b.inventory)
    frames_close(a.totals, b.totals)
    np.testing.assert_allclose(a.heat.density_mwh_ha, b.heat.density_mwh_ha, rtol=1e-9)


def new_building(bid: str, parcel: int, use: str, carrier: str, area: float) -> dict[str, object]:
    x = toy_region.X0 + parcel * 1000 + 100
    return {
        "building_id": bid,
        "parcel_id": f"{toy_region.CODES[parcel]}-000001",
        "use": use,
        "construction_period": "2017_2030",
        "floors": 2,
        "heated_area_m2": area,
        "dwellings": 0 if use in {"office", "retail", "industry"} else 2,
        "heating_carrier": carrier,
        "renovation_state": "none",
        "renovation_year": None,
        "geometry": shapely.box(x, toy_region.Y0 + 100, x + 20, toy_region.Y0 + 120),
    }


def test_empty_change_set_gives_the_full_run(toy: tuple[Path, RunResult]) -> None:
    _, base = toy
    again = recompute(base, ChangeSet())
    results_close(base, again)
    assert again.record.fingerprint() != base.record.fingerprint()  # the change set is recorded
    assert again.record.inputs["change set"] == ChangeSet().digest()


def test_two_runs_are_identical_but_for_the_date(toy: tuple[Path, RunResult]) -> None:
    _, base = toy
    later = compute(base.inputs, datetime(2027, 1, 1, tzinfo=UTC))
    results_close(base, later)
    a, b = base.provenance, later.provenance
    assert a["date"] != b["date"]
    assert {k: v for k, v in a.items() if k != "date"} == {
        k: v for k, v in b.items() if k != "date"
    }


def test_zonal_step_is_cached_by_content(toy: tuple[Path, RunResult]) -> None:
    _, base = toy
    key = base.record.zonal_cache_key
    cached = Path(base.inputs.options.cache_dir or "") / f"zonal-{key}.parquet"
    assert cached.exists()
    # the cache entry is what a rerun reads: poison it and the rerun reports the poisoned areas
    joint = pd.read_parquet(cached)
    pd.testing.assert_frame_equal(joint, base.feature.joint)
    poisoned = joint.assign(area_ha=joint["area_ha"] * 2)
    poisoned.to_parquet(cached, index=False)
    rerun = compute(base.inputs, DATE)
    assert rerun.feature.joint["area_ha"].sum() == pytest.approx(2 * joint["area_ha"].sum())
    joint.to_parquet(cached, index=False)
    # other parcels' geometries: another key
    moved = base.inputs.region.parcels.copy()
    moved["geometry"] = moved.geometry.translate(1.0, 0.0)
    other = base.inputs.replace(region=dataclasses.replace(base.inputs.region, parcels=moved))
    assert zonal_key(other) != key
    assert rerun.record.zonal_cache_key == key


def test_land_cover_change_moves_the_parcel_to_the_new_class(toy: tuple[Path, RunResult]) -> None:
    _, base = toy
    parcel = "9001-000001"
    changed = recompute(base, ChangeSet(land_cover={parcel: 311}))  # broad-leaved forest
    joint = changed.land.joint
    assert set(joint.loc[joint["zone"] == parcel, "now"]) == {311}
    area = base.feature.joint.loc[base.feature.joint["zone"] == parcel, "area_ha"].sum()
    assert joint.loc[joint["zone"] == parcel, "area_ha"].sum() == pytest.approx(area)
    # other parcels untouched
    other = joint[joint["zone"] != parcel].sort_values(["zone", "now"]).reset_index(drop=True)
    before = base.feature.joint[base.feature.joint["zone"] != parcel]
    pd.testing.assert_frame_equal(other, before.sort_values(["zone", "now"]).reset_index(drop=True))


def test_removing_a_building_removes_its_emissions(toy: tuple[Path, RunResult]) -> None:
    _, base = toy
    changed = recompute(base, ChangeSet(buildings_removed=("BB",)))
    b_ghg = float(base.buildings.loc["BB", "ghg_tco2e_a"])
    before = base.totals.set_index("lau2")
    after = changed.totals.set_index("lau2")
    assert after.loc["9002", "basic_tco2e"] == pytest.approx(
        before.loc["9002", "basic_tco2e"] - b_ghg, rel=1e-12
    )
    assert after.loc["9001", "basic_tco2e"] == pytest.approx(before.loc["9001", "basic_tco2e"])
    assert "BB" not in changed.buildings.index


@pytest.mark.parametrize(
    ("changes", "error", "fragment"),
    [
        (ChangeSet(buildings_removed=("NOPE",)), NotFoundError, "buildings_removed"),
        (ChangeSet(land_cover={"X-1": 311}), NotFoundError, "land_cover"),
        (ChangeSet(land_cover={"9001-000001": 999}), ParameterError, "999"),
        (ChangeSet(zoning={"9001-000001": "moon"}), ParameterError, "moon"),
    ],
)
def test_bad_change_sets_are_refused(
    toy: tuple[Path, RunResult], changes: ChangeSet, error: type[Exception], fragment: str
) -> None:
    _, base = toy
    with pytest.raises(error, match=fragment):
        apply_changes(base.inputs, changes)


def test_added_buildings_are_validated(toy: tuple[Path, RunResult]) -> None:
    _, base = toy
    row = new_building("BA", 0, "office", "natural_gas", 100.0)
    with pytest.raises(ParameterError, match="already in the region"):
        apply_changes(base.inputs, ChangeSet(buildings_added=gpd.GeoDataFrame([row], crs=2169)))
    bad = new_building("BX", 0, "office", "coal_from_mars", 100.0)
    with pytest.raises(LayerValidationError, match="heating_carrier"):
        apply_changes(base.inputs, ChangeSet(buildings_added=gpd.GeoDataFrame([bad], crs=2169)))


building_rows = st.tuples(
    st.integers(0, 2),
    st.sampled_from(USES),
    st.sampled_from(CARRIERS),
    st.floats(20.0, 5_000.0),
)


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # no shrinking: each example is a run
)
@given(
    added=st.lists(building_rows, max_size=3),
    removed=st.sets(st.sampled_from(["BA", "BB", "BC"]), max_size=2),
    modified=st.dictionaries(st.sampled_from(["BA", "BB", "BC"]), building_rows, max_size=2),
    land=st.dictionaries(
        st.sampled_from([f"{c}-000001" for c in toy_region.CODES]),
        st.sampled_from([112, 211, 231, 311, 312]),
        max_size=2,
    ),
    zoning=st.dictionaries(
        st.sampled_from([f"{c}-000001" for c in toy_region.CODES]),
        st.sampled_from(["housing", "activity", "green"]),
        max_size=1,
    ),
)
def test_recompute_equals_a_full_run_on_the_changed_inputs(
    toy: tuple[Path, RunResult],
    added: list[tuple[int, str, str, float]],
    removed: set[str],
    modified: dict[str, tuple[int, str, str, float]],
    land: dict[str, int],
    zoning: dict[str, str],
) -> None:
    _, base = toy
    modified = {k: v for k, v in modified.items() if k not in removed}
    changes = ChangeSet(
        buildings_added=gpd.GeoDataFrame(
            [new_building(f"N{i}", *row) for i, row in enumerate(added)], crs=2169
        )
        if added
        else None,
        buildings_removed=tuple(sorted(removed)),
        buildings_modified=gpd.GeoDataFrame(
            [new_building(bid, *row) for bid, row in modified.items()], crs=2169
        )
        if modified
        else None,
        land_cover=land,
        zoning=zoning,
    )
    fast = recompute(base, changes)
    full = compute(apply_changes(base.inputs, changes), DATE)
    results_close(fast, full)


def test_a_heating_switch_reuses_the_land_stage_and_matches_a_full_run(
    toy: tuple[Path, RunResult],
) -> None:
    _, base = toy
    switched = base.inputs.region.buildings.iloc[[0, 2]].copy()
    switched["heating_carrier"] = "heat_pump"
    changes = ChangeSet(buildings_modified=switched)
    fast = recompute(base, changes)
    assert fast.land is base.land  # same footprints, no land change: not recomputed
    results_close(fast, compute(apply_changes(base.inputs, changes), DATE))
    # a removal changes the parcel's footprint: the land stage is rerun
    assert recompute(base, ChangeSet(buildings_removed=("BA",))).land is not base.land
