"""Ranking on a full run of the sample region: consistency with the run, the real CLI, the API.

``MINETTGEO_TEST_RESULTS`` may name an existing results directory (development); by default the
session's full run (``results_root``) is used. Every test works on a copy.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest

from minettgeo.rank.candidate_file import from_file
from minettgeo.rank.candidates import from_districts
from minettgeo.rank.criteria import candidate_criteria
from minettgeo.rank.emissions import candidate_draws
from minettgeo.rank.runio import RunData, load_run, run_factors
from minettgeo.rank.tables import criteria_table
from results_helpers import assert_refused, invoke, snapshot

pytestmark = pytest.mark.fullscale


@pytest.fixture(scope="module")
def source_results(request: pytest.FixtureRequest) -> Path:
    env = os.environ.get("MINETTGEO_TEST_RESULTS")
    if env:
        return Path(env)
    return Path(request.getfixturevalue("results_root"))


@pytest.fixture(scope="module")
def run(source_results: Path) -> RunData:
    return load_run(source_results)


@pytest.fixture()
def results_copy(source_results: Path, tmp_path: Path) -> Path:
    """A writable results directory holding a copy of the current run."""
    current = (source_results / "current").resolve()
    out = tmp_path / "results"
    (out / "runs").mkdir(parents=True)
    shutil.copytree(current, out / "runs" / current.name)
    (out / "current").symlink_to(Path("runs") / current.name)
    return out


def test_a_candidate_equal_to_a_district_gets_its_criteria(run: RunData, tmp_path: Path) -> None:
    districts = from_districts(run.districts, run.parcels)
    d_crit, _ = candidate_criteria(run, districts)
    picked = run.districts.iloc[[3, 40]][["district_id", "geometry"]]
    luref = tmp_path / "two.gpkg"
    picked.rename(columns={"district_id": "candidate_id"}).to_file(luref, layer="c")
    crit, _ = candidate_criteria(run, from_file(luref, run.parcels), d_crit)
    names = list(criteria_table().index)
    expected = d_crit.loc[picked["district_id"], names].to_numpy()
    np.testing.assert_allclose(crit[names].to_numpy(), expected, rtol=1e-9, atol=1e-12)
    # the same polygons in WGS84 GeoJSON are reprojected to LUREF: same parcels, same criteria
    wgs = tmp_path / "two.geojson"
    picked.to_crs(4326).to_file(wgs, driver="GeoJSON")
    crit84, _ = candidate_criteria(run, from_file(wgs, run.parcels), d_crit)
    for col in ("residents", "parcels", "fossil_pre1980_share", "public_land_share"):
        np.testing.assert_allclose(crit84[col], crit[col].to_numpy(), rtol=1e-9)
    # roads along the edge are no longer exactly on it after the round trip (millimetres)
    np.testing.assert_allclose(crit84["ghg_per_ha_tco2e_a"], crit["ghg_per_ha_tco2e_a"], rtol=1e-2)


def test_district_candidates_sum_to_the_regions_modelled_total(
    run: RunData, source_results: Path
) -> None:
    crit, cs = candidate_criteria(run, from_districts(run.districts, run.parcels))
    d = run.districts.set_index("district_id").loc[crit.index]
    np.testing.assert_allclose(cs.sums["ghg_tco2e_a"], d["ghg_tco2e_a"], rtol=1e-9)
    np.testing.assert_allclose(cs.sums["residents"], d["population"], rtol=1e-9)
    inv = json.loads((source_results / "current" / "gpc_inventory.json").read_text())
    region = next(t for t in inv["totals"] if t["lau2"] == "region")
    assert cs.sums["ghg_tco2e_a"].sum() == pytest.approx(region["basic_tco2e"], rel=1e-9)
    mc = run.provenance["monte_carlo"]
    draws = candidate_draws(
        run, cs, run_factors(run.provenance), draws=int(mc["draws"]), seed=int(mc["seed"])
    )
    # every component of the BASIC total, draw by draw: the region's interval of the run
    total = draws["basic"].sum(axis=1)
    for q in (5, 50, 95):
        assert np.percentile(total, q) == pytest.approx(region[f"basic_p{q:02d}_tco2e"], rel=1e-9)
    plants = draws["energy_generation"].sum(axis=1)
    assert np.percentile(plants, 50) == pytest.approx(
        region["energy_generation_p50_tco2e"], rel=1e-9
    )


def _rank(results: Path, *args: str):  # type: ignore[no-untyped-def]
    return invoke("rank", "--results", str(results), "--draws", "100", *args)


@pytest.mark.parametrize(
    ("args", "code", "fragment"),
    [
        (("--weights", "residents=-1,parcels=2"), 2, "--weights"),
        (("--weights", "residents=0,parcels=0"), 2, "all weights are zero"),
        (("--weights", "beauty=1"), 2, "unknown criterion beauty"),
        (("--method", "electre"), 2, "--method"),
        (("--preset", "nope"), 2, "--preset"),
        (("--top", "80", "--residents-min", "3000"), 1, "--top 80"),
        (("--top", "20", "--max-per-commune", "1"), 1, "--max-per-commune 1"),
    ],
)
def test_bad_input_is_named_and_nothing_is_written(
    results_copy: Path, args: tuple[str, ...], code: int, fragment: str
) -> None:
    before = snapshot(results_copy)
    assert_refused(_rank(results_copy, *args), code, fragment)
    assert snapshot(results_copy) == before


def test_an_invalid_candidates_file_is_refused(results_copy: Path, tmp_path: Path) -> None:
    bad = tmp_path / "lines.geojson"
    gpd.GeoDataFrame(
        {"name": ["a"]},
        geometry=gpd.GeoSeries.from_wkt(["LINESTRING (6 49.5, 6.1 49.5)"]),
        crs=4326,
    ).to_file(bad, driver="GeoJSON")
    overlap = tmp_path / "overlap.geojson"
    gpd.GeoDataFrame(
        {"name": ["a", "b"]},
        geometry=gpd.GeoSeries.from_wkt(
            ["POLYGON ((6 49.5, 6.02 49.5, 6.02 49.52, 6 49.52, 6 49.5))"] * 2
        ),
        crs=4326,
    ).to_file(overlap, driver="GeoJSON")
    junk = tmp_path / "junk.gpkg"
    junk.write_bytes(b"not a geopackage")
    before = snapshot(results_copy)
    for path, fragment in ((bad, "not polygons"), (overlap, "overlap"), (junk, "not a readable")):
        assert_refused(_rank(results_copy, "--candidates", str(path)), 1, str(path))
        assert (
            fragment
            in invoke("rank", "--results", str(results_copy), "--candidates", str(path)).stderr
        )
    assert snapshot(results_copy) == before


def test_rank_writes_a_new_run_with_the_ranking(results_copy: Path) -> None:
    old = (results_copy / "current").resolve()
    old_files = snapshot(old)
    result = _rank(results_copy, "--preset", "heating", "--top", "3", "--max-per-commune", "1")
    assert result.code == 0, result.stderr
    new = (results_copy / "current").resolve()
    assert new != old and snapshot(old) == old_files
    table = pd.read_csv(new / "ranking.csv", dtype={"lau2": str})
    assert len(table) == 72 and table["rank"].tolist()[:3] == [1, 2, 3]
    for col in [*criteria_table().index, "score", "p_top", "median_rank", "rank_p05", "rank_p95"]:
        assert col in table.columns, col
    assert table["explanation_fr"].str.contains("est classé").all()
    assert table["explanation_en"].str.contains("ranks").all()
    chosen = table[table["portfolio"]]
    assert len(chosen) == 3 and chosen["lau2"].is_unique
    layers = dict(pyogrio.list_layers(new / "minettgeo.gpkg"))
    assert "candidates" in layers and "buildings" in layers
    layer = gpd.read_file(new / "minettgeo.gpkg", layer="candidates")
    assert len(layer) == 72 and layer.crs.to_epsg() == 2169
    prov = json.loads((new / "provenance.json").read_text())
    assert prov["ranking"]["based_on_run"] == old.name and prov["run_id"] == new.name


def test_the_api_route_answers_with_the_model(source_results: Path) -> None:
    from api.app import create_app
    from fastapi.testclient import TestClient

    client = TestClient(create_app(source_results))
    ok = client.get("/ranking", params={"preset": "mobility", "method": "promethee", "draws": 50})
    assert ok.status_code == 200, ok.text
    body = ok.json()
    assert body["method"] == "promethee" and len(body["candidates"]) == 72
    assert (
        body["candidates"][0]["rank"] == 1
        and "est classé" in body["candidates"][0]["explanation_fr"]
    )
    assert {a["method_b"] for a in body["agreement"]} >= {"ws", "promethee"}
    bad = client.get("/ranking", params={"weights": "residents=-2"})
    assert bad.status_code == 400 and "--weights" in bad.json()["message"]
    assert client.get("/ranking", params={"method": "electre"}).status_code == 422


def test_the_default_ranking_served_is_the_ranking_computed(source_results: Path) -> None:
    """The ranking the API keeps for the run (built by the warm task when the server opens it)
    is, number for number, the ranking computed on that run."""
    from dataclasses import asdict

    from api.app import create_app
    from api.routers.ranking import RankingResponse, ranking_key
    from fastapi.testclient import TestClient

    from minettgeo.rank.payload import ranking_payload
    from minettgeo.rank.query import DEFAULT_QUERY

    app = create_app(source_results)
    ctx = app.state.ctx
    res = ctx.results()
    for task in ctx.warm_tasks:  # what the warm thread runs after the stores
        task(res)
    assert ctx.held(ranking_key(res, DEFAULT_QUERY)) is not None
    served = TestClient(app).get("/ranking").json()
    computed = RankingResponse.model_validate(
        ranking_payload(source_results, **asdict(DEFAULT_QUERY))
    ).model_dump(mode="json")
    assert served["run_id"] == res.run_id == computed["run_id"]
    assert len(served["candidates"]) == 72
    assert served["candidates"] == computed["candidates"]
    assert served["agreement"] == computed["agreement"]
