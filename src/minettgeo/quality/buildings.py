"""Grades of each building's activity data, and the columns that carry them up the levels.

Per building ``b`` with heated floor area ``A_b`` (m2) and the grades of its seven graded
attributes (``codes.GRADED_BUILDING_ATTRIBUTES``; an absent grade column is ``measured``)::

    e_b     = (number of graded attributes graded 'estimated') / 7      estimated share, 0-1
    s_b     = mean over the seven attributes of score(grade)            quality score, 0-1
    g_b     = worst grade of the attributes the energy model uses       activity grade
              (heated_area_m2, construction_period, renovation_state, heating_carrier, dwellings)
    graded_area_m2    = A_b
    estimated_area_m2 = A_b x e_b

Both areas add up across levels, so at every level (parcel, district, commune, region)::

    estimated_share = sum(A_b x e_b) / sum(A_b)        floor-area weighted; NaN without buildings

and the region's share is the sum over the communes of their weights, divided by theirs.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from minettgeo.layers.codes import GRADE_WHEN_ABSENT, GRADED_BUILDING_ATTRIBUTES, grade_column

#: attributes the building model (models/buildings.py) reads: their worst grade is the grade
#: of the building's activity data in the Monte Carlo
ACTIVITY_ATTRIBUTES = (
    "heated_area_m2",
    "construction_period",
    "renovation_state",
    "heating_carrier",
    "dwellings",
)
#: grades from best to worst
GRADE_ORDER = ("measured", "default", "estimated")
#: the level columns that add up (weights) and the share computed from them
QUALITY_SUMS = ("graded_area_m2", "estimated_area_m2")
SHARE = "estimated_share"


def attribute_grades(buildings: pd.DataFrame) -> pd.DataFrame:
    """The grade of every graded attribute (columns = attributes), ``measured`` where the
    layer has no grade column (the documented meaning of an absent column)."""
    return pd.DataFrame(
        {
            attr: (
                buildings[grade_column(attr)].to_numpy(dtype=object)
                if grade_column(attr) in buildings
                else np.full(len(buildings), GRADE_WHEN_ABSENT, dtype=object)
            )
            for attr in GRADED_BUILDING_ATTRIBUTES
        },
        index=buildings.index,
    )


def grade_codes(grades: pd.DataFrame) -> np.ndarray:
    """buildings x attributes matrix of grade positions in :data:`GRADE_ORDER` (0 measured,
    1 default, 2 estimated)."""
    return np.column_stack(
        [pd.Categorical(grades[c], categories=GRADE_ORDER).codes for c in grades.columns]
    ).astype(np.int64)


def estimated_attribute_share(grades: pd.DataFrame) -> pd.Series:
    """``e_b``: share of a building's graded attributes graded ``estimated`` (0-1)."""
    codes = grade_codes(grades)
    return pd.Series((codes == 2).sum(axis=1) / codes.shape[1], index=grades.index)


def quality_score(grades: pd.DataFrame, score: Mapping[str, float]) -> pd.Series:
    """``s_b``: mean score of a building's graded attributes (quality/data/grades.csv)."""
    table = np.array([score[g] for g in GRADE_ORDER], dtype=float)
    return pd.Series(table[grade_codes(grades)].mean(axis=1), index=grades.index)


def activity_grade(grades: pd.DataFrame) -> pd.Series:
    """``g_b``: the worst grade among :data:`ACTIVITY_ATTRIBUTES`."""
    worst = grade_codes(grades[list(ACTIVITY_ATTRIBUTES)]).max(axis=1)
    return pd.Series(np.array(GRADE_ORDER, dtype=object)[worst], index=grades.index)


def with_quality_columns(buildings: pd.DataFrame, score: Mapping[str, float]) -> pd.DataFrame:
    """The buildings with ``estimated_attribute_share``, ``data_quality_score``,
    ``activity_grade``, ``graded_area_m2`` and ``estimated_area_m2`` (module docstring)."""
    codes = grade_codes(attribute_grades(buildings))
    share = (codes == 2).sum(axis=1) / codes.shape[1]
    table = np.array([score[g] for g in GRADE_ORDER], dtype=float)
    used = [GRADED_BUILDING_ATTRIBUTES.index(a) for a in ACTIVITY_ATTRIBUTES]
    area = buildings["heated_area_m2"].to_numpy(dtype=float)
    return buildings.assign(
        estimated_attribute_share=share,
        data_quality_score=table[codes].mean(axis=1),
        activity_grade=np.array(GRADE_ORDER, dtype=object)[codes[:, used].max(axis=1)],
        graded_area_m2=area,
        estimated_area_m2=area * share,
    )


def estimated_share(estimated_area: np.ndarray, graded_area: np.ndarray) -> np.ndarray:
    """``sum(A x e) / sum(A)`` at one level; NaN where there is no graded floor area."""
    est = np.asarray(estimated_area, dtype=float)
    area = np.asarray(graded_area, dtype=float)
    return np.divide(est, area, out=np.full(len(est), np.nan), where=area > 0)
