"""KPI values per area from the features of a result layer (pure; no I/O).

For a KPI k and an area A (the districts, communes, test districts and the region)::

    N_k(A) = sum over features f in A of numerator_k(f)
    D_k(A) = sum over features f in A of denominator_k(f)       (D = 1 without a denominator)
    KPI_k(A) = scale_k x N_k(A) / D_k(A)                         (NaN where D = 0)

Features are summed to districts first (buildings by ``district_id``), districts to communes
(by ``lau2``), to test districts (the districts each holds) and to the region, so the region's
value equals the ratio of its communes' sums (conservation, tested).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from minettgeo.kpi.formula import evaluate
from minettgeo.kpi.registry import Kpi

REGION = "region"
#: columns of the long table of KPI values
VALUE_COLUMNS = ("kpi_id", "level", "area_id", "numerator", "denominator", "value", "unit")


def feature_terms(kpis: Sequence[Kpi], frame: pd.DataFrame) -> pd.DataFrame:
    """Numerator and denominator of each KPI per feature of ``frame``: columns
    ``(kpi_id, "numerator" | "denominator")``; a KPI without a denominator gets NaN there."""
    parts = {}
    for k in kpis:
        parts[(k.id, "numerator")] = evaluate(k.numerator, frame)
        parts[(k.id, "denominator")] = (
            evaluate(k.denominator, frame)
            if k.denominator
            else pd.Series(np.nan, index=frame.index)
        )
    return pd.DataFrame(parts, index=frame.index)


def sums_by(terms: pd.DataFrame, keys: pd.Series) -> pd.DataFrame:
    """Sum of the terms per key (``min_count=1``: a group of NaN stays NaN)."""
    return terms.groupby(keys.to_numpy(), sort=True).sum(min_count=1)


def area_sums(
    district_terms: pd.DataFrame,
    district_commune: pd.Series,
    test_districts: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, pd.DataFrame]:
    """The terms summed per level: ``district`` (as given), ``commune`` (by ``district_commune``,
    district_id -> lau2), ``test_district`` (each test district holds the districts listed) and
    ``region`` (all districts)."""
    out = {"district": district_terms.sort_index()}
    out["commune"] = sums_by(district_terms, district_commune.reindex(district_terms.index))
    if test_districts:
        rows = {
            tid: district_terms.reindex(list(ids)).sum(min_count=1)
            for tid, ids in test_districts.items()
        }
        out["test_district"] = pd.DataFrame(rows).T.reindex(columns=district_terms.columns)
    out[REGION] = pd.DataFrame([district_terms.sum(min_count=1)], index=[REGION])
    return out


def commune_sums(commune_terms: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Levels of a communes-layer KPI: the communes as given and the region (their sum)."""
    return {
        "commune": commune_terms.sort_index(),
        REGION: pd.DataFrame([commune_terms.sum(min_count=1)], index=[REGION]),
    }


def kpi_table(kpis: Sequence[Kpi], sums: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Long table (:data:`VALUE_COLUMNS`) of the KPIs at each level they are defined for."""
    frames = []
    for k in kpis:
        for level, table in sums.items():
            if level not in k.levels or (k.id, "numerator") not in table.columns:
                continue
            num = table[(k.id, "numerator")].astype(float)
            den = table[(k.id, "denominator")].astype(float)
            value = kpi_value(num.to_numpy(), den.to_numpy(), k.scale)
            frames.append(
                pd.DataFrame(
                    {
                        "kpi_id": k.id,
                        "level": level,
                        "area_id": table.index.astype(str),
                        "numerator": num.to_numpy(),
                        "denominator": den.to_numpy(),
                        "value": value,
                        "unit": k.unit,
                    }
                )
            )
    if not frames:
        return pd.DataFrame(columns=list(VALUE_COLUMNS))
    return pd.concat(frames, ignore_index=True)


def kpi_value(numerator: np.ndarray, denominator: np.ndarray, scale: float) -> np.ndarray:
    """``scale x N / D`` (``scale x N`` where D is NaN, i.e. no denominator; NaN where D = 0).

    >>> kpi_value(np.array([2.0, 1.0, 3.0]), np.array([4.0, 0.0, np.nan]), 100.0).tolist()
    [50.0, nan, 300.0]
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(np.isnan(denominator), numerator, numerator / denominator)
    ratio = np.where(np.isfinite(ratio), ratio, np.nan)
    return scale * ratio
