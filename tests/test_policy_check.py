"""The policy check: file format, targets, hand-computed effects, verdicts, amendments, notes."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import toy_region
from factor_overrides import write_overrides
from minettgeo.cli import main
from minettgeo.errors import PolicyError
from minettgeo.factors.tables import load_factor_set
from minettgeo.land.tables import load_carbon_tables
from minettgeo.layers import io
from minettgeo.layers.region import load_region
from minettgeo.pipeline import RunOptions, run
from minettgeo.scenarios import effects as fx
from minettgeo.scenarios.check import (
    Amendment,
    Candidate,
    Interval,
    check_policy,
    magnitude_of,
    search_amendments,
    verdict_of,
)
from minettgeo.scenarios.policy import load_policy, parse_policy, policy_schema
from minettgeo.scenarios.service import CheckOptions, check_and_document, write_check
from minettgeo.scenarios.targets import resolve_target

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "policies"


def _row(**kw: object) -> dict[str, object]:
    v = kw.pop("value")
    return {**kw, "value": v, "low": v, "high": v, "source": "test", "year": 2026}


@pytest.fixture(scope="module")
def toy(tmp_path_factory: pytest.TempPathFactory):
    """The toy region with round-number factors, plus new-building rows (2017_2030 apartment
    blocks: space heating 40, hot water 20 kWh/m2 a, calibration 1)."""
    base = tmp_path_factory.mktemp("policy-toy")
    layers = toy_region.build(base / "layers")
    overrides = write_overrides(base)
    typology = pd.read_csv(base / "residential_typology.csv")
    extra = [
        _row(
            building_type="apartment_block",
            construction_period="2017_2030",
            quantity="space_heating",
            unit="kWh/(m2 a)",
            value=40,
        ),
        _row(
            building_type="apartment_block",
            construction_period="2017_2030",
            quantity="hot_water",
            unit="kWh/(m2 a)",
            value=20,
        ),
    ]
    pd.concat([typology, pd.DataFrame(extra)]).to_csv(
        base / "residential_typology.csv", index=False
    )
    calib = pd.read_csv(base / "heat_calibration.csv")
    pd.concat(
        [
            calib,
            pd.DataFrame(
                [
                    _row(
                        construction_period="2017_2030",
                        renovation_state=state,
                        quantity="space_heating",
                        unit="ratio",
                        value=1.0,
                    )
                    for state in ("none", "partial", "deep")
                ]
            ),
        ]
    ).to_csv(base / "heat_calibration.csv", index=False)
    factors = load_factor_set("AR5", overrides)
    region = load_region(layers)
    ctx = fx.make_context(
        factors,
        region.buildings,
        region.parcels,
        region.roads,
        load_carbon_tables(),
        draws=200,
        seed=5,
    )
    return base, layers, tuple(overrides), region, ctx


GAS_HOUSING = """
title: Test estate
year: 2027
measures:
  - type: new_development
    target: {parcels: ["9001-000001"]}
    use: apartment_block
    dwellings: 10
    floor_area_m2: 1000
    heating_carrier: natural_gas
