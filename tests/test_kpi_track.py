"""KPIs along a trajectory and observed values against the run and the band (by hand)."""

from __future__ import annotations

import pandas as pd
import pytest

from minettgeo.kpi.registry import load_registry
from minettgeo.kpi.track import along_trajectory, compare_observed


def _trajectory() -> pd.DataFrame:
    # region and commune 0001; gross 1,000 in 2024 -> 800 (band 700-900) in 2030
    rows = []
    for level, scale in (("0001", 0.25), ("region", 1.0)):
        for year, central, lo, hi in ((2024, 1000.0, 1000.0, 1000.0), (2030, 800.0, 700.0, 900.0)):
            rows.append(
                {
                    "level": level,
                    "name": level,
                    "column": "gross",
                    "year": year,
                    "baseline_tco2e": scale * 1000.0,
                    "scenario_tco2e": scale * central,
                    "p05": scale * lo,
                    "p50": scale * central,
                    "p95": scale * hi,
                }
            )
    return pd.DataFrame(rows)


def _current() -> pd.DataFrame:
    # 200 residents in the region, 50 in commune 0001; the run's emissions 1,000 and 250
    return pd.DataFrame(
        {
            "kpi_id": ["ghg_per_resident"] * 2 + ["ghg_total"] * 2 + ["pv_potential"],
            "level": ["commune", "region", "commune", "region", "region"],
            "area_id": ["0001", "region", "0001", "region", "region"],
            "numerator": [250.0, 1000.0, 250.0, 1000.0, 5000.0],
            "denominator": [50.0, 200.0, float("nan"), float("nan"), float("nan")],
            "value": [5.0, 5.0, 250.0, 1000.0, 5000.0],
            "unit": ["t CO2e/resident/a"] * 2 + ["t CO2e/a"] * 2 + ["kWp"],
        }
    )


def test_along_trajectory_by_hand() -> None:
    reg = load_registry()
    along = along_trajectory(_trajectory(), _current(), reg)
    a = along.set_index(["kpi_id", "level", "area_id", "year"])
    # per resident, region 2030: 800 / 200 = 4.0, band 700 / 200 = 3.5 to 900 / 200 = 4.5
    row = a.loc[("ghg_per_resident", "region", "region", 2030)]
    assert (row["value"], row["p05"], row["p95"]) == pytest.approx((4.0, 3.5, 4.5))
    # commune 0001 2030: 0.25 x 800 / 50 = 4.0; baseline 250 / 50 = 5.0
    row = a.loc[("ghg_per_resident", "commune", "0001", 2030)]
    assert (row["value"], row["baseline"]) == pytest.approx((4.0, 5.0))
    # totals take the trajectory as it is: 800 in 2030
    assert a.loc[("ghg_total", "region", "region", 2030), "value"] == pytest.approx(800.0)
    # KPIs without a trajectory column are not along it
    assert "pv_potential" not in set(along["kpi_id"])


def test_observed_against_run_and_band_by_hand() -> None:
    reg = load_registry()
    along = along_trajectory(_trajectory(), _current(), reg)
    observed = pd.DataFrame(
        {
            "kpi_id": ["ghg_per_resident", "ghg_per_resident", "pv_installed"],
            "level": ["region", "region", "region"],
            "area_id": ["region"] * 3,
            "year": [2030, 2024, 2024],
            "value": [4.8, 5.0, 250.0],
            "unit": ["t CO2e/resident/a", "t CO2e/resident/a", "kWp"],
            "source": ["s"] * 3,
            "note": [""] * 3,
        }
    )
    out = compare_observed(observed, _current(), along, reg).set_index(["kpi_id", "year"])
    r = out.loc[("ghg_per_resident", 2030)]
    # 4.8 - run's 5.0 = -0.2; 4.8 - trajectory 4.0 = +0.8, above the band's 4.5: not in it;
    # lower is better, so above the trajectory is off track
    assert r["gap_modelled"] == pytest.approx(-0.2)
    assert r["gap_trajectory"] == pytest.approx(0.8)
    assert not bool(r["in_band"]) and not bool(r["on_track"])
    r = out.loc[("ghg_per_resident", 2024)]
    # 2024: band 5.0-5.0 holds 5.0
    assert bool(r["in_band"]) and bool(r["on_track"])
    pv = out.loc[("pv_installed", 2024)]
    # installed 250 kWp of a 5,000 kWp potential: 5 %; no modelled value, no trajectory
    assert pv["share_of_versus_pct"] == pytest.approx(5.0)
    assert pd.isna(pv["modelled"]) and pd.isna(pv["in_band"]) and pd.isna(pv["on_track"])
