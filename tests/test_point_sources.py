"""Point sources in the inventory and grades in every output, on the toy region by hand.

Toy region (tests/toy_region.py) plus an industrial building BI on B's parcel (9002-000001):
gas, 500 m2 heated, 1961-1970, no renovation. With the round-number factors
(factor_overrides.py) its need is 500 x (60 + 4) = 32,000 kWh; / 0.8 = 40,000 kWh of gas:
scope 1 CO2 40,000 x 0.2 / 1000 = 8 t, CH4 0.04 t, N2O 0.004 t,
CO2e 8 + 28 x 0.04 + 265 x 0.004 = 10.18 t; scope 2 500 x 40 kWh x 0.4 kg = 8 t.

Point sources: F1 in B, IV.1, CO2, 1,000 t, measured; F3 in B, I.3.1, CH4, 280 t CO2e,
default (CH4 280 / 28 = 10 t); F2 in C (9003), I.3.1, CO2e only, 250 t, estimated.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

import toy_region
from factor_overrides import write_overrides
from minettgeo import CRS
from minettgeo.layers import io
from minettgeo.pipeline import RunOptions, run
from toy_region import X0, Y0

BI_SCOPE1 = 8 + 28 * 0.04 + 265 * 0.004  # 10.18 t CO2e
BI_SCOPE2 = 500 * 40 * 0.4 / 1000  # 8 t CO2e


def point_sources() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "facility_id": ["F1", "F2", "F3"],
            "name": ["Steel (process)", "Glass", "Steel (furnaces)"],
            "lau2": ["9002", "9003", "9002"],
            "gpc_sector": ["IV.1", "I.3.1", "I.3.1"],
            "scope": [1, 1, 1],
            "gas": ["CO2", "CO2e", "CH4"],
            "t_co2e_per_year": [1_000.0, 250.0, 280.0],
            "source": ["EU ETS verified emissions 2023", "modelled: test", "test default"],
            "year": [2023, 2023, 2023],
            "grade": ["measured", "estimated", "default"],
        },
        geometry=[
            shapely.Point(X0 + 1_700, Y0 + 700),
            shapely.Point(X0 + 2_700, Y0 + 800),
            shapely.Point(X0 + 1_710, Y0 + 700),
        ],
        crs=CRS,
    )


def graded_toy(directory: Path, *, with_points: bool) -> Path:
    """The toy region with BI, grade columns (BA absent = measured; BB two estimated; BC all
    estimated; BI measured) and optionally the point sources."""
    layers = toy_region.build(directory)
    gpkg = layers / "region.gpkg"
    names = io.list_layers(gpkg)
    vectors = {n: io.read_vector(gpkg, n) for n in names}
    b = vectors["buildings"]
    bi = b.iloc[[1]].copy()
    bi["building_id"] = "BI"
    bi["use"] = "industry"
    bi["floors"] = 1
    bi["heated_area_m2"] = 500.0
    bi["dwellings"] = 0
    bi["renovation_state"] = "none"
    bi["renovation_year"] = None
    bi.geometry = [shapely.box(X0 + 1_600, Y0 + 600, X0 + 1_630, Y0 + 630)]
    b = gpd.GeoDataFrame(gpd.pd.concat([b, bi], ignore_index=True), geometry="geometry", crs=CRS)
    from minettgeo.layers.codes import GRADED_BUILDING_ATTRIBUTES, grade_column

    for attr in GRADED_BUILDING_ATTRIBUTES:
        b[grade_column(attr)] = ["measured", "measured", "estimated", "measured"]
    b["heated_area_m2_grade"] = ["measured", "estimated", "estimated", "measured"]
    b["heating_carrier_grade"] = ["measured", "estimated", "estimated", "measured"]
    vectors["buildings"] = b
    if with_points:
        vectors["point_sources"] = point_sources()
    io.write_vectors(gpkg, vectors)
    return layers


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory):
    base = tmp_path_factory.mktemp("ps")
    overrides = tuple(write_overrides(base))
    out = {}
    for name, with_points in (("without", False), ("with", True)):
        layers = graded_toy(base / name / "layers", with_points=with_points)
        out[name] = run(
            layers, base / name / "results", RunOptions(overrides=overrides, draws=400, seed=3)
        )
    return out


def test_point_sources_add_exactly_their_tonnes_to_their_rows(runs) -> None:
    inv = runs["with"].inventory.set_index(["lau2", "code"])
    before = runs["without"].inventory.set_index(["lau2", "code"])
    # IV.1 in B: F1, 1,000 t CO2
    assert inv.loc[("9002", "IV.1"), "co2e_t"] == pytest.approx(1_000.0)
    assert inv.loc[("9002", "IV.1"), "co2_t"] == pytest.approx(1_000.0)
    assert inv.loc[("9002", "IV.1"), "notation_key"] == ""
    # I.3.1 in B: F3 280 t CO2e (CH4 280 / 28 = 10 t); BI's 10.18 t scope 1 is in F3's tonnes
    assert before.loc[("9002", "I.3.1"), "co2e_t"] == pytest.approx(BI_SCOPE1)
    assert inv.loc[("9002", "I.3.1"), "co2e_t"] == pytest.approx(280.0)
    assert inv.loc[("9002", "I.3.1"), "ch4_t"] == pytest.approx(10.0)
    # BI's scope 2 stays in I.3.2 (grid electricity is not in the EU ETS)
    assert inv.loc[("9002", "I.3.2"), "co2e_t"] == pytest.approx(BI_SCOPE2)
    assert before.loc[("9002", "I.3.2"), "co2e_t"] == pytest.approx(BI_SCOPE2)
    # I.3.1 in C: F2 250 t CO2e only, no gas split; C has no industrial building
    assert inv.loc[("9003", "I.3.1"), "co2e_t"] == pytest.approx(250.0)
    assert np.isnan(inv.loc[("9003", "I.3.1"), "co2_t"])
    assert before.loc[("9003", "I.3.1"), "notation_key"] == "NO"
    # IV.1 in C and A: no point source there; IV.2 reported by none: NE everywhere
    assert inv.loc[("9003", "IV.1"), "notation_key"] == "NO"
    assert inv.loc[("region", "IV.1"), "co2e_t"] == pytest.approx(1_000.0)
    assert inv.loc[("region", "IV.2"), "notation_key"] == "NE"
    assert before.loc[("region", "IV.1"), "notation_key"] == "NE"
    assert inv.loc[("region", "I.3.1"), "co2e_t"] == pytest.approx(530.0)
    # the totals: BASIC gains the I.3.1 tonnes less BI's scope 1; BASIC+ also IV.1
    t = runs["with"].totals.set_index("lau2")
    t0 = runs["without"].totals.set_index("lau2")
    assert t.loc["9002", "basic_tco2e"] - t0.loc["9002", "basic_tco2e"] == pytest.approx(
        280.0 - BI_SCOPE1
    )
    assert t.loc["9003", "basic_tco2e"] - t0.loc["9003", "basic_tco2e"] == pytest.approx(250.0)
    assert t.loc["9001", "basic_tco2e"] == pytest.approx(t0.loc["9001", "basic_tco2e"])
    assert t.loc["region", "basic_plus_tco2e"] - t0.loc["region", "basic_plus_tco2e"] == (
        pytest.approx(280.0 - BI_SCOPE1 + 250.0 + 1_000.0)
    )


def test_no_double_counting_of_the_covered_building(runs) -> None:
    b = runs["with"].buildings.set_index("building_id")
    assert b.loc["BI", "point_source_id"] == "F1"  # first facility of the parcel by id
    assert b.loc["BI", "scope1_tco2e_a"] == 0.0 and b.loc["BI", "scope1_co2_t_a"] == 0.0
    assert b.loc["BI", "scope2_tco2e_a"] == pytest.approx(BI_SCOPE2)
    assert b.loc["BI", "ghg_tco2e_a"] == pytest.approx(BI_SCOPE2)
    # its energy use stays (heat need 32,000 kWh)
    assert b.loc["BI", "heat_need_kwh_a"] == pytest.approx(32_000.0)
    # the office on the same parcel is not industrial: untouched
    assert b.loc["BB", "scope1_tco2e_a"] == pytest.approx(34.99375)
    assert b["point_source_id"].notna().sum() == 1


def test_point_sources_are_conserved_across_levels(runs) -> None:
    levels = runs["with"].levels
    for col, total in (
        ("point_source_energy_tco2e_a", 530.0),
        ("point_source_ippu_tco2e_a", 1_000.0),
    ):
        assert levels.parcels[col].sum() == pytest.approx(total)
        assert levels.districts[col].sum() == pytest.approx(total)
        assert levels.communes[col].sum() == pytest.approx(total)
        assert levels.region[col] == pytest.approx(total)
    com = levels.communes.set_index("lau2")
    assert com.loc["9002", "point_source_energy_tco2e_a"] == pytest.approx(280.0)
    assert com.loc["9002", "point_source_ippu_tco2e_a"] == pytest.approx(1_000.0)
    # the communes' BASIC (ghg_tco2e_a) is the inventory's BASIC, point sources included
    t = runs["with"].totals.set_index("lau2")
    for code in toy_region.CODES:
        assert com.loc[code, "ghg_tco2e_a"] == pytest.approx(t.loc[code, "basic_tco2e"])
    assert levels.region["ghg_tco2e_a"] == pytest.approx(t.loc["region", "basic_tco2e"])


def test_estimated_share_by_hand_on_every_level(runs) -> None:
    """e: BA 0/7 (100 m2), BB 2/7 (1,000 m2), BC 7/7 (1,600 m2), BI 0/7 (500 m2).
    B: 1,000 x 2/7 / 1,500 = 0.190476; region (285.714 + 1,600) / 3,200 = 0.589286."""
    levels = runs["with"].levels
    com = levels.communes.set_index("lau2")
    assert com.loc["9001", "estimated_share"] == pytest.approx(0.0)
    assert com.loc["9002", "estimated_share"] == pytest.approx(1_000 * 2 / 7 / 1_500)
    assert com.loc["9003", "estimated_share"] == pytest.approx(1.0)
    region = (1_000 * 2 / 7 + 1_600) / 3_200
    assert levels.region["estimated_share"] == pytest.approx(region)
    # conservation: the region's weights are the sum over the communes' weights
    assert levels.region["graded_area_m2"] == pytest.approx(com["graded_area_m2"].sum())
    assert levels.region["estimated_area_m2"] == pytest.approx(com["estimated_area_m2"].sum())
    dis = levels.districts.set_index("district_id")
    assert dis.loc["9002-Q01", "estimated_share"] == pytest.approx(1_000 * 2 / 7 / 1_500)
    par = levels.parcels.set_index("parcel_id")
    assert par.loc["9003-000001", "estimated_share"] == pytest.approx(1.0)


def test_gpc_data_quality_by_hand(runs) -> None:
    """Scores: measured 1, default 0.5, estimated 0.25; H >= 0.75, M >= 0.45, else L.
    I.2.1 in B (BB: 2 of 7 estimated): (2 x 0.25 + 5) / 7 = 0.785714 -> H.
    I.1.1 region: (3.0221875 x 1 + 35.63 x 0.25) / 38.6521875 = 0.308648 -> L."""
    inv = runs["with"].inventory.set_index(["lau2", "code"])
    assert inv.loc[("9001", "I.1.1"), "data_quality_score"] == pytest.approx(1.0)
    assert inv.loc[("9001", "I.1.1"), "data_quality"] == "H"
    assert inv.loc[("9003", "I.1.1"), "data_quality"] == "L"
    assert inv.loc[("9002", "I.2.1"), "data_quality_score"] == pytest.approx((2 * 0.25 + 5) / 7)
    assert inv.loc[("9002", "I.2.1"), "data_quality"] == "H"
    region = (3.0221875 + 35.63 * 0.25) / (3.0221875 + 35.63)
    assert inv.loc[("region", "I.1.1"), "data_quality_score"] == pytest.approx(region)
    assert inv.loc[("region", "I.1.1"), "data_quality"] == "L"
    # point sources: their grade; BI's covered scope 1 weighs nothing in I.3.1 of B
    assert inv.loc[("9002", "IV.1"), "data_quality"] == "H"
    assert inv.loc[("9002", "I.3.1"), "data_quality_score"] == pytest.approx(0.5)
    assert inv.loc[("9002", "I.3.1"), "data_quality"] == "M"
    assert inv.loc[("9003", "I.3.1"), "data_quality"] == "L"
    # roads and rail without grade columns: measured (docs/data-quality.md)
    assert inv.loc[("9002", "II.1.1"), "data_quality"] == "H"
    assert inv.loc[("9002", "II.2.2"), "data_quality"] == "H"
    # rows without graded inputs: their tabulated grade; notation keys: no grade
    assert inv.loc[("9002", "III.1.2"), "data_quality"] == "M"
    assert inv.loc[("9001", "IV.2"), "data_quality"] == ""
    assert np.isnan(inv.loc[("9001", "IV.2"), "data_quality_score"])


def test_intervals_cover_the_graded_activity_data(runs) -> None:
    """With round-number factors that are all exact (low = high), the spread comes from the
    grades only: A (all measured, no point source) has no spread; the measured 1,000 t of F1
    stay within +-2.5 %; C's estimated stock (+-25 %) and F2 (+-50 %) spread."""
    t = runs["with"].totals.set_index("lau2")
    assert t.loc["9001", "stationary_p05_tco2e"] == pytest.approx(
        t.loc["9001", "stationary_p95_tco2e"]
    )
    assert 975.0 <= t.loc["9002", "ippu_p05_tco2e"] < 1_000.0 < t.loc["9002", "ippu_p95_tco2e"]
    assert t.loc["9002", "ippu_p95_tco2e"] <= 1_025.0
    stationary_c = 35.63 + 16.0  # BC scope 1 + scope 2, all estimated: +-25 %
    assert 0.75 * stationary_c <= t.loc["9003", "stationary_p05_tco2e"] < 0.95 * stationary_c
    assert 1.05 * stationary_c < t.loc["9003", "stationary_p95_tco2e"] <= 1.25 * stationary_c
    assert 125.0 <= t.loc["9003", "point_sources_energy_p05_tco2e"] < 0.8 * 250.0
    assert t.loc["9003", "point_sources_energy_p50_tco2e"] == pytest.approx(250.0, rel=0.05)


