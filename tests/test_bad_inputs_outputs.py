"""Bad outputs and bad results fed to the real command (issue 7, item 9): ``contracts --out``
into a missing or read-only folder or onto a full disk, ``inventory`` on damaged or non-finite
results and on a commune without residents, names that would garble the terminal, and the
land-cover warp shown and recorded with the user's own file."""

from __future__ import annotations

import errno
import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
import rasterio

import toy_region
from minettgeo.layers import io
from minettgeo.sample.sources import sha256_of
from results_helpers import assert_refused, invoke, snapshot


@pytest.fixture(scope="module")
def toy_results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A results directory of the toy region whose commune 9001 has no residents and whose
    commune names carry a newline and a right-to-left override."""
    base = tmp_path_factory.mktemp("outputs")
    layers = toy_region.build(base / "layers")
    gpkg = layers / "region.gpkg"
    frames = {n: io.read_vector(gpkg, n) for n in io.list_layers(gpkg)}
    frames["communes"].loc[0, "population"] = 0
    frames["communes"].loc[1, "name"] = "Beta\nerror: fake\u202eatad"
    gpkg.unlink()
    io.write_vectors(gpkg, frames)
    results = base / "results"
    ran = invoke("run", "--layers", str(layers), "--out", str(results), "--draws", "100")
    assert ran.code == 0, ran.stderr
    # no residents: possible, not plausible: a warning of the run
    assert "[warning: implausible] communes: column 'population'" in ran.stdout
    return results


def test_commune_without_residents_prints_n_a(toy_results: Path) -> None:
    shown = invoke("inventory", "--results", str(toy_results), "--commune", "9001")
    assert shown.clean and shown.code == 0
    assert "per resident n/a t CO2e/a" in shown.stdout
    assert "nan" not in shown.stdout.lower()


def test_names_are_escaped_on_the_terminal(toy_results: Path) -> None:
    shown = invoke("inventory", "--results", str(toy_results), "--commune", "9002")
    assert shown.code == 0
    title = shown.stdout.splitlines()[0]
    assert title == "GPC inventory: Beta\\x0aerror: fake\\u202eatad (t/a)"
    assert "\u202e" not in shown.stdout
    assert not any(line.startswith("error: fake") for line in shown.stdout.splitlines())


def test_codes_with_control_characters_are_escaped_by_validate(tmp_path: Path) -> None:
    layers = toy_region.build(tmp_path / "layers")
    gpkg = layers / "region.gpkg"
    roads = io.read_vector(gpkg, "roads")
    roads.loc[0, "road_class"] = "motorway\n[error] \u202efake"
    path = io.write_vectors(tmp_path / "roads.gpkg", {"roads": roads})
    checked = invoke("validate", str(path))
    assert checked.clean and checked.code == 1
    assert "'motorway\\n[error] \\u202efake'" in checked.stdout  # repr, then escaped
    assert "\u202e" not in checked.stdout
    assert not any(line.startswith("[error]") for line in checked.stdout.splitlines())


def damaged_copy(toy_results: Path, target: Path) -> Path:
    """A copy of the current run folder, to damage."""
    folder = target / "run"
    shutil.copytree((toy_results / "current").resolve(), folder)
    return folder


@pytest.mark.parametrize(
    "damage", [b"{not json", b"", bytes(range(256)), b'{"rows": []}', b"[1, 2]"]
)
def test_inventory_on_a_damaged_json(toy_results: Path, tmp_path: Path, damage: bytes) -> None:
    folder = damaged_copy(toy_results, tmp_path)
    (folder / "gpc_inventory.json").write_bytes(damage)
    shown = invoke("inventory", "--results", str(folder))
    assert_refused(shown, 1, str(folder / "gpc_inventory.json"), "not a readable GPC inventory")


@pytest.mark.parametrize("total", [None, "Infinity", "NaN"])
def test_inventory_on_non_finite_totals(toy_results: Path, tmp_path: Path, total: object) -> None:
    """Results from before the inputs were checked (BASIC inf Mt): refused, not printed."""
    folder = damaged_copy(toy_results, tmp_path)
    path = folder / "gpc_inventory.json"
    text = path.read_text()
    doc = json.loads(text)
    doc["totals"][1]["basic_tco2e"] = "@@"
    path.write_text(json.dumps(doc).replace('"@@"', json.dumps(total) if total is None else total))
    shown = invoke("inventory", "--results", str(folder))
    assert_refused(shown, 1, str(path), "not finite", doc["totals"][1]["lau2"])


def test_inventory_without_results(tmp_path: Path) -> None:
    shown = invoke("inventory", "--results", str(tmp_path))
    assert_refused(shown, 1, "gpc_inventory.json: not found", "minettgeo run")


def test_contracts_out_into_a_missing_folder(tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "layers.md"
    result = invoke("contracts", "--out", str(target))
    assert_refused(result, 1, "--out", str(target.parent), "does not exist")
    assert not (tmp_path / "no").exists()


@pytest.mark.parametrize(
    ("code", "reason"),
    [(errno.EROFS, "Read-only file system"), (errno.ENOSPC, "No space left on device")],
)
def test_contracts_out_read_only_or_full_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, reason: str
) -> None:
    """The filesystem refuses the write: a message, the previous file intact, no 0-byte file."""
    target = tmp_path / "layers.md"
    target.write_text("previous")
    real_write = Path.write_text

    def refuse(self: Path, *args: object, **kwargs: object) -> int:
        if self.parent == tmp_path:
            if code == errno.ENOSPC:
                real_write(self, "half")  # a partial write, then the disk is full
            raise OSError(code, os.strerror(code))
        return real_write(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "write_text", refuse)
    result = invoke("contracts", "--out", str(target))
    assert_refused(result, 1, "--out", str(target), reason, "nothing was written")
    monkeypatch.undo()
    assert target.read_text() == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["layers.md"]


def test_contracts_out_writes_the_document(tmp_path: Path) -> None:
    target = tmp_path / "layers.md"
    result = invoke("contracts", "--out", str(target))
    assert result.code == 0 and target.read_text(encoding="utf-8").startswith("# Layer contracts")


def test_land_cover_warp_is_shown_and_recorded_with_the_input(tmp_path: Path) -> None:
    """Land cover in ETRS89-LAEA: the run says it warped it, and the provenance names the
    user's file and its SHA-256, not the temporary warped copy."""
    from rasterio.warp import Resampling, calculate_default_transform, reproject

    layers = toy_region.build(tmp_path / "layers")
    path = layers / "landcover.tif"
    with rasterio.open(path) as src:
        data = src.read(1)
        transform, width, height = calculate_default_transform(
            src.crs, "EPSG:3035", src.width, src.height, *src.bounds
        )
        out = np.zeros((height, width), dtype=np.uint16)
        reproject(
            data,
            out,
            src_transform=src.transform,
            src_crs=src.crs,
            dst_transform=transform,
            dst_crs="EPSG:3035",
            resampling=Resampling.nearest,
            src_nodata=0,
            dst_nodata=0,
        )
    path.unlink()
    io.write_raster(path, out, transform, "EPSG:3035", 0)
    results = tmp_path / "results"
    ran = invoke("run", "--layers", str(layers), "--out", str(results), "--draws", "100")
    assert ran.code == 0, ran.stderr
    assert (
        "[repaired: reprojected] landcover: in EPSG:3035; it is warped to EPSG:2169" in ran.stdout
    )
    prov = json.loads((results / "current" / "gpc_inventory.json").read_text())["provenance"]
    assert prov["land"]["landcover"] == str(path)
    assert prov["inputs"]["landcover: landcover.tif"] == sha256_of(path)
    assert any("reprojected" in r for r in prov["repairs"])
    assert prov["run_id"] == (results / "current").resolve().name


