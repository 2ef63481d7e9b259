"""``GET /ranking`` on the toy run: the ranking served is the ranking computed on the current run;
the default one is built once per run in the warm thread (so the first request finds it), and
nothing of a replaced run is served for the new one."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import pytest
from api.app import create_app
from api.routers.ranking import RankingResponse, ranking_body, ranking_key
from fastapi.testclient import TestClient

import toy_region
from minettgeo.pipeline import RunOptions, run
from minettgeo.rank.payload import ranking_payload
from minettgeo.rank.query import DEFAULT_QUERY, RankingQuery
from minettgeo.results.reader import open_results


@pytest.fixture()
def toy(tmp_path: Path) -> tuple[Path, Path]:
    """The toy region's layers and a results folder with one run of them."""
    layers = toy_region.build(tmp_path / "layers")
    run(layers, tmp_path / "results", RunOptions(draws=100, seed=3))
    return layers, tmp_path / "results"


def computed(results: Path, query: RankingQuery = DEFAULT_QUERY) -> dict[str, object]:
    """The ranking of the current run computed directly (no API), in the response's JSON (the
    toy's scores are undefined: NaN, null in JSON)."""
    payload = ranking_payload(results, **asdict(query))
    return json.loads(RankingResponse.model_validate(payload).model_dump_json())


def test_the_default_ranking_is_built_when_the_run_is_opened(toy: tuple[Path, Path]) -> None:
    _layers, results = toy
    app = create_app(results, warm=True)
    ctx = app.state.ctx
    res = ctx.results()
    key = ranking_key(res, DEFAULT_QUERY)
    ctx.warm(())  # what the warm thread does when the server opens a run
    assert ctx.held(key) is not None and ctx.held((*key, "gzip")) is not None
    expected = computed(results)
    client = TestClient(app)
    for encoding in ("gzip", "identity"):
        got = client.get("/ranking", headers={"Accept-Encoding": encoding})
        assert got.status_code == 200, got.text
        body = got.json()
        assert body["run_id"] == res.run_id == expected["run_id"]
        assert body["candidates"] == expected["candidates"]
        assert body["weights"] == expected["weights"] and body["draws"] == DEFAULT_QUERY.draws
    # the parameters of the default query, given explicitly, are the same entry
    same = client.get("/ranking", params={"method": "topsis", "top": 3, "draws": 200})
    assert same.json() == client.get("/ranking").json()


def test_other_parameters_are_computed_on_the_current_run(toy: tuple[Path, Path]) -> None:
    _layers, results = toy
    client = TestClient(create_app(results))  # no warm thread: the first request builds it
    query = RankingQuery(preset="sinks", method="ws", top=1, draws=50, seed=7)
    got = client.get(
        "/ranking", params={"preset": "sinks", "method": "ws", "top": 1, "draws": 50, "seed": 7}
    )
    assert got.status_code == 200, got.text
    assert got.json()["candidates"] == computed(results, query)["candidates"]
    assert got.json()["method"] == "ws" and got.json()["top"] == 1
    bad = client.get("/ranking", params={"weights": "residents=-2"})
    assert bad.status_code == 400 and "--weights" in bad.json()["message"]


def test_a_new_run_is_ranked_and_the_old_ranking_is_not_served(toy: tuple[Path, Path]) -> None:
    layers, results = toy
    app = create_app(results, warm=True)
    ctx = app.state.ctx
    old = ctx.results()
    ctx.warm(())
    client = TestClient(app)
    assert client.get("/ranking").json()["run_id"] == old.run_id
    run(layers, results, RunOptions(draws=100, seed=4))  # a new current run
    new = open_results(results)
    assert new.run_id != old.run_id
    got = client.get("/ranking")
    assert got.status_code == 200
    assert got.json()["run_id"] == new.run_id
    assert got.json()["candidates"] == computed(results)["candidates"]
    # a build of the replaced run that ends after the switch is not kept for the new one
    old_key = ranking_key(old, DEFAULT_QUERY)
    ctx.prepare(old_key, lambda: ranking_body(old, DEFAULT_QUERY))
    assert ctx.held(old_key) is None
    assert client.get("/ranking").json()["run_id"] == new.run_id