@pytest.mark.fullscale
def test_sample_region_reports_its_modelled_works(run_dir: Path, sample_dir: Path) -> None:
    """The sample's modelled works (docs/point_sources.md table): I.3.1 point sources
    84,200 + 67,360 + 25,260 + 22,440 + 157,500 + 67,320 + 67,320 = 491,400 t and IV.1
    80,000 + 64,000 + 260,000 + 40,000 + 40,000 = 484,000 t, conserved to the region; the
    industrial buildings on their parcels have no scope 1; grades and share travel out."""
    from minettgeo.report.gpc import read_inventory

    ps = io.read_vector(sample_dir / "region.gpkg", "point_sources")
    assert len(ps) == 12 and set(ps["grade"]) == {"estimated"}
    communes = gpd.read_file(run_dir / "minettgeo.gpkg", layer="communes")
    assert communes["point_source_energy_tco2e_a"].sum() == pytest.approx(491_400.0)
    assert communes["point_source_ippu_tco2e_a"].sum() == pytest.approx(484_000.0)
    table, _ = read_inventory(run_dir)
    inv = table.set_index(["lau2", "code"])
    assert inv.loc[("region", "IV.1"), "co2e_t"] == pytest.approx(484_000.0)
    assert inv.loc[("region", "IV.1"), "data_quality"] == "L"
    assert inv.loc[("region", "IV.2"), "notation_key"] == "NE"
    buildings = gpd.read_file(run_dir / "minettgeo.gpkg", layer="buildings")
    covered = buildings[buildings["point_source_id"].notna()]
    assert len(covered) >= 7 and set(covered["use"]) == {"industry"}
    assert (covered["scope1_tco2e_a"] == 0).all() and (covered["scope2_tco2e_a"] > 0).all()
    # I.3.1 of the region: the point sources plus the other industrial buildings' scope 1
    industry = buildings[buildings["use"] == "industry"]
    assert inv.loc[("region", "I.3.1"), "co2e_t"] == pytest.approx(
        491_400.0 + industry["scope1_tco2e_a"].sum(), rel=1e-9
    )
    # the modelled stock is estimated throughout
    assert communes["estimated_share"].to_numpy() == pytest.approx(1.0)


