"""Land carbon: exact zonal statistics, stocks, removals, land-use change and sink potential,
checked against hand computation on tiny rasters."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
import shapely
from affine import Affine

from minettgeo import CRS
from minettgeo.errors import LandCarbonError, ParameterError
from minettgeo.land.areas import (
    NOW,
    UNKNOWN_AGE,
    LandInputs,
    class_area_table,
    encode_bands,
    joint_areas,
)
from minettgeo.land.carbon import (
    before_fluxes,
    carbon_accounts,
    central_parameters,
    land_groups,
    land_years,
)
from minettgeo.land.claims import (
    _codes,
    _names,
    allocate,
    baseline_rates,
    protected_share,
    rule_claims,
)
from minettgeo.land.growth import additional_curve, growth_curve, upper_parameters
from minettgeo.land.potential import (
    DETAIL_COLUMNS,
    measure_lists,
    parcel_totals,
    sink_potential,
)
from minettgeo.land.rasters import carbon_stock_raster, parcel_value_raster
from minettgeo.land.rates import (
    key_values,
    rate_key_of,
    rate_keys,
    removal_rate,
    urban_tree_rate,
)
from minettgeo.land.tables import CO2_PER_C, CarbonTables, load_carbon_tables
from minettgeo.land.zonal import class_areas, combine, pixel_area_m2, same_grid
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


# ------------------------------------------------------------------ the parts of the accounts by hand (a user table and round removal rates)
# biomass (above + below + dead) and soil, t C/ha:
# 311: 130, 80; 211: 5, 60; 112: 10, 50; 333: 1, 10; 231: 6, 90
USER_TABLE = """LUCODE , C_Above,c_below,c_soil,c_dead,name
311,100,20,80,10,forest
211,4,1,60,0,arable
112,8,2,50,0,urban
333,1,0,10,0,rock
231,2,4,90,0,pasture
"""


# rates, t C/(ha a): 311 young (0-20) 3 + 1 = 4, mature (20-) -0.5; 211 0.2 at any age;
# 324 only a young class (0-20) 1.5; 112 no row (0)
RATES = pd.DataFrame(
    {
        "lucode": [311, 311, 311, 211, 324],
        "age_min": [0, 0, 20, 0, 0],
        "age_max": [20, 20, 999, 999, 20],
        "pool": ["above", "below", "above", "soil", "above"],
        "value": [3.0, 1.0, -0.5, 0.2, 1.5],
        "low": [2.0, 0.5, -1.0, 0.1, 1.0],
        "high": [4.0, 1.5, 0.0, 0.3, 2.0],
    }
)


def user_tables(tmp_path: Path) -> CarbonTables:
    """The shipped tables with USER_TABLE as the carbon table and RATES as removal rates."""
    path = tmp_path / "user_carbon.csv"
    path.write_text(USER_TABLE)
    return replace(load_carbon_tables(path), removal=RATES)


@pytest.fixture()
def tables(tmp_path: Path) -> CarbonTables:
    return user_tables(tmp_path)


def test_encode_bands_with_before_and_age() -> None:
    """code = now x 1e6 + before x 1e3 + age; before nodata (0) -> now; age nodata (255) ->
    100 (unknown); ages clipped to 0-999; now nodata -> 0; code 1 is a class like any other."""
    now = np.array([311, 0, 211, 112, 324, 1, 311])
    before = np.array([211, 311, 0, 112, 324, 1, 1])
    age = np.array([5, 7, 255, 1200, 0, 3, -3])
    code = encode_bands(True, True)([now, before, age])  # type: ignore[operator]
    np.testing.assert_array_equal(
        code,
        [
            311_000_000 + 211_000 + 5,
            0,
            211_000_000 + 211_000 + 100,
            112_000_000 + 112_000 + 999,
            324_000_000 + 324_000 + 0,
            1_000_000 + 1_000 + 3,
            311_000_000 + 1_000 + 0,
        ],
    )


def test_encode_bands_without_before_or_age() -> None:
    """One map: before = now, age unknown (100); with an age raster but no earlier map the age
    is the last band."""
    now = np.array([311, 0])
    only_now = encode_bands(False, False)([now])  # type: ignore[operator]
    np.testing.assert_array_equal(only_now, [311_311_100, 0])
    with_age = encode_bands(False, True)([now, np.array([30, 30])])  # type: ignore[operator]
    np.testing.assert_array_equal(with_age, [311_311_030, 0])
    with_before = encode_bands(True, False)([now, np.array([211, 211])])  # type: ignore[operator]
    np.testing.assert_array_equal(with_before, [311_211_100, 0])
    assert NOW == 1_000_000 and UNKNOWN_AGE == 100


def test_rate_keys_and_the_key_of_each_class_and_age() -> None:
    """Keys in order of first appearance: (311, 0, 20) 0, (311, 20, 999) 1, (211, 0, 999) 2,
    (324, 0, 20) 3. An age is in [age_min, age_max); a class ending at 999 is open above
    (1500 -> mature); 324 at 20 or more and 112 (no row) have no key (-1)."""
    keys = rate_keys(RATES)
    assert list(keys.columns) == ["lucode", "age_min", "age_max", "key"]
    assert keys[["lucode", "age_min", "age_max"]].values.tolist() == [
        [311, 0, 20],
        [311, 20, 999],
        [211, 0, 999],
        [324, 0, 20],
    ]
    np.testing.assert_array_equal(keys["key"], [0, 1, 2, 3])
    lucode = np.array([311, 311, 311, 311, 311, 211, 211, 112, 324, 324, 324])
    age = np.array([0, 19, 20, 999, 1500, 0, 999, 5, 19, 20, 999])
    np.testing.assert_array_equal(
        rate_key_of(keys, lucode, age), [0, 0, 1, 1, 1, 2, 2, -1, 3, -1, -1]
    )


def test_key_values_sum_the_pools_and_end_with_a_zero_row() -> None:
    """Per key: 3 + 1 = 4, -0.5, 0.2, 1.5, and the last row (key -1) 0; two draws (x1, x2)."""
    keys = rate_keys(RATES)
    values = RATES["value"].to_numpy()
    np.testing.assert_allclose(key_values(RATES, keys, values), [4.0, -0.5, 0.2, 1.5, 0.0])
    two = key_values(RATES, keys, values[:, None] * np.array([1.0, 2.0]))
    np.testing.assert_allclose(two, [[4.0, 8.0], [-0.5, -1.0], [0.2, 0.4], [1.5, 3.0], [0.0, 0.0]])


def test_removal_rate_per_class_and_age(tables: CarbonTables) -> None:
    """311 young 4, mature -0.5, 211 0.2, 112 (no row) 0, 324 past its last class 0."""
    rate = removal_rate(tables, np.array([311, 311, 211, 112, 324]), np.array([5, 25, 0, 0, 30]))
    np.testing.assert_allclose(rate, [4.0, -0.5, 0.2, 0.0, 0.0])


def test_central_parameters(tables: CarbonTables) -> None:
    """Biomass above + below + dead and soil per code in the table's row order."""
    params = central_parameters(tables)
    np.testing.assert_array_equal(params.codes, [311, 211, 112, 333, 231])
    np.testing.assert_allclose(params.biomass, [130.0, 5.0, 10.0, 1.0, 6.0])
    np.testing.assert_allclose(params.soil, [80.0, 60.0, 50.0, 10.0, 90.0])
    np.testing.assert_allclose(params.rate, [4.0, -0.5, 0.2, 1.5, 0.0])


