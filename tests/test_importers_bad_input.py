"""Bad product files: one error type each, a message naming the file, the column and the fix,
exit 1 without a traceback, and nothing written to --out (its files are unchanged)."""

from __future__ import annotations

import shutil
from pathlib import Path

import geopandas as gpd
import pytest

from importer_helpers import PRODUCTS, base_region, imp, refused


@pytest.fixture(scope="module")
def region(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return base_region(tmp_path_factory.mktemp("base") / "layers")


@pytest.fixture
def layers(region: Path, tmp_path: Path) -> Path:
    out = tmp_path / "layers"
    shutil.copytree(region, out)
    return out


def test_renamed_column(layers: Path, tmp_path: Path) -> None:
    src = tmp_path / "buildings.gpkg"
    gpd.read_file(PRODUCTS / "act_buildings.gpkg").rename(columns={"currentUse": "usage"}).to_file(
        src
    )
    message = refused(layers, "act-buildings", src)
    assert str(src) in message and "'currentUse' is missing" in message
    assert "usage" in message and "--mapping" in message


def test_renamed_column_fixed_by_a_mapping(layers: Path, tmp_path: Path) -> None:
    src = tmp_path / "buildings.gpkg"
    gpd.read_file(PRODUCTS / "act_buildings.gpkg").rename(columns={"currentUse": "usage"}).to_file(
        src
    )
    mapping = tmp_path / "map.yaml"
    mapping.write_text("columns:\n  use: usage\n", encoding="utf-8")
    result = imp("act-buildings", src, layers, "--mapping", str(mapping))
    assert result.exit_code == 0, result.output


def test_wrong_code_list(layers: Path, tmp_path: Path) -> None:
    src = tmp_path / "buildings.gpkg"
    gdf = gpd.read_file(PRODUCTS / "act_buildings.gpkg")
    gdf.loc[0, "currentUse"] = "villa"
    gdf.to_file(src)
    message = refused(layers, "act-buildings", src)
    assert str(src) in message and "'currentUse'" in message and "'villa'" in message
    assert "individualResidence" in message  # the code list


def test_corine_codes_that_do_not_exist(layers: Path, tmp_path: Path) -> None:
    src = tmp_path / "clc.gpkg"
    gdf = gpd.read_file(PRODUCTS / "corine_2018.gpkg")
    gdf["Code_18"] = ["112", "700", "311"]
    gdf.to_file(src)
    message = refused(layers, "corine", src)
    assert "'Code_18'" in message and "'700'" in message and str(src) in message


def test_worldcover_raster_of_another_product(layers: Path, tmp_path: Path) -> None:
    """A CORINE raster given as WorldCover: grid codes 2, 3, 23 are not WorldCover classes."""
    message = refused(layers, "worldcover", PRODUCTS / "corine_2018_100m.tif")
    assert "not ESA WorldCover classes" in message and "corine_2018_100m.tif" in message


def test_wrong_crs(layers: Path, tmp_path: Path) -> None:
    """LUREF metres in a GeoJSON, which declares longitude/latitude (CRS84)."""
    gdf = gpd.read_file(PRODUCTS / "act_parcels.gpkg")
    src = tmp_path / "parcels.geojson"
    gdf.set_crs("EPSG:4326", allow_override=True).to_file(src, driver="GeoJSON")
    message = refused(layers, "act-parcels", src)
    assert str(src) in message and "cannot be degrees" in message and "EPSG:2169" in message


def test_file_of_another_country(layers: Path, tmp_path: Path) -> None:
    gdf = gpd.read_file(PRODUCTS / "act_parcels.gpkg").translate(xoff=500_000)
    src = tmp_path / "parcels.gpkg"
    gpd.GeoDataFrame(
        {"nationalCadastralReference": range(len(gdf))}, geometry=gdf, crs="EPSG:2169"
    ).to_file(src)
    message = refused(layers, "act-parcels", src)
    assert "outside Luxembourg" in message and "-a_srs" in message


@pytest.mark.parametrize("keep", [10, 300, 589])
def test_truncated_pbf(layers: Path, tmp_path: Path, keep: int) -> None:
    src = tmp_path / "cut.osm.pbf"
    src.write_bytes((PRODUCTS / "osm_extract.osm.pbf").read_bytes()[:keep])
    message = refused(layers, "osm", src)
    assert str(src) in message and "truncated" in message and "download it again" in message


def test_mapping_names_a_missing_column(layers: Path, tmp_path: Path) -> None:
    mapping = tmp_path / "map.yaml"
    mapping.write_text("columns:\n  height_m: HAUTEUR\n", encoding="utf-8")
    message = refused(
        layers, "act-buildings", PRODUCTS / "act_buildings.gpkg", "--mapping", str(mapping)
    )
    assert str(mapping) in message and "'HAUTEUR'" in message
    assert "act_buildings.gpkg" in message and "heightAboveGround" in message  # what exists


def test_generic_without_mapping(layers: Path) -> None:
    message = refused(layers, "generic", PRODUCTS / "communes.geojson")
    assert "--mapping FILE is required" in message


def test_layer_breaking_its_contract_writes_nothing(layers: Path, tmp_path: Path) -> None:
    """Parcels that leave a gap in a commune: the validator refuses them, the region stays."""
    gdf = gpd.read_file(PRODUCTS / "act_parcels.gpkg").iloc[1:]
    src = tmp_path / "parcels.gpkg"
    gdf.to_file(src)
    message = refused(layers, "act-parcels", src)
    assert "gap" in message and "parcels" in message


def test_buildings_before_parcels(tmp_path: Path) -> None:
    out = tmp_path / "empty"
    out.mkdir()
    message = refused(out, "act-buildings", PRODUCTS / "act_buildings.gpkg")
    assert "no 'parcels' layer" in message and "act-parcels" in message


def test_ets_without_locations(layers: Path) -> None:
    message = refused(layers, "ets", PRODUCTS / "ets_verified_emissions.csv")
    assert "--locations" in message and "ets_verified_emissions.csv" in message


def test_raster_without_crs(layers: Path, tmp_path: Path) -> None:
    import rasterio

    src = tmp_path / "worldcover.tif"
    with rasterio.open(PRODUCTS / "worldcover_2021.tif") as ds:
        data, profile = ds.read(1), ds.profile
    profile.pop("crs")
    with rasterio.open(src, "w", **profile) as dst:
        dst.write(data, 1)
    message = refused(layers, "worldcover", src)
    assert str(src) in message and "no coordinate reference system" in message
    assert "gdal_edit.py -a_srs" in message and "EPSG:4326 for WorldCover" in message


def test_generic_csv_mapping_names_a_missing_column(layers: Path, tmp_path: Path) -> None:
    mapping = tmp_path / "map.csv"
    mapping.write_text(
        "target,source\nlau2,LAU2\nname,NOM\npopulation,POP_2024\n", encoding="utf-8"
    )
    message = refused(
        layers,
        "generic",
        PRODUCTS / "communes.geojson",
        "--mapping",
        str(mapping),
        "--layer",
        "communes",
    )
    assert str(mapping) in message and "'name: NOM'" in message and "COMMUNE" in message


def test_corine_renamed_code_column(layers: Path, tmp_path: Path) -> None:
    src = tmp_path / "clc.gpkg"
    gpd.read_file(PRODUCTS / "corine_2018.gpkg").rename(columns={"Code_18": "CODE"}).to_file(src)
    message = refused(layers, "corine", src)
    assert "'Code_18' is missing" in message and "CODE" in message and "--mapping" in message


def test_ets_activity_that_is_not_stationary(layers: Path, tmp_path: Path) -> None:
    """Activity 10 is aviation: not a point source of the region."""
    text = (PRODUCTS / "ets_verified_emissions.csv").read_text(encoding="utf-8")
    src = tmp_path / "ets.csv"
    src.write_text(text.replace("LU-ETS-012,24,", "LU-ETS-012,10,"), encoding="utf-8")
    message = refused(layers, "ets", src, "--locations", str(PRODUCTS / "ets_locations.csv"))
    assert "MAIN_ACTIVITY_TYPE_CODE" in message and "10" in message and "aviation" in message
