"""The API on the toy run: every route, its values against the GeoPackage, its error cases."""

from __future__ import annotations

import io as pyio
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from api.app import create_app
from api.limits import Limits
from fastapi.testclient import TestClient

import toy_region
from api_support import toy_results
from minettgeo.layers import io
from minettgeo.results import store


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return toy_results(tmp_path_factory.mktemp("toy-api"))


@pytest.fixture(scope="module")
def client(results: Path) -> TestClient:
    return TestClient(create_app(results), raise_server_exceptions=False)


def gpkg(results: Path, layer: str) -> pd.DataFrame:
    return io.read_vector((results / "current" / "minettgeo.gpkg").resolve(), layer)


def assert_error(response, status: int, *fragments: str, parameter: str | None = None) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) <= {"error", "message", "parameter"}
    assert "Traceback" not in response.text
    for fragment in fragments:
        assert fragment in body["message"], (fragment, body)
    if parameter is not None:
        assert body.get("parameter") == parameter, body


def test_health_and_region(client: TestClient, results: Path) -> None:
    run_id = (results / "current").resolve().name
    assert client.get("/health").json() == {
        "status": "ok",
        "version": client.app.version,  # type: ignore[attr-defined]
        "run_id": run_id,
        "message": None,
    }
    region = client.get("/api/region").json()
    totals = json.loads((results / "current" / "gpc_inventory.json").read_text())["totals"]
    expected = next(t for t in totals if t["lau2"] == "region")
    assert region["run_id"] == run_id
    assert region["population"] == sum(toy_region.POPULATION.values()) == 600
    assert (region["communes"], region["districts"], region["parcels"]) == (3, 3, 3)
    assert region["basic_tco2e"] == expected["basic_tco2e"]
    assert region["basic_interval_tco2e"]["p95"] == expected["basic_p95_tco2e"]
    communes = gpkg(results, "communes")
    assert region["sink_potential_2050_tco2_a"] == pytest.approx(
        communes["sink_potential_2050_tco2_a"].sum(), rel=1e-12
    )


def test_inventory_json_and_plain_csv(client: TestClient, results: Path) -> None:
    written = json.loads((results / "current" / "gpc_inventory.json").read_text())["rows"]
    body = client.get("/api/inventory", params={"commune": "9002"}).json()
    rows = [r for r in written if r["lau2"] == "9002"]
    assert [r["code"] for r in body["rows"]] == [r["code"] for r in rows]
    assert [r["co2e_t"] for r in body["rows"]] == [r["co2e_t"] for r in rows]
    assert body["totals"][0]["lau2"] == "9002"
    csv = client.get("/api/inventory.csv")
    assert csv.headers["content-type"].startswith("text/csv")
    table = pd.read_csv(pyio.StringIO(csv.text), dtype={"lau2": str})  # no option needed
    assert len(table) == len(written)
    assert set(table["lau2"]) == {*toy_region.CODES, "region"}
    assert_error(client.get("/api/inventory", params={"commune": "9999"}), 404, "9001, 9002")
    assert_error(client.get("/api/inventory", params={"commune": "x"}), 422, parameter="commune")


def test_communes_and_districts_geojson(client: TestClient, results: Path) -> None:
    response = client.get("/api/communes")
    assert response.headers["content-type"] == "application/geo+json"
    fc = response.json()
    expected = gpkg(results, "communes").set_index("lau2")
    assert [f["id"] for f in fc["features"]] == list(expected.index)
    for feat in fc["features"]:
        row = expected.loc[feat["id"]]
        for col in ("population", "ghg_tco2e_a", "ghg_per_capita_tco2e_a", "carbon_stock_tco2e"):
            assert feat["properties"][col] == pytest.approx(float(row[col]), rel=1e-14), col
        assert feat["properties"]["name"] == row["name"]
    # CRS84: the toy communes are near 6.0 E, 49.7 N (LUREF 60-63 km, 70 km)
    # communes are published as MultiPolygons (layers/multipart.py): first part, outer ring
    geometry = fc["features"][0]["geometry"]
    assert geometry["type"] == "MultiPolygon"
    lon, lat = geometry["coordinates"][0][0][0]
    assert 5.7 < lon < 6.6 and 49.4 < lat < 50.2
    assert fc["provenance"]["run_id"] == fc["run_id"]
    districts = client.get("/api/districts", params={"commune": "9003"}).json()
    assert [f["id"] for f in districts["features"]] == ["9003-Q01"]
    every = set(gpkg(results, "districts").columns) - {"geometry", "district_id"}
    assert every <= set(districts["features"][0]["properties"])
    assert_error(client.get("/api/districts", params={"commune": "9999"}), 404, "9999")


