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
from minettgeo.land.potential import allocate, baseline_rates, growth_curve, sink_potential
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
    # young forest grows; mature forest follows IFL3 (a net source 2010-2023)
    assert young_311 > 0 > mature_311


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
    """2012 -> 2024 (T = 12), pixels of 0.01 ha, the InVEST table of the fixture
    (biomass = above + below + dead: 311 139, 324 56, 211 5, 112 11, 333 1; soil 81, 45, 56,
    54, 14), IPCC 2006 Eq. 2.15-2.16 and 2.25 with D = 20 years:

    - 333 -> 324 (forest, no age raster: age clipped to T, young): previous biomass lost
      1/12, growth at the 324 young rate 1.41 + 0.649 + 0.1 = 2.159, soil (45 - 14)/20 = 1.55;
    - 211 -> 112 (settlement): biomass lost 5/12, soil (54 - 56)/20 = -0.1, no gain;
    - 311 -> 112 (settlement): biomass lost 139/12, soil (54 - 81)/20 = -1.35."""
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
    removal_tc = 0.01 * (2.159 + 1.55)
    emission_tc = 0.01 * (1 / 12) + 0.01 * (5 / 12 + 0.1) + 0.01 * (139 / 12 + 1.35)
    assert acc["luc_removal_tco2_a"] == pytest.approx(removal_tc * CO2_PER_C)
    assert acc["luc_emission_tco2_a"] == pytest.approx(emission_tc * CO2_PER_C)
    assert acc["land_changed_ha"] == pytest.approx(0.03)
    assert acc["converted_to_forest_ha"] == pytest.approx(0.01)
    with pytest.raises(LandCarbonError, match="years"):
        carbon_accounts(
            joint_areas(inputs, zones, "parcel_id", processes=1),
            carbon,
            LandInputs(landcover=lc_now, landcover_before=lc_before, year=2012, year_before=2024),
        )


def _one_change(
    tmp_path: Path,
    before_code: int,
    now_code: int,
    years: tuple[int, int],
    age: int | None = None,
    **kwargs: bool,
) -> pd.Series:
    """Accounts of a 3 x 3 block (0.09 ha) that changed from one class to another."""
    lc_now = write(tmp_path / "now.tif", np.full((3, 3), now_code, dtype=np.uint16))
    lc_before = write(tmp_path / "before.tif", np.full((3, 3), before_code, dtype=np.uint16))
    age_path = (
        write(tmp_path / "age.tif", np.full((3, 3), age, dtype=np.uint8), nodata=255)
        if age is not None
        else None
    )
    zones = gpd.GeoDataFrame(
        {"parcel_id": ["P"]}, geometry=[shapely.box(X0, Y1 - 30, X0 + 30, Y1)], crs=CRS
    )
    inputs = LandInputs(
        landcover=lc_now,
        landcover_before=lc_before,
        forest_age=age_path,
        year=years[1],
        year_before=years[0],
    )
    joint = joint_areas(inputs, zones, "parcel_id", processes=1)
    return carbon_accounts(joint, load_carbon_tables(), inputs, **kwargs).loc["P"]


def test_arable_to_forest_over_20_years(tmp_path: Path) -> None:
    """0.09 ha of arable land (211: biomass 4.0 + 1.0 + 0, soil 56.7) planted to broadleaf (311,
    soil 81) and mapped 20 years apart, stand age 5 (young):
    biomass lost 5.0 / 20 = 0.25 t C/(ha a); growth 1.880 + 0.865 + 0.2 = 2.945;
    soil (81 - 56.7) / 20 = 1.215; removal 2.945 + 1.215 = 4.16 t C/(ha a) = 15.25 t CO2,
    emission 0.25 t C = 0.917 t CO2: net 14.3 t CO2/(ha a), inside the 14-20 of young-stand
    rates plus soil (the stock jump of (220.4 - 61.7) / 20 = 29.1 t CO2/(ha a) is gone)."""
    acc = _one_change(tmp_path, 211, 311, (2004, 2024), age=5)
    assert acc["luc_removal_tco2_a"] == pytest.approx(0.09 * 4.16 * CO2_PER_C)
    assert acc["luc_emission_tco2_a"] == pytest.approx(0.09 * 0.25 * CO2_PER_C)
    assert acc["growth_removal_tco2_a"] == 0
    per_ha = -acc["land_net_flux_tco2_a"] / 0.09
    assert per_ha == pytest.approx((4.16 - 0.25) * 44 / 12)  # 14.34
    assert 14 <= per_ha <= 20


