"""The policy router on a bare FastAPI app (until api/app.py is on main), with a real HTTP
client (httpx through Starlette's TestClient): schema, check, trajectory, 422 naming the field,
body and draws limits."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient

import toy_region
from minettgeo.errors import MinettgeoError
from minettgeo.pipeline import RunOptions, run
from minettgeo.scenarios.policy import policy_schema
from minettgeo.scenarios.scenario import scenario_schema

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory):
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    router = importlib.import_module("api.routers.policy")
    base = tmp_path_factory.mktemp("policy-api")
    layers = toy_region.build(base / "layers")
    run(layers, base / "results", RunOptions(draws=100, seed=1))
    ctx = SimpleNamespace(
        results_dir=base / "results",
        layers_dir=layers,
        limits=SimpleNamespace(max_body_bytes=4096),
    )
    app = FastAPI()

    @app.exception_handler(MinettgeoError)
    async def handler(request: Request, exc: MinettgeoError) -> JSONResponse:
        return JSONResponse(
            {"error": type(exc).__name__, "message": str(exc)}, status_code=exc.http_status
        )

    app.include_router(router.build_router(ctx))
    return TestClient(app)


def test_schemas(client: TestClient) -> None:
    r = client.get("/policy/schema")
    assert r.status_code == 200 and r.json() == policy_schema()
    assert client.get("/scenario/schema").json() == scenario_schema()


GAS = {
    "title": "Estate",
    "year": 2027,
    "measures": [
        {
            "type": "new_development",
            "target": {"parcels": ["9001-000001"]},
            "dwellings": 10,
            "floor_area_m2": 1000,
            "heating_carrier": "natural_gas",
        }
    ],
}


def test_check_json_and_html(client: TestClient) -> None:
    r = client.post("/policy/check?draws=200", content=json.dumps(GAS))
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["verdict"] == "raises"
    yaml_body = (
        "title: Estate\nyear: 2027\nmeasures:\n  - {type: demolition, target: {buildings: [BA]}}\n"
    )
    r = client.post("/policy/check?draws=200&format=html&lang=fr", content=yaml_body)
    assert r.status_code == 200 and r.text.lstrip().lower().startswith("<!doctype html")


def test_check_bad_inputs(client: TestClient) -> None:
    bad = {**GAS, "measures": [{**GAS["measures"][0], "dwellings": -3}]}
    r = client.post("/policy/check?draws=200", content=json.dumps(bad))
    assert r.status_code == 422 and "measures[0].dwellings" in r.json()["message"]
    unknown = {**GAS, "measures": [{**GAS["measures"][0], "target": {"parcels": ["x-1"]}}]}
    r = client.post("/policy/check?draws=200", content=json.dumps(unknown))
    assert r.status_code == 422 and "not in the region: x-1" in r.json()["message"]
    assert client.post("/policy/check?draws=5", content=json.dumps(GAS)).status_code == 422
    assert client.post("/policy/check?draws=100000", content=json.dumps(GAS)).status_code == 422
    r = client.post("/policy/check", content="x" * 5000)
    assert r.status_code == 413
    assert client.post("/policy/check", content=b"\xff\xfe").status_code == 422


def test_trajectory(client: TestClient) -> None:
    body = (
        "title: hp\nmeasures:\n  - {type: heating_switch, target: {commune: '9002'}, "
        "to: heat_pump, start: 2026, end: 2030}\n"
    )
    r = client.post("/trajectory?draws=100", content=body)
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["baseline_2005"]["method"] == "back-cast"
    assert [x["level"] for x in doc["levels"]] == ["9001", "9002", "9003", "region"]
    assert len(doc["levels"][-1]["gross"]["central"]) == 46
    r = client.post(
        "/trajectory?draws=100", content="title: x\nbaseline_2005: {table: /etc/passwd}\n"
    )
    assert r.status_code == 422
    r = client.post("/trajectory?draws=100", content="title: x\nyear: 2060\n")
    assert r.status_code == 422 and "year: 2060" in r.json()["message"]
    assert client.post("/trajectory?draws=5000", content="title: x\n").status_code == 422
