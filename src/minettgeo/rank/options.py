"""What a ranking depends on (:class:`RankOptions`, checked and recorded with its outputs) and
what it gives (:class:`Ranking`: the ranked candidates table and what produced it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np

from minettgeo.errors import ParameterError
from minettgeo.models.residents import MIN_RESIDENTS
from minettgeo.rank.methods import check_method
from minettgeo.rank.robustness import CONCENTRATION
from minettgeo.rank.tables import preset_weights


@dataclass(frozen=True)
class RankOptions:
    """Everything a ranking depends on (recorded with its outputs)."""

    weights: dict[str, float] | None = None
    preset: str | None = None
    method: str = "topsis"
    candidates: str = "districts"  # districts | generated | a file path
    top: int = 3
    draws: int = 1000
    seed: int = 2028
    concentration: float = CONCENTRATION
    min_residents: float = MIN_RESIDENTS
    residents_min: float | None = None
    residents_max: float | None = None
    max_per_commune: int | None = None
    exclude: Path | None = None
    exclude_parcels: tuple[str, ...] = ()
    cost: tuple[str, ...] = ()

    def check(self) -> None:
        check_method(self.method)
        if self.weights is not None and self.preset is not None:
            raise ParameterError("--weights and --preset: give one of them, not both")
        if self.top < 1:
            raise ParameterError(f"--top must be >= 1, got {self.top}")
        if not 10 <= self.draws <= 100_000:
            raise ParameterError(f"--draws must be between 10 and 100000, got {self.draws}")
        if self.max_per_commune is not None and self.max_per_commune < 1:
            raise ParameterError(f"--max-per-commune must be >= 1, got {self.max_per_commune}")
        if not (np.isfinite(self.min_residents) and self.min_residents >= 0):
            raise ParameterError(f"--min-residents must be >= 0, got {self.min_residents}")

    def chosen_weights(self) -> dict[str, float]:
        if self.weights is not None:
            return dict(self.weights)
        return preset_weights(self.preset or "balanced")

    def record(self) -> dict[str, object]:
        return {
            k: (str(v) if isinstance(v, Path) else list(v) if isinstance(v, tuple) else v)
            for k, v in self.__dict__.items()
        }


@dataclass
class Ranking:
    """The ranked candidates (GeoDataFrame: criteria, score, rank, robustness, explanation,
    portfolio), the methods' agreement and what produced them."""

    table: gpd.GeoDataFrame
    criteria: list[str]
    weights: dict[str, float]
    agreement: list[dict[str, object]]
    options: RankOptions
    run_id: str
    repairs: tuple[str, ...] = ()
    extra: dict[str, object] = field(default_factory=dict)
