"""Observed values (minettgeo.kpi.observed) and the KPI registry's checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from minettgeo.errors import KpiError, ObservedValuesError
from minettgeo.kpi.observed import COLUMNS, load_observed
from minettgeo.kpi.registry import COLUMNS as REGISTRY_COLUMNS
from minettgeo.kpi.registry import default_registry_path, load_registry

ROOT = Path(__file__).resolve().parents[1]
HEADER = ",".join(COLUMNS)
GOOD = "pv_installed,commune,0204,2024,3150,kWp,Creos register,"


def write(tmp_path: Path, *lines: str, header: str = HEADER) -> Path:
    path = tmp_path / "observed.csv"
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def test_example_file_loads_with_types() -> None:
    frame = load_observed(ROOT / "examples" / "observed_values.csv")
    assert list(frame.columns) == list(COLUMNS)
    assert frame["year"].dtype.kind == "i" and frame["value"].dtype.kind == "f"
    row = frame[(frame["kpi_id"] == "pv_installed") & (frame["year"] == 2024)]
    assert row[row["level"] == "commune"]["value"].item() == 3150.0
    # LAU2 codes keep their leading zero
    assert set(frame.loc[frame["level"] == "commune", "area_id"]) >= {"0204", "0202"}


@pytest.mark.parametrize(
    ("line", "column", "words"),
    [
        ("no_such_kpi,commune,0204,2024,1,kWp,s,", "kpi_id", "not a KPI"),
        ("pv_installed,commune,0204,2024,3.15,MWp,s,", "unit", "'kWp'"),
        ("pv_installed,commune,0204,2024,nan,kWp,s,", "value", "finite"),
        ("pv_installed,commune,0204,2024,inf,kWp,s,", "value", "finite"),
        ("pv_installed,commune,0204,2024,lots,kWp,s,", "value", "finite"),
        ("pv_installed,commune,0204,1989,1,kWp,s,", "year", "1990..2100"),
        ("pv_installed,commune,0204,2101,1,kWp,s,", "year", "1990..2100"),
        ("pv_installed,commune,0204,2024.5,1,kWp,s,", "year", "whole year"),
        ("pv_installed,parish,0204,2024,1,kWp,s,", "level", "not one of"),
        ("pv_installed,commune,204,2024,1,kWp,s,", "area_id", "LAU2"),
        ("pv_installed,region,0204,2024,1,kWp,s,", "area_id", "'region'"),
        ("pv_installed,commune,0204,2024,1,kWp,,", "source", "empty"),
        (GOOD, "year", "repeats"),
    ],
)
def test_bad_row_names_file_line_and_column(
    tmp_path: Path, line: str, column: str, words: str
) -> None:
    path = write(tmp_path, GOOD, line)
    with pytest.raises(ObservedValuesError) as err:
        load_observed(path)
    message = str(err.value)
    assert str(path) in message
    assert "line 3" in message  # header is line 1, the good row line 2
    assert f"column {column}" in message
    assert words in message


def test_future_year_refused_when_latest_year_given(tmp_path: Path) -> None:
    path = write(tmp_path, "pv_installed,commune,0204,2027,1,kWp,s,")
    assert len(load_observed(path)) == 1
    with pytest.raises(ObservedValuesError, match=r"line 2, column year: '2027' is in the future"):
        load_observed(path, latest_year=2026)


def test_level_not_of_the_kpi_refused(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    registry_path = tmp_path_factory.mktemp("reg") / "kpis.csv"
    text = default_registry_path().read_text(encoding="utf-8")
    registry_path.write_text(
        text.replace(
            "commune;district;test_district;region,WG I renewable energy,,pv_potential",
            "region,WG I renewable energy,,pv_potential",
        ),
        encoding="utf-8",
    )
    registry = load_registry(registry_path)
    assert registry["pv_installed"].levels == ("region",)
    with pytest.raises(
        ObservedValuesError, match="column level: 'commune' is not a level of this KPI"
    ):
        load_observed(write(tmp_path, GOOD), registry=registry)


@pytest.mark.parametrize(
    "header",
    [
        "kpi_id,level,area_id,year,value,unit,source",  # note missing
        HEADER + ",extra",
    ],
)
def test_header_must_be_exact(tmp_path: Path, header: str) -> None:
    with pytest.raises(ObservedValuesError, match="header must be exactly"):
        load_observed(write(tmp_path, header=header))


def test_unreadable_and_missing_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(ObservedValuesError, match="empty"):
        load_observed(empty)
    with pytest.raises(ObservedValuesError, match="no such"):
        load_observed(tmp_path / "absent.csv")


def test_registry_shipped_has_the_issue_indicators() -> None:
    registry = load_registry()
    for kpi_id in (
        "ghg_per_resident",
        "ghg_stationary",
        "ghg_transport",
        "final_energy_residential",
        "fossil_heated_share",
        "renovation_rate",
        "heat_pump_share",
        "district_heat_share",
        "pv_installed",
        "pv_potential",
        "vkm",
        "ev_share",
        "carbon_stock",
        "net_land_flux",
        "sink_area_implemented",
        "sink_area_potential",
    ):
        assert kpi_id in registry
    assert registry["pv_installed"].versus == "pv_potential"
    assert not registry["pv_installed"].modelled and registry["pv_potential"].modelled


def _registry_with(tmp_path: Path, row: str) -> Path:
    path = tmp_path / "kpis.csv"
    path.write_text(default_registry_path().read_text(encoding="utf-8") + row + "\n", "utf-8")
    return path


def test_user_adds_a_kpi_by_adding_a_row(tmp_path: Path) -> None:
    row = (
        "oil_share,Part chauffée au fioul,Oil-heated share,%,lower,buildings,"
        "heated_area_m2 * (heating_carrier == 'heating_oil'),heated_area_m2,100,"
        "commune;region,WG II,,,user,yearly,"
    )
    registry = load_registry(_registry_with(tmp_path, row))
    assert registry["oil_share"].levels == ("commune", "region")
    assert len(registry) == len(load_registry()) + 1


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        ("x,a,b,t,lower,districts,__import__('os'),,1,region,s,,,src,y,", "numerator", "Call"),
        ("x,a,b,t,lower,districts,ghg.real,,1,region,s,,,src,y,", "numerator", "Attribute"),
        (
            "x,a,b,t,lower,districts,ghg_tco2e_a +,,1,region,s,,,src,y,",
            "numerator",
            "not an expression",
        ),
        ("x,a,b,t,sideways,districts,ghg_tco2e_a,,1,region,s,,,src,y,", "better", "lower"),
        ("x,a,b,t,lower,districts,ghg_tco2e_a,,1,planet,s,,,src,y,", "levels", "planet"),
        ("x,a,b,t,lower,communes,ghg_tco2e_a,,1,district,s,,,src,y,", "levels", "cannot give"),
        ("x,a,b,t,lower,districts,,,1,region,s,,,src,y,", "layer and numerator", "both"),
        ("x,a,b,t,lower,districts,ghg_tco2e_a,,0,region,s,,,src,y,", "scale", "non-zero"),
        ("x,a,b,t,lower,districts,ghg_tco2e_a,,1,region,s,XI,,src,y,", "trajectory", "XI"),
        ("x,a,b,t,lower,districts,ghg_tco2e_a,,1,region,s,,nope,src,y,", "versus", "nope"),
        ("ghg_total,a,b,t,lower,districts,ghg_tco2e_a,,1,region,s,,,src,y,", "id", "twice"),
    ],
)
def test_bad_registry_row(tmp_path: Path, row: str, column: str, words: str) -> None:
    path = _registry_with(tmp_path, row)
    n = len(load_registry()) + 2  # header + shipped rows, then the new one
    with pytest.raises(KpiError) as err:
        load_registry(path)
    message = str(err.value)
    assert f"{path} line {n}" in message and words in message
    assert f"column {column}:" in message or f"columns {column}:" in message


def test_registry_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "kpis.csv"
    path.write_text(",".join(REGISTRY_COLUMNS[:-1]) + "\n", encoding="utf-8")
    with pytest.raises(KpiError, match="lacks column"):
        load_registry(path)
