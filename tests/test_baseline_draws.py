"""The 2005 baseline's interval and the target band: draws of the back-cast's assumptions and of
the factors, a user table's low/high, the target's interval and P(-55 %) over paired draws,
bad ranges, and the inventory read through the results reader."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import toy_region
from factor_overrides import write_overrides
from minettgeo.cli import main
from minettgeo.errors import PolicyError
from minettgeo.factors.tables import load_factor_set
from minettgeo.land.tables import load_carbon_tables
from minettgeo.layers.region import load_region
from minettgeo.models import buildings as bmodel
from minettgeo.pipeline import RunOptions, run
from minettgeo.results.reader import open_results
from minettgeo.scenarios import backcast as bc
from minettgeo.scenarios import baseline as bl
from minettgeo.scenarios import baseline_draws as bd
from minettgeo.scenarios import effects as fx
from minettgeo.scenarios import target_band as tb
from minettgeo.scenarios import trajectory as tj
from minettgeo.scenarios.baseline_table import read_baseline_table
from minettgeo.scenarios.scenario import parse_scenario
from minettgeo.scenarios.trajectory_io import load_inventory

#: 5th / 95th percentile of the symmetric two-piece triangle on [v - w, v + w]: v -/+ w (1 - sqrt 0.1)
LOWER_5 = 1.0 - math.sqrt(0.1)  # 0.683772...


@pytest.fixture(scope="module")
def toy(tmp_path_factory: pytest.TempPathFactory):
    """The toy region (3 buildings 1961-1970, gas) with round-number exact factors and its run."""
    base = tmp_path_factory.mktemp("baseline-draws-toy")
    layers = toy_region.build(base / "layers")
    overrides = tuple(write_overrides(base))
    run(layers, base / "results", RunOptions(overrides=overrides, draws=100, seed=1))
    factors = load_factor_set("AR5", overrides)
    return base, layers, overrides, load_region(layers), factors, load_inventory(base / "results")


def _row(variable: str, key: str, value: float, low: float, high: float) -> dict[str, object]:
    return {
        "variable": variable,
        "key": key,
        "unit": "share",
        "value": value,
        "low": low,
        "high": high,
        "source": "test",
    }


def two_building_assumptions(low: float, high: float) -> pd.DataFrame:
    """Stock share of 1961-1970 = 0.5 (low, high); no carrier or renovation change."""
    rows = [
        _row("stock_share_2005", "1961_1970", 0.5, low, high),
        _row("carrier_2005", "natural_gas>natural_gas", 1.0, 1.0, 1.0),
        _row("renovation_2005", "partial>partial", 1.0, 1.0, 1.0),
        _row("renovation_2005", "none>none", 1.0, 1.0, 1.0),
        _row("grid_2005", "electricity", 0.45, 0.45, 0.45),
        _row("grid_2005", "district_heat", 0.15, 0.15, 0.15),
    ]
    return pd.DataFrame(rows)


def _two_buildings(toy, a: pd.DataFrame, draws: int, seed: int) -> tuple[np.ndarray, float]:
    """Draws of the 2005 emissions of buildings BA and BB (summed over keys), and their central
    sum E_A + E_B computed by the building model at the 2005 factors."""
    _, _, _, region, factors, _ = toy
    two = region.buildings[region.buildings["building_id"].isin(["BA", "BB"])]
    f05 = bl.factors_2005(
        factors, pd.concat([a, pd.DataFrame([_row("fleet_2005", "vehicle_factors", 1, 1, 1)])])
    )
    adraws = bd.assumption_draws(a, draws, seed)
    theta = bd.factor_draws_2005(f05, a, adraws, seed)
    stock, jcols = bd.expanded_stock(two, a)
    lau2 = np.array(["9001"] * len(stock), dtype=object)
    _, values = bd.building_row_draws(stock, jcols, lau2, f05, theta, adraws)
    central = float(bmodel.building_emissions(two, f05)["ghg_tco2e_a"].sum())
    return values.sum(axis=0), central


def test_two_buildings_by_hand(toy) -> None:
    draws, central = _two_buildings(toy, two_building_assumptions(0.3, 0.7), 4000, 7)
    # every draw = s_d x (E_A + E_B) with s_d in [0.3, 0.7], s_0 = 0.5
    assert draws[0] == pytest.approx(0.5 * central, rel=1e-12)
    assert draws.min() >= 0.3 * central * (1 - 1e-12)
    assert draws.max() <= 0.7 * central * (1 + 1e-12)
    # 5th percentile of s: 0.5 - 0.2 x (1 - sqrt 0.1) = 0.36325; 95th 0.63675 (4,000 draws)
    p05, p50, p95 = np.percentile(draws[1:], [5, 50, 95]) / central
    assert p05 == pytest.approx(0.5 - 0.2 * LOWER_5, abs=0.006)
    assert p95 == pytest.approx(0.5 + 0.2 * LOWER_5, abs=0.006)
    assert p50 == pytest.approx(0.5, abs=0.006)


def test_two_buildings_end_points_and_widening(toy) -> None:
    fixed, central = _two_buildings(toy, two_building_assumptions(0.5, 0.5), 200, 7)
    # low = high: every draw is the central value (the toy factors are exact too)
    assert np.allclose(fixed, 0.5 * central, rtol=1e-12)
    narrow, _ = _two_buildings(toy, two_building_assumptions(0.4, 0.6), 200, 7)
    wide, _ = _two_buildings(toy, two_building_assumptions(0.3, 0.7), 200, 7)
    # same seed, same quantiles: a range twice as wide moves every draw twice as far from 0.5
    assert np.allclose(wide - 0.5 * central, 2 * (narrow - 0.5 * central), rtol=1e-9, atol=1e-12)
    w_narrow = np.subtract(*np.percentile(narrow[1:], [95, 5]))
    w_wide = np.subtract(*np.percentile(wide[1:], [95, 5]))
    assert w_wide == pytest.approx(2 * w_narrow, rel=1e-9) and w_narrow > 0


def test_share_groups_sum_to_one_and_stay_in_range() -> None:
    a = bl.load_assumptions()
    x = bd.assumption_draws(a, 500, 3)
    assert np.array_equal(x[0], a["value"].to_numpy(dtype=float))
    now = a["key"].str.split(">").str[0]
    for var in bd.SHARE_VARIABLES:
        for state in set(now[a["variable"] == var]):
            cols = np.flatnonzero(((a["variable"] == var) & (now == state)).to_numpy())
            assert np.allclose(x[:, cols].sum(axis=1), 1.0, rtol=1e-12)
    # heat_pump>natural_gas is drawn in [0.3, 0.6]; its complement heat_pump>heating_oil in [0.4, 0.7]
    gas = bd.column(a, "carrier_2005", "heat_pump>natural_gas")
    oil = bd.column(a, "carrier_2005", "heat_pump>heating_oil")
    assert x[:, gas].min() >= 0.3 and x[:, gas].max() <= 0.6
    assert x[:, oil].min() >= 0.4 - 1e-12 and x[:, oil].max() <= 0.7 + 1e-12
    # the 2005 grid factor is drawn into the factor column the building model reads
    f05 = bl.factors_2005(load_factor_set("AR5"), a)
    theta = bd.factor_draws_2005(f05, a, x, 3)
    at = f05.index("grid_factors", "energy carrier", carrier="electricity", gas="CO2e")[0]
    assert np.array_equal(theta[:, at], x[:, bd.column(a, "grid_2005", "electricity")])
    assert np.array_equal(theta[0], np.where(np.arange(len(theta[0])) == at, 0.45, f05.theta))


def _degenerate(a: pd.DataFrame) -> pd.DataFrame:
    return a.assign(low=a["value"], high=a["value"])


def test_backcast_draws_central_unchanged_and_degenerate_draws_equal_it(toy) -> None:
    _, _, _, region, factors, inv = toy
    central = bc.backcast(region, factors, inv.rows, inv.population)
    drawn = bd.backcast_draws(central, region, factors, inv.rows, inv.population, draws=50, seed=5)
    assert drawn.row_draws is not None and drawn.row_draws.shape == (len(central.rows), 51)
    # column 0 is the back-cast value itself, bit for bit
    assert np.array_equal(drawn.row_draws[:, 0], central.rows["co2e_t"].to_numpy())
    assert drawn.rows is central.rows
    assert np.isfinite(drawn.row_draws).all() and drawn.row_draws[:, 1:].std(axis=1).max() > 0
    # reproducible with the same seed, different with another
    again = bd.backcast_draws(central, region, factors, inv.rows, inv.population, draws=50, seed=5)
    other = bd.backcast_draws(central, region, factors, inv.rows, inv.population, draws=50, seed=6)
    assert again.row_draws is not None and other.row_draws is not None
    assert np.array_equal(again.row_draws, drawn.row_draws)
    assert not np.array_equal(other.row_draws[:, 1:], drawn.row_draws[:, 1:])
    # with every assumption exact (and the toy's exact factors) each draw is the central value:
    # the draws' formula is the back-cast's (buildings, roads, rows carried from the inventory)
    a = _degenerate(bl.load_assumptions())
    exact = bc.backcast(region, factors, inv.rows, inv.population, assumptions=a)
    same = bd.backcast_draws(exact, region, factors, inv.rows, inv.population, draws=20, seed=5)
    assert same.row_draws is not None
    want = exact.rows["co2e_t"].to_numpy()[:, None]
    assert np.allclose(same.row_draws, want, rtol=1e-12, atol=1e-12)


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _ranged_table(tmp_path: Path) -> bl.Baseline:
    path = _write(
        tmp_path / "b05.csv",
        "lau2,code,co2e_t,low,high,source\n"
        "9001,I,1000,800,1200,t\n9002,I,2000,2000,2000,t\n9003,I,3000,2400,3600,t\n",
    )
    return read_baseline_table(path, ["9001", "9002", "9003"])


def test_user_table_ranges_by_hand(tmp_path: Path) -> None:
    b = bd.table_draws(_ranged_table(tmp_path), draws=20_000, seed=2)
    assert b.row_draws is not None
    d = bd.sector_draws(b, ["9001", "9002", "9003"], tj.COLUMNS)
    g = tj.COLUMNS.index("gross")
    assert np.array_equal(d[:, g, 0], [1000.0, 2000.0, 3000.0])
    # 9002: low = high = 2,000: every draw 2,000
    assert np.all(d[1, g] == 2000.0)
    # 9001: 1,000 -/+ 200 x (1 - sqrt 0.1) = 863.25 / 1,136.75 (20,000 draws: standard error of
    # the percentile sqrt(0.05 x 0.95 / 20,000) / density 0.00158 per t = about 1 t)
    p05, p95 = np.percentile(d[0, g, 1:], [5, 95])
    assert p05 == pytest.approx(1000 - 200 * LOWER_5, abs=5.0)
    assert p95 == pytest.approx(1000 + 200 * LOWER_5, abs=5.0)
    # one shared quantile per draw: the region's percentile is the sum of the communes'
    region = d[:, g, 1:].sum(axis=0)
    assert np.percentile(region, 5) == pytest.approx(
        sum(np.percentile(d[i, g, 1:], 5) for i in range(3)), rel=1e-12
    )
    # a table without low/high stays exact
    exact = read_baseline_table(
        _write(tmp_path / "e.csv", "lau2,code,co2e_t,source\n9001,I,1,t\n"), ["9001"]
    )
    assert bd.table_draws(exact, draws=10, seed=1).row_draws is None
    assert "exact" in exact.describe()["uncertainty"]["en"]  # type: ignore[index]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("9001,I,1000,1100,1200,t\n", "line 2, low: 1100 is above co2e_t 1000"),
        ("9001,I,1000,800,900,t\n", "line 2, high: 900 is below co2e_t 1000"),
        ("9001,I,1000,800,inf,t\n", "line 2, high: not a finite number"),
        ("9001,I,1000,,1200,t\n", "line 2, low: not a finite number"),
    ],
)
def test_bad_user_ranges(tmp_path: Path, body: str, expected: str) -> None:
    path = _write(tmp_path / "bad.csv", "lau2,code,co2e_t,low,high,source\n" + body)
    with pytest.raises(PolicyError) as err:
        read_baseline_table(path, ["9001"])
    assert str(path) in str(err.value) and expected in str(err.value)


def test_user_table_with_only_low_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path / "l.csv", "lau2,code,co2e_t,low,source\n9001,I,1000,900,t\n")
    with pytest.raises(PolicyError, match="column low without high"):
        read_baseline_table(path, ["9001"])


@pytest.mark.parametrize(
    ("column", "text", "expected"),
    [
        ("low", "0.5", "line 9, low: 0.5 is above value 0.45"),
        ("high", "nan", "line 9, high: not a finite number"),
        ("value", "0.6", "line 9, high: 0.55 is below value 0.6"),
    ],
)
def test_bad_assumption_ranges(tmp_path: Path, column: str, text: str, expected: str) -> None:
    a = bl.load_assumptions()
    # stock_share_2005 / 2001_2010 (0.45, 0.35-0.55) is data row 7: file line 9 (header = 1)
    row = int(np.flatnonzero((a["key"] == "2001_2010").to_numpy())[0])
    assert row + 2 == 9
    a = a.astype({column: object})
    a.loc[row, column] = text
    path = tmp_path / "assumptions.csv"
    a.to_csv(path, index=False)
    with pytest.raises(PolicyError) as err:
        bl.load_assumptions(path)
    assert str(path) in str(err.value) and expected in str(err.value)


def test_target_probability_by_hand() -> None:
    g = tj.COLUMNS.index("gross")
    b05 = np.zeros((1, len(tj.COLUMNS), 5))
    b05[0, g] = [100, 100, 100, 110, 90]  # draws 1..4: targets 45, 45, 49.5, 40.5
    path = np.array([[0.0, 40, 45, 46, 50]])
    got = tb.target_columns(b05, path, g)
    # 40 <= 45, 45 <= 45, 46 <= 49.5, 50 > 40.5: 3 of 4
    assert got["p_minus55_2030"][0] == 0.75
    # against the central baseline (100 in every draw) only 40 and 45 meet 45 t: 0.5
    exact = np.repeat(b05[:, :, :1], 5, axis=2)
    assert tb.target_columns(exact, path, g)["p_minus55_2030"][0] == 0.5
    # the target's 5th percentile: 0.45 x percentile(100, 100, 110, 90; 5) = 0.45 x 91.5
    assert got["target_2030_p05"][0] == pytest.approx(0.45 * 91.5)
    # path draws all below the target draws: 1.0
    assert tb.target_columns(b05, np.array([[0.0, 1, 2, 3, 4]]), g)["p_minus55_2030"][0] == 1.0
    # no path draws: the central values are compared, and the output says so
    central = tb.target_columns(b05[:, :, :1], np.array([[44.0]]), g)
    assert central["p_minus55_2030"][0] == 1.0
    assert central["p_minus55_basis"][0] == tb.BASIS["central"]["en"]


def test_trajectory_carries_the_target_band(toy, tmp_path: Path) -> None:
    _, _, _, region, factors, inv = toy
    ctx = fx.make_context(
        factors,
        region.buildings,
        region.parcels,
        region.roads,
        load_carbon_tables(),
        draws=200,
        seed=4,
    )
    sc = parse_scenario("title: nothing\n", "s.yaml")
    exact = _ranged_table(tmp_path)
    ranged = bd.table_draws(exact, draws=200, seed=4)
    t0 = tj.compute_trajectory(
        sc, ctx, inv.rows, bl.Baseline(exact.rows, "user table", "x"), inv.names, seed=1
    )
    t1 = tj.compute_trajectory(sc, ctx, inv.rows, ranged, inv.names, seed=1)
    # central values unchanged, bit for bit; only the draws before 2024 move
    assert np.array_equal(t0.values[:, :, 0], t1.values[:, :, 0])
    y24 = t1.year(2024)
    assert np.array_equal(t0.values[..., y24:], t1.values[..., y24:])
    g = tj.COLUMNS.index("gross")
    # 2005 draws are the baseline's draws; the region's are the sum of its communes'
    assert ranged.row_draws is not None
    assert np.array_equal(t1.values[0, g, :, 0], ranged.row_draws[0])
    assert np.allclose(t1.values[-1, g, :, 0], ranged.row_draws.sum(axis=0), rtol=1e-12)
    m = t1.milestones.set_index("level")
    region_row = m.loc["region"]
    assert region_row["target_2030_tco2e"] == pytest.approx(0.45 * 6000)
    assert region_row["target_2030_p05"] < 0.45 * 6000 < region_row["target_2030_p95"]
    assert m.loc["9002", "target_2030_p05"] == pytest.approx(900.0)  # exact row: 0.45 x 2,000
    # P(-55 %) pairs path draw d with baseline draw d
    y30 = t1.year(2030)
    b05 = np.vstack([ranged.row_draws, ranged.row_draws.sum(axis=0)])  # one row per level
    want = (t1.values[:, g, 1:, y30] <= 0.45 * b05[:, 1:]).mean(axis=1)
    assert np.array_equal(m["p_minus55_2030"].to_numpy(), want)
    table = tj.long_table(t1)
    at = table[
        (table["level"] == "region") & (table["column"] == "gross") & (table["year"] == 2030)
    ]
    assert at["target_p05"].iloc[0] == pytest.approx(region_row["target_2030_p05"])
    assert table["target_tco2e"].notna().sum() == 2 * len(t1.levels)


def test_results_reader_population_and_names_round_trip(toy) -> None:
    base, *_ = toy
    res = open_results(base / "results")
    assert res.commune_population() == {k: float(v) for k, v in toy_region.POPULATION.items()}
    names = res.level_names()
    assert set(names) == {*toy_region.POPULATION, "region"}
    inv = load_inventory(base / "results")
    assert inv.run_dir == res.run_dir and inv.population == res.commune_population()


def test_cli_writes_the_target_band(toy, tmp_path: Path) -> None:
    base, layers, overrides, *_ = toy
    sc = _write(tmp_path / "s.yaml", "title: Plan\n")
    out = tmp_path / "out"
    args = ["trajectory", str(sc), "--layers", str(layers), "--results", str(base / "results")]
    args += ["--out", str(out), "--draws", "100"]
    for o in overrides:
        args += ["--override", str(o)]
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 0, res.output
    assert "target 2030" in res.output
    doc = json.loads((out / "trajectory.json").read_text(encoding="utf-8"))
    band = doc["target_band"]["region_2030_tco2e"]
    assert band["p05"] <= band["central"] <= band["p95"] and band["p95"] > band["p05"]
    assert "fr" in doc["baseline_2005"]["uncertainty"]
    # the baseline's interval per level and column; its 2005 gross is the target's / 0.45
    interval = pd.DataFrame(doc["baseline_2005"]["interval"]).set_index(["level", "column"])
    assert len(interval) == 4 * len(tj.COLUMNS)
    gross = interval.loc[("region", "gross")]
    assert gross["p05"] * 0.45 == pytest.approx(band["p05"], rel=1e-9)
    assert gross["central_tco2e"] == pytest.approx(band["central"] / 0.45, rel=1e-12)
    assert (interval["p05"] <= interval["p95"]).all()
    assert "intervalle 90 % de l&#x27;objectif" in (out / "trajectory_fr.svg").read_text()
    assert "target 90 % interval" in (out / "trajectory.svg").read_text()
    table = pd.read_csv(out / "trajectory.csv", dtype={"level": str})
    assert {"target_tco2e", "target_p05", "target_p95"} <= set(table.columns)


def test_factor_draws_are_paired_with_the_trajectory(toy) -> None:
    """Draw d of every factor in the 2005 baseline is the trajectory's draw d (same sampler, same
    seed), except the 2005 grid factors (drawn from their own ranges) and the vehicle factors
    (x the central 2005 fleet ratio 1.15)."""
    _, _, _, region, _, _ = toy
    factors = load_factor_set("AR5")  # the shipped factors, with their ranges
    ctx = fx.make_context(
        factors, region.buildings, region.parcels, region.roads, load_carbon_tables(),
        draws=50, seed=5,
    )  # fmt: skip
    a = bl.load_assumptions()
    f05 = bl.factors_2005(factors, a)
    theta = bd.factor_draws_2005(f05, a, bd.assumption_draws(a, 50, 5), 5)
    params = f05.params
    vehicle = (params["table"] == "vehicle_factors").to_numpy()
    grid = np.isin(
        np.arange(len(params)),
        [
            f05.index("grid_factors", "energy carrier", carrier=c, gas="CO2e")[0]
            for c in ("electricity", "district_heat")
        ],
    )
    same = ~vehicle & ~grid
    assert np.array_equal(theta[:, same], ctx.thetas[:, same])
    assert np.allclose(theta[:, vehicle], 1.15 * ctx.thetas[:, vehicle], rtol=1e-12)
    assert theta[1:, grid].std(axis=0).min() > 0
