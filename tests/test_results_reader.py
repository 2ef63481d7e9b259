"""The results reader reads back exactly what the pipeline wrote (toy run, by hand; full run)."""

from __future__ import annotations

import json
import shutil
from dataclasses import FrozenInstanceError
from pathlib import Path

import pandas as pd
import pytest

import toy_region
from minettgeo.errors import NotFoundError, ParameterError
from minettgeo.layers import io
from minettgeo.pipeline import RunOptions, run
from minettgeo.results.reader import open_results

X0, Y0 = toy_region.X0, toy_region.Y0


@pytest.fixture(scope="module")
def toy_results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("toy-reader")
    layers = toy_region.build(base / "layers")
    run(layers, base / "results", RunOptions(draws=100, seed=3))
    return base / "results"


def test_follows_current_and_reads_what_was_written(toy_results: Path) -> None:
    res = open_results(toy_results)
    run_dir = (toy_results / "current").resolve()
    assert res.run_dir == run_dir
    provenance = json.loads((run_dir / "provenance.json").read_text())
    assert res.run_id == provenance["run_id"] == run_dir.name
    assert res.provenance == provenance
    assert {"buildings", "parcels", "districts", "communes", "roads"} <= set(res.layer_names)
    # a run folder opens the same run
    assert open_results(run_dir).run_id == res.run_id
    with pytest.raises(FrozenInstanceError):
        res.run_id = "other"  # type: ignore[misc]
    # same ids and same values as the GeoPackage
    for name, key in (("parcels", "parcel_id"), ("communes", "lau2"), ("buildings", "building_id")):
        expected = io.read_vector(run_dir / "minettgeo.gpkg", name).set_index(key)
        got = res.layer(name)
        assert got.index.name == key
        assert list(got.index) == list(expected.index)
        pd.testing.assert_frame_equal(
            pd.DataFrame(got.drop(columns="geometry")),
            pd.DataFrame(expected.drop(columns="geometry")),
        )
        assert got.geometry.geom_equals(expected.geometry).all()


def test_filters_in_the_reader(toy_results: Path) -> None:
    res = open_results(toy_results)
    assert list(res.layer("parcels", commune="9002").index) == ["9002-000001"]
    assert list(res.layer("buildings", district="9003-Q01").index) == ["BC"]
    assert list(res.layer("parcels", ids=["9001-000001", "9003-000001"]).index) == [
        "9001-000001",
        "9003-000001",
    ]
    assert res.layer("parcels", ids=[]).empty
    # commune B is x in [61,000, 62,000]: a box inside it touches only its parcel and building
    box = (X0 + 1_100, Y0 + 100, X0 + 1_900, Y0 + 900)
    assert list(res.layer("parcels", bbox=box).index) == ["9002-000001"]
    assert res.count("parcels", bbox=box) == 1
    assert list(res.layer("buildings", bbox=box).index) == ["BB"]
    # a box over A and B, nothing of C
    assert res.count("parcels", bbox=(X0 + 100, Y0 + 100, X0 + 1_900, Y0 + 900)) == 2
    assert res.count("parcels", bbox=(0, 0, 10, 10)) == 0
    # roads have no lau2 column: the commune shape filters them (the one road crosses all three)
    assert list(res.layer("roads", commune="9001").index) == ["R1"]
    # a district filter on communes gives the district's commune
    assert list(res.layer("communes", district="9002-Q01").index) == ["9002"]
    # paging
    assert list(res.layer("parcels", offset=1, limit=1).index) == ["9002-000001"]
    assert res.count("parcels") == 3
    assert list(res.layer("parcels", columns=["lau2"]).columns) == ["lau2", "geometry"]
    # a quote in an id is a value, not SQL
    assert res.layer("parcels", ids=["x' OR '1'='1"]).empty


def test_inventory_and_rasters(toy_results: Path) -> None:
    res = open_results(toy_results)
    table = res.inventory()
    assert set(table["lau2"]) == {*toy_region.CODES, "region"}
    rows = json.loads((res.run_dir / "gpc_inventory.json").read_text())["rows"]
    assert len(table) == len(rows)
    written = {(r["lau2"], r["code"]): r["co2e_t"] for r in rows}
    got = table.set_index(["lau2", "code"])["co2e_t"]
    assert got[("region", "II.1.1")] == written[("region", "II.1.1")] > 0
    assert res.raster_path("heat_density") == res.run_dir / "heat_density.tif"
    assert res.raster_path("carbon_stock.tif").is_file()
    assert {"heat_density", "carbon_stock", "sink_potential"} <= set(res.raster_names)


def test_unknown_names_and_missing_results(toy_results: Path, tmp_path: Path) -> None:
    res = open_results(toy_results)
    with pytest.raises(NotFoundError, match=r"layer 'nope'.*parcels"):
        res.layer("nope")
    with pytest.raises(NotFoundError, match=r"raster '\.\./provenance\.json'.*heat_density"):
        res.raster_path("../provenance.json")
    with pytest.raises(NotFoundError, match=r"commune '9999'.*9001, 9002, 9003"):
        res.layer("parcels", commune="9999")
    with pytest.raises(NotFoundError, match="district 'X'"):
        res.layer("parcels", district="X")
    with pytest.raises(ParameterError, match="bbox"):
        res.layer("parcels", bbox=(1, 1, 0, 0))
    with pytest.raises(NotFoundError, match=r"no results there.*minettgeo run"):
        open_results(tmp_path)
    with pytest.raises(NotFoundError, match="not a folder"):
        open_results(tmp_path / "missing")


def test_a_new_run_does_not_change_an_open_results(toy_results: Path, tmp_path: Path) -> None:
    """The reader resolved ``current`` once: publishing a newer run changes what the next
    ``open_results`` sees, never what an open one reads."""
    results = tmp_path / "results"
    shutil.copytree(toy_results, results, symlinks=True)
    before = open_results(results)
    new = results / "runs" / "20990101T000000Z-00000000"
    shutil.copytree(before.run_dir, new)
    (new / "provenance.json").write_text(json.dumps({**before.provenance, "run_id": new.name}))
    tmp = results / ".current-test"
    tmp.symlink_to(Path("runs") / new.name)
    tmp.replace(results / "current")
    assert open_results(results).run_id == new.name
    assert before.run_id != new.name
    assert before.layer("parcels").shape[0] == 3
    assert before.run_dir.name == before.run_id


@pytest.mark.fullscale
def test_full_run_round_trip(run_dir: Path) -> None:
    res = open_results(run_dir.parent.parent)
    assert res.run_dir == run_dir
    expected = io.read_vector(run_dir / "minettgeo.gpkg", "districts").set_index("district_id")
    got = res.layer("districts")
    assert list(got.index) == list(expected.index)
    pd.testing.assert_frame_equal(
        pd.DataFrame(got.drop(columns="geometry")), pd.DataFrame(expected.drop(columns="geometry"))
    )
    parcels = res.count("parcels")
    assert parcels == len(io.read_vector(run_dir / "minettgeo.gpkg", "parcels"))
    commune = res.communes[0]
    in_commune = res.layer("parcels", commune=commune, columns=["lau2"])
    assert (in_commune["lau2"] == commune).all()
    assert len(in_commune) == res.count("parcels", commune=commune)
