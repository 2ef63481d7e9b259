"""The parameters of a ranking asked for through the API (light: no computation imported)."""

from __future__ import annotations

from dataclasses import astuple, dataclass
from typing import Literal


@dataclass(frozen=True)
class RankingQuery:
    """The parameters of ``GET /ranking``; its defaults are the ranking the API serves without
    parameters (computed in the background when the server opens a run)."""

    preset: str | None = None
    weights: str | None = None
    method: Literal["topsis", "ws", "promethee"] = "topsis"
    candidates: Literal["districts", "generated"] = "districts"
    top: int = 3
    draws: int = 200
    seed: int = 2028

    def key(self) -> tuple[object, ...]:
        """The parameters as a tuple (a cache key, with the run id)."""
        return astuple(self)


#: the ranking served by ``GET /ranking`` without parameters
DEFAULT_QUERY = RankingQuery()
