"""The Monte Carlo sampler really samples the documented distribution: its median is the
tabulated value (so a uniform or a triangular sampler fails these tests)."""

from __future__ import annotations

import numpy as np
import pytest

from minettgeo.factors.tables import load_factor_set
from minettgeo.uncertainty.distributions import two_piece_cdf, two_piece_quantile

N = 200_000


def _electricity_draws() -> np.ndarray:
    factors = load_factor_set()
    i = int(factors.index("grid_factors", "grid", carrier="electricity", gas="CO2e")[0])
    row = factors.params.iloc[i]
    assert (row["low"], row["value"], row["high"]) == (0.15, 0.35, 0.45)  # skewed: low<value<high
    return factors.draw(N, np.random.default_rng(11))[:, i]


def test_drawn_median_is_the_tabulated_value() -> None:
    x = _electricity_draws()
    # standard error of the median about sqrt(0.25 / N) / density(5 per kg/kWh) = 0.0002;
    # a uniform(0.15, 0.45) sampler gives 0.30, the triangular(0.15, 0.35, 0.45) one 0.323
    assert np.median(x) == pytest.approx(0.35, abs=0.002)
    assert x.min() >= 0.15 and x.max() <= 0.45


def test_drawn_quantiles_match_the_documented_two_piece_triangle() -> None:
    x = _electricity_draws()
    # by hand: u < 0.5: 0.15 + 0.20 sqrt(2u); u >= 0.5: 0.45 - 0.10 sqrt(2 (1 - u))
    # u = 0.125: 0.15 + 0.20 x 0.5 = 0.25;  u = 0.875: 0.45 - 0.10 x 0.5 = 0.40
    # u = 0.02: 0.15 + 0.20 x 0.2 = 0.19;   u = 0.98: 0.45 - 0.10 x 0.2 = 0.43
    for u, expected in ((0.02, 0.19), (0.125, 0.25), (0.875, 0.40), (0.98, 0.43)):
        assert np.quantile(x, u) == pytest.approx(expected, abs=0.003), u
    # and the whole empirical distribution: Kolmogorov-Smirnov distance to F (1.36/sqrt(N) = 0.003)
    grid = np.sort(x)
    ecdf = np.arange(1, N + 1) / N
    assert np.abs(ecdf - two_piece_cdf(grid, 0.15, 0.35, 0.45)).max() < 0.005


def test_quantile_function_by_hand_and_inverse_of_cdf() -> None:
    u = np.array([0.0, 0.125, 0.5, 0.875, 1.0])
    x = two_piece_quantile(u, 1.0, 2.0, 5.0)
    # 1 + 1 x sqrt(0.25) = 1.5; median 2; 5 - 3 x sqrt(0.25) = 3.5
    np.testing.assert_allclose(x, [1.0, 1.5, 2.0, 3.5, 5.0])
    np.testing.assert_allclose(two_piece_cdf(x, 1.0, 2.0, 5.0), u)


def test_a_bound_equal_to_the_value_keeps_the_value_as_median() -> None:
    factors = load_factor_set()
    i = int(factors.index("system_efficiency", "carrier", carrier="direct_electric")[0])
    x = factors.draw(20_000, np.random.default_rng(3))[:, i]  # 1.0 (0.95-1.0)
    # half the mass on the value itself, half below it
    assert (x <= 1.0).all() and np.mean(x == 1.0) == pytest.approx(0.5, abs=0.02)
    assert np.quantile(x, 0.53) == 1.0 and np.quantile(x, 0.47) < 1.0
