"""The data-quality tables (``quality/data/*.csv``), each with its unit and source.

grades.csv           grade -> score (BISKO-style weight, 0-1)
activity_spread.csv  (activity, grade) -> half-width of the activity-data multiplier; activities
                     ``buildings``, ``point_sources``, ``roads``, ``rail``, each with every grade
quality_levels.csv   H / M / L -> lowest score of the level (GPC data quality)
gpc_row_grades.csv   grade of the activity data of GPC rows without graded inputs
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources

import numpy as np
import pandas as pd

from minettgeo.errors import FactorError
from minettgeo.layers.codes import GRADE_WHEN_ABSENT, GRADES

DATA = resources.files("minettgeo.quality") / "data"


def _read(name: str) -> pd.DataFrame:
    with resources.as_file(DATA / name) as path:
        return pd.read_csv(path, dtype={"grade": str, "code": str, "level": str})


def _check_complete(spread: pd.DataFrame, name: str) -> None:
    """FactorError naming the activity unless every activity has exactly one row per grade
    (a missing grade would leave the activity unwidened without a word)."""
    counts = spread.groupby(["activity", "grade"]).size()
    for activity in sorted(set(spread["activity"].astype(str))):
        have = {g: int(counts.get((activity, g), 0)) for g in GRADES}
        bad = [g for g, n in have.items() if n != 1]
        if bad:
            raise FactorError(
                f"quality/data/{name}: activity '{activity}' needs exactly one row per grade; "
                f"grade(s) {bad} missing or repeated"
            )


def _check(frame: pd.DataFrame, name: str, numeric: tuple[str, ...]) -> None:
    """FactorError naming the table and column: unknown grade, non-finite or negative number."""
    if "grade" in frame and not frame["grade"].isin(list(GRADES)).all():
        bad = sorted(set(frame["grade"]) - set(GRADES))
        raise FactorError(f"quality/data/{name}: column 'grade': unknown grade(s) {bad}")
    for col in numeric:
        values = pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype=float)
        if not np.isfinite(values).all() or (values < 0).any():
            raise FactorError(
                f"quality/data/{name}: column '{col}': values must be finite numbers >= 0"
            )


@dataclass(frozen=True)
class QualityTables:
    """Scores by grade, activity spreads by (activity, grade), levels and row grades."""

    score: Mapping[str, float]
    spread: Mapping[tuple[str, str], float]
    #: (level, lowest score), highest level first
    levels: tuple[tuple[str, float], ...]
    row_grade: Mapping[str, str]

    def half_widths(self, activity: str) -> dict[str, float]:
        """grade -> half-width of the activity-data multiplier of ``activity``."""
        return {g: self.spread[(activity, g)] for g in GRADES}

    def level_of(self, score: np.ndarray) -> np.ndarray:
        """H / M / L of each score (``""`` where the score is NaN)."""
        out = np.full(len(score), "", dtype=object)
        done = np.isnan(score)
        for level, lowest in self.levels:
            hit = ~done & (score >= lowest - 1e-12)
            out[hit] = level
            done |= hit
        return out


def quality_tables() -> QualityTables:
    """The shipped quality tables, checked."""
    grades = _read("grades.csv")
    _check(grades, "grades.csv", ("score",))
    spread = _read("activity_spread.csv")
    _check(spread, "activity_spread.csv", ("half_width",))
    _check_complete(spread, "activity_spread.csv")
    levels = _read("quality_levels.csv")
    _check(levels, "quality_levels.csv", ("min_score",))
    rows = _read("gpc_row_grades.csv")
    _check(rows, "gpc_row_grades.csv", ())
    if (spread["half_width"] >= 1.0).any():
        raise FactorError("quality/data/activity_spread.csv: column 'half_width' must be < 1")
    ordered = levels.sort_values("min_score", ascending=False)
    return QualityTables(
        score=dict(zip(grades["grade"], grades["score"].astype(float), strict=True)),
        spread={
            (str(a), str(g)): float(w)
            for a, g, w in spread[["activity", "grade", "half_width"]].itertuples(index=False)
        },
        levels=tuple(
            (str(lv), float(s)) for lv, s in ordered[["level", "min_score"]].itertuples(index=False)
        ),
        row_grade=dict(zip(rows["code"], rows["grade"], strict=True)),
    )


QUALITY_FILES = ("grades.csv", "activity_spread.csv", "quality_levels.csv", "gpc_row_grades.csv")


def quality_provenance() -> dict[str, object]:
    """The quality tables a run used and their SHA-256 (recorded in the run's provenance)."""
    hashes = {}
    for name in QUALITY_FILES:
        with resources.as_file(DATA / name) as path:
            hashes[name] = hashlib.sha256(path.read_bytes()).hexdigest()
    return {
        "tables": "minettgeo quality/data",
        "sha256": hashes,
        "grade_when_absent": GRADE_WHEN_ABSENT,
        "monte_carlo": "activity multipliers: two-piece triangular(1 - w, 1, 1 + w) by grade",
    }
