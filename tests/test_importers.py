"""Each product fixture round-trips to the layer contracts with the expected counts, codes and
grades (minettgeo import KIND ...; the fixtures: tests/fixtures/products/make_fixtures.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import rasterio

from importer_helpers import PRODUCTS, base_region, cli, imp
from minettgeo.importers.fill import GRADED

GRADES = {"measured", "default", "estimated"}


@pytest.fixture(scope="module")
def region(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return base_region(tmp_path_factory.mktemp("base") / "layers")


@pytest.fixture
def layers(region: Path, tmp_path: Path) -> Path:
    out = tmp_path / "layers"
    shutil.copytree(region, out)
    return out


def read(out: Path, layer: str) -> gpd.GeoDataFrame:
    return gpd.read_file(out / "region.gpkg", layer=layer).set_index(
        {"buildings": "building_id", "roads": "road_id", "parcels": "parcel_id"}.get(layer, "fid"),
        drop=False,
    )


def assert_graded(b: gpd.GeoDataFrame) -> None:
    """Every filled building attribute has its grade column, fully set, from the grade list."""
    for attr in GRADED:
        col = f"{attr}_grade"
        assert col in b.columns, col
        assert set(b[col]) <= GRADES and b[col].notna().all(), col


def test_communes_and_act_parcels(region: Path) -> None:
    communes = gpd.read_file(region / "region.gpkg", layer="communes")
    assert sorted(communes["lau2"]) == ["0204", "0210"]
    assert communes.crs.to_epsg() == 2169
    parcels = read(region, "parcels")
    # 2 communes x (3 x 2) parcels of 100 m x 150 m = 15,000 m2
    assert len(parcels) == 12
    assert np.allclose(parcels["area_m2"], 15_000.0)
    assert (parcels["lau2"] == "0204").sum() == 6
    assert set(parcels["zoning"]) == {"housing"} and set(parcels["zoning_grade"]) == {"default"}
    assert set(parcels["owner_type"]) == {"private"}
    districts = gpd.read_file(region / "region.gpkg", layer="districts")
    assert sorted(districts["district_id"]) == ["0204-01", "0210-01"]
    assert parcels.loc["0210-A-0007", "district_id"] == "0210-01"


def test_act_buildings(layers: Path) -> None:
    result = imp("act-buildings", PRODUCTS / "act_buildings.gpkg", layers)
    assert result.exit_code == 0, result.output
    b = read(layers, "buildings")
    assert len(b) == 8
    assert_graded(b)
    one = b.loc["BU.00001"]  # 12 x 10 m, 2 storeys and 7.5 m read, built 1965
    assert (one["use"], one["floors"], one["height_m"]) == ("single_family", 2, 7.5)
    assert one["construction_period"] == "1961_1970"
    assert one["construction_period_grade"] == "measured"
    assert one["heated_area_m2"] == pytest.approx(120 * 2 * 0.85)  # 204 m2, default rule
    assert one["dwellings"] == 1  # round(204 / 140 m2 per single-family dwelling)
    assert one["parcel_id"] == "0204-A-0001"
    block = b.loc["BU.00003"]  # moreThanTwoDwellings, 18 m, no storeys
    assert block["floors"] == 6 and block["floors_grade"] == "default"  # round(18 / 3.0)
    assert block["use"] == "apartment_block" and block["use_grade"] == "default"  # 6 storeys >= 5
    assert block["heated_area_m2"] == pytest.approx(280 * 6 * 0.85)  # 1,428 m2
    assert block["dwellings"] == 18  # round(1428 / 78)
    # no date: the neighbours within 150 m with a read period are BU.00001 (1961_1970) and
    # BU.00003 (1991_2000), 100 m each: a tie, resolved to the earlier period
    two = b.loc["BU.00002"]
    assert (two["construction_period"], two["construction_period_grade"]) == (
        "1961_1970",
        "estimated",
    )
    last = b.loc["BU.00008"]  # nothing read, no measured neighbour within 150 m
    assert last["construction_period_grade"] == "default" and last["floors_grade"] == "default"
    assert (last["floors"], last["height_m"]) == (2, 6.0)  # single_family 1-2 storeys -> 2, x 3 m
    assert b.loc["BU.00006", "use"] == "industry" and b.loc["BU.00006", "dwellings"] == 0
    assert b.loc["BU.00007", "use"] == "other"
    assert set(b["heating_carrier_grade"]) == {"estimated"}
    assert set(b["source"]) == {"act"}


@pytest.mark.parametrize("name", ["osm_extract.osm.pbf", "osm_extract.geojson"])
def test_osm(layers: Path, name: str) -> None:
    result = imp("osm", PRODUCTS / name, layers)
    assert result.exit_code == 0, result.output
    b = read(layers, "buildings")
    assert sorted(b.index) == ["osm-w100", "osm-w101", "osm-w102", "osm-w103"]
    assert_graded(b)
    house = b.loc["osm-w100"]  # building=house, building:levels=2, start_date=1931
    assert (house["use"], house["floors"], house["construction_period"]) == (
        "single_family",
        2,
        "1919_1945",
    )
    assert house["construction_period_grade"] == "measured" and house["height_m_grade"] == "default"
    assert b.loc["osm-w101", "use"] == "apartment_block"  # apartments, 5 levels
    assert b.loc["osm-w102", "use"] == "single_family"  # yes, 120 m2, 2 storeys by default
    assert b.loc["osm-w103", "use"] == "other"  # yes, 20 m2 < 30 m2: outbuilding
    assert b.loc["osm-w103", "use_grade"] == "estimated"
    roads = read(layers, "roads")
    assert sorted(roads["road_class"]) == ["primary", "residential", "service"]  # footway left out
    primary = roads.loc["osm-w200"]
    assert primary["speed_kmh"] == 50.0 and primary["speed_kmh_grade"] == "measured"
    assert primary["aadt_car"] == pytest.approx(12_000 * 0.85)  # road_traffic.csv median x share
    assert roads.loc["osm-w201", "speed_kmh"] == 30.0
    assert "1 way(s) not for motor vehicles" in result.output


def test_osm_roads_only_keeps_the_buildings(layers: Path) -> None:
    assert imp("act-buildings", PRODUCTS / "act_buildings.gpkg", layers).exit_code == 0
    result = imp("osm", PRODUCTS / "osm_extract.osm.pbf", layers, "--layer", "roads")
    assert result.exit_code == 0, result.output
    assert len(read(layers, "buildings")) == 8 and len(read(layers, "roads")) == 3
    from minettgeo.layers.io import read_vector_metadata

    roads_meta = read_vector_metadata(layers / "region.gpkg", "roads")
    assert roads_meta["source"] == "OpenStreetMap contributors"
    assert roads_meta["licence"] == "ODbL-1.0"
    assert roads_meta["imported_from"] == "osm_extract.osm.pbf"
    buildings_meta = read_vector_metadata(layers / "region.gpkg", "buildings")
    assert buildings_meta["licence"] == "CC0-1.0" and buildings_meta["modelled"] == "false"


def landcover_counts(path: Path) -> dict[int, int]:
    with rasterio.open(path) as src:
        assert src.crs.to_epsg() == 2169 and src.res == (10.0, 10.0)
        values, counts = np.unique(src.read(1), return_counts=True)
    return dict(zip(values.tolist(), counts.tolist(), strict=True))


def test_corine_vector(layers: Path) -> None:
    result = imp("corine", PRODUCTS / "corine_2018.gpkg", layers, "--year", "2018")
    assert result.exit_code == 0, result.output
    # grid over the communes: 600 m x 300 m = 60 x 30 cells; 112 west of x = 300 m, 121 to
    # 450 m, 311 beyond: 30 x 30, 15 x 30 and 15 x 30 cells
    assert landcover_counts(layers / "landcover.tif") == {112: 900, 121: 450, 311: 450}
    with rasterio.open(layers / "landcover.tif") as src:
        assert src.tags()["year"] == "2018"
        # CORINE classes are the product's own: the land cover is graded measured
        assert src.tags()["grade"] == "measured"


def test_corine_raster(layers: Path) -> None:
    result = imp("corine", PRODUCTS / "corine_2018_100m.tif", layers, "--layer", "landcover_before")
    assert result.exit_code == 0, result.output
    counts = landcover_counts(layers / "landcover_before.tif")
    assert set(counts) <= {112, 121, 311} and sum(counts.values()) == 1800
    assert {112, 121} <= set(counts)  # grid codes 2 and 3 translated to level-3 codes


def test_worldcover(layers: Path) -> None:
    result = imp("worldcover", PRODUCTS / "worldcover_2021.tif", layers)
    assert result.exit_code == 0, result.output
    counts = landcover_counts(layers / "landcover.tif")
    # built-up 50 -> 112, grassland 30 -> 231, cropland 40 -> 211, tree cover 10 -> 311
    assert set(counts) <= {112, 231, 211, 311} and 0 not in counts
    assert counts[112] == max(counts.values())
    # WorldCover classes mapped to CORINE (many to one): the land cover is graded estimated
    with rasterio.open(layers / "landcover.tif") as src:
        assert src.tags()["grade"] == "estimated"


def test_generic_mapping_csv(layers: Path, tmp_path: Path) -> None:
    """A CSV mapping target,source and --layer import any vector file onto a contract."""
    mapping = tmp_path / "map.csv"
    mapping.write_text("target,source\nbuilding_id,localId\nuse,kind\n", encoding="utf-8")
    src = gpd.read_file(PRODUCTS / "act_buildings.gpkg").rename(columns={"currentUse": "kind"})
    src["kind"] = "office"
    src.to_file(tmp_path / "any.geojson", driver="GeoJSON")
    result = imp(
        "generic",
        tmp_path / "any.geojson",
        layers,
        "--mapping",
        str(mapping),
        "--layer",
        "buildings",
    )
    assert result.exit_code == 0, result.output
    b = read(layers, "buildings")
    assert len(b) == 8 and set(b["use"]) == {"office"} and (b["dwellings"] == 0).all()
    assert_graded(b)


def test_communes_option_keeps_one_commune(layers: Path) -> None:
    result = imp("act-buildings", PRODUCTS / "act_buildings.gpkg", layers, "--communes", "210")
    assert result.exit_code == 0, result.output
    b = read(layers, "buildings")
    assert sorted(b.index) == ["BU.00006", "BU.00007", "BU.00008"]


def test_validate_accepts_what_was_imported(layers: Path) -> None:
    assert imp("act-buildings", PRODUCTS / "act_buildings.gpkg", layers).exit_code == 0
    result = cli("validate", str(layers / "region.gpkg"))
    assert result.exit_code == 0, result.output
    assert "buildings: valid" in result.output


def test_fill_grades_are_the_contract_grades() -> None:
    from minettgeo.importers.fill import DEFAULT, ESTIMATED, MEASURED
    from minettgeo.layers import codes

    assert {MEASURED, DEFAULT, ESTIMATED} == set(codes.GRADES) == GRADES


def test_ets(layers: Path) -> None:
    result = imp(
        "ets",
        PRODUCTS / "ets_verified_emissions.csv",
        layers,
        "--locations",
        str(PRODUCTS / "ets_locations.csv"),
    )
    assert result.exit_code == 0, result.output
    p = gpd.read_file(layers / "region.gpkg", layer="point_sources").set_index("facility_id")
    # latest year 2023; the steelworks (activity 24, process share 0.5) split in two rows,
    # the reheating furnaces (20, combustion) one row; the cement works outside the region
    # and the installation without a location are left out
    assert sorted(p.index) == ["LU-12-I.3.1", "LU-12-IV.1", "LU-31-I.3.1"]
    assert p.loc["LU-12-I.3.1", "t_co2e_per_year"] == pytest.approx(280_000 * 0.5)
    assert p.loc["LU-12-IV.1", "t_co2e_per_year"] == pytest.approx(280_000 * 0.5)
    assert p.loc["LU-31-I.3.1", "t_co2e_per_year"] == pytest.approx(19_500)
    assert p["t_co2e_per_year"].sum() == pytest.approx(280_000 + 19_500)  # the verified totals
    assert list(p.loc[["LU-12-IV.1", "LU-31-I.3.1"], "grade"]) == ["estimated", "measured"]
    assert set(p["year"]) == {2023} and set(p["scope"]) == {1}
    assert p.loc["LU-12-IV.1", "lau2"] == "0210" and p.loc["LU-31-I.3.1", "lau2"] == "0204"
    assert p.loc["LU-12-IV.1", "parcel_id"] == "0210-A-0007"  # found by location
    assert (
        "1 installation(s) without a location or a 2023 value and 1 outside the region left out"
        in result.output
    )


def test_ets_year_option(layers: Path) -> None:
    result = imp(
        "ets",
        PRODUCTS / "ets_verified_emissions.csv",
        layers,
        "--locations",
        str(PRODUCTS / "ets_locations.csv"),
        "--year",
        "2022",
    )
    assert result.exit_code == 0, result.output
    p = gpd.read_file(layers / "region.gpkg", layer="point_sources")
    assert p["t_co2e_per_year"].sum() == pytest.approx(310_000 + 21_000)


def test_point_sources_csv(layers: Path) -> None:
    result = imp("point-sources-csv", PRODUCTS / "point_sources.csv", layers)
    assert result.exit_code == 0, result.output
    p = gpd.read_file(layers / "region.gpkg", layer="point_sources").set_index("facility_id")
    assert sorted(p.index) == ["P1", "P2"]
    assert p.loc["P1", "t_co2e_per_year"] == pytest.approx(1200.5)
    assert p.loc["P1", "gpc_sector"] == "IV.1" and p.loc["P1", "lau2"] == "0210"


def test_year_to_period_reads_osm_start_dates() -> None:
    import pandas as pd

    from minettgeo.importers.fill import year_to_period

    dates = pd.Series(["1923-05", "~1923", "1920s", "1965-01-01", "C19", "2031", None, "1800"])
    got = year_to_period(dates).tolist()
    # the first four-digit number is the year; C19 has none; 2031 is after the last period
    assert got == [
        "1919_1945",
        "1919_1945",
        "1919_1945",
        "1961_1970",
        None,
        None,
        None,
        "before_1919",
    ]


def test_parcel_zoning_from_land_cover(tmp_path: Path) -> None:
    """Land cover imported before the parcels: each parcel's zoning is estimated from the CORINE
    class under its representative point (clc_to_zoning.csv)."""
    out = tmp_path / "layers"
    communes = PRODUCTS / "communes.geojson"
    mapping = str(PRODUCTS / "communes_mapping.yaml")
    assert imp("generic", communes, out, "--mapping", mapping).exit_code == 0
    assert imp("corine", PRODUCTS / "corine_2018.gpkg", out).exit_code == 0
    result = imp("act-parcels", PRODUCTS / "act_parcels.gpkg", out)
    assert result.exit_code == 0, result.output
    parcels = read(out, "parcels")
    # parcel centres at x = 50, 150, 250 m (112 -> housing), 350 (121 -> activity), 450 (the
    # cell 450-460 m is 311 -> forest), 550 (311 -> forest)
    expected = {1: "housing", 2: "housing", 3: "housing", 7: "activity", 8: "forest", 9: "forest"}
    for n, zone in expected.items():
        pid = f"{'0204' if n <= 6 else '0210'}-A-{n:04d}"
        assert parcels.loc[pid, "zoning"] == zone, pid
    assert set(parcels["zoning_grade"]) == {"estimated"}
    assert set(parcels["owner_type_grade"]) == {"default"}


def test_act_parcels_as_the_inspire_wfs_serves_them(tmp_path: Path) -> None:
    """ACT's INSPIRE WFS (cp:CP.CadastralParcel, GeoJSON) spells the attributes in snake_case
    (national_cadastral_reference, area + area_uom, inspireid_identifier_localid) and its
    'zoning' is the cadastral section: the same 12 parcels are imported, the section is not
    taken for a land-use zoning."""
    out = base_region(tmp_path / "layers")
    gdf = gpd.read_file(PRODUCTS / "act_parcels.gpkg")
    wfs = gdf.rename(
        columns={"nationalCadastralReference": "national_cadastral_reference", "areaValue": "area"}
    ).assign(
        area_uom="m2",
        inspireid_identifier_localid=gdf["nationalCadastralReference"],
        zoning="LIMADM_SECTIONS.A",
    )
    src = tmp_path / "cp.geojson"
    wfs.to_file(src, driver="GeoJSON")  # in the layer's native LUREF (the WFS default)
    result = imp("act-parcels", src, out)
    assert result.exit_code == 0, result.output
    parcels = read(out, "parcels")
    assert sorted(parcels.index) == sorted(gdf["nationalCadastralReference"])
    assert set(parcels["zoning"]) == {"housing"} and set(parcels["zoning_grade"]) == {"default"}
