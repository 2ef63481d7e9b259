"""Exports and Data Package descriptors on the toy run, validated with ``frictionless``."""

from __future__ import annotations

import io as pyio
import json
import zipfile
from pathlib import Path

import frictionless
import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import rasterio
from api.app import create_app
from api.limits import Limits
from fastapi.testclient import TestClient

from api_support import toy_results
from minettgeo.export.column_meanings import meaning_of, unit_of
from minettgeo.layers import io
from results_helpers import assert_refused, invoke

FORMATS = {
    "gpkg": ".gpkg",
    "parquet": ".parquet",
    "geojson": ".geojson",
    "fgb": ".fgb",
    "csv": ".csv",
}


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return toy_results(tmp_path_factory.mktemp("toy-exports"))


def valid(descriptor: Path) -> None:
    report = frictionless.validate(str(descriptor))
    assert report.valid, report.flatten(["type", "note"])


def test_run_folder_has_a_valid_datapackage(results: Path) -> None:
    folder = (results / "current").resolve()
    descriptor = folder / "datapackage.json"
    valid(descriptor)
    package = json.loads(descriptor.read_text())
    names = {r["path"] for r in package["resources"]}
    assert names == {p.name for p in folder.iterdir() if p.name != "datapackage.json"}
    assert package["minettgeo"]["provenance"] == json.loads(
        (folder / "provenance.json").read_text()
    )
    inventory = next(r for r in package["resources"] if r["path"] == "gpc_inventory.csv")
    fields = {f["name"]: f for f in inventory["schema"]["fields"]}
    assert fields["co2e_t"]["unit"] == "t CO2e/a" and fields["co2e_t"]["type"] == "number"
    gpkg = next(r for r in package["resources"] if r["path"] == "minettgeo.gpkg")
    parcel_fields = {f["name"]: f for f in gpkg["layers"]["parcels"]["schema"]["fields"]}
    assert parcel_fields["ghg_tco2e_a"]["unit"] == "t CO2e/a"
    assert parcel_fields["carbon_stock_tc"]["unit"] == "t C"
    # the CSV opens with no option at all
    table = pd.read_csv(folder / "gpc_inventory.csv")
    assert list(table.columns[:4]) == ["level", "lau2", "name", "code"]


