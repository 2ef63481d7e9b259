"""Roll-up of results: building -> parcel -> district -> commune -> region.

Sums are exact (pandas group sums), so totals agree across levels; road emissions enter at the
district level by length share; waste at the district level by population share; point sources
(I.3.1 energy, IV IPPU) at the parcel they stand on. The share of estimated activity data is
recomputed at each level from its summed floor-area weights (quality/buildings.py), the share
of estimated road traffic from its summed vehicle-km (quality/network.py)::

    estimated_share      = estimated_area_m2 / graded_area_m2     fraction, NaN without buildings
    road_estimated_share = estimated_vkm_a / vkm_a                 fraction, NaN without roads
 Intensities
are recomputed at each level from its own sums:

    ghg_per_capita = ghg / population        t CO2e/(cap a)
    ghg_per_ha     = ghg / area              t CO2e/(ha a)
    heat_density   = heat need / area        MWh/(ha a)

District population: the commune's population shared in proportion to the district's dwellings
(by area where a commune has no dwellings).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from numpy.typing import NDArray

from .groups import group_codes, group_count, group_sum, group_sums, with_columns
from .intensities import EXTRA_GHG as EXTRA_GHG
from .intensities import (
    intensities,
    is_intensity,
    ratio,
    series_intensities,
    with_estimated_share,
)

Array = NDArray[np.float64]

#: per-building result columns that add up across levels
BUILDING_SUMS = (
    "heat_need_kwh_a",
    "heating_final_kwh_a",
    "electricity_kwh_a",
    "final_energy_kwh_a",
    "scope1_co2_t_a",
    "scope1_ch4_t_a",
    "scope1_n2o_t_a",
    "biogenic_co2_t_a",
    "scope1_tco2e_a",
    "scope2_tco2e_a",
    "ghg_tco2e_a",
    # residents (models/residents.py) and rooftop solar (models/solar.py SOLAR_SUMS), summed
    # when the buildings carry them
    "residents",
    "pv_roof_m2",
    "pv_kwp",
    "pv_kwh_a",
    "pv_kwh_a_low",
    "pv_kwh_a_high",
    "pv_avoided_tco2e_a",
    # data-quality weights (quality/buildings.py): heated floor area and its estimated part
    "graded_area_m2",
    "estimated_area_m2",
)
#: BUILDING_SUMS every building result has (the others are summed when present)
REQUIRED_BUILDING_SUMS = BUILDING_SUMS[: BUILDING_SUMS.index("residents")]
ROAD_SUMS = ("vkm_a", "co2_t_a", "ch4_t_a", "n2o_t_a", "ghg_tco2e_a")
#: per-road data-quality weight (quality/network.py), summed when present
ROAD_QUALITY_SUMS = ("estimated_vkm_a",)
#: per-road electric-vehicle charging columns (models/ev.py), summed when present
EV_SUMS = ("ev_vkm_a", "ev_kwh_a", "ev_tco2e_a")
#: per-parcel point-source columns that add up across levels (when present): I.3.1 energy
#: (in BASIC, EXTRA_GHG) and IV industrial processes and product use (BASIC+ only)
POINT_SOURCE_SUMS = ("point_source_energy_tco2e_a", "point_source_ippu_tco2e_a")
#: per-parcel land-carbon columns that add up across levels (when present)
LAND_SUMS = (
    "land_area_ha",
    "carbon_above_tc",
    "carbon_below_tc",
    "carbon_soil_tc",
    "carbon_dead_tc",
    "carbon_stock_tc",
    "carbon_stock_tco2e",
    "growth_removal_tco2_a",
    "forest_growth_tco2_a",
    "luc_removal_tco2_a",
    "luc_emission_tco2_a",
    "land_changed_ha",
    "forest_remaining_ha",
    "converted_to_forest_ha",
    "land_net_flux_tco2_a",
    "urban_tree_removal_tco2_a",
    "sink_area_ha",
    "sink_area_upper_ha",
    "sink_potential_2030_tco2_a",
    "sink_potential_2050_tco2_a",
    "sink_cumulative_2050_tco2",
    "sink_potential_2030_upper_tco2_a",
    "sink_potential_2050_upper_tco2_a",
    "sink_cumulative_2050_upper_tco2",
    "sink_policy_2050_tco2_a",
    "sink_policy_cumulative_2050_tco2",
    "sink_land_management_2050_tco2_a",
)


@dataclass
class Levels:
    """Result tables at every level (parcels, districts, communes as GeoDataFrames)."""

    parcels: gpd.GeoDataFrame
    districts: gpd.GeoDataFrame
    communes: gpd.GeoDataFrame
    region: pd.Series


def parcel_results(
    parcels: gpd.GeoDataFrame,
    buildings: pd.DataFrame,
    codes: NDArray[np.intp] | None = None,
) -> gpd.GeoDataFrame:
    """Building results summed per parcel (zero for parcels without buildings); ``codes``: the
    position of each building's parcel in ``parcels`` (:func:`building_parcel_codes`)."""
    if codes is None:
        codes = building_parcel_codes(parcels, buildings)
    n = len(parcels)
    columns: dict[str, NDArray[Any]] = {
        "buildings": group_count(codes, n),
        "dwellings": group_sum(buildings["dwellings"].to_numpy(dtype=float), codes, n).astype(
            "int64"
        ),
        **group_sums(buildings, building_sums(buildings), codes, n),
    }
    area_ha = parcels.geometry.area.to_numpy() / 1e4
    columns["ghg_per_ha_tco2e_a"] = ratio(columns["ghg_tco2e_a"], area_ha)
    columns["heat_density_mwh_ha_a"] = ratio(columns["heat_need_kwh_a"] / 1000.0, area_ha)
    return gpd.GeoDataFrame(with_estimated_share(with_columns(parcels, columns)))


