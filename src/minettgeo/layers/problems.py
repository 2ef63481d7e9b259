"""The problems found in a layer and the report that lists them: kind, severity (error, warning,
repaired), column, the ids of the features concerned, and the one-line text shown to the user."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np

from minettgeo.console import terminal_safe
from minettgeo.errors import LayerValidationError
from minettgeo.layers.contract_types import LayerContract

MAX_IDS_SHOWN = 10


@dataclass(frozen=True)
class Problem:
    """One problem of a layer: what kind, where (column, features) and what to do.

    ``repaired`` problems were fixed on load and are reported for the record; ``warning``
    problems are implausible but possible values, used as given; the others refuse the layer.
    """

    layer: str
    kind: str
    message: str
    column: str | None = None
    feature_ids: tuple[str, ...] = ()
    n_features: int = 0
    repaired: bool = False
    warning: bool = False

    @property
    def severity(self) -> str:
        """'error', 'warning' or 'repaired'."""
        return "repaired" if self.repaired else "warning" if self.warning else "error"

    def describe(self) -> str:
        """One line; ids, codes and names from the layer are escaped for the terminal."""
        where = f"column '{self.column}': " if self.column else ""
        text = f"[{self.severity}: {self.kind}] {self.layer}: {where}{terminal_safe(self.message, inline=True)}"
        if self.feature_ids:
            shown = ", ".join(
                terminal_safe(i, inline=True) for i in self.feature_ids[:MAX_IDS_SHOWN]
            )
            more = self.n_features - min(len(self.feature_ids), MAX_IDS_SHOWN)
            text += f" (features: {shown}{f' and {more} more' if more > 0 else ''})"
        return text


@dataclass
class ValidationReport:
    """All problems found in one layer."""

    layer: str
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.warning]

    @property
    def repairs(self) -> list[Problem]:
        return [p for p in self.problems if p.repaired]

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(
        self,
        kind: str,
        message: str,
        *,
        column: str | None = None,
        ids: Iterable[object] = (),
        repaired: bool = False,
        warning: bool = False,
    ) -> None:
        id_list = [str(i) for i in ids]
        self.problems.append(
            Problem(
                self.layer,
                kind,
                message,
                column=column,
                feature_ids=tuple(id_list[:MAX_IDS_SHOWN]),
                n_features=len(id_list),
                repaired=repaired,
                warning=warning,
            )
        )

    def raise_if_errors(self) -> None:
        if self.errors:
            raise LayerValidationError(self.layer, self.errors)


def feature_ids(gdf: gpd.GeoDataFrame, contract: LayerContract, mask: np.ndarray) -> list[str]:
    """Ids of the masked features: the id column when present, else 'row N'."""
    if contract.id_column in gdf.columns:
        return [str(v) for v in gdf.loc[mask, contract.id_column]]
    return [f"row {i}" for i in np.flatnonzero(mask)]
