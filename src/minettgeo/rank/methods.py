"""MCDA methods with explicit normalisation and cost handling.

For a matrix ``X`` (candidates x criteria), weights ``w`` (sum 1) and types ``t`` (+1 benefit,
-1 cost):

* ``ws`` weighted sum on min-max normalised values:
  ``r = (x - min) / (max - min)`` for a benefit, ``(max - x) / (max - min)`` for a cost
  (0 for a criterion equal for every candidate); ``S = sum_k w_k r_k``.
* ``topsis`` on vector-normalised values ``r = x / ||x||`` (benefit), ``1 - x / ||x||`` (cost),
  ``v = w r``, ideal ``v+ = max v``, anti-ideal ``v- = min v`` per criterion, closeness
  ``C = d- / (d+ + d-)`` (Euclidean distances); scaling a criterion by a positive constant changes
  nothing.
* ``promethee`` PROMETHEE II with the *usual* preference function ``P(d) = [d > 0]`` (``d`` taken
  in the criterion's direction): net flow ``phi_a = 1/(n-1) sum_b sum_k w_k (P_k(a,b) - P_k(b,a))``.
  With the usual function this is ``sum_k w_k (2 r_ak - 1 - n) / (n - 1)`` where ``r_ak`` is the
  average rank of ``a`` on criterion ``k`` (ascending, in the criterion's direction): it depends
  on the order of values only (scale invariant), and is evaluated for thousands of draws at once.

The single evaluation (:func:`scores`) calls ``pymcdm`` with these settings; the batch evaluation
(:func:`batch_scores`, for the robustness draws) is a vectorised numpy implementation of the same
formulas, tested equal to ``pymcdm``. Higher score = better; rank 1 = best.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from scipy.stats import rankdata

from minettgeo.errors import ParameterError

Array = NDArray[np.float64]
METHODS = ("topsis", "ws", "promethee")
LABELS = {"topsis": "TOPSIS", "ws": "weighted sum", "promethee": "PROMETHEE II"}


def check_method(method: str) -> str:
    if method not in METHODS:
        raise ParameterError(
            f"--method: unknown method '{method}'; choose one of {', '.join(METHODS)}"
        )
    return method


def scores(method: str, matrix: Array, weights: Array, types: Array) -> Array:
    """Scores of each candidate with ``pymcdm`` (module docstring)."""
    check_method(method)
    with warnings.catch_warnings():  # pymcdm warns about dominated candidates: they are ranked
        warnings.simplefilter("ignore", UserWarning)
        return _pymcdm_scores(method, matrix, weights, types)


def _pymcdm_scores(method: str, matrix: Array, weights: Array, types: Array) -> Array:
    from pymcdm import normalizations as norm
    from pymcdm.methods import PROMETHEE_II, TOPSIS, WSM

    x = np.asarray(matrix, dtype=float)
    w = np.asarray(weights, dtype=float)
    t = np.asarray(types, dtype=int)
    if method == "ws":
        spread = x.max(axis=0) - x.min(axis=0)
        varying = spread > 0
        if not varying.any():
            return np.zeros(len(x))
        body = WSM(normalization_function=norm.minmax_normalization)
        return np.asarray(body(x[:, varying], w[varying], t[varying]), dtype=float)
    if method == "topsis":
        body_t = TOPSIS(normalization_function=norm.vector_normalization)
        return np.asarray(body_t(x, w, t), dtype=float)
    body_p = PROMETHEE_II("usual")
    return np.asarray(body_p(x, w, t), dtype=float)


def ranks_of(score: Array) -> NDArray[np.int64]:
    """Rank 1 = highest score, along the last axis (ties: the earlier candidate first)."""
    order = np.argsort(-np.asarray(score), axis=-1, kind="stable")
    out = np.empty_like(order)
    np.put_along_axis(out, order, np.arange(1, order.shape[-1] + 1), axis=-1)
    return out


def batch_scores(method: str, matrix: Array, weights: Array, types: Array) -> Array:
    """Scores for a batch of draws: ``matrix`` (draws x candidates x criteria) or one matrix
    (candidates x criteria) shared by every draw; ``weights`` (draws x criteria). Returns draws x
    candidates. Same formulas as :func:`scores`, vectorised over draws."""
    check_method(method)
    w = np.atleast_2d(np.asarray(weights, dtype=float))
    x = np.asarray(matrix, dtype=float)
    x3 = x if x.ndim == 3 else x[None, :, :]
    cost = np.asarray(types) < 0
    if method == "ws":
        lo = x3.min(axis=1, keepdims=True)
        spread = x3.max(axis=1, keepdims=True) - lo
        r = np.divide(
            x3 - lo, spread, out=np.zeros(np.broadcast(x3, spread).shape), where=spread > 0
        )
        r = np.where(cost & (spread > 0), 1.0 - r, r)
        return np.einsum("dnm,dm->dn", r, w) if x.ndim == 3 else (r[0] @ w.T).T
    if method == "topsis":
        norm = np.sqrt((x3**2).sum(axis=1, keepdims=True))
        r = np.divide(x3, norm, out=np.zeros(x3.shape), where=norm > 0)
        r = np.where(cost, 1.0 - r, r)
        v = r * w[:, None, :]  # draws x candidates x criteria
        d_plus = np.sqrt(((v - v.max(axis=1, keepdims=True)) ** 2).sum(axis=2))
        d_minus = np.sqrt(((v - v.min(axis=1, keepdims=True)) ** 2).sum(axis=2))
        total = d_plus + d_minus
        return np.divide(d_minus, total, out=np.zeros(total.shape), where=total > 0)
    n = x3.shape[1]
    oriented = np.where(cost, -x3, x3)
    rank = rankdata(oriented, axis=1, method="average")
    flow = (2.0 * rank - 1.0 - n) / max(n - 1, 1)
    return np.einsum("dnm,dm->dn", flow, w) if x.ndim == 3 else (flow[0] @ w.T).T


def agreement(rankings: dict[str, NDArray[np.int64]]) -> list[dict[str, object]]:
    """Spearman and WS rank similarity (``pymcdm.correlations``) between every pair of methods'
    rankings (1 = identical order)."""
    from pymcdm import correlations

    names: Sequence[str] = list(rankings)
    out: list[dict[str, object]] = []
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            ra = np.asarray(rankings[a], dtype=float)
            rb = np.asarray(rankings[b], dtype=float)
            out.append(
                {
                    "method_a": a,
                    "method_b": b,
                    "spearman": float(correlations.spearman(ra, rb)) if len(ra) > 1 else 1.0,
                    "ws_similarity": float(correlations.ws(ra, rb)) if len(ra) > 1 else 1.0,
                }
            )
    return out


def _normalised(method: str, x: Array, cost: NDArray[np.bool_]) -> Array:
    """Per-criterion normalisation along the candidates axis (-2) for ws and topsis."""
    if method == "ws":
        lo = x.min(axis=-2, keepdims=True)
        spread = x.max(axis=-2, keepdims=True) - lo
        r = np.divide(x - lo, spread, out=np.zeros(np.broadcast(x, spread).shape), where=spread > 0)
        return np.where(cost & (spread > 0), 1.0 - r, r)
    norm = np.sqrt((x**2).sum(axis=-2, keepdims=True))
    r = np.divide(x, norm, out=np.zeros(np.broadcast(x, norm).shape), where=norm > 0)
    return np.where(cost, 1.0 - r, r)


def split_scores(
    method: str, fixed: Array, weights: Array, types: Array, columns: list[int], values: Array
) -> Array:
    """:func:`batch_scores` when only ``columns`` change from draw to draw: ``fixed``
    (candidates x criteria, the other columns), ``values`` (draws x candidates x len(columns)).
    The fixed columns are normalised once and enter through matrix products (TOPSIS: the ideal
    of ``w r`` is ``w max r`` for ``w >= 0``), so memory and time scale with the drawn columns."""
    check_method(method)
    w = np.atleast_2d(np.asarray(weights, dtype=float))
    x = np.asarray(fixed, dtype=float)
    types = np.asarray(types)
    cost = types < 0
    n, m = x.shape
    keep = np.setdiff1d(np.arange(m), columns)
    wf, wv = w[:, keep], w[:, columns]
    if method == "promethee":
        oriented = np.where(cost[keep], -x[:, keep], x[:, keep])
        flow_f = (2.0 * rankdata(oriented, axis=0, method="average") - 1.0 - n) / max(n - 1, 1)
        ov = np.where(cost[columns], -values, values)
        flow_v = (2.0 * rankdata(ov, axis=1, method="average") - 1.0 - n) / max(n - 1, 1)
        return wf @ flow_f.T + np.einsum("dnk,dk->dn", flow_v, wv)
    rf = _normalised(method, x[:, keep], cost[keep])
    rv = _normalised(method, values, cost[columns])
    if method == "ws":
        return wf @ rf.T + np.einsum("dnk,dk->dn", rv, wv)
    gap_plus_f = (rf - rf.max(axis=0)) ** 2
    gap_minus_f = (rf - rf.min(axis=0)) ** 2
    w2f, w2v = wf**2, wv**2
    d_plus = w2f @ gap_plus_f.T + np.einsum(
        "dnk,dk->dn", (rv - rv.max(axis=1, keepdims=True)) ** 2, w2v
    )
    d_minus = w2f @ gap_minus_f.T + np.einsum(
        "dnk,dk->dn", (rv - rv.min(axis=1, keepdims=True)) ** 2, w2v
    )
    d_plus, d_minus = np.sqrt(d_plus), np.sqrt(d_minus)
    total = d_plus + d_minus
    return np.divide(d_minus, total, out=np.zeros(total.shape), where=total > 0)
