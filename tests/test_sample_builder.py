"""The sample builder's pieces on small hand-checkable cases, determinism, and region config."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal

from minettgeo import CRS
from minettgeo.errors import RegionError
from minettgeo.sample.build import build_sample_region
from minettgeo.sample.buildings import calibrate_dwellings, period_group
from minettgeo.sample.districts import districts_per_commune
from minettgeo.sample.draws import draw_from_mixtures
from minettgeo.sample.field import locality_radius_m, smooth_noise, spline_noise_std, urbanity
from minettgeo.sample.geometry import (
    local_bounds,
    merge_small_pieces,
    to_local,
    to_world,
    valid_polygons,
    world_boxes,
)
from minettgeo.sample.landcover import grid
from minettgeo.sample.sources import load_sources, parse_mixture

LAYERS = Path(__file__).resolve().parents[1] / "layers"
SMALL = ["0212", "0206"]  # Rumelange and Kayl


def test_parse_mixture_normalises() -> None:
    assert parse_mixture("a:1;b:3") == {"a": 0.25, "b": 0.75}
    assert parse_mixture("") == {} and parse_mixture(float("nan")) == {}


def test_draw_from_mixtures_follows_shares() -> None:
    keys = np.array(["x"] * 20_000 + ["y"] * 10 + ["z"] * 5, dtype=object)
    out = draw_from_mixtures(
        np.random.default_rng(1), keys, {"x": {"a": 0.2, "b": 0.8}, "y": {"c": 1.0}}
    )
    share_a = (out[:20_000] == "a").mean()
    assert share_a == pytest.approx(0.2, abs=0.01)
    assert (out[20_000:20_010] == "c").all()
    assert (out[20_010:] == None).all()  # noqa: E711 - no mixture for z


def test_local_frame_round_trip() -> None:
    xy = np.array([[10.0, 0.0], [0.0, 5.0]])
    angle = np.array([np.pi / 2, np.pi / 2])
    origin = np.array([[0.0, 0.0], [0.0, 0.0]])
    loc = to_local(xy, angle, origin)
    np.testing.assert_allclose(loc, [[0.0, -10.0], [5.0, 0.0]], atol=1e-12)
    np.testing.assert_allclose(to_world(loc, angle, origin), xy, atol=1e-12)


def test_world_boxes_and_local_bounds() -> None:
    angle = np.array([np.pi / 6])
    origin = np.array([[100.0, 200.0]])
    box = world_boxes(
        np.array([-5.0]), np.array([-2.0]), np.array([5.0]), np.array([2.0]), angle, origin
    )
    assert shapely.area(box[0]) == pytest.approx(40.0)
    np.testing.assert_allclose(local_bounds(box, angle, origin)[0], [-5, -2, 5, 2], atol=1e-9)


def test_merge_small_pieces_keeps_the_coverage() -> None:
    pieces = np.array(
        [shapely.box(0, 0, 10, 10), shapely.box(10, 0, 20, 10), shapely.box(20, 0, 21, 10)]
    )
    merged, host = merge_small_pieces(pieces, np.zeros(3, dtype=np.int64), np.full(3, 50.0))
    assert host.tolist() == [0, 1]
    assert shapely.area(merged).tolist() == [100.0, 110.0]
    assert shapely.equals(merged[1], shapely.box(10, 0, 21, 10))


#: parcel 160742 of the country (seed 2028, before the repair): a field strip whose hole is a slit
#: of three collinear vertices (zero area), "Self-intersection" for GEOS
SLIT_PARCEL = (
    "POLYGON ((70242.3363082609866979 63439.5727376645809272, 70272.7239492547960253 "
    "63311.7251440558975446, 70257.7203963034553453 63308.1590027790371096, 70242.7168433521146653 "
    "63304.5928615021693986, 70227.7132904007594334 63301.0267202253016876, 70212.7097374494187534 "
    "63297.4605789484339766, 70197.7061844980780734 63293.8944376715662656, 70182.7026315467373934 "
    "63290.3282963947058306, 70149.6164007162442431 63429.5294602534486330, 70117.4542586639872752 "
    "63564.8427762004430406, 70119.1783353211358190 63565.1443369969783816, 70179.5722490387415746 "
    "63503.5668349121842766, 70232.7959132485266309 63449.3001035133347614, 70242.3363082609866979 "
    "63439.5727376645809272), (70209.6306125216069631 63443.7940253609485808, "
    "70224.6341654729476431 63447.3601666378235677, 70194.6270595702662831 63440.2278840840735938, "
    "70209.6306125216069631 63443.7940253609485808))"
)


def test_valid_polygons_repairs_a_slit_and_a_bow_tie_and_keeps_the_rest() -> None:
    slit = shapely.from_wkt(SLIT_PARCEL)
    bow_tie = shapely.Polygon([(0, 0), (2, 2), (2, 0), (0, 2), (0, 0)])
    square = shapely.box(0, 0, 1, 1)
    assert not shapely.is_valid(slit) and not shapely.is_valid(bow_tie)
    out = valid_polygons(np.array([slit, bow_tie, square], dtype=object))
    assert shapely.is_valid(out).all()
    # the slit is dropped: same shell, no hole, same area
    assert out[0].geom_type == "Polygon" and len(out[0].interiors) == 0
    assert shapely.equals(out[0], shapely.Polygon(slit.exterior))
    assert out[0].area == pytest.approx(slit.area, rel=1e-12)
    # the bow tie becomes its two triangles of 2 x 1 / 2 = 1 m2 each
    assert out[1].geom_type == "MultiPolygon" and out[1].area == pytest.approx(2.0)
    assert out[2] is square  # a valid geometry is returned as it is


def test_small_pieces_of_other_groups_are_not_merged() -> None:
    pieces = np.array([shapely.box(0, 0, 10, 10), shapely.box(10, 0, 11, 10)])
    _, host = merge_small_pieces(pieces, np.array([0, 1]), np.full(2, 50.0))
    assert host.tolist() == [0, 1]


def test_urbanity_kernel() -> None:
    # R = sqrt(10,000 x 300 / pi) = 977.2 m; u(R) = 0.5, u(0) = 1
    radius = locality_radius_m(np.array([10_000.0]))
    assert radius[0] == pytest.approx(977.205, rel=1e-5)
    u = urbanity(
        np.array([[0.0, 0.0], [radius[0], 0.0], [3 * radius[0], 0.0]]), np.zeros((1, 2)), radius
    )
    np.testing.assert_allclose(u.u, [1.0, 0.5, np.exp(-np.log(2) * 81)], rtol=1e-12)
    np.testing.assert_allclose(u.rho, [0.0, 1.0, 3.0])


def test_spline_noise_std_is_the_integral_of_the_squared_cardinal_spline() -> None:
    # at the nodes the interpolant is the lattice value (variance 1), mid-way between two nodes
    # v(0.5) = sum_j L(0.5 - j)^2 = 0.756; the std over a cell is mean v = integral L^2 = 0.8742
    assert spline_noise_std() == pytest.approx(0.87423, abs=1e-5)


def test_smooth_noise_at_a_node_is_the_lattice_value_over_the_constant() -> None:
    # bounds 0..1000 at 100 m: nx = ny = 10 + 4 = 14; node (i, j) at x = (j - 1.5) x 100 m
    bounds, scale = (0.0, 0.0, 1000.0, 1000.0), 100.0
    lattice = np.random.default_rng(5).standard_normal((14, 14))
    xy = np.array([[350.0, 650.0], [50.0, 150.0]])  # nodes (i, j) = (8, 5) and (3, 2)
    got = smooth_noise(np.random.default_rng(5), bounds, scale, xy)
    np.testing.assert_allclose(
        got, [lattice[8, 5], lattice[3, 2]] / np.float64(0.8742307), rtol=1e-6
    )


def test_smooth_noise_is_a_field_of_the_location() -> None:
    """The value at a point does not depend on the other points asked in the same call."""
    bounds, scale = (0.0, 0.0, 5_000.0, 3_000.0), 300.0
    point = np.array([[1234.5, 987.6]])
    others = np.random.default_rng(0).uniform(0.0, 3_000.0, size=(500, 2))
    alone = smooth_noise(np.random.default_rng(7), bounds, scale, point)
    together = smooth_noise(np.random.default_rng(7), bounds, scale, np.vstack([others, point]))
    few = smooth_noise(np.random.default_rng(7), bounds, scale, np.vstack([point, point + 10]))
    assert together[-1] == alone[0] == few[0]


def test_smooth_noise_has_std_about_one_over_a_large_area() -> None:
    # 600 x 600 lattice cells; a grid of 0.37-cell steps samples every fractional offset
    bounds, scale = (0.0, 0.0, 60_000.0, 60_000.0), 100.0
    g = np.arange(0.0, 60_000.0, 37.0)
    xy = np.column_stack([a.ravel() for a in np.meshgrid(g, g)])
    values = smooth_noise(np.random.default_rng(3), bounds, scale, xy)
    assert values.std() == pytest.approx(1.0, abs=0.02)
    assert abs(values.mean()) < 0.02


def test_districts_per_commune() -> None:
    assert districts_per_commune(5_775) == 5
    assert districts_per_commune(37_455) == 12
    assert districts_per_commune(22_043) == 7


def test_grid_is_aligned() -> None:
    transform, shape = grid((53_945.6, 57_015.3, 77_098.6, 77_215.5), 10.0)
    assert (transform.c, transform.f) == (53_940.0, 77_220.0)
    assert shape == (2021, 2316)


def test_period_group() -> None:
    groups = period_group(
        np.array(["before_1919", "1961_1970", "1971_1980", "2001_2010", "2011_2016", "2017_2030"])
    )
    assert groups.tolist() == [
        "before_1971",
        "before_1971",
        "1971_1990",
        "1991_2010",
        "2011_2016",
        "2017_2030",
    ]


def test_calibrate_dwellings_hits_the_target() -> None:
    """Commune of 1,000 residents, 2.5 persons per occupied dwelling, 20 % vacancy:
    D = 1000 / (2.5 x 0.8) = 500 dwellings; 100 houses hold 100, the flats the other 400."""
    uses = pd.read_csv(LAYERS / "model" / "building_uses.csv").set_index("use")
    communes = gpd.GeoDataFrame(
        {"lau2": ["9001"], "population": [1000], "household_size": [2.5], "vacancy_rate": [0.2]},
        geometry=[shapely.box(0, 0, 1, 1)],
        crs=CRS,
    )
    b = pd.DataFrame(
        {
            "lau2": "9001",
            "use": ["terraced"] * 100 + ["apartment_block"] * 10,
            "floors": [2] * 100 + [5] * 10,
            "footprint_m2": [80.0] * 100 + [400.0] * 10,
        }
    )
    out = calibrate_dwellings(b, communes, uses, np.random.default_rng(0))
    assert out["dwellings"].sum() == 500
    assert (out.loc[out["use"] == "terraced", "dwellings"] == 1).all()
    flats = out[out["use"] == "apartment_block"]
    assert flats["dwellings"].sum() == 400
    # 400 dwellings x 78 m2 / (400 m2 x 0.85) = 91.8 storeys over 10 buildings -> about 9 each
    assert flats["floors"].between(8, 10).all()


def test_house_cap_leaves_houses_out() -> None:
    uses = pd.read_csv(LAYERS / "model" / "building_uses.csv").set_index("use")
    communes = gpd.GeoDataFrame(
        {"lau2": ["9001"], "population": [200], "household_size": [2.0], "vacancy_rate": [0.0]},
        geometry=[shapely.box(0, 0, 1, 1)],
        crs=CRS,
    )
    b = pd.DataFrame({"lau2": "9001", "use": ["terraced"] * 300, "floors": 2, "footprint_m2": 80.0})
    out = calibrate_dwellings(b, communes, uses, np.random.default_rng(0))
    assert len(out) == 55  # at most 55 % of the 100 dwellings in houses


@pytest.fixture(scope="module")
def small_region():
    return build_sample_region(LAYERS, SMALL, seed=11)


def test_same_seed_same_layers(small_region) -> None:
    again = build_sample_region(LAYERS, SMALL, seed=11)
    for name, gdf in small_region.vectors.items():
        assert_geodataframe_equal(gdf, again.vectors[name], check_less_precise=False), name
    assert np.array_equal(small_region.landcover, again.landcover)


def test_parcels_of_a_built_region_are_valid(small_region) -> None:
    parcels = small_region.parcels
    assert parcels.geometry.is_valid.all()
    assert set(parcels.geom_type) <= {"Polygon", "MultiPolygon"}


def test_other_seed_other_layers(small_region) -> None:
    other = build_sample_region(LAYERS, SMALL, seed=12)
    assert len(other.parcels) != len(small_region.parcels) or not other.parcels.geometry.equals(
        small_region.parcels.geometry
    )


def test_subset_region_is_consistent(small_region) -> None:
    assert sorted(small_region.communes["lau2"]) == sorted(SMALL)
    assert set(small_region.parcels["lau2"]) == set(SMALL)
    area = small_region.parcels.geometry.area.sum()
    assert area == pytest.approx(small_region.communes.geometry.area.sum(), rel=1e-3)


def test_any_commune_of_luxembourg_can_be_built() -> None:
    """Leudelange (0207) is outside the Minett: STATEC population, no locality table."""
    src = load_sources(LAYERS, ["0207"])
    assert src.communes["name"].tolist() == ["Leudelange"]
    # lu_population_statec.csv: 0207,Leudelange,2024,2780
    assert src.communes["population"].tolist() == [2780]
    assert src.communes["population_source"].tolist() == ["STATEC 1.1.2024"]
    assert len(src.localities) == 1
    region = build_sample_region(LAYERS, ["0207"], seed=3)
    assert len(region.parcels) > 1000 and len(region.districts) >= 5


def test_unknown_commune_code_is_refused() -> None:
    with pytest.raises(RegionError, match="9999"):
        load_sources(LAYERS, ["9999"])


def test_geoparquet_sample_region_loads(tmp_path: Path, small_region) -> None:
    from minettgeo.layers.region import load_region
    from minettgeo.sample.write import write_sample_region

    written = write_sample_region(small_region, tmp_path, "parquet")
    assert {p.name for p in written} >= {"parcels.parquet", "buildings.parquet", "landcover.tif"}
    region = load_region(tmp_path)
    assert len(region.parcels) == len(small_region.parcels)
    assert region.files["parcels"].suffix == ".parquet"
    assert all(r.ok for r in region.reports.values())


def test_sample_buildings_are_graded_estimated(small_region) -> None:
    """The sample region is modelled: every graded attribute of every building is estimated."""
    from minettgeo.layers.codes import GRADED_BUILDING_ATTRIBUTES, grade_column

    for attr in GRADED_BUILDING_ATTRIBUTES:
        assert set(small_region.buildings[grade_column(attr)]) == {"estimated"}, attr


def test_sample_roads_rail_parcels_and_land_cover_are_graded_honestly(
    small_region, tmp_path
) -> None:
    """Modelled traffic (OSM primaries, local network), zoning, owners and the assumed traction
    are estimated; the motorways' published AADT and the tabulated speeds are defaults; both
    land-cover rasters carry the tag grade=estimated, so the region's land cover is estimated."""
    from minettgeo.layers.io import read_raster_tags
    from minettgeo.layers.region import load_region
    from minettgeo.sample.write import write_sample_region

    roads = small_region.roads
    motorway = roads["road_class"] == "motorway"
    assert set(roads.loc[~motorway, "aadt_grade"]) == {"estimated"}
    assert set(roads.loc[motorway, "aadt_grade"]) <= {"default"}
    assert set(roads["speed_kmh_grade"]) == {"default"}
    assert set(small_region.parcels["zoning_grade"]) == {"estimated"}
    assert set(small_region.parcels["owner_type_grade"]) == {"estimated"}
    if small_region.rail is not None and len(small_region.rail):
        assert set(small_region.rail["traction_grade"]) == {"estimated"}
    write_sample_region(small_region, tmp_path, "parquet")
    for name in ("landcover.tif", "landcover_before.tif"):
        assert read_raster_tags(tmp_path / name)["grade"] == "estimated"
    region = load_region(tmp_path)
    assert region.landcover_grade == "estimated"
    # nothing graded is derived on load: every grade column is written
    derived = [p.column for r in region.reports.values() for p in r.repairs]
    assert not any(str(c).endswith("_grade") or c == "grade" for c in derived)


