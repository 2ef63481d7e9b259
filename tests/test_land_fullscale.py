"""Land carbon on the full sample region (the shared ``run_dir``): region-level removals and
growth inside the documented IPCC and national ranges, intervals beside the emission
intervals, the sink potential's split and its area allocation."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from minettgeo.land.tables import CO2_PER_C, load_carbon_tables
from minettgeo.report.gpc import read_inventory

pytestmark = pytest.mark.fullscale
FOREST = (311, 312, 313, 324)


def _rate_sum(column: str, age_min: int) -> pd.Series:
    """Per forest class: the sum over pools of a removal-rate column, t C/(ha a)."""
    rates = load_carbon_tables().removal
    rows = rates[rates["lucode"].isin(FOREST) & (rates["age_min"] == age_min)]
    return rows.groupby("lucode")[column].sum()


def test_growth_per_hectare_of_forest_is_in_the_national_range(
    run_layers: dict[str, gpd.GeoDataFrame],
) -> None:
    """Forest remaining forest: between the most negative mature low (IFL3 source years) and
    the highest young-stand high of removal_rates.csv; and below the EU 2000-2009 reference
    sink (the mature highs), since most Minett forest is older than 20 years."""
    c = run_layers["communes"]
    per_ha = c["forest_growth_tco2_a"].sum() / c["forest_remaining_ha"].sum()
    low = _rate_sum("low", 20).min() * CO2_PER_C  # 311: -1.14 t C -> -4.2 t CO2/(ha a)
    high = _rate_sum("high", 0).max() * CO2_PER_C
    assert low <= per_ha <= high
    assert per_ha <= _rate_sum("high", 20).max() * CO2_PER_C


def test_removals_per_hectare_of_changed_land_are_in_the_ipcc_range(
    run_layers: dict[str, gpd.GeoDataFrame],
) -> None:
    """Land-use-change removals per hectare of changed land: above 0, at most the highest
    young-stand growth (high) plus the largest soil gain over the IPCC 20 years; per hectare
    converted to forest at most the same bound (every removal here is on such land)."""
    c = run_layers["communes"]
    tables = load_carbon_tables()
    soil = tables.pools["soil"]
    bound = (_rate_sum("high", 0).max() + (soil.max() - soil.min()) / tables.soil_years) * CO2_PER_C
    per_changed = c["luc_removal_tco2_a"].sum() / c["land_changed_ha"].sum()
    per_forest = c["luc_removal_tco2_a"].sum() / c["converted_to_forest_ha"].sum()
    assert 0 < per_changed <= per_forest <= bound
    # the old stock-jump method credited 26.4 t CO2/(ha a) for bare rock to woodland
    assert per_forest < 20


def test_land_intervals_beside_the_emission_intervals(
    run_layers: dict[str, gpd.GeoDataFrame], run_dir: Path
) -> None:
    _, totals = read_inventory(run_dir)
    t = totals.set_index("lau2")
    c = run_layers["communes"].set_index("lau2")
    for prefix in ("land_net_flux", "sink_potential_2030", "sink_potential_2050"):
        cols = [f"{prefix}_{p}_tco2_a" for p in ("p05", "p50", "p95")]
        assert set(cols) <= set(t.columns) and set(cols) <= set(c.columns), prefix
        assert (t[cols[0]] <= t[cols[1]]).all() and (t[cols[1]] <= t[cols[2]]).all()
        np.testing.assert_allclose(t.loc[c.index, cols[1]], c[cols[1]])
    assert "basic_p05_tco2e" in t.columns
    region = t.loc["region"]
    assert region["land_net_flux_p05_tco2_a"] < region["land_net_flux_p95_tco2_a"]
    # central values are central: every stock and rate at its value (the median of its draws)
    # gives a flux inside the 90 % interval, in the region and in every commune (with a
    # mode-centred triangular the region's central sat above its own p95)
    central = c["land_net_flux_tco2_a"]
    assert (c["land_net_flux_p05_tco2_a"] <= central).all()
    assert (central <= c["land_net_flux_p95_tco2_a"]).all()
    assert region["land_net_flux_p05_tco2_a"] <= central.sum() <= region["land_net_flux_p95_tco2_a"]


def test_sink_potential_split_and_parcel_areas(
    run_layers: dict[str, gpd.GeoDataFrame], run_dir: Path
) -> None:
    p = run_layers["parcels"]
    np.testing.assert_allclose(
        p["sink_policy_2050_tco2_a"] + p["sink_land_management_2050_tco2_a"],
        p["sink_potential_2050_tco2_a"],
        atol=1e-9,
    )
    assert (p["sink_potential_2050_upper_tco2_a"] >= p["sink_potential_2050_tco2_a"] - 1e-9).all()
    # two measures on one parcel never claim more than the parcel
    assert (p["sink_area_upper_ha"] <= p.geometry.area / 1e4 + 1e-9).all()
    detail = pd.read_csv(run_dir / "sink_measures.csv")
    assert set(detail["category"]) == {"land_management", "policy_dependent"}
    assert (
        detail.loc[detail["measure"] == "unsealing_green", "category"] == "policy_dependent"
    ).all()
    # additional only: never below zero, and the reserve rock's succession is the baseline
    assert (detail["potential_2050_tco2_a"] >= 0).all()
    grass = detail[detail["measure"] == "grassland_restoration"]
    assert (grass["baseline_tco2_a"] > 0).any()


def test_settlements_are_tier1_and_urban_trees_apart(
    run_layers: dict[str, gpd.GeoDataFrame],
) -> None:
    """Default run: no urban-tree component; the net flux is the sum of its Tier 1 parts."""
    c = run_layers["communes"]
    assert (c["urban_tree_removal_tco2_a"] == 0).all()
    np.testing.assert_allclose(
        c["land_net_flux_tco2_a"],
        c["luc_emission_tco2_a"] - c["luc_removal_tco2_a"] - c["growth_removal_tco2_a"],
    )
