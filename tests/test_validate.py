"""Every kind of bad input gets its own clear problem, naming layer, column and features."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from affine import Affine

from minettgeo import CRS
from minettgeo.errors import LayerValidationError
from minettgeo.layers.activity_contracts import BUILDINGS, ROADS
from minettgeo.layers.cross_layer_checks import validate_layers
from minettgeo.layers.raster_checks import validate_raster
from minettgeo.layers.raster_contracts import LANDCOVER
from minettgeo.layers.territory_contracts import COMMUNES, PARCELS
from minettgeo.layers.validate import ensure_valid, validate_vector
from raster_helpers import write_raster


def kinds(report):
    return {p.kind for p in report.problems}


def test_valid_layer_has_no_problems(toy_parcels: gpd.GeoDataFrame) -> None:
    gdf, report = validate_vector(toy_parcels, PARCELS)
    assert report.ok and report.errors == []
    # area is derived from the geometry when absent, and the derivation is reported
    assert gdf["area_m2"].tolist() == [250_000.0] * 4
    assert kinds(report) == {"derived-column"}


def test_missing_column_is_named(toy_parcels: gpd.GeoDataFrame) -> None:
    _, report = validate_vector(toy_parcels.drop(columns=["zoning", "owner_type"]), PARCELS)
    missing = [p for p in report.errors if p.kind == "missing-column"]
    assert {p.column for p in missing} == {"zoning", "owner_type"}
    assert "parcels" in missing[0].describe() and "add it to the layer" in missing[0].describe()


def test_unknown_code_names_column_code_and_features(toy_parcels: gpd.GeoDataFrame) -> None:
    bad = toy_parcels.copy()
    bad.loc[1, "zoning"] = "industrial"
    bad.loc[3, "zoning"] = "industrial"
    _, report = validate_vector(bad, PARCELS)
    [problem] = [p for p in report.errors if p.kind == "unknown-code"]
    assert problem.column == "zoning"
    assert problem.feature_ids == ("P2", "P4")
    assert "'industrial'" in problem.message and "housing" in problem.message


def test_duplicate_ids(toy_parcels: gpd.GeoDataFrame) -> None:
    bad = toy_parcels.copy()
    bad.loc[2, "parcel_id"] = "P1"
    _, report = validate_vector(bad, PARCELS)
    [problem] = [p for p in report.errors if p.kind == "duplicate-id"]
    assert problem.feature_ids == ("P1",)


def test_empty_layer(toy_parcels: gpd.GeoDataFrame) -> None:
    _, report = validate_vector(toy_parcels.iloc[0:0], PARCELS)
    assert kinds(report) == {"empty-layer"}
    with pytest.raises(LayerValidationError, match="no features"):
        ensure_valid(toy_parcels.iloc[0:0], PARCELS)


def test_missing_crs_is_refused(toy_parcels: gpd.GeoDataFrame) -> None:
    _, report = validate_vector(toy_parcels.set_crs(None, allow_override=True), PARCELS)
    assert kinds(report) == {"missing-crs"}
    assert "EPSG:2169" in report.errors[0].message


def test_other_crs_is_reprojected(toy_parcels: gpd.GeoDataFrame) -> None:
    wgs84 = toy_parcels.to_crs("EPSG:4326")
    gdf, report = validate_vector(wgs84, PARCELS)
    assert report.ok
    assert "reprojected" in kinds(report)
    assert gdf.crs.to_epsg() == 2169
    np.testing.assert_allclose(gdf.geometry.area, 250_000.0, rtol=1e-6)


def test_invalid_polygon_is_repaired_and_reported(toy_parcels: gpd.GeoDataFrame) -> None:
    bad = toy_parcels.copy()
    bowtie = shapely.Polygon(
        [(60_000, 60_000), (60_500, 60_500), (60_500, 60_000), (60_000, 60_500)]
    )
    bad.loc[0, "geometry"] = bowtie
    gdf, report = validate_vector(bad, PARCELS)
    assert report.ok
    [repair] = [p for p in report.repairs if p.kind == "geometry-repaired"]
    assert repair.feature_ids == ("P1",)
    assert gdf.geometry.is_valid.all()
    assert gdf.geometry.iloc[0].geom_type in {"Polygon", "MultiPolygon"}
    assert gdf.geometry.iloc[0].area == pytest.approx(125_000.0)


def test_wrong_geometry_type(toy_parcels: gpd.GeoDataFrame) -> None:
    bad = toy_parcels.copy()
    bad.loc[2, "geometry"] = shapely.Point(60_100, 60_100)
    _, report = validate_vector(bad, PARCELS)
    [problem] = [p for p in report.errors if p.kind == "wrong-geometry-type"]
    assert problem.feature_ids == ("P3",) and "Point" in problem.message


def test_parcels_outside_region(
    toy_parcels: gpd.GeoDataFrame, toy_communes: gpd.GeoDataFrame
) -> None:
    bad = toy_parcels.copy()
    bad.loc[3, "geometry"] = shapely.box(70_000, 70_000, 70_100, 70_100)
    region = shapely.union_all(toy_communes.geometry.to_numpy())
    _, report = validate_vector(bad, PARCELS, region=region)
    [problem] = [p for p in report.errors if p.kind == "outside-region"]
    assert problem.feature_ids == ("P4",)


def test_every_problem_is_reported_at_once(toy_parcels: gpd.GeoDataFrame) -> None:
    bad = toy_parcels.drop(columns=["owner_type"]).copy()
    bad.loc[0, "zoning"] = "nonsense"
    bad.loc[1, "parcel_id"] = "P3"
    with pytest.raises(LayerValidationError) as info:
        ensure_valid(bad, PARCELS)
    assert info.value.kinds == {"missing-column", "unknown-code", "duplicate-id"}
    text = str(info.value)
    assert "layer 'parcels'" in text and "owner_type" in text and "nonsense" in text


def test_numbers_out_of_range_and_not_numbers(toy_buildings: gpd.GeoDataFrame) -> None:
    bad = toy_buildings.copy()
    bad["floors"] = bad["floors"].astype(object)
    bad.loc[0, "floors"] = "three"
    bad.loc[1, "dwellings"] = -2
    _, report = validate_vector(bad, BUILDINGS)
    by_kind = {(p.kind, p.column): p for p in report.errors}
    assert by_kind[("bad-value", "floors")].feature_ids == ("B1",)
    assert by_kind[("out-of-range", "dwellings")].feature_ids == ("B2",)


def test_derived_building_columns(toy_buildings: gpd.GeoDataFrame) -> None:
    gdf, report = validate_vector(toy_buildings, BUILDINGS)
    assert report.ok
    # footprint 100 m2 x 3 floors x 0.85 = 255 m2; 200 m2 x 2 x 0.85 = 340 m2
    assert gdf["footprint_m2"].tolist() == [100.0, 200.0]
    assert gdf["heated_area_m2"].tolist() == pytest.approx([255.0, 340.0])
    # height = floors x 3.0 m
    assert gdf["height_m"].tolist() == [9.0, 6.0]
    assert gdf["renovation_year"].isna().tolist() == [False, True]


def test_given_heated_area_is_kept(toy_buildings: gpd.GeoDataFrame) -> None:
    given = toy_buildings.assign(heated_area_m2=[123.0, 456.0])
    gdf, _ = validate_vector(given, BUILDINGS)
    assert gdf["heated_area_m2"].tolist() == [123.0, 456.0]


def test_references_across_layers(
    toy_communes: gpd.GeoDataFrame, toy_parcels: gpd.GeoDataFrame, toy_buildings: gpd.GeoDataFrame
) -> None:
    orphan = toy_buildings.copy()
    orphan.loc[1, "parcel_id"] = "P99"
    _, reports = validate_layers(
        {"communes": toy_communes, "parcels": toy_parcels, "buildings": orphan}
    )
    assert reports["communes"].ok and reports["parcels"].ok
    [problem] = reports["buildings"].errors
    assert problem.kind == "unknown-reference" and problem.column == "parcel_id"
    assert problem.feature_ids == ("B2",) and "P99" in problem.message


def test_unknown_commune_code_in_parcels(
    toy_communes: gpd.GeoDataFrame, toy_parcels: gpd.GeoDataFrame
) -> None:
    bad = toy_parcels.copy()
    bad.loc[0, "lau2"] = "0204"
    _, reports = validate_layers({"communes": toy_communes, "parcels": bad})
    [problem] = reports["parcels"].errors
    assert (
        problem.kind == "unknown-reference"
        and problem.column == "lau2"
        and problem.feature_ids == ("P1",)
    )


def test_roads_contract_accepts_lines_and_refuses_negative_traffic() -> None:
    roads = gpd.GeoDataFrame(
        {
            "road_id": ["R1"],
            "road_class": ["primary"],
            "aadt_car": [-1.0],
            "aadt_lgv": [10.0],
            "aadt_hgv": [5.0],
            "aadt_bus": [1.0],
            "speed_kmh": [50.0],
        },
        geometry=[shapely.LineString([(60_000, 60_000), (60_100, 60_000)])],
        crs=CRS,
    )
    _, report = validate_vector(roads, ROADS)
    assert [(p.kind, p.column) for p in report.errors] == [("out-of-range", "aadt_car")]


def test_communes_missing_population_named() -> None:
    communes = gpd.GeoDataFrame(
        {"lau2": ["9001"], "name": ["Alpha"]}, geometry=[shapely.box(0, 0, 1, 1)], crs=CRS
    )
    _, report = validate_vector(communes, COMMUNES)
    assert [(p.kind, p.column) for p in report.errors] == [("missing-column", "population")]


def _write_raster(
    path: Path,
    data: np.ndarray,
    crs: str | None,
    nodata: int | None = 0,
    tags: dict[str, str] | None = None,
) -> Path:
    """A GeoTIFF with the tag ``grade`` = measured unless ``tags`` says otherwise."""
    return write_raster(
        path,
        data,
        transform=Affine(10, 0, 60_000, 0, -10, 61_000),
        crs=crs,
        nodata=nodata,
        tags={"grade": "measured"} if tags is None else tags,
    )


def test_raster_valid(tmp_path: Path) -> None:
    data = np.array([[311, 211], [0, 112]], dtype=np.uint16)
    report = validate_raster(_write_raster(tmp_path / "lc.tif", data, CRS), LANDCOVER)
    assert report.ok and report.problems == []
    # without its grade tag: valid, the grade derived as measured and reported
    untagged = validate_raster(_write_raster(tmp_path / "u.tif", data, CRS, tags={}), LANDCOVER)
    assert untagged.ok
    assert [(p.kind, p.column) for p in untagged.problems] == [("derived-column", "grade")]
    assert "absent, derived" in untagged.problems[0].message


def test_raster_without_crs(tmp_path: Path) -> None:
    data = np.array([[311, 211]], dtype=np.uint16)
    report = validate_raster(_write_raster(tmp_path / "lc.tif", data, None), LANDCOVER)
    assert kinds(report) == {"missing-crs"}
    assert "gdal_edit" in report.errors[0].message


def test_raster_unknown_codes_counted(tmp_path: Path) -> None:
    data = np.array([[311, 999, 999], [7, 0, 311]], dtype=np.uint16)
    report = validate_raster(
        _write_raster(tmp_path / "lc.tif", data, CRS), LANDCOVER, window_rows=1
    )
    [problem] = report.errors
    assert problem.kind == "unknown-code"
    assert "7 (1 pixels)" in problem.message and "999 (2 pixels)" in problem.message


def test_raster_all_nodata_is_empty(tmp_path: Path) -> None:
    data = np.zeros((3, 3), dtype=np.uint16)
    report = validate_raster(_write_raster(tmp_path / "lc.tif", data, CRS), LANDCOVER)
    assert kinds(report) == {"empty-layer"}


def test_raster_float_refused(tmp_path: Path) -> None:
    data = np.array([[311.0]], dtype=np.float32)
    report = validate_raster(_write_raster(tmp_path / "lc.tif", data, CRS), LANDCOVER)
    assert kinds(report) == {"bad-value"}


def test_raster_other_crs_and_no_nodata_are_repairs(tmp_path: Path) -> None:
    data = np.array([[311, 211]], dtype=np.uint16)
    report = validate_raster(
        _write_raster(tmp_path / "lc.tif", data, "EPSG:3035", nodata=None), LANDCOVER
    )
    assert report.ok
    assert kinds(report) == {"reprojected", "nodata-assumed"}


def test_parcels_without_district_get_it_by_location(
    toy_communes: gpd.GeoDataFrame, toy_parcels: gpd.GeoDataFrame
) -> None:
    districts = gpd.GeoDataFrame(
        {"district_id": ["D-W", "D-E"], "name": ["West", "East"], "lau2": ["9001", "9001"]},
        geometry=[
            shapely.box(60_000, 60_000, 60_500, 61_000),
            shapely.box(60_500, 60_000, 61_000, 61_000),
        ],
        crs=CRS,
    )
    checked, reports = validate_layers(
        {"communes": toy_communes, "districts": districts, "parcels": toy_parcels}
    )
    assert checked["parcels"].set_index("parcel_id")["district_id"].to_dict() == {
        "P1": "D-W",
        "P2": "D-W",
        "P3": "D-E",
        "P4": "D-E",
    }
    assert any(
        p.kind == "derived-column" and p.column == "district_id" for p in reports["parcels"].repairs
    )
    half = districts.iloc[[0]]
    _, reports = validate_layers(
        {"communes": toy_communes, "districts": half, "parcels": toy_parcels}
    )
    [problem] = reports["parcels"].errors
    assert problem.column == "district_id" and problem.feature_ids == ("P3", "P4")