def test_sample_point_sources_are_modelled_ets_sites() -> None:
    """Käerjeng (0104) holds the Bascharage float-glass works: 200,000 t glass x 6 GJ/t x
    56.1 kg CO2/GJ = 67,320 t (I.3.1) and 200,000 x 0.2 t = 40,000 t (IV.1), both estimated,
    on the parcel of an industrial building, valid against the point_sources contract."""
    from minettgeo.layers.activity_contracts import POINT_SOURCES
    from minettgeo.layers.validate import validate_vector

    region = build_sample_region(LAYERS, ["0104"], seed=3)
    ps = region.point_sources.set_index("facility_id")
    assert sorted(ps.index) == [
        "LU-MOD-GUARDIAN-BASCHARAGE-I.3.1",
        "LU-MOD-GUARDIAN-BASCHARAGE-IV.1",
    ]
    assert ps["t_co2e_per_year"].tolist() == pytest.approx([67_320.0, 40_000.0])
    assert set(ps["grade"]) == {"estimated"} and set(ps["lau2"]) == {"0104"}
    assert ps["source"].str.startswith("modelled: ").all()
    on_parcel = region.buildings[region.buildings["parcel_id"].isin(ps["parcel_id"])]
    assert "industry" in set(on_parcel["use"])
    _, report = validate_vector(region.point_sources, POINT_SOURCES)
    assert report.ok, [p.describe() for p in report.errors]
    assert "point_sources" in region.vectors


def test_point_source_model_table_rows_are_complete() -> None:
    from minettgeo.layers.codes import POINT_SOURCE_GASES, POINT_SOURCE_SECTORS

    table = pd.read_csv(LAYERS / "model" / "point_sources.csv")
    assert table["facility_id"].is_unique
    assert set(table["gpc_sector"]) <= set(POINT_SOURCE_SECTORS)
    assert set(table["gas"]) <= set(POINT_SOURCE_GASES)
    for col in ("production_source", "intensity_source"):
        assert table[col].str.len().gt(10).all(), col
    assert (table["production_t_a"] > 0).all() and (table["intensity_tco2e_per_t"] > 0).all()