#: two zones, maps 2010 and 2020 (T = 10 years, soil transition D = 20 years)
JOINT = pd.DataFrame(
    {
        "zone": ["A", "A", "A", "B", "B", "B", "B"],
        "now": [311, 311, 112, 211, 311, 112, 211],
        "before": [311, 211, 112, 311, 311, 333, 211],
        "age": [50, 5, 100, 100, 10, 100, 100],
        "area_ha": [2.0, 1.0, 3.0, 0.5, 1.5, 1.0, 2.0],
    }
)


INPUTS = LandInputs(
    landcover=Path("now.tif"), landcover_before=Path("before.tif"), year=2020, year_before=2010
)


def test_carbon_accounts_every_column_by_hand(tables: CarbonTables) -> None:
    """Zone A:
    - 2 ha mature forest remaining: growth 2 x -0.5 = -1.0;
    - 1 ha arable -> forest (age 5, young): biomass lost 1 x (0 - 5) / 10 = -0.5, growth
      1 x 4 = 4, soil 1 x (80 - 60) / max(20, 10) = 1: gain 5, loss 0.5;
    - 3 ha settlement remaining: no rate, 0.
    Zone B:
    - 0.5 ha forest -> arable (age unknown, clipped to T = 10; 211 has one class, 0.2):
      biomass 0.5 x (5 - 130) / 10 = -6.25 (B_after of cropland is its stock), arable is not
      forest (no growth), soil 0.5 x (60 - 80) / 20 = -0.5: loss 6.75;
    - 1.5 ha young forest remaining (age 10): growth 1.5 x 4 = 6;
    - 1 ha rock -> settlement: biomass (0 - 1) / 10 = -0.1, soil (50 - 10) / 20 = +2 not
      credited on settlements: loss 0.1, gain 0;
    - 2 ha arable remaining: growth 2 x 0.2 = 0.4 (not forest).
    Stocks: A above 2 x 100 + 100 + 3 x 8 = 324, below 40 + 20 + 6 = 66, soil 160 + 80 + 150
    = 390, dead 20 + 10 = 30, total 810; B above 0.5 x 4 + 1.5 x 100 + 8 + 2 x 4 = 168, below
    0.5 + 30 + 2 + 2 = 34.5, soil 30 + 120 + 50 + 120 = 320, dead 15, total 537.5.
    Net flux (t CO2/a) = (loss - gain - growth) x 44/12: A (0.5 - 5 + 1) = -3.5, B (6.85 - 0 -
    6.4) = 0.45."""
    acc = carbon_accounts(JOINT, tables, INPUTS)
    assert list(acc.index) == ["A", "B"]
    expected = {
        "land_area_ha": [6.0, 5.0],
        "carbon_above_tc": [324.0, 168.0],
        "carbon_below_tc": [66.0, 34.5],
        "carbon_soil_tc": [390.0, 320.0],
        "carbon_dead_tc": [30.0, 15.0],
        "carbon_stock_tc": [810.0, 537.5],
        "carbon_stock_tco2e": [810.0 * 44 / 12, 537.5 * 44 / 12],
        "growth_removal_tco2_a": [-1.0 * 44 / 12, 6.4 * 44 / 12],
        "forest_growth_tco2_a": [-1.0 * 44 / 12, 6.0 * 44 / 12],
        "luc_removal_tco2_a": [5.0 * 44 / 12, 0.0],
        "luc_emission_tco2_a": [0.5 * 44 / 12, 6.85 * 44 / 12],
        "land_changed_ha": [1.0, 1.5],
        "forest_remaining_ha": [2.0, 1.5],
        "converted_to_forest_ha": [1.0, 0.0],
        "land_net_flux_tco2_a": [-3.5 * 44 / 12, 0.45 * 44 / 12],
        "urban_tree_removal_tco2_a": [0.0, 0.0],
    }
    assert list(acc.columns) == list(expected)
    for column, values in expected.items():
        np.testing.assert_allclose(acc[column], values, atol=1e-12, err_msg=column)


def test_urban_trees_on_settlements_remaining_settlements(tables: CarbonTables) -> None:
    """Shipped urban-tree rate of 112: 0.333 + 0.087 = 0.42 t C/(ha a), on the 3 ha of 112
    remaining 112 in A: 1.26 t C/a = 4.62 t CO2/a; the 1 ha of new settlement in B gets none;
    the net flux does not change."""
    acc = carbon_accounts(JOINT, tables, INPUTS, urban_trees=True)
    np.testing.assert_allclose(acc["urban_tree_removal_tco2_a"], [1.26 * 44 / 12, 0.0])
    np.testing.assert_allclose(acc["land_net_flux_tco2_a"], [-3.5 * 44 / 12, 0.45 * 44 / 12])


def test_before_fluxes_by_zone_and_earlier_class(tables: CarbonTables) -> None:
    """Net removal (growth + gain - loss, t C/a) of the pieces of the accounts above, summed by
    (zone, class before): A 311 -1, A 211 5 - 0.5 = 4.5, A 112 0; B 311 -6.75 + 6 = -0.75
    (2 ha), B 333 -0.1, B 211 0.4."""
    got = before_fluxes(JOINT, tables, INPUTS).set_index(["zone", "before"])
    assert list(got.columns) == ["area_ha", "net_removal_tc_a"]
    expected = {
        ("A", 112): (3.0, 0.0),
        ("A", 211): (1.0, 4.5),
        ("A", 311): (2.0, -1.0),
        ("B", 211): (2.0, 0.4),
        ("B", 311): (2.0, -0.75),
        ("B", 333): (1.0, -0.1),
    }
    assert sorted(got.index) == sorted(expected)
    for key, (area, net) in expected.items():
        assert got.loc[key, "area_ha"] == pytest.approx(area)
        assert got.loc[key, "net_removal_tc_a"] == pytest.approx(net, abs=1e-12)


