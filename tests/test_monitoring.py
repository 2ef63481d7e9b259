"""Test-district monitoring: matching, balance, the record, the effect estimate and its rule."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely

from minettgeo.errors import InfeasibleError, MonitoringError, NotFoundError, ParameterError
from minettgeo.monitor import matching
from minettgeo.monitor.choose import choose_controls, parse_ids
from minettgeo.monitor.estimate import Rule, did_fit, effect_row, effects_table
from minettgeo.monitor.panel import kpi_panel
from minettgeo.monitor.tables import rules

RULE = Rule(min_pre_years=3, min_post_years=1, min_controls=2, interval_level=0.90)


def observed(
    values: dict[str, dict[int, float]], kpi: str = "k", pilot: str = "P", unit: str = "t CO2e/a"
) -> pd.DataFrame:
    """Observed rows in the CSV format: the pilot at level test_district, others district."""
    rows = [
        {
            "kpi_id": kpi,
            "level": "test_district" if area == pilot else "district",
            "area_id": area,
            "year": year,
            "value": value,
            "unit": unit,
            "source": "modelled",
            "note": "",
        }
        for area, series in values.items()
        for year, value in series.items()
    ]
    return pd.DataFrame(rows)


# ---- estimator -------------------------------------------------------------------------------


def test_did_on_a_2x2_table_equals_the_hand_difference() -> None:
    # pilot 10 -> 7, control A 12 -> 11, control B 8 -> 7 (pre 2027, post 2028):
    # (7 - 10) - ((11 + 7)/2 - (12 + 8)/2) = -3 - (9 - 10) = -2
    obs = observed({"P": {2027: 10, 2028: 7}, "A": {2027: 12, 2028: 11}, "B": {2027: 8, 2028: 7}})
    panel = kpi_panel(obs, "P", ["A", "B"], "k", 2028, "obs.csv")
    row = effect_row(panel, RULE)
    assert row["estimate"] == pytest.approx(-2.0, abs=1e-12)
    # one pre-year: too few to conclude, said in both languages
    assert (row["n_pre"], row["n_post"], row["conclusive"]) == (1, 1, False)
    assert "Too few data to conclude" in str(
        row["note_en"]
    ) and "1 observed year(s) before 2028" in str(row["note_en"])
    assert "Trop peu de données pour conclure" in str(row["note_fr"])


def test_did_on_a_panel_equals_the_difference_of_the_four_means() -> None:
    # pilot pre 10, 11, 12 (mean 11) post 10, 10 (mean 10); controls A 20, 21, 22 | 23, 24 and
    # B 5, 5, 5 | 6, 6: control means pre (21 + 5)/2 = 13, post (23.5 + 6)/2 = 14.75
    # tau = (10 - 11) - (14.75 - 13) = -2.75
    obs = observed(
        {
            "P": dict(zip(range(2025, 2030), (10, 11, 12, 10, 10), strict=True)),
            "A": dict(zip(range(2025, 2030), (20, 21, 22, 23, 24), strict=True)),
            "B": dict(zip(range(2025, 2030), (5, 5, 5, 6, 6), strict=True)),
        }
    )
    panel = kpi_panel(obs, "P", ["A", "B"], "k", 2028, "obs.csv")
    row = effect_row(panel, RULE)
    assert row["estimate"] == pytest.approx(-2.75, abs=1e-12)
    assert (row["n_pre"], row["n_post"], row["conclusive"]) == (3, 2, True)
    assert float(row["low"]) < -2.75 < float(row["high"])  # type: ignore[arg-type]
    assert "diff-diff" in str(row["method"])


def modelled_panel(
    rng: np.random.Generator, effect: float, controls: int = 4, sd: float = 0.1
) -> pd.DataFrame:
    """Pilot and controls 2022-2031 with their own levels, a common trend and common yearly
    shocks, independent noise ``sd``; the pilot moves by ``effect`` from 2028."""
    years = np.arange(2022, 2032)
    shocks = rng.normal(0, 0.3, len(years))
    values = {}
    for i, area in enumerate(["P", *[f"C{j}" for j in range(controls)]]):
        level = rng.normal(5.0, 1.0)
        series = level - 0.1 * (years - 2022) + shocks + rng.normal(0, sd, len(years))
        if i == 0:
            series = series + np.where(years >= 2028, effect, 0.0)
        values[area] = dict(zip(years.tolist(), series.tolist(), strict=True))
    return observed(values)


def test_a_known_effect_is_recovered_within_its_interval() -> None:
    obs = modelled_panel(np.random.default_rng(2028), effect=-0.5)
    panel = kpi_panel(obs, "P", ["C0", "C1", "C2", "C3"], "k", 2028, "obs.csv")
    row = effect_row(panel, RULE)
    assert row["conclusive"] is True
    assert float(row["low"]) <= -0.5 <= float(row["high"])  # type: ignore[arg-type]
    assert float(row["high"]) < 0  # type: ignore[arg-type]
    assert "excludes 0" in str(row["note_en"]) and "exclut 0" in str(row["note_fr"])


def test_a_panel_without_effect_gives_an_interval_that_covers_zero() -> None:
    obs = modelled_panel(np.random.default_rng(7), effect=0.0)
    panel = kpi_panel(obs, "P", ["C0", "C1", "C2", "C3"], "k", 2028, "obs.csv")
    row = effect_row(panel, RULE)
    assert row["conclusive"] is True
    assert float(row["low"]) <= 0.0 <= float(row["high"])  # type: ignore[arg-type]
    assert "contains 0" in str(row["note_en"]) and "contient 0" in str(row["note_fr"])


def test_the_90_percent_interval_covers_the_truth_about_90_percent_of_the_time() -> None:
    rng = np.random.default_rng(11)
    hits = 0
    for _ in range(200):
        obs = modelled_panel(rng, effect=-0.3)
        panel = kpi_panel(obs, "P", ["C0", "C1", "C2", "C3"], "k", 2028, "obs.csv")
        _, low, high, _ = did_fit(panel.frame, 0.90)
        hits += low <= -0.3 <= high
    # binomial(200, 0.9): sd 4.2 draws; 165-195 is beyond 3.5 sd either way
    assert 165 <= hits <= 195


def test_a_pilot_already_diverging_before_the_pilot_year_is_flagged() -> None:
    obs = modelled_panel(np.random.default_rng(9), effect=0.0)
    # the pilot falls 0.2 a year faster than its controls from 2022 on: no pilot effect, but
    # pre-trends that are not parallel; the placebo on 2022-2027 (pretended start 2025) sees it
    pilot = obs["area_id"] == "P"
    obs.loc[pilot, "value"] -= 0.2 * (obs.loc[pilot, "year"] - 2022)
    panel = kpi_panel(obs, "P", ["C0", "C1", "C2", "C3"], "k", 2028, "obs.csv")
    row = effect_row(panel, RULE)
    assert "as if the pilot had started in 2025" in str(row["note_en"])
    assert "comme si le pilote avait commencé en 2025" in str(row["note_fr"])
    parallel = effect_row(
        kpi_panel(
            modelled_panel(np.random.default_rng(9), effect=0.0),
            "P",
            ["C0", "C1", "C2", "C3"],
            "k",
            2028,
            "obs.csv",
        ),
        RULE,
    )
    assert "Caution" not in str(parallel["note_en"])


def test_too_few_controls_or_years_is_inconclusive_with_the_reason() -> None:
    obs = modelled_panel(np.random.default_rng(3), effect=-0.5, controls=1)
    panel = kpi_panel(obs, "P", ["C0"], "k", 2028, "obs.csv")
    row = effect_row(panel, RULE)
    assert row["conclusive"] is False
    assert "1 control(s) observed every year (at least 2)" in str(row["note_en"])
    assert "1 témoin(s)" in str(row["note_fr"])
    # no post year: no estimate at all
    panel = kpi_panel(obs, "P", ["C0"], "k", 2040, "obs.csv")
    row = effect_row(panel, RULE)
    assert math.isnan(float(row["estimate"])) and row["conclusive"] is False  # type: ignore[arg-type]
    assert "0 observed year(s) from 2040 on" in str(row["note_en"])


def test_a_control_missing_a_year_is_left_out_and_named() -> None:
    obs = modelled_panel(np.random.default_rng(5), effect=0.0, controls=3)
    obs = obs[~((obs["area_id"] == "C1") & (obs["year"] == 2024))].reset_index(drop=True)
    panel = kpi_panel(obs, "P", ["C0", "C1", "C2"], "k", 2028, "obs.csv")
    assert panel.controls == ["C0", "C2"]
    assert panel.dropped == {"C1": "no value of k in 2024"}
    table = effects_table([panel], RULE)
    assert list(table.columns) == [
        "pilot_id",
        "kpi_id",
        "estimate",
        "low",
        "high",
        "method",
        "n_pre",
        "n_post",
        "conclusive",
        "note_fr",
        "note_en",
    ]
    assert "C1 (no value of k in 2024)" in table.at[0, "note_en"]


def test_observed_values_lacking_the_pilots_kpi_are_refused_naming_file_and_pilot() -> None:
    obs = observed({"P": {2027: 1.0, 2028: 2.0}, "A": {2027: 1.0, 2028: 1.0}})
    with pytest.raises(
        MonitoringError, match=r"--observed obs.csv: no value of KPI other for pilot P"
    ):
        kpi_panel(obs, "P", ["A"], "other", 2028, "obs.csv")
    twice = pd.concat([obs, obs.iloc[[0]]], ignore_index=True)
    with pytest.raises(MonitoringError, match=r"P has several values of k for 2027 \(rows 2, 6"):
        kpi_panel(twice, "P", ["A"], "k", 2028, "obs.csv")


# ---- matching --------------------------------------------------------------------------------


def test_optimal_matching_beats_greedy_and_never_reuses_a_control() -> None:
    # greedy: pilot 0 takes column 0 (1), pilot 1 is left column 1 (10): total 11;
    # optimal: pilot 0 column 1 (2), pilot 1 column 0 (1): total 3
    assert matching.optimal_matches(np.array([[1.0, 2.0], [1.0, 10.0]]), 1) == [[1], [0]]
    d = np.array([[0.1, 0.2, 0.3, 5.0], [0.15, 0.25, 4.0, 6.0]])
    picks = matching.optimal_matches(d, 2)
    assert sorted(j for p in picks for j in p) == [0, 1, 2, 3]
    # pilot 0 {0, 2} + pilot 1 {1, 3} = 0.1 + 0.3 + 0.25 + 6 = 6.65 is beaten by
    # pilot 0 {2, 3} + pilot 1 {0, 1} = 0.3 + 5 + 0.15 + 0.25 = 5.7, the least
    assert picks == [[2, 3], [0, 1]]


def test_rank_mahalanobis_by_hand_and_robust_to_an_outlier() -> None:
    # one variable, ranks 1..4 over the reference: D = |r_p - r_c| / sd(1, 2, 3, 4);
    # sd = sqrt(((1.5^2 + 0.5^2) x 2) / 3) = sqrt(5/3) = 1.290994
    values = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0]}, index=list("abcd"))
    ref = values.index
    d = matching.rank_mahalanobis(values, ref, pd.Index(["a"]), pd.Index(["b", "c", "d"]))
    assert d == pytest.approx(np.array([[1, 2, 3]]) / math.sqrt(5 / 3))
    outlier = values.assign(x=[1.0, 2.0, 3.0, 1e9])
    same = matching.rank_mahalanobis(outlier, ref, pd.Index(["a"]), pd.Index(["b", "c", "d"]))
    assert same == pytest.approx(d)
    # a copy of a variable does not count twice (pseudo-inverse of a singular covariance)
    doubled = values.assign(y=values["x"] * 10)
    twice = matching.rank_mahalanobis(doubled, ref, pd.Index(["a"]), pd.Index(["b", "c", "d"]))
    assert twice == pytest.approx(d)


def test_balance_table_by_hand() -> None:
    values = pd.DataFrame({"x": [10.0, 8.0, 6.0, 0.0]}, index=["P", "A", "B", "Z"])
    sd = pd.Series({"x": 4.0})
    table = matching.balance_table(values, sd, {"P": ["A", "B"]}, ["x"])
    # control mean (8 + 6)/2 = 7; (10 - 7)/4 = 0.75
    assert table.to_dict("records") == [
        {
            "pilot_id": "P",
            "control_ids": "A;B",
            "variable": "x",
            "pilot_value": 10.0,
            "control_mean": 7.0,
            "standardised_difference": 0.75,
        }
    ]


def row_of_squares(n: int) -> pd.Series:
    return pd.Series(
        [shapely.box(i * 100.0, 0, (i + 1) * 100.0, 100) for i in range(n)],
        index=[f"D{i}" for i in range(n)],
    )


def test_neighbours_share_a_boundary() -> None:
    geoms = row_of_squares(4)
    assert matching.neighbours(geoms, ["D1"], 1.0) == {"D1": ["D0", "D2"]}


def structure(n: int = 8) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    return pd.DataFrame(
        {
            "residents": rng.uniform(600, 5000, n),
            "fossil_share": rng.uniform(0.5, 0.9, n),
            "ghg_per_capita_tco2e_a": rng.uniform(3, 8, n),
        },
        index=[f"D{i}" for i in range(n)],
    )


def choose(**kw: object):  # type: ignore[no-untyped-def]
    args: dict[str, object] = {
        "k": 2,
        "variables": ["residents", "fossil_share", "ghg_per_capita_tco2e_a"],
        "exclude_neighbours": True,
        "buffer_m": 1.0,
        "min_residents": 500.0,
        "run_id": "R1",
    }
    args.update(kw)
    s = args.pop("structure", structure())
    pilots = args.pop("pilots", ["D3"])
    return choose_controls(s, row_of_squares(len(s)), pilots, **args)  # type: ignore[arg-type]


def test_choose_leaves_out_pilots_neighbours_and_small_districts() -> None:
    s = structure(10)
    s.loc["D6", "residents"] = 20.0
    c = choose(structure=s, pilots=["D3", "D0"])
    used = [d for ctrl in c.controls.values() for d in ctrl]
    # 10 districts - 2 pilots - 3 neighbours - 1 small: exactly 4 left for 2 x 2, none twice
    assert sorted(used) == ["D5", "D7", "D8", "D9"]
    assert c.neighbours == {"D3": ["D2", "D4"], "D0": ["D1"]}
    assert c.excluded == {"D6": "20 residents (fewer than 500)"}
    assert "D6" not in c.reference and "D3" in c.reference
    assert set(c.balance["pilot_id"]) == {"D3", "D0"} and len(c.balance) == 6


def test_choose_refuses_unknown_twice_too_few_and_missing_values() -> None:
    with pytest.raises(NotFoundError, match=r"--pilots: 'D33' \(did you mean D3"):
        choose(pilots=["D33"])
    with pytest.raises(ParameterError, match="--pilots: D3 given twice"):
        parse_ids("D3,D1,D3", "--pilots")
    with pytest.raises(ParameterError, match="--pilots"):
        parse_ids("D3,,D1", "--pilots")
    # 8 districts - 3 pilots (D1, D3, D6) - 5 neighbours (D0, D2, D4, D5, D7) = 0 for 3 x 2
    with pytest.raises(
        InfeasibleError, match=r"--controls 2: 3 pilot\(s\) need 6 controls but only 0"
    ):
        choose(pilots=["D1", "D3", "D6"])
    s = structure()
    s.loc["D3", "fossil_share"] = np.nan
    with pytest.raises(MonitoringError, match="pilot D3 has no value of fossil_share"):
        choose(structure=s)
    with pytest.raises(ParameterError, match="--variables: nope unknown"):
        choose(variables=["nope"])


def test_rules_table_has_every_rule_with_unit_and_source() -> None:
    table = rules()
    assert table["min_pre_years"] == 3 and table["interval_level"] == 0.9
    assert table["min_residents"] == 500


# ---- the commands on the toy region -----------------------------------------------------------


@pytest.fixture(scope="module")
def toy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from api_support import toy_results

    return toy_results(tmp_path_factory.mktemp("toy-monitor"))


def toy_observed(path: Path, pilot: str = "9001-Q01") -> Path:
    rng = np.random.default_rng(4)
    obs = observed(
        {
            area: dict(zip(range(2024, 2031), rng.normal(5, 0.1, 7).tolist(), strict=True))
            for area in (pilot, "9002-Q01", "9003-Q01")
        },
        kpi="ghg_per_resident",
        pilot=pilot,
        unit="t CO2e/resident/a",
    )
    obs.to_csv(path, index=False)
    return path


def test_monitor_choose_and_estimate_on_the_toy_region(toy: Path, tmp_path: Path) -> None:
    from results_helpers import assert_refused, invoke, snapshot

    out = tmp_path / "monitoring"
    args = ("monitor", "choose", "--results", str(toy), "--pilots", "9001-Q01", "--out", str(out))
    # the three toy districts have 100-300 residents and 9002 touches 9001
    assert_refused(invoke(*args), 1, "--controls 3", "need 3 controls but only 0")
    assert not out.exists()
    assert_refused(invoke(*args, "--min-residents", "0", "--controls", "2"), 1, "--keep-neighbours")
    done = invoke(*args, "--min-residents", "0", "--controls", "2", "--keep-neighbours")
    assert done.code == 0, done.stderr
    record = json.loads((out / "controls.json").read_text())
    assert record["format"] == "minettgeo-controls/1"
    assert record["results"]["run_id"] and record["code"].startswith("minettgeo ")
    assert {c["district_id"] for c in record["pilots"][0]["controls"]} == {"9002-Q01", "9003-Q01"}
    balance = pd.read_csv(out / "balance.csv")
    assert list(balance.columns) == [
        "pilot_id",
        "control_ids",
        "variable",
        "pilot_value",
        "control_mean",
        "standardised_difference",
    ]
    # the balance table is the record's values: pilot value, mean of its controls' values
    pilot = record["pilots"][0]
    for row in balance.itertuples():
        assert row.pilot_value == pytest.approx(pilot["values"][row.variable], rel=1e-5)
        mean = np.mean([c["values"][row.variable] for c in pilot["controls"]])
        assert row.control_mean == pytest.approx(mean, rel=1e-5, abs=1e-9)
    before = snapshot(out)
    again = invoke(*args, "--min-residents", "0", "--controls", "2", "--keep-neighbours")
    assert_refused(again, 1, "controls.json already fixes the controls", "--force")
    assert snapshot(out) == before
    assert_refused(
        invoke(*args[:-4], "--pilots", "9001-Q01,9001-Q01", "--out", str(out)), 2, "given twice"
    )
    assert_refused(
        invoke(*args[:-4], "--pilots", "9009-Q01", "--out", str(tmp_path / "x")), 1, "9009-Q01"
    )

    obs = toy_observed(tmp_path / "observed.csv")
    # measured values cannot lie in the future: a row of next year is refused without --modelled
    future = tmp_path / "future.csv"
    next_year = datetime.now(UTC).year + 1
    pd.read_csv(obs).assign(year=next_year).head(1).to_csv(future, index=False)
    refused = invoke(
        "monitor",
        "estimate",
        "--monitoring",
        str(out),
        "--observed",
        str(future),
        "--pilot-year",
        "2028",
    )
    assert_refused(refused, 1, f"{future} line 2, column year", "in the future")
    est = ("monitor", "estimate", "--modelled", "--monitoring", str(out), "--observed", str(obs))
    done = invoke(*est, "--pilot-year", "2028")
    assert done.code == 0, done.stderr
    effects = pd.read_csv(out / "effects.csv")
    assert effects[["pilot_id", "kpi_id", "n_pre", "n_post"]].to_dict("records") == [
        {"pilot_id": "9001-Q01", "kpi_id": "ghg_per_resident", "n_pre": 4, "n_post": 3}
    ]
    assert bool(effects.at[0, "conclusive"]) is True
    assert json.loads((out / "effects.json").read_text())["pilot_year"] == 2028
    assert snapshot(out)["controls.json"] == before["controls.json"]

    before = snapshot(out)
    other = toy_observed(tmp_path / "other.csv", pilot="9003-Q01")
    assert_refused(
        invoke(*est[:-1], str(other), "--pilot-year", "2028"),
        1,
        str(other),
        "no rows for pilot 9001-Q01",
    )
    assert_refused(invoke(*est, "--pilot-year", "2028", "--kpi", "x"), 1, "no value of KPI x")
    # the observed file is read by the KPI registry's loader: an unknown KPI id is refused there
    bad = tmp_path / "bad.csv"
    bad.write_text(obs.read_text().replace("ghg_per_resident", "ghg_per_residnt", 1))
    assert_refused(
        invoke(*est[:-1], str(bad), "--pilot-year", "2028"),
        1,
        f"{bad} line 2, column kpi_id",
    )
    assert snapshot(out) == before

    forced = invoke(
        *args, "--min-residents", "0", "--controls", "1", "--keep-neighbours", "--force"
    )
    assert forced.code == 0 and "warning: replaced the controls record" in forced.stderr
    assert not (out / "effects.csv").exists()  # effects against the old controls are gone


def test_a_damaged_or_missing_record_is_refused_naming_the_file(tmp_path: Path) -> None:
    from minettgeo.monitor.record import read_record
    from minettgeo.monitor.service import estimate

    with pytest.raises(MonitoringError, match="no such folder"):
        estimate(tmp_path / "nowhere", tmp_path / "obs.csv", 2028)
    with pytest.raises(MonitoringError, match=r"no controls\.json there"):
        read_record(tmp_path)
    (tmp_path / "controls.json").write_text("{not json")
    with pytest.raises(MonitoringError, match=r"controls\.json: not a readable JSON record"):
        read_record(tmp_path)
    (tmp_path / "controls.json").write_text(json.dumps({"format": "other", "pilots": []}))
    with pytest.raises(
        MonitoringError, match="not a controls record of format minettgeo-controls/1"
    ):
        read_record(tmp_path)


def test_choose_refuses_a_folder_that_is_not_a_monitoring_folder(tmp_path: Path) -> None:
    from minettgeo.errors import RecordExistsError
    from minettgeo.monitor.record import check_writable

    assert check_writable(tmp_path / "new", force=False) is False
    (tmp_path / "results.gpkg").write_text("x")
    with pytest.raises(MonitoringError, match=r"holds files but no controls\.json"):
        check_writable(tmp_path, force=True)
    (tmp_path / "controls.json").write_text("{}")
    with pytest.raises(RecordExistsError, match="--force"):
        check_writable(tmp_path, force=False)
    assert check_writable(tmp_path, force=True) is True
