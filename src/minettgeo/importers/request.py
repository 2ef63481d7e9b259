"""What an importer is given and what it returns."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np

from minettgeo.importers.mapping import ColumnMapping


@dataclass(frozen=True)
class ImportRequest:
    """One ``minettgeo import KIND SRC`` call: the product file, the user's mapping (if any),
    the communes to keep (None: all), the calibration tables' folder and the region already in
    ``--out`` (its contract layers, read once)."""

    src: Path
    out_dir: Path
    mapping: ColumnMapping | None = None
    communes: list[str] | None = None
    model_dir: Path = Path("layers/model")
    existing: Mapping[str, gpd.GeoDataFrame] = field(default_factory=dict)
    only: str | None = None
    locations: Path | None = None
    year: int | None = None
    #: act-communes: the STATEC population table
    population: Path | None = None


@dataclass(frozen=True)
class StagedRaster:
    """A categorical raster on the LUREF grid, ready to be validated and written."""

    array: np.ndarray
    transform: object
    tags: Mapping[str, str]


@dataclass
class Staged:
    """What an importer produced, before validation: vector layers and rasters by name, the
    mapping used and notes on what was filled or dropped."""

    layers: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)
    rasters: dict[str, StagedRaster] = field(default_factory=dict)
    mapping: ColumnMapping | None = None
    notes: list[str] = field(default_factory=list)
    #: source and licence of the product when no mapping states them (OSM)
    source: str = ""
    licence: str = ""