def test_units_and_meanings_from_names() -> None:
    assert unit_of("ghg_per_capita_tco2e_a") == "t CO2e/(resident a)"
    assert unit_of("heat_density_mwh_ha_a") == "MWh/(ha a)"
    assert unit_of("sink_potential_2050_tco2_ha_a") == "t CO2/(ha a)"
    assert unit_of("parcel_id") is None
    assert "95th percentile" in meaning_of("basic_p95_tco2e")
    assert "net land flux" in meaning_of("land_net_flux_tco2_a")
    # the districts' graded rail line-km (models/rail.py): traction and grade in the meaning
    assert unit_of("rail_diesel_default_line_km") == "km"
    assert meaning_of("rail_diesel_default_line_km") == (
        "railway line-km on diesel traction whose traction is graded default "
        "(the Monte Carlo widens them by that grade)"
    )


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_export_every_format_filtered_by_commune(results: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"export-{fmt}"
    done = invoke(
        "export", "--results", str(results), "--layer", "parcels", "--format", fmt,
        "--commune", "9002", "--out", str(out),
    )  # fmt: skip
    assert done.code == 0, done.stderr
    files = sorted(p.name for p in out.iterdir())
    assert files == ["datapackage.json", f"parcels{FORMATS[fmt]}"]
    valid(out / "datapackage.json")
    package = json.loads((out / "datapackage.json").read_text())
    assert package["minettgeo"]["filters"] == {"commune": "9002"}
    run_id = (results / "current").resolve().name
    assert package["minettgeo"]["provenance"]["export"] == {"run_id": run_id, "commune": "9002"}
    path = out / f"parcels{FORMATS[fmt]}"
    if fmt == "csv":
        got = pd.read_csv(path)
    else:
        got = gpd.read_parquet(path) if fmt == "parquet" else gpd.read_file(path)
    expected = io.read_vector((results / "current" / "minettgeo.gpkg").resolve(), "parcels")
    expected = expected[expected["lau2"] == "9002"]
    assert list(got["parcel_id"]) == list(expected["parcel_id"]) == ["9002-000001"]
    np.testing.assert_allclose(got["ghg_tco2e_a"], expected["ghg_tco2e_a"], rtol=1e-12)
    if fmt == "csv":  # a point inside commune B (x 61-62 km), in WGS 84
        assert 5.5 < got["lon"].iloc[0] < 6.6 and 49.3 < got["lat"].iloc[0] < 50.2
    elif fmt == "geojson":
        assert got.crs.to_epsg() == 4326
    else:
        assert got.crs.to_epsg() == 2169
    if fmt in {"gpkg", "fgb"}:
        meta = pyogrio.read_info(path, layer="parcels")["layer_metadata"]
        assert json.loads(meta["provenance"])["run_id"] == run_id


def test_export_raster_clipped_to_a_district(results: Path, tmp_path: Path) -> None:
    out = tmp_path / "heat"
    done = invoke(
        "export", "--results", str(results), "--raster", "carbon_stock", "--district", "9001-Q01",
        "--out", str(out),
    )  # fmt: skip
    assert done.code == 0, done.stderr
    valid(out / "datapackage.json")
    with (
        rasterio.open(out / "carbon_stock.tif") as clip,
        rasterio.open((results / "current" / "carbon_stock.tif").resolve()) as whole,
    ):
        # district A is x 60-61 km of the 60-63 km raster: a third of the columns
        assert clip.width == whole.width // 3 and clip.height == whole.height
        assert clip.bounds.left == whole.bounds.left
        assert json.loads(clip.tags()["provenance"])["export"]["district"] == "9001-Q01"
        np.testing.assert_array_equal(clip.read(1), whole.read(1)[:, : whole.width // 3])
        assert clip.profile["tiled"]


def test_export_refusals(results: Path, tmp_path: Path) -> None:
    base = ("export", "--results", str(results))
    assert_refused(
        invoke(*base, "--layer", "nope", "--out", str(tmp_path / "a")), 1, "nope", "parcels"
    )
    assert_refused(
        invoke(*base, "--layer", "parcels", "--commune", "9999", "--out", str(tmp_path / "b")),
        1, "9999", "9001",
    )  # fmt: skip
    assert_refused(
        invoke(*base, "--layer", "parcels", "--commune", "9001", "--district", "9001-Q01",
               "--out", str(tmp_path / "c")),
        2, "not both",
    )  # fmt: skip
    assert_refused(invoke(*base, "--out", str(tmp_path / "d")), 2, "--layer or --raster")
    assert_refused(
        invoke(*base, "--raster", "../provenance", "--out", str(tmp_path / "e")), 1, "raster"
    )
    (tmp_path / "f").mkdir()
    assert_refused(
        invoke(*base, "--layer", "parcels", "--out", str(tmp_path / "f")), 1, "exists already"
    )
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_api_downloads_tokens_and_limits(results: Path, tmp_path: Path) -> None:
    client = TestClient(
        create_app(results, token="t0ken-for-tests", exports_dir=tmp_path / "srv"),
        raise_server_exceptions=False,
    )
    response = client.get("/api/exports/districts", params={"format": "csv", "commune": "9003"})
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(pyio.BytesIO(response.content))
    assert sorted(archive.namelist()) == ["datapackage.json", "districts.csv"]
    table = pd.read_csv(archive.open("districts.csv"))
    assert list(table["district_id"]) == ["9003-Q01"]
    raster = client.get("/api/exports/rasters/sink_potential", params={"commune": "9002"})
    assert sorted(zipfile.ZipFile(pyio.BytesIO(raster.content)).namelist()) == [
        "datapackage.json",
        "sink_potential.tif",
    ]
    # allow-lists: names never reach the filesystem unchecked
    assert client.get("/api/exports/..%2F..%2Fetc%2Fpasswd").status_code in {404, 422}
    assert client.get("/api/exports/provenance").status_code == 404
    assert client.get("/api/exports/rasters/minettgeo").status_code == 404
    assert client.get("/api/exports/parcels", params={"format": "shp"}).status_code == 422
    # unknown commune or district: 404 naming what exists (found by the fuzz: was a 500)
    unknown = client.get("/api/exports/rasters/heat_density", params={"commune": "0000"})
    assert unknown.status_code == 404 and "9001, 9002, 9003" in unknown.json()["message"]
    unknown = client.get("/api/exports/rasters/heat_density", params={"district": "x"})
    assert unknown.status_code == 404 and "district 'x'" in unknown.json()["message"]
    # writing on the server needs the token (constant-time comparison)
    body = {"layer": "districts", "format": "gpkg", "commune": "9001"}
    assert client.post("/api/exports", json=body).status_code == 401
    wrong = client.post("/api/exports", json=body, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and "MINETTGEO_TOKEN" in wrong.json()["message"]
    ok = client.post("/api/exports", json=body, headers={"Authorization": "Bearer t0ken-for-tests"})
    assert ok.status_code == 201, ok.text
    folder = tmp_path / "srv" / ok.json()["folder"]
    assert sorted(p.name for p in folder.iterdir()) == ["datapackage.json", "districts.gpkg"]
    valid(folder / "datapackage.json")
    bad = {**body, "layer": "../x"}
    refused = client.post(
        "/api/exports", json=bad, headers={"Authorization": "Bearer t0ken-for-tests"}
    )
    assert refused.status_code == 422
    assert client.post("/api/admin/recompute").status_code == 401
    # no token configured: every write route is refused
    closed = TestClient(create_app(results), raise_server_exceptions=False)
    assert "no token is configured" in closed.post("/api/exports", json=body).json()["message"]
    # concurrent exports are limited (here to none at all)
    busy = TestClient(
        create_app(results, limits=Limits(max_concurrent_exports=0)), raise_server_exceptions=False
    )
    refused = busy.get("/api/exports/districts")
    assert refused.status_code == 503 and "retry" in refused.json()["message"]


def test_api_export_feature_limit(results: Path, tmp_path: Path) -> None:
    """``Limits.max_export_features``: the toy run has 3 parcels; with at most 2 a whole-layer
    export is refused (400, nothing written), one commune's single parcel is served."""
    client = TestClient(
        create_app(
            results,
            token="t0ken-for-tests",
            exports_dir=tmp_path / "srv",
            limits=Limits(max_export_features=2),
        ),
        raise_server_exceptions=False,
    )
    refused = client.get("/api/exports/parcels", params={"format": "csv"})
    assert refused.status_code == 400
    assert "would hold 3 features; at most 2" in refused.json()["message"]
    assert "commune, district or bbox" in refused.json()["message"]
    one = client.get("/api/exports/parcels", params={"format": "csv", "commune": "9002"})
    assert one.status_code == 200
    with zipfile.ZipFile(pyio.BytesIO(one.content)) as archive:
        table = pd.read_csv(archive.open("parcels.csv"))
    assert list(table["parcel_id"]) == ["9002-000001"]
    written = client.post(
        "/api/exports",
        json={"layer": "parcels", "format": "gpkg"},
        headers={"Authorization": "Bearer t0ken-for-tests"},
    )
    assert written.status_code == 400 and "at most 2" in written.json()["message"]
    assert not (tmp_path / "srv").exists() or not any((tmp_path / "srv").iterdir())


def test_token_from_environment(
    results: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    token_file = tmp_path / "token"
    token_file.write_text("from-a-file\n")
    monkeypatch.delenv("MINETTGEO_TOKEN", raising=False)
    monkeypatch.setenv("MINETTGEO_TOKEN_FILE", str(token_file))
    client = TestClient(
        create_app(results, exports_dir=tmp_path / "srv"), raise_server_exceptions=False
    )
    body = {"layer": "communes", "format": "geojson"}
    assert (
        client.post(
            "/api/exports", json=body, headers={"Authorization": "Bearer from-a-file"}
        ).status_code
        == 201
    )
    monkeypatch.setenv("MINETTGEO_TOKEN", "from-env")
    client = TestClient(
        create_app(results, exports_dir=tmp_path / "srv2"), raise_server_exceptions=False
    )
    assert (
        client.post(
            "/api/exports", json=body, headers={"Authorization": "Bearer from-a-file"}
        ).status_code
        == 401
    )
    assert (
        client.post(
            "/api/exports", json=body, headers={"Authorization": "Bearer from-env"}
        ).status_code
        == 201
    )
