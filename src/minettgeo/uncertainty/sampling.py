"""The factor draws of the Monte Carlo and the evaluation of components on them, batch by batch.

Every factor row with ``low < high`` is drawn from the two-piece triangular distribution whose
median is its tabulated value (:mod:`minettgeo.uncertainty.distributions`), so the deterministic
run, which uses the tabulated values, is the central run. One draw of a factor applies to every
building, road and line (its uncertainty is systematic, not independent per feature). The
draws are made and evaluated in batches of :data:`BATCH` so that thousands of draws stay within
memory.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from minettgeo.factors.tables import FactorSet

from .components import Component

BATCH = 250
Array = NDArray[np.float64]


@dataclass(frozen=True)
class Draws:
    """The draws of a simulation, kept so that a recompute re-sums only what changed
    (:mod:`minettgeo.uncertainty.update`): the factor draws ``theta`` (draws x parameters, the
    seeded stream of every batch in order), each component's draws x zones (``sims``, with
    ``basic``) and the heat delivered to the tagged buildings of each zone (``heat``, tag ->
    draws x zones)."""

    theta: Array
    sims: Mapping[str, Array]
    heat: Mapping[str, Array]
    #: names of the components in the BASIC total, in the order they are added
    basic_parts: tuple[str, ...]
    #: the activity grades that are widened (sorted) and their multiplier of every draw (draws x
    #: grades, own random stream); None when the buildings are not widened
    grades: tuple[str, ...] = ()
    grade_factor: Array | None = None
    #: the zones (columns of every draw array) and the seed of the draws
    zones: tuple[str, ...] = ()
    seed: int = 0


def factor_draws(factors: FactorSet, draws: int, seed: int) -> Array:
    """``draws`` seeded draws of every parameter (draws x parameters), in batches of BATCH."""
    if draws < 1:
        raise ValueError("draws must be >= 1")
    rng = np.random.default_rng(seed)
    sizes = [min(BATCH, draws - done) for done in range(0, draws, BATCH)]
    return np.concatenate([factors.draw(n, rng) for n in sizes], axis=0)


def component_draws(
    components: Sequence[Component], theta: Array, heat: Mapping[str, Array]
) -> dict[str, Array]:
    """Each component evaluated on the draws (in batches of BATCH), name -> draws x zones."""
    out: dict[str, Array] = {}
    for component in components:
        parts = []
        for start in range(0, theta.shape[0], BATCH):
            stop = start + BATCH
            part_heat = {t: h[start:stop] for t, h in heat.items()}
            parts.append(component.evaluate(theta[start:stop], part_heat))
        out[component.name] = np.concatenate(parts, axis=0)
    return out


def with_basic(sims: Mapping[str, Array], basic_parts: Sequence[str]) -> dict[str, Array]:
    """``sims`` plus ``basic``, the sum of the BASIC components in the order given."""
    out = {k: v for k, v in sims.items() if k != "basic"}
    out["basic"] = np.sum([out[k] for k in basic_parts], axis=0)
    return out
