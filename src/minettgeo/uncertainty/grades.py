"""Grade multipliers of the activity data in the Monte Carlo (docs/data-quality.md).

The activity data of grade ``g`` is multiplied in each draw by ``m_g`` (median 1, range
``[1 - w_g, 1 + w_g]``, :mod:`minettgeo.quality.spread`): buildings and road segments by one
multiplier per grade and draw (systematic: a fill-in rule errs alike on every value it fills),
point sources by one multiplier per facility and draw (separate reports). Each kind of activity
has its own random stream, so the factor draws do not change.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from minettgeo.quality.spread import STREAM_POINT_SOURCES, activity_multipliers, grade_stream

from .components import Component, membership

Array = NDArray[np.float64]


def grade_factors(
    spread: Mapping[str, float] | None,
    group_grade: NDArray[np.object_] | None,
    draws: int,
    seed: int,
    stream: int,
) -> tuple[tuple[str, ...], Array | None]:
    """The widened grades (sorted) and their multiplier of every draw (draws x grades) from the
    stream ``stream`` of ``seed``; ``((), None)`` (no widening) unless every group's grade has a
    half-width in ``spread``. Drawn for all draws at once (the same numbers as batch by batch:
    consecutive uniforms of one generator)."""
    grades = tuple(sorted(spread or {}))
    if not grades or group_grade is None or not pd.Series(group_grade).isin(grades).all():
        return (), None
    widths = [float((spread or {})[g]) for g in grades]
    return grades, activity_multipliers(draws, widths, grade_stream(seed, stream))


def stream_multipliers(
    spread: Mapping[str, float] | None,
    row_grade: NDArray[np.object_] | None,
    seed: int,
    stream: int,
) -> Callable[[int], Array] | None:
    """The multipliers of :func:`grade_factors` for rows of these grades, handed out batch by
    batch (``n`` draws x rows per call, consecutive uniforms of one generator): the same numbers
    as :func:`grade_factors` with the same seed and stream, so a component evaluated per batch
    (e.g. EV charging on the roads' car-km) shares the roads' multipliers draw by draw. None
    (no widening) unless every row's grade has a half-width."""
    grades = tuple(sorted(spread or {}))
    if not grades or row_grade is None or not pd.Series(row_grade).isin(grades).all():
        return None
    widths = [float((spread or {})[g]) for g in grades]
    col = {g: i for i, g in enumerate(grades)}
    at = np.array([col[g] for g in row_grade], dtype=np.int64)
    rng = grade_stream(seed, stream)

    def next_draws(n: int) -> Array:
        return activity_multipliers(n, widths, rng)[:, at]

    return next_draws


def group_multipliers(
    grade_factor: Array | None, grades: Sequence[str], group_grade: NDArray[np.object_]
) -> Array | None:
    """The multiplier of every draw for each group (draws x groups) from its grade's column of
    ``grade_factor``; None without multipliers. Raises KeyError for a grade not in ``grades``."""
    if grade_factor is None:
        return None
    col = {g: i for i, g in enumerate(grades)}
    at = np.array([col[g] for g in group_grade], dtype=np.int64)  # groups, not buildings
    return grade_factor[:, at]


def point_source_component(
    name: str,
    tonnes: Array,
    half_width: Array,
    row_commune: Sequence[str],
    communes: Sequence[str],
    seed: int,
    *,
    basic: bool,
) -> Component:
    """Reported tonnes of point sources (one entry each; t CO2e/a) x one multiplier per facility
    and draw (median 1, ``half_width`` by the facility's grade), summed per commune."""
    member = membership(row_commune, communes)
    rng = grade_stream(seed, STREAM_POINT_SOURCES + (0 if basic else 1))
    t = np.asarray(tonnes, dtype=float)

    def evaluate(theta: Array, _heat: Mapping[str, Array]) -> Array:
        factor = activity_multipliers(theta.shape[0], half_width, rng)
        return (factor * t[None, :]) @ member

    return Component(name, evaluate, basic=basic)