def test_land_groups_flags_and_years(tables: CarbonTables) -> None:
    """Rows with the same (zone, now, before, key) are merged (1 + 2 ha of young forest in
    A); converted land's age is clipped to T (50 -> 10: young key); the flags follow the
    shipped categories; one map (T = 1) and T below one year count as 1."""
    joint = pd.DataFrame(
        {
            "zone": ["A", "A", "A", "A", "A"],
            "now": [311, 311, 311, 112, 999],
            "before": [311, 311, 211, 211, 999],
            "age": [3, 12, 50, 100, 100],
            "area_ha": [1.0, 2.0, 4.0, 0.5, 0.25],
        }
    )
    big = replace(
        tables,
        pools=pd.concat(
            [tables.pools, pd.DataFrame({p: [0.0] for p in tables.pools.columns}, index=[999])]
        ),
    )
    g = land_groups(joint, big, 10.0)
    # positions in the pools' order 311, 211, 112, 333, 231, 999
    np.testing.assert_array_equal(g.now, [0, 0, 2, 5])
    np.testing.assert_array_equal(g.before, [0, 1, 1, 5])
    np.testing.assert_array_equal(g.key, [0, 0, -1, -1])
    np.testing.assert_allclose(g.area_ha, [3.0, 4.0, 0.5, 0.25])
    np.testing.assert_array_equal(g.changed, [False, True, True, False])
    np.testing.assert_array_equal(g.forest, [True, True, False, False])
    np.testing.assert_array_equal(g.settlement, [False, False, True, False])
    # 999 has no category row: 'other', B_after its stock
    np.testing.assert_array_equal(g.after_zero, [True, True, True, False])
    assert list(g.zone) == ["A"] * 4 and g.years == 10.0
    assert land_groups(joint, big, 1.0).years == 1.0
    assert land_groups(joint, big, 0.5).years == 1.0


def test_converted_land_one_year_apart_is_one_year_old(tables: CarbonTables) -> None:
    """Maps one year apart (or less): a stand on converted land is at most 1 year old, in the
    age class [0, 2) of this table, not [2, 999)."""
    rates = pd.DataFrame(
        {"lucode": [311, 311], "age_min": [0, 2], "age_max": [2, 999], "pool": "above"}
    ).assign(value=[1.0, 2.0], low=0.0, high=3.0)
    joint = pd.DataFrame(
        {"zone": ["A"], "now": [311], "before": [211], "age": [50], "area_ha": [1.0]}
    )
    for years in (1.0, 0.5):
        groups = land_groups(joint, replace(tables, removal=rates), years)
        np.testing.assert_array_equal(groups.key, [0])


def test_class_area_table_sums_rows_of_one_class(tables: CarbonTables) -> None:
    """A: 311 = 2 + 1 (two pieces with different earlier classes), 112 = 3; B: 211 = 0.5 + 2."""
    table = class_area_table(JOINT)
    assert table.loc["A", 311] == 3.0 and table.loc["A", 112] == 3.0
    assert table.loc["B", 211] == 2.5 and table.loc["A", 211] == 0.0


@pytest.mark.parametrize(
    ("year_before", "year", "expected"),
    [
        (2010, 2020, 10.0),
        (2023, 2024, 1.0),
        (None, 2024, None),
        (2012, None, None),
        (2024, 2024, None),
        (2024, 2012, None),
    ],
)
def test_years_between_the_maps(
    year_before: int | None, year: int | None, expected: float | None
) -> None:
    """T = year - year before; both years needed and in order (an earlier map without a year
    tag used to give T = 2024 - 0 years, spreading the change over two millennia); one map:
    1 year."""
    inputs = LandInputs(
        landcover=Path("now.tif"),
        landcover_before=Path("before.tif"),
        year=year,
        year_before=year_before,
    )
    if expected is None:
        with pytest.raises(
            LandCarbonError, match=rf"both land-cover maps.*got {year_before} and {year}"
        ):
            land_years(inputs)
    else:
        assert land_years(inputs) == expected
    assert land_years(LandInputs(landcover=Path("now.tif"), year=2024)) == 1.0


def test_urban_tree_rate_of_classes_without_a_row() -> None:
    """112: 0.333 + 0.087 = 0.42 t C/(ha a); 121 (a settlement without a row) and 311: 0."""
    rate = urban_tree_rate(load_carbon_tables(), np.array([112, 121, 311]))
    np.testing.assert_allclose(rate, [0.42, 0.0, 0.0])


def test_codes_without_a_carbon_row_are_named_with_their_map(tables: CarbonTables) -> None:
    """A code of the later map (999) names now.tif; one only on the earlier map names
    before.tif."""
    now_missing = JOINT.assign(now=JOINT["now"].replace({112: 999}))
    with pytest.raises(LandCarbonError, match=r"code\(s\) 999 in now\.tif have no row"):
        carbon_accounts(now_missing, tables, INPUTS)
    before_missing = JOINT.assign(before=JOINT["before"].replace({333: 998}))
    with pytest.raises(LandCarbonError, match=r"code\(s\) 998 in before\.tif have no row"):
        carbon_accounts(before_missing, tables, INPUTS)


# ------------------------------------------------------------------ rasters strip by strip and the zonal helpers
def write_grid(path: Path, data: np.ndarray, nodata: int | None = 0, **kwargs: object) -> Path:
    transform = kwargs.pop("transform", TRANSFORM)
    return write_raster(path, data, transform=transform, nodata=nodata, **kwargs)  # type: ignore[arg-type]


def read_cog(path: Path) -> tuple[np.ndarray, dict[str, str], dict[str, str], float | None]:
    with rasterio.open(path) as src:
        return src.read(1), src.tags(), src.tags(ns="IMAGE_STRUCTURE"), src.nodata


