"""The error cases of every route of the app, on the toy run: status, JSON body
``{error, message, parameter?}`` naming what is wrong, never a traceback.

One row per case; routes whose cases are tested beside their feature are listed in
``ELSEWHERE`` so that :func:`test_every_route_has_error_cases` fails when a new route comes
with none.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from api.app import create_app
from fastapi.testclient import TestClient

from api_support import toy_results

#: (method, url, status, fragment of the message, parameter named or None)
CASES = [
    ("GET", "/?lang=de", 422, "lang", "lang"),
    ("GET", "/api/report?lang=de", 422, "", "lang"),
    ("GET", "/api/report.pdf?lang=xx", 422, "", "lang"),
    ("GET", "/api/kpis?level=planet", 422, "", "level"),
    ("GET", "/api/inventory?commune=9999", 404, "9001, 9002", None),
    ("GET", "/api/inventory?commune=x", 422, "", "commune"),
    ("GET", "/api/inventory.csv?commune=9999", 404, "9001, 9002", None),
    ("GET", "/api/inventory.csv?commune=..%2F..", 422, "", "commune"),
    ("GET", "/api/districts?commune=9999", 404, "9999", None),
    ("GET", "/api/districts?commune=03", 422, "", "commune"),
    ("GET", "/api/parcels/9002-999999", 404, "9002-999999", None),
    ("GET", "/api/parcels/a%27b", 422, "", "parcel_id"),
    ("GET", "/api/sink-potential?commune=9999", 404, "9001, 9002", None),
    ("GET", "/api/sink-potential?commune=abcd", 422, "", "commune"),
    ("GET", "/api/exports/provenance", 404, "", None),
    ("GET", "/api/exports/parcels?format=shp", 422, "", "format"),
    ("GET", "/api/exports/parcels?bbox=6,49,5,50", 400, "minlon must be <= maxlon", "bbox"),
    ("GET", "/api/exports/rasters/minettgeo", 404, "", None),
    ("POST", "/api/exports", 401, "MINETTGEO_TOKEN", None),
    ("POST", "/api/admin/recompute", 401, "MINETTGEO_TOKEN", None),
    ("GET", "/ranking?method=electre", 422, "", "method"),
    ("POST", "/policy/check?draws=5", 422, "", "draws"),
    ("POST", "/trajectory?draws=5000", 422, "", "draws"),
    ("GET", "/ogc?foo=1", 400, "unknown query parameter", "foo"),
    ("GET", "/ogc?f=xml", 400, "only 'json'", "f"),
    ("GET", "/ogc/conformance?bbox=1", 400, "unknown query parameter", "bbox"),
    ("GET", "/ogc/collections?limit=1", 400, "unknown query parameter", "limit"),
    ("GET", "/ogc/collections/nope", 404, "layers: buildings", None),
    ("GET", "/ogc/collections/Parcels", 422, "", "collectionId"),
    ("GET", "/ogc/collections/nope/schema", 404, "layers: buildings", None),
    ("GET", "/ogc/collections/nope/items", 404, "layers: buildings", None),
    ("GET", "/ogc/collections/parcels/items?limit=0", 422, "", "limit"),
    ("GET", "/ogc/collections/parcels/items?limit=10001", 422, "", "limit"),
    ("GET", "/ogc/collections/parcels/items?offset=-1", 422, "", "offset"),
    ("GET", "/ogc/collections/parcels/items?bbox=a,b,c,d", 422, "", "bbox"),
    ("GET", "/ogc/collections/parcels/items?bbox=-10,40,20,55", 400, "km2", "bbox"),
    ("GET", "/ogc/collections/parcels/items/99", 404, "no feature '99'", None),
    ("GET", "/ogc/collections/parcels/items/1?foo=2", 400, "unknown query parameter", "foo"),
    ("GET", "/maps/nope", 422, "", "name"),
    ("GET", "/maps/emissions?lang=de", 422, "", "lang"),
    ("GET", "/maps/parcels?district=nope", 404, "nope", None),
    ("GET", "/tiles/roads/10/500/300.png", 404, "", None),
    ("GET", "/tiles/heat_density/2/9/0.png", 400, "", None),
    ("GET", "/static/leaflet/../../x", 404, "", None),
    ("GET", "/no/such/route", 404, "no such route", None),
]
#: routes with no error case of their own here, and why
ELSEWHERE = {
    "/health": "503 without results: test_every_data_route_without_results",
    "/api/region": "takes no parameter; 404 without results",
    "/api/communes": "takes no parameter; 404 without results",
    "/ogc/api": "takes no parameter; read in test_api.py::test_ogc_core",
    "/policy/schema": "takes no parameter (a JSON Schema document)",
    "/scenario/schema": "takes no parameter (a JSON Schema document)",
    "/maps/": "takes lang only, as /maps/{name}",
    "/docs": "FastAPI's own page",
}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    results: Path = toy_results(tmp_path_factory.mktemp("toy-errors"))
    return TestClient(create_app(results), raise_server_exceptions=False)


@pytest.mark.parametrize(("method", "url", "status", "fragment", "parameter"), CASES)
def test_error_case(
    client: TestClient,
    method: str,
    url: str,
    status: int,
    fragment: str,
    parameter: str | None,
) -> None:
    response = client.request(method, url)
    assert response.status_code == status, response.text
    assert "Traceback" not in response.text
    body = response.json()
    assert set(body) <= {"error", "message", "parameter"} and body["error"] and body["message"]
    assert fragment in body["message"], body
    if parameter is not None:
        assert body.get("parameter") == parameter, body


def test_every_route_has_error_cases(client: TestClient) -> None:
    """Each path of the OpenAPI document is in CASES (by its fixed prefix) or in ELSEWHERE."""
    paths = list(client.get("/openapi.json").json()["paths"])
    tested = [url.split("?")[0] for _m, url, *_rest in CASES]
    missing = []
    for path in paths:
        prefix = path.split("{")[0].rstrip("/") or "/"
        hit = any(
            t in (prefix, path) or (t.startswith(prefix + "/") and "{" in path) for t in tested
        )
        if not hit and path not in ELSEWHERE:
            missing.append(path)
    assert missing == []


@pytest.mark.parametrize(
    "url",
    [
        "/api/region",
        "/api/inventory",
        "/api/inventory.csv",
        "/api/communes",
        "/api/districts",
        "/api/parcels/9002-000001",
        "/api/sink-potential",
        "/api/exports/parcels",
        "/ogc/collections",
        "/ogc/collections/parcels/items",
        "/maps/emissions",
    ],
)
def test_every_data_route_without_results(tmp_path: Path, url: str) -> None:
    """No run in the results folder: 404 saying how to compute one (health: 503)."""
    empty = TestClient(create_app(tmp_path), raise_server_exceptions=False)
    assert empty.get("/health").status_code == 503
    response = empty.get(url)
    assert response.status_code == 404, response.text
    assert "minettgeo run" in response.json()["message"]
