"""The point_sources layer contract and the grade columns of the buildings."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from minettgeo import CRS
from minettgeo.layers import codes, io
from minettgeo.layers.activity_contracts import BUILDINGS, POINT_SOURCES
from minettgeo.layers.cross_layer_checks import validate_layers
from minettgeo.layers.file_validation import validate_path
from minettgeo.layers.region import load_region
from minettgeo.layers.validate import validate_vector
from minettgeo.report.gpc import gpc_rows
from toy_region import X0, Y0, build


def toy_points(**changes: list[object]) -> gpd.GeoDataFrame:
    """Two facilities: one in commune B (9002), one in C (9003) of the toy region."""
    data: dict[str, list[object]] = {
        "facility_id": ["F1-IV.1", "F2-I.3.1"],
        "name": ["Steel works", "Glass works"],
        "lau2": ["9002", "9003"],
        "gpc_sector": ["IV.1", "I.3.1"],
        "scope": [1, 1],
        "gas": ["CO2", "CO2e"],
        "t_co2e_per_year": [1_000.0, 250.0],
        "source": ["EU ETS verified emissions 2023", "modelled: test"],
        "year": [2023, 2023],
        "grade": ["measured", "estimated"],
    }
    data.update(changes)
    return gpd.GeoDataFrame(
        data,
        geometry=[shapely.Point(X0 + 1_420, Y0 + 420), shapely.Point(X0 + 2_700, Y0 + 800)],
        crs=CRS,
    )


def test_point_source_sectors_are_the_scope1_rows_of_i3_and_iv() -> None:
    rows = gpc_rows()
    wanted = rows[rows["code"].str.match(r"^(I\.3\.|IV\.)") & (rows["scope"] == 1)]["code"]
    assert sorted(codes.POINT_SOURCE_SECTORS) == sorted(wanted)


def test_valid_point_sources_get_their_parcel_by_location(tmp_path: Path) -> None:
    region = build(tmp_path / "toy")
    layers = {
        n: io.read_vector(region / "region.gpkg", n) for n in io.list_layers(region / "region.gpkg")
    }
    layers["point_sources"] = toy_points()
    checked, reports = validate_layers(layers)
    assert reports["point_sources"].ok, [p.describe() for p in reports["point_sources"].errors]
    assert checked["point_sources"]["parcel_id"].tolist() == ["9002-000001", "9003-000001"]
    assert checked["point_sources"]["scope"].dtype.kind == "i"


def test_every_bad_point_source_field_is_named() -> None:
    bad = toy_points(
        gpc_sector=["I.1.1", "I.3.1"],
        scope=[2, 1],
        gas=["CO2", "SO2"],
        t_co2e_per_year=[-5.0, 60_000_000.0],
        grade=["measured", "verified"],
    )
    _, report = validate_vector(bad, POINT_SOURCES)
    found = {(p.kind, p.column, p.feature_ids) for p in report.errors}
    assert ("unknown-code", "gpc_sector", ("F1-IV.1",)) in found
    assert ("out-of-range", "scope", ("F1-IV.1",)) in found
    assert ("unknown-code", "gas", ("F2-I.3.1",)) in found
    assert ("out-of-range", "t_co2e_per_year", ("F1-IV.1", "F2-I.3.1")) in found
    assert ("unknown-code", "grade", ("F2-I.3.1",)) in found


def test_point_outside_the_region_and_not_a_point(tmp_path: Path) -> None:
    region = build(tmp_path / "toy")
    layers = {
        n: io.read_vector(region / "region.gpkg", n) for n in io.list_layers(region / "region.gpkg")
    }
    outside = toy_points()
    # 5 km north of the toy communes
    outside.geometry = [shapely.Point(X0 + 1_420, Y0 + 5_000), outside.geometry.iloc[1]]
    layers["point_sources"] = outside
    _, reports = validate_layers(layers)
    [problem] = [p for p in reports["point_sources"].errors if p.kind == "outside-region"]
    assert problem.feature_ids == ("F1-IV.1",)
    polygon = toy_points()
    polygon.geometry = [shapely.box(0, 0, 1, 1).buffer(0)] * 2
    _, report = validate_vector(polygon, POINT_SOURCES)
    assert "wrong-geometry-type" in {p.kind for p in report.errors}


def test_point_sources_are_loaded_with_the_region_and_validated_as_a_file(tmp_path: Path) -> None:
    region = build(tmp_path / "toy")
    io.write_vectors(region / "point_sources.parquet", {"point_sources": toy_points()})
    loaded = load_region(region)
    assert loaded.point_sources is not None and len(loaded.point_sources) == 2
    [report] = validate_path(region / "point_sources.parquet", kind="point_sources")
    assert report.ok


def test_building_grade_columns_absent_means_measured_and_is_reported(tmp_path: Path) -> None:
    region = build(tmp_path / "toy")
    buildings = io.read_vector(region / "region.gpkg", "buildings")
    gdf, report = validate_vector(buildings, BUILDINGS)
    for attr in codes.GRADED_BUILDING_ATTRIBUTES:
        assert gdf[codes.grade_column(attr)].tolist() == ["measured"] * 3
    derived = {p.column for p in report.repairs if p.kind == "derived-column"}
    assert {codes.grade_column(a) for a in codes.GRADED_BUILDING_ATTRIBUTES} <= derived


@pytest.mark.parametrize("attr", codes.GRADED_BUILDING_ATTRIBUTES)
def test_building_grade_columns_take_only_the_three_grades(tmp_path: Path, attr: str) -> None:
    region = build(tmp_path / "toy")
    buildings = io.read_vector(region / "region.gpkg", "buildings")
    buildings[codes.grade_column(attr)] = ["estimated", "default", "guessed"]
    _, report = validate_vector(buildings, BUILDINGS)
    [problem] = report.errors
    assert (problem.kind, problem.column, problem.feature_ids) == (
        "unknown-code",
        codes.grade_column(attr),
        ("BC",),
    )
