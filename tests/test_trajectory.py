"""The 2005 baseline and the trajectory 2005-2050: hand-computed back-cast, user tables, the
trajectory arithmetic, milestones, the cheapest set, the CLI and its bad inputs."""

from __future__ import annotations

import json
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
from minettgeo.pipeline import RunOptions, run
from minettgeo.scenarios import backcast as bc
from minettgeo.scenarios import baseline as bl
from minettgeo.scenarios import effects as fx
from minettgeo.scenarios import trajectory as tj
from minettgeo.scenarios.baseline_table import read_baseline_table
from minettgeo.scenarios.policy import Measure
from minettgeo.scenarios.scenario import parse_scenario, scenario_schema
from minettgeo.scenarios.targets import resolve_target
from minettgeo.scenarios.trajectory_io import load_inventory, run_trajectory

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def toy(tmp_path_factory: pytest.TempPathFactory):
    """The toy region (all buildings 1961-1970, gas) with round-number factors and its run."""
    base = tmp_path_factory.mktemp("trajectory-toy")
    layers = toy_region.build(base / "layers")
    overrides = tuple(write_overrides(base))
    run(layers, base / "results", RunOptions(overrides=overrides, draws=100, seed=1))
    factors = load_factor_set("AR5", overrides)
    return base, layers, overrides, load_region(layers), factors, load_inventory(base / "results")


def identity_mix(a: pd.DataFrame) -> pd.DataFrame:
    """The assumptions with no change of heating carrier or renovation state since 2005."""
    keep = ~a["variable"].isin(["carrier_2005", "renovation_2005"])
    rows = [
        {
            "variable": var,
            "key": f"{k}>{k}",
            "unit": "share",
            "value": 1.0,
            "low": 1.0,
            "high": 1.0,
            "source": "test",
        }
        for var, keys in (
            (
                "carrier_2005",
                (
                    "natural_gas",
                    "heating_oil",
                    "heat_pump",
                    "district_heat",
                    "wood_pellets",
                    "direct_electric",
                    "none",
                ),
            ),
            ("renovation_2005", ("none", "partial", "deep")),
        )
        for k in keys
    ]
    return pd.concat([a[keep], pd.DataFrame(rows)], ignore_index=True)


# --- 2005 baseline ---------------------------------------------------------------------------


def test_backcast_without_newer_stock_equals_inventory_with_2005_factors(toy, tmp_path) -> None:
    """No building of the toy is younger than 2005: with no carrier or renovation change, the
    back-cast equals a full run with the 2005 grid and vehicle factors (traffic x 0.85)."""
    _, layers, overrides, region, factors, inv = toy
    a = identity_mix(bl.load_assumptions())
    b05 = bc.backcast(region, factors, inv.rows, inv.population, assumptions=a)
    f05 = bl.factors_2005(factors, a)
    extra = []
    for name in ("grid_factors", "vehicle_factors"):
        path = tmp_path / f"{name}.csv"
        f05.tables[name].to_csv(path, index=False)
        extra.append(path)
    ran = run(layers, tmp_path / "r05", RunOptions(overrides=(*overrides, *extra), draws=100))
    table = ran.inventory[ran.inventory["lau2"] != "region"].set_index(["lau2", "code"])
    got = b05.rows.set_index(["lau2", "code"])["co2e_t"]
    for (lau2, code), want in table["co2e_t"].fillna(0.0).items():
        if code.startswith("I.") and code[-1] in "12" and not code.startswith("I.4"):
            assert got.get((lau2, code), 0.0) == pytest.approx(want, rel=1e-12, abs=1e-12)
        if code == "II.1.1":
            assert got[(lau2, code)] == pytest.approx(0.85 * want, rel=1e-12)
    # the 2005 grid factor (0.45) really is used: the house's electricity 2,000 kWh x 0.45
    assert got[("9001", "I.1.2")] == pytest.approx(2000 * 0.45 / 1000)


def test_backcast_waste_scales_with_2005_population(toy) -> None:
    _, _, _, region, factors, inv = toy
    b05 = bc.backcast(region, factors, inv.rows, inv.population)
    got = b05.rows.set_index(["lau2", "code"])["co2e_t"]
    # communes without STATEC figures scale like the region: 148,812 x 0.888 / 186,432
    ratio = 148_812 * 0.888 / 186_432
    assert got[("9001", "III.1.2")] == pytest.approx(100 * 0.1 * ratio, rel=1e-12)
    # no electric cars in 2005
    assert ("9001", "II.1.2") not in got.index
    assert b05.method == "back-cast"