def test_run_id_is_in_every_file(toy_results: Path) -> None:
    """The run id in the GeoPackage layers, the inventory JSON, the data package (for the plain
    CSV files) and the raster tags."""
    folder = (toy_results / "current").resolve()
    run_id = folder.name
    for layer in io.list_layers(folder / "minettgeo.gpkg"):
        meta = io.read_vector_metadata(folder / "minettgeo.gpkg", layer)
        assert json.loads(meta["provenance"])["run_id"] == run_id, layer
    assert json.loads((folder / "gpc_inventory.json").read_text())["provenance"]["run_id"] == run_id
    # the plain inventory CSV has its provenance in datapackage.json
    package = json.loads((folder / "datapackage.json").read_text())
    assert package["minettgeo"]["run_id"] == package["minettgeo"]["provenance"]["run_id"] == run_id
    for raster in ("heat_density.tif", "carbon_stock.tif", "sink_potential.tif"):
        tags = io.read_raster_tags(folder / raster)
        assert json.loads(tags["provenance"])["run_id"] == run_id, raster
    # files without a metadata slot (sink_measures.csv) are covered by the run's provenance.json
    assert json.loads((folder / "provenance.json").read_text())["run_id"] == run_id


def test_results_unchanged_by_every_refused_inventory(toy_results: Path) -> None:
    before = snapshot(toy_results)
    for args in (["--commune", "9999"], ["--commune", "x\n"], ["--commune", "region"]):
        invoke("inventory", "--results", str(toy_results), *args)
    assert snapshot(toy_results) == before


def test_unknown_commune_is_named(toy_results: Path) -> None:
    shown = invoke("inventory", "--results", str(toy_results), "--commune", "9999")
    assert_refused(shown, 1, "--commune '9999'", "9001, 9002, 9003")
