"""Smaller parts of the models by hand: resident-based road emissions, waste, railways shared out
to zones and communes, roof types and rooftop solar without geometry, residents and solar added
to the buildings."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from factor_overrides import shipped_factor_set
from minettgeo import CRS
from minettgeo.errors import FactorError
from minettgeo.factors.tables import FactorSet
from minettgeo.models import rail, solar, transport, waste


def table(keys: dict[str, list[str]], values: list[float], unit: str = "-") -> pd.DataFrame:
    return pd.DataFrame(
        {**keys, "unit": unit, "value": values, "low": values, "high": values, "source": "t"}
    ).assign(year=2026)


def mobility_set() -> FactorSet:
    return FactorSet(
        tables={
            "gwp": table(
                {"gwp_set": ["AR5"] * 3, "gas": ["CO2", "CH4", "N2O"]}, [1.0, 28.0, 265.0]
            ),
            "vehicle_factors": table(
                {"vehicle_class": ["car"] * 3 + ["lgv"] * 3, "gas": ["CO2", "CH4", "N2O"] * 2},
                [0.15, 0.001, 0.0001, 0.25, 0.0, 0.0],
            ),
            # no row for hgv and bus: left out
            "resident_mobility": table(
                {"vehicle_class": ["car", "lgv"], "quantity": ["vkm_per_resident"] * 2},
                [1000.0, 100.0],
            ),
            "waste": table({"quantity": ["other", "per_capita_emissions"]}, [9.0, 0.2]),
        },
        gwp_set="AR5",
    )


def test_resident_based_road_emissions_by_hand() -> None:
    out = transport.resident_based(pd.Series({"A": 10.0, "B": 0.0}), mobility_set())
    # A: cars 10 x 1000 = 10,000 vkm: CO2 1,500 kg + CH4 10 kg x 28 + N2O 1 kg x 265 = 2,045 kg;
    # LGV 10 x 100 = 1,000 vkm x 0.25 = 250 kg -> 2.295 t, 11,000 vkm; B: no residents
    assert out.index.tolist() == ["A", "B"]
    assert out["resident_vkm_a"].tolist() == pytest.approx([11_000.0, 0.0])
    assert out["resident_based_road_tco2e_a"].tolist() == pytest.approx([2.295, 0.0])


def test_waste_per_capita() -> None:
    factors = mobility_set()
    out = waste.waste_emissions(pd.Series({"A": 100.0, "B": 5.0}), factors)
    # 0.2 t CO2e per resident
    assert out.to_dict() == pytest.approx({"A": 20.0, "B": 1.0}) and out.name == "waste_tco2e_a"
    assert factors.theta[waste.waste_index(factors)] == 0.2


def rail_lines() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"traction": ["diesel", "electric"]},
        geometry=[shapely.LineString([(0, 0), (2000, 0)]), shapely.LineString([(0, 0), (0, 1000)])],
        crs=CRS,
        index=[5, 6],
    )


SHARES = pd.DataFrame({"road": [5, 5, 6], "zone": ["Z1", "Z2", "Z2"], "share": [0.25, 0.75, 1.0]})


def test_rail_sums_shared_out_to_zones() -> None:
    results = pd.DataFrame(
        {col: [4.0 * (i + 1), 1.0] for i, col in enumerate(rail.RAIL_SUMS)}, index=[5, 6]
    )
    out = rail.rail_by_zone(results, SHARES)
    # Z1: a quarter of line 5; Z2: three quarters of line 5 and all of line 6
    first, second = rail.RAIL_SUMS[0], rail.RAIL_SUMS[1]
    assert out.loc["Z1", first] == 1.0 and out.loc["Z2", first] == 4.0  # 4 x 0.75 + 1
    assert out.loc["Z1", second] == 2.0 and out.loc["Z2", second] == 7.0  # 8 x 0.75 + 1
    assert list(out.columns) == list(rail.RAIL_SUMS)


def test_rail_line_km_by_commune_and_traction() -> None:
    districts = pd.DataFrame({"district_id": ["Z1", "Z2"], "lau2": ["A", "B"]})
    out = rail.rail_activity_by_commune(rail_lines(), SHARES, districts)
    # A: 2 km x 0.25 diesel; B: 2 km x 0.75 diesel and 1 km electric
    assert out.to_dict("records") == [
        {"lau2": "A", "diesel_line": True, "line_km": 0.5},
        {"lau2": "B", "diesel_line": False, "line_km": 1.0},
        {"lau2": "B", "diesel_line": True, "line_km": 1.5},
    ]


@pytest.fixture(scope="module")
def shipped() -> FactorSet:
    return shipped_factor_set()


def test_rail_results_without_and_with_a_layer(shipped: FactorSet) -> None:
    districts = gpd.GeoDataFrame(
        {"district_id": ["N", "S"]},
        geometry=[shapely.box(-10, 500, 2010, 1010), shapely.box(-10, -10, 2010, 500)],
        crs=CRS,
    )
    assert rail.rail_results(None, districts, shipped) is None
    assert rail.rail_results(rail_lines().iloc[:0], districts, shipped) is None
    found = rail.rail_results(rail_lines(), districts, shipped)
    assert found is not None
    lines, shares = found
    assert lines.index.tolist() == [5, 6] and lines["line_km"].tolist() == [2.0, 1.0]
    # line 5 lies in S; line 6 half in S (0-500 m) and half in N
    got = {(r.road, r.zone): r.share for r in shares.itertuples()}
    assert got == pytest.approx({(5, "S"): 1.0, (6, "S"): 0.5, (6, "N"): 0.5})


def test_roof_types_given_derived_or_refused() -> None:
    uses = pd.DataFrame({"use": ["single_family", "office", "terraced"]})
    assert solar.roof_types(uses).tolist() == ["pitched", "flat", "pitched"]
    given = uses.assign(roof_type=["flat", None, np.nan])
    assert solar.roof_types(given).tolist() == ["flat", "flat", "pitched"]
    with pytest.raises(FactorError) as err:
        solar.roof_types(uses.assign(roof_type=["dome", "pitched", "cone"]))
    assert str(err.value) == (
        "buildings column roof_type: unknown value(s) cone, dome; use pitched or flat (or leave "
        "the cell empty to derive it from the use)"
    )


def test_solar_from_a_footprint_column_and_added_to_the_buildings(shipped: FactorSet) -> None:
    buildings = pd.DataFrame(
        {
            "use": ["single_family", "office", "terraced"],
            "footprint_m2": [100.0, 50.0, 10.0],
            "lau2": ["A", "A", "B"],
            "dwellings": [1, 0, 3],
        },
        index=[3, 4, 5],
    )
    out = solar.solar_potential(buildings, shipped)
    # pitched 0.4, flat 0.5 of the footprint; 0.2 kWp/m2; 979 kWh/kWp
    assert out.index.tolist() == [3, 4, 5]
    assert out["pv_roof_m2"].tolist() == pytest.approx([40.0, 25.0, 4.0])
    assert out["pv_kwh_a"].tolist() == pytest.approx([7832.0, 4895.0, 783.2])
    communes = pd.DataFrame({"lau2": ["A", "B"], "population": [20.0, 6.0]})
    both = solar.with_residents_and_solar(buildings, communes, shipped)
    # A: 20 residents, all in the one building with dwellings; B: 6
    assert both["residents"].tolist() == pytest.approx([20.0, 0.0, 6.0])
    assert both["pv_kwp"].tolist() == pytest.approx([8.0, 5.0, 0.8])
    for col in solar.SOLAR_SUMS:
        assert both[col].tolist() == pytest.approx(out[col].tolist()), col
    assert "residents" not in buildings.columns
