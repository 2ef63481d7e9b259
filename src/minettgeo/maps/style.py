"""Classes and colours of the choropleths (vectorised; ColorBrewer sequential schemes).

The colour lists are ColorBrewer 2.0 sequential schemes by Cynthia Brewer (Apache-2.0),
5 classes each; :func:`quantile_classes` gives class breaks, :func:`class_colors` the colour of
every value (``NO_DATA`` where the value is missing or hidden).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

#: ColorBrewer 2.0, 5-class sequential schemes (colorbrewer2.org, Apache-2.0)
SCHEMES: dict[str, tuple[str, ...]] = {
    "YlOrRd": ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"),
    "OrRd": ("#fef0d9", "#fdcc8a", "#fc8d59", "#e34a33", "#b30000"),
    "Greens": ("#edf8e9", "#bae4b3", "#74c476", "#31a354", "#006d2c"),
    "BuGn": ("#edf8fb", "#b2e2e2", "#66c2a4", "#2ca25f", "#006d2c"),
    "Purples": ("#f2f0f7", "#cbc9e2", "#9e9ac8", "#756bb1", "#54278f"),
    "YlOrBr": ("#ffffd4", "#fed98e", "#fe9929", "#d95f0e", "#993404"),
}
NO_DATA = "#d9d9d9"


@dataclass(frozen=True)
class Classes:
    """Class breaks ``edges`` (n + 1 values, ascending) and one colour per class."""

    edges: NDArray[np.float64]
    colors: tuple[str, ...]

    def labels(self, digits: int) -> list[str]:
        """``"a - b"`` for every class, numbers rounded to ``digits`` decimals."""
        fmt = f"{{:,.{digits}f}}"
        e = self.edges
        return [f"{fmt.format(e[i])} – {fmt.format(e[i + 1])}" for i in range(len(self.colors))]


def quantile_classes(values: ArrayLike, scheme: str, n: int = 5) -> Classes:
    """Quantile breaks of the finite ``values`` (duplicate breaks merged; one class when all are
    equal or none is finite).

    >>> quantile_classes([0, 1, 2, 3, 4], "Greens", 4).edges.tolist()
    [0.0, 1.0, 2.0, 3.0, 4.0]
    """
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    palette = SCHEMES[scheme]
    if v.size == 0:
        return Classes(np.array([0.0, 0.0]), palette[-1:])
    edges = np.unique(np.quantile(v, np.linspace(0.0, 1.0, n + 1)))
    if edges.size < 2:
        return Classes(np.array([edges[0], edges[0]]), palette[-1:])
    k = edges.size - 1
    # spread the k classes over the palette so that few classes still span light to dark
    pick = np.round(np.linspace(0, len(palette) - 1, k)).astype(int) if k > 1 else np.array([-1])
    return Classes(edges.astype(float), tuple(palette[i] for i in pick))


def class_colors(values: ArrayLike, classes: Classes) -> NDArray[np.str_]:
    """The colour of each value's class (values outside the edges take the nearest class;
    NaN takes ``NO_DATA``)."""
    v = np.asarray(values, dtype=float)
    inner = classes.edges[1:-1]
    idx = np.searchsorted(inner, v, side="right")
    colors = np.asarray(classes.colors, dtype=object)[np.clip(idx, 0, len(classes.colors) - 1)]
    return np.where(np.isfinite(v), colors, NO_DATA).astype(str)