def test_forest_to_settlement(tmp_path: Path) -> None:
    """311 (biomass 100 + 24 + 15.4 = 139.4, soil 81) -> 112 (soil 54.3), 12 years apart:
    all biomass lost (B_after = 0 for settlements): 139.4 / 12 = 11.617 t C/(ha a); soil
    (81 - 54.3) / 20 = 1.335; emission 12.952 t C/(ha a) = 47.49 t CO2; no removal."""
    acc = _one_change(tmp_path, 311, 112, (2012, 2024))
    assert acc["luc_emission_tco2_a"] == pytest.approx(0.09 * (139.4 / 12 + 1.335) * CO2_PER_C)
    assert acc["luc_removal_tco2_a"] == 0


@pytest.mark.parametrize(
    ("before_code", "emission_tc_ha_a"),
    [
        (211, 5.0 / 12 + (56.7 - 54.3) / 20),  # arable: crop biomass lost, soil 56.7 -> 54.3
        (133, 0.0),  # construction site: no biomass; its soil gain 27.5 -> 54.3 not credited
        (231, (1.1 + 5.3) / 12 + (92.3 - 54.3) / 20),  # pasture
    ],
    ids=["arable", "building-land", "pasture"],
)
def test_farmland_or_building_land_to_settlement_is_not_a_removal(
    tmp_path: Path, before_code: int, emission_tc_ha_a: float
) -> None:
    """New settlement (112, biomass 9.2 + 2.4 + 0.2 = 11.8) gets no urban-tree stock at once:
    B_after = 0, and soil gains on land converted to settlements are not credited."""
    acc = _one_change(tmp_path, before_code, 112, (2012, 2024))
    assert acc["luc_removal_tco2_a"] == 0
    assert acc["luc_emission_tco2_a"] == pytest.approx(0.09 * emission_tc_ha_a * CO2_PER_C)
    assert acc["land_net_flux_tco2_a"] >= 0


@pytest.mark.parametrize(
    ("age", "years", "rate_tc_ha_a"),
    [
        (3, (2012, 2024), 1.880 + 0.865 + 0.2),  # young (<= 20 yr) class: 2.945
        (12, (2012, 2024), 1.880 + 0.865 + 0.2),
        (None, (2012, 2024), 1.880 + 0.865 + 0.2),  # unknown: no older than T = 12
        (25, (1994, 2024), -0.4615 - 0.1108 + 0.183),  # 25-year stand: mature rate -0.3893
    ],
    ids=["age-3", "age-12", "age-unknown", "age-25"],
)
def test_a_young_stand_follows_its_age(
    tmp_path: Path, age: int | None, years: tuple[int, int], rate_tc_ha_a: float
) -> None:
    """Bare rock (333: biomass 0.3 + 0.5, soil 13.8) turned broadleaf (311): the removal is the
    growth rate of the stand's age, not (220.4 - 14.6) / T, plus the soil change over 20 years
    (or T when longer): (81 - 13.8) / max(20, T); the rock's 0.8 t C/ha is lost over T."""
    acc = _one_change(tmp_path, 333, 311, years, age=age)
    span = years[1] - years[0]
    soil = (81 - 13.8) / max(20, span)
    gain = max(rate_tc_ha_a, 0.0) + soil
    loss = max(-rate_tc_ha_a, 0.0) + 0.8 / span
    assert acc["luc_removal_tco2_a"] == pytest.approx(0.09 * gain * CO2_PER_C)
    assert acc["luc_emission_tco2_a"] == pytest.approx(0.09 * loss * CO2_PER_C)
    jump = 0.09 * (220.4 - 14.6) / span * CO2_PER_C
    assert acc["luc_removal_tco2_a"] < jump