def test_provenance_records_the_quality_tables(runs) -> None:
    record = runs["with"].provenance["data_quality"]
    assert set(record["sha256"]) == {
        "grades.csv",
        "activity_spread.csv",
        "quality_levels.csv",
        "gpc_row_grades.csv",
    }
    assert all(len(h) == 64 for h in record["sha256"].values())
    assert record["grade_when_absent"] == "measured"


def test_exports_carry_the_grades(runs, tmp_path: Path) -> None:
    """A CSV export of the communes and the run's GPC CSV hold the share and the data quality,
    described (unit, meaning) in datapackage.json."""
    import json

    import pandas as pd

    from minettgeo.export.layers import Filters, export_layer
    from minettgeo.results.reader import open_results

    results = open_results(runs["with"].written[0].parent)
    out = export_layer(results, "communes", "csv", tmp_path / "out", Filters(commune="9002"))
    table = pd.read_csv(out / "communes.csv", dtype={"lau2": str})
    assert table["estimated_share"].tolist() == pytest.approx([1_000 * 2 / 7 / 1_500])
    fields = {
        f["name"]: f
        for r in json.loads((out / "datapackage.json").read_text())["resources"]
        for f in r.get("schema", {}).get("fields", [])
    }
    assert fields["estimated_share"]["unit"] == "fraction (0-1)"
    assert "estimated" in fields["estimated_share"]["description"]
    gpc = pd.read_csv(runs["with"].written[0].parent / "gpc_inventory.csv", dtype={"lau2": str})
    row = gpc[(gpc["lau2"] == "9002") & (gpc["code"] == "IV.1")]
    assert row["data_quality"].tolist() == ["H"]
