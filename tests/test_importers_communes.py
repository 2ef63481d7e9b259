"""``minettgeo import act-communes``: ACT commune boundaries joined with the STATEC population.

Fixtures (tests/fixtures/products, see ATTRIBUTION.md there): ``act_communes4326.geojson``, the
ACT features of Kayl (0206), Rumelange (0212) and Schifflange (0214) as published
(``communes4326.geojson``: COMMUNE, CANTON, DISTRICT, LAU2; EPSG:4326) with their rows of
STATEC's population table (``statec_population.csv``, 2015-2024); ``act_communes.geojson``, the
worked example's two squares in the ACT schema (LUREF) with a LUSTAT SDMX-CSV export of
LU1:DF_X021 (``statec_population_lustat.csv``, 2023-2024, with its canton and country rows).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from importer_helpers import PRODUCTS, cli, folder_state, imp, refused
from minettgeo.layers import io

REAL = PRODUCTS / "act_communes4326.geojson"
REAL_POP = PRODUCTS / "statec_population.csv"
SQUARES = PRODUCTS / "act_communes.geojson"
LUSTAT = PRODUCTS / "statec_population_lustat.csv"


def read(out: Path, layer: str) -> gpd.GeoDataFrame:
    return io.read_vector(out / "region.gpkg", layer)


def communes_of(out: Path) -> pd.DataFrame:
    c = read(out, "communes").set_index("lau2")
    return c.assign(area_km2=c.geometry.area / 1e6)


def test_real_communes_latest_year(tmp_path: Path) -> None:
    """Default --year: the latest of the table (2024). Residents on 1.1.2024 (STATEC): Kayl
    9,889, Rumelange 5,775, Schifflange 11,517 (sum 27,181); areas in LUREF as ACT's
    area_km2_luref (minett_communes.geojson): 14.862, 6.844, 7.758 km2 (sum 29.464)."""
    out = tmp_path / "layers"
    result = imp("act-communes", REAL, out, "--population", str(REAL_POP))
    assert result.exit_code == 0, result.output
    c = communes_of(out)
    assert list(c.index) == ["0206", "0212", "0214"]
    assert list(c["name"]) == ["Kayl", "Rumelange", "Schifflange"]
    assert c["population"].to_dict() == {"0206": 9_889, "0212": 5_775, "0214": 11_517}
    assert c["area_km2"].to_dict() == pytest.approx(
        {"0206": 14.862, "0212": 6.844, "0214": 7.758}, abs=0.001
    )
    assert read(out, "communes").crs.to_epsg() == 2169
    assert "STATEC 1.1.2024" in result.output and "27,181 residents" in result.output
    # no districts in the region: one per commune, the commune's name and code
    d = read(out, "districts").set_index("district_id")
    assert list(d.index) == ["0206-01", "0212-01", "0214-01"]
    assert list(d["lau2"]) == ["0206", "0212", "0214"]
    assert d.geometry.area.sum() / 1e6 == pytest.approx(29.464, abs=0.002)
    # the region validates as written (the same validator as before a run)
    assert cli("validate", str(out / "region.gpkg")).exit_code == 0


def test_chosen_year_and_communes(tmp_path: Path) -> None:
    """--year 2020: Kayl 9,506, Schifflange 11,293 (STATEC 1.1.2020); --communes keeps two."""
    out = tmp_path / "layers"
    result = imp(
        "act-communes", REAL, out, "--population", str(REAL_POP), "--year", "2020",
        "--communes", "0206,214",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert communes_of(out)["population"].to_dict() == {"0206": 9_506, "0214": 11_293}


def test_lustat_export_and_square_fixture(tmp_path: Path) -> None:
    """The LUSTAT SDMX-CSV export: the rows of canton C02 and the country T are left out; the
    fixture squares are 300 m x 300 m = 0.09 km2 each; 2024: 37,455 and 2,799 residents."""
    out = tmp_path / "layers"
    result = imp("act-communes", SQUARES, out, "--population", str(LUSTAT))
    assert result.exit_code == 0, result.output
    c = communes_of(out)
    assert c["population"].to_dict() == {"0204": 37_455, "0210": 2_799}
    assert c["area_km2"].to_dict() == pytest.approx({"0204": 0.09, "0210": 0.09}, abs=1e-9)
    assert "4 rows of cantons and the country left out" in result.output
    result = imp("act-communes", SQUARES, out, "--population", str(LUSTAT), "--year", "2023")
    assert communes_of(out)["population"].to_dict() == {"0204": 36_625, "0210": 2_734}
    # districts were written by the first import and are kept by the second
    assert "no districts in the region" not in result.output
    assert len(read(out, "districts")) == 2


def test_lustat_export_with_labels(tmp_path: Path) -> None:
    """The Data Explorer's export with codes and labels ("CANTON: Canton", "0204: Esch...")."""
    raw = pd.read_csv(LUSTAT, dtype=str, keep_default_na=False)
    names = {"T": "Total", "C02": "Canton Esch", "0204": "Esch-sur-Alzette"}
    names |= {"0210": "Reckange-sur-Mess"}
    raw["CANTON"] = raw["CANTON"].map(lambda c: f"{c}: {names[c]}")
    raw["FREQ"] = "A: Annual"
    raw.columns = [f"{c}: {c.title()}" for c in raw.columns]
    labelled = tmp_path / "LU1_DF_X021_1.1_A.csv"
    raw.to_csv(labelled, index=False)
    out = tmp_path / "layers"
    result = imp("act-communes", SQUARES, out, "--population", str(labelled))
    assert result.exit_code == 0, result.output
    assert communes_of(out)["population"].to_dict() == {"0204": 37_455, "0210": 2_799}
    assert "check LAU2" not in result.output  # the names agree