def test_urban_trees_are_a_separate_optional_component(tmp_path: Path) -> None:
    """112 remaining 112: Tier 1 settlements, no net change; with --urban-trees the gross
    Nowak crown-cover growth 15 % x 2.8 = 0.42 t C/(ha a) is reported apart, the net flux
    unchanged."""
    tier1 = _one_change(tmp_path, 112, 112, (2012, 2024))
    trees = _one_change(tmp_path, 112, 112, (2012, 2024), urban_trees=True)
    assert tier1["growth_removal_tco2_a"] == 0 and tier1["urban_tree_removal_tco2_a"] == 0
    assert trees["urban_tree_removal_tco2_a"] == pytest.approx(0.09 * 0.42 * CO2_PER_C)
    assert trees["land_net_flux_tco2_a"] == tier1["land_net_flux_tco2_a"] == 0


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
    """Afforestation: young 2.745 + dead 0.5 + soil 0.70 = 3.945 t C/(ha a) for 20 years, then
    mature 1.54 (soil transition over): at 2050 after a 2026 start (t = 24) 1.54."""
    params = load_carbon_tables().measures["afforestation_broadleaf"]
    curve = growth_curve(params, np.array([-1, 0, 4, 19, 20, 24]))
    np.testing.assert_allclose(curve, [0.0, 3.945, 3.945, 3.945, 1.54, 1.54])


def _one_parcel(zoning: str, form: str = "slag_heap", size: float = 100.0) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"parcel_id": ["S"], "zoning": [zoning], "urban_form": [form]},
        geometry=[shapely.box(0, 0, size, size)],  # 1 ha by default
        crs=CRS,
    )


NO_RESERVE = gpd.GeoDataFrame({"area_id": []}, geometry=[], crs=CRS)


def test_afforestation_potential_by_hand() -> None:
    """1 ha slag heap (132) zoned green, outside reserves, started 2026, uptake 1 (central and
    upper), no baseline change:
    2030: 3.945 x 44/12 = 14.465 t CO2/a; 2050: 1.54 x 44/12 = 5.647 t CO2/a;
    cumulative 2026-2050: (20 x 3.945 + 5 x 1.54) = 86.6 t C = 317.5 t CO2.
    Upper bound (high rates): 2030 (4.0 + 0.77 + 1.22) x 44/12 = 21.963; 2050 2.745 x 44/12."""
    tables = load_carbon_tables()
    classes = pd.DataFrame({132: [1.0]}, index=["S"])
    result = sink_potential(
        _one_parcel("green"), classes, pd.Series(dtype=float), NO_RESERVE, tables, {}
    )
    row = result.parcels.loc["S"]
    assert row["sink_measures"] == "afforestation_broadleaf"
    assert row["sink_area_ha"] == pytest.approx(1.0)
    assert row["sink_potential_2030_tco2_a"] == pytest.approx(3.945 * 44 / 12)
    assert row["sink_potential_2050_tco2_a"] == pytest.approx(1.54 * 44 / 12)
    assert row["sink_cumulative_2050_tco2"] == pytest.approx(86.6 * 44 / 12)
    assert row["sink_potential_2030_upper_tco2_a"] == pytest.approx(5.99 * 44 / 12)
    assert row["sink_potential_2050_upper_tco2_a"] == pytest.approx(2.745 * 44 / 12)
    assert row["sink_policy_2050_tco2_a"] == 0  # afforestation is land management
    assert row["sink_rank"] == 1