def test_carbon_stock_raster_strip_by_strip(tmp_path: Path) -> None:
    """nodata 65535, strips of 2 rows over 3: code 0 is a class here (5 t C/ha), 1023 the last
    code of the lookup (3), 5 has no stock (-1), 65535 is nodata (-1)."""
    codes = np.array([[0, 311, 1023], [65535, 112, 5], [311, 0, 112]], dtype=np.uint16)
    lc = write_grid(tmp_path / "lc.tif", codes, nodata=65535)
    stock = {0: 5.0, 311: 220.0, 1023: 3.0, 112: 65.0}
    out = carbon_stock_raster(lc, stock, tmp_path / "stock.tif", {"run": 7}, window_rows=2)
    values, tags, structure, nodata = read_cog(out)
    np.testing.assert_array_equal(values, [[5, 220, 3], [-1, 65, -1], [220, 5, 65]])
    assert values.dtype == np.float32 and nodata == -1
    assert tags["run"] == "7" and tags["unit"] == "t C/ha"
    assert tags["quantity"] == "carbon stock, 4 pools"
    assert structure["LAYOUT"] == "COG" and structure["COMPRESSION"] == "DEFLATE"
    assert structure["PREDICTOR"] == "3"


def test_carbon_stock_raster_without_nodata_and_codes_past_the_lookup(tmp_path: Path) -> None:
    """No nodata set: 0 is nodata. Codes from 1024 get their stock like any other (9 for 1024;
    the 1,024-entry lookup array gave nodata there); 2000 has no stock: nodata."""
    codes = np.array([[0, 1, 2000], [1024, 311, 0]], dtype=np.uint16)
    lc = write_grid(tmp_path / "lc.tif", codes, nodata=None)
    stock = {0: 5.0, 1: 2.0, 311: 220.0, 1024: 9.0}
    out = carbon_stock_raster(lc, stock, tmp_path / "stock.tif", {}, window_rows=1)
    values, _, _, _ = read_cog(out)
    np.testing.assert_array_equal(values, [[-1, 2, -1], [9, 220, -1]])


def test_parcel_values_strip_by_strip(tmp_path: Path) -> None:
    """8 x 4 pixels of 10 m, strips of 2 rows: P3 at the top right (row 0, col 3) 4.0; P2 in
    column 1 across the first two strips (rows 1-2) 1.0; P1 rows 2-3, cols 2-3, 2.5; a parcel
    off the grid; the last strips meet no parcel (-1)."""
    lc = write_grid(tmp_path / "lc.tif", np.full((8, 4), 311, dtype=np.uint16))
    parcels = gpd.GeoDataFrame(
        {"parcel_id": ["P1", "P2", "P3", "P4"]},
        geometry=[
            shapely.box(X0 + 20, Y1 - 40, X0 + 40, Y1 - 20),
            shapely.box(X0 + 10, Y1 - 30, X0 + 20, Y1 - 10),
            shapely.box(X0 + 30, Y1 - 10, X0 + 40, Y1),
            shapely.box(X0 + 500, Y1 - 10, X0 + 510, Y1),
        ],
        crs=CRS,
    )
    out = parcel_value_raster(
        lc, parcels, [2.5, 1, 4, 9], tmp_path / "pot.tif", {"q": "x"}, window_rows=2
    )
    values, tags, structure, nodata = read_cog(out)
    expected = np.full((8, 4), -1.0)
    expected[0, 3] = 4.0
    expected[1:3, 1] = 1.0
    expected[2:4, 2:4] = 2.5
    np.testing.assert_array_equal(values, expected)
    assert values.dtype == np.float32 and nodata == -1 and tags["q"] == "x"
    assert structure["LAYOUT"] == "COG" and structure["PREDICTOR"] == "3"


def test_pixel_area_of_a_sheared_grid(tmp_path: Path) -> None:
    """|a x e - b x d|: 10 x -10 - 2 x 3 = -106 -> 106 m2."""
    path = write_grid(
        tmp_path / "s.tif", np.ones((2, 2), dtype=np.uint8), transform=Affine(10, 2, X0, 3, -10, Y1)
    )
    assert pixel_area_m2(path) == pytest.approx(106.0)
    assert pixel_area_m2(write_grid(tmp_path / "r.tif", np.ones((2, 2), dtype=np.uint8))) == 100.0


@pytest.mark.parametrize(
    "other",
    [
        {"transform": Affine(10.0, 0.0, X0 + 10, 0.0, -10.0, Y1)},
        {"crs": "EPSG:3035"},
        {"shape": (3, 2)},
    ],
    ids=["origin", "crs", "size"],
)
def test_rasters_off_the_grid_are_refused(tmp_path: Path, other: dict[str, object]) -> None:
    first = write_grid(tmp_path / "a.tif", np.ones((3, 3), dtype=np.uint8))
    other = dict(other)  # the parameter is shared by every run of the test
    shape = other.pop("shape", (3, 3))
    second = write_grid(tmp_path / "b.tif", np.ones(shape, dtype=np.uint8), **other)  # type: ignore[arg-type]
    same_grid([first, first])
    with pytest.raises(
        LandCarbonError,
        match=r"b\.tif is not on the grid of .*a\.tif .*; resample it with gdalwarp -tr/-te onto",
    ):
        same_grid([first, second])


def test_combine_strip_by_strip(tmp_path: Path) -> None:
    """3 rows in strips of 2: code = 10 x a + b, nodata 0."""
    a = write_grid(tmp_path / "a.tif", np.array([[1, 2], [3, 4], [5, 6]], dtype=np.uint8))
    b = write_grid(tmp_path / "b.tif", np.array([[7, 8], [9, 1], [2, 3]], dtype=np.uint8))
    out = combine([a, b], lambda bands: 10 * bands[0] + bands[1], tmp_path / "c.tif", window_rows=2)
    with rasterio.open(out) as src:
        np.testing.assert_array_equal(src.read(1), [[17, 28], [39, 41], [52, 63]])
        assert src.dtypes[0] == "uint32" and src.nodata == 0


def test_zones_without_valid_pixels_have_no_rows(tmp_path: Path) -> None:
    """Zone n lies on the nodata pixel and zone o off the raster: no rows; zone v covers one
    10 m pixel of 311 and half of one of 211 (100 + 50 m2)."""
    lc = write_grid(tmp_path / "lc.tif", np.array([[311, 211], [0, 211]], dtype=np.uint16))
    zones = gpd.GeoDataFrame(
        {"zid": ["n", "o", "v"]},
        geometry=[
            shapely.box(X0 + 1, Y1 - 19, X0 + 9, Y1 - 11),
            shapely.box(X0 - 100, Y1 - 100, X0 - 50, Y1 - 50),
            shapely.box(X0, Y1 - 10, X0 + 15, Y1),
        ],
        crs=CRS,
    )
    areas = class_areas(lc, zones, "zid", processes=1).sort_values("code")
    assert areas["zone"].tolist() == ["v", "v"]
    assert areas["code"].tolist() == [211, 311]
    np.testing.assert_allclose(areas["area_m2"], [50.0, 100.0])
    nothing = class_areas(lc, zones.iloc[:2], "zid", processes=1)
    assert list(nothing.columns) == ["zone", "code", "area_m2"] and nothing.empty
    none = class_areas(lc, zones.iloc[:0], "zid", processes=1)
    assert list(none.columns) == ["zone", "code", "area_m2"] and none.empty


