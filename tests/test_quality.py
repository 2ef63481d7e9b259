"""Data-quality pieces on hand-computed cases: tables, building grades, multipliers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from minettgeo.layers.codes import GRADED_BUILDING_ATTRIBUTES, GRADES, grade_column
from minettgeo.quality import buildings as qb
from minettgeo.quality.spread import activity_multipliers
from minettgeo.quality.tables import quality_tables
from minettgeo.report.gpc import gpc_rows


def test_quality_tables_have_every_grade_and_a_source() -> None:
    q = quality_tables()
    assert set(q.score) == set(GRADES)
    assert q.score["measured"] > q.score["default"] > q.score["estimated"] >= 0
    for activity in ("buildings", "point_sources"):
        widths = q.half_widths(activity)
        assert widths["measured"] <= widths["default"] <= widths["estimated"] < 1
    assert q.half_widths("buildings")["measured"] == 0.0
    # every row grade names a modelled GPC row
    rows = gpc_rows().set_index("code")
    assert set(q.row_grade) <= set(rows.index)
    assert (rows.loc[list(q.row_grade), "default_key"] == "").all()
    # levels: all measured -> H, all default -> M, all estimated -> L
    levels = q.level_of(np.array([1.0, 0.5, 0.25, np.nan]))
    assert levels.tolist() == ["H", "M", "L", ""]


def test_building_grade_columns_by_hand() -> None:
    """Building 1: floors and dwellings estimated, height default, others measured:
    e = 2/7, s = (2 x 0.25 + 0.5 + 4 x 1) / 7 = 5/7; activity grade estimated (dwellings).
    Building 2: no grade columns at all -> measured: e = 0, s = 1."""
    frame = pd.DataFrame({"heated_area_m2": [700.0, 300.0]})
    for attr in GRADED_BUILDING_ATTRIBUTES:
        frame[grade_column(attr)] = ["measured", "measured"]
    frame.loc[0, ["floors_grade", "dwellings_grade"]] = "estimated"
    frame.loc[0, "height_m_grade"] = "default"
    out = qb.with_quality_columns(frame, quality_tables().score)
    assert out["estimated_attribute_share"].tolist() == pytest.approx([2 / 7, 0.0])
    assert out["data_quality_score"].tolist() == pytest.approx([5 / 7, 1.0])
    assert out["activity_grade"].tolist() == ["estimated", "measured"]
    assert out["estimated_area_m2"].tolist() == pytest.approx([200.0, 0.0])
    # share over both: 200 / 1,000
    share = qb.estimated_share(
        np.array([out["estimated_area_m2"].sum(), 0.0]),
        np.array([out["graded_area_m2"].sum(), 0.0]),
    )
    assert share[0] == pytest.approx(0.2) and np.isnan(share[1])
    bare = qb.with_quality_columns(pd.DataFrame({"heated_area_m2": [10.0]}), quality_tables().score)
    assert bare["activity_grade"].tolist() == ["measured"]
    # a height graded estimated alone does not touch the activity grade (the model reads area)
    frame.loc[1, "height_m_grade"] = "estimated"
    assert qb.with_quality_columns(frame, quality_tables().score)["activity_grade"][1] == "measured"


def test_activity_multipliers_follow_the_two_piece_triangle() -> None:
    """w = 0.3: median 1, range [0.7, 1.3], F(0.85) = 0.5 x ((0.85 - 0.7) / 0.3)^2 = 0.125;
    w = 0: exactly 1."""
    m = activity_multipliers(40_000, [0.3, 0.0], np.random.default_rng(1))
    assert m.shape == (40_000, 2)
    assert (m[:, 1] == 1.0).all()
    assert m[:, 0].min() >= 0.7 and m[:, 0].max() <= 1.3
    assert np.median(m[:, 0]) == pytest.approx(1.0, abs=0.01)
    assert (m[:, 0] < 0.85).mean() == pytest.approx(0.125, abs=0.01)
