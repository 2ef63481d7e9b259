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


@pytest.mark.slow
def test_drawn_median_is_the_tabulated_value() -> None:
    x = _electricity_draws()
    # standard error of the median about sqrt(0.25 / N) / density(5 per kg/kWh) = 0.0002;
    # a uniform(0.15, 0.45) sampler gives 0.30, the triangular(0.15, 0.35, 0.45) one 0.323
    assert np.median(x) == pytest.approx(0.35, abs=0.002)
    assert x.min() >= 0.15 and x.max() <= 0.45


@pytest.mark.slow
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


def test_cdf_by_hand_outside_the_range_and_with_a_bound_on_the_value() -> None:
    # low 1, value 3, high 4: F(2) = 0.5 x ((2 - 1) / 2)^2 = 0.125; F(3) = 0.5;
    # F(3.5) = 1 - 0.5 x ((4 - 3.5) / 1)^2 = 0.875; below low 0, above high 1
    x = np.array([0.0, 1.0, 2.0, 3.0, 3.5, 4.0, 5.0])
    np.testing.assert_allclose(two_piece_cdf(x, 1.0, 3.0, 4.0), [0, 0, 0.125, 0.5, 0.875, 1, 1])
    # low = value = 3, high 4: F(3.2) = 1 - 0.5 x (0.8 / 1)^2 = 0.68 (half the mass on 3)
    np.testing.assert_allclose(two_piece_cdf(np.array([3.2]), 3.0, 3.0, 4.0), [0.68])
    # low 1, value = high = 3: F(2) = 0.5 x (1 / 2)^2 = 0.125, F(3) = 1
    np.testing.assert_allclose(two_piece_cdf(np.array([2.0, 3.0]), 1.0, 3.0, 3.0), [0.125, 1.0])


def test_quantiles_by_hand_on_both_halves() -> None:
    # low 1, value 3, high 4: x(0.02) = 1 + 2 sqrt(0.04) = 1.4; x(0.5) = 4 - 1 x sqrt(1) = 3;
    # x(0.98) = 4 - 1 x sqrt(0.04) = 3.8; x(0.72) = 4 - sqrt(0.56) = 3.251669
    u = np.array([0.02, 0.5, 0.72, 0.98])
    np.testing.assert_allclose(
        two_piece_quantile(u, 1.0, 3.0, 4.0), [1.4, 3.0, 3.251669, 3.8], rtol=1e-6
    )
    # broadcasts over parameters: one u per row, bounds per column
    low, value, high = np.array([0.0, 10.0]), np.array([1.0, 20.0]), np.array([2.0, 40.0])
    # u 0.125: 0 + 1 x sqrt(0.25) = 0.5 | 10 + 10 x 0.5 = 15; u 0.875: 2 - 0.5 = 1.5 | 40 - 10 = 30
    got = two_piece_quantile(np.array([[0.125], [0.875]]), low, value, high)
    np.testing.assert_allclose(got, [[0.5, 15.0], [1.5, 30.0]])