# ------------------------------------------------------------------ sink potential parts by hand
C = 44 / 12


def test_growth_curve_per_hectare() -> None:
    """young 2 + dead 0.5 before maturity (5 years), mature 1 after; soil 0.3 for 3 years;
    nothing before the start: t = -1 0, 0-2 2.8, 3-4 2.5, 5- 1."""
    params = {
        "biomass_rate_young": 2.0,
        "biomass_rate_mature": 1.0,
        "dead_rate_young": 0.5,
        "soil_rate": 0.3,
        "maturity_age": 5.0,
        "soil_years": 3.0,
    }
    curve = growth_curve(params, np.array([-1, 0, 2, 3, 4, 5, 6]))
    np.testing.assert_allclose(curve, [0.0, 2.8, 2.8, 2.5, 2.5, 1.0, 1.0])


def test_growth_curve_per_km_has_no_dead_wood() -> None:
    """per km: young 4, mature 3 (maturity 2 years), soil 1 for 1 year; dead wood not counted:
    t = 0 5, 1 4, 2 3."""
    params = {
        "biomass_rate_per_km": 4.0,
        "biomass_rate_mature_per_km": 3.0,
        "soil_rate_per_km": 1.0,
        "biomass_rate_young": 100.0,
        "biomass_rate_mature": 100.0,
        "soil_rate": 100.0,
        "dead_rate_young": 9.0,
        "maturity_age": 2.0,
        "soil_years": 1.0,
    }
    np.testing.assert_allclose(growth_curve(params, np.array([0, 1, 2]), per_km=True), [5, 4, 3])


def test_growth_curve_defaults() -> None:
    """Maturity and soil transition default to 20 years, missing rates to 0."""
    np.testing.assert_allclose(growth_curve({}, np.array([0, 30])), [0.0, 0.0])
    young_mature = {"biomass_rate_young": 1.0, "biomass_rate_mature": 2.0}
    np.testing.assert_allclose(growth_curve(young_mature, np.array([19, 20])), [1.0, 2.0])
    np.testing.assert_allclose(growth_curve({"soil_rate": 1.0}, np.array([19, 20])), [1.0, 0.0])
    np.testing.assert_allclose(
        growth_curve({"soil_rate_per_km": 1.0}, np.array([19, 20]), per_km=True), [1.0, 0.0]
    )


def test_upper_parameters_take_the_high_rates_only() -> None:
    """afforestation (rates_upper high): young 4.0, mature 2.745, dead 0.77, soil 1.22; the
    maturity age stays 20 (its high, 30, is not a rate). With 'value' nothing changes."""
    tables = load_carbon_tables()
    up = upper_parameters(tables, "afforestation_broadleaf")
    assert up["biomass_rate_young"] == 4.0 and up["biomass_rate_mature"] == 2.745
    assert up["dead_rate_young"] == 0.77 and up["soil_rate"] == 1.22
    assert up["maturity_age"] == 20.0
    assert tables.measures["afforestation_broadleaf"]["biomass_rate_young"] == 2.745  # unchanged
    hedge = upper_parameters(tables, "hedgerow")
    assert hedge["biomass_rate_per_km"] == 2.61 and hedge["soil_rate_per_km"] == 0.87
    assert hedge["biomass_rate_mature_per_km"] == 1.044 and hedge["hedge_width_m"] == 4.0
    value = tables.assumptions.assign(rates_upper="value")
    assert upper_parameters(replace(tables, assumptions=value), "hedgerow") == dict(
        tables.measures["hedgerow"]
    )


def test_protected_share_of_parcels() -> None:
    """A: half inside a reserve (0.5); B: wholly inside two overlapping reserves (1, not 2);
    C: away from them (0); D: touching a reserve along an edge (0); E: a 0.5 m2 parcel inside
    one (1)."""
    parcels = gpd.GeoDataFrame(
        geometry=[
            shapely.box(0, 0, 100, 100),
            shapely.box(200, 0, 300, 100),
            shapely.box(500, 0, 600, 100),
            shapely.box(0, 200, 100, 300),
            shapely.box(0, 400, 0.5, 401),
        ],
        crs=CRS,
    )
    reserves = gpd.GeoDataFrame(
        geometry=[
            shapely.box(50, -10, 150, 110),
            shapely.box(190, -10, 310, 110),
            shapely.box(160, -10, 400, 110),
            shapely.box(100, 200, 200, 300),
            shapely.box(-10, 390, 10, 410),
        ],
        crs=CRS,
    )
    np.testing.assert_allclose(protected_share(parcels, reserves), [0.5, 1.0, 0.0, 0.0, 1.0])
    np.testing.assert_array_equal(protected_share(parcels, reserves.iloc[:0]), [0] * 5)
    np.testing.assert_array_equal(protected_share(parcels, None), [0] * 5)  # type: ignore[arg-type]


def test_baseline_rates_by_class_and_protection() -> None:
    """Z1 (share 0.5: protected) 211: 1 t C/a on 2 ha -> 0.5. Unprotected 211: Z2 (no share
    known: 0) -3 on 1 ha and Z3 (0.49) 8 on 4 ha -> 5 / 5 = 1.0. 333 on 0 ha -> 0; 231 net
    source -2 on 1 ha -> 0 (never below 0); 333 in Z1 0.25 on 0.5 ha -> 0.5."""
    fluxes = pd.DataFrame(
        {
            "zone": ["Z1", "Z2", "Z3", "Z3", "Z3", "Z1"],
            "before": [211, 211, 211, 333, 231, 333],
            "area_ha": [2.0, 1.0, 4.0, 0.0, 1.0, 0.5],
            "net_removal_tc_a": [1.0, -3.0, 8.0, 0.0, -2.0, 0.25],
        }
    )
    rates = baseline_rates(fluxes, pd.Series({"Z1": 0.5, "Z3": 0.49}))["rate"]
    assert rates.to_dict() == {
        (211, False): 1.0,
        (211, True): 0.5,
        (231, False): 0.0,
        (333, False): 0.0,
        (333, True): 0.5,
    }
    empty = baseline_rates(fluxes.iloc[:0], pd.Series(dtype=float))
    assert list(empty.columns) == ["rate"] and empty.empty and empty["rate"].dtype == float


