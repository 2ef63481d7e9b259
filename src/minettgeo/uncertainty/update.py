"""Monte Carlo draws of a base run updated for changed buildings only.

Every emission component of :mod:`minettgeo.uncertainty.montecarlo` is linear in the activity
of the buildings for fixed factor draws: the stationary draws of zone ``z`` are

    S_z(theta) = sum_g f(theta, key_g) x (A_g, B_g)          (g: groups of buildings in z)

with ``f`` the building formula per unit of floor area ``A`` and electricity basis ``B`` for the
factor indices ``key_g`` of the group, and the heat delivered to a plant's buildings is linear
in the same way. With the same seed the factor draws ``theta`` are the same, so after removing
the rows ``R`` and adding the rows ``N`` (a modified building is removed as it was and added as
it is)::

    S_z'(theta) = S_z(theta) - sum_{r in R} f(theta, key_r) x (A_r, B_r)
                             + sum_{n in N} f(theta, key_n) x (A_n, B_n)

With graded activity data each group's term is also multiplied by its grade's multiplier
``m_grade(draw)``, drawn once per run from its own stream and kept with the draws, so the update
stays linear (a changed building is taken away with its old grade and added with its new one).

This is what a full run on the changed buildings computes, to rounding (about 1e-15 of the
zone's total). The components that do not depend on buildings (road transport with its
traffic-grade multipliers, waste, EV charging, wastewater, railways) are reused as drawn; the
components that depend on the delivered heat (district-heat plants) are evaluated again on the
updated heat.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from minettgeo.models.buildings import BuildingActivity

from .building_groups import building_draws, group_buildings
from .components import Component
from .grades import group_multipliers
from .sampling import Draws, component_draws, with_basic


def activity_rows(activity: BuildingActivity, positions: NDArray[np.intp]) -> BuildingActivity:
    """The activity of the rows at ``positions`` (in that order)."""
    return BuildingActivity(
        heated_area_m2=activity.heated_area_m2[positions],
        electricity_basis=activity.electricity_basis[positions],
        heated=activity.heated[positions],
        biogenic=activity.biogenic[positions],
        index={name: idx[positions] for name, idx in activity.index.items()},
    )


def stacked_activity(parts: Sequence[BuildingActivity], signs: Sequence[float]) -> BuildingActivity:
    """The rows of ``parts`` one after the other, floor area and electricity basis multiplied by
    the part's sign (-1: rows taken away, +1: rows added)."""
    names = list(parts[0].index)
    return BuildingActivity(
        heated_area_m2=np.concatenate(
            [p.heated_area_m2 * s for p, s in zip(parts, signs, strict=True)]
        ),
        electricity_basis=np.concatenate(
            [p.electricity_basis * s for p, s in zip(parts, signs, strict=True)]
        ),
        heated=np.concatenate([p.heated for p in parts]),
        biogenic=np.concatenate([p.biogenic for p in parts]),
        index={name: np.concatenate([p.index[name] for p in parts]) for name in names},
    )


def updated_draws(
    base: Draws,
    removed: BuildingActivity,
    removed_zone: NDArray[np.object_],
    removed_tag: NDArray[np.object_],
    added: BuildingActivity,
    added_zone: NDArray[np.object_],
    added_tag: NDArray[np.object_],
    zones: Sequence[str],
    heat_components: Sequence[Component] = (),
    removed_grade: NDArray[np.object_] | None = None,
    added_grade: NDArray[np.object_] | None = None,
) -> Draws:
    """``base`` after taking the buildings ``removed`` away and adding ``added`` (module
    docstring); ``heat_components`` (e.g. the district-heat plants) are evaluated again on the
    updated delivered heat, every other component is kept as drawn. With grade multipliers in
    ``base`` the grades of the removed and added rows are required, each one of ``base.grades``
    (KeyError otherwise: the caller then draws again)."""
    delta = stacked_activity([removed, added], [-1.0, 1.0])
    grade = None
    if base.grade_factor is not None:
        if removed_grade is None or added_grade is None:
            raise KeyError("the grades of the changed buildings are needed")
        grade = np.concatenate([removed_grade, added_grade]).astype(object)
    grouped, group_zone, group_tag, group_grade = group_buildings(
        delta,
        np.concatenate([removed_zone, added_zone]).astype(object),
        np.concatenate([removed_tag, added_tag]).astype(object),
        grade,
    )
    multiplier = group_multipliers(base.grade_factor, base.grades, group_grade)
    stationary, heat_delta = building_draws(
        grouped, group_zone, group_tag, zones, base.theta, multiplier
    )
    heat = dict(base.heat)
    for tag, values in heat_delta.items():
        heat[tag] = heat[tag] + values if tag in heat else values
    sims = dict(base.sims)
    sims["stationary"] = sims["stationary"] + stationary
    sims.update(component_draws(heat_components, base.theta, heat))
    return dataclasses.replace(base, sims=with_basic(sims, base.basic_parts), heat=heat)
