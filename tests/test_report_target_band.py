"""The progress report shows the 2030 target's 90 % interval and P(-55 %): its numbers are those
of :mod:`minettgeo.scenarios.target_band` on the same trajectory, in French and English, in the
HTML and the chart; one case by hand."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from api_support import toy_results
from minettgeo.cli import main
from minettgeo.factors.tables import load_factor_set
from minettgeo.layers.region import load_region
from minettgeo.report.progress import charts
from minettgeo.report.progress.html_parts import number
from minettgeo.report.progress.i18n import LABELS
from minettgeo.report.progress.sections.emissions import region_band, target_band_note
from minettgeo.scenarios import target_band as tb
from minettgeo.scenarios.scenario import parse_scenario
from minettgeo.scenarios.trajectory import COLUMNS
from minettgeo.scenarios.trajectory_io import load_inventory, run_trajectory, write_trajectory

PLAN = (
    "title: reno\nmeasures:\n  - {type: deep_renovation, target: {region: true}, "
    "rate_per_year: 0.1, start: 2026}\n"
)


def _tiny() -> tuple[pd.DataFrame, pd.DataFrame]:
    """One level, 2005 gross central 200 with draws 100, 200, 300; gross 2030 central 80 with
    draws 40, 100, 140: the milestones and a trajectory table (2024 and 2030 only)."""
    b05 = np.array([[[200.0, 100.0, 200.0, 300.0]]])  # levels x columns x (1 + draws)
    gross_2030 = np.array([[80.0, 40.0, 100.0, 140.0]])
    ms = pd.DataFrame(
        {
            "level": ["region"],
            "name": ["Region"],
            "target_2030_tco2e": tb.target_2030(b05[:, 0, 0]),
            **tb.target_columns(b05, gross_2030, 0),
        }
    )
    traj = pd.DataFrame(
        {
            "level": "region",
            "column": ["gross", "gross", "V", "V"],
            "year": [2024, 2030, 2024, 2030],
            "baseline_tco2e": [150.0, 140.0, -5.0, -5.0],
            "scenario_tco2e": [150.0, 80.0, -5.0, -6.0],
            "p05": [150.0, 45.0, -5.0, -7.0],
            "p95": [150.0, 135.0, -5.0, -5.0],
        }
    )
    return ms, traj


def test_the_target_band_by_hand() -> None:
    ms, traj = _tiny()
    # 5th percentile of 100, 200, 300 (linear): position 0.05 x 2 = 0.1 -> 110; 95th: 1.9 -> 290
    # target interval 0.45 x 110 = 49.5 .. 0.45 x 290 = 130.5; median 0.45 x 200 = 90
    band = region_band(ms)
    assert band is not None
    assert band["target_2030_p05"] == pytest.approx(49.5)
    assert band["target_2030_p95"] == pytest.approx(130.5)
    assert band["target_2030_tco2e"] == pytest.approx(90.0)
    assert float(ms["target_2030_p50"].iloc[0]) == pytest.approx(90.0)
    # per draw: targets 45, 90, 135 against 40, 100, 140: met in the first only -> P = 1/3
    assert band["p_minus55_2030"] == pytest.approx(1 / 3)
    basis = {"fr": "tirages appariés", "en": "paired draws"}
    fr, en = target_band_note(band, basis, "fr"), target_band_note(band, basis, "en")
    assert "49,5 – 130,5 t CO2e/a" in fr and "49.5 – 130.5 t CO2e/a" in en
    assert "90,0 t CO2e/a" in fr and "90.0 t CO2e/a" in en
    assert "33\u202f%" in fr and "33 %" in en
    for lang, page in (("fr", fr), ("en", en)):
        for key in ("target_2030", "target_interval", "p_minus55"):
            assert LABELS[key][lang] in page, (lang, key)
        assert basis[lang] in page
    for lang in ("fr", "en"):
        svg = charts.trajectory_chart(traj, band, lang)
        assert LABELS["target_interval"][lang] in svg and LABELS["target_2030"][lang] in svg
        assert f"P(-55 %) = {charts.percent(1 / 3, lang)}" in svg
    # a trajectory written before the interval: said, in both languages
    old = ms.drop(columns=["target_2030_p05", "target_2030_p95"])
    assert region_band(old) is None
    for lang in ("fr", "en"):
        assert LABELS["no_target_band"][lang] in target_band_note(None, None, lang)


@pytest.fixture(scope="module")
def toy_report(tmp_path_factory: pytest.TempPathFactory):
    base = tmp_path_factory.mktemp("report-band")
    results = toy_results(base)
    scenario = parse_scenario(PLAN, "reno.yaml")
    t = run_trajectory(
        scenario,
        load_region(base / "layers"),
        load_factor_set("AR5"),
        load_inventory(results),
        draws=200,
        seed=7,
    )
    folder = base / "trajectory"
    write_trajectory(t, folder)
    out = base / "reports"
    res = CliRunner().invoke(
        main,
        ["report", "--results", str(results), "--trajectory", str(folder), "--no-pdf",
         "--out", str(out)],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    return t, out


def test_report_band_equals_target_band_on_the_same_trajectory(toy_report) -> None:
    t, out = toy_report
    gi = COLUMNS.index("gross")
    # the same inputs: the 2005 baseline per draw is the trajectory's 2005 column, the path's
    # gross 2030 per draw its 2030 column
    b05 = t.values[:, :, :, t.year(2005)]
    want = tb.target_columns(b05, t.values[:, gi, :, t.year(2030)], gi)
    assert t.baseline_2005.row_draws is not None  # the back-cast with its draws
    ri = len(t.levels) - 1
    assert want["target_2030_p05"][ri] < want["target_2030_p95"][ri]
    ms = pd.read_csv(out / "milestones.csv", dtype={"level": str})
    got = ms.set_index("level").loc[list(t.levels)]
    for col in ("target_2030_p05", "target_2030_p95", "p_minus55_2030"):
        np.testing.assert_allclose(got[col].to_numpy(float), want[col], rtol=1e-9)
    central = float(tb.target_2030(b05[ri, gi, 0]))
    for lang in ("fr", "en"):
        page = (out / f"report_{lang}.html").read_text("utf-8")
        section = page[page.index('id="trajectory"') : page.index('id="kpis"')]
        lo, hi = (number(want[c][ri], lang) for c in ("target_2030_p05", "target_2030_p95"))
        assert f"{lo} – {hi} t CO2e/a" in section
        assert number(central, lang) in section
        assert f"P(-55 %) = {charts.percent(float(want['p_minus55_2030'][ri]), lang)}" in section
        for key in ("target_2030", "target_interval", "p_minus55", "baseline_path"):
            assert LABELS[key][lang] in section, (lang, key)
        assert re.search(r"<svg\b", section)  # the chart, drawn by the report
