"""Any region (issue 15 item 1): communes by code or name, the whole country, or polygons with
their own population table; built by `minettgeo sample` and run by `minettgeo run`."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from minettgeo import CRS
from minettgeo.errors import RegionError
from minettgeo.sample.selection import area_communes, name_key, select_lau2
from results_helpers import invoke

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "layers" / "sources"


@pytest.fixture(scope="module")
def every() -> pd.DataFrame:
    frame = gpd.read_file(SOURCES / "lu_communes.geojson")
    return pd.DataFrame({"lau2": frame["LAU2"].astype(str).str.zfill(4), "name": frame["COMMUNE"]})


def test_name_key_ignores_case_accents_and_separators() -> None:
    assert name_key("Esch-sur-Alzette") == name_key("esch sur alzette") == "eschsuralzette"
    assert name_key("Käerjeng") == "kaerjeng"


def test_codes_names_and_padding_select_the_same_communes(every: pd.DataFrame) -> None:
    assert select_lau2(every, ["0204"]) == ["0204"]
    assert select_lau2(every, ["204"]) == ["0204"]
    assert select_lau2(every, ["esch sur alzette", "DUDELANGE"]) == ["0203", "0204"]
    # the same commune twice is one commune
    assert select_lau2(every, ["0204", "Esch-sur-Alzette"]) == ["0204"]


def test_all_is_the_whole_country(every: pd.DataFrame) -> None:
    codes = select_lau2(every, ["all"])
    assert len(codes) == 100
    assert codes == sorted(every["lau2"])


def test_unknown_names_are_refused_with_the_closest_names(every: pd.DataFrame) -> None:
    with pytest.raises(RegionError) as info:
        select_lau2(every, ["Dudelang", "9999"], "lu_communes.geojson")
    message = str(info.value)
    assert "'Dudelang' (did you mean Dudelange" in message
    assert "'9999'" in message
    assert "--communes" in message and "'all'" in message
    with pytest.raises(RegionError, match="no commune selected"):
        select_lau2(every, [" "])


def _area(tmp_path: Path) -> tuple[Path, Path]:
    area = gpd.GeoDataFrame(
        {"area_id": ["north", "south"], "name": ["Nord", "Sud"]},
        geometry=[
            shapely.box(70_000, 80_000, 72_000, 82_000),
            shapely.box(70_000, 76_000, 72_000, 78_000),
        ],
        crs=CRS,
    ).to_crs("EPSG:4326")
    polygons = tmp_path / "area.geojson"
    area.to_file(polygons)
    population = tmp_path / "population.csv"
    population.write_text("area_id,population\nsouth,800\nnorth,1200\n")
    return polygons, population


def test_area_polygons_become_communes_with_their_population(tmp_path: Path) -> None:
    polygons, population = _area(tmp_path)
    communes = area_communes(polygons, population)
    # codes follow the sorted area_id: north -> 9001, south -> 9002
    assert list(communes["lau2"]) == ["9001", "9002"]
    assert list(communes["name"]) == ["Nord", "Sud"]
    assert list(communes["population"]) == [1200, 800]
    assert communes.crs == CRS
    # 2 km x 2 km each, reprojected back to LUREF
    assert communes.geometry.area.to_numpy() == pytest.approx([4e6, 4e6], rel=1e-6)
    assert set(communes["population_source"]) == {"user table population.csv"}


def test_area_errors_name_the_file_row_and_fix(tmp_path: Path) -> None:
    polygons, population = _area(tmp_path)
    population.write_text("area_id,population\nnorth,1200\n")
    with pytest.raises(
        RegionError, match=r"--population .*population.csv: no row for area_id south"
    ):
        area_communes(polygons, population)
    population.write_text("area_id,population\nnorth,1200\nsouth,-3\n")
    with pytest.raises(RegionError, match=r"row 3, column population: .*-3"):
        area_communes(polygons, population)
    population.write_text("area_id,residents\nnorth,1200\nsouth,3\n")
    with pytest.raises(RegionError, match="no column 'population'"):
        area_communes(polygons, population)
    gpd.read_file(polygons).rename(columns={"area_id": "id"}).to_file(polygons)
    population.write_text("area_id,population\nnorth,1200\nsouth,3\n")
    with pytest.raises(RegionError, match="no column 'area_id'"):
        area_communes(polygons, population)


def test_sample_cli_refuses_area_without_population(tmp_path: Path) -> None:
    polygons, _ = _area(tmp_path)
    result = invoke("sample", "--area", str(polygons), "--out", str(tmp_path / "out"))
    assert result.code == 2
    assert "--area and --population go together" in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.fullscale
def test_three_communes_outside_the_minett_build_and_run(tmp_path: Path) -> None:
    """Clervaux, Wiltz and Vianden: no OSM roads, rail or protected areas in the sources there."""
    layers = tmp_path / "layers"
    built = invoke(
        "sample", "--communes", "Clervaux,wiltz,Vianden", "--out", str(layers), "--quiet"
    )
    assert built.code == 0, built.stderr
    manifest = json.loads((layers / "manifest.json").read_text())
    communes = gpd.read_file(layers / "region.gpkg", layer="communes")
    stat = pd.read_csv(SOURCES / "lu_population_statec.csv", dtype={"lau2": str})
    want = stat[(stat["year"] == 2024) & stat["commune"].isin(["Clervaux", "Wiltz", "Vianden"])]
    assert dict(zip(communes["lau2"], communes["population"], strict=True)) == dict(
        zip(want["lau2"], want["population"], strict=True)
    )
    assert "sources/lu_population_statec.csv" in manifest["inputs"]
    ran = invoke(
        "run", "--layers", str(layers), "--out", str(tmp_path / "results"), "--draws", "200"
    )
    assert ran.code == 0, ran.stderr
    inventory = json.loads((tmp_path / "results" / "current" / "gpc_inventory.json").read_text())
    assert inventory, "the run wrote an inventory"
