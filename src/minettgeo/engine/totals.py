"""The global stages of a run: roll-up to parcels, districts, communes and region; the GPC
inventory; the vehicle-km per commune. Cheap next to the per-feature stages, they are rerun
whole after any change (:mod:`minettgeo.engine.changes`). The Monte Carlo intervals are in
:mod:`minettgeo.engine.intervals`."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from minettgeo.aggregate.groups import group_sum, with_columns
from minettgeo.aggregate.levels import Levels, building_parcel_codes, parcel_results, rollup
from minettgeo.layers.codes import VEHICLE_CLASS
from minettgeo.models import district_heat as dhmodel
from minettgeo.models import rail as railmodel
from minettgeo.models import transport as tmodel
from minettgeo.models import wastewater as wwmodel
from minettgeo.models.waste import waste_emissions
from minettgeo.quality.gpc import with_data_quality
from minettgeo.report import gpc

from . import network_quality as nq
from . import point_sources as ps
from .inputs import Inputs
from .stages import LandResults, RoadResults, land_by_parcel


def parcel_table(
    inputs: Inputs,
    buildings: pd.DataFrame,
    land: LandResults,
    codes: NDArray[np.intp] | None = None,
) -> pd.DataFrame:
    """Per parcel: building sums, point-source sums, land accounts and sink potential (joined
    by parcel id); ``codes``: the position of each building's parcel in the parcels layer."""
    parcels = parcel_results(inputs.region.parcels, buildings, codes)
    by_parcel = land.by_parcel
    if by_parcel is None or not by_parcel.index.equals(pd.Index(parcels["parcel_id"])):
        by_parcel = land_by_parcel(parcels, land.accounts, land.potential)
    sources = ps.point_source_columns(inputs.parcel_ids, inputs.region.point_sources)
    return with_columns(
        parcels,
        pd.concat([sources, by_parcel.reset_index(drop=True)], axis=1),
    )


def dh_heat_by_parcel(
    buildings: pd.DataFrame, parcels: pd.DataFrame, codes: NDArray[np.intp] | None = None
) -> pd.Series:
    """Heat need (kWh/a) of the buildings inside a district-heating potential area, per parcel
    (aligned with ``parcels``' index); ``codes`` as in :func:`parcel_table`."""
    if codes is None:
        codes = building_parcel_codes(parcels, buildings)
    inside = buildings["dh_potential_area"].to_numpy() > 0
    heat = np.where(inside, buildings["heat_need_kwh_a"].to_numpy(dtype=float), 0.0)
    return pd.Series(group_sum(heat, codes, len(parcels)), index=parcels.index)


def rollup_stage(
    inputs: Inputs,
    buildings: pd.DataFrame,
    roads: RoadResults,
    land: LandResults,
    codes: NDArray[np.intp] | None = None,
) -> Levels:
    """Parcels -> districts -> communes -> region, with the resident-based road memo;
    ``codes``: the position of each building's parcel in the parcels layer, when known."""
    region, factors = inputs.region, inputs.factors
    if codes is None:
        codes = building_parcel_codes(region.parcels, buildings)
    parcels = parcel_table(inputs, buildings, land, codes)
    levels = rollup(
        parcels,
        region.districts,
        region.communes,
        roads.results,
        roads.shares,
        factors.value("waste", "waste quantity", quantity="per_capita_emissions"),
        dh_heat_by_parcel(buildings, parcels, codes),
        district_extra=roads.rail_by_district(),
        per_capita_extra=wwmodel.wastewater_per_capita(factors),
    )
    resident = tmodel.resident_based(levels.communes.set_index("lau2")["population"], factors)
    memo = resident["resident_based_road_tco2e_a"]
    communes = levels.communes.assign(
        resident_based_road_tco2e_a=memo.reindex(levels.communes["lau2"]).to_numpy()
    )
    totals = levels.region.copy()
    totals["resident_based_road_tco2e_a"] = float(memo.sum())
    return Levels(
        parcels=levels.parcels, districts=levels.districts, communes=communes, region=totals
    )


@dataclass(frozen=True)
class InventoryResults:
    """The GPC table (rows x communes and region) and the totals per commune and region."""

    table: pd.DataFrame
    totals: pd.DataFrame


def inventory_stage(
    inputs: Inputs, levels: Levels, buildings: pd.DataFrame, roads: RoadResults
) -> InventoryResults:
    """GPC rows from the commune sums, the buildings (stationary energy by subsector and
    carrier) and the in-region district-heat plants."""
    region, factors = inputs.region, inputs.factors
    com = levels.communes.set_index("lau2")
    transport = com[
        ["transport_co2_t_a", "transport_ch4_t_a", "transport_n2o_t_a", "transport_tco2e_a"]
    ]
    waste = waste_emissions(com["population"], factors)
    plants = dhmodel.plant_emissions(buildings, factors)
    plants = plants[plants["lau2"].isin(com.index)]
    extra = pd.concat(
        [
            gpc.rows_from_columns(com, "lau2"),
            gpc.plant_rows(plants, "lau2"),
            ps.point_source_rows(region.point_sources, factors),
        ],
        ignore_index=True,
    )
    values = gpc.modelled_values(
        buildings, transport, waste, "lau2", com["land_net_flux_tco2_a"], extra
    )
    names = dict(zip(region.communes["lau2"], region.communes["name"], strict=True))
    not_estimated = ps.point_source_not_estimated(region.point_sources)
    if roads.rail is None:
        not_estimated |= railmodel.NOT_ESTIMATED
    table = gpc.inventory_table(values, "lau2", names, not_estimated)
    quality = inputs.quality
    table = with_data_quality(
        table,
        buildings,
        region.point_sources,
        quality,
        network=nq.network_quality(region, roads, quality, list(com.index)),
    )
    population = {str(k): float(v) for k, v in com["population"].items()} | {
        "region": float(com["population"].sum())
    }
    totals = gpc.inventory_totals(table, "lau2", population)
    memo = com["resident_based_road_tco2e_a"]
    memo = pd.concat([memo, pd.Series({"region": memo.sum()})])
    totals["memo_resident_based_road_tco2e"] = totals["lau2"].map(memo).to_numpy()
    return InventoryResults(table, totals)


def commune_vkm(
    road_results: pd.DataFrame,
    shares: pd.DataFrame,
    districts: pd.DataFrame,
    by: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Vehicle-km by class inside each commune (length-share allocation), communes x classes;
    ``by``: further road result columns to group by (e.g. ``activity_grade``), index levels
    after ``lau2``."""
    cols = [f"vkm_{vc}_a" for vc in VEHICLE_CLASS]
    weighted = shares.merge(road_results[[*cols, *by]], left_on="road", right_index=True)
    weighted[cols] = weighted[cols].to_numpy() * weighted["share"].to_numpy()[:, None]
    weighted["lau2"] = weighted["zone"].map(districts.set_index("district_id")["lau2"])
    return weighted.groupby(["lau2", *by])[cols].sum()
