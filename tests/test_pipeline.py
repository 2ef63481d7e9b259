"""`minettgeo run` end to end: the toy region by hand, GPC rows, provenance, uncertainty."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import toy_region
from factor_overrides import write_overrides
from minettgeo.errors import FactorError, LandCarbonError, LayerWriteError, ParameterError
from minettgeo.factors.tables import load_factor_set
from minettgeo.land.tables import load_carbon_tables
from minettgeo.layers import io
from minettgeo.pipeline import RunOptions, run
from results_helpers import snapshot


@pytest.fixture(scope="module")
def toy(tmp_path_factory: pytest.TempPathFactory):
    base = tmp_path_factory.mktemp("toy")
    layers = toy_region.build(base / "layers")
    overrides = tuple(write_overrides(base))
    result = run(layers, base / "results", RunOptions(overrides=overrides, draws=200, seed=3))
    return base, result


def test_commune_totals_by_hand(toy) -> None:
    _, result = toy
    totals = result.totals.set_index("lau2")
    for code in toy_region.CODES:
        assert totals.loc[code, "basic_tco2e"] == pytest.approx(
            toy_region.expected_basic(code), rel=1e-9
        )
    region = sum(toy_region.expected_basic(c) for c in toy_region.CODES)
    assert totals.loc["region", "basic_tco2e"] == pytest.approx(region, rel=1e-9)
    # resident-based road view, beside the territorial one: residents x 7,500 vkm x car factor
    # (shipped resident_mobility and the toy car factors: 0.15 kg CO2 + 1e-5 kg CH4 x 28 + 1e-5 kg N2O x 265)
    car_kg_per_vkm = 0.15 + 1e-5 * 28 + 1e-5 * 265
    assert totals.loc["9002", "memo_resident_based_road_tco2e"] == pytest.approx(
        200 * 7_500 * car_kg_per_vkm / 1000
    )
    # 100 residents: (3.8221875 + 0.25 x 1,667.31124 + 10) / 100
    assert totals.loc["9001", "basic_per_capita_tco2e"] == pytest.approx(
        toy_region.expected_basic("9001") / 100
    )


def test_gpc_rows_by_hand(toy) -> None:
    _, result = toy
    inv = result.inventory.set_index(["lau2", "code"])
    assert inv.loc[("9001", "I.1.1"), "co2e_t"] == pytest.approx(3.0221875)
    assert inv.loc[("9001", "I.1.1"), "co2_t"] == pytest.approx(2.375)
    assert inv.loc[("9001", "I.1.2"), "co2e_t"] == pytest.approx(0.8)
    assert inv.loc[("9002", "I.2.1"), "co2e_t"] == pytest.approx(34.99375)
    assert inv.loc[("9002", "I.2.2"), "co2e_t"] == pytest.approx(20.0)
    assert inv.loc[("9003", "I.1.1"), "co2e_t"] == pytest.approx(35.63)
    assert inv.loc[("9002", "II.1.1"), "co2e_t"] == pytest.approx(0.5 * toy_region.ROAD_TCO2E)
    assert inv.loc[("9002", "II.1.1"), "co2_t"] == pytest.approx(0.5 * 1_642.5)
    assert inv.loc[("9003", "III.1.2"), "co2e_t"] == pytest.approx(30.0)
    assert inv.loc[("region", "II.1.1"), "co2e_t"] == pytest.approx(toy_region.ROAD_TCO2E)
    # rows that are not modelled carry a notation key and no number
    # a modelled row without activity is never blank: NO with the reason (no industry here)
    assert inv.loc[("9001", "I.3.1"), "notation_key"] == "NO"
    assert "no industrial buildings" in inv.loc[("9001", "I.3.1"), "note"]
    assert np.isnan(inv.loc[("9001", "I.3.1"), "co2e_t"])
    assert inv.loc[("9001", "II.2.2"), "notation_key"] == "NO"  # no railway line in A
    assert inv.loc[("region", "I.4.4"), "notation_key"] == "NO"  # no district-heat plant
    # EV charging (II.1.2): a quarter of the road in A
    assert inv.loc[("9001", "II.1.2"), "co2e_t"] == pytest.approx(0.25 * toy_region.EV_TCO2E)
    assert inv.loc[("region", "II.1.2"), "co2e_t"] == pytest.approx(109.5)
    # railways: half the line in B; II.2.2 electric 3.6 t, II.2.1 diesel 0.5 t (all CO2)
    assert inv.loc[("9002", "II.2.2"), "co2e_t"] == pytest.approx(1.8)
    assert inv.loc[("9002", "II.2.1"), "co2e_t"] == pytest.approx(0.25)
    assert inv.loc[("9002", "II.2.1"), "co2_t"] == pytest.approx(0.25)
    # wastewater III.4.1 (300 residents in C): CH4 300 x 3.65 kg, N2O 300 x 0.0628571 kg
    assert inv.loc[("9003", "III.4.1"), "ch4_t"] == pytest.approx(1.095)
    assert inv.loc[("9003", "III.4.1"), "n2o_t"] == pytest.approx(300 * 0.04 * 44 / 28 / 1000)
    assert inv.loc[("9003", "III.4.1"), "co2e_t"] == pytest.approx(
        300 * toy_region.WASTEWATER_PER_CAPITA
    )
    assert inv.loc[("9003", "III.4.2"), "notation_key"] == "NO"
    assert inv.loc[("9001", "II.4.1"), "notation_key"] == "NO"
    assert inv.loc[("9001", "IV.1"), "notation_key"] == "NE"
    assert np.isnan(inv.loc[("9001", "IV.1"), "co2e_t"])
    # land (V.2, BASIC+ only): 100 ha of discontinuous urban fabric (112) per commune; IPCC
    # Tier 1 settlements remaining settlements: no net change, so 0 t, reported as NO with its
    # reason like every modelled row without activity (urban trees are apart)
    r112 = load_carbon_tables().removal.query("lucode == 112")["value"].sum()
    assert r112 == 0
    assert inv.loc[("9002", "V.2"), "notation_key"] == "NO"
    assert result.levels.communes["land_net_flux_tco2_a"].abs().sum() == 0
    assert result.levels.communes["urban_tree_removal_tco2_a"].sum() == 0
    assert not inv.loc[("9002", "V.2"), "basic"] and inv.loc[("9002", "V.2"), "basic_plus"]
    totals = result.totals.set_index("lau2")
    assert totals.loc["9002", "basic_plus_tco2e"] == pytest.approx(
        totals.loc["9002", "basic_tco2e"]
    )
    # no land removal (V.2 is NO): nothing to take off BASIC+
    assert totals.loc["9002", "afolu_removals_tco2e"] == 0
    assert totals.loc["9002", "basic_plus_net_tco2e"] == pytest.approx(
        totals.loc["9002", "basic_tco2e"]
    )


def test_levels_conserve(toy) -> None:
    _, result = toy
    lv = result.levels
    assert lv.parcels["ghg_tco2e_a"].sum() == pytest.approx(result.buildings["ghg_tco2e_a"].sum())
    assert lv.districts["transport_tco2e_a"].sum() == pytest.approx(toy_region.ROAD_TCO2E)
    assert lv.communes["ghg_tco2e_a"].sum() == pytest.approx(lv.region["ghg_tco2e_a"])
    assert lv.region["population"] == 600


def test_uncertainty_collapses_when_factors_are_exact(toy) -> None:
    """Every factor the toy region uses has low = high, so every draw gives the central total."""
    _, result = toy
    t = result.totals.set_index("lau2")
    for code in [*toy_region.CODES, "region"]:
        assert t.loc[code, "basic_p05_tco2e"] == pytest.approx(t.loc[code, "basic_tco2e"], rel=1e-9)
        assert t.loc[code, "basic_p95_tco2e"] == pytest.approx(t.loc[code, "basic_tco2e"], rel=1e-9)


def test_outputs_and_provenance(toy) -> None:
    base, _ = toy
    out = base / "results" / "current"
    assert io.list_layers(out / "minettgeo.gpkg") == [
        "buildings",
        "parcels",
        "districts",
        "communes",
        "roads",
        "dh_potential_areas",
    ]
    prov = json.loads(io.read_vector_metadata(out / "minettgeo.gpkg", "districts")["provenance"])
    assert prov["gwp_set"] == "AR5" and prov["factor_set"] == "minettgeo-factors-2026.1"
    assert len(prov["factor_tables_sha256"]) == 64
    assert {o["table"] for o in prov["overrides"]} >= {"grid_factors", "system_efficiency", "waste"}
    assert any(k.startswith("buildings") for k in prov["inputs"])
    for name in ("carbon_stock.tif", "sink_potential.tif", "sink_measures.csv"):
        assert (out / name).exists(), name
    doc = json.loads((out / "gpc_inventory.json").read_text())
    assert doc["provenance"]["carbon_set"] == "minettgeo-carbon-2026.2"
    assert doc["provenance"]["monte_carlo"] == {
        "draws": 200,
        "seed": 3,
        "distribution": "two-piece triangular(low, value, high), median = value",
    }
    # plain CSV (no comment lines): the provenance is in datapackage.json beside it
    csv_text = (out / "gpc_inventory.csv").read_text()
    assert csv_text.startswith("level,lau2,name,code,")
    assert "\n#" not in csv_text
    table = pd.read_csv(out / "gpc_inventory.csv", dtype={"lau2": str})
    package = json.loads((out / "datapackage.json").read_text())
    assert package["minettgeo"]["provenance"]["monte_carlo"]["draws"] == 200
    assert set(table["lau2"]) == {*toy_region.CODES, "region"}
    assert (out / "heat_density.tif").exists()


def test_district_heating_potential_thresholds(toy) -> None:
    """The toy region's buildings are far below 333 MWh/ha: no potential area."""
    _, result = toy
    assert len(result.dh_areas) == 0
    assert (result.buildings["dh_potential_area"] == 0).all()