def test_a_measure_on_land_already_changing_counts_only_its_addition() -> None:
    """The inventory saw bare rock (333) in the reserves turning into woodland: 2 ha that were
    333, 3 t C/a of net removal on them, so b = 1.5 t C/(ha a); outside reserves 333 stood still.
    Grassland restoration on 1 ha of reserve rock, 2030: max(0, 0.155 + 0.70 - 1.5) = 0 (it
    removes less than the succession it stops: no additional sink), forgone 1.5 x 44/12; upper
    bound (high rates 0.4 + 1.22 = 1.62): (1.62 - 1.5) x 44/12 = 0.44 t CO2/a.
    Afforestation outside: b = 0, 3.945 x 44/12 = 14.465 as without a baseline."""
    tables = load_carbon_tables()
    fluxes = pd.DataFrame(
        {
            "zone": ["R1", "R2", "F1"],
            "before": [333, 333, 333],
            "area_ha": [1.0, 1.0, 4.0],
            "net_removal_tc_a": [3.0, 0.0, 0.0],
        }
    )
    base = baseline_rates(fluxes, pd.Series({"R1": 1.0, "R2": 0.9, "F1": 0.0}))
    assert base.loc[(333, True), "rate"] == pytest.approx(1.5)
    assert base.loc[(333, False), "rate"] == 0
    reserve = gpd.GeoDataFrame(
        {"area_id": ["PA1"]}, geometry=[shapely.box(-10, -10, 110, 110)], crs=CRS
    )
    classes = pd.DataFrame({333: [1.0]}, index=["S"])
    inside = sink_potential(
        _one_parcel("green"), classes, pd.Series(dtype=float), reserve, tables, {}, baseline=base
    )
    detail = inside.measures.set_index("measure").loc["grassland_restoration"]
    assert detail["potential_2030_tco2_a"] == 0
    assert detail["potential_2030_upper_tco2_a"] == pytest.approx((1.62 - 1.5) * 44 / 12)
    assert detail["baseline_tco2_a"] == pytest.approx(1.5 * 44 / 12)
    assert inside.parcels.loc["S", "sink_rank"] == 0  # not ranked as a sink
    outside = sink_potential(
        _one_parcel("green"), classes, pd.Series(dtype=float), NO_RESERVE, tables, {}, baseline=base
    )
    assert outside.parcels.loc["S", "sink_potential_2030_tco2_a"] == pytest.approx(3.945 * 44 / 12)


def test_areas_claimed_on_one_parcel_never_exceed_it() -> None:
    """Claims in priority order, cut to what is left: parcel 1.0 ha, claims 0.6, 0.7, 0.2 ->
    granted 0.6, 0.4, 0.0; a second parcel of 2 ha keeps 0.5, 0.5, 0.5."""
    granted = allocate(np.array([[0.6, 0.5], [0.7, 0.5], [0.2, 0.5]]), np.array([1.0, 2.0]))
    np.testing.assert_allclose(granted, [[0.6, 0.5], [0.4, 0.5], [0.0, 0.5]])


def test_street_trees_go_on_the_street_area_not_unsealed(tmp_path: Path) -> None:
    """1 ha public street parcel of 122 (80 % sealed), no building. Rules: unsealing a fifth
    of the sealed area (priority 5), street trees on the whole parcel (priority 6, share 1 in
    this rule file). Upper bound (uptake 1): unsealing 0.8 x 0.2 = 0.16 ha; street trees
    asked 1.0 ha, granted 1 - 0.16 = 0.84 ha. Central (uptake 0.5 each): 0.08 and 0.5."""
    tables = load_carbon_tables()
    rules = tmp_path / "rules.csv"
    shipped = tables.rules
    shipped.loc[shipped["measure"] == "street_trees", "share"] = 1.0
    shipped.to_csv(rules, index=False)
    result = sink_potential(
        _one_parcel("public", "street"),
        pd.DataFrame({122: [1.0]}, index=["S"]),
        pd.Series(dtype=float),
        NO_RESERVE,
        load_carbon_tables(rules=rules),
        {122: 0.8},
    )
    detail = result.measures.set_index("measure")
    assert detail.loc["unsealing_green", "area_upper_ha"] == pytest.approx(0.16)
    assert detail.loc["street_trees", "area_upper_ha"] == pytest.approx(0.84)
    assert detail.loc["unsealing_green", "area_ha"] == pytest.approx(0.08)
    assert detail.loc["street_trees", "area_ha"] == pytest.approx(0.5)
    assert result.parcels.loc["S", "sink_area_upper_ha"] == pytest.approx(1.0)
    assert detail.loc["unsealing_green", "category"] == "policy_dependent"
    assert result.parcels.loc["S", "sink_policy_2050_tco2_a"] == pytest.approx(
        detail.loc["unsealing_green", "potential_2050_tco2_a"]
    )


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ({"category": "wish"}, r"'category' of \['hedgerow'\]"),
        ({"uptake_central": 0.9, "uptake_upper": 0.4}, r"hedgerow.*uptake_central <="),
        ({"uptake_upper": 1.5}, r"hedgerow.*<= 1"),
        ({"rates_upper": "max"}, r"'rates_upper' of \['hedgerow'\]"),
        ({"priority": "first"}, r"'priority' of \['hedgerow'\]"),
    ],
)
def test_sink_assumptions_are_validated(tmp_path: Path, edit: dict, message: str) -> None:
    table = pd.read_csv(Path(__file__).parents[1] / "src/minettgeo/land/data/sink_assumptions.csv")
    for col, value in edit.items():
        table[col] = table[col].astype(object)
        table.loc[table["measure"] == "hedgerow", col] = value
    path = tmp_path / "wg.csv"
    table.to_csv(path, index=False)
    with pytest.raises(LandCarbonError, match=rf"sink assumptions {path}: .*" + message):
        load_carbon_tables(assumptions=path)