def test_codes_and_names_of_a_rule() -> None:
    assert _codes("131; 132;") == [131, 132] and _codes(" * ") is None and _codes("") is None
    assert _names("green; forest ;") == ["green", "forest"] and _names("*") is None
    assert _names(" ") is None


PARCELS = gpd.GeoDataFrame(
    {
        "zoning": ["green", "agricultural", "public"],
        "urban_form": ["slag_heap", "farmland", "street"],
    },
    geometry=[
        shapely.box(0, 0, 100, 100),  # 1 ha, perimeter 0.4 km
        shapely.box(0, 0, 200, 50),  # 1 ha, perimeter 0.5 km
        shapely.box(0, 0, 50, 40),  # 0.2 ha
    ],
    crs=CRS,
)


AREAS = pd.DataFrame(
    {132: [0.8, 0.0, 0.0], 211: [0.2, 0.7, 0.0], 511: [0.0, 0.3, 0.0], 122: [0.0, 0.0, 0.2]}
)


FOOTPRINT = np.array([0.0, 0.1, 0.05])


PSHARE = np.array([0.6, 0.0, 0.5])  # protected: p0 and p2 (0.5 counts)


BASELINE = pd.DataFrame(
    {"rate": [1.0, 0.4, 0.5, 2.0]},
    index=pd.MultiIndex.from_tuples(
        [(132, True), (132, False), (211, False), (211, True)], names=["before", "protected"]
    ),
)


RULES = pd.DataFrame(
    [
        ("afforestation_broadleaf", "132;211", "*", "any", 0.5, 0.5, "area"),
        ("grassland_restoration", "*", "green", "only", 0.1, 1.0, "area"),
        ("unsealing_green", "122;211", "*", "any", 0.0, 0.2, "sealed_area"),
        ("hedgerow", "*", "*", "any", 1.0, 0.25, "perimeter"),
        ("hedgerow", "511", "agricultural", "any", 0.0, 1.0, "stream_bank"),
        ("street_trees", "*", "public", "any", 0.0, 0.3, "street_area"),
        ("agroforestry", "211", "*", "exclude", 0.0, 0.1, "area"),
    ],
    columns=["measure", "from_codes", "zoning", "protected", "min_patch_ha", "share", "basis"],
)


def _claims(tables: CarbonTables, parcels: gpd.GeoDataFrame = PARCELS) -> list:
    return rule_claims(
        parcels, AREAS, FOOTPRINT, PSHARE, replace(tables, rules=RULES), {122: 0.8}, BASELINE, 10.0
    )


def test_eligible_amount_of_every_kind_of_rule() -> None:
    """Per parcel p0, p1, p2 (eligible x share):
    - afforestation, codes 132 + 211: 1.0, 0.7, 0 (below the 0.5 ha patch) x 0.5; baseline
      p0 (protected) (0.8 x 1.0 + 0.2 x 2.0) / 1.0 = 1.2, p1 (0.7 x 0.5) / 0.7 = 0.5;
    - grassland, every code, zoned green, protected only: p0 1.0 (p2 is protected but not
      green); baselines 1.2, p1 (0.7 x 0.5 + 0.3 x 0) / 1.0 = 0.35, p2 0 (no rate for 122);
    - unsealing of 122 (sealed 0.8) and 211 (no sealed share: 0): p2 0.2 x 0.8 - 0.05
      buildings = 0.11 x 0.2 = 0.022; p1 0 - 0.1 -> 0;
    - hedges on the edges of parcels of 1 ha or more: p0 0.4 km, p1 0.5 km x 0.25 (p2 is
      0.2 ha), 0.4 ha per km (4 m wide);
    - riparian hedges: 2 banks x 0.3 ha / 10 m = 0.6 km;
    - street trees on the street parcel p2: 0.2 ha x 0.3;
    - agroforestry, 211 outside reserves: p1 0.7 x 0.1."""
    tables = load_carbon_tables()
    claims = _claims(tables)
    assert [c.measure for c in claims] == RULES["measure"].tolist()
    eligible = [
        [0.5, 0.35, 0.0],
        [1.0, 0.0, 0.0],
        [0.0, 0.0, 0.022],
        [0.1, 0.125, 0.0],
        [0.0, 0.6, 0.0],
        [0.0, 0.0, 0.06],
        [0.0, 0.07, 0.0],
    ]
    for claim, expected in zip(claims, eligible, strict=True):
        np.testing.assert_allclose(claim.eligible, expected, atol=1e-12, err_msg=claim.measure)
    np.testing.assert_allclose(claims[0].baseline, [1.2, 0.5, 0.0])
    np.testing.assert_allclose(claims[1].baseline, [1.2, 0.35, 0.0])
    np.testing.assert_allclose(claims[4].baseline, [0.0, 0.0, 0.0])
    assert [c.per_km for c in claims] == [False, False, False, True, True, False, False]
    assert [c.ha_per_unit for c in claims] == [1.0, 1.0, 1.0, 0.4, 0.4, 1.0, 1.0]
    assert [c.priority for c in claims] == [1, 2, 5, 4, 4, 6, 3]


def test_street_area_without_urban_forms_is_every_parcel() -> None:
    """Without an urban_form column every parcel counts as street: street trees on p2 only
    because of its zoning (public), 0.2 ha x 0.3."""
    claims = _claims(load_carbon_tables(), PARCELS.drop(columns=["urban_form"]))
    np.testing.assert_allclose(claims[5].eligible, [0.0, 0.0, 0.06])
    public = PARCELS.drop(columns=["urban_form"]).assign(zoning="public")
    np.testing.assert_allclose(_claims(load_carbon_tables(), public)[5].eligible, [0.3, 0.3, 0.06])
    # with urban forms only the street parcel p2 counts, whatever the zoning
    forms = PARCELS.assign(zoning="public")
    np.testing.assert_allclose(_claims(load_carbon_tables(), forms)[5].eligible, [0.0, 0.0, 0.06])


def test_minimum_patch_of_sealed_and_street_areas() -> None:
    """Unsealing needs 0.2 ha: p2's 0.11 ha is not enough; street trees need 0.2 ha: p2's
    0.2 ha street is (at the bound)."""
    rules = RULES.copy()
    rules.loc[rules["basis"].isin(["sealed_area", "street_area"]), "min_patch_ha"] = 0.2
    tables = replace(load_carbon_tables(), rules=rules)
    claims = rule_claims(PARCELS, AREAS, FOOTPRINT, PSHARE, tables, {122: 0.8}, BASELINE, 10.0)
    np.testing.assert_allclose(claims[2].eligible, [0.0, 0.0, 0.0])
    np.testing.assert_allclose(claims[5].eligible, [0.0, 0.0, 0.06])