"""


# --- format ---------------------------------------------------------------------------------


def test_schema_is_published_unchanged() -> None:
    published = json.loads((ROOT / "docs" / "policy.schema.json").read_text(encoding="utf-8"))
    assert published == policy_schema()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "title: x\nmeasures:\n  - type: new_development\n    target: {parcels: [a]}\n"
            "    dwellings: -3\n    heating_carrier: natural_gas\n",
            "line 5, measures[0].dwellings",
        ),
        ("title: x\nmeasures:\n  - type: teleportation\n", "line 3, measures[0].type"),
        (
            "title: x\nyear: 2051\nmeasures:\n  - {type: demolition, target: {region: true}}\n",
            "line 2, year: 2051 is greater than the maximum of 2050",
        ),
        (
            "title: x\nmeasures:\n  - type: deep_renovation\n    target: {district: d}\n"
            "    rate_per_year: -0.1\n",
            "line 5, measures[0].rate_per_year",
        ),
        ("title: x\nmeasures: [\n  {type: x\n", "line 4"),
        (
            "title: x\nmeasures:\n  - type: unsealing\n    target: {parcels: [a]}\n",
            "give exactly one of the fields area_ha, share",
        ),
        (
            "title: x\nmeasures:\n  - type: heating_switch\n    target: {region: true}\n    to: heat_pump\n"
            "    start: 2030\n    end: 2028\n",
            "end 2028 is before start 2030",
        ),
        (
            "title: x\nmeasures:\n  - type: demolition\n    target: {region: true}\n    colour: red\n",
            "'colour' was unexpected",
        ),
        ("- just a list\n", "a policy is a mapping"),
    ],
)
def test_malformed_policies_name_field_and_line(text: str, expected: str) -> None:
    with pytest.raises(PolicyError) as err:
        parse_policy(text, "p.yaml")
    assert expected in str(err.value)
    assert "p.yaml" in str(err.value)


def test_binary_and_missing_policy_files(tmp_path: Path) -> None:
    (tmp_path / "bin.yaml").write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff")
    with pytest.raises(PolicyError, match="not a text file"):
        load_policy(tmp_path / "bin.yaml")
    with pytest.raises(PolicyError, match="no such policy file"):
        load_policy(tmp_path / "absent.yaml")


def test_json_policy_and_defaults() -> None:
    text = json.dumps(
        {
            "title": "t",
            "year": 2030,
            "measures": [
                {"type": "heating_switch", "target": {"commune": "9001"}, "to": "heat_pump"}
            ],
        }
    )
    policy = parse_policy(text, "p.json")
    m = policy.measures[0]
    assert m.params["from"] == ["natural_gas", "heating_oil"] and m.params["share"] == 1.0
    assert (m.start, m.end) == (2030, 2030)


# --- targets --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ('{parcels: ["9001-000001", "nope-1"]}', "1 parcel id(s) not in the region: nope-1"),
        ("{buildings: [BX]}", "1 building id(s) not in the region: BX"),
        ("{district: 9009-Q01}", "district '9009-Q01' is not in the region"),
        ('{commune: "1234"}', "commune '1234' is not in the region"),
        (
            "{polygon: {type: Polygon, coordinates: [[[2.0, 48.0], [2.1, 48.0], [2.1, 48.1], [2.0, 48.0]]]}}",
            "lies outside the region",
        ),
    ],
)
def test_unknown_targets_are_refused(toy, target: str, expected: str) -> None:
    *_, ctx = toy
    policy = parse_policy(
        f"title: x\nmeasures:\n  - type: demolition\n    target: {target}\n", "p.yaml"
    )
    with pytest.raises(PolicyError) as err:
        check_policy(policy, ctx)
    assert expected in str(err.value)
    assert "line 3" in str(err.value)


# --- hand-computed effects ------------------------------------------------------------------


def test_gas_housing_raises_by_hand(toy) -> None:
    *_, ctx = toy
    result = check_policy(parse_policy(GAS_HOUSING, "gas.yaml"), ctx)
    # heat = 1000 m2 x (40 x 1 x (1 - 0) + 20) = 60,000 kWh; gas at 0.8: 75,000 kWh
    # scope 1 = 75,000 x (0.2 + 28 x 0.001 + 265 x 0.0001) / 1000 = 19.0875 t CO2e/a
    # scope 2 = 10 dwellings x 2000 kWh x 0.4 kg/kWh / 1000 = 8 t x grid path (2030: 0.7, 2050: 0.1)
    rows = result.rows.set_index("code")
    assert rows.loc["I.1.1", "delta_2030_tco2e_a"] == pytest.approx(19.0875)
    assert rows.loc["I.1.2", "delta_2030_tco2e_a"] == pytest.approx(5.6)
    assert rows.loc["I.1.2", "delta_2050_tco2e_a"] == pytest.approx(0.8)
    # 2027-2050: 24 years of scope 1; grid path 2027-2030 0.85+0.8+0.75+0.7 = 3.1,
    # 2031-2040 7.0 - 0.035 x 55 = 5.075, 2041-2050 3.5 - 0.025 x 55 = 2.125: sum 10.3
    assert rows.loc["I.1.1", "cumulative_tco2e"] == pytest.approx(24 * 19.0875)
    assert rows.loc["I.1.2", "cumulative_tco2e"] == pytest.approx(8 * 10.3)
    assert result.totals["net_cumulative"].central == pytest.approx(24 * 19.0875 + 82.4)
    assert result.verdict == "raises"
    assert result.magnitude["class"] == 2  # 540.5 t: 100-1,000 t


def test_unsealing_lowers_by_hand(toy) -> None:
    *_, ctx = toy
    policy = parse_policy(
        "title: car park\nyear: 2026\nmeasures:\n  - type: unsealing\n"
        "    target: {parcels: ['9003-000001']}\n    area_ha: 0.5\n",
        "p.yaml",
    )
    result = check_policy(policy, ctx)
    p = load_carbon_tables().measures["unsealing_green"]
    # 2030 is year 4 of the measure: young biomass + dead wood + soil (all < 20 years)
    rate_2030 = p.get("biomass_rate_young", 0) + p.get("dead_rate_young", 0) + p.get("soil_rate", 0)
    expected = -0.5 * rate_2030 * 44 / 12
    assert result.totals["land_2030"].central == pytest.approx(expected)
    assert result.totals["gross_2030"].central == 0.0
    assert result.verdict == "lowers"
    assert result.totals["net_cumulative"].p95 < 0


def test_heat_pump_switch_lowers_and_renovation_worst_first(toy) -> None:
    *_, ctx = toy
    switch = parse_policy(
        "title: hp\nyear: 2026\nmeasures:\n  - type: heating_switch\n    target: {region: true}\n"
        "    to: heat_pump\n",
        "p.yaml",
    )
    result = check_policy(switch, ctx)
    rows = result.rows.set_index("code")
    # house A: 100 m2 x (200 x 0.5 x 0.75 + 20) = 9,500 kWh heat; gas 11,875 kWh -> 3.0221875 t
    # scope 1 removed; heat pump 9,500 / 2.5 = 3,800 kWh x 0.4 = 1.52 t at today's grid
    assert rows.loc["I.1.1", "delta_2030_tco2e_a"] == pytest.approx(-(3.0221875 + 35.63))
    assert result.verdict == "lowers"
    reno = parse_policy(
        "title: r\nyear: 2026\nmeasures:\n  - type: deep_renovation\n    target: {region: true}\n"
        "    rate_per_year: 0.34\n",
        "p.yaml",
    )
    real = fx.worst_first(ctx.buildings, ctx, 0.34, 2026, "worst_first")
    # 3 buildings, 34 % a year: 1 done in 2026, 2 in 2027, 3 from 2028
    assert real.sum(axis=1)[:5].tolist() == [0, 0, 1, 2, 3]
    # worst first: house A needs 95 kWh/m2, office B 110, apartments C 120 x 0.5 x 0.75 + 25 = 70
    assert real[2].tolist() == [0.0, 1.0, 0.0]
    assert check_policy(reno, ctx).verdict == "lowers"


def test_no_amendment_is_said_when_none_suffices(toy) -> None:
    # the toy commune holds one small house and no public land: nothing can offset 540 t
    *_, ctx = toy
    result = check_policy(parse_policy(GAS_HOUSING, "gas.yaml"), ctx)
    assert result.amendments == ()
    assert result.amended["verdict"] is None and "no amendment" in result.amended["note"]


def _candidate(kind: str, cost: float, delta: float, spread: float, integer: bool, upper: float):
    draws = np.concatenate([[delta], delta + spread * np.linspace(-1, 1, 200)])
    return Candidate(Amendment(kind, kind, kind, 1.0, "unit", cost, delta), draws, integer, upper)


def test_amendment_search_is_least_cost_and_robust() -> None:
    # decision: +100 t exactly. Options: A -60 t for 10 EUR, B -60 t for 12 EUR, C -150 t for
    # 30 EUR, D -1 t per ha at 1 EUR/ha up to 50 ha. With sum <= -100: A + B = 22 EUR,
    # A + 40 ha of D = 50 EUR, C = 30 EUR, 50 ha of D is not enough: A + B is the least cost
    net = np.full(201, 100.0)
    cands = [
        _candidate("A", 10, -60, 0, True, 1),
        _candidate("B", 12, -60, 0, True, 1),
        _candidate("C", 30, -150, 0, True, 1),
        _candidate("D", 1, -1, 0, False, 50),
    ]
    chosen, amended = search_amendments(net, cands)
    assert sorted(a.kind for a in chosen) == ["A", "B"]
    assert amended[0] == pytest.approx(-20.0)
    # with an uncertain decision (+100 +- 30) the 95th percentile is 100 + 30 x 0.9 = 127:
    # A + B (-120 t, 22 EUR) plus 7 ha of D (7 EUR) = 29 EUR beats C (-150 t, 30 EUR)
    noisy = np.concatenate([[100.0], 100.0 + 30 * np.linspace(-1, 1, 200)])
    chosen, amended = search_amendments(noisy, cands)
    assert np.percentile(amended[1:], 95) < 0
    amounts = {a.kind: a.amount for a in chosen}
    assert set(amounts) == {"A", "B", "D"}
    assert amounts["D"] == pytest.approx(7.0, abs=1e-3)


def test_verdict_and_magnitude_scale() -> None:
    assert verdict_of(Interval(-5, -9, -1)) == "lowers"
    assert verdict_of(Interval(5, 1, 9)) == "raises"
    assert verdict_of(Interval(1, -1, 3)) == "uncertain"
    assert [magnitude_of(v)["class"] for v in (0, 99.9, 100, 9_999, 10_000, 5e6)] == [
        1,
        1,
        2,
        3,
        4,
        5,
    ]
    assert magnitude_of(-50_000)["label_fr"] == "importante"


@settings(
    max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    dwellings=st.integers(1, 60),
    area=st.floats(100.0, 5_000.0),
    carrier=st.sampled_from(["natural_gas", "heating_oil", "heat_pump", "district_heat"]),
)
def test_delta_equals_difference_of_two_runs(
    toy, tmp_path_factory, dwellings, area, carrier
) -> None:
    """The check's change in the inventory year equals the full run with the new buildings minus
    the full run without them, GPC row by row (the same engine, not a copy of its formulas)."""
    _, layers, overrides, _, ctx = toy
    policy = parse_policy(
        f"title: t\nyear: 2024\nmeasures:\n  - type: new_development\n"
        f"    target: {{parcels: ['9002-000001']}}\n    dwellings: {dwellings}\n"
        f"    floor_area_m2: {area}\n    heating_carrier: {carrier}\n",
        "p.yaml",
    )
    effect = check_policy(policy, ctx).effects[0]
    selection = resolve_target(policy.measures[0].target, ctx.parcels, ctx.buildings, "t")
    new = fx.new_buildings(policy.measures[0], selection, ctx)
    out = tmp_path_factory.mktemp("with")
    vectors = {
        name: io.read_vector(layers / "region.gpkg", name)
        for name in ("communes", "districts", "parcels", "buildings", "roads")
    }
    vectors["buildings"] = gpd.GeoDataFrame(
        pd.concat([vectors["buildings"], new], ignore_index=True),
        geometry="geometry",
        crs=vectors["buildings"].crs,
    )
    (out / "layers").mkdir()
    io.write_vectors(out / "layers" / "region.gpkg", vectors)
    (out / "layers" / "landcover.tif").write_bytes((layers / "landcover.tif").read_bytes())
    opts = RunOptions(overrides=overrides, draws=100, seed=1)
    key = ["lau2", "code"]
    before = run(layers, out / "a", opts).inventory.set_index(key)["co2e_t"].fillna(0.0)
    after = run(out / "layers", out / "b", opts).inventory.set_index(key)["co2e_t"].fillna(0.0)
    diff = after - before
    assert set(effect.rows) == {"I.1.1", "I.1.2"}
    for code, values in effect.rows.items():
        assert values[0, 0] == pytest.approx(diff.loc[("region", code)], rel=1e-9, abs=1e-9)
        assert values[0, 0] == pytest.approx(diff.loc[("9002", code)], rel=1e-9, abs=1e-9)


# --- files and the command ------------------------------------------------------------------


def test_note_and_json_in_both_languages(toy, tmp_path: Path) -> None:
    *_, ctx = toy
    options = CheckOptions(draws=200, seed=5)
    _result, doc = check_and_document(parse_policy(GAS_HOUSING, "gas.yaml"), ctx, options)
    written = write_check(doc, tmp_path / "check")
    assert sorted(p.name for p in written) == ["check.json", "note_en.html", "note_fr.html"]
    back = json.loads((tmp_path / "check" / "check.json").read_text(encoding="utf-8"))
    assert back["verdict"] == "raises" and back["provenance"]["draws"] == 200
    fr = (tmp_path / "check" / "note_fr.html").read_text(encoding="utf-8")
    en = (tmp_path / "check" / "note_en.html").read_text(encoding="utf-8")
    assert "AUGMENTE les émissions" in fr and "RAISES emissions" in en
    assert "http" not in fr.replace("http-equiv", "")  # no external asset
    assert "Amendements" in fr and "Amendments" in en


def test_cli_check_policy_on_the_sample_region(sample_dir: Path, tmp_path: Path) -> None:
    """The five example decisions on the full-size sample region, through the command."""
    expected = {
        "new_housing_gas": "RAISES",
        "unseal_car_park": "LOWERS",
        "school_deep_renovation": "LOWERS",
        "logistics_zone": "RAISES",
        "electric_heating_schifflange": "UNCERTAIN",
    }
    # the premise of the school example: its building is a gas-heated school not yet renovated in
    # this sample (a sample builder that changes it makes the example say nothing)
    [school_id] = (
        load_policy(EXAMPLES / "school_deep_renovation.yaml").measures[0].target["buildings"]
    )
    buildings = io.read_vector(sample_dir / "region.gpkg", layer="buildings")
    school = buildings.set_index("building_id").loc[school_id]
    assert (school["use"], school["heating_carrier"]) == ("education", "natural_gas"), school
    assert school["renovation_state"] != "deep", (
        f"{school_id} is already deep-renovated in the sample: give "
        "examples/policies/school_deep_renovation.yaml an unrenovated school"
    )
    runner = CliRunner()
    for name, verdict in expected.items():
        res = runner.invoke(
            main,
            [
                "check-policy",
                str(EXAMPLES / f"{name}.yaml"),
                "--layers",
                str(sample_dir),
                "--out",
                str(tmp_path / name),
                "--draws",
                "300",
            ],
        )
        assert res.exit_code == 0, res.output
        assert f": {verdict} emissions" in res.output, res.output
        doc = json.loads((tmp_path / name / "check.json").read_text(encoding="utf-8"))
        assert doc["verdict"] == verdict.lower()


def test_cli_bad_policy_writes_nothing(toy, tmp_path: Path) -> None:
    _, layers, *_ = toy
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: x\nmeasures:\n  - type: demolition\n    target: {parcels: [nope]}\n")
    res = CliRunner().invoke(
        main, ["check-policy", str(bad), "--layers", str(layers), "--out", str(tmp_path / "out")]
    )
    assert res.exit_code == 1
    assert "nope" in res.output and "line 3" in res.output
    assert "Traceback" not in res.output
    assert not (tmp_path / "out").exists()
    res = CliRunner().invoke(main, ["check-policy", str(bad), "--draws", "5"])
    assert res.exit_code == 2