def test_population_2005_of_a_minett_commune() -> None:
    a = bl.load_assumptions()
    got = bl.population_2005({"0204": 37_455.0}, a)
    # Esch 2015: 33,286; region 2015: 160,046
    assert got["0204"] == pytest.approx(33_286 * 148_812 / 160_046 * 0.888)


def test_stock_2005_removes_newer_buildings_and_splits_states() -> None:
    a = bl.load_assumptions()
    frame = pd.DataFrame(
        {
            "building_id": ["old", "mid", "new"],
            "construction_period": ["1961_1970", "2001_2010", "2017_2030"],
            "heating_carrier": ["heating_oil", "heat_pump", "natural_gas"],
            "renovation_state": ["none", "deep", "none"],
        }
    )
    rows, w = bc.stock_2005(frame, a)
    got = {
        (b, c, r): x
        for b, c, r, x in zip(
            rows["building_id"], rows["heating_carrier"], rows["renovation_state"], w, strict=True
        )
    }
    assert "new" not in set(rows["building_id"])
    assert got[("old", "heating_oil", "none")] == 1.0
    assert got[("mid", "natural_gas", "none")] == pytest.approx(0.45 * 0.45 * 0.8)
    assert got[("mid", "heating_oil", "deep")] == pytest.approx(0.45 * 0.55 * 0.2)
    assert sum(x for (b, *_), x in got.items() if b == "mid") == pytest.approx(0.45)


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_user_baseline_table(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "b.csv",
        "lau2,code,co2e_t,source\n9001,I,100,audit\n9001,II.1.1,50,audit\n9002,I,10,audit\n"
        "9002,V,-5,audit\n",
    )
    b = read_baseline_table(path, ["9001", "9002"])
    sec = b.sectors()
    assert sec.loc["9001", "gross"] == 150.0
    assert sec.loc["9002", "gross"] == 10.0 and sec.loc["9002", "sinks"] == -5.0
    assert b.method == "user table"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("lau2,code,co2e_t\n9001,I,1\n", "missing column(s) source"),
        ("lau2,code,co2e_t,source\n9009,I,1,a\n9001,I,1,a\n", "line 2, lau2: '9009'"),
        ("lau2,code,co2e_t,source\n9001,IX.1,1,a\n", "line 2, code: 'IX.1'"),
        ("lau2,code,co2e_t,source\n9001,I,-1,a\n", "negative outside sector V"),
        ("lau2,code,co2e_t,source\n9001,I,abc,a\n", "co2e_t: 'abc' is not a number"),
        ("lau2,code,co2e_t,source\n9001,I,1,\n", "line 2, source: empty"),
        ("lau2,code,co2e_t,source\n9001,I,1,a\n9001,I,2,a\n", "line 3: 9001 / I twice"),
        ("lau2,code,co2e_t,source\n9001,I,1,a\n9001,I.1.1,2,a\n", "both as a total and by rows"),
    ],
)
def test_bad_user_baseline_tables(tmp_path: Path, text: str, expected: str) -> None:
    path = _write(tmp_path / "b.csv", text)
    with pytest.raises(PolicyError) as err:
        read_baseline_table(path, ["9001"])
    assert expected in str(err.value) and str(path) in str(err.value)


def test_example_baseline_table_reads() -> None:
    lau2 = [
        "0104",
        "0201",
        "0202",
        "0203",
        "0204",
        "0206",
        "0208",
        "0209",
        "0212",
        "0213",
        "0214",
    ]
    b = read_baseline_table(ROOT / "examples" / "baseline_2005.csv", lau2)
    assert set(b.sectors().index) == set(lau2)


# --- trajectory ------------------------------------------------------------------------------


def fixed_catalogue(**paths: dict[int, float]) -> fx.Catalogue:
    """The shipped catalogue with background paths fixed (low = value = high) for a hand check."""
    cat = fx.load_catalogue()
    rows = [
        {
            "variable": var,
            "year": y,
            "unit": "ratio",
            "value": v,
            "low": v,
            "high": v,
            "source": "test",
        }
        for var, points in paths.items()
        for y, v in points.items()
    ]
    return fx.Catalogue(params=cat.params, background=pd.DataFrame(rows))


FIXED = {
    "electricity_factor": {2024: 1.0, 2030: 0.5},
    "district_heat_factor": {2024: 1.0, 2030: 1.0},
    "heat_fuel_use": {2024: 1.0, 2030: 0.8},
    "road_fleet_factor": {2024: 1.0, 2030: 0.9},
    "ev_charging_growth": {2024: 1.0, 2030: 2.0},
    "population": {2024: 1.0, 2030: 1.1},
    "land_flux": {2024: 1.0, 2030: 1.0},
}