def test_hedge_width_sets_the_hectares_per_km() -> None:
    """5 m wide: 1 km x 5 m = 0.5 ha; no width given: 4 m, 0.4 ha."""
    tables = load_carbon_tables()
    wide = {**tables.measures, "hedgerow": {**tables.measures["hedgerow"], "hedge_width_m": 5.0}}
    claims = _claims(replace(tables, measures=wide))
    assert [claims[3].ha_per_unit, claims[4].ha_per_unit] == [0.5, 0.5]
    bare = dict(tables.measures["hedgerow"])
    del bare["hedge_width_m"]
    claims = _claims(replace(tables, measures={**tables.measures, "hedgerow": bare}))
    assert [claims[3].ha_per_unit, claims[4].ha_per_unit] == [0.4, 0.4]


def test_an_unknown_basis_is_refused() -> None:
    tables = load_carbon_tables()
    rules = RULES.assign(basis=["area"] * 6 + ["roofs"])
    with pytest.raises(ParameterError, match=r"sink rule for agroforestry: unknown basis 'roofs'"):
        rule_claims(
            PARCELS, AREAS, FOOTPRINT, PSHARE, replace(tables, rules=rules), {}, BASELINE, 10.0
        )


def test_additional_curve() -> None:
    """max(0, curve - baseline) after the start: curve 1, 2, 3 (started in years 2 and 3)."""
    got = additional_curve(np.array([1.0, 2.0, 3.0]), np.array([0.5, 2.5]), np.array([0, 1, 1.0]))
    np.testing.assert_allclose(got, [[0.0, 1.5, 2.5], [0.0, 0.0, 0.5]])


def test_measure_lists() -> None:
    got = measure_lists(pd.Series(["a", "a", "b", "a"]), pd.Series(["y", "x", "y", "y"]))
    assert got.to_dict() == {"a": "x;y", "b": "y"}
    assert measure_lists(pd.Series([], dtype=object), pd.Series([], dtype=object)).empty


def test_parcel_totals_policy_part_and_rank() -> None:
    """P1 (2 ha): land management 4 + policy 2 = 6 t CO2/a in 2050 -> 3 per ha; P2 (4 ha) 16
    -> 4 per ha; P4 (0.25 ha) 0.75 -> 3 per ha, ranked after P1 (same value, first come first);
    P5 (10 ha) 20 -> 2 per ha; P3 has no measure (0, rank 0)."""
    rows = [
        ("P1", "m_a", "land_management", 1.0, 2.0, 3.0, 4.0, 50.0, 6.0, 8.0, 100.0),
        ("P1", "m_b", "policy_dependent", 0.5, 1.0, 1.0, 2.0, 10.0, 2.0, 3.0, 20.0),
        ("P2", "m_a", "land_management", 2.0, 2.0, 0.0, 16.0, 1.0, 0.0, 16.0, 1.0),
        ("P4", "m_a", "land_management", 0.25, 0.25, 0.0, 0.75, 1.0, 0.0, 0.75, 1.0),
        ("P5", "m_b", "policy_dependent", 1.0, 1.0, 0.0, 20.0, 5.0, 0.0, 20.0, 5.0),
    ]
    detail = pd.DataFrame(
        rows,
        columns=[
            "parcel_id",
            "measure",
            "category",
            "area_ha",
            "area_upper_ha",
            "potential_2030_tco2_a",
            "potential_2050_tco2_a",
            "cumulative_2050_tco2",
            "potential_2030_upper_tco2_a",
            "potential_2050_upper_tco2_a",
            "cumulative_2050_upper_tco2",
        ],
    )
    pid = np.array(["P1", "P2", "P3", "P4", "P5"], dtype=object)
    out = parcel_totals(detail, pid, np.array([2.0, 4.0, 1.0, 0.25, 10.0]))
    assert list(out.index) == list(pid) and out.index.name == "parcel_id"
    p1 = out.loc["P1"]
    assert (p1["sink_area_ha"], p1["sink_area_upper_ha"]) == (1.5, 3.0)
    assert (p1["sink_potential_2030_tco2_a"], p1["sink_potential_2050_tco2_a"]) == (4.0, 6.0)
    assert p1["sink_cumulative_2050_tco2"] == 60.0
    assert p1["sink_potential_2030_upper_tco2_a"] == 8.0
    assert p1["sink_potential_2050_upper_tco2_a"] == 11.0
    assert p1["sink_cumulative_2050_upper_tco2"] == 120.0
    assert (p1["sink_policy_2050_tco2_a"], p1["sink_policy_cumulative_2050_tco2"]) == (2.0, 10.0)
    assert p1["sink_land_management_2050_tco2_a"] == 4.0
    assert p1["sink_measures"] == "m_a;m_b"
    np.testing.assert_allclose(out["sink_potential_2050_tco2_ha_a"], [3.0, 4.0, 0.0, 3.0, 2.0])
    assert out["sink_rank"].tolist() == [2, 1, 0, 3, 4] and out["sink_rank"].dtype == np.int64
    assert out.loc["P3", "sink_measures"] == "" and out.loc["P3", "sink_area_ha"] == 0.0
    assert out.loc["P5", "sink_land_management_2050_tco2_a"] == 0.0


def _heap() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"parcel_id": ["S"], "zoning": ["green"], "urban_form": ["slag_heap"]},
        geometry=[shapely.box(0, 0, 100, 100)],
        crs=CRS,
    )


