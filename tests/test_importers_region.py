"""A region built only from the fixtures of real products, end to end: importers -> validate ->
``minettgeo run`` (the real command, in a subprocess) -> results read back through the reader.
This is the worked example of docs/importers.md."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from importer_helpers import PRODUCTS, ROOT, cli, imp
from minettgeo.results.reader import open_results


@pytest.fixture(scope="module")
def region(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("real") / "layers"
    steps = [
        (
            "act-communes",
            PRODUCTS / "act_communes.geojson",
            "--population",
            str(PRODUCTS / "statec_population_lustat.csv"),
        ),
        (
            "corine",
            PRODUCTS / "corine_2018_100m.tif",
            "--layer",
            "landcover_before",
            "--year",
            "2018",
        ),
        ("worldcover", PRODUCTS / "worldcover_2021.tif", "--year", "2021"),
        ("act-parcels", PRODUCTS / "act_parcels.gpkg"),
        ("act-buildings", PRODUCTS / "act_buildings.gpkg"),
        ("osm", PRODUCTS / "osm_extract.osm.pbf", "--layer", "roads"),
        (
            "ets",
            PRODUCTS / "ets_verified_emissions.csv",
            "--locations",
            str(PRODUCTS / "ets_locations.csv"),
        ),
    ]
    for kind, src, *args in steps:
        result = imp(kind, src, out, *args)
        assert result.exit_code == 0, (kind, result.output)
    return out


@pytest.fixture(scope="module")
def results(region: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``minettgeo validate`` then ``minettgeo run`` on the imported region."""
    checked = cli("validate", str(region / "region.gpkg"))
    assert checked.exit_code == 0, checked.output
    for path in ("landcover.tif", "landcover_before.tif"):
        assert cli("validate", str(region / path)).exit_code == 0
    results = tmp_path_factory.mktemp("results") / "results"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "minettgeo",
            "run",
            "--layers",
            str(region),
            "--out",
            str(results),
            "--draws",
            "100",
            "--quiet",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    return results


def test_region_from_products_runs(results: Path) -> None:
    res = open_results(results)
    buildings = res.layer("buildings")
    assert len(buildings) == 8
    parcels, communes = res.layer("parcels"), res.layer("communes")
    assert len(parcels) == 12 and sorted(communes.index) == ["0204", "0210"]
    # conservation: buildings -> parcels -> communes (stationary energy of the buildings)
    by_parcel = buildings.groupby("parcel_id")["ghg_tco2e_a"].sum()
    assert np.isclose(by_parcel.sum(), parcels["ghg_tco2e_a"].sum(), rtol=1e-9)
    assert np.isclose(
        parcels["ghg_tco2e_a"].sum(), communes["stationary_ghg_tco2e_a"].sum(), rtol=1e-9
    )
    # the heated buildings emit; the unheated outbuilding (BU.00007) does not
    heated = buildings[buildings["heating_carrier"] != "none"]
    assert (heated["ghg_tco2e_a"] > 0).all()
    # point sources add exactly their reported tonnes to their GPC rows: the steelworks'
    # 280,000 t split 140,000 (I.3.1) + 140,000 (IV.1), the furnaces' 19,500 t in I.3.1; the
    # only industrial building (BU.00006) stands on the steelworks' parcel and is left out of I.3
    totals = res.region_totals()
    assert np.isfinite(totals["basic_tco2e"]) and totals["basic_tco2e"] > 0
    # STATEC residents on 1.1.2024 (the latest year of the LUSTAT export): 37,455 + 2,799
    assert totals["population"] == 37_455 + 2_799
    # land cover imported first: the parcels' zoning is estimated from it
    assert set(parcels["zoning_grade"]) == {"estimated"}


def test_point_sources_in_inventory(results: Path) -> None:
    """Point sources add exactly their reported tonnes to their GPC rows: the steelworks'
    280,000 t split 140,000 (I.3.1) + 140,000 (IV.1), the furnaces' 19,500 t in I.3.1; the only
    industrial building (BU.00006) stands on the steelworks' parcel and is left out of I.3."""
    res = open_results(results)
    buildings = res.layer("buildings")
    inv = res.inventory()
    region_rows = inv[inv["lau2"] == "region"]
    iv1 = region_rows[region_rows["code"] == "IV.1"]
    if (iv1["notation_key"] == "NE").all():
        pytest.skip(
            "the engine does not read point_sources yet (IV.1 is NE): grades14's inventory part"
        )
    by_code = region_rows.groupby("code")["co2e_t"].sum()
    assert by_code["IV.1"] == pytest.approx(140_000.0)
    assert by_code["I.3.1"] == pytest.approx(140_000.0 + 19_500.0)
    industry = buildings[buildings["use"] == "industry"]
    assert industry["scope1_tco2e_a"].sum() == 0.0
