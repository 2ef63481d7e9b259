"""What a recompute (:func:`minettgeo.engine.changes.recompute`) takes from its base run, and
why each reuse is exact (see docs/engine.md, "Change sets").

* Building results: the building model is per building (a row depends on that row and the
  factors alone), so the base rows of unchanged buildings are those of a full run; only the
  changed rows are computed (with their factor indices and footprint centres), and so are
  their rooftop solar, point source and grade columns (:mod:`minettgeo.engine.splice`).
* Land: the land stage sees the buildings only through the built footprint per parcel; when no
  parcel's footprint, land cover or zoning changed, its results and intervals are the base's.
* Monte Carlo: the same seed gives the same factor draws and the same grade multipliers (kept
  with the base draws), and every building component is linear in the buildings' activity
  times its grade's multiplier (:mod:`minettgeo.uncertainty.update`), so the base draws are
  updated by the changed rows only (plus the rows whose grade or covering point source
  changed); the point-source components are reused when the point sources are the same.
  Where a full run would widen the buildings differently (a grade without half-width appears
  or goes), the draws are evaluated again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
from numpy.typing import NDArray

from minettgeo.aggregate.levels import Levels
from minettgeo.models import district_heat as dhmodel
from minettgeo.models.buildings import BuildingActivity
from minettgeo.uncertainty import montecarlo as mc
from minettgeo.uncertainty.update import activity_rows, updated_draws

from . import point_sources as ps
from . import stages
from .inputs import Inputs
from .splice import Splice, positions_of


def footprints_unchanged(
    old: stages.BuildingResults,
    new: stages.BuildingResults,
    a_at: NDArray[np.intp],
    b_at: NDArray[np.intp],
) -> bool:
    """Whether every parcel touched by the changed buildings (at ``a_at`` in ``old``, at
    ``b_at`` in ``new``) keeps its built footprint (m2, to the last bit), so the land stage,
    which sees buildings only through it, is unchanged."""
    if not len(a_at) and not len(b_at):
        return True
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


def same_point_sources(a: pd.DataFrame | None, b: pd.DataFrame | None) -> bool:
    """Whether two runs have the same point sources (then their Monte Carlo components, which
    depend on nothing else, are reused as drawn)."""
    if a is None or b is None:
        return a is None and b is None
    return bool(a.equals(b))


@dataclass(frozen=True)
class BuildingRuns:
    """The building results of one run (``results``: activity per row) and its labelled
    buildings frame (``frame``: with ``point_source_id`` and ``activity_grade``, same rows)."""

    results: stages.BuildingResults
    frame: pd.DataFrame


#: the columns of the labelled buildings that enter the Monte Carlo besides the activity
MC_MARKS = ("activity_grade", "point_source_id")


def marked_changes(old: pd.DataFrame, new: pd.DataFrame) -> set[str] | None:
    """Ids of the buildings of both frames whose grade or covering point source differs (their
    draws change although their inputs did not); None when the frames' columns differ."""
    cols = [c for c in MC_MARKS if c in old.columns]
    if cols != [c for c in MC_MARKS if c in new.columns]:
        return None
    if not cols:
        return set()
    common = old.index.intersection(new.index)
    a = old[cols].reindex(common).astype(object)
    b = new[cols].reindex(common).astype(object)
    same = (a.to_numpy() == b.to_numpy()) | (a.isna().to_numpy() & b.isna().to_numpy())
    return {str(i) for i in common[~same.all(axis=1)]}


def widened(frame: pd.DataFrame, spread: Mapping[str, float]) -> bool:
    """Whether a full run widens these buildings by their grades (every grade tabulated)."""
    if not spread or "activity_grade" not in frame:
        return False
    return bool(frame["activity_grade"].isin(sorted(spread)).all())


def updated_emission_intervals(
    inputs: Inputs,
    levels: Levels,
    base: mc.Intervals,
    old: BuildingRuns,
    new: BuildingRuns,
    changed: set[str],
    splice: Splice | None = None,
) -> mc.Intervals | None:
    """The emission intervals of ``base`` with the changed buildings' draws taken away as they
    were and added as they are (:func:`minettgeo.uncertainty.update.updated_draws`), with the
    scope 1 that point sources cover left out and the grade multipliers of the base draws; the
    buildings whose grade or covering point source changed count as changed. None when the base
    kept no draws or activity, or when a full run would widen the buildings differently than
    the base did (then the caller draws again). ``splice``: where ``new``'s rows come from
    (:mod:`minettgeo.engine.splice`), when its unchanged rows, grades and point sources
    included, are the base's own: then no other building changed its marks and the changed rows
    are at ``splice.gone`` in ``old`` and ``splice.fresh_at`` in ``new``."""
    if base.samples is None or old.results.activity is None or new.results.activity is None:
        return None
    for runs in (old, new):
        if not runs.frame.index.equals(runs.results.frame.index):
            return None
    if splice is None:
        marked = marked_changes(old.frame, new.frame)
        if marked is None:
            return None
        ids = set(map(str, changed)) | marked
        where = (positions_of(old.frame.index, ids), positions_of(new.frame.index, ids))
    else:
        where = (splice.gone, splice.fresh_at)
    spread = inputs.quality.half_widths("buildings")
    graded = base.samples.grade_factor is not None
    if graded != widened(new.frame, spread) or graded != widened(old.frame, spread):
        return None
    factors = inputs.factors
    zones = [str(z) for z in levels.communes["lau2"]]

    def rows(
        runs: BuildingRuns, activity: BuildingActivity, at: NDArray[np.intp]
    ) -> tuple[BuildingActivity, NDArray[np.object_], NDArray[np.object_], NDArray[np.object_]]:
        frame = runs.results.frame
        lau2 = frame["lau2"].iloc[at].to_numpy(dtype=object)
        carrier = frame["heating_carrier"].iloc[at].to_numpy(dtype=object)
        labelled = runs.frame.iloc[at]
        part = ps.uncovered(activity_rows(activity, at), labelled)
        grade = (
            labelled["activity_grade"].to_numpy(dtype=object)
            if "activity_grade" in labelled
            else np.full(len(at), "", dtype=object)
        )
        return part, lau2, dhmodel.serving_plant(lau2, carrier, factors), grade

    # the plant component evaluates the heat drawn with the buildings, not the central heat
    plants = dhmodel.resolve_plant_factors(pd.Series(dtype=float), factors)
    r_act, r_zone, r_tag, r_grade = rows(old, old.results.activity, where[0])
    a_act, a_zone, a_tag, a_grade = rows(new, new.results.activity, where[1])
    try:
        samples = updated_draws(
            base.samples,
            r_act,
            r_zone,
            r_tag,
            a_act,
            a_zone,
            a_tag,
            zones,
            heat_components=[mc.plant_component(plants, zones)],
            removed_grade=r_grade,
            added_grade=a_grade,
        )
    except KeyError:
        return None
    return mc.Intervals(
        table=mc.interval_table(samples.sims, zones),
        draws=base.draws,
        seed=base.seed,
        samples=samples,
    )
