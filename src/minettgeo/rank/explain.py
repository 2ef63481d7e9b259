"""Explanation of each candidate's rank: sentences a council note can quote (FR and EN).

Contribution of criterion ``k`` to candidate ``a``'s score: ``w_k r_ak`` with the weighted sum's
min-max normalised value ``r`` (for ``ws``; also shown for TOPSIS, which is not additive: the same
weights and directions), or ``w_k phi_ak`` with PROMETHEE II's per-criterion net flow (for
``promethee``, whose score is exactly their sum). The sentence names the two criteria whose
contribution is furthest above the median candidate's and the one furthest below, each with the
candidate's value against the median candidate's, then the robustness (probability of being in the
top k, 90 % rank interval).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.stats import rankdata

from minettgeo.rank.methods import LABELS
from minettgeo.rank.tables import criteria_table

Array = NDArray[np.float64]


def contributions(method: str, x: Array, w: Array, types: Array) -> Array:
    """candidates x criteria contributions (module docstring)."""
    cost = np.asarray(types) < 0
    if method == "promethee":
        n = len(x)
        rank = rankdata(np.where(cost, -x, x), axis=0, method="average")
        return w * (2.0 * rank - 1.0 - n) / max(n - 1, 1)
    lo, hi = x.min(axis=0), x.max(axis=0)
    spread = hi - lo
    r = np.divide(x - lo, spread, out=np.zeros(x.shape), where=spread > 0)
    r = np.where(cost & (spread > 0), 1.0 - r, r)
    return w * r


def _num(v: float, fr: bool) -> str:
    if not np.isfinite(v):
        return "n/a" if not fr else "n.d."
    text = f"{v:,.3g}" if abs(v) < 1e4 else f"{v:,.0f}"
    text = text.replace(",", " ") if fr else text
    return text.replace(".", ",") if fr else text


def _label(criterion: str, fr: bool) -> str:
    table = criteria_table()
    if criterion not in table.index:
        return criterion
    text = str(table.loc[criterion, "meaning_fr" if fr else "meaning_en"])
    return text.split(":")[0].strip()


def _unit(criterion: str) -> str:
    table = criteria_table()
    return str(table.loc[criterion, "unit"]) if criterion in table.index else ""


def sentences(
    frame: pd.DataFrame,
    criteria: list[str],
    contrib: Array,
    *,
    method: str,
    top: int,
) -> tuple[list[str], list[str]]:
    """EN and FR sentence per row of ``frame`` (columns name, rank, p_top, rank_p05, rank_p95 and
    the criteria)."""
    x = frame[criteria].to_numpy(dtype=float)
    median_value = np.nanmedian(x, axis=0)
    gap = contrib - np.median(contrib, axis=0)
    n = len(frame)
    en, fr = [], []
    for i in range(n):  # one sentence per candidate (hundreds, not parcels or draws)
        order = np.argsort(-gap[i])
        best = [k for k in order[:2] if gap[i, k] > 0]
        worst = [k for k in order[::-1][:1] if gap[i, k] < 0]
        row = frame.iloc[i]

        def part(k: int, is_fr: bool, i: int = i) -> str:
            c = criteria[k]
            return (
                f"{_label(c, is_fr)} ({_num(x[i, k], is_fr)} {_unit(c)}, "
                f"{'candidat médian' if is_fr else 'median candidate'} {_num(median_value[k], is_fr)})"
            )

        rank = int(row["rank"])
        p = 100.0 * float(row["p_top"])
        lo, hi = round(float(row["rank_p05"])), round(float(row["rank_p95"]))
        s_en = f"{row['name']} ranks {rank} of {n} ({LABELS[method]})"
        s_fr = f"{row['name']} est classé {rank}e sur {n} ({LABELS[method]})"
        if best:
            s_en += "; it stands out for " + " and ".join(part(k, False) for k in best)
            s_fr += " ; il se distingue par " + " et ".join(part(k, True) for k in best)
        if worst:
            s_en += "; it is held back by " + part(worst[0], False)
            s_fr += " ; il est freiné par " + part(worst[0], True)
        s_en += f". In the top {top} in {p:.0f} % of draws (90 % rank interval {lo}-{hi})."
        s_fr += (
            f". Parmi les {top} premiers dans {p:.0f} % des tirages "
            f"(intervalle de rang à 90 % : {lo}-{hi})."
        )
        en.append(s_en)
        fr.append(s_fr)
    return en, fr
