"""Drawing categories from share tables, vectorised per group."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray


def draw_from_mixtures(
    rng: np.random.Generator,
    keys: NDArray[np.object_] | NDArray[np.str_],
    mixtures: Mapping[Any, Mapping[Any, float]],
    default: str | None = None,
) -> NDArray[np.object_]:
    """For each row, draw a category from the mixture of its key (shares need not sum to 1).

    Rows whose key has no mixture (or an empty one) get ``default``. One uniform draw per row,
    always consumed, so the result for a row does not depend on the other rows' keys.
    """
    keys = np.asarray(keys, dtype=object)
    u = rng.random(len(keys))
    out = np.full(len(keys), default, dtype=object)
    for key, mix in mixtures.items():
        if not mix:
            continue
        sel = keys == key
        if not sel.any():
            continue
        names = np.array(list(mix), dtype=object)
        edges = np.cumsum(np.fromiter(mix.values(), dtype=float))
        pick = np.searchsorted(edges, u[sel] * edges[-1], side="right")
        out[sel] = names[np.minimum(pick, len(names) - 1)]
    return out
