"""The point-source and data-quality steps of a run, kept apart from the other stages.

    point_source_stage   buildings -> buildings with ``point_source_id``; the scope 1 of the
                         industrial buildings on a facility's parcel set to 0 (in its tonnes)
    quality_stage        buildings -> buildings with their grade columns (quality/buildings.py)
    point_source_*       the parcel sums, GPC rows, notation keys and Monte Carlo components of
                         the point sources (models/point_sources.py)

Every function is pure; without a ``point_sources`` layer each returns its input unchanged
(or nothing), so a region without point sources computes exactly as before.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from minettgeo.factors.tables import FactorSet
from minettgeo.models import point_sources as psmodel
from minettgeo.models.buildings import BuildingActivity
from minettgeo.quality.buildings import with_quality_columns
from minettgeo.quality.tables import QualityTables
from minettgeo.uncertainty import montecarlo as mc

#: GPC rows of the point sources that carry NE when no point source reports them
NOT_ESTIMATED = {
    "IV.1": "industrial process emissions not estimated: no point source reports them (add the "
    "region's facilities as layer point_sources, docs/point_sources.md)",
    "IV.2": "product use not estimated: no point source reports it (diffuse product use, "
    "solvents and fluorinated gases, is not modelled)",
}


def point_source_stage(buildings: pd.DataFrame, point_sources: pd.DataFrame | None) -> pd.DataFrame:
    """The buildings with ``point_source_id`` and, for the industrial buildings on a point
    source's parcel, scope 1 set to 0 (:func:`minettgeo.models.point_sources.without_covered_scope1`)."""
    if point_sources is None or not len(point_sources):
        return buildings
    facility = psmodel.covering_facility(buildings, point_sources)
    return psmodel.without_covered_scope1(buildings, facility)


def quality_stage(buildings: pd.DataFrame, tables: QualityTables) -> pd.DataFrame:
    """The buildings with their data-quality columns (:mod:`minettgeo.quality.buildings`)."""
    return with_quality_columns(buildings, tables.score)


def with_point_source_sums(
    parcels: pd.DataFrame, point_sources: pd.DataFrame | None
) -> pd.DataFrame:
    """The parcels with ``point_source_energy_tco2e_a`` and ``point_source_ippu_tco2e_a``
    (0 where no point source stands), which the roll-up sums up the levels."""
    if point_sources is None or not len(point_sources):
        return parcels
    sums = psmodel.parcel_sums(point_sources).reindex(parcels["parcel_id"]).fillna(0.0)
    return parcels.assign(**{col: sums[col].to_numpy() for col in sums.columns})


def point_source_columns(parcel_ids: pd.Index, point_sources: pd.DataFrame | None) -> pd.DataFrame:
    """The columns of :func:`with_point_source_sums` alone, one row per id of ``parcel_ids``
    (the parcels' ids in order, unique), placed by a look-up of the few parcels that hold a
    point source; no column without point sources."""
    if point_sources is None or not len(point_sources):
        return pd.DataFrame(index=pd.RangeIndex(len(parcel_ids)))
    sums = psmodel.parcel_sums(point_sources)
    at = parcel_ids.get_indexer(sums.index.astype(str))
    hit = at >= 0
    columns = {}
    for col in sums.columns:
        values = np.zeros(len(parcel_ids))
        values[at[hit]] = sums[col].to_numpy(dtype=float)[hit]
        columns[col] = values
    return pd.DataFrame(columns)


def point_source_rows(point_sources: pd.DataFrame | None, factors: FactorSet) -> pd.DataFrame:
    """GPC values of the point sources per commune and row (empty without point sources)."""
    if point_sources is None or not len(point_sources):
        return pd.DataFrame()
    gwp = {gas: factors.gwp(gas) for gas in ("CH4", "N2O")}
    return psmodel.point_source_values(point_sources, gwp, "lau2")


def point_source_not_estimated(point_sources: pd.DataFrame | None) -> dict[str, str]:
    """The point-source rows no point source of the region reports: NE with the reason."""
    reported = set() if point_sources is None else set(point_sources["gpc_sector"])
    return {code: why for code, why in NOT_ESTIMATED.items() if code not in reported}


def covered_mask(buildings: pd.DataFrame) -> NDArray[np.bool_]:
    """True for the buildings whose scope 1 a point source covers."""
    if "point_source_id" not in buildings:
        return np.zeros(len(buildings), dtype=bool)
    return buildings["point_source_id"].notna().to_numpy()


def uncovered(activity: BuildingActivity, buildings: pd.DataFrame) -> BuildingActivity:
    """The Monte Carlo activity of the buildings with the covered buildings' scope 1 removed."""
    mask = covered_mask(buildings)
    return psmodel.uncovered_activity(activity, mask) if mask.any() else activity


def point_source_components(
    point_sources: pd.DataFrame | None,
    communes: Sequence[str],
    spread: Mapping[str, float],
    seed: int,
    zone: Sequence[str] | None = None,
) -> list[mc.Component]:
    """Monte Carlo components of the reported tonnes: ``point_sources_energy`` (I.3.1, in
    BASIC) and ``ippu`` (IV, BASIC+ only); one multiplier per facility, half-width by grade.
    ``zone``: the zone of each point source (default its commune), one of ``communes``."""
    if point_sources is None or not len(point_sources):
        return []
    out = []
    for name, rows, basic in (
        ("point_sources_energy", psmodel.ENERGY_ROWS, True),
        ("ippu", psmodel.IPPU_ROWS, False),
    ):
        picked = point_sources["gpc_sector"].isin(list(rows)).to_numpy()
        part = point_sources[picked]
        where = point_sources["lau2"].astype(str) if zone is None else pd.Series(list(zone))
        if not len(part):
            continue
        out.append(
            mc.point_source_component(
                name,
                part["t_co2e_per_year"].to_numpy(dtype=float),
                np.asarray(part["grade"].map(spread), dtype=np.float64),
                list(where[picked]),
                communes,
                seed,
                basic=basic,
            )
        )
    return out
