"""Building rows of a recompute: the base run's rows of the unchanged buildings and the rows of
the changed ones computed again, spliced by id (see docs/engine.md, "Change sets").

Every per-building step is a function of the building's own row, its parcel, the factors, the
point sources and the shipped quality tables: the building model, rooftop solar, the point
source covering it and its grade columns. With the same factors and point sources, the base row
of an unchanged building is what a full run computes for it, to the bit, so only the changed
rows are computed (:func:`spliced_buildings`, :func:`spliced_labelled`). The steps that see all
buildings at once are redone on the spliced rows: the district-heating area of every building
(the heat grid changes with any building) and the residents (shared out per commune).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

import geopandas as gpd
import numpy as np
import pandas as pd
from numpy.typing import NDArray

from minettgeo.models.residents import building_residents
from minettgeo.models.solar import with_residents_and_solar
from minettgeo.uncertainty.update import activity_rows, stacked_activity

from . import point_sources, stages
from .inputs import Inputs

ArrayT = TypeVar("ArrayT", bound=np.generic)


def positions_of(index: pd.Index, ids: Iterable[str]) -> NDArray[np.intp]:
    """Positions (ascending) of the rows of ``index`` whose id is one of ``ids``; the few ids
    are hashed and every row of the index probed once (Arrow's ``is_in`` for text), which
    costs the same whether or not the index was looked up before."""
    wanted = sorted(set(map(str, ids)))
    if not wanted or not len(index):
        return np.zeros(0, dtype=np.intp)
    return np.flatnonzero(index.astype(str).isin(wanted)).astype(np.intp)


@dataclass(frozen=True)
class Splice:
    """Where every building row of a recompute comes from: the base rows at ``kept`` (positions
    in the base frame), then the rows computed again, which stand at ``fresh_at`` in the new
    order; ``order``: the position of every new row in (kept rows, fresh rows)."""

    kept: NDArray[np.intp]
    fresh_at: NDArray[np.intp]
    order: NDArray[np.intp]
    #: positions of the changed ids in the base frame (removed and modified rows)
    gone: NDArray[np.intp]

    def taken_from(self, n_base: int) -> NDArray[np.intp]:
        """The position of every new row in (all ``n_base`` base rows, then the fresh rows)."""
        source = np.concatenate([self.kept, n_base + np.arange(len(self.fresh_at))])
        return np.asarray(source[self.order], dtype=np.intp)


def splice_of(base: pd.Index, order: pd.Index, changed: set[str]) -> Splice:
    """The :class:`Splice` from the base frame's ids to the new ids ``order``."""
    gone = positions_of(base, changed)
    stays = np.ones(len(base), dtype=bool)
    stays[gone] = False
    kept = np.flatnonzero(stays).astype(np.intp)
    fresh_at = positions_of(order, changed)
    stay = np.ones(len(order), dtype=bool)
    stay[fresh_at] = False
    kept_ids = pd.Index(base[kept])
    if order[stay].equals(kept_ids):
        # the kept rows appear in the new order as they were: counted in turn, fresh ones after
        at = np.empty(len(order), dtype=np.intp)
        at[stay] = np.arange(len(kept))
        at[fresh_at] = len(kept) + np.arange(len(fresh_at))
    else:
        combined = pd.Index(np.concatenate([kept_ids.to_numpy(), order[fresh_at].to_numpy()]))
        at = np.asarray(pd.Index(combined.astype(str)).get_indexer(order), dtype=np.intp)
    return Splice(kept=kept, fresh_at=fresh_at, order=at, gone=gone)


def spliced_rows(splice: Splice, base: pd.DataFrame, fresh: pd.DataFrame) -> pd.DataFrame:
    """The kept rows of ``base`` and the ``fresh`` rows (same columns) in the new order; a
    column keeps the type it has in ``base`` (or in ``fresh`` where ``base`` has only Python
    objects), as a full run on all the rows would give it."""
    parts = [base] + ([fresh] if len(fresh) else [])
    # one take over all the base rows and the fresh ones (no copy of the kept rows first)
    out = (pd.concat(parts) if len(parts) > 1 else parts[0]).take(splice.taken_from(len(base)))
    if len(parts) > 1:
        for col in base.columns:
            want = base[col].dtype
            if want == np.dtype(object) and col in fresh:
                want = fresh[col].dtype
            if out[col].dtype != want:
                # a missing value where the layer holds integers stays as given
                with contextlib.suppress(TypeError, ValueError):
                    out[col] = out[col].astype(want)
    if isinstance(base, gpd.GeoDataFrame):
        out = gpd.GeoDataFrame(out, geometry=base.geometry.name, crs=base.crs)
    return out


def _stacked(
    splice: Splice, base: NDArray[ArrayT], fresh: NDArray[ArrayT] | None
) -> NDArray[ArrayT]:
    """The kept rows of ``base`` and the ``fresh`` rows (axis 0) in the new order."""
    blocks = [base] + ([] if fresh is None else [fresh])
    return np.concatenate(blocks, axis=0)[splice.taken_from(len(base))]


def spliced_buildings(
    base: stages.BuildingResults, inputs: Inputs, changed: set[str]
) -> tuple[stages.BuildingResults, Splice]:
    """Building results of the changed inputs: the base rows of unchanged buildings and the
    building stage rerun on the changed ones, in the order of ``inputs``' buildings."""
    buildings = inputs.region.buildings
    splice = splice_of(base.frame.index, inputs.building_ids, changed)
    fresh = None
    if len(splice.fresh_at):
        fresh = stages.building_stage(
            buildings.iloc[splice.fresh_at],
            inputs.region.parcels,
            inputs.factors,
            inputs.parcel_ids,
        )
    frame = spliced_rows(splice, base.frame, base.frame.iloc[:0] if fresh is None else fresh.frame)
    activity, centres, codes = None, None, None
    if base.activity is not None and (fresh is None or fresh.activity is not None):
        pieces = [base.activity]
        pieces += [] if fresh is None or fresh.activity is None else [fresh.activity]
        activity = activity_rows(
            stacked_activity(pieces, [1.0] * len(pieces)), splice.taken_from(len(base.frame))
        )
    if base.centres is not None and (fresh is None or fresh.centres is not None):
        centres = _stacked(splice, base.centres, None if fresh is None else fresh.centres)
    if base.parcel_code is not None and (fresh is None or fresh.parcel_code is not None):
        codes = _stacked(splice, base.parcel_code, None if fresh is None else fresh.parcel_code)
    results = stages.BuildingResults(
        gpd.GeoDataFrame(frame, geometry="geometry", crs=buildings.crs),
        activity=activity,
        centres=centres,
        parcel_code=codes,
    )
    return results, splice


def aligned(values: pd.Series, index: pd.Index) -> NDArray[np.generic]:
    """``values`` (indexed by id) in the order of ``index``, without a look-up when ``values``
    already has that index."""
    if values.index is index or values.index.equals(index):
        return values.to_numpy()
    return values.reindex(index).to_numpy()


def labelled_stage(inputs: Inputs, frame: pd.DataFrame, area: pd.Series) -> pd.DataFrame:
    """The building results with the per-building columns of the global stages: the
    district-heating potential area each building is in (``area``, by id), residents and
    rooftop solar (issue 10: models/residents.py, summing to the STATEC population of each
    commune, so on all buildings at once; models/solar.py), ``point_source_id`` with the
    scope 1 a point source covers set to 0 (issue 14), and the grade columns
    (quality/buildings.py)."""
    out = frame.copy()
    out["dh_potential_area"] = aligned(area, out.index)
    out = with_residents_and_solar(out, inputs.region.communes, inputs.factors)
    out = point_sources.point_source_stage(out, inputs.region.point_sources)
    return point_sources.quality_stage(out, inputs.quality)


def spliced_labelled(
    inputs: Inputs,
    splice: Splice,
    base: pd.DataFrame,
    buildings: stages.BuildingResults,
    area: pd.Series,
) -> pd.DataFrame:
    """:func:`labelled_stage` of the spliced ``buildings``: ``base`` (the base run's labelled
    buildings) for the kept rows, :func:`labelled_stage` on the fresh rows alone, then the
    columns that depend on all buildings (``dh_potential_area`` from ``area``, ``residents``)
    computed on every row, as a full run computes them (module docstring)."""
    labels = pd.Series(aligned(area, buildings.frame.index), index=buildings.frame.index)
    rows = buildings.frame.iloc[splice.fresh_at]
    fresh_area = labels.iloc[splice.fresh_at]
    fresh = labelled_stage(inputs, rows, fresh_area) if len(rows) else base.iloc[:0]
    out = spliced_rows(splice, base, fresh)
    out["dh_potential_area"] = labels.to_numpy()
    if same_residents_basis(splice, base, fresh):
        out["residents"] = base["residents"].to_numpy()
    else:
        out["residents"] = building_residents(out, inputs.region.communes)
    return out


#: the columns the residents of a building are shared out by (models/residents.py)
RESIDENTS_BASIS = ("lau2", "dwellings", "heated_area_m2")


def same_residents_basis(splice: Splice, base: pd.DataFrame, fresh: pd.DataFrame) -> bool:
    """Whether the residents of the spliced rows are the base's, to the bit: no building added
    or removed, and every changed building keeps its commune, dwellings, heated floor area and
    footprint area, so every input of :func:`building_residents` (row by row, in the same
    order) is the base's."""
    if len(splice.gone) != len(splice.fresh_at) or not np.array_equal(splice.gone, splice.fresh_at):
        return False
    if len(splice.kept) + len(fresh) != len(base) or "residents" not in base:
        return False
    old = base.iloc[splice.gone]
    for col in RESIDENTS_BASIS:
        if col not in base or col not in fresh:
            return False
        a, b = old[col].to_numpy(dtype=object), fresh[col].to_numpy(dtype=object)
        if not pd.Series(a).equals(pd.Series(b)):
            return False
    return bool(np.array_equal(old.geometry.area.to_numpy(), fresh.geometry.area.to_numpy()))