def _ctx(toy, catalogue: fx.Catalogue | None = None, draws: int = 50) -> fx.Context:
    _, _, _, region, factors, _ = toy
    return fx.make_context(
        factors,
        region.buildings,
        region.parcels,
        region.roads,
        load_carbon_tables(),
        draws=draws,
        seed=4,
        catalogue=catalogue,
    )


def _user_2005(tmp_path: Path) -> bl.Baseline:
    path = _write(
        tmp_path / "b05.csv",
        "lau2,code,co2e_t,source\n9001,I,1000,t\n9002,I,2000,t\n9003,I,3000,t\n",
    )
    return read_baseline_table(path, ["9001", "9002", "9003"])


def test_trajectory_arithmetic_by_hand(toy, tmp_path: Path) -> None:
    *_, inv = toy
    ctx = _ctx(toy, fixed_catalogue(**FIXED))
    sc = parse_scenario("title: nothing\n", "s.yaml")
    t = tj.compute_trajectory(sc, ctx, inv.rows, _user_2005(tmp_path), inv.names, seed=1)
    g = tj.COLUMNS.index("gross")
    a = 0  # commune 9001
    road = 0.25 * toy_region.ROAD_TCO2E
    ev = 0.25 * toy_region.EV_TCO2E
    waste = 100 * (0.1 + toy_region.WASTEWATER_PER_CAPITA)
    now = 3.0221875 + 0.8 + road + ev + waste
    y2030 = 3.0221875 * 0.8 + 0.8 * 0.5 + road * 0.9 + ev * 0.5 * 2.0 + waste * 1.1
    assert t.values[a, g, 0, t.year(2024)] == pytest.approx(now, rel=1e-12)
    assert np.allclose(t.values[a, g, :, t.year(2030)], y2030, rtol=1e-12)
    # 2027 is halfway between 2024 and 2030 on every linear path
    y2027 = 3.0221875 * 0.9 + 0.8 * 0.75 + road * 0.95 + ev * 0.75 * 1.5 + waste * 1.05
    assert t.values[a, g, 0, t.year(2027)] == pytest.approx(y2027, rel=1e-12)
    # 2005-2024: a straight line from the user's 1,000 t to the inventory
    assert t.values[a, g, 0, t.year(2005)] == 1000.0
    assert t.values[a, g, 0, t.year(2015)] == pytest.approx(1000 + 10 / 19 * (now - 1000))
    # the region is the sum of its communes
    assert np.allclose(t.values[-1], t.values[:-1].sum(axis=0))
    row = t.milestones.set_index("level").loc["9001"]
    assert row["target_2030_tco2e"] == pytest.approx(450.0)
    assert row["p_minus55_2030"] == 1.0  # y2030 is far below 450 t in every draw
    assert row["gap_2030_tco2e"] == pytest.approx(y2030 - 450.0)


def test_current_year_equals_inventory_and_no_measures_follow_baseline(toy, tmp_path) -> None:
    *_, inv = toy
    ctx = _ctx(toy, draws=100)
    sc = parse_scenario("title: nothing\nmeasures: []\n", "s.yaml")
    t = tj.compute_trajectory(sc, ctx, inv.rows, _user_2005(tmp_path), inv.names, seed=1)
    basic = bl._gross_rows()
    rows = inv.rows[inv.rows["code"].isin(basic)]
    want = rows.groupby("lau2")["co2e_t"].sum()
    g = tj.COLUMNS.index("gross")
    for i, c in enumerate(t.levels[:-1]):
        assert np.all(t.values[i, g, :, t.year(2024)] == pytest.approx(want[c], rel=1e-13))
    assert np.array_equal(t.values, t.baseline)
    # and the band is a real band after 2024
    assert t.values[-1, g, 1:, t.year(2040)].std() > 0


def test_measures_split_by_commune_add_up(toy) -> None:
    ctx = _ctx(toy, draws=20)
    for text in (
        Measure(
            "heating_switch",
            "hp",
            {"region": True},
            {"to": "heat_pump", "from": ["natural_gas"], "share": 1.0, "start": 2026, "end": 2030},
            1,
            0,
        ),
        Measure("unsealing", "u", {"region": True}, {"area_ha": 3.0, "start": 2026}, 1, 1),
    ):
        sel = resolve_target(text.target, ctx.parcels, ctx.buildings, "t")
        whole = fx.measure_effect(text, sel, ctx)
        parts = tj.split_by_commune(text, sel, ctx)
        assert len(parts) == 3
        summed: dict[str, np.ndarray] = {}
        for _, m, s in parts:
            for k, v in fx.measure_effect(m, s, ctx).rows.items():
                summed[k] = summed.get(k, 0.0) + v
        assert set(summed) == set(whole.rows)
        for k in whole.rows:
            np.testing.assert_allclose(summed[k], whole.rows[k], rtol=1e-12, atol=1e-12)
        if text.type == "unsealing":
            assert [m.params["area_ha"] for _, m, _ in parts] == pytest.approx([1.0, 1.0, 1.0])