def test_name_mismatch_is_noted(tmp_path: Path) -> None:
    """0210 named Schifflange in the boundary file (Schifflange is 0214): imported, noted."""
    src = tmp_path / "communes.geojson"
    gdf = gpd.read_file(SQUARES)
    gdf.loc[gdf["LAU2"] == "0210", "COMMUNE"] = "Schifflange"
    gdf.to_file(src)
    table = tmp_path / "pop.csv"
    pd.DataFrame(
        {"lau2": ["0204", "0210"], "commune": ["Esch-sur-Alzette", "Reckange-sur-Mess"],
         "year": [2024, 2024], "population": [37_455, 2_799]}
    ).to_csv(table, index=False)  # fmt: skip
    result = imp("act-communes", src, tmp_path / "layers", "--population", str(table))
    assert result.exit_code == 0, result.output
    assert (
        "check LAU2 0210: 'Schifflange'" in result.output and "Reckange-sur-Mess" in result.output
    )


def test_the_whole_country(tmp_path: Path) -> None:
    """The 100 communes of layers/sources (ACT) with the project's STATEC table: the national
    sums are STATEC's published totals, 672,050 residents on 1.1.2024 and 562,958 on 1.1.2015."""
    sources = PRODUCTS.parents[2] / "layers" / "sources"
    pop = str(sources / "lu_population_statec.csv")
    out = tmp_path / "layers"
    for year, total in ((None, 672_050), ("2015", 562_958)):
        args = ("--population", pop) + (("--year", year) if year else ())
        result = imp("act-communes", sources / "lu_communes.geojson", out, *args)
        assert result.exit_code == 0, result.output
        c = communes_of(out)
        assert len(c) == 100 and c.index.is_unique
        assert int(c["population"].sum()) == total
    assert "check LAU2" not in result.output  # ACT's and STATEC's names agree


# --- bad input: one error each, --out byte-identical ---------------------------------------


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("communes") / "layers"
    assert imp("act-communes", REAL, out, "--population", str(REAL_POP)).exit_code == 0
    return out


@pytest.fixture
def layers(imported: Path, tmp_path: Path) -> Path:
    out = tmp_path / "layers"
    shutil.copytree(imported, out)
    return out


def real_features() -> dict:
    return json.loads(REAL.read_text(encoding="utf-8"))


def write_features(path: Path, data: dict) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_renamed_column(layers: Path, tmp_path: Path) -> None:
    data = real_features()
    for f in data["features"]:
        f["properties"]["CODE_LAU2"] = f["properties"].pop("LAU2")
    src = write_features(tmp_path / "communes.geojson", data)
    message = refused(layers, "act-communes", src, "--population", str(REAL_POP))
    assert str(src) in message and "'LAU2' is missing" in message
    assert "CODE_LAU2" in message and "--mapping" in message
    # the fix the message gives
    mapping = tmp_path / "map.yaml"
    mapping.write_text("columns:\n  lau2: CODE_LAU2\n", encoding="utf-8")
    result = imp(
        "act-communes", src, layers, "--population", str(REAL_POP), "--mapping", str(mapping)
    )
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("code", ["02O6", "20600", "1306", "0006"])
def test_wrong_lau2(layers: Path, tmp_path: Path, code: str) -> None:
    """Not four digits (02O6, 20600), or no canton 01-12 in front (1306, 0006)."""
    data = real_features()
    kayl = next(f for f in data["features"] if f["properties"]["LAU2"] == "0206")
    kayl["properties"]["LAU2"] = code
    src = write_features(tmp_path / "communes.geojson", data)
    message = refused(layers, "act-communes", src, "--population", str(REAL_POP))
    assert f"'{code}'" in message and "(Kayl)" in message and "'LAU2'" in message
    assert "canton (01-12)" in message


def test_year_not_in_table(layers: Path) -> None:
    message = refused(layers, "act-communes", REAL, "--population", str(REAL_POP), "--year", "2030")
    assert "--year 2030" in message and "2015-2024" in message and str(REAL_POP) in message


def test_commune_without_population_for_the_year(layers: Path, tmp_path: Path) -> None:
    """Kayl's 2024 row removed: the latest year lacks it; the message offers 2023."""
    pop = pd.read_csv(REAL_POP, dtype={"lau2": str})
    table = tmp_path / "pop.csv"
    pop[~((pop["lau2"] == "0206") & (pop["year"] == 2024))].to_csv(table, index=False)
    message = refused(layers, "act-communes", REAL, "--population", str(table))
    assert "0206 Kayl (no row)" in message and "--year 2023" in message


