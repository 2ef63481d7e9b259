"""Grades of the road and rail activity data, and the road columns that carry them up the levels.

Per road segment ``r`` with vehicle-km ``V_r`` (vkm/a, all classes) and traffic grade
``g_r = aadt_grade`` (an absent column is ``measured``; the speed enters no emission formula, so
``speed_kmh_grade`` is reported but not used)::

    activity_grade     = g_r
    data_quality_score = score(g_r)                      quality/data/grades.csv
    estimated_vkm_a    = V_r if g_r is 'estimated' else 0

``estimated_vkm_a`` adds up like ``vkm_a`` (by length share into the districts, then communes
and region), so at every level::

    road_estimated_share = sum(estimated_vkm_a) / sum(vkm_a)       vehicle-km weighted, 0-1;
                                                                   NaN without vehicle-km

Per railway line the activity grade is ``traction_grade`` (absent = ``measured``): the line
length is the geometry's own, the train-km per line-km a factor with its own range.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from minettgeo.layers.codes import (
    GRADE_WHEN_ABSENT,
    GRADED_RAIL_ATTRIBUTES,
    ROAD_ACTIVITY_ATTRIBUTE,
    grade_column,
)

#: the road result columns added here; ``estimated_vkm_a`` is summed across levels
ROAD_QUALITY_COLUMNS = ("activity_grade", "data_quality_score", "estimated_vkm_a")
ROAD_SHARE = "road_estimated_share"


def column_grade(frame: pd.DataFrame, attribute: str) -> pd.Series:
    """The grade of ``attribute`` on every row: its grade column, ``measured`` when the layer
    has none (the documented meaning of an absent column)."""
    col = grade_column(attribute)
    if col in frame:
        return pd.Series(frame[col].to_numpy(dtype=object), index=frame.index)
    return pd.Series(GRADE_WHEN_ABSENT, index=frame.index, dtype=object)


def road_grade(roads: pd.DataFrame) -> pd.Series:
    """``g_r``: the grade of each segment's traffic (``aadt_grade``)."""
    return column_grade(roads, ROAD_ACTIVITY_ATTRIBUTE)


def rail_grade(rail: pd.DataFrame) -> pd.Series:
    """The activity grade of each railway line (``traction_grade``)."""
    return column_grade(rail, GRADED_RAIL_ATTRIBUTES[0])


def road_quality_columns(
    roads: pd.DataFrame, vkm_a: np.ndarray, score: Mapping[str, float]
) -> pd.DataFrame:
    """``activity_grade``, ``data_quality_score`` and ``estimated_vkm_a`` of every segment
    (module docstring), aligned with ``roads``; ``vkm_a``: its vehicle-km per year."""
    grade = road_grade(roads)
    vkm = np.asarray(vkm_a, dtype=float)
    return pd.DataFrame(
        {
            "activity_grade": grade.to_numpy(dtype=object),
            "data_quality_score": grade.map(score).to_numpy(dtype=float),
            "estimated_vkm_a": np.where(grade.to_numpy() == "estimated", vkm, 0.0),
        },
        index=roads.index,
    )


def road_estimated_share(estimated_vkm: np.ndarray, vkm: np.ndarray) -> np.ndarray:
    """``sum(estimated_vkm_a) / sum(vkm_a)`` at one level; NaN where there is no vehicle-km."""
    est = np.asarray(estimated_vkm, dtype=float)
    total = np.asarray(vkm, dtype=float)
    return np.divide(est, total, out=np.full(len(est), np.nan), where=total > 0)