def test_measure_changes_trajectory_by_its_effect(toy, tmp_path) -> None:
    *_, inv = toy
    ctx = _ctx(toy, draws=30)
    text = (
        "title: hp\nmeasures:\n  - {type: heating_switch, target: {commune: '9002'}, "
        "to: heat_pump, start: 2026, end: 2030}\n"
    )
    sc = parse_scenario(text, "s.yaml")
    t = tj.compute_trajectory(sc, ctx, inv.rows, _user_2005(tmp_path), inv.names, seed=1)
    sel = resolve_target({"commune": "9002"}, ctx.parcels, ctx.buildings, "t")
    effect = fx.measure_effect(sc.measures[0], sel, ctx).total()
    g = tj.COLUMNS.index("gross")
    diff = t.values[1, g, :, t.year(2024) :] - t.baseline[1, g, :, t.year(2024) :]
    np.testing.assert_allclose(diff, effect, rtol=1e-10, atol=1e-10)
    assert np.all(t.values[[0, 2]] == t.baseline[[0, 2]])
    wedge = t.wedges.set_index("year")["gross_abatement_tco2e_a"]
    assert wedge[2030] == pytest.approx(-effect[0, 2030 - 2024])
    mac = t.mac.iloc[0]
    assert mac["eur_per_tco2e"] == pytest.approx(mac["cost_eur"] / -effect[0, 1:].sum(), rel=1e-9)


def test_probabilities_by_hand() -> None:
    years = len(tj.YEARS)
    values = np.zeros((1, len(tj.COLUMNS), 5, years))
    g, n = tj.COLUMNS.index("gross"), tj.COLUMNS.index("net")
    values[0, g, :, 2030 - 2005] = [0, 40, 45, 46, 50]  # draws 1..4: 40, 45, 46, 50
    values[0, n, :, 2050 - 2005] = [0, -1, 0, 1, 2]
    b05 = np.zeros((1, len(tj.COLUMNS)))
    b05[0, g] = 100.0
    p55, pnz = tj.probabilities(values, b05)
    assert p55[0] == 0.5 and pnz[0] == 0.5


def _fake(index: int, cost: float, a30: float, a50: float, option: bool = False):
    years = np.arange(2024, 2051)
    row = np.zeros((1, len(years)))
    row[0, years >= 2030] = -a30
    row[0, years == 2050] = -a50
    m = Measure("deep_renovation", f"m{index}", {"region": True}, {"start": 2025}, 1, index)
    return tj.MeasureResult(
        m, option, {"9001": {"I": row}}, {"cost_eur": cost, "person_days": 0.0, "area_ha": 0.0}
    )


def test_cheapest_set_by_hand() -> None:
    years = np.arange(2024, 2051)
    pool = [_fake(0, 100, 5, 5), _fake(1, 30, 3, 3), _fake(2, 40, 3, 3, True), _fake(3, 1, 1, 1)]
    got = tj.cheapest_set(pool, years, need_2030=6.0, need_2050=6.0)
    # {1, 2} costs 70 for 6 t; {0, 3} costs 101; {1, 2, 3} 71
    assert got["closes"] == "2030 and 2050" and got["cost_eur"] == 70.0
    assert got["chosen"] == ["measure 1: m1", "option 2: m2"]
    short = tj.cheapest_set(pool, years, need_2030=100.0, need_2050=1.0)
    assert short["closes"] == "none" and short["max_abatement_2030_tco2e_a"] == 12.0
    mac = tj.mac_table(pool, years)
    assert list(mac["measure"]) == [3, 1, 2, 0]  # EUR per tonne ascending


# --- format and CLI --------------------------------------------------------------------------


def test_scenario_schema_is_published_unchanged() -> None:
    published = json.loads((ROOT / "docs" / "scenario.schema.json").read_text(encoding="utf-8"))
    assert published == scenario_schema()
    policy = json.loads((ROOT / "docs" / "policy.schema.json").read_text(encoding="utf-8"))
    assert published["$defs"] == policy["$defs"]


