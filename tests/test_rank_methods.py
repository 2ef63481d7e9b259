"""MCDA methods, robustness, explanation and portfolio: hand-computed cases and properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minettgeo.errors import InfeasibleError, ParameterError
from minettgeo.rank.explain import contributions
from minettgeo.rank.methods import METHODS, batch_scores, ranks_of, scores
from minettgeo.rank.portfolio import choose_portfolio
from minettgeo.rank.robustness import fill_undefined, robustness, weight_draws
from minettgeo.rank.tables import (
    check_weights,
    criteria_table,
    parse_weights,
    preset_table,
    preset_weights,
)

# 4 candidates x 3 criteria (benefit, benefit, cost), weights 0.5 / 0.3 / 0.2
X = np.array([[2.0, 4.0, 3.0], [4.0, 2.0, 1.0], [3.0, 3.0, 2.0], [1.0, 1.0, 4.0]])
W = np.array([0.5, 0.3, 0.2])
T = np.array([1, 1, -1])
GOLDEN = {
    # min-max: c1 (x-1)/3, c2 (x-1)/3, c3 (4-x)/3; A1 = 0.5/3 + 0.3 + 0.2/3 = 0.5333
    "ws": [0.5 / 3 + 0.3 + 0.2 / 3, 0.5 + 0.1 + 0.2, 2 / 3, 0.0],
    # every column norm is sqrt(30) = 1/s; weighted distances in units of s:
    # A1 d+^2 = 1 + 0.16, d-^2 = 0.25 + 0.81 + 0.04; A2 d+ = 0.6, d-^2 = 2.7;
    # A3 d+^2 = 0.38, d-^2 = 1.52 (closeness 2/3); A4 is the anti-ideal (0)
    "topsis": [
        np.sqrt(1.1) / (np.sqrt(1.16) + np.sqrt(1.1)),
        np.sqrt(2.7) / (0.6 + np.sqrt(2.7)),
        2 / 3,
        0.0,
    ],
    # usual preference: phi = sum_k w_k (better - worse) / 3
    # A1: (0.5 x -1 + 0.3 x 3 + 0.2 x -1) / 3; A2: (1.5 - 0.3 + 0.6) / 3; A3: 1/3; A4: -1
    "promethee": [0.2 / 3, 0.6, 1 / 3, -1.0],
}


@pytest.mark.parametrize("method", METHODS)
def test_golden_values_computed_by_hand(method: str) -> None:
    np.testing.assert_allclose(scores(method, X, W, T), GOLDEN[method], atol=1e-12)
    np.testing.assert_allclose(
        batch_scores(method, X, W[None, :], T)[0], GOLDEN[method], atol=1e-12
    )
    np.testing.assert_allclose(
        batch_scores(method, X[None, :, :], W[None, :], T)[0], GOLDEN[method], atol=1e-12
    )
    assert ranks_of(np.array(GOLDEN[method])).tolist() == [3, 1, 2, 4]


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=0, max_value=10_000), st.sampled_from(METHODS))
def test_batch_equals_pymcdm_and_dominated_never_above(seed: int, method: str) -> None:
    rng = np.random.default_rng(seed)
    x = rng.uniform(1.0, 10.0, size=(7, 4))
    types = np.array([1, -1, 1, 1])
    w = rng.dirichlet(np.ones(4))
    # candidate 0 dominates candidate 1: at least as good everywhere, strictly better on one
    x[1] = x[0] - types * rng.uniform(0.0, 1.0, size=4)
    x[1, 0] = x[0, 0] - 0.5
    got = scores(method, x, w, types)
    np.testing.assert_allclose(batch_scores(method, x, w[None, :], types)[0], got, atol=1e-10)
    r = ranks_of(got)
    assert r[0] < r[1]


@settings(max_examples=30, deadline=None)
@given(st.integers(min_value=0, max_value=10_000), st.floats(min_value=1e-3, max_value=1e4))
def test_scaling_a_criterion_keeps_topsis_and_promethee_ranks(seed: int, factor: float) -> None:
    rng = np.random.default_rng(seed)
    x = rng.uniform(1.0, 10.0, size=(6, 3))
    w = rng.dirichlet(np.ones(3))
    types = np.array([1, -1, 1])
    scaled = x.copy()
    scaled[:, 1] *= factor
    for method in ("topsis", "promethee"):
        assert (
            ranks_of(scores(method, x, w, types)).tolist()
            == ranks_of(scores(method, scaled, w, types)).tolist()
        )


def test_contributions_sum_to_the_score() -> None:
    np.testing.assert_allclose(contributions("ws", X, W, T).sum(axis=1), GOLDEN["ws"])
    np.testing.assert_allclose(contributions("promethee", X, W, T).sum(axis=1), GOLDEN["promethee"])


def test_weight_draws_are_centred_and_reproducible() -> None:
    w = np.array([0.6, 0.3, 0.1, 0.0])
    a = weight_draws(w, 20_000, 50.0, np.random.default_rng(1))
    b = weight_draws(w, 20_000, 50.0, np.random.default_rng(1))
    np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(a.mean(axis=0), w, atol=3e-3)
    assert (a[:, 3] == 0).all()
    np.testing.assert_allclose(a.sum(axis=1), 1.0)
    # variance w (1 - w) / (c + 1)
    np.testing.assert_allclose(a[:, 0].var(), 0.6 * 0.4 / 51, rtol=0.05)
    with pytest.raises(ParameterError, match="--concentration"):
        weight_draws(w, 10, 0.0, np.random.default_rng(1))


def test_robustness_figures() -> None:
    rob = robustness("topsis", X, W, T, draws=2000, seed=5, top=2)
    assert rob.table["p_top"].sum() == pytest.approx(2.0)
    # A4 is dominated by every other candidate: always last
    assert rob.table.loc[3, "median_rank"] == 4 and rob.table.loc[3, "p_top"] == 0
    again = robustness("topsis", X, W, T, draws=2000, seed=5, top=2)
    assert rob.table.equals(again.table)
    # emission draws of criterion 0 that swap A1 and A2 half of the time
    draws = np.tile(X[:, 0], (2000, 1))
    draws[::2, 0], draws[::2, 1] = 4.0, 2.0
    rob2 = robustness(
        "ws", X, W, T, varying={0: draws}, draws=2000, seed=5, top=1, concentration=1e6
    )
    assert 0.3 < rob2.table.loc[0, "p_top"] < 0.7


def test_undefined_values_take_the_least_favourable_value() -> None:
    x = np.array([[np.nan, 5.0], [2.0, np.nan], [3.0, 1.0]])
    np.testing.assert_array_equal(fill_undefined(x, np.array([1, -1])), [[2, 5], [2, 5], [3, 1]])


def test_weights_are_checked_and_named() -> None:
    assert parse_weights("residents=2, parcels=1") == {"residents": 2.0, "parcels": 1.0}
    assert check_weights({"residents": 3, "parcels": 1}, ["residents", "parcels"]) == {
        "residents": 0.75,
        "parcels": 0.25,
    }
    for bad, fragment in (
        ({"residents": -1.0}, "must be >= 0"),
        ({"residents": 0.0}, "all weights are zero"),
        ({"nope": 1.0}, "unknown criterion nope"),
    ):
        with pytest.raises(ParameterError, match=fragment) as info:
            check_weights(bad, ["residents"])
        assert "--weights" in str(info.value)
    with pytest.raises(ParameterError, match="--weights"):
        parse_weights("residents")
    with pytest.raises(ParameterError, match="--preset"):
        preset_weights("nope")


def test_tables_document_every_criterion_and_preset() -> None:
    table = criteria_table()
    assert set(table["direction"]) <= {"benefit", "cost"}
    assert table[["unit", "meaning_en", "meaning_fr"]].notna().all().all()
    assert len(table) == 12
    presets = preset_table()
    assert set(presets["preset"]) == {"heating", "sinks", "mobility", "balanced"}
    assert set(presets["criterion"]) <= set(table.index)


def test_portfolio_takes_one_lead_per_theme() -> None:
    # five candidates: 0 best overall; 3 best for heating; 4 best for sinks
    score = np.array([1.0, 0.9, 0.8, 0.2, 0.1])
    themes = {
        "heating": np.array([0.0, 0.1, 0.2, 1.0, 0.0]),
        "sinks": np.array([0.0, 0.0, 0.1, 0.0, 1.0]),
    }
    commune = np.array(["A", "A", "B", "B", "C"], dtype=object)
    ok = np.ones(5, dtype=bool)
    chosen, lead = choose_portfolio(score, themes, commune, ok, 3, None)
    # {0, 3, 4}: 1 + 0.2 + 0.1 + heating 1 + sinks 1 = 3.3 beats {0, 1, 2}: 2.7 + 0.2 + 0.1
    assert np.flatnonzero(chosen).tolist() == [0, 3, 4]
    assert lead[3] == "heating" and lead[4] == "sinks"
    # at most one per commune: 0 (A), 3 (B), 4 (C)
    chosen, _ = choose_portfolio(score, {}, commune, ok, 3, 1)
    assert np.flatnonzero(chosen).tolist() == [0, 2, 4]
    with pytest.raises(InfeasibleError, match="--max-per-commune 1"):
        choose_portfolio(score, {}, commune, ok, 4, 1)
    with pytest.raises(InfeasibleError, match="--top 6"):
        choose_portfolio(score, {}, commune, ok, 6, None)


@pytest.mark.parametrize("method", METHODS)
def test_split_scores_equal_the_full_batch(method: str) -> None:
    rng = np.random.default_rng(3)
    x = rng.uniform(1.0, 10.0, size=(9, 5))
    types = np.array([1, -1, 1, -1, 1])
    w = rng.dirichlet(np.ones(5), size=4)
    values = rng.uniform(1.0, 10.0, size=(4, 9, 2))
    full = np.broadcast_to(x, (4, 9, 5)).copy()
    full[:, :, [1, 3]] = values
    from minettgeo.rank.methods import split_scores

    np.testing.assert_allclose(
        split_scores(method, x, w, types, [1, 3], values),
        batch_scores(method, full, w, types),
        atol=1e-12,
    )