def building_parcel_codes(parcels: pd.DataFrame, buildings: pd.DataFrame) -> NDArray[np.intp]:
    """Position of each building's parcel in ``parcels`` (-1: a parcel id not in the layer)."""
    return group_codes(buildings["parcel_id"], parcels["parcel_id"])


def building_sums(frame: pd.DataFrame) -> list[str]:
    """The BUILDING_SUMS that ``frame`` has (all of REQUIRED_BUILDING_SUMS, KeyError otherwise)."""
    missing = [c for c in REQUIRED_BUILDING_SUMS if c not in frame.columns]
    if missing:
        raise KeyError(f"building results lack {missing}")
    return [c for c in BUILDING_SUMS if c in frame.columns]


def district_population(
    districts: pd.DataFrame, dwellings_by_district: pd.Series, communes: pd.DataFrame
) -> pd.Series:
    """``P_d = P_c x dwellings_d / dwellings_c`` (by area share where a commune has no dwellings)."""
    d = districts.set_index("district_id")
    dw = dwellings_by_district.reindex(d.index).fillna(0.0)
    commune_dw = dw.groupby(d["lau2"]).transform("sum")
    area = d.geometry.area if "geometry" in d else pd.Series(1.0, index=d.index)
    commune_area = area.groupby(d["lau2"]).transform("sum")
    share = np.where(
        commune_dw > 0, dw / commune_dw.where(commune_dw > 0, 1.0), area / commune_area
    )
    pop = d["lau2"].map(communes.set_index("lau2")["population"]).to_numpy(dtype=float)
    return pd.Series(pop * share, index=d.index, name="population")