def _cli(toy, scenario: Path, out: Path, *extra: str):
    base, layers, overrides, *_ = toy
    args = [
        "trajectory",
        str(scenario),
        "--layers",
        str(layers),
        "--results",
        str(base / "results"),
        "--out",
        str(out),
        "--draws",
        "100",
    ]
    for o in overrides:
        args += ["--override", str(o)]
    return CliRunner().invoke(main, [*args, *extra])


def test_cli_writes_csv_json_and_charts(toy, tmp_path: Path) -> None:
    sc = _write(
        tmp_path / "s.yaml",
        "title: Plan\nmeasures:\n  - {type: heating_switch, target: {commune: '9002'}, "
        "to: heat_pump, start: 2026, end: 2030}\n"
        "options:\n  - {type: deep_renovation, target: {commune: '9003'}, start: 2026}\n",
    )
    out = tmp_path / "out"
    res = _cli(toy, sc, out)
    assert res.exit_code == 0, res.output
    assert "P(-55 %)" in res.output and "back-cast" in res.output
    table = pd.read_csv(out / "trajectory.csv", dtype={"level": str})
    assert set(table["year"]) == set(range(2005, 2051))
    assert len(table) == 4 * len(tj.COLUMNS) * 46
    doc = json.loads((out / "trajectory.json").read_text(encoding="utf-8"))
    assert doc["baseline_2005"]["method"] == "back-cast"
    assert "fuel" in doc["baseline_2005"]["basis"]["en"]
    assert len(doc["mac"]) == 2 and "closes" in doc["cheapest_set"]
    assert (out / "trajectory.svg").read_text().startswith("<svg")
    assert "Région" in (out / "trajectory_fr.svg").read_text()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("title: x\nyear: 2051\n", "line 2, year: 2051 is greater than the maximum of 2050"),
        (
            "title: x\nmeasures:\n  - {type: deep_renovation, target: {region: true}, "
            "start: 2004}\n",
            "measures[0].start: 2004 is less than the minimum of 2005",
        ),
        (
            "title: x\nmeasures:\n  - {type: deep_renovation, target: {region: true}, "
            "start: 2024}\n",
            "act after the inventory year 2024",
        ),
        (
            "title: x\nmeasures:\n  - {type: deep_renovation, target: {region: true}, "
            "rate_per_year: -0.2}\n",
            "line 3, measures[0].rate_per_year: -0.2 is less than or equal to the minimum of 0",
        ),
        (
            "title: x\nmeasures:\n  - {type: demolition, target: {parcels: [nope-1]}}\n",
            "1 parcel id(s) not in the region: nope-1",
        ),
        (
            "title: x\nmeasures:\n  - type: unsealing\n    area_ha: 1\n    target: {polygon: "
            "{type: Polygon, coordinates: [[[2.0, 48.0], [2.1, 48.0], [2.1, 48.1], [2.0, 48.0]]]}}\n",
            "lies outside the region",
        ),
        ("title: x\nbaseline_2005: {table: absent.csv}\n", "baseline_2005.table: no such file"),
    ],
)
def test_cli_bad_input_writes_nothing(toy, tmp_path: Path, text: str, expected: str) -> None:
    sc = _write(tmp_path / "bad.yaml", text)
    out = tmp_path / "out"
    res = _cli(toy, sc, out)
    assert res.exit_code == 1, res.output
    assert expected in res.output
    assert "Traceback" not in res.output
    assert not out.exists()
    assert not list(tmp_path.glob(".out*"))


def test_cli_with_user_baseline(toy, tmp_path: Path) -> None:
    sc = _write(tmp_path / "s.yaml", "title: x\n")
    b = _write(tmp_path / "b.csv", "lau2,code,co2e_t,source\n9001,I,1,a\n9002,I,1,a\n")
    res = _cli(toy, sc, tmp_path / "out", "--baseline", str(b))
    assert res.exit_code == 1 and "no row for commune(s) 9003" in res.output
    assert not (tmp_path / "out").exists()
    b.write_text("lau2,code,co2e_t,source\n9001,I,1,a\n9002,I,1,a\n9003,I,1,a\n")
    res = _cli(toy, sc, tmp_path / "out", "--baseline", str(b))
    assert res.exit_code == 0, res.output
    doc = json.loads((tmp_path / "out" / "trajectory.json").read_text(encoding="utf-8"))
    assert doc["baseline_2005"]["method"] == "user table"


def test_run_trajectory_refuses_other_layers(toy, tmp_path: Path) -> None:
    _, _, _, region, factors, inv = toy
    other = type(inv)(inv.rows.assign(lau2="0204"), {"0204": 1.0}, {}, inv.run_dir)
    with pytest.raises(PolicyError, match="pass the --layers the run was made from"):
        run_trajectory(parse_scenario("title: x\n", "s"), region, factors, other, draws=100, seed=1)