def test_suppressed_value_in_lustat(layers: Path, tmp_path: Path) -> None:
    """An empty OBS_VALUE flagged Q (missing value, suppressed) is no figure, never zero."""
    lines = LUSTAT.read_text(encoding="utf-8").splitlines()
    lines = [
        "LU1:DF_X021(1.1),A,0210,2024,,,,,,Q,0" if line.startswith("LU1:DF_X021(1.1),A,0210,2024")
        else line
        for line in lines
    ]  # fmt: skip
    table = tmp_path / "lustat.csv"
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    message = refused(layers, "act-communes", SQUARES, "--population", str(table))
    assert "0210 Reckange-sur-Mess (Q)" in message and "--year 2023" in message


def test_wrong_crs(layers: Path, tmp_path: Path) -> None:
    """LUREF coordinates in a GeoJSON without a crs member (RFC 7946: degrees), and degrees
    declared as LUREF metres."""
    metres = tmp_path / "metres.geojson"
    luref = gpd.read_file(REAL).to_crs(2169)
    luref.to_file(metres, driver="GeoJSON", RFC7946="NO", WRITE_NAME="NO")
    data = json.loads(metres.read_text(encoding="utf-8"))
    data.pop("crs", None)
    write_features(metres, data)
    message = refused(layers, "act-communes", metres, "--population", str(REAL_POP))
    assert str(metres) in message and "cannot be degrees" in message and "-a_srs" in message
    declared = tmp_path / "declared.geojson"
    data = real_features() | {
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::2169"}}
    }
    write_features(declared, data)
    message = refused(layers, "act-communes", declared, "--population", str(REAL_POP))
    assert "outside Luxembourg" in message and "EPSG:2169" in message


def test_duplicate_commune(layers: Path, tmp_path: Path) -> None:
    data = real_features()
    data["features"].append(data["features"][0])
    src = write_features(tmp_path / "communes.geojson", data)
    message = refused(layers, "act-communes", src, "--population", str(REAL_POP))
    code = data["features"][0]["properties"]["LAU2"]
    assert f"commune {code} appears in features 1" in message and ", 4 (" in message
    assert "ST_Union" in message


def test_duplicate_population_row(layers: Path, tmp_path: Path) -> None:
    pop = pd.read_csv(REAL_POP, dtype={"lau2": str})
    table = tmp_path / "pop.csv"
    pd.concat([pop, pop.iloc[[9]]]).to_csv(table, index=False)  # Kayl 2024 twice
    message = refused(layers, "act-communes", REAL, "--population", str(table))
    assert "commune 0206 has 2 rows for 2024 (lines 11, 32)" in message


def test_population_not_a_count(layers: Path, tmp_path: Path) -> None:
    pop = pd.read_csv(REAL_POP, dtype={"lau2": str, "population": str})
    pop.loc[9, "population"] = "9889.5"
    table = tmp_path / "pop.csv"
    pop.to_csv(table, index=False)
    message = refused(layers, "act-communes", REAL, "--population", str(table))
    assert "line 11 (commune 0206, 2024): '9889.5' is not a number of residents" in message


def test_density_dataflow_refused(layers: Path, tmp_path: Path) -> None:
    """LU1:DF_X020 is inhabitants per km2: refused, naming the dataflow to export instead."""
    table = tmp_path / "density.csv"
    table.write_text(
        LUSTAT.read_text(encoding="utf-8").replace("DF_X021(1.1)", "DF_X020(1.0)"),
        encoding="utf-8",
    )
    message = refused(layers, "act-communes", SQUARES, "--population", str(table))
    assert "density" in message and "LU1:DF_X021" in message


def test_population_table_of_another_shape(layers: Path, tmp_path: Path) -> None:
    table = tmp_path / "pop.csv"
    table.write_text("code,annee,habitants\n0206,2024,9889\n", encoding="utf-8")
    message = refused(layers, "act-communes", REAL, "--population", str(table))
    assert "lau2, year, population" in message and "code, annee, habitants" in message


def test_population_option_required(layers: Path) -> None:
    before = folder_state(layers)
    result = imp("act-communes", REAL, layers)
    assert result.exit_code == 2 and "--population FILE is required" in result.output
    assert folder_state(layers) == before


def test_existing_districts_outside_the_new_communes(layers: Path) -> None:
    """The region's districts (one per commune) lie in 0212 and 0214: importing only 0206
    would leave them without their commune."""
    message = refused(
        layers, "act-communes", REAL, "--population", str(REAL_POP), "--communes", "0206"
    )
    assert "0212, 0214" in message and "districts" in message


def test_population_code_not_lau2(layers: Path, tmp_path: Path) -> None:
    pop = pd.read_csv(REAL_POP, dtype=str)
    pop.loc[3, "lau2"] = "Kayl"
    table = tmp_path / "pop.csv"
    pop.to_csv(table, index=False)
    message = refused(layers, "act-communes", REAL, "--population", str(table))
    assert "column 'lau2'" in message and "line 5: 'Kayl'" in message
