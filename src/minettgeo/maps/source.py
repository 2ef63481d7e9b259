"""Where the maps read result layers from: the engine's results reader.

The map builders take GeoDataFrames; the pages module asks a :class:`ResultSource` for them. The
engine's :class:`minettgeo.results.reader.Results` is one (it has ``run_id``, ``run_dir``,
``layer_names``, ``layer`` and ``raster_path``); :func:`open_source` returns it, and falls back to
a plain reading of ``minettgeo.gpkg`` while the reader is not installed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import geopandas as gpd
import pyogrio

from minettgeo.errors import NotFoundError

RESULTS_FILE = "minettgeo.gpkg"
RASTER_FILES = {
    "heat_density": "heat_density.tif",
    "carbon_stock": "carbon_stock.tif",
    "sink_potential": "sink_potential.tif",
}


class ResultSource(Protocol):
    """What a map page needs from a result set (satisfied by the engine's ``Results``)."""

    @property
    def run_id(self) -> str: ...

    @property
    def run_dir(self) -> Path: ...

    @property
    def layer_names(self) -> tuple[str, ...] | list[str]: ...

    def layer(
        self, name: str, *, district: str | None = None, columns: Sequence[str] | None = None
    ) -> gpd.GeoDataFrame: ...

    def raster_path(self, name: str) -> Path: ...


@dataclass(frozen=True)
class GpkgSource:
    """A run folder read directly (``minettgeo.gpkg`` and the COGs beside it)."""

    run_dir: Path
    run_id: str
    layer_names: tuple[str, ...] = field(default=())

    def layer(
        self, name: str, *, district: str | None = None, columns: Sequence[str] | None = None
    ) -> gpd.GeoDataFrame:
        if name not in self.layer_names:
            raise NotFoundError(f"layer '{name}' is not in run {self.run_id}")
        where = None
        if district is not None:
            where = "district_id = '{}'".format(str(district).replace("'", "''"))
        return pyogrio.read_dataframe(
            self.run_dir / RESULTS_FILE, layer=name, where=where, columns=columns
        )

    def raster_path(self, name: str) -> Path:
        if name not in RASTER_FILES or not (self.run_dir / RASTER_FILES[name]).exists():
            raise NotFoundError(f"raster '{name}' is not in run {self.run_id}")
        return self.run_dir / RASTER_FILES[name]


def open_source(path: Path) -> ResultSource:
    """The result set in ``path`` (a results directory whose ``current`` link is followed, or a
    run folder), through the engine's reader when it is installed."""
    try:
        from minettgeo.results.reader import open_results
    except ImportError:
        pass
    else:
        return open_results(Path(path))  # type: ignore[no-any-return, unused-ignore]
    folder = Path(path)
    if not (folder / RESULTS_FILE).exists() and (folder / "current").exists():
        folder = (folder / "current").resolve()
    names = tuple(str(row[0]) for row in pyogrio.list_layers(folder / RESULTS_FILE))
    return GpkgSource(run_dir=folder, run_id=folder.name, layer_names=names)
