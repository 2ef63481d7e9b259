"""Change sets: what a decision changes in the inputs, and :func:`recompute`, which reruns the
per-feature stages for the changed features only, then the global stages.

A :class:`ChangeSet` adds, removes or modifies buildings, gives parcels a new land cover (the
whole parcel, applied to the joint areas after the zonal step) or zoning, and adds factor
override files. :func:`apply_changes` gives the modified :class:`Inputs`; ``compute`` on them and
``recompute`` on the base run give the same results (a property test checks it).

Order of the modified buildings: the base order with removed rows dropped and modified rows in
place, then the added rows in the order given.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from numpy.typing import NDArray

from minettgeo.console import Progress
from minettgeo.errors import NotFoundError, ParameterError
from minettgeo.layers.codes import ZONING
from minettgeo.layers.contracts import VECTOR_CONTRACTS
from minettgeo.layers.validate import ensure_valid

from . import stages
from .compose import STEPS, Reuse, RunResult, StageResults, global_stages
from .incremental import footprints_unchanged, same_point_sources
from .inputs import Inputs, factors_for
from .splice import positions_of, spliced_buildings


@dataclass(frozen=True)
class ChangeSet:
    """Changes to a run's inputs (every field optional)."""

    #: new buildings (the buildings layer's columns; ids not yet in the region)
    buildings_added: gpd.GeoDataFrame | None = None
    #: ids of buildings removed (demolished)
    buildings_removed: tuple[str, ...] = ()
    #: buildings replacing those with the same ``building_id`` (e.g. renovated, new heating)
    buildings_modified: gpd.GeoDataFrame | None = None
    #: parcel id -> land-cover code (CORINE) of the whole parcel now
    land_cover: Mapping[str, int] = field(default_factory=dict)
    #: parcel id -> zoning code
    zoning: Mapping[str, str] = field(default_factory=dict)
    #: further factor override files (applied after the run's own)
    factor_overrides: tuple[Path, ...] = ()

    def building_ids(self) -> set[str]:
        """Ids of the buildings whose model rows change (added, removed, modified)."""
        ids = set(map(str, self.buildings_removed))
        for frame in (self.buildings_added, self.buildings_modified):
            if frame is not None:
                ids |= set(frame["building_id"].astype(str))
        return ids

    def digest(self) -> str:
        """SHA-256 of the change set's content (recorded with the inputs' hashes)."""
        h = hashlib.sha256()
        for frame in (self.buildings_added, self.buildings_modified):
            h.update(
                b"|"
                if frame is None
                else pd.util.hash_pandas_object(
                    pd.DataFrame(frame).drop(columns="geometry", errors="ignore"), index=False
                )
                .to_numpy()
                .tobytes()
            )
            if frame is not None:
                h.update(b"".join(frame.geometry.to_wkb()))
        record = {
            "removed": sorted(map(str, self.buildings_removed)),
            "land_cover": {str(k): int(v) for k, v in self.land_cover.items()},
            "zoning": {str(k): str(v) for k, v in self.zoning.items()},
            "overrides": [str(p) for p in self.factor_overrides],
        }
        h.update(json.dumps(record, sort_keys=True).encode())
        return h.hexdigest()


def _not_in(ids: set[str], known: pd.Index) -> list[str]:
    """The ``ids`` that are not values of ``known`` (sorted; hash look-ups of the few ids)."""
    wanted = pd.Index(sorted(map(str, ids)))  # text like ``known``: a hash look-up
    if not known.is_unique:
        known = known.unique()
    return [str(v) for v in wanted[known.get_indexer(wanted) < 0]]


def _unknown(ids: set[str], known: pd.Index, what: str, field_name: str) -> None:
    missing = _not_in(ids, known)
    if missing:
        shown = ", ".join(missing[:5]) + (" ..." if len(missing) > 5 else "")
        raise NotFoundError(
            f"change set {field_name}: {len(missing)} {what} id(s) not in the region: {shown}"
        )


def _checked_buildings(frame: gpd.GeoDataFrame, parcels: pd.Index, label: str) -> gpd.GeoDataFrame:
    """Added or modified buildings validated against the buildings contract."""
    checked, _report = ensure_valid(
        gpd.GeoDataFrame(frame).reset_index(drop=True),
        VECTOR_CONTRACTS["buildings"],
        known_ids={"parcels": parcels},
    )
    if checked["building_id"].duplicated().any():
        raise ParameterError(f"change set {label}: building ids repeated")
    return checked


def replaced_rows(
    frame: gpd.GeoDataFrame, positions: NDArray[np.intp], rows: pd.DataFrame
) -> gpd.GeoDataFrame:
    """``frame`` with the rows at ``positions`` replaced by ``rows`` (same columns), in one
    take over both (no column goes through Python objects); the columns keep their types."""
    order = np.arange(len(frame))
    order[positions] = len(frame) + np.arange(len(rows))
    out = pd.concat([frame, rows], ignore_index=True).take(order)
    for col in frame.columns:
        if out[col].dtype != frame[col].dtype:
            # a missing value where the layer holds integers stays as given
            with contextlib.suppress(TypeError, ValueError):
                out[col] = out[col].astype(frame[col].dtype)
    return gpd.GeoDataFrame(out.set_axis(frame.index), geometry="geometry", crs=frame.crs)


