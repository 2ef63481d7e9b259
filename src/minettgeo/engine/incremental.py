"""What a recompute (:func:`minettgeo.engine.changes.recompute`) takes from its base run, and
why each reuse is exact (see docs/engine.md, "Change sets").

* Building results: the building model is per building (a row depends on that row and the
  factors alone), so the base rows of unchanged buildings are those of a full run; only the
  changed rows are computed (with their factor indices and footprint centres).
* Land: the land stage sees the buildings only through the built footprint per parcel; when no
  parcel's footprint, land cover or zoning changed, its results and intervals are the base's.
* Monte Carlo: the same seed gives the same factor draws, and every building component is
  linear in the buildings' activity (:mod:`minettgeo.uncertainty.update`), so the base draws
  are updated by the changed rows only.
"""

from __future__ import annotations

from collections.abc import Iterable

import geopandas as gpd
import numpy as np
import pandas as pd
from numpy.typing import NDArray

from minettgeo.aggregate.levels import Levels
from minettgeo.models import district_heat as dhmodel
from minettgeo.models.buildings import BuildingActivity
from minettgeo.uncertainty import montecarlo as mc
from minettgeo.uncertainty.update import activity_rows, stacked_activity, updated_draws

from . import stages
from .inputs import Inputs


def positions_of(index: pd.Index, ids: Iterable[str]) -> NDArray[np.intp]:
    """Positions (ascending) of the rows of ``index`` (unique ids) whose id is one of ``ids``;
    the ids are looked up in the index's hash table (built once per index)."""
    wanted = pd.Index(sorted(set(map(str, ids))), dtype=object)
    if not len(wanted) or not len(index):
        return np.zeros(0, dtype=np.intp)
    if not index.is_unique:
        return np.flatnonzero(wanted.get_indexer(index.astype(str)) >= 0)
    at = index.get_indexer(wanted)
    return np.sort(at[at >= 0]).astype(np.intp)


def spliced_buildings(
    base: stages.BuildingResults, inputs: Inputs, changed: set[str]
) -> stages.BuildingResults:
    """Building results of the changed inputs: the base rows of unchanged buildings and the
    building stage rerun on the changed ones, in the order of ``inputs``' buildings."""
    buildings = inputs.region.buildings
    order = pd.Index(buildings["building_id"].astype(str))
    gone = positions_of(base.frame.index, changed)
    kept = np.setdiff1d(np.arange(len(base.frame)), gone)
    fresh_at = positions_of(order, changed)
    fresh_rows = buildings.iloc[fresh_at]
    parts = [base.frame.iloc[kept]]
    fresh = None
    if len(fresh_rows):
        fresh = stages.building_stage(fresh_rows, inputs.region.parcels, inputs.factors)
        parts.append(fresh.frame)
    combined = pd.concat(parts) if len(parts) > 1 else parts[0]
    at = splice_order(order, pd.Index(base.frame.index[kept]), fresh_at, combined.index)
    frame = combined.take(at)
    activity, centres = None, None
    if base.activity is not None and (fresh is None or fresh.activity is not None):
        pieces = [activity_rows(base.activity, kept)]
        pieces += [] if fresh is None or fresh.activity is None else [fresh.activity]
        activity = activity_rows(stacked_activity(pieces, [1.0] * len(pieces)), at)
    if base.centres is not None and (fresh is None or fresh.centres is not None):
        blocks = [base.centres[kept]]
        if fresh is not None and fresh.centres is not None:
            blocks.append(fresh.centres)
        centres = np.concatenate(blocks, axis=0)[at]
    codes = None
    if base.parcel_code is not None and (fresh is None or fresh.parcel_code is not None):
        pieces_code = [base.parcel_code[kept]]
        if fresh is not None and fresh.parcel_code is not None:
            pieces_code.append(fresh.parcel_code)
        codes = np.concatenate(pieces_code)[at]
    return stages.BuildingResults(
        gpd.GeoDataFrame(frame, geometry="geometry", crs=buildings.crs),
        activity=activity,
        centres=centres,
        parcel_code=codes,
    )


