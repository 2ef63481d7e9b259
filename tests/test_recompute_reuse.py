"""What a recompute takes from its base run (issue 9 item 8: recompute of 500 buildings <= 1 s)
and that each shortcut still gives a full run's results: the land stage and its intervals, the
labelled rows of the unchanged buildings, the residents, the id indexes of the inputs.

Toy region with point sources and grades (tests/test_point_sources.py ``graded_toy``: BA house
in 9001, BB office in 9002, BC flats in 9003, BI industry covered by F1 in 9002)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from factor_overrides import write_overrides
from minettgeo.aggregate.groups import with_columns
from minettgeo.engine import ChangeSet, RunOptions, RunResult, apply_changes, compute, recompute
from minettgeo.engine.inputs import load_inputs
from minettgeo.engine.point_sources import point_source_columns
from minettgeo.engine.splice import splice_of
from test_point_sources import graded_toy

DATE = datetime(2026, 12, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> RunResult:
    root = tmp_path_factory.mktemp("reuse")
    layers = graded_toy(root / "layers", with_points=True)
    options = RunOptions(overrides=tuple(write_overrides(root)), draws=100, seed=3)
    return compute(load_inputs(layers, options), DATE)


def same_frames(a: pd.DataFrame, b: pd.DataFrame) -> None:
    """Equal to the bit: columns, types, index and values (geometries exactly)."""
    pd.testing.assert_frame_equal(
        pd.DataFrame(a).drop(columns="geometry"),
        pd.DataFrame(b).drop(columns="geometry"),
        check_exact=True,
    )
    assert shapely.equals_exact(a.geometry.to_numpy(), b.geometry.to_numpy(), 0.0).all()


def rows(base: RunResult, ids: list[str]) -> gpd.GeoDataFrame:
    b = base.inputs.region.buildings
    return b[b["building_id"].isin(ids)].copy()


def test_a_heating_switch_reuses_land_residents_and_the_unchanged_rows(base: RunResult) -> None:
    switched = rows(base, ["BA"])
    switched["heating_carrier"] = "heat_pump"
    changes = ChangeSet(buildings_modified=switched)
    fast = recompute(base, changes)
    full = compute(apply_changes(base.inputs, changes), DATE)
    # nothing the land stage sees changed: its results and intervals are the base's objects
    assert fast.land is base.land
    assert fast.land_intervals is base.land_intervals
    # every building row, to the bit, as a full run gives it (types included)
    same_frames(fast.buildings, full.buildings)
    for level in ("parcels", "districts", "communes"):
        same_frames(getattr(fast.levels, level), getattr(full.levels, level))
    pd.testing.assert_frame_equal(fast.inventory, full.inventory, check_exact=True)
    # the unchanged buildings are the base's rows; BA's floor area and dwellings are unchanged,
    # so every building keeps its residents (100 in 9001: BA alone)
    same_frames(fast.buildings.loc[["BB", "BC", "BI"]], base.buildings.loc[["BB", "BC", "BI"]])
    assert fast.buildings.loc["BA", "residents"] == 100.0
    assert fast.buildings.loc["BA", "scope1_tco2e_a"] == 0.0  # a heat pump burns nothing
    # the covered industrial building keeps its point source and its zero scope 1
    assert fast.buildings.loc["BI", "point_source_id"] == "F1"
    assert fast.buildings.loc["BI", "scope1_tco2e_a"] == 0.0


def test_a_land_cover_change_recomputes_land_and_equals_a_full_run(base: RunResult) -> None:
    changes = ChangeSet(land_cover={"9001-000001": 311})  # the whole parcel broad-leaved forest
    fast = recompute(base, changes)
    full = compute(apply_changes(base.inputs, changes), DATE)
    assert fast.land is not base.land
    pd.testing.assert_frame_equal(fast.land.accounts, full.land.accounts, check_exact=True)
    pd.testing.assert_frame_equal(fast.land_intervals, full.land_intervals, check_exact=True)
    # forest instead of settlement in 9001: its land flux changes, the others do not
    flux = "land_net_flux_tco2_a"
    before = base.levels.communes.set_index("lau2")[flux]
    after = fast.levels.communes.set_index("lau2")[flux]
    assert after["9001"] != before["9001"]
    assert after[["9002", "9003"]].tolist() == before[["9002", "9003"]].tolist()
    for level in ("parcels", "districts", "communes"):
        same_frames(getattr(fast.levels, level), getattr(full.levels, level))
    # no building changed: every building row is the base's
    same_frames(fast.buildings, base.buildings)


def test_an_added_house_shares_the_communes_residents_again(base: RunResult) -> None:
    added = rows(base, ["BA"])
    added["building_id"] = "N1"
    added["dwellings"] = 2
    added.geometry = added.geometry.translate(40.0, 40.0)
    changes = ChangeSet(buildings_added=added)
    fast = recompute(base, changes)
    full = compute(apply_changes(base.inputs, changes), DATE)
    same_frames(fast.buildings, full.buildings)
    # 9001 has 100 residents in 1 + 2 dwellings: BA 100 x 1/3, N1 100 x 2/3
    assert fast.buildings.loc["BA", "residents"] == pytest.approx(100.0 / 3.0, rel=1e-12)
    assert fast.buildings.loc["N1", "residents"] == pytest.approx(200.0 / 3.0, rel=1e-12)
    assert fast.land is not base.land  # a new footprint on the parcel: the land stage reruns


def test_splice_positions_by_hand() -> None:
    # base a b c d; b removed, c modified, e added: new order a c d e
    splice = splice_of(pd.Index(list("abcd")), pd.Index(list("acde")), {"b", "c", "e"})
    assert splice.kept.tolist() == [0, 3]  # a, d
    assert splice.gone.tolist() == [1, 2]  # b, c as they were
    assert splice.fresh_at.tolist() == [1, 3]  # c, e as they are
    # new rows in (kept a d, fresh c e): a 0, c 2, d 1, e 3
    assert splice.order.tolist() == [0, 2, 1, 3]
    # in (base a b c d, fresh c e): a 0, c 4, d 3, e 5
    assert splice.taken_from(4).tolist() == [0, 4, 3, 5]
    # the kept rows out of their base order: looked up by id
    moved = splice_of(pd.Index(list("abc")), pd.Index(list("cab")), {"b"})
    assert moved.order.tolist() == [1, 0, 2]  # c is kept row 1, a kept row 0, b fresh


def test_with_columns_takes_a_frame_as_it_is() -> None:
    frame = pd.DataFrame({"a": [1.0, 2.0], "v": [0.0, 0.0]}, index=["x", "y"])
    extra = pd.DataFrame({"v": [5.0, 6.0], "t": ["p", "q"]})  # its own index is ignored
    out = with_columns(frame, extra)
    assert list(out.columns) == ["a", "v", "t"]  # v replaced in place, t appended
    assert out.index.tolist() == ["x", "y"]
    assert out["v"].tolist() == [5.0, 6.0] and out["t"].tolist() == ["p", "q"]
    assert out["a"].tolist() == [1.0, 2.0]


def test_point_source_columns_by_parcel_id() -> None:
    sources = pd.DataFrame(
        {
            "parcel_id": ["p3", "p3", "p1", "px"],
            "gpc_sector": ["I.3.1", "IV.1", "IV.2", "I.3.1"],
            "t_co2e_per_year": [100.0, 50.0, 7.0, 9.0],
        }
    )
    out = point_source_columns(pd.Index(["p1", "p2", "p3"]), sources)
    # p1: IV.2 7 t (IPPU); p2 nothing; p3: I.3.1 100 t energy, IV.1 50 t IPPU; px not a parcel
    assert out["point_source_energy_tco2e_a"].tolist() == [0.0, 0.0, 100.0]
    assert out["point_source_ippu_tco2e_a"].tolist() == [7.0, 0.0, 50.0]
    assert point_source_columns(pd.Index(["p1"]), None).columns.tolist() == []


def test_inputs_share_the_id_indexes_of_the_layers_they_share(base: RunResult) -> None:
    inputs = base.inputs
    parcels, buildings = inputs.parcel_ids, inputs.building_ids
    assert parcels.tolist() == inputs.region.parcels["parcel_id"].astype(str).tolist()
    assert buildings.tolist() == ["BA", "BB", "BC", "BI"]
    same = inputs.replace(hashes={**inputs.hashes, "x": "y"})
    assert same.parcel_ids is parcels and same.building_ids is buildings
    fewer = inputs.region.buildings.iloc[:2]
    other = inputs.replace(region=dataclasses.replace(inputs.region, buildings=fewer))
    assert other.parcel_ids is parcels  # the same parcels layer
    assert other.building_ids.tolist() == ["BA", "BB"]  # another buildings layer
    assert np.array_equal(other.building_ids.get_indexer(["BB"]), [1])


def test_a_factor_override_recomputes_every_building_and_equals_a_full_run(
    base: RunResult, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from factor_overrides import toy_tables

    rows_ = [dict(r) for r in toy_tables()["grid_factors"]]
    for r in rows_:
        if r["carrier"] == "electricity":  # 0.4 -> 0.2 kg CO2e/kWh
            r["value"] = r["low"] = r["high"] = 0.2
    path = tmp_path_factory.mktemp("override") / "grid_factors.csv"
    pd.DataFrame(rows_).to_csv(path, index=False)
    switched = rows(base, ["BB"])
    switched["heating_carrier"] = "heat_pump"
    changes = ChangeSet(buildings_modified=switched, factor_overrides=(path,))
    fast = recompute(base, changes)
    full = compute(apply_changes(base.inputs, changes), DATE)
    same_frames(fast.buildings, full.buildings)
    pd.testing.assert_frame_equal(fast.totals, full.totals, check_exact=True)  # drawn again
    # the grid factor halves every building's electricity emissions, BA's included
    a_now, a_before = fast.buildings.loc["BA"], base.buildings.loc["BA"]
    assert a_now["scope2_tco2e_a"] == pytest.approx(a_before["scope2_tco2e_a"] / 2, rel=1e-12)
    assert fast.record.factors != base.record.factors  # its own factor record, not the base's
