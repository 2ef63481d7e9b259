"""Everything a run reads, loaded once: :class:`Inputs`.

All file reading and hashing of a run happens in :func:`load_inputs`; the stages
(:mod:`minettgeo.engine.stages`) only compute. ``Inputs`` keeps the region's scratch folder
(rasters warped to LUREF) alive for as long as it, or a result that refers to it, lives.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from minettgeo.factors.tables import FactorSet, load_factor_set
from minettgeo.land.areas import LandInputs
from minettgeo.land.tables import CarbonTables, load_carbon_tables
from minettgeo.layers import io
from minettgeo.layers.region import RegionLayers, load_region
from minettgeo.quality.tables import QualityTables, quality_tables
from minettgeo.sample.sources import sha256_of

from .options import RunOptions


@dataclass(frozen=True)
class Inputs:
    """The validated layers, factor set, carbon tables, land rasters and quality tables of one
    run."""

    region: RegionLayers
    factors: FactorSet
    carbon: CarbonTables
    land: LandInputs
    options: RunOptions
    #: ``"<layer>: <file name>" -> SHA-256`` of every input file
    hashes: Mapping[str, str]
    #: parcel id -> land-cover code (CORINE) given to the whole parcel after the zonal step
    #: (land-cover changes of a change set; empty for a plain run)
    land_cover_changes: Mapping[str, int] = field(default_factory=dict)
    #: the shipped data-quality tables (grades, activity spread, levels), read once
    quality: QualityTables = field(default_factory=quality_tables)

    def replace(self, **changes: object) -> Inputs:
        """A copy with some fields replaced (the region's scratch folder stays shared); the id
        indexes of the layers it shares with this one are shared too."""
        out = dataclasses.replace(self, **changes)  # type: ignore[arg-type]
        for name, layer in ID_INDEXES.items():
            same = getattr(out.region, layer) is getattr(self.region, layer)
            if same and name in self.__dict__:
                out.__dict__[name] = self.__dict__[name]
        return out

    @functools.cached_property
    def parcel_ids(self) -> pd.Index:
        """The parcel ids (text) in the order of the parcels layer; the hash table of the index,
        built by its first look-up, lives as long as the inputs (change sets look up ids in
        it)."""
        return pd.Index(self.region.parcels["parcel_id"].astype(str))

    @functools.cached_property
    def building_ids(self) -> pd.Index:
        """The building ids (text) in the order of the buildings layer (as :attr:`parcel_ids`)."""
        return pd.Index(self.region.buildings["building_id"].astype(str))


#: cached id index -> the layer of the region it indexes
ID_INDEXES = {"parcel_ids": "parcels", "building_ids": "buildings"}


def input_hashes(region: RegionLayers) -> dict[str, str]:
    """SHA-256 of every input file (each layer file once)."""
    return {f"{name}: {path.name}": sha256_of(path) for name, path in region.files.items()}


def _raster_year(path: Path | None) -> int | None:
    if path is None:
        return None
    year = io.read_raster_tags(path).get("year")
    return int(year) if year and str(year).isdigit() else None


def land_inputs_of(region: RegionLayers, options: RunOptions) -> LandInputs:
    """The land rasters of the region and their years (tags, or --landcover-years)."""
    before, now = options.landcover_years or (
        _raster_year(region.landcover_before_path),
        _raster_year(region.landcover_path),
    )
    return LandInputs(
        landcover=region.landcover_path,
        landcover_before=region.landcover_before_path,
        forest_age=region.forest_age_path,
        year=now,
        year_before=before,
    )


def factors_for(options: RunOptions) -> FactorSet:
    """The factor set of the options (GWP set, override files, grid and district-heat factors)."""
    return load_factor_set(
        options.gwp_set,
        options.overrides,
        electricity_kg_per_kwh=options.electricity_kg_per_kwh,
        district_heat_kg_per_kwh=options.district_heat_kg_per_kwh,
    )


def inputs_of(region: RegionLayers, options: RunOptions) -> Inputs:
    """The inputs of a run on an already loaded region."""
    return Inputs(
        region=region,
        factors=factors_for(options),
        carbon=load_carbon_tables(
            options.carbon_table, options.sink_rules, options.sink_assumptions
        ),
        land=land_inputs_of(region, options),
        options=options,
        hashes=input_hashes(region),
    )


def load_inputs(layers_dir: Path, options: RunOptions) -> Inputs:
    """Read and validate the layers of ``layers_dir`` and the tables the options name."""
    options.check()
    return inputs_of(load_region(Path(layers_dir)), options)