@pytest.mark.parametrize(
    ("start", "p2030", "p2050", "cumulative", "up2030", "up2050"),
    [
        # t = 4 in 2030 (young 2.745 + dead 0.5 + soil 0.7 = 3.945), t = 24 in 2050 (1.54)
        (2026, 3.945, 1.54, 20 * 3.945 + 5 * 1.54, 5.99, 2.745),
        # t = 30 and 50: mature, soil done; 51 years: 20 young + 31 mature
        (2000, 1.54, 1.54, 20 * 3.945 + 31 * 1.54, 2.745, 2.745),
        # t = 0 in 2030: started; t = 20 in 2050: mature
        (2030, 3.945, 1.54, 20 * 3.945 + 1.54, 5.99, 2.745),
        # started after 2030: nothing in 2030; 2035-2050 young (16 years)
        (2035, 0.0, 3.945, 16 * 3.945, 0.0, 5.99),
        (2050, 0.0, 3.945, 3.945, 0.0, 5.99),
    ],
)
def test_the_start_year(
    start: int, p2030: float, p2050: float, cumulative: float, up2030: float, up2050: float
) -> None:
    """1 ha slag heap zoned green, afforestation (uptake 1), t C/a x 44/12; upper bound at the
    high rates (young 4.0 + dead 0.77 + soil 1.22 = 5.99, mature 2.745), maturity still 20."""
    result = sink_potential(
        _heap(),
        pd.DataFrame({132: [1.0]}, index=["S"]),
        pd.Series(dtype=float),
        NO_RESERVE,
        load_carbon_tables(),
        {},
        start_year=start,
    )
    detail = result.measures
    assert list(detail.columns) == DETAIL_COLUMNS
    row = detail.set_index("measure").loc["afforestation_broadleaf"]
    assert row["potential_2030_tco2_a"] == pytest.approx(p2030 * C)
    assert row["potential_2050_tco2_a"] == pytest.approx(p2050 * C)
    assert row["cumulative_2050_tco2"] == pytest.approx(cumulative * C)
    assert row["potential_2030_upper_tco2_a"] == pytest.approx(up2030 * C)
    assert row["potential_2050_upper_tco2_a"] == pytest.approx(up2050 * C)
    assert row["unit"] == "ha" and row["category"] == "land_management"


def test_two_parcels_and_an_upper_only_measure() -> None:
    """Heaps S (1 ha of 132) and T (0.6 ha): afforestation, cumulative 2026-2050 per parcel
    86.6 and 0.6 x 86.6 t C (upper (20 x 5.99 + 5 x 2.745) = 133.525 and 0.6 x that). With
    uptake_central 0 the measure is still listed (central 0, upper 1 ha)."""
    heaps = gpd.GeoDataFrame(
        {"parcel_id": ["S", "T"], "zoning": ["green"] * 2, "urban_form": ["slag_heap"] * 2},
        geometry=[shapely.box(0, 0, 100, 100), shapely.box(200, 0, 300, 100)],
        crs=CRS,
    )
    classes = pd.DataFrame({132: [1.0, 0.6]}, index=["S", "T"])
    tables = load_carbon_tables()
    result = sink_potential(heaps, classes, pd.Series(dtype=float), NO_RESERVE, tables, {})
    detail = result.measures
    assert detail["parcel_id"].tolist() == ["S", "T"] and list(detail.index) == [0, 1]
    np.testing.assert_allclose(detail["cumulative_2050_tco2"], [86.6 * C, 0.6 * 86.6 * C])
    np.testing.assert_allclose(
        detail["cumulative_2050_upper_tco2"], [133.525 * C, 0.6 * 133.525 * C]
    )
    none = tables.assumptions.copy()
    none.loc["afforestation_broadleaf", "uptake_central"] = 0.0
    upper_only = sink_potential(
        heaps, classes, pd.Series(dtype=float), NO_RESERVE, replace(tables, assumptions=none), {}
    )
    row = upper_only.measures.set_index("parcel_id").loc["S"]
    assert (row["amount"], row["amount_upper"]) == (0.0, 1.0)
    assert row["potential_2030_tco2_a"] == 0 and row["area_upper_ha"] == 1.0
    assert row["potential_2030_upper_tco2_a"] == pytest.approx(5.99 * C)


def test_hedges_in_km_and_their_hectares() -> None:
    """1 ha farm parcel (200 m x 50 m, perimeter 0.5 km) crossed by 0.3 ha of stream: field
    edges 0.5 x 0.25 = 0.125 km (upper), 0.0625 km central; banks 2 x 0.3 ha / 10 m = 0.6 km,
    0.3 km central; 0.4 ha per km. Upper 2030 per km at the high rates 2.61 + 0.87 = 3.48."""
    farm = gpd.GeoDataFrame(
        {"parcel_id": ["F"], "zoning": ["agricultural"], "urban_form": ["farmland"]},
        geometry=[shapely.box(0, 0, 200, 50)],
        crs=CRS,
    )
    result = sink_potential(
        farm,
        pd.DataFrame({231: [0.7], 511: [0.3]}, index=["F"]),
        pd.Series(dtype=float),
        NO_RESERVE,
        load_carbon_tables(),
        {},
    )
    hedges = result.measures[result.measures["measure"] == "hedgerow"].sort_values("amount")
    assert hedges["unit"].tolist() == ["km", "km"]
    np.testing.assert_allclose(hedges["amount"], [0.0625, 0.3])
    np.testing.assert_allclose(hedges["amount_upper"], [0.125, 0.6])
    np.testing.assert_allclose(hedges["area_ha"], [0.025, 0.12])
    np.testing.assert_allclose(hedges["area_upper_ha"], [0.05, 0.24])
    np.testing.assert_allclose(
        hedges["potential_2030_upper_tco2_a"], [0.125 * 3.48 * C, 0.6 * 3.48 * C]
    )


@pytest.mark.parametrize("start", [1999, 2051])
def test_a_start_year_outside_2000_2050_is_refused(start: int) -> None:
    with pytest.raises(ParameterError, match=rf"--sink-start .* 2000 and 2050, got {start}"):
        sink_potential(
            _heap(), pd.DataFrame({132: [1.0]}, index=["S"]), pd.Series(dtype=float),
            NO_RESERVE, load_carbon_tables(), {}, start_year=start,
        )  # fmt: skip


def test_given_protected_shares_and_missing_class_rows() -> None:
    """protected_by_parcel = 1 puts the heap in a reserve without a reserve layer: grassland
    (0.155 + 0.7 = 0.855 t C/(ha a) in 2030); a parcel without a class row gets nothing."""
    parcels = pd.concat([_heap(), _heap().assign(parcel_id="T")], ignore_index=True)
    result = sink_potential(
        gpd.GeoDataFrame(parcels, crs=CRS),
        pd.DataFrame({132: [1.0]}, index=["S"]),
        pd.Series(dtype=float),
        NO_RESERVE,
        load_carbon_tables(),
        {},
        protected_by_parcel=np.array([1.0, 1.0]),
    )
    assert result.parcels.loc["S", "sink_measures"] == "grassland_restoration"
    assert result.parcels.loc["S", "sink_potential_2030_tco2_a"] == pytest.approx(0.855 * C)
    assert result.parcels.loc["T", "sink_potential_2030_tco2_a"] == 0.0
    assert result.measures["parcel_id"].tolist() == ["S"]