def test_one_parcel_with_its_buildings(client: TestClient, results: Path) -> None:
    body = client.get("/api/parcels/9002-000001").json()
    parcels = gpkg(results, "parcels").set_index("parcel_id")
    assert body["parcel"]["id"] == "9002-000001"
    assert body["parcel"]["properties"]["ghg_tco2e_a"] == pytest.approx(
        parcels.loc["9002-000001", "ghg_tco2e_a"], rel=1e-14
    )
    assert [b["id"] for b in body["buildings"]["features"]] == ["BB"]
    assert body["buildings"]["features"][0]["properties"]["heated_area_m2"] == 1000.0
    assert_error(client.get("/api/parcels/9002-999999"), 404, "9002-999999")
    assert_error(client.get("/api/parcels/a%27b"), 422, parameter="parcel_id")


def test_sink_potential(client: TestClient, results: Path) -> None:
    body = client.get("/api/sink-potential").json()
    communes = gpkg(results, "communes").set_index("lau2")
    assert [c["lau2"] for c in body["communes"]] == list(communes.index)
    for c in body["communes"]:
        assert c["values"]["sink_potential_2050_tco2_a"] == pytest.approx(
            communes.loc[c["lau2"], "sink_potential_2050_tco2_a"], rel=1e-14, abs=1e-12
        )
    one = client.get("/api/sink-potential", params={"commune": "9001"}).json()
    assert [c["lau2"] for c in one["communes"]] == ["9001"]


