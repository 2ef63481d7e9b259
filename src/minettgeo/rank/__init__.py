"""Ranking candidate test districts ("quartiers test") for 2028.

candidates (districts, a user's polygons, generated parcel groups) -> criteria from the run's
results -> MCDA methods (weighted sum, TOPSIS, PROMETHEE II) -> robustness (weight and emission
draws) -> explanation (FR/EN) -> constraints and portfolio (MILP). See ``docs/ranking.md``.
"""