def test_bad_parameters_and_overrides(tmp_path: Path) -> None:
    layers = toy_region.build(tmp_path / "layers")
    with pytest.raises(ParameterError, match="--draws"):
        run(layers, tmp_path / "out", RunOptions(draws=0))
    bad = tmp_path / "grid_factors.csv"
    bad.write_text("carrier,gas,value\nelectricity,CO2e,0.3\n")
    with pytest.raises(FactorError, match=r"grid_factors.*lacks column.*unit"):
        run(layers, tmp_path / "out", RunOptions(overrides=(bad,)))
    unknown = tmp_path / "my_factors.csv"
    unknown.write_text("a,b\n1,2\n")
    with pytest.raises(FactorError, match="no factor table named 'my_factors'"):
        load_factor_set("AR5", [unknown])
    with pytest.raises(FactorError, match="unknown GWP set"):
        load_factor_set("AR3")
    assert not (tmp_path / "out").exists()


def test_electricity_parameter_is_recorded(tmp_path: Path) -> None:
    factors = load_factor_set("AR5", electricity_kg_per_kwh=0.1)
    assert factors.value("grid_factors", "carrier", carrier="electricity", gas="CO2e") == 0.1
    assert (
        factors.provenance()["overrides"][0]["path"]
        == "parameter electricity factor (kg CO2e/kWh)=0.1"
    )
    with pytest.raises(FactorError, match="non-negative"):
        load_factor_set("AR5", electricity_kg_per_kwh=-1.0)