# --- new measure types, by hand (toy factors: grid 0.4 kg/kWh, car 0.15 kg CO2/vkm) ----------


def _fixed_ctx(toy, draws: int = 20, **params: float) -> fx.Context:
    cat = fixed_catalogue(**{**FIXED, "electricity_factor": {2024: 1.0, 2030: 1.0}})
    table = cat.params.copy()
    for name, value in params.items():
        measure, parameter = name.split("__")
        mask = (table["measure"] == measure) & (table["parameter"] == parameter)
        table.loc[mask, ["value", "low", "high"]] = value
    return _ctx(toy, fx.Catalogue(params=table, background=cat.background), draws)


def test_electric_vehicles_by_hand(toy) -> None:
    ctx = _fixed_ctx(toy)
    m = Measure(
        "electric_vehicles",
        "ev",
        {"commune": "9001"},
        {"share": 0.2, "start": 2026, "end": 2027},
        1,
        0,
    )
    sel = resolve_target(m.target, ctx.parcels, ctx.buildings, "t")
    e = fx.measure_effect(m, sel, ctx)
    car_km = 10_000 * 365 * 0.5 * 0.2  # 0.5 km of the road in commune 9001
    ef = 0.15 + 0.00001 * 28 + 0.00001 * 265  # t per 1000 vkm
    electric_share = 0.1 + 0.1 * 0.5  # battery + plug-in x electric use
    tailpipe = -car_km * ef / 1000 / (1 - electric_share)
    charging = car_km * 0.2 / (1 - 0.2) * 0.4 / 1000  # kWh/km at the battery, 20 % loss
    j = {y: int(y - 2024) for y in (2025, 2026, 2027, 2040)}
    assert e.rows["II.1.1"][0, j[2025]] == 0.0
    assert e.rows["II.1.1"][0, j[2026]] == pytest.approx(tailpipe / 2, rel=1e-9)
    assert e.rows["II.1.1"][0, j[2040]] == pytest.approx(tailpipe, rel=1e-9)
    assert e.rows["II.1.2"][0, j[2040]] == pytest.approx(charging, rel=1e-9)
    assert e.resources["cost_eur"] == pytest.approx(car_km / 12_500 * 1_500)
    assert e.changed["car_vkm_electrified_a"] == round(car_km)


@pytest.mark.parametrize(
    ("usable", "expected_kwh"),
    [
        (0.4, 2_000.0),  # 2,500 m2 x 0.4 x 0.18 x 979 x 0.35 = 61,677 kWh > the house's 2,000
        (0.001, 2_500 * 0.001 * 0.18 * 979 * 0.35),  # 154.2 kWh, below its use
    ],
)
def test_rooftop_solar_by_hand(toy, usable: float, expected_kwh: float) -> None:
    ctx = _fixed_ctx(toy, rooftop_solar__usable_roof_share=usable)
    m = Measure(
        "rooftop_solar",
        "pv",
        {"buildings": ["BA"]},
        {"share": 1.0, "start": 2026, "end": 2026},
        1,
        0,
    )
    sel = resolve_target(m.target, ctx.parcels, ctx.buildings, "t")
    e = fx.measure_effect(m, sel, ctx)
    assert set(e.rows) == {"I.1.2"}
    assert e.rows["I.1.2"][0, 2025 - 2024] == 0.0
    assert e.rows["I.1.2"][0, 2030 - 2024] == pytest.approx(-expected_kwh * 0.4 / 1000)
    kwp = 2_500 * usable * 0.18
    assert e.resources["cost_eur"] == pytest.approx(kwp * 1_400)


def test_demolition_by_hand(toy) -> None:
    ctx = _fixed_ctx(toy)
    m = Measure("demolition", "d", {"buildings": ["BA"]}, {"year": 2030}, 1, 0)
    sel = resolve_target(m.target, ctx.parcels, ctx.buildings, "t")
    e = fx.measure_effect(m, sel, ctx)
    # the house: scope 1 3.0221875 t, electricity 2,000 kWh x 0.4
    assert e.rows["I.1.1"][0, 2030 - 2024] == pytest.approx(-3.0221875)
    assert e.rows["I.1.2"][0, 2030 - 2024] == pytest.approx(-0.8)
    assert e.rows["I.1.1"][0, 2029 - 2024] == 0.0
    assert e.resources["person_days"] == 0.5


