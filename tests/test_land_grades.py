"""The land-cover product's grade widens the area of converted land in the land Monte Carlo:
one multiplier per draw (median 1 on [1 - w, 1 + w]) on every group whose class now differs
from its class before; land remaining keeps its area; measured is not widened; the central run
and the factor draws are unchanged."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from minettgeo.engine.intervals import land_intervals
from minettgeo.land.areas import LandInputs, joint_areas
from minettgeo.land.carbon import (
    LandParameters,
    carbon_accounts,
    central_parameters,
    land_groups,
    land_years,
)
from minettgeo.land.tables import CarbonTables, load_carbon_tables
from minettgeo.land.uncertainty import (
    STREAM_LAND,
    converted_area_multipliers,
    drawn_parameters,
    flux_draws,
    percentiles,
    simulate_land,
    widened_groups,
)
from minettgeo.layers.raster_checks import raster_grade
from minettgeo.layers.raster_contracts import LANDCOVER
from minettgeo.quality.tables import quality_tables
from test_land import INPUTS, JOINT, C, user_tables
from test_land_uncertainty import _certain

DETAIL = pd.DataFrame(columns=["parcel_id", "measure", "unit", "amount", "area_ha"])
COMMUNE_OF = pd.Series({"A": "1", "B": "2"})


@pytest.fixture()
def tables(tmp_path: Path) -> CarbonTables:
    return user_tables(tmp_path)


def _columns(tables: CarbonTables, n: int) -> LandParameters:
    """The central values as ``n`` identical draws."""
    params = central_parameters(tables)
    return replace(
        params,
        biomass=np.repeat(params.biomass[:, None], n, axis=1),
        soil=np.repeat(params.soil[:, None], n, axis=1),
        rate=np.repeat(params.rate[:, None], n, axis=1),
    )


def test_land_half_widths_are_tabulated() -> None:
    """activity_spread.csv holds a land row per grade: measured 0, default below estimated."""
    w = quality_tables().half_widths("land")
    assert w["measured"] == 0.0
    assert 0.0 < w["default"] < w["estimated"] < 1.0


def test_converted_area_multipliers() -> None:
    """Median 1 on [1 - w, 1 + w]; exactly 1 for w = 0; its own stream [seed, 19]: the same
    uniforms as default_rng([seed, 19]) through the two-piece quantile (u = 0.1 -> 1 - w x (1 -
    sqrt(0.2)), u = 0.9 -> 1 + w x (1 - sqrt(0.2)))."""
    m = converted_area_multipliers(20_000, 0.33, 7)
    assert m.shape == (20_000,)
    assert m.min() >= 1 - 0.33 and m.max() <= 1 + 0.33
    assert np.median(m) == pytest.approx(1.0, abs=0.01)
    assert np.percentile(m, 90) == pytest.approx(1 + 0.33 * (1 - np.sqrt(0.2)), abs=0.01)
    assert np.percentile(m, 10) == pytest.approx(1 - 0.33 * (1 - np.sqrt(0.2)), abs=0.01)
    np.testing.assert_array_equal(converted_area_multipliers(50, 0.0, 7), np.ones(50))
    np.testing.assert_array_equal(m, converted_area_multipliers(20_000, 0.33, 7))
    u = np.random.default_rng([7, STREAM_LAND]).random(3)
    first = np.where(
        u < 0.5, 1 - 0.33 + 0.33 * np.sqrt(2 * u), 1 + 0.33 - 0.33 * np.sqrt(2 - 2 * u)
    )
    np.testing.assert_allclose(converted_area_multipliers(3, 0.33, 7), first)


def test_widened_groups_scale_converted_land_only(tables: CarbonTables) -> None:
    """JOINT's groups: A 2 ha forest remaining, 1 ha arable -> forest, 3 ha settlement; B 0.5 ha
    forest -> arable, 1.5 ha forest remaining, 1 ha rock -> settlement, 2 ha arable remaining.
    With m = (0.5, 2): converted 1 ha -> 0.5 and 2 ha, 0.5 -> 0.25 and 1, 1 -> 0.5 and 2;
    remaining unchanged."""
    groups = land_groups(JOINT, tables, land_years(INPUTS))
    wide = widened_groups(groups, np.array([0.5, 2.0]))
    assert wide.area_ha.shape == (len(groups.area_ha), 2)
    expected = np.where(
        groups.changed[:, None], groups.area_ha[:, None] * [0.5, 2.0], groups.area_ha[:, None]
    )
    np.testing.assert_allclose(wide.area_ha, expected)
    converted = sorted(groups.area_ha[groups.changed])
    assert converted == [0.5, 1.0, 1.0]
    np.testing.assert_allclose(wide.area_ha[~groups.changed].sum(axis=0), [8.5, 8.5])
    np.testing.assert_allclose(wide.area_ha[groups.changed].sum(axis=0), [1.25, 5.0])


def test_flux_with_a_multiplier_by_hand(tables: CarbonTables) -> None:
    """The net removals of test_land's accounts (t C/a), converted parts times m:
    A: forest remaining -1.0; arable -> forest gain 5 - loss 0.5 = 4.5 x m;
       net flux (t CO2/a) = -(-1.0 + 4.5 m) x 44/12
    B: forest remaining 6, arable remaining 0.4; forest -> arable loss 6.75 x m, rock ->
       settlement loss 0.1 x m; net flux = (6.85 m - 6.4) x 44/12
    m = 0.8: A 1 - 3.6 = -2.6, B 5.48 - 6.4 = -0.92
    m = 1:   A -3.5, B 0.45 (the central accounts)
    m = 1.25: A 1 - 5.625 = -4.625, B 8.5625 - 6.4 = 2.1625"""
    m = np.array([0.8, 1.0, 1.25])
    got = flux_draws(JOINT, COMMUNE_OF, tables, INPUTS, ["1", "2"], _columns(tables, 3), m)
    np.testing.assert_allclose(
        got, [[-2.6 * C, -3.5 * C, -4.625 * C], [-0.92 * C, 0.45 * C, 2.1625 * C]]
    )
    central = carbon_accounts(JOINT, tables, INPUTS)["land_net_flux_tco2_a"]
    np.testing.assert_allclose(got[:, 1], central.loc[["A", "B"]].to_numpy())


def test_region_draw_is_the_sum_of_the_communes(tables: CarbonTables) -> None:
    """With the multiplier, one zone holding both parcels gets, draw by draw, the sum of the
    two communes; the region row of the percentiles is that sum (-2.6 - 0.92 = -3.52, ...)."""
    m = np.array([0.8, 1.0, 1.25])
    params = _columns(tables, 3)
    both = flux_draws(JOINT, COMMUNE_OF, tables, INPUTS, ["1", "2"], params, m)
    one = flux_draws(JOINT, pd.Series({"A": "r", "B": "r"}), tables, INPUTS, ["r"], params, m)
    np.testing.assert_allclose(one[0], both.sum(axis=0))
    np.testing.assert_allclose(one[0], [-3.52 * C, -3.05 * C, -2.4625 * C])
    table = percentiles(both, ["1", "2"], "x").set_index("lau2")
    assert table.loc["region", "x_p50_tco2_a"] == pytest.approx(-3.05 * C)


def test_measured_is_not_widened_and_the_factor_draws_are_unchanged(tables: CarbonTables) -> None:
    """measured (w = 0): the intervals of the draws without any multiplier (rng(seed) for the
    factors); w > 0: the same factor draws, the converted areas times the stream-19 multipliers."""
    draws, seed = 300, 5
    params = drawn_parameters(tables, draws, np.random.default_rng(seed))
    plain = percentiles(
        flux_draws(JOINT, COMMUNE_OF, tables, INPUTS, ["1", "2"], params),
        ["1", "2"],
        "land_net_flux",
    )
    args = (JOINT, COMMUNE_OF, tables, INPUTS, DETAIL, ["1", "2"])
    w = quality_tables().half_widths("land")
    measured = simulate_land(
        *args, start_year=2026, draws=draws, seed=seed, converted_half_width=w["measured"]
    )
    cols = [c for c in plain.columns if c != "lau2"]
    pd.testing.assert_frame_equal(measured.table[["lau2", *cols]], plain, check_exact=True)
    m = converted_area_multipliers(draws, w["estimated"], seed)
    wide = percentiles(
        flux_draws(JOINT, COMMUNE_OF, tables, INPUTS, ["1", "2"], params, m),
        ["1", "2"],
        "land_net_flux",
    )
    estimated = simulate_land(
        *args, start_year=2026, draws=draws, seed=seed, converted_half_width=w["estimated"]
    )
    pd.testing.assert_frame_equal(estimated.table[["lau2", *cols]], wide)
    assert estimated.converted_half_width == w["estimated"] and measured.converted_half_width == 0
    assert not estimated.table.equals(measured.table)


def test_certain_tables_interval_is_the_multiplier_interval(tables: CarbonTables) -> None:
    """Stocks and rates certain: the only uncertainty is m, and the flux is linear in m, so
    A's interval is 1 - 4.5 x (p95, p05 of m) and B's 6.85 x (p05, p95 of m) - 6.4 (t C/a x
    44/12); measured gives a zero-width interval at the central value."""
    certain = _certain(tables)
    args = (JOINT, COMMUNE_OF, certain, INPUTS, DETAIL, ["1", "2"])
    w = quality_tables().half_widths("land")["estimated"]
    got = simulate_land(*args, start_year=2026, draws=400, seed=3, converted_half_width=w)
    m05, m95 = np.percentile(converted_area_multipliers(400, w, 3), [5, 95])
    t = got.table.set_index("lau2")
    assert t.loc["1", "land_net_flux_p05_tco2_a"] == pytest.approx((1 - 4.5 * m95) * C)
    assert t.loc["1", "land_net_flux_p95_tco2_a"] == pytest.approx((1 - 4.5 * m05) * C)
    assert t.loc["2", "land_net_flux_p05_tco2_a"] == pytest.approx((6.85 * m05 - 6.4) * C)
    assert t.loc["2", "land_net_flux_p95_tco2_a"] == pytest.approx((6.85 * m95 - 6.4) * C)
    # region: (1 - 4.5 m) + (6.85 m - 6.4) = 2.35 m - 5.4, increasing in m
    assert t.loc["region", "land_net_flux_p95_tco2_a"] == pytest.approx((2.35 * m95 - 5.4) * C)
    flat = simulate_land(*args, start_year=2026, draws=400, seed=3).table.set_index("lau2")
    np.testing.assert_allclose(flat["land_net_flux_p05_tco2_a"], flat["land_net_flux_p95_tco2_a"])
    np.testing.assert_allclose(
        flat.loc[["1", "2"], "land_net_flux_p50_tco2_a"], [-3.5 * C, 0.45 * C]
    )


def _engine_args(tables: CarbonTables, grade: str) -> tuple[Any, Any, Any]:
    """The few fields of Inputs, Levels and LandResults that land_intervals reads."""
    parcels = pd.DataFrame({"parcel_id": ["A", "B"], "lau2": ["1", "2"]})
    inputs = SimpleNamespace(
        options=SimpleNamespace(sink_start=2026, draws=200, seed=11),
        region=SimpleNamespace(parcels=parcels, landcover_grade=grade),
        carbon=tables,
        land=INPUTS,
        quality=quality_tables(),
    )
    levels = SimpleNamespace(communes=pd.DataFrame({"lau2": ["1", "2"]}))
    land = SimpleNamespace(joint=JOINT, potential=SimpleNamespace(measures=DETAIL))
    return cast(Any, inputs), cast(Any, levels), cast(Any, land)


@pytest.mark.parametrize("grade", ["measured", "default", "estimated"])
def test_the_run_passes_the_land_cover_grade(tables: CarbonTables, grade: str) -> None:
    """The engine's land stage widens by the region's land-cover grade (the worse of the two
    rasters' tags): the same table as the Monte Carlo asked for that grade's half-width."""
    table = land_intervals(*_engine_args(tables, grade))
    w = quality_tables().half_widths("land")[grade]
    args = (JOINT, COMMUNE_OF, tables, INPUTS, DETAIL, ["1", "2"])
    expected = simulate_land(*args, start_year=2026, draws=200, seed=11, converted_half_width=w)
    pd.testing.assert_frame_equal(table, expected.table)


# ------------------------------------------------------------------ full scale (shared sample)
@pytest.mark.fullscale
def test_fullscale_land_intervals_widen_with_the_estimated_raster(sample_dir: Path) -> None:
    """The sample's land cover is graded estimated. Per commune on the full rasters, with the
    shipped tables: the widened draws differ from the plain ones (same factor draws) by exactly
    (m - 1) x the flux of converted land; with certain stocks and rates, the plain interval has
    zero width and the widened one is the converted flux times the interval of m, wider in
    every commune with converted land and in the region."""
    grade = raster_grade(sample_dir / "landcover.tif", LANDCOVER)
    assert grade == "estimated"
    assert raster_grade(sample_dir / "landcover_before.tif", LANDCOVER) == "estimated"
    w = quality_tables().half_widths("land")[grade]
    communes = gpd.read_file(sample_dir / "region.gpkg", layer="communes")
    inputs = LandInputs(
        landcover=sample_dir / "landcover.tif",
        landcover_before=sample_dir / "landcover_before.tif",
        forest_age=sample_dir / "forest_age.tif",
        year=2024,
        year_before=2012,
    )
    joint = joint_areas(inputs, communes, "lau2", processes=1)
    names = [str(c) for c in communes["lau2"]]
    commune_of = pd.Series(names, index=communes["lau2"].to_numpy())
    shipped = load_carbon_tables()
    draws, seed = 400, 2028
    m = converted_area_multipliers(draws, w, seed)
    params = drawn_parameters(shipped, draws, np.random.default_rng(seed))
    plain = flux_draws(joint, commune_of, shipped, inputs, names, params)
    wide = flux_draws(joint, commune_of, shipped, inputs, names, params, m)
    changed = joint[joint["now"] != joint["before"]]
    converted = flux_draws(changed, commune_of, shipped, inputs, names, params)
    assert (converted != 0).any()
    np.testing.assert_allclose(wide - plain, converted * (m - 1), rtol=1e-9, atol=1e-6)

    certain = _certain(shipped)
    args = (joint, commune_of, certain, inputs, DETAIL, names)
    flat = simulate_land(*args, start_year=2026, draws=draws, seed=seed).table.set_index("lau2")
    graded = simulate_land(
        *args, start_year=2026, draws=draws, seed=seed, converted_half_width=w
    ).table.set_index("lau2")
    lo, hi = "land_net_flux_p05_tco2_a", "land_net_flux_p95_tco2_a"
    np.testing.assert_allclose(flat[lo], flat[hi])
    c = flux_draws(changed, commune_of, certain, inputs, names, _columns(certain, 1))[:, 0]
    c = np.append(c, c.sum())  # communes + region
    m05, m95 = np.percentile(m, [5, 95])
    np.testing.assert_allclose(
        (graded[hi] - graded[lo]).to_numpy(), np.abs(c) * (m95 - m05), rtol=1e-9, atol=1e-6
    )
    assert (graded[hi] - graded[lo]).loc["region"] > 0
    assert ((graded[hi] - graded[lo]).to_numpy()[:-1][c[:-1] != 0] > 0).all()
