"""Land carbon: exact zonal statistics, stocks, removals, land-use change and sink potential,
checked against hand computation on tiny rasters."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
import shapely
from affine import Affine

from minettgeo import CRS
from minettgeo.errors import LandCarbonError
from minettgeo.land.carbon import LandInputs, carbon_accounts, class_area_table, joint_areas
from minettgeo.land.potential import growth_curve, sink_potential
from minettgeo.land.rasters import carbon_stock_raster, parcel_value_raster
from minettgeo.land.tables import CO2_PER_C, load_carbon_tables
from minettgeo.land.zonal import class_areas
from raster_helpers import write_raster

X0, Y1 = 60_000.0, 70_030.0  # upper-left corner of the 3 x 3 test rasters (10 m pixels)
TRANSFORM = Affine(10.0, 0.0, X0, 0.0, -10.0, Y1)


def write(
    path: Path, data: np.ndarray, nodata: int = 0, tags: dict[str, str] | None = None
) -> Path:
    return write_raster(path, data, transform=TRANSFORM, nodata=nodata, tags=tags)


def pixel_boxes(data: np.ndarray, nodata: int = 0) -> pd.DataFrame:
    rows, cols = np.indices(data.shape)
    x0 = X0 + cols.ravel() * 10.0
    y1 = Y1 - rows.ravel() * 10.0
    boxes = shapely.box(x0, y1 - 10.0, x0 + 10.0, y1)
    frame = pd.DataFrame({"code": data.ravel(), "box": boxes})
    return frame[frame["code"] != nodata]


def exact_by_geometry(data: np.ndarray, zone: shapely.Geometry) -> dict[int, float]:
    """The reference: intersect the polygon with every pixel box, sum by code."""
    boxes = pixel_boxes(data)
    area = shapely.area(shapely.intersection(boxes["box"].to_numpy(), zone))
    out = pd.Series(area).groupby(boxes["code"].to_numpy()).sum()
    return {int(k): float(v) for k, v in out.items() if v > 0}


LC = np.array([[311, 311, 211], [311, 324, 211], [0, 112, 112]], dtype=np.uint16)


@pytest.mark.parametrize(
    "zone",
    [
        shapely.box(X0, Y1 - 30, X0 + 30, Y1),  # the whole raster (one nodata pixel)
        shapely.Polygon(
            [(X0 + 3, Y1 - 2), (X0 + 27, Y1 - 7), (X0 + 18, Y1 - 29), (X0 + 1, Y1 - 21)]
        ),
        shapely.box(X0 + 12, Y1 - 18, X0 + 16, Y1 - 13),  # 20 m2, smaller than a pixel
        shapely.box(X0 + 15, Y1 - 45, X0 + 40, Y1 - 25),  # partly outside the raster and on nodata
    ],
    ids=["all", "irregular", "sub-pixel", "edge"],
)
def test_class_areas_are_exact(tmp_path: Path, zone: shapely.Geometry) -> None:
    raster = write(tmp_path / "lc.tif", LC)
    zones = gpd.GeoDataFrame({"zid": ["z"]}, geometry=[zone], crs=CRS)
    got = class_areas(raster, zones, "zid", processes=1).set_index("code")["area_m2"].to_dict()
    expected = exact_by_geometry(LC, zone)
    assert set(got) == set(expected)
    for code, area in expected.items():
        assert got[code] == pytest.approx(area, rel=1e-6, abs=1e-6)


def test_parallel_chunks_give_the_same_areas(tmp_path: Path) -> None:
    raster = write(tmp_path / "lc.tif", LC)
    rng = np.random.default_rng(0)
    x = rng.uniform(X0, X0 + 28, 6_000)
    y = rng.uniform(Y1 - 28, Y1, 6_000)
    zones = gpd.GeoDataFrame(
        {"zid": np.arange(6_000)}, geometry=shapely.buffer(shapely.points(x, y), 2.0), crs=CRS
    )
    one = (
        class_areas(raster, zones, "zid", processes=1)
        .sort_values(["zone", "code"])
        .reset_index(drop=True)
    )
    two = (
        class_areas(raster, zones, "zid", processes=2)
        .sort_values(["zone", "code"])
        .reset_index(drop=True)
    )
    pd.testing.assert_frame_equal(one, two)


INVEST_TABLE = """lucode,LULC_Name,C_above,C_below,C_soil,C_dead
311,Broad-leaved forest,100,24,81,15
324,Transitional woodland-shrub,35,16,45,5
211,Arable,4,1,56,0
112,Discontinuous urban,9,2,54,0
333,Sparse vegetation,0.5,0.5,14,0
"""


@pytest.fixture()
def carbon(tmp_path: Path):
    table = tmp_path / "invest_carbon.csv"
    table.write_text(INVEST_TABLE)  # InVEST's own column spelling, unchanged
    return load_carbon_tables(table)


def test_stocks_and_removals_of_a_3x3_case(tmp_path: Path, carbon) -> None:
    """Pixels are 0.01 ha. Stocks (t C): 311 x3 = 0.03 x 220 = 6.6; 324 = 0.01 x 101 = 1.01;
    211 x2 = 0.02 x 61 = 1.22; 112 x2 = 0.02 x 65 = 1.3; total 10.13 t C.
    Growth with the shipped removal rates: 311 at age 10 (young) and 80 (mature), 324 at 10."""
    lc = write(tmp_path / "lc.tif", LC)
    age = write(
        tmp_path / "age.tif",
        np.array([[10, 80, 255], [80, 10, 255], [255, 255, 255]], dtype=np.uint8),
        nodata=255,
    )
    zones = gpd.GeoDataFrame(
        {"parcel_id": ["P"]}, geometry=[shapely.box(X0, Y1 - 30, X0 + 30, Y1)], crs=CRS
    )
    inputs = LandInputs(landcover=lc, forest_age=age, year=2024)
    acc = carbon_accounts(joint_areas(inputs, zones, "parcel_id", processes=1), carbon, inputs).loc[
        "P"
    ]
    assert acc["land_area_ha"] == pytest.approx(0.08)
    assert acc["carbon_above_tc"] == pytest.approx(0.03 * 100 + 0.01 * 35 + 0.02 * 4 + 0.02 * 9)
    assert acc["carbon_stock_tc"] == pytest.approx(10.13)
    assert acc["carbon_stock_tco2e"] == pytest.approx(10.13 * 44 / 12)
    rates = carbon.removal.groupby(["lucode", "age_min"])["value"].sum()
    young_311 = rates.loc[(311, 0)]
    mature_311 = rates.loc[(311, 20)]
    young_324 = rates.loc[324].iloc[0]
    r112 = rates.loc[112].sum()
    expected_tc = 0.01 * young_311 + 0.02 * mature_311 + 0.01 * young_324 + 0.02 * r112
    assert acc["growth_removal_tco2_a"] == pytest.approx(expected_tc * CO2_PER_C)
    assert acc["land_net_flux_tco2_a"] == pytest.approx(-expected_tc * CO2_PER_C)
    assert young_311 > mature_311 > 0  # young forest keeps growing faster, mature still removes


def test_parcel_spanning_several_classes(tmp_path: Path, carbon) -> None:
    lc = write(tmp_path / "lc.tif", LC)
    zone = shapely.Polygon(
        [(X0 + 3, Y1 - 2), (X0 + 27, Y1 - 7), (X0 + 18, Y1 - 29), (X0 + 1, Y1 - 21)]
    )
    zones = gpd.GeoDataFrame({"parcel_id": ["Q"]}, geometry=[zone], crs=CRS)
    inputs = LandInputs(landcover=lc)
    acc = carbon_accounts(joint_areas(inputs, zones, "parcel_id", processes=1), carbon, inputs).loc[
        "Q"
    ]
    areas = exact_by_geometry(LC, zone)
    totals = carbon.stock_per_ha()
    expected = sum(a / 1e4 * totals[c] for c, a in areas.items())
    assert acc["carbon_stock_tc"] == pytest.approx(expected, rel=1e-6)


def test_land_use_change(tmp_path: Path, carbon) -> None:
    """2012 -> 2024: one pixel 333 -> 324 (gain 101 - 15 = 86 t C/ha), one 211 -> 112 (gain
    65 - 61 = 4), one 311 -> 112 (loss 220 - 65 = 155): per pixel 0.01 ha, over 12 years."""
    before = LC.copy()
    before[1, 1] = 333
    before[2, 1] = 211
    now = LC.copy()
    now[0, 0] = 112
    lc_now = write(tmp_path / "now.tif", now)
    lc_before = write(tmp_path / "before.tif", before)
    zones = gpd.GeoDataFrame(
        {"parcel_id": ["P"]}, geometry=[shapely.box(X0, Y1 - 30, X0 + 30, Y1)], crs=CRS
    )
    inputs = LandInputs(landcover=lc_now, landcover_before=lc_before, year=2024, year_before=2012)
    acc = carbon_accounts(joint_areas(inputs, zones, "parcel_id", processes=1), carbon, inputs).loc[
        "P"
    ]
    assert acc["luc_removal_tco2_a"] == pytest.approx(0.01 * (86 + 4) / 12 * CO2_PER_C)
    assert acc["luc_emission_tco2_a"] == pytest.approx(0.01 * 155 / 12 * CO2_PER_C)
    assert acc["land_changed_ha"] == pytest.approx(0.03)
    with pytest.raises(LandCarbonError, match="years"):
        carbon_accounts(
            joint_areas(inputs, zones, "parcel_id", processes=1),
            carbon,
            LandInputs(landcover=lc_now, landcover_before=lc_before, year=2012, year_before=2024),
        )


def test_missing_code_in_carbon_table_is_named(tmp_path: Path) -> None:
    table = tmp_path / "partial.csv"
    table.write_text("lucode,c_above,c_below,c_soil,c_dead\n311,1,1,1,1\n211,1,1,1,1\n")
    lc = write(tmp_path / "lc.tif", LC)
    zones = gpd.GeoDataFrame(
        {"parcel_id": ["P"]}, geometry=[shapely.box(X0, Y1 - 30, X0 + 30, Y1)], crs=CRS
    )
    inputs = LandInputs(landcover=lc)
    with pytest.raises(
        LandCarbonError, match=r"code\(s\) 112, 324 .*no row in the carbon table .*partial.csv"
    ):
        carbon_accounts(
            joint_areas(inputs, zones, "parcel_id", processes=1), load_carbon_tables(table), inputs
        )


def test_malformed_carbon_table(tmp_path: Path) -> None:
    table = tmp_path / "bad.csv"
    table.write_text("lucode,above,below\n311,1,1\n")
    with pytest.raises(LandCarbonError, match=r"lacks column.*c_above"):
        load_carbon_tables(table)


def test_grids_must_match(tmp_path: Path, carbon) -> None:
    lc = write(tmp_path / "lc.tif", LC)
    other = tmp_path / "other.tif"
    with rasterio.open(
        other,
        "w",
        driver="GTiff",
        width=3,
        height=3,
        count=1,
        dtype="uint16",
        crs=CRS,
        transform=Affine(20.0, 0, X0, 0, -20.0, Y1),
        nodata=0,
    ) as dst:
        dst.write(LC, 1)
    zones = gpd.GeoDataFrame(
        {"parcel_id": ["P"]}, geometry=[shapely.box(X0, Y1 - 30, X0 + 30, Y1)], crs=CRS
    )
    with pytest.raises(LandCarbonError, match="not on the grid"):
        joint_areas(
            LandInputs(landcover=lc, landcover_before=other, year=2024, year_before=2012),
            zones,
            "parcel_id",
        )


def test_growth_curve_by_hand() -> None:
    """Afforestation: young 2.745 + dead 0.5 + soil 1.56 = 4.805 t C/(ha a) for 20 years, then
    mature 1.54 (soil transition over): at 2050 after a 2026 start (t = 24) 1.54."""
    params = load_carbon_tables().measures["afforestation_broadleaf"]
    curve = growth_curve(params, np.array([-1, 0, 4, 19, 20, 24]))
    np.testing.assert_allclose(curve, [0.0, 4.805, 4.805, 4.805, 1.54, 1.54])


def _one_parcel(zoning: str, form: str = "slag_heap") -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"parcel_id": ["S"], "zoning": [zoning], "urban_form": [form]},
        geometry=[shapely.box(0, 0, 100, 100)],  # 1 ha
        crs=CRS,
    )


def test_afforestation_potential_by_hand() -> None:
    """1 ha slag heap (132) zoned green, outside reserves, started 2026:
    2030: 4.805 x 44/12 = 17.618 t CO2/a; 2050: 1.54 x 44/12 = 5.647 t CO2/a;
    cumulative 2026-2050: (20 x 4.805 + 5 x 1.54) x 44/12 = 103.8 x 44/12 = 380.6 t CO2."""
    tables = load_carbon_tables()
    classes = pd.DataFrame({132: [1.0]}, index=["S"])
    empty = gpd.GeoDataFrame({"area_id": []}, geometry=[], crs=CRS)
    result = sink_potential(
        _one_parcel("green"), classes, pd.Series(dtype=float), empty, tables, {}
    )
    row = result.parcels.loc["S"]
    assert row["sink_measures"] == "afforestation_broadleaf"
    assert row["sink_area_ha"] == pytest.approx(1.0)
    assert row["sink_potential_2030_tco2_a"] == pytest.approx(4.805 * 44 / 12)
    assert row["sink_potential_2050_tco2_a"] == pytest.approx(1.54 * 44 / 12)
    assert row["sink_cumulative_2050_tco2"] == pytest.approx(103.8 * 44 / 12)
    assert row["sink_rank"] == 1


def test_protected_land_gets_grassland_not_forest() -> None:
    tables = load_carbon_tables()
    classes = pd.DataFrame({132: [1.0]}, index=["S"])
    reserve = gpd.GeoDataFrame(
        {"area_id": ["PA1"]}, geometry=[shapely.box(-10, -10, 110, 110)], crs=CRS
    )
    result = sink_potential(
        _one_parcel("forest"), classes, pd.Series(dtype=float), reserve, tables, {}
    )
    assert result.parcels.loc["S", "sink_measures"] == "grassland_restoration"


def test_zoning_and_min_patch_constraints() -> None:
    tables = load_carbon_tables()
    empty = gpd.GeoDataFrame({"area_id": []}, geometry=[], crs=CRS)
    housing = sink_potential(
        _one_parcel("housing"),
        pd.DataFrame({132: [1.0]}, index=["S"]),
        pd.Series(dtype=float),
        empty,
        tables,
        {},
    )
    assert (
        housing.parcels.loc["S", "sink_potential_2050_tco2_a"] == 0
        and housing.parcels.loc["S", "sink_rank"] == 0
    )
    small = sink_potential(
        _one_parcel("green"),
        pd.DataFrame({132: [0.4]}, index=["S"]),
        pd.Series(dtype=float),
        empty,
        tables,
        {},
    )
    assert small.parcels.loc["S", "sink_area_ha"] == 0  # below the 0.5 ha minimum patch
    activity = sink_potential(
        _one_parcel("activity", "brownfield"),
        pd.DataFrame({133: [1.0]}, index=["S"]),
        pd.Series(dtype=float),
        empty,
        tables,
        {},
    )
    assert activity.parcels.loc["S", "sink_area_ha"] == pytest.approx(0.3)  # a third of brownfields


def test_unsealing_subtracts_buildings() -> None:
    """1 ha of 121 (90 % sealed) with 0.3 ha of buildings: (0.9 - 0.3) x 0.2 = 0.12 ha unsealed."""
    tables = load_carbon_tables()
    parcel = _one_parcel("activity", "activity")
    empty = gpd.GeoDataFrame({"area_id": []}, geometry=[], crs=CRS)
    result = sink_potential(
        parcel,
        pd.DataFrame({121: [1.0]}, index=["S"]),
        pd.Series({"S": 0.3}),
        empty,
        tables,
        {121: 0.9},
    )
    detail = result.measures.set_index("measure")
    assert detail.loc["unsealing_green", "area_ha"] == pytest.approx(0.12)


def test_rasters(tmp_path: Path, carbon) -> None:
    lc = write(tmp_path / "lc.tif", LC)
    out = carbon_stock_raster(
        lc, carbon.stock_per_ha().to_dict(), tmp_path / "stock.tif", {"k": "v"}
    )
    with rasterio.open(out) as src:
        stock = src.read(1)
        assert src.tags()["unit"] == "t C/ha" and src.nodata == -1
    assert (
        stock[0, 0] == pytest.approx(220.0)
        and stock[2, 1] == pytest.approx(65.0)
        and stock[2, 0] == -1
    )
    parcels = gpd.GeoDataFrame(
        {"v": [1.5]}, geometry=[shapely.box(X0, Y1 - 20, X0 + 20, Y1)], crs=CRS
    )
    pot = parcel_value_raster(lc, parcels, np.array([1.5]), tmp_path / "pot.tif", {})
    with rasterio.open(pot) as src:
        arr = src.read(1)
    assert (arr[:2, :2] == 1.5).all() and (arr[2, :] == -1).all()


def test_class_area_table_pivots(tmp_path: Path) -> None:
    joint = pd.DataFrame(
        {
            "zone": ["a", "a", "b"],
            "now": [311, 211, 311],
            "before": [311, 211, 311],
            "age": [100] * 3,
            "area_ha": [1.0, 2.0, 3.0],
        }
    )
    table = class_area_table(joint)
    assert table.loc["a", 211] == 2.0 and table.loc["b", 211] == 0.0


def test_riparian_hedges_along_stream_banks() -> None:
    """1 ha of farmland crossed by 0.1 ha of stream mapped at 10 m: 100 m of stream, two banks,
    0.2 km of hedge; young rate 1.16 + soil 0.34 t C/(km a) -> 0.3 t C/a = 1.1 t CO2/a."""
    tables = load_carbon_tables()
    empty = gpd.GeoDataFrame({"area_id": []}, geometry=[], crs=CRS)
    parcel = _one_parcel("agricultural", "farmland")
    result = sink_potential(
        parcel,
        pd.DataFrame({231: [0.9], 511: [0.1]}, index=["S"]),
        pd.Series(dtype=float),
        empty,
        tables,
        {},
    )
    banks = result.measures[
        (result.measures["measure"] == "hedgerow") & (result.measures["unit"] == "km")
    ]
    riparian = banks[np.isclose(banks["amount"], 0.2)]
    assert len(riparian) == 1
    assert riparian["potential_2030_tco2_a"].iloc[0] == pytest.approx(0.2 * (1.16 + 0.34) * 44 / 12)