def test_new_measures_in_a_policy_file() -> None:
    from minettgeo.scenarios.policy import parse_policy

    p = parse_policy(
        "title: t\nyear: 2027\nmeasures:\n  - {type: rooftop_solar, target: {commune: '9001'}}\n"
        "  - {type: electric_vehicles, target: {region: true}, share: 0.1}\n",
        "p.yaml",
    )
    assert p.measures[0].params["share"] == 1.0 and p.measures[0].start == 2027
    with pytest.raises(PolicyError, match=r"measures\[0\].share: 1.5 is greater"):
        parse_policy(
            "title: t\nmeasures:\n  - {type: rooftop_solar, target: {region: true}, share: 1.5}\n",
            "p.yaml",
        )


# --- robust plan -----------------------------------------------------------------------------

from minettgeo.scenarios import robust as rb  # noqa: E402

PLANS = (
    "title: none\n",
    "title: hp\nmeasures:\n  - {type: heating_switch, target: {region: true}, to: heat_pump, "
    "start: 2026, end: 2030}\n",
    "title: reno\nmeasures:\n  - {type: deep_renovation, target: {region: true}, "
    "rate_per_year: 0.2, start: 2026}\n",
)


@pytest.fixture(scope="module")
def plans(toy, tmp_path_factory):
    *_, inv = toy
    ctx = _ctx(toy, draws=0)
    scenarios = [parse_scenario(t, f"p{i}.yaml") for i, t in enumerate(PLANS)]
    b05 = _user_2005(tmp_path_factory.mktemp("b05"))
    base = rb.region_baseline(inv.rows, b05)
    return ctx, scenarios, b05, base, [rb.plan_effects(p, ctx) for p in scenarios]


def _futures(**kw: list[float]) -> pd.DataFrame:
    n = len(next(iter(kw.values())))
    central = {
        "grid_decarbonisation": 0.5,
        "ev_uptake": 0.5,
        "population_growth": 0.5,
        "renovation_achieved": 1.0,
        "heat_pump_efficiency": 1.0,
    }
    return pd.DataFrame({k: kw.get(k, [v] * n) for k, v in central.items()})


def test_central_future_equals_the_trajectory(toy, plans) -> None:
    *_, inv = toy
    ctx, scenarios, b05, base, effects = plans
    got = rb.evaluate(effects, base, ctx.catalogue, ctx.years, _futures(ev_uptake=[0.5]))
    for i, sc in enumerate(scenarios):
        t = tj.compute_trajectory(sc, ctx, inv.rows, b05, inv.names, seed=1)
        g, n = tj.COLUMNS.index("gross"), tj.COLUMNS.index("net")
        row = got[got["plan"] == i].iloc[0]
        assert row["gross_2030_tco2e"] == pytest.approx(t.values[-1, g, 0, t.year(2030)], rel=1e-10)
        assert row["net_2050_tco2e"] == pytest.approx(t.values[-1, n, 0, t.year(2050)], rel=1e-10)


def test_uncontrolled_factors_scale_the_plans_by_hand(plans) -> None:
    ctx, _, _, base, effects = plans
    f = _futures(renovation_achieved=[1.0, 0.5], heat_pump_efficiency=[1.0, 1.25])
    got = rb.evaluate(effects, base, ctx.catalogue, ctx.years, f).set_index(["plan", "future"])
    g = got["gross_2030_tco2e"]
    # renovation half done: half the renovation plan's change from the baseline
    assert g[(2, 1)] - g[(0, 1)] == pytest.approx(0.5 * (g[(2, 0)] - g[(0, 0)]), rel=1e-10)
    # heat pumps 25 % more efficient: their grid electricity x 1 / 1.25
    hp = effects[1]
    j = int(np.flatnonzero(ctx.years == 2030)[0])
    m_el = fx.path_multipliers(ctx.catalogue, "electricity_factor", np.array([0.5]), ctx.years)
    electric = hp.electric[rb.GROUPS.index("heat_pump"), j] * m_el[0, j]
    assert g[(1, 1)] - g[(1, 0)] == pytest.approx(electric * (1 / 1.25 - 1), rel=1e-10)
    assert electric > 0
    # regret: the best plan of a future has none
    assert (got.groupby(level="future")["gross_2030_regret_tco2e"].min() == 0).all()


def test_vectorised_outcomes_equal_the_workbench_runs(plans) -> None:
    ctx, _, _, base, effects = plans
    f = rb.sample_futures(4, seed=3)
    mine = rb.evaluate(effects, base, ctx.catalogue, ctx.years, f)
    wb = rb.workbench_outcomes(effects, base, ctx.catalogue, ctx.years, f)
    merged = mine.merge(wb, on=["plan", "future"], suffixes=("", "_wb"))
    assert len(merged) == 12
    np.testing.assert_allclose(merged["gross_2030_tco2e"], merged["gross_2030_tco2e_wb"])
    np.testing.assert_allclose(merged["net_2050_tco2e"], merged["net_2050_tco2e_wb"])


