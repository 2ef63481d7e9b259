"""Monte Carlo of the land flux and the sink potential: two-piece triangular draws, seeded, the same flux
function as the central run, percentiles per commune and of the region's sum."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from minettgeo import CRS
from minettgeo.land.areas import LandInputs, joint_areas
from minettgeo.land.carbon import carbon_accounts, central_parameters
from minettgeo.land.potential import sink_potential
from minettgeo.land.tables import CarbonTables, load_carbon_tables
from minettgeo.land.uncertainty import (
    drawn_parameters,
    factor_draws,
    flux_draws,
    percentiles,
    potential_draws,
    simulate_land,
)
from test_land import INPUTS, JOINT, TRANSFORM, X0, Y1, C, user_tables, write


def test_land_draws_have_the_tabulated_value_as_median() -> None:
    """Two-piece triangular (low 0, value 1, high 5): half the mass on [0, 1], half on [1, 5],
    so the median is 1 (a mode-1 triangular would have its median at 5 - sqrt(0.5 x 5 x 4) =
    1.84); the mean is 0.5 x (0 + 2 x 1) / 3 + 0.5 x (2 x 1 + 5) / 3 = 1/3 + 7/6 = 1.5;
    low == high gives the value itself."""
    rng = np.random.default_rng(1)
    x = factor_draws(np.array([0.0, 2.0]), np.array([1.0, 2.0]), np.array([5.0, 2.0]), 200_000, rng)
    assert x.shape == (2, 200_000)
    assert np.median(x[0]) == pytest.approx(1.0, abs=0.01)
    assert x[0].mean() == pytest.approx(1.5, abs=0.01)
    assert (x[0] <= 1.0).mean() == pytest.approx(0.5, abs=0.005)
    assert x[0].min() >= 0 and x[0].max() <= 5
    assert (x[1] == 2.0).all()


def test_percentiles_of_the_region_are_of_the_sum() -> None:
    """Two communes, draws (1, 2, 3) and (3, 2, 1): region sums are 4, 4, 4, so the region's
    interval is 4-4 although each commune spans 1.1-2.9."""
    table = percentiles(np.array([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]]), ["a", "b"], "x")
    region = table.set_index("lau2").loc["region"]
    assert region["x_p05_tco2_a"] == pytest.approx(4.0) and region["x_p95_tco2_a"] == 4.0
    assert table.set_index("lau2").loc["a", "x_p05_tco2_a"] == pytest.approx(1.1)


def _two_communes(tmp_path: Path):
    """A 3 x 3 raster, arable (2012) turned broadleaf (2024, age 5) on the left column, arable
    elsewhere; parcel A (left column) in commune 1, parcel B (the rest) in commune 2."""
    now = np.array([[311, 211, 211]] * 3, dtype=np.uint16)
    before = np.full((3, 3), 211, dtype=np.uint16)
    inputs = LandInputs(
        landcover=write(tmp_path / "now.tif", now),
        landcover_before=write(tmp_path / "before.tif", before),
        forest_age=write(tmp_path / "age.tif", np.full((3, 3), 5, dtype=np.uint8), nodata=255),
        year=2024,
        year_before=2012,
    )
    parcels = gpd.GeoDataFrame(
        {
            "parcel_id": ["A", "B"],
            "lau2": ["1", "2"],
            "zoning": ["agricultural", "agricultural"],
            "urban_form": ["farmland", "farmland"],
        },
        geometry=[
            shapely.box(X0, Y1 - 30, X0 + 10, Y1),
            shapely.box(X0 + 10, Y1 - 30, X0 + 30, Y1),
        ],
        crs=CRS,
    )
    assert TRANSFORM.a == 10.0
    return inputs, parcels


def test_the_draws_use_the_central_flux_function(tmp_path: Path) -> None:
    """With the central values as the only 'draw', the Monte Carlo gives the central flux."""
    inputs, parcels = _two_communes(tmp_path)
    tables = load_carbon_tables()
    joint = joint_areas(inputs, parcels, "parcel_id", processes=1)
    central = carbon_accounts(joint, tables, inputs)
    params = central_parameters(tables)
    one = replace(
        params,
        biomass=params.biomass[:, None],
        soil=params.soil[:, None],
        rate=params.rate[:, None],
    )
    values = flux_draws(
        joint, parcels.set_index("parcel_id")["lau2"], tables, inputs, ["1", "2"], one
    )
    np.testing.assert_allclose(values[:, 0], central["land_net_flux_tco2_a"].loc[["A", "B"]])


def test_land_intervals_are_seeded_and_bracket_the_central_value(tmp_path: Path) -> None:
    inputs, parcels = _two_communes(tmp_path)
    tables = load_carbon_tables()
    joint = joint_areas(inputs, parcels, "parcel_id", processes=1)
    central = carbon_accounts(joint, tables, inputs)
    # the potential on 1 ha slag heaps zoned green (afforestation), one per commune
    heaps = gpd.GeoDataFrame(
        {"parcel_id": ["A", "B"], "zoning": ["green", "green"], "urban_form": ["slag_heap"] * 2},
        geometry=[shapely.box(0, 0, 100, 100), shapely.box(200, 0, 300, 100)],
        crs=CRS,
    )
    classes = pd.DataFrame({132: [1.0, 1.0]}, index=["A", "B"])
    empty = gpd.GeoDataFrame({"area_id": []}, geometry=[], crs=CRS)
    potential = sink_potential(heaps, classes, pd.Series(dtype=float), empty, tables, {})
    commune_of = parcels.set_index("parcel_id")["lau2"]
    args = (joint, commune_of, tables, inputs, potential.measures, ["1", "2"])
    first = simulate_land(*args, start_year=2026, draws=400, seed=7).table.set_index("lau2")
    again = simulate_land(*args, start_year=2026, draws=400, seed=7).table.set_index("lau2")
    other = simulate_land(*args, start_year=2026, draws=400, seed=8).table.set_index("lau2")
    pd.testing.assert_frame_equal(first, again)
    assert not first.equals(other)
    flux = central["land_net_flux_tco2_a"]
    for lau2, pid in (("1", "A"), ("2", "B")):
        row = first.loc[lau2]
        assert row["land_net_flux_p05_tco2_a"] <= flux[pid] <= row["land_net_flux_p95_tco2_a"]
    region = first.loc["region"]
    assert region["land_net_flux_p05_tco2_a"] < region["land_net_flux_p95_tco2_a"]
    total = potential.parcels["sink_potential_2050_tco2_a"].sum()
    assert total > 0
    assert (
        region["sink_potential_2050_p05_tco2_a"]
        <= total
        <= region["sink_potential_2050_p95_tco2_a"]
    )


# ------------------------------------------------------------------ parameters and draws by hand (certain tables: every draw is the central value)
def _certain(tables: CarbonTables) -> CarbonTables:
    """Every range collapsed on its value: each draw is the central value."""
    removal = tables.removal.assign(low=tables.removal["value"], high=tables.removal["value"])
    ranges = tables.measure_ranges.assign(
        low=tables.measure_ranges["value"], high=tables.measure_ranges["value"]
    )
    pools = tables.pool_ranges.assign(
        low=tables.pool_ranges["value"], high=tables.pool_ranges["value"]
    )
    return replace(tables, removal=removal, measure_ranges=ranges, pool_ranges=pools)


def test_drawn_parameters_of_certain_tables_are_the_central_ones() -> None:
    """Stocks (biomass = above + below + dead, soil apart) and rates, 3 identical draws; a range
    row of a code without a pool row is left out."""
    tables = _certain(load_carbon_tables())
    extra = pd.DataFrame({"lucode": [9999], "pool": ["above"], "value": [5.0]}).assign(
        low=5.0, high=5.0
    )
    tables = replace(tables, pool_ranges=pd.concat([tables.pool_ranges, extra], ignore_index=True))
    drawn = drawn_parameters(tables, 3, np.random.default_rng(0))
    central = central_parameters(tables)
    np.testing.assert_array_equal(drawn.codes, central.codes)
    for name in ("biomass", "soil", "rate"):
        got = getattr(drawn, name)
        assert got.shape == (len(getattr(central, name)), 3), name
        np.testing.assert_allclose(got, np.repeat(getattr(central, name)[:, None], 3, axis=1))
    row = list(central.codes).index(311)
    assert drawn.biomass[row, 0] == pytest.approx(100 + 24 + 15.4)
    assert drawn.soil[row, 0] == pytest.approx(81.0)


def _detail() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "parcel_id": ["A", "A2", "B", "C", "A", "B2"],
            "measure": ["afforestation_broadleaf"] * 2
            + ["hedgerow"] * 2
            + ["agroforestry", "afforestation_broadleaf"],
            "unit": ["ha", "ha", "km", "km", "ha", "ha"],
            "amount": [1.0, 2.0, 0.5, 1.0, 0.0, 1.0],
            "area_ha": [1.0, 2.0, 0.2, 0.4, 0.0, 1.0],
            "baseline_tc_ha_a": [1.0, 1.0, 0.5, 0.0, 0.0, 5.0],
        }
    )


@pytest.mark.parametrize(
    ("year", "start", "commune_1", "commune_2"),
    [
        # 2030, t = 4: afforestation 3 ha x (3.945 - 1.0) = 8.835; hedge 0.5 km x (1.16 +
        # 0.34 - 0.4 ha/km x 0.5) = 0.65
        (2030, 2026, 3 * (3.945 - 1.0), 0.5 * (1.16 + 0.34 - 0.2)),
        # 2050, t = 24: 3 x (1.54 - 1.0) = 1.62; hedge mature 0.2 - 0.2 = 0
        (2050, 2026, 3 * (1.54 - 1.0), 0.0),
        (2030, 2030, 3 * (3.945 - 1.0), 0.5 * (1.16 + 0.34 - 0.2)),  # t = 0: started
        (2030, 2040, 0.0, 0.0),  # not started yet
    ],
)
def test_potential_draws_of_certain_rates(
    year: int, start: int, commune_1: float, commune_2: float
) -> None:
    """A and A2 in commune 1, B and B2 in 2; C's commune is not reported; a zero amount is left
    out; B2's baseline (5 t C/(ha a)) is above the afforestation curve: it adds nothing. Every
    draw is the central value (t C/a x 44/12)."""
    tables = _certain(load_carbon_tables())
    commune_of = pd.Series({"A": "1", "A2": "1", "B": "2", "C": "9"})
    got = potential_draws(
        _detail(), commune_of, tables, ["1", "2"], year, start, 4, np.random.default_rng(0)
    )
    assert got.shape == (2, 4)
    np.testing.assert_allclose(got, [[commune_1 * C] * 4, [commune_2 * C] * 4], atol=1e-12)
    none = potential_draws(
        _detail().iloc[:0], commune_of, tables, ["1"], 2030, 2026, 3, np.random.default_rng(0)
    )
    np.testing.assert_array_equal(none, np.zeros((1, 3)))


def test_factor_draws_are_independent_per_parameter() -> None:
    """Two parameters with the same range get different draws (one uniform each), all inside
    [low, high]."""
    x = factor_draws([0.0, 0.0], [1.0, 1.0], [2.0, 2.0], 50, np.random.default_rng(3))
    assert x.shape == (2, 50) and not np.array_equal(x[0], x[1])
    assert x.min() >= 0.0 and x.max() <= 2.0


def test_percentile_columns() -> None:
    """Draws 1..5 of one commune: p05 1.2, p50 3, p95 4.8 (linear interpolation)."""
    table = percentiles(np.array([[1.0, 2.0, 3.0, 4.0, 5.0]]), ["a"], "y")
    assert list(table.columns) == ["lau2", "y_p05_tco2_a", "y_p50_tco2_a", "y_p95_tco2_a"]
    assert table["lau2"].tolist() == ["a", "region"]
    np.testing.assert_allclose(table.iloc[0, 1:].to_numpy(dtype=float), [1.2, 3.0, 4.8])


@pytest.fixture()
def tables(tmp_path: Path) -> CarbonTables:
    return user_tables(tmp_path)


def test_flux_draws_by_commune_leave_out_unlisted_communes(tables: CarbonTables) -> None:
    """Parcels A (commune 1) and B (commune 2) of the accounts above, two draws of the central
    values (the second doubled: fluxes are linear in stocks and rates): only commune 2 is
    asked for, B's net flux 0.45 t C/a = 1.65 t CO2/a (and 3.3)."""
    params = central_parameters(tables)
    two = replace(
        params,
        biomass=params.biomass[:, None] * [1.0, 2.0],
        soil=params.soil[:, None] * [1.0, 2.0],
        rate=params.rate[:, None] * [1.0, 2.0],
    )
    commune_of = pd.Series({"B": "2", "A": "1"})
    got = flux_draws(JOINT, commune_of, tables, INPUTS, ["2"], two)
    np.testing.assert_allclose(got, [[0.45 * 44 / 12, 0.9 * 44 / 12]])


def test_simulate_land_defaults(tables: CarbonTables) -> None:
    """1,000 draws, seed 2028 unless told; the same as asking for them."""
    detail = pd.DataFrame(columns=["parcel_id", "measure", "unit", "amount", "area_ha"])
    commune_of = pd.Series({"A": "1", "B": "2"})
    default = simulate_land(JOINT, commune_of, tables, INPUTS, detail, ["1", "2"], start_year=2026)
    asked = simulate_land(
        JOINT,
        commune_of,
        tables,
        INPUTS,
        detail,
        ["1", "2"],
        start_year=2026,
        draws=1000,
        seed=2028,
    )
    assert (default.draws, default.seed) == (1000, 2028)
    pd.testing.assert_frame_equal(default.table, asked.table)
    assert default.table["lau2"].tolist() == ["1", "2", "region"]