def changed_buildings(inputs: Inputs, changes: ChangeSet) -> gpd.GeoDataFrame:
    """The buildings layer after the change set (order: see the module docstring)."""
    base = inputs.region.buildings
    ids, parcels = inputs.building_ids, inputs.parcel_ids
    out = base
    if changes.buildings_modified is not None and len(changes.buildings_modified):
        mod = _checked_buildings(changes.buildings_modified, parcels, "buildings_modified")
        _unknown(set(mod["building_id"].astype(str)), ids, "building", "buildings_modified")
        mod = mod.reindex(columns=base.columns)
        out = replaced_rows(base, ids.get_indexer(mod["building_id"].astype(str)), mod)
    if changes.buildings_removed:
        removed = set(map(str, changes.buildings_removed))
        _unknown(removed, ids, "building", "buildings_removed")
        out = out[~ids.isin(list(removed))]
    if changes.buildings_added is not None and len(changes.buildings_added):
        add = _checked_buildings(changes.buildings_added, parcels, "buildings_added")
        new_ids = set(add["building_id"].astype(str))
        clash = sorted(new_ids - set(_not_in(new_ids, ids)))
        if clash:
            raise ParameterError(
                f"change set buildings_added: id(s) already in the region: {', '.join(clash[:5])}"
                " (use buildings_modified to change an existing building)"
            )
        out = pd.concat([out, add.reindex(columns=base.columns)], ignore_index=True)
    return gpd.GeoDataFrame(out.reset_index(drop=True), geometry="geometry", crs=base.crs)


def changed_parcels(inputs: Inputs, changes: ChangeSet) -> gpd.GeoDataFrame:
    """The parcels layer after the zoning changes."""
    parcels = inputs.region.parcels
    if not changes.zoning:
        return parcels
    ids = inputs.parcel_ids
    _unknown(set(map(str, changes.zoning)), ids, "parcel", "zoning")
    bad = sorted({str(v) for v in changes.zoning.values()} - set(ZONING))
    if bad:
        raise ParameterError(
            f"change set zoning: unknown code(s) {', '.join(bad)}; allowed: {', '.join(ZONING)}"
        )
    out = parcels.copy()
    new = ids.map({str(k): str(v) for k, v in changes.zoning.items()})
    out["zoning"] = out["zoning"].where(new.isna(), new)
    return out


def apply_changes(inputs: Inputs, changes: ChangeSet) -> Inputs:
    """The inputs after the change set (validated: unknown ids, codes and invalid rows refused)."""
    land_cover = {str(k): int(v) for k, v in changes.land_cover.items()}
    if land_cover:
        _unknown(set(land_cover), inputs.parcel_ids, "parcel", "land_cover")
        known = set(inputs.carbon.stock_per_ha().index.astype(int))
        bad = sorted(set(land_cover.values()) - known)
        if bad:
            raise ParameterError(
                f"change set land_cover: land-cover code(s) {bad} have no carbon stock in the "
                "carbon table; use a CORINE code of the table"
            )
    region = dataclasses.replace(
        inputs.region,
        buildings=changed_buildings(inputs, changes),
        parcels=changed_parcels(inputs, changes),
    )
    options, factors = inputs.options, inputs.factors
    if changes.factor_overrides:
        options = dataclasses.replace(
            options, overrides=(*options.overrides, *changes.factor_overrides)
        )
        factors = factors_for(options)
    return inputs.replace(
        region=region,
        options=options,
        factors=factors,
        land_cover_changes={**inputs.land_cover_changes, **land_cover},
        hashes={**inputs.hashes, "change set": changes.digest()},
    )


def recompute(
    base: RunResult,
    changes: ChangeSet,
    *,
    date: datetime | None = None,
    progress: Progress | None = None,
) -> RunResult:
    """The results of ``base``'s inputs after ``changes``: the per-feature stages rerun on the
    changed features only (all of them when factor overrides change), then the global stages;
    the land stage and its intervals are reused when nothing they depend on changed (no land
    cover or zoning change, the same built footprint on every parcel)."""
    inputs = apply_changes(base.inputs, changes)
    progress = progress or Progress("recompute", STEPS, quiet=True)
    ids = changes.building_ids()
    splice = None
    if changes.factor_overrides:
        region = inputs.region
        buildings = stages.building_stage(region.buildings, region.parcels, inputs.factors)
        roads = stages.road_stage(region.roads, region.districts, region.rail, inputs.factors)
        where = (
            positions_of(base.feature.buildings.frame.index, ids),
            positions_of(buildings.frame.index, ids),
        )
    else:
        buildings, splice = spliced_buildings(base.feature.buildings, inputs, ids)
        roads = base.feature.roads
        where = (splice.gone, splice.fresh_at)
    land_same = (
        not changes.land_cover
        and not changes.zoning
        and footprints_unchanged(base.feature.buildings, buildings, *where)
    )
    labelled_same = (
        splice is not None
        and same_point_sources(base.inputs.region.point_sources, inputs.region.point_sources)
        and base.buildings.index.equals(base.feature.buildings.frame.index)
    )
    reuse = Reuse(
        base,
        land=land_same,
        buildings=None if changes.factor_overrides else frozenset(ids),
        splice=splice if labelled_same else None,
    )
    feature = StageResults(buildings, roads, base.feature.joint, base.feature.zonal_key)
    return global_stages(inputs, feature, date or base.record.date, progress, reuse)