def test_prim_finds_the_signpost() -> None:
    f = rb.sample_futures(600, seed=1)
    fails = f["grid_decarbonisation"].to_numpy() > 0.7
    results = pd.DataFrame(
        {
            "plan": 0,
            "future": np.arange(600),
            "meets_2030": ~fails,
            "gross_2030_tco2e": fails.astype(float),
        }
    )
    box = rb.signposts(f, results, 0)
    assert box["question"] == "fails the 2030 milestone"
    names = [s["factor"] for s in box["signposts"]]
    assert "grid_decarbonisation" in names
    grid = next(s for s in box["signposts"] if s["factor"] == "grid_decarbonisation")
    assert 0.6 <= grid["from"] <= 0.75 and box["density"] >= 0.9


def test_robust_plan_cli(toy, tmp_path: Path) -> None:
    base, layers, overrides, *_ = toy
    files = [_write(tmp_path / f"p{i}.yaml", t) for i, t in enumerate(PLANS)]
    args = [
        "robust-plan",
        *map(str, files),
        "--layers",
        str(layers),
        "--results",
        str(base / "results"),
        "--futures",
        "200",
        "--out",
        str(tmp_path / "rob"),
    ]
    for o in overrides:
        args += ["--override", str(o)]
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 0, res.output
    doc = json.loads((tmp_path / "rob" / "robust.json").read_text(encoding="utf-8"))
    assert len(doc["summary"]) == 3 and len(doc["signposts"]) == 3
    exp = pd.read_csv(tmp_path / "rob" / "robust_experiments.csv")
    assert len(exp) == 600 and {"ev_uptake", "meets_2030", "plan"} <= set(exp.columns)
    bad = _write(tmp_path / "bad.yaml", "title: x\nyear: 2004\n")
    res = CliRunner().invoke(
        main, [*args[:1], str(bad), *args[4:-2], "--out", str(tmp_path / "rob2")]
    )
    assert res.exit_code == 1 and "line 2, year: 2004" in res.output
    assert not (tmp_path / "rob2").exists()


def test_grouped_building_rows_equal_building_by_building(toy) -> None:
    """building_rows evaluates the model once per group of identical factors: the same numbers
    as the model building by building (components x realisation)."""
    ctx = _ctx(toy, draws=30)
    rows = ctx.buildings.assign(heating_carrier=["natural_gas", "heat_pump", "district_heat"])
    rows = pd.concat([rows, rows.assign(heated_area_m2=rows["heated_area_m2"] * 2)])
    rng = np.random.default_rng(0)
    real = rng.random((len(ctx.years), len(rows)))
    got = fx.building_rows(rows, real, ctx)
    comp = fx.building_components(rows, ctx)
    sub = rows["use"].map(fx.bmodel.SUBSECTOR_OF_USE).to_numpy(dtype=object)
    g_el = ctx.grid("electricity")[:, None] * ctx.m_el
    g_dh = ctx.grid("district_heat")[:, None] * ctx.m_dh
    for code in set(sub):
        m = sub == code
        np.testing.assert_allclose(got[f"{code}.1"], comp["scope1"][:, m] @ real[:, m].T)
        want2 = (
            (comp["el_kwh"][:, m] @ real[:, m].T) * g_el
            + (comp["dh_kwh"][:, m] @ real[:, m].T) * g_dh
        ) / 1000
        np.testing.assert_allclose(got[f"{code}.2"], want2)


def test_vehicle_km_of_whole_districts_equal_the_union_of_their_parcels(toy) -> None:
    _, _, _, region, factors, _ = toy
    plain = _ctx(toy, draws=0)
    fast = fx.make_context(
        factors,
        region.buildings,
        region.parcels,
        region.roads,
        load_carbon_tables(),
        draws=0,
        seed=4,
        districts=region.districts,
    )
    for target in ({"commune": "9002"}, {"region": True}, {"district": "9001-Q01"}):
        sel = resolve_target(target, plain.parcels, plain.buildings, "t")
        assert fx.whole_districts(fast, sel) is not None
        np.testing.assert_allclose(fx.vkm_inside(fast, sel), fx.vkm_inside(plain, sel))
    # car-km in commune 9002: 10,000 a day on its 1 km of road
    sel = resolve_target({"commune": "9002"}, plain.parcels, plain.buildings, "t")
    assert fx.vkm_inside(fast, sel)[0] == pytest.approx(10_000 * 365 * 1.0)
