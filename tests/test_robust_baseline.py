"""The robust plan against the uncertain 2005 baseline: each future's 2030 target is 0.45 x a
quantile of the baseline's draws (factor ``baseline_2005``), by hand; regret does not depend on
it; PRIM names the baseline when it decides failure; the workbench's runs agree."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from minettgeo.scenarios import baseline_draws as bd
from minettgeo.scenarios import effects as fx
from minettgeo.scenarios import robust as rb
from minettgeo.scenarios import target_band as tb
from minettgeo.scenarios.baseline_table import read_baseline_table

YEARS = np.arange(2024, 2051)
J30 = 2030 - 2024

#: region today: 100 t CO2e/a gross on rows with no background variable (constant to 2050),
#: sinks -10; 2005 gross 200 central, draws 180, 190, 200, 210, 220 (d = 1..5)
BASE = rb.RegionBaseline(
    combos=((),),
    gross=np.array([100.0]),
    sinks=np.array([-10.0]),
    gross_2005=200.0,
    gross_2005_draws=np.array([200.0, 180.0, 190.0, 200.0, 210.0, 220.0]),
)


def _plan(name: str, cut: float) -> rb.PlanEffects:
    """A plan whose measures change gross emissions by ``cut`` (t CO2e/a) every year."""
    direct = np.zeros((len(rb.GROUPS), len(YEARS)))
    direct[rb.GROUPS.index("plain")] = cut
    zeros = np.zeros_like(direct)
    return rb.PlanEffects(name, direct, zeros, zeros.copy(), rb.GROUPS)


PLANS = (_plan("none", 0.0), _plan("cut", -12.0))


def _futures(**kw: list[float]) -> pd.DataFrame:
    n = len(next(iter(kw.values())))
    central = {
        "grid_decarbonisation": 0.5,
        "ev_uptake": 0.5,
        "population_growth": 0.5,
        "renovation_achieved": 1.0,
        "heat_pump_efficiency": 1.0,
        "baseline_2005": 0.5,
    }
    return pd.DataFrame({k: kw.get(k, [v] * n) for k, v in central.items()})


@pytest.fixture(scope="module")
def catalogue() -> fx.Catalogue:
    return fx.load_catalogue()


def test_a_plan_meeting_the_central_target_fails_with_a_low_baseline(catalogue) -> None:
    u = [0.0, 0.125, 0.25, 0.5, 0.75, 1.0]
    got = rb.evaluate(PLANS, BASE, catalogue, YEARS, _futures(baseline_2005=u))
    cut = got[got["plan_name"] == "cut"].sort_values("future")
    none = got[got["plan_name"] == "none"].sort_values("future")
    # linear quantile of the 5 draws 180..220 at position 4u: 180, 185, 190, 200, 210, 220
    b05 = [180.0, 185.0, 190.0, 200.0, 210.0, 220.0]
    np.testing.assert_allclose(cut["gross_2005_tco2e"], b05, rtol=1e-12)
    # targets 0.45 x B05: 81, 83.25, 85.5, 90, 94.5, 99
    np.testing.assert_allclose(
        cut["target_2030_tco2e"], [81.0, 83.25, 85.5, 90.0, 94.5, 99.0], rtol=1e-12
    )
    # the cut plan: gross 2030 = 100 - 12 = 88 <= 0.45 x 200 = 90, the central target ...
    np.testing.assert_allclose(cut["gross_2030_tco2e"], 88.0, rtol=1e-12)
    central = rb.evaluate(
        PLANS, BASE, catalogue, YEARS, _futures(ev_uptake=[0.5]).drop(columns="baseline_2005")
    )
    assert central.loc[central["plan_name"] == "cut", "meets_2030"].all()
    assert central["target_2030_tco2e"].iloc[0] == pytest.approx(90.0)
    # ... but fails where the baseline is low: 88 > 81, 83.25, 85.5; meets 90, 94.5, 99
    assert cut["meets_2030"].tolist() == [False, False, False, True, True, True]
    np.testing.assert_allclose(cut["gap_2030_tco2e"], [7.0, 4.75, 2.5, -2.0, -6.5, -11.0])
    # the plan without measures: 100 > 99 even at the highest baseline
    assert not none["meets_2030"].any()
    # regret unchanged in meaning: outcome minus the best plan's, whatever the target
    assert (cut["gross_2030_regret_tco2e"] == 0).all()
    np.testing.assert_allclose(none["gross_2030_regret_tco2e"], 12.0, rtol=1e-12)
    # net 2050 = 88 - 10 = 78: net zero missed in every future
    np.testing.assert_allclose(cut["net_2050_tco2e"], 78.0, rtol=1e-12)
    share = rb.summary(got).set_index("plan_name")["share_meeting_2030"]
    assert share["cut"] == pytest.approx(3 / 6) and share["none"] == 0.0


def test_prim_names_the_baseline_when_it_decides_failure(catalogue) -> None:
    f = rb.sample_futures(600, seed=1)
    assert f["baseline_2005"].between(0, 1).all()
    got = rb.evaluate(PLANS, BASE, catalogue, YEARS, f)
    # the cut plan fails exactly when B05(u) < 88 / 0.45 = 195.6 t, i.e. u < (195.6 - 190) / 40
    # + 0.25 = 0.389 (between the draws 190 at u = 0.25 and 200 at u = 0.5)
    cut = got[got["plan"] == 1].sort_values("future")
    u_fail = 0.25 + (88 / 0.45 - 190) / 10 * 0.25
    assert u_fail == pytest.approx(0.38889, abs=1e-4)
    np.testing.assert_array_equal(~cut["meets_2030"].to_numpy(), f["baseline_2005"] < u_fail)
    box = rb.signposts(f, got, 1)
    assert box["question"] == "fails the 2030 milestone"
    found = {s["factor"]: s for s in box["signposts"]}
    assert "baseline_2005" in found
    assert found["baseline_2005"]["to"] == pytest.approx(u_fail, abs=0.05)
    assert "2005 baseline" in found["baseline_2005"]["meaning"]
    # without the factor (an exact baseline) PRIM cannot name it
    box = rb.signposts(f.drop(columns="baseline_2005"), got, 1)
    assert "baseline_2005" not in {s["factor"] for s in box["signposts"]}


def test_an_exact_baseline_gives_the_same_target_in_every_future(catalogue) -> None:
    exact = rb.RegionBaseline(((),), BASE.gross, BASE.sinks, 200.0, np.array([200.0]))
    assert exact.exact and not BASE.exact
    got = rb.evaluate(PLANS, exact, catalogue, YEARS, _futures(baseline_2005=[0.0, 1.0]))
    np.testing.assert_allclose(got["target_2030_tco2e"], 90.0, rtol=1e-12)
    assert got.loc[got["plan_name"] == "cut", "meets_2030"].all()


def test_region_gross_2005_is_the_sum_of_the_communes_per_draw(tmp_path: Path) -> None:
    path = tmp_path / "b05.csv"
    path.write_text(
        "lau2,code,co2e_t,source,low,high\n9001,I,1000,t,800,1100\n9002,I,2000,t,1500,2500\n"
        "9002,V,-50,t,-60,-40\n",
        encoding="utf-8",
    )
    b = bd.table_draws(read_baseline_table(path, ["9001", "9002"]), draws=200, seed=1)
    got = tb.region_gross_2005(b, ["9001", "9002"])
    assert got.shape == (201,) and got[0] == 3000.0  # central: 1000 + 2000 (V apart)
    assert b.row_draws is not None
    np.testing.assert_allclose(got[1:], b.row_draws[:2, 1:].sum(axis=0), rtol=1e-12)
    # the shared quantile keeps the region between 800 + 1500 and 1100 + 2500
    assert got[1:].min() >= 2300 and got[1:].max() <= 3600
    assert tb.region_gross_2005(read_baseline_table(path, ["9001", "9002"]), ["9001", "9002"])[
        0
    ] == pytest.approx(3000.0)


def test_workbench_runs_give_the_same_targets(catalogue) -> None:
    f = rb.sample_futures(3, seed=3)
    mine = rb.evaluate(PLANS, BASE, catalogue, YEARS, f)
    wb = rb.workbench_outcomes(PLANS, BASE, catalogue, YEARS, f)
    merged = mine.merge(wb, on=["plan", "future"], suffixes=("", "_wb"))
    assert len(merged) == 6
    np.testing.assert_allclose(merged["target_2030_tco2e"], merged["target_2030_tco2e_wb"])
    np.testing.assert_allclose(merged["gross_2030_tco2e"], merged["gross_2030_tco2e_wb"])
