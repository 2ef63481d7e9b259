"""What produced a run, as a typed record (written as ``provenance.json`` and into every file).

The date is passed in, never read inside the computation, so two runs on the same inputs give
the same record apart from ``date`` and the ``run_id`` derived from it."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from minettgeo import __version__
from minettgeo.layers.region import RegionLayers
from minettgeo.quality.tables import quality_provenance

from .inputs import Inputs

#: keys that differ between two runs on the same inputs (left out of the run fingerprint)
RUN_SPECIFIC = frozenset({"date", "run_id"})
MC_DISTRIBUTION = "two-piece triangular(low, value, high), median = value"
LAND_MC_DISTRIBUTION = "two-piece triangular(low, value, high) of stocks and rates, median = value"


@dataclass(frozen=True)
class MonteCarloRecord:
    draws: int
    seed: int
    distribution: str


@dataclass(frozen=True)
class Provenance:
    """Version, factor set, carbon tables, inputs and options of a run, and its date."""

    minettgeo: str
    #: factor set version, tables' SHA-256, GWP set and overrides (:meth:`FactorSet.provenance`)
    factors: Mapping[str, Any]
    #: carbon-table set, sources, SHA-256 and the sink assumptions (:meth:`CarbonTables.provenance`)
    carbon: Mapping[str, Any]
    inputs: Mapping[str, str]
    monte_carlo: MonteCarloRecord
    land: Mapping[str, Any]
    district_heating: Mapping[str, float]
    #: content key of the parcel zonal step (raster SHA-256 x parcel geometries)
    zonal_cache_key: str
    date: datetime
    warnings: Sequence[str] = ()
    repairs: Sequence[str] = ()
    land_cover_changes: Mapping[str, int] = field(default_factory=dict)
    run_id: str | None = None
    #: data-quality tables and their SHA-256 (:func:`minettgeo.quality.tables.quality_provenance`)
    data_quality: Mapping[str, Any] = field(default_factory=dict)

    def with_run_id(self, run_id: str) -> Provenance:
        return replace(self, run_id=run_id)

    def to_dict(self) -> dict[str, Any]:
        """The JSON layout of ``provenance.json`` (factor and carbon records at the top level)."""
        out: dict[str, Any] = {
            "minettgeo": self.minettgeo,
            **self.factors,
            "inputs": dict(self.inputs),
            "monte_carlo": self.monte_carlo.__dict__,
            **self.carbon,
            "land": dict(self.land),
            "district_heating": dict(self.district_heating),
            "zonal_cache_key": self.zonal_cache_key,
            "warnings": list(self.warnings),
            "repairs": list(self.repairs),
            "date": self.date.astimezone(UTC).replace(microsecond=0).isoformat(),
        }
        if self.land_cover_changes:
            out["land_cover_changes"] = dict(self.land_cover_changes)
        if self.data_quality:
            out["data_quality"] = dict(self.data_quality)
        if self.run_id is not None:
            out["run_id"] = self.run_id
        return out

    def fingerprint(self) -> str:
        """What makes a run: the record without date and run id, as canonical JSON."""
        record = {k: v for k, v in self.to_dict().items() if k not in RUN_SPECIFIC}
        return json.dumps(record, sort_keys=True, default=str)


def validation_notes(region: RegionLayers) -> tuple[list[str], list[str]]:
    """What validation warned about and what it repaired (the run's list of implausible values)."""
    problems = [p for report in region.reports.values() for p in report.problems]
    return (
        [p.describe() for p in problems if p.warning],
        [p.describe() for p in problems if p.repaired],
    )


def provenance_of(
    inputs: Inputs, zonal_key: str, date: datetime, tables: Provenance | None = None
) -> Provenance:
    """The provenance record of a run on ``inputs`` dated ``date``. Land rasters are named as the
    user gave them (their own paths, not copies warped to LUREF; ``inputs`` holds their SHA-256).
    ``tables``: the record of a run on the very same factor set and carbon tables (a recompute's
    base), whose records of them (hashes of every table) are taken as they are."""
    options, land = inputs.options, inputs.land
    given = inputs.region.files
    warnings, repairs = validation_notes(inputs.region)
    return Provenance(
        minettgeo=__version__,
        factors=inputs.factors.provenance() if tables is None else copy.deepcopy(tables.factors),
        carbon=inputs.carbon.provenance() if tables is None else copy.deepcopy(tables.carbon),
        inputs=dict(inputs.hashes),
        monte_carlo=MonteCarloRecord(options.draws, options.seed, MC_DISTRIBUTION),
        land={
            "landcover": str(given.get("landcover", land.landcover)),
            "landcover_before": str(given.get("landcover_before", land.landcover_before))
            if land.landcover_before
            else None,
            "forest_age": str(given.get("forest_age", land.forest_age))
            if land.forest_age
            else None,
            "years": [land.year_before, land.year],
            "sink_start_year": options.sink_start,
            "sink_assumptions": str(options.sink_assumptions or "minettgeo (sink_assumptions.csv)"),
            "settlements": "IPCC Tier 1 (no net change)",
            "urban_trees": "gross Tier 2a crown-cover growth reported apart "
            "(urban_tree_removal_tco2_a), not in the net flux"
            if options.urban_trees
            else "not computed (--urban-trees to report it apart)",
            "monte_carlo": {
                "draws": options.draws,
                "seed": options.seed,
                "distribution": LAND_MC_DISTRIBUTION,
            },
        },
        district_heating={
            "cell_threshold_mwh_ha": options.dh_cell_threshold_mwh_ha,
            "area_threshold_gwh": options.dh_area_threshold_gwh,
        },
        zonal_cache_key=zonal_key,
        date=date,
        warnings=warnings,
        repairs=repairs,
        land_cover_changes=dict(inputs.land_cover_changes),
        data_quality=quality_provenance(),
    )