def test_failed_run_keeps_previous_results(tmp_path: Path) -> None:
    """A land-cover code the (user's) carbon table lacks stops the run with a message naming it;
    the results of the previous run stay as they were, and no staging folder is left."""
    layers = toy_region.build(tmp_path / "layers")
    out = tmp_path / "results"
    run(layers, out, RunOptions(draws=100))
    before = snapshot(out)
    table = tmp_path / "carbon.csv"
    table.write_text("lucode,c_above,c_below,c_soil,c_dead\n311,1,1,1,1\n")
    with pytest.raises(LandCarbonError, match=r"code\(s\) 112 .*carbon.csv"):
        run(layers, out, RunOptions(draws=100, carbon_table=table))
    assert snapshot(out) == before


def test_failure_while_writing_keeps_previous_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import minettgeo.pipeline as pipeline

    layers = toy_region.build(tmp_path / "layers")
    out = tmp_path / "results"
    run(layers, out, RunOptions(draws=100))
    before = snapshot(out)

    def disk_full(*args: object, **kwargs: object) -> Path:
        raise OSError("No space left on device")

    monkeypatch.setattr(
        pipeline, "carbon_stock_raster", disk_full
    )  # after the GeoPackage and inventory
    with pytest.raises(LayerWriteError, match=r"No space.*previous results there are unchanged"):
        run(layers, out, RunOptions(draws=100, seed=99))
    assert snapshot(out) == before


def test_land_cover_in_another_crs_is_warped_on_load(tmp_path: Path) -> None:
    """The toy land cover reprojected to ETRS89-LAEA (EPSG:3035): the run warps it back to
    LUREF (nearest neighbour) and finds the same land, to the pixel edges lost in warping."""
    import rasterio
    from rasterio.warp import Resampling, calculate_default_transform, reproject

    from minettgeo.layers.region import load_region

    layers = toy_region.build(tmp_path / "layers")
    src_path = layers / "landcover.tif"
    with rasterio.open(src_path) as src:
        data = src.read(1)
        transform, width, height = calculate_default_transform(
            src.crs, "EPSG:3035", src.width, src.height, *src.bounds
        )
        out = np.zeros((height, width), dtype=np.uint16)
        reproject(
            data,
            out,
            src_transform=src.transform,
            src_crs=src.crs,
            dst_transform=transform,
            dst_crs="EPSG:3035",
            resampling=Resampling.nearest,
            src_nodata=0,
            dst_nodata=0,
        )
    src_path.unlink()
    io.write_raster(src_path, out, transform, "EPSG:3035", 0)
    region = load_region(layers)
    assert any(p.kind == "reprojected" for p in region.reports["landcover"].repairs)
    with rasterio.open(region.landcover_path) as warped:
        assert warped.crs.to_epsg() == 2169
    result = run(layers, tmp_path / "results", RunOptions(draws=100))
    assert result.levels.region["land_area_ha"] == pytest.approx(300.0, rel=0.02)
    assert result.provenance["inputs"]  # the original file is the recorded input