def splice_order(
    order: pd.Index, kept: pd.Index, fresh_at: NDArray[np.intp], combined: pd.Index
) -> NDArray[np.intp]:
    """Position in ``combined`` (the kept rows, then the fresh ones) of every id of ``order``.
    Where the kept rows appear in ``order`` as they were (the change-set order), that is the
    kept rows counted in turn and the fresh rows after them, with no look-up."""
    stay = np.ones(len(order), dtype=bool)
    stay[fresh_at] = False
    if order[stay].equals(kept):
        at = np.empty(len(order), dtype=np.intp)
        at[stay] = np.arange(len(kept))
        at[fresh_at] = len(kept) + np.arange(len(fresh_at))
        return at
    return np.asarray(pd.Index(combined.astype(str)).get_indexer(order), dtype=np.intp)


def footprints_unchanged(
    old: stages.BuildingResults, new: stages.BuildingResults, ids: set[str]
) -> bool:
    """Whether every parcel touched by the changed buildings keeps its built footprint (m2, to
    the last bit), so the land stage, which sees buildings only through it, is unchanged."""
    if not ids:
        return True
    a_at, b_at = positions_of(old.frame.index, ids), positions_of(new.frame.index, ids)
    if old.parcel_code is not None and new.parcel_code is not None:
        touched = np.union1d(old.parcel_code[a_at], new.parcel_code[b_at])
        a_code, b_code = old.parcel_code, new.parcel_code
    else:
        keys = pd.Index(
            sorted(set(old.frame["parcel_id"].iloc[a_at]) | set(new.frame["parcel_id"].iloc[b_at]))
        )
        a_code = keys.get_indexer(old.frame["parcel_id"])
        b_code = keys.get_indexer(new.frame["parcel_id"])
        touched = np.arange(len(keys))

    def footprint(frame: gpd.GeoDataFrame, code: NDArray[np.intp]) -> pd.Series:
        at = np.flatnonzero(np.isin(code, touched) & (code >= 0))
        return frame.geometry.iloc[at].area.groupby(code[at]).sum().sort_index()

    a, b = footprint(old.frame, a_code), footprint(new.frame, b_code)
    return a.index.equals(b.index) and bool((a.to_numpy() == b.to_numpy()).all())


def updated_emission_intervals(
    inputs: Inputs,
    levels: Levels,
    base: mc.Intervals,
    old: stages.BuildingResults,
    new: stages.BuildingResults,
    changed: set[str],
) -> mc.Intervals | None:
    """The emission intervals of ``base`` with the changed buildings' draws taken away as they
    were and added as they are (:func:`minettgeo.uncertainty.update.updated_draws`); None when
    the base kept no draws or activity (then the caller draws again)."""
    if base.samples is None or old.activity is None or new.activity is None:
        return None
    factors = inputs.factors
    zones = [str(z) for z in levels.communes["lau2"]]

    def rows(
        results: stages.BuildingResults, activity: BuildingActivity
    ) -> tuple[BuildingActivity, NDArray[np.object_], NDArray[np.object_]]:
        at = positions_of(results.frame.index, changed)
        lau2 = results.frame["lau2"].iloc[at].to_numpy(dtype=object)
        carrier = results.frame["heating_carrier"].iloc[at].to_numpy(dtype=object)
        return activity_rows(activity, at), lau2, dhmodel.serving_plant(lau2, carrier, factors)

    # the plant component evaluates the heat drawn with the buildings, not the central heat
    plants = dhmodel.resolve_plant_factors(pd.Series(dtype=float), factors)
    samples = updated_draws(
        base.samples,
        *rows(old, old.activity),
        *rows(new, new.activity),
        zones,
        heat_components=[mc.plant_component(plants, zones)],
    )
    return mc.Intervals(
        table=mc.interval_table(samples.sims, zones),
        draws=base.draws,
        seed=base.seed,
        samples=samples,
    )
