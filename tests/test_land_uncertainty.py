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
from minettgeo.land.carbon import LandInputs, carbon_accounts, central_parameters, joint_areas
from minettgeo.land.potential import sink_potential
from minettgeo.land.tables import load_carbon_tables
from minettgeo.land.uncertainty import factor_draws, flux_draws, percentiles, simulate_land
from test_land import TRANSFORM, X0, Y1, write


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
