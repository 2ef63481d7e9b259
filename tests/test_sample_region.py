"""Invariants of the full-size sample region (built once per run, see conftest)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
import shapely
from rasterio import features

from minettgeo.layers import io
from minettgeo.layers.codes import RESIDENTIAL_USES
from minettgeo.layers.region import load_region

pytestmark = pytest.mark.fullscale


def test_real_size(sample_layers: dict[str, gpd.GeoDataFrame]) -> None:
    assert len(sample_layers["communes"]) == 11
    assert len(sample_layers["parcels"]) >= 100_000
    assert len(sample_layers["buildings"]) >= 40_000
    assert len(sample_layers["districts"]) >= 60
    assert sample_layers["districts"].groupby("lau2").size().min() >= 5


def test_communes_are_the_real_ones(sample_layers: dict[str, gpd.GeoDataFrame]) -> None:
    communes = sample_layers["communes"].set_index("lau2")
    assert communes.loc["0204", "name"] == "Esch-sur-Alzette"
    assert communes.loc["0204", "population"] == 37455
    assert communes["population"].sum() == 186_432
    assert communes.geometry.area.sum() / 1e6 == pytest.approx(200.67, abs=0.01)


def test_parcels_tessellate_each_commune(sample_layers: dict[str, gpd.GeoDataFrame]) -> None:
    parcels, communes = sample_layers["parcels"], sample_layers["communes"]
    area = parcels.geometry.area.groupby(parcels["lau2"]).sum()
    commune_area = communes.set_index("lau2").geometry.area
    np.testing.assert_allclose(area.loc[commune_area.index], commune_area, rtol=1e-3)
    # no overlaps: every overlapping pair shares less than 0.01 m2
    geoms = parcels.geometry.to_numpy()
    a, b = shapely.STRtree(geoms).query(geoms, predicate="overlaps")
    keep = a < b
    overlap = shapely.area(shapely.intersection(geoms[a[keep]], geoms[b[keep]])).sum()
    assert overlap < 1.0
    # within their commune: no gap outside, and (with the sums above) no gap inside
    by_code = communes.set_index("lau2").geometry
    outside = shapely.area(shapely.difference(geoms, by_code.loc[parcels["lau2"]].to_numpy()))
    assert outside.sum() < 1.0


def test_every_geometry_is_valid(sample_layers: dict[str, gpd.GeoDataFrame]) -> None:
    for name in ("parcels", "buildings", "districts", "communes", "roads"):
        layer = sample_layers[name]
        assert layer.geometry.is_valid.all(), f"{name}: {(~layer.geometry.is_valid).sum()} invalid"


def test_parcel_area_column_matches_geometry(sample_layers: dict[str, gpd.GeoDataFrame]) -> None:
    parcels = sample_layers["parcels"]
    np.testing.assert_allclose(parcels["area_m2"], parcels.geometry.area, rtol=1e-9)


def test_parcel_sizes_fit_their_zone(sample_layers: dict[str, gpd.GeoDataFrame]) -> None:
    median = sample_layers["parcels"].groupby("urban_form")["area_m2"].median()
    for dense in ("old_centre", "cite"):
        assert 150 <= median[dense] <= 600, dense
    assert 400 <= median["suburb"] <= 1200
    assert median["farmland"] >= 5_000
    assert median["forest"] >= 10_000
    assert median["reserve"] >= 10_000


def test_districts_are_contiguous_parts_of_their_commune(
    sample_layers: dict[str, gpd.GeoDataFrame],
) -> None:
    districts, communes = sample_layers["districts"], sample_layers["communes"]
    parts = shapely.get_num_geometries(districts.geometry.to_numpy())
    assert (parts == 1).all(), districts.loc[parts != 1, "district_id"].tolist()
    area = districts.geometry.area.groupby(districts["lau2"]).sum()
    np.testing.assert_allclose(area.loc[communes["lau2"]], communes.geometry.area, rtol=1e-3)
    assert districts["district_id"].is_unique and districts["name"].is_unique


def test_parcels_lie_in_their_district(sample_layers: dict[str, gpd.GeoDataFrame]) -> None:
    parcels, districts = sample_layers["parcels"], sample_layers["districts"]
    polys = districts.set_index("district_id").geometry
    points = shapely.point_on_surface(parcels.geometry.to_numpy())
    inside = shapely.covers(polys.loc[parcels["district_id"]].to_numpy(), points)
    assert inside.mean() > 0.9999
    lau2_of_district = districts.set_index("district_id")["lau2"]
    assert (parcels["district_id"].map(lau2_of_district) == parcels["lau2"]).all()


def test_buildings_stand_inside_their_parcel(sample_layers: dict[str, gpd.GeoDataFrame]) -> None:
    buildings, parcels = sample_layers["buildings"], sample_layers["parcels"]
    parcel_geom = parcels.set_index("parcel_id").geometry
    host = parcel_geom.loc[buildings["parcel_id"]].to_numpy()
    outside = shapely.area(shapely.difference(buildings.geometry.to_numpy(), host))
    assert outside.max() < 0.01
    assert buildings["building_id"].is_unique


def test_population_matches_dwellings(sample_layers: dict[str, gpd.GeoDataFrame]) -> None:
    buildings, communes = sample_layers["buildings"], sample_layers["communes"].set_index("lau2")
    buildings = buildings.assign(lau2=buildings["parcel_id"].str[:4])
    dwellings = buildings.groupby("lau2")["dwellings"].sum()
    modelled = dwellings * (1 - communes["vacancy_rate"]) * communes["household_size"]
    np.testing.assert_allclose(modelled.loc[communes.index], communes["population"], rtol=0.02)
    assert (buildings.loc[~buildings["use"].isin(list(RESIDENTIAL_USES)), "dwellings"] == 0).all()


def test_building_stock_matches_calibration_targets(sample_manifest: dict) -> None:
    """Targets from luxembourg-stock.md §7 (derived) and the verified national anchors."""
    cal = sample_manifest["calibration"]
    assert 44_000 <= cal["residential_buildings"] <= 50_000
    assert 78_000 <= cal["dwellings"] <= 86_000
    assert 100 <= cal["mean_dwelling_area_m2"] <= 130
    heat = cal["heating_share_of_dwellings_pct"]
    assert 50 <= heat["natural_gas"] <= 65 and 18 <= heat["heating_oil"] <= 30
    assert 1 <= heat["district_heat"] <= 4 and 1 <= heat["wood_pellets"] <= 4
    period = cal["period_share_of_dwellings_pct"]
    assert 19 <= period["before_1919"] + period["1919_1945"] <= 30
    assert 12 <= period["2011_2016"] + period["2017_2030"] <= 22


def test_heating_carrier_shares_of_dwellings_are_in_their_documented_bands(
    sample_layers: dict[str, gpd.GeoDataFrame],
) -> None:
    """luxembourg-stock.md §7 (layers/model/heating_shares.csv): heat pumps 4-6 % of dwellings
    (the README's cited share), gas 55-60 %, oil 22-28 %, electric about 5 %, wood about 2 %,
    district heat 1-3 %; counted from the buildings layer itself."""
    b = sample_layers["buildings"]
    share = b.groupby("heating_carrier")["dwellings"].sum() / b["dwellings"].sum() * 100
    assert 4.0 <= share["heat_pump"] <= 6.0
    assert 55.0 <= share["natural_gas"] <= 60.0 and 22.0 <= share["heating_oil"] <= 28.0
    assert 4.0 <= share["direct_electric"] <= 6.5 and 1.5 <= share["wood_pellets"] <= 3.0
    assert 1.0 <= share["district_heat"] <= 3.0


def test_rail_layer_is_the_real_lines_inside_the_region(
    sample_layers: dict[str, gpd.GeoDataFrame], sample_dir: Path
) -> None:
    rail = io.read_vector(sample_dir / "region.gpkg", "rail")
    region = shapely.union_all(sample_layers["communes"].geometry.to_numpy())
    assert rail["rail_id"].is_unique and set(rail["traction"]) == {"electric"}
    # the 2013 OSM lines clipped to the communes: 42.7 km of the 61.4 km in the source file
    assert rail.geometry.length.sum() / 1000 == pytest.approx(42.74, abs=0.05)
    assert shapely.covers(shapely.buffer(region, 0.01), shapely.union_all(rail.geometry.to_numpy()))
    meta = io.read_vector_metadata(sample_dir / "region.gpkg", "rail")
    assert "OpenStreetMap" in meta["source"] and "ODbL" in meta["licence"]


def test_non_residential_buildings_in_activity_zones(
    sample_layers: dict[str, gpd.GeoDataFrame],
) -> None:
    buildings, parcels = sample_layers["buildings"], sample_layers["parcels"]
    zoning = buildings["parcel_id"].map(parcels.set_index("parcel_id")["zoning"])
    industry = buildings["use"] == "industry"
    assert industry.sum() > 100
    assert (zoning[industry] == "activity").all()
    assert (zoning[buildings["use"].isin(list(RESIDENTIAL_USES))] != "activity").all()


def test_landcover_is_consistent_with_the_vectors(
    sample_dir: Path, sample_layers: dict[str, gpd.GeoDataFrame]
) -> None:
    with rasterio.open(sample_dir / "landcover.tif") as src:
        arr, transform = src.read(1), src.transform
        assert src.res == (10.0, 10.0) and src.crs.to_epsg() == 2169 and src.nodata == 0
    codes = set(np.unique(arr).tolist())
    # forests, farmland, pasture, water, mining land and brownfields that mark the Minett
    assert {311, 211, 231, 511, 512, 132, 133, 324, 333}.issubset(codes)
    # every commune is covered: its data pixels add up to its area (10 m pixels, 1 %)
    communes = sample_layers["communes"]
    for _, c in communes.iterrows():
        inside = features.geometry_mask([c.geometry], arr.shape, transform, invert=True)
        assert (arr[inside] > 0).sum() * 100 == pytest.approx(c.geometry.area, rel=0.01)
    # built-up where the buildings are
    centres = shapely.get_coordinates(
        shapely.point_on_surface(sample_layers["buildings"].geometry.to_numpy())
    )
    rows, cols = rasterio.transform.rowcol(transform, centres[:, 0], centres[:, 1])
    built = arr[np.asarray(rows), np.asarray(cols)]
    assert ((built >= 111) & (built <= 142)).mean() > 0.97


def test_roads_network(sample_layers: dict[str, gpd.GeoDataFrame]) -> None:
    roads, districts = sample_layers["roads"], sample_layers["districts"]
    assert set(roads["road_class"]) == {
        "motorway",
        "primary",
        "secondary",
        "tertiary",
        "residential",
        "service",
    }
    osm = roads[roads["source"] == "osm"]
    assert len(osm) > 100 and (osm["road_class"] == "primary").all()
    assert set(roads.loc[roads["road_class"] == "motorway", "name"]) == {"A3", "A4", "A13"}
    assert (roads[["aadt_car", "aadt_lgv", "aadt_hgv", "aadt_bus"]] >= 0).all().all()
    # every district is reached by a secondary or tertiary road
    main = roads[roads["road_class"].isin(["secondary", "tertiary"])]
    touched = shapely.STRtree(main.geometry.to_numpy()).query(
        districts.geometry.to_numpy(), predicate="intersects"
    )[0]
    assert set(touched) == set(range(len(districts)))
    # and the secondary/tertiary network is one connected graph
    ends = np.concatenate(
        [
            shapely.get_coordinates(shapely.get_point(main.geometry.to_numpy(), 0)),
            shapely.get_coordinates(shapely.get_point(main.geometry.to_numpy(), -1)),
        ]
    )
    _, node = np.unique(np.round(ends, 2), axis=0, return_inverse=True)
    node = node.ravel()
    n = len(main)
    from scipy import sparse
    from scipy.sparse.csgraph import connected_components

    graph = sparse.coo_matrix((np.ones(n), (node[:n], node[n:])), shape=(node.max() + 1,) * 2)
    n_comp, _ = connected_components(graph, directed=False)
    assert n_comp == 1


def test_layer_metadata_tells_modelled_from_real(sample_dir: Path) -> None:
    gpkg = sample_dir / "region.gpkg"
    communes = io.read_vector_metadata(gpkg, "communes")
    assert (
        communes["modelled"] == "false"
        and "ACT" in communes["source"]
        and "CC0" in communes["licence"]
    )
    for name in ("districts", "parcels", "buildings"):
        meta = io.read_vector_metadata(gpkg, name)
        assert (
            meta["modelled"] == "true"
            and meta["seed"] == "2028"
            and meta["generator"].startswith("minettgeo")
        )
    roads = io.read_vector_metadata(gpkg, "roads")
    assert "OpenStreetMap" in roads["source"] and "ODbL" in roads["licence"]
    tags = io.read_raster_tags(sample_dir / "landcover.tif")
    assert tags["modelled"] == "true" and tags["seed"] == "2028"


def test_sample_region_loads_and_validates(sample_dir: Path) -> None:
    region = load_region(sample_dir)
    assert all(r.ok for r in region.reports.values())
    assert not any(r.repairs for r in region.reports.values())
    assert len(region.parcels) >= 100_000


def test_manifest_records_inputs_and_outputs(sample_manifest: dict) -> None:
    assert sample_manifest["seed"] == 2028
    assert set(sample_manifest["files"]) == {
        "region.gpkg",
        "landcover.tif",
        "landcover_before.tif",
        "forest_age.tif",
    }
    assert "sources/lu_population_statec.csv" in sample_manifest["inputs"]
    assert all(len(h) == 64 for h in sample_manifest["inputs"].values())
    checks = pd.DataFrame(sample_manifest["calibration"]["population_check"])
    assert checks["population_error_pct"].abs().max() < 2


def test_road_on_a_district_boundary_gets_the_half_split(
    sample_layers: dict[str, gpd.GeoDataFrame],
) -> None:
    """Issue 7: a road running partly along the boundary between two districts gives each the
    length strictly inside it plus half the boundary stretch (the former method gave the whole
    stretch to both). For the roads in exactly two districts with a stretch of B metres on their
    shared boundary (0 < B < L/2): share(z) = (L(road in z) - B / 2) / L, summing to 1."""
    from minettgeo.models.transport import length_shares

    roads, districts = sample_layers["roads"], sample_layers["districts"]
    lines, polys = roads.geometry.to_numpy(), districts.geometry.to_numpy()
    r, z = shapely.STRtree(polys).query(lines, predicate="intersects")
    inside = shapely.length(shapely.intersection(lines[r], polys[z]))
    pairs = pd.DataFrame({"r": r, "z": z, "inside": inside})
    pairs = pairs[pairs["inside"] > 0]
    two = pairs[pairs.groupby("r")["z"].transform("size") == 2].sort_values(["r", "z"])
    first, second = two.iloc[0::2], two.iloc[1::2]
    shared = shapely.intersection(
        shapely.boundary(polys[first["z"].to_numpy()]),
        shapely.boundary(polys[second["z"].to_numpy()]),
    )
    ri = first["r"].to_numpy()
    b = shapely.length(shapely.intersection(lines[ri], shared))
    length = shapely.length(lines[ri])
    pick = np.flatnonzero((b > 1.0) & (b < length / 2))[:20]
    assert len(pick) >= 5, "the sample has roads along district boundaries (block edges)"
    ri, b, length = ri[pick], b[pick], length[pick]
    chosen = roads.iloc[ri].set_index("road_id")
    shares = length_shares(chosen, districts, "district_id").set_index(["road", "zone"])
    for k, road in enumerate(chosen.index):
        for part in (first, second):
            row = part.iloc[pick[k]]
            zone = districts["district_id"].iloc[int(row["z"])]
            expected = (row["inside"] - b[k] / 2) / length[k]
            assert shares.loc[(road, zone), "share"] == pytest.approx(expected, abs=1e-6)
        assert shares.loc[road, "share"].sum() == pytest.approx(1.0, abs=1e-6)