def test_sink_assumptions_need_every_measure(tmp_path: Path) -> None:
    table = pd.read_csv(Path(__file__).parents[1] / "src/minettgeo/land/data/sink_assumptions.csv")
    path = tmp_path / "wg.csv"
    table[table["measure"] != "agroforestry"].to_csv(path, index=False)
    with pytest.raises(LandCarbonError, match=r"no row for measure\(s\) \['agroforestry'\]"):
        load_carbon_tables(assumptions=path)
    table.drop(columns=["priority"]).to_csv(path, index=False)
    with pytest.raises(LandCarbonError, match=r"lack column.*priority"):
        load_carbon_tables(assumptions=path)


def test_the_working_groups_assumptions_change_the_scenario(tmp_path: Path) -> None:
    """Uptake 0.25 for afforestation: 0.25 ha of the 1 ha slag heap, 2030 0.25 x 14.465."""
    table = pd.read_csv(Path(__file__).parents[1] / "src/minettgeo/land/data/sink_assumptions.csv")
    table.loc[table["measure"] == "afforestation_broadleaf", "uptake_central"] = 0.25
    path = tmp_path / "wg.csv"
    table.to_csv(path, index=False)
    tables = load_carbon_tables(assumptions=path)
    result = sink_potential(
        _one_parcel("green"),
        pd.DataFrame({132: [1.0]}, index=["S"]),
        pd.Series(dtype=float),
        NO_RESERVE,
        tables,
        {},
    )
    assert result.parcels.loc["S", "sink_potential_2030_tco2_a"] == pytest.approx(
        0.25 * 3.945 * 44 / 12
    )
    assert tables.provenance()["carbon_tables"]["sink_assumptions"] == str(path)  # type: ignore[index]


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
    """1 ha of 121 (90 % sealed) with 0.3 ha of buildings: (0.9 - 0.3) x 0.2 = 0.12 ha unsealed
    in the upper bound, x uptake 0.5 = 0.06 ha in the central scenario."""
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
    assert detail.loc["unsealing_green", "area_upper_ha"] == pytest.approx(0.12)
    assert detail.loc["unsealing_green", "area_ha"] == pytest.approx(0.06)


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
    0.2 km of hedge in the upper bound, x uptake 0.5 = 0.1 km central; young rate 1.16 + soil
    0.34 t C/(km a) -> 0.15 t C/a = 0.55 t CO2/a central."""
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
    riparian = banks[np.isclose(banks["amount_upper"], 0.2)]
    assert len(riparian) == 1
    assert riparian["amount"].iloc[0] == pytest.approx(0.1)
    assert riparian["potential_2030_tco2_a"].iloc[0] == pytest.approx(0.1 * (1.16 + 0.34) * 44 / 12)
