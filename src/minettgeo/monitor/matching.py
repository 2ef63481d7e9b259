"""Matching controls to pilots: standardised variables, Mahalanobis distances, optimal matching
without replacement, spillover neighbours and the balance table (pure functions).

* Reference districts ``R``: the pilots and every district with finite values and at least
  ``min_residents`` residents (``rules.csv``; industrial zones with a handful of residents are
  not comparable to a residential pilot). Standardisation over ``R``:
  ``z_dv = (x_dv - mean_R(x_v)) / sd_R(x_v)`` (``sd`` with ``n - 1``; a variable constant over
  ``R`` gets ``z = 0``).
* Rank-based Mahalanobis distance (Rosenbaum 2010, Design of Observational Studies, §8.3), robust
  to the outlying districts of a few residents and one large emitter: every variable is replaced
  by its ranks ``r`` over ``R`` (ties averaged), ``S`` is the covariance of the ranks with its
  diagonal rescaled to the variance of untied ranks (``S* = U S U``, ``U = diag(sd(1..n) /
  sd(r_v))``, so that ties do not weigh a variable more), and
  ``D(p, c) = sqrt((r_p - r_c)^T S*^+ (r_p - r_c))`` with ``S*^+`` the pseudo-inverse
  (correlated variables, e.g. residents and density, are not counted twice; a singular ``S*``
  still gives distances). ``scipy.stats.rankdata``, ``scipy.spatial.distance.cdist``.
* Matching: each pilot gets ``k`` controls, no control serves two pilots, minimising the sum of
  the distances over all pilots (optimal matching, Rosenbaum 1989, JASA 84: 1024-1032), solved
  as an assignment problem with every pilot repeated ``k`` times
  (``scipy.optimize.linear_sum_assignment``).
* Standardised difference of variable ``v`` for pilot ``p`` with controls ``C``:
  ``(x_pv - mean_C(x_v)) / sd_R(x_v)`` (0 when ``sd_R`` is 0: every district has the same value).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely
from scipy.optimize import linear_sum_assignment
from scipy.spatial.distance import cdist
from scipy.stats import rankdata


def standardise(values: pd.DataFrame, reference: pd.Index) -> tuple[pd.DataFrame, pd.Series]:
    """``z`` of every row of ``values`` with the mean and sd of the ``reference`` rows, and
    that sd per variable."""
    ref = values.loc[reference]
    mean = ref.mean(axis=0)
    sd = ref.std(axis=0, ddof=1).fillna(0.0)
    safe = sd.where(sd > 0, 1.0)
    z = (values - mean) / safe
    z.loc[:, sd <= 0] = 0.0
    return z, sd


def rank_mahalanobis(
    values: pd.DataFrame, reference: pd.Index, rows: pd.Index, cols: pd.Index
) -> np.ndarray:
    """Rank-based Mahalanobis distances (``len(rows) x len(cols)``, module docstring); ``rows``
    and ``cols`` must be among ``reference``."""
    ref = values.loc[reference].to_numpy(dtype=float)
    ranks = pd.DataFrame(rankdata(ref, axis=0), index=reference, columns=values.columns)
    cov = np.atleast_2d(np.cov(ranks.to_numpy(), rowvar=False))
    untied = np.std(np.arange(1, len(reference) + 1), ddof=1)
    sd = np.sqrt(np.diag(cov))
    scale = np.diag(np.where(sd > 0, untied / np.where(sd > 0, sd, 1.0), 0.0))
    inverse = np.linalg.pinv(scale @ cov @ scale)
    return np.asarray(
        cdist(
            ranks.loc[rows].to_numpy(),
            ranks.loc[cols].to_numpy(),
            metric="mahalanobis",
            VI=inverse,
        )
    )


def optimal_matches(distance: np.ndarray, k: int) -> list[list[int]]:
    """For each row (pilot) of ``distance`` the column positions of its ``k`` controls, nearest
    first; no column is used twice and the total distance is the least possible. Needs at least
    ``rows x k`` columns."""
    n = distance.shape[0]
    cost = np.repeat(distance, k, axis=0)
    rows, cols = linear_sum_assignment(cost)
    chosen: list[list[int]] = [[] for _ in range(n)]
    for r, c in zip(rows, cols, strict=True):
        chosen[r // k].append(int(c))
    out = []
    for i, c in enumerate(chosen):
        cols_i = np.asarray(c, dtype=int)
        out.append([int(j) for j in cols_i[np.lexsort((cols_i, distance[i, cols_i]))]])
    return out


def neighbours(geometry: pd.Series, pilots: list[str], buffer_m: float) -> dict[str, list[str]]:
    """Districts within ``buffer_m`` metres of each pilot (the pilot itself excluded), in the
    order of ``geometry`` (a series of shapely geometries indexed by district_id)."""
    geoms = geometry.to_numpy()
    tree = shapely.STRtree(geoms)
    ids = geometry.index.astype(str)
    out: dict[str, list[str]] = {}
    for pilot in pilots:
        hits = tree.query(geometry.loc[pilot], predicate="dwithin", distance=buffer_m)
        out[pilot] = [ids[j] for j in sorted(hits) if ids[j] != pilot]
    return out


def balance_table(
    values: pd.DataFrame, sd: pd.Series, controls: dict[str, list[str]], variables: list[str]
) -> pd.DataFrame:
    """One row per pilot and variable: pilot_id, control_ids (``;``-separated), variable,
    pilot_value, control_mean, standardised_difference (module docstring)."""
    rows = []
    for pilot, ctrl in controls.items():
        mean = values.loc[ctrl, variables].to_numpy(dtype=float).mean(axis=0)
        own = values.loc[pilot, variables].to_numpy(dtype=float)
        for j, v in enumerate(variables):
            diff = float(own[j] - mean[j])
            rows.append(
                {
                    "pilot_id": pilot,
                    "control_ids": ";".join(ctrl),
                    "variable": v,
                    "pilot_value": float(own[j]),
                    "control_mean": float(mean[j]),
                    "standardised_difference": diff / float(sd[v]) if sd[v] > 0 else 0.0,
                }
            )
    return pd.DataFrame(
        rows,
        columns=[
            "pilot_id",
            "control_ids",
            "variable",
            "pilot_value",
            "control_mean",
            "standardised_difference",
        ],
    )
