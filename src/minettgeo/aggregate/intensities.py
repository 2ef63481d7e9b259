"""Intensities of a roll-up level, recomputed from the level's own sums
(:mod:`minettgeo.aggregate.levels`)::

    ghg            = stationary + road transport + waste + the EXTRA_GHG components present
    ghg_per_capita = ghg / population        t CO2e/(cap a)
    estimated_share = estimated_area_m2 / graded_area_m2   fraction, NaN without graded area
    road_estimated_share = estimated_vkm_a / vkm_a          fraction, NaN without vehicle-km
    ghg_per_ha     = ghg / area              t CO2e/(ha a)
    heat_density   = heat need / area        MWh/(ha a)
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from minettgeo.quality.buildings import estimated_share
from minettgeo.quality.network import ROAD_SHARE, road_estimated_share

#: BASIC components besides stationary, road transport and waste, added to ghg_tco2e_a when present
#: (EV charging II.1.2, railways II.2.1/II.2.2, wastewater III.4)
EXTRA_GHG = (
    "ev_charging_tco2e_a",
    "rail_diesel_tco2e_a",
    "rail_electric_tco2e_a",
    "wastewater_tco2e_a",
    # reported fuel combustion of the point sources (I.3.1, models/point_sources.py)
    "point_source_energy_tco2e_a",
)


def ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """``num / den`` where ``den > 0``, 0 elsewhere."""
    return np.divide(num, den, out=np.zeros(len(num), dtype=float), where=den > 0)


def is_intensity(col: str) -> bool:
    return col in {
        "area_ha",
        "ghg_per_capita_tco2e_a",
        "ghg_per_ha_tco2e_a",
        "heat_density_mwh_ha_a",
        "heat_need_mwh_a",
        "dh_potential_share",
        "carbon_stock_tc_ha",
        "sink_potential_2050_tco2_ha_a",
        "estimated_share",
        ROAD_SHARE,
    }


def basic_ghg(frame: pd.DataFrame | pd.Series) -> object:
    """ghg = stationary + road transport + waste + the EXTRA_GHG components present."""
    total = frame["stationary_ghg_tco2e_a"] + frame["transport_tco2e_a"] + frame["waste_tco2e_a"]
    for col in EXTRA_GHG:
        if col in frame:
            total = total + frame[col]
    return total


def intensities(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    out = frame.copy()
    out["ghg_tco2e_a"] = basic_ghg(out)
    out["area_ha"] = out.geometry.area.to_numpy() / 1e4
    out["heat_need_mwh_a"] = out["heat_need_kwh_a"].to_numpy() / 1000.0
    out["ghg_per_capita_tco2e_a"] = ratio(
        out["ghg_tco2e_a"].to_numpy(), out["population"].to_numpy(dtype=float)
    )
    out["ghg_per_ha_tco2e_a"] = ratio(out["ghg_tco2e_a"].to_numpy(), out["area_ha"].to_numpy())
    out["heat_density_mwh_ha_a"] = ratio(
        out["heat_need_mwh_a"].to_numpy(), out["area_ha"].to_numpy()
    )
    if "dh_potential_heat_kwh_a" in out:
        out["dh_potential_share"] = ratio(
            out["dh_potential_heat_kwh_a"].to_numpy(), out["heat_need_kwh_a"].to_numpy()
        )
    if "carbon_stock_tc" in out:
        out["carbon_stock_tc_ha"] = ratio(
            out["carbon_stock_tc"].to_numpy(), out["land_area_ha"].to_numpy()
        )
        out["sink_potential_2050_tco2_ha_a"] = ratio(
            out["sink_potential_2050_tco2_a"].to_numpy(), out["area_ha"].to_numpy()
        )
    return with_estimated_share(out)


def with_estimated_share(frame: pd.DataFrame) -> pd.DataFrame:
    """``estimated_share = estimated_area_m2 / graded_area_m2`` (quality/buildings.py) and
    ``road_estimated_share = estimated_vkm_a / vkm_a`` (quality/network.py) when the weights are
    present; NaN where there is no graded floor area or no vehicle-km."""
    if "graded_area_m2" in frame:
        frame["estimated_share"] = estimated_share(
            frame["estimated_area_m2"].to_numpy(), frame["graded_area_m2"].to_numpy()
        )
    if "estimated_vkm_a" in frame:
        frame[ROAD_SHARE] = road_estimated_share(
            frame["estimated_vkm_a"].to_numpy(), frame["vkm_a"].to_numpy()
        )
    return frame


def series_intensities(s: pd.Series) -> pd.Series:
    s = s.copy()
    s["ghg_tco2e_a"] = basic_ghg(s)
    s["heat_need_mwh_a"] = s["heat_need_kwh_a"] / 1000.0
    s["ghg_per_capita_tco2e_a"] = s["ghg_tco2e_a"] / s["population"] if s["population"] > 0 else 0.0
    s["ghg_per_ha_tco2e_a"] = s["ghg_tco2e_a"] / s["area_ha"]
    s["heat_density_mwh_ha_a"] = s["heat_need_mwh_a"] / s["area_ha"]
    if "dh_potential_heat_kwh_a" in s:
        s["dh_potential_share"] = (
            s["dh_potential_heat_kwh_a"] / s["heat_need_kwh_a"] if s["heat_need_kwh_a"] > 0 else 0.0
        )
    if "carbon_stock_tc" in s:
        s["carbon_stock_tc_ha"] = (
            s["carbon_stock_tc"] / s["land_area_ha"] if s["land_area_ha"] > 0 else 0.0
        )
        s["sink_potential_2050_tco2_ha_a"] = s["sink_potential_2050_tco2_a"] / s["area_ha"]
    if "graded_area_m2" in s:
        s["estimated_share"] = (
            s["estimated_area_m2"] / s["graded_area_m2"] if s["graded_area_m2"] > 0 else np.nan
        )
    if "estimated_vkm_a" in s:
        s[ROAD_SHARE] = s["estimated_vkm_a"] / s["vkm_a"] if s["vkm_a"] > 0 else np.nan
    return s
