"""Where the maps read result layers from: the engine's results reader.

The map builders take GeoDataFrames; the pages module asks a :class:`ResultSource` for them.
The engine's :class:`minettgeo.results.reader.Results` is the one shipped (it has ``run_id``,
``run_dir``, ``provenance``, ``layer_names``, ``info``, ``layer`` and ``raster_path``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import geopandas as gpd

from minettgeo.results.reader import open_results


class ResultSource(Protocol):
    """What a map page needs from a result set (satisfied by the engine's ``Results``)."""

    @property
    def run_id(self) -> str: ...

    @property
    def run_dir(self) -> Path: ...

    @property
    def provenance(self) -> dict[str, Any]: ...

    @property
    def layer_names(self) -> tuple[str, ...]: ...

    def info(self, name: str) -> Any: ...

    def layer(
        self, name: str, *, district: str | None = None, columns: Sequence[str] | None = None
    ) -> gpd.GeoDataFrame: ...

    def raster_path(self, name: str) -> Path: ...


def open_source(path: Path) -> ResultSource:
    """The result set in ``path`` (a results directory whose ``current`` link is followed, or a
    run folder), through the engine's reader."""
    return open_results(Path(path))