def test_ogc_core(client: TestClient, results: Path) -> None:
    landing = client.get("/ogc").json()
    rels = {link["rel"] for link in landing["links"]}
    assert {"self", "service-desc", "conformance", "data"} <= rels
    assert (
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"
        in client.get("/ogc/conformance").json()["conformsTo"]
    )
    collections = client.get("/ogc/collections").json()["collections"]
    assert {c["id"] for c in collections} >= {"parcels", "buildings", "districts", "communes"}
    parcels = next(c for c in collections if c["id"] == "parcels")
    assert parcels["itemType"] == "feature" and parcels["title"]
    items_link = next(link for link in parcels["links"] if link["rel"] == "items")
    assert "?" not in items_link["href"] and items_link["href"].endswith("/parcels/items")
    assert any(link["rel"] == "describedby" for link in parcels["links"])
    minx, miny, maxx, maxy = parcels["extent"]["spatial"]["bbox"][0]
    assert minx < maxx and miny < maxy
    schema = client.get("/ogc/collections/parcels/schema").json()
    assert schema["properties"]["parcel_id"]["type"] == "string"
    assert schema["properties"]["ghg_tco2e_a"]["type"] == "number"
    # the page size is advertised in the OGC OpenAPI document
    doc = client.get("/ogc/api").json()
    limit = next(
        p
        for p in doc["paths"]["/collections/{collectionId}/items"]["get"]["parameters"]
        if p["name"] == "limit"
    )
    assert limit["schema"]["default"] == 1000 and limit["schema"]["maximum"] == 10_000
    # paging: 3 parcels, 2 per page
    page1 = client.get("/ogc/collections/parcels/items", params={"limit": 2}).json()
    assert page1["numberMatched"] == 3 and page1["numberReturned"] == 2
    assert [f["id"] for f in page1["features"]] == [1, 2]
    nxt = next(link["href"] for link in page1["links"] if link["rel"] == "next")
    page2 = client.get(nxt).json()
    assert [f["properties"]["parcel_id"] for f in page2["features"]] == ["9003-000001"]
    assert not any(link["rel"] == "next" for link in page2["links"])
    assert any(link["rel"] == "prev" for link in page2["links"])
    # bbox in CRS84 around commune B only
    b = client.get("/ogc/collections/parcels/items/2").json()
    ring = (
        b["geometry"]["coordinates"][0][0]
        if b["geometry"]["type"] == "MultiPolygon"
        else b["geometry"]["coordinates"][0]
    )
    lons, lats = [p[0] for p in ring], [p[1] for p in ring]
    cx, cy = (min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2
    box = f"{cx - 0.001},{cy - 0.001},{cx + 0.001},{cy + 0.001}"
    inside = client.get("/ogc/collections/parcels/items", params={"bbox": box}).json()
    assert inside["numberMatched"] == 1
    assert inside["features"][0]["properties"]["parcel_id"] == "9002-000001"
    # a query matching nothing is an empty collection, not the whole layer
    empty = client.get("/ogc/collections/parcels/items", params={"bbox": "10,10,10.1,10.1"}).json()
    assert empty["numberMatched"] == 0 and empty["features"] == []
    beyond = client.get("/ogc/collections/parcels/items", params={"offset": 10}).json()
    assert beyond["features"] == [] and beyond["numberMatched"] == 3
    # by id, with the same values as the GeoPackage
    expected = gpkg(results, "parcels")
    assert b["properties"]["parcel_id"] == expected["parcel_id"].iloc[1]
    assert b["properties"]["ghg_tco2e_a"] == pytest.approx(
        expected["ghg_tco2e_a"].iloc[1], rel=1e-14
    )
    # errors
    assert_error(client.get("/ogc/collections/parcels/items/99"), 404, "no feature '99'")
    assert_error(client.get("/ogc/collections/parcels/items/abc"), 404)
    assert_error(client.get("/ogc/collections/nope/items"), 404, "layers: buildings")
    assert_error(
        client.get("/ogc/collections/parcels/items", params={"limit": 10_001}),
        422,
        parameter="limit",
    )
    assert_error(
        client.get("/ogc/collections/parcels/items", params={"bbox": "6,49,5,50"}),
        400,
        "minlon must be <= maxlon",
        parameter="bbox",
    )
    assert_error(
        client.get("/ogc/collections/parcels/items", params={"bbox": "-10,40,20,55"}),
        400,
        "km2",
        parameter="bbox",
    )
    assert_error(
        client.get("/ogc/collections/parcels/items", params={"foo": "1"}), 400, parameter="foo"
    )


def test_landing_page_languages(client: TestClient) -> None:
    fr = client.get("/", headers={"Accept-Language": "fr-LU,fr;q=0.9,en;q=0.5"})
    assert '<html lang="fr">' in fr.text and "Téléchargements" in fr.text
    en = client.get("/?lang=en", headers={"Accept-Language": "fr"})
    assert '<html lang="en">' in en.text and "Downloads" in en.text
    for href in ('href="/ogc"', 'href="/openapi.json"', 'href="/api/inventory.csv"', 'id="maps"'):
        assert href in en.text
    assert client.get("/", headers={"Accept-Language": "de"}).headers["content-language"] == "fr"


def test_unknown_route_and_no_results(tmp_path: Path) -> None:
    empty = TestClient(create_app(tmp_path), raise_server_exceptions=False)
    assert empty.get("/health").status_code == 503
    assert_error(empty.get("/api/region"), 404, "no results there", "minettgeo run")
    assert "minettgeo run" in empty.get("/").text
    assert_error(empty.get("/no/such/route"), 404, "no such route")


def test_body_limit(client: TestClient, results: Path) -> None:
    small = TestClient(
        create_app(results, limits=Limits(max_body_bytes=10)), raise_server_exceptions=False
    )
    assert_error(small.post("/api/region", content=b"x" * 100), 413, "larger than 10 bytes")


def test_new_run_is_picked_up_whole(results: Path, tmp_path: Path) -> None:
    """A request sees one run: the app switches to a new run when ``current`` changes."""
    copy = tmp_path / "results"
    shutil.copytree(results, copy, symlinks=True)
    app_client = TestClient(create_app(copy), raise_server_exceptions=False)
    first = app_client.get("/health").json()["run_id"]
    old = (copy / "current").resolve()
    new_id = "20990101T000000Z-00000000"
    shutil.copytree(old, copy / "runs" / new_id)
    prov = json.loads((old / "provenance.json").read_text())
    (copy / "runs" / new_id / "provenance.json").write_text(json.dumps({**prov, "run_id": new_id}))
    assert app_client.get("/api/districts").json()["run_id"] == first
    store.switch_current(copy, copy / "runs" / new_id)
    assert app_client.get("/health").json()["run_id"] == new_id
    assert app_client.get("/api/districts").json()["run_id"] == new_id
    assert app_client.get("/api/region").json()["run_id"] == new_id