def rollup(
    parcels: gpd.GeoDataFrame,
    districts: gpd.GeoDataFrame,
    communes: gpd.GeoDataFrame,
    roads: pd.DataFrame,
    road_shares: pd.DataFrame,
    waste_per_capita: float,
    dh_heat_kwh_by_parcel: pd.Series | None = None,
    district_extra: pd.DataFrame | None = None,
    per_capita_extra: Mapping[str, float] | None = None,
) -> Levels:
    """Sum parcel results (already carrying building sums) up to districts, communes and region.

    ``roads``: per-segment road results (index = segment index used in ``road_shares``);
    ``road_shares``: columns road, zone (district id), share; ``district_extra``: further sums
    per district (index district_id, e.g. railways); ``per_capita_extra``: column -> value per
    resident (e.g. wastewater), shared out by district population like waste."""
    key = districts["district_id"]
    n = len(districts)
    codes = group_codes(parcels["district_id"], key)
    summed = building_sums(parcels)
    dwellings = group_sum(parcels["dwellings"].to_numpy(dtype=float), codes, n)
    transport = road_sums(roads, road_shares, key)
    land = [c for c in (*LAND_SUMS, *POINT_SOURCE_SUMS) if c in parcels.columns]
    columns: dict[str, NDArray[Any]] = dict(group_sums(parcels, land, codes, n))
    for col, values in group_sums(parcels, summed, codes, n).items():
        columns["stationary_ghg_tco2e_a" if col == "ghg_tco2e_a" else col] = values
    columns["buildings"] = group_sum(parcels["buildings"].to_numpy(dtype=float), codes, n).astype(
        "int64"
    )
    columns["dwellings"] = dwellings.astype("int64")
    population = district_population(
        districts, pd.Series(dwellings, index=key.to_numpy()), communes
    )
    columns["population"] = population.reindex(key).to_numpy()
    columns["vkm_a"] = transport["vkm_a"]
    for gas in ("co2", "ch4", "n2o"):
        columns[f"transport_{gas}_t_a"] = transport[f"{gas}_t_a"]
    columns["transport_tco2e_a"] = transport["ghg_tco2e_a"]
    columns["waste_tco2e_a"] = columns["population"] * waste_per_capita
    for col in ROAD_QUALITY_SUMS:
        if col in transport:
            columns[col] = transport[col]
    if "ev_tco2e_a" in transport:
        columns["ev_vkm_a"] = transport["ev_vkm_a"]
        columns["ev_kwh_a"] = transport["ev_kwh_a"]
        columns["ev_charging_tco2e_a"] = transport["ev_tco2e_a"]
    if district_extra is not None:
        for col in district_extra.columns:
            columns[col] = district_extra[col].reindex(key).fillna(0.0).to_numpy()
    for col, per_capita in (per_capita_extra or {}).items():
        columns[col] = columns["population"] * per_capita
    if dh_heat_kwh_by_parcel is not None:
        dh = dh_heat_kwh_by_parcel.reindex(parcels.index).fillna(0.0).to_numpy()
        columns["dh_potential_heat_kwh_a"] = group_sum(dh, codes, n)
    out = with_columns(districts, columns)
    out = intensities(out)

    commune_cols = [c for c in out.columns if c not in ("district_id", "name", "lau2", "geometry")]
    commune_cols = [c for c in commune_cols if not is_intensity(c)]
    com = with_columns(communes, commune_sums(out, communes, commune_cols))
    com = intensities(com)
    region_cols = [c for c in commune_cols if c != "population"] + ["population"]
    region = com[region_cols].sum()
    region["area_ha"] = float(com.geometry.area.sum() / 1e4)
    region = series_intensities(region)
    return Levels(parcels=parcels, districts=out, communes=com, region=region)


def commune_sums(
    districts: pd.DataFrame, communes: pd.DataFrame, columns: list[str]
) -> dict[str, NDArray[Any]]:
    """The district ``columns`` (but population, which the communes hold) summed per commune
    (zero for a commune without districts); counts stay integers where every commune has a
    district, as a group-by sum would give them."""
    codes = group_codes(districts["lau2"], communes["lau2"])
    n = len(communes)
    every = bool((group_count(codes, n) > 0).all())
    out: dict[str, NDArray[Any]] = {}
    for col in columns:
        if col == "population":
            continue
        values = districts[col]
        if not pd.api.types.is_numeric_dtype(values):
            summed = districts.groupby("lau2")[col].sum()
            out[col] = summed.reindex(communes["lau2"]).fillna(0.0).to_numpy()
            continue
        total = group_sum(values.to_numpy(dtype=float), codes, n)
        integer = pd.api.types.is_integer_dtype(values) and every
        out[col] = total.astype(np.int64) if integer else total
    return out


def road_sums(roads: pd.DataFrame, shares: pd.DataFrame, districts: pd.Series) -> dict[str, Array]:
    """Per district (in the order of ``districts``): the :data:`ROAD_SUMS` and :data:`EV_SUMS`
    of ``roads`` present, each segment weighted by its length share in the district
    (``shares``: road, zone, share)."""
    cols = [c for c in (*ROAD_SUMS, *EV_SUMS, *ROAD_QUALITY_SUMS) if c in roads.columns]
    n = len(districts)
    if not len(roads):
        return {col: np.zeros(n) for col in cols}
    road = group_codes(shares["road"], roads.index)
    zone = group_codes(shares["zone"], districts)
    zone = np.where(road >= 0, zone, -1)
    share = shares["share"].to_numpy(dtype=float)
    return {col: group_sum(roads[col].to_numpy(dtype=float)[road] * share, zone, n) for col in cols}
