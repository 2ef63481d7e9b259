"""Sink potential: which land could change into what, and what it would remove by 2030 and 2050.

Rules (``sink_rules.csv``) say, per measure, which land may change: the land-cover codes it may
start from, the zoning categories, inside / outside / regardless of protected areas, a minimum
patch on the parcel, and the share of the eligible land converted. The amount per parcel is
(``basis``):

- ``area``: area of the allowed codes x share (ha); nothing below the minimum patch;
- ``sealed_area``: (sum of area x sealed share of the code - building footprints) x share (ha);
- ``perimeter``: parcel perimeter x share (km of hedge), its area = length x hedge width;
- ``stream_bank``: both banks of the water courses on the parcel, length = 2 x water-course
  area / pixel width (the course is mapped one pixel wide) x share (km of hedge);
- ``street_area``: area of street parcels x share (ha).

Growth curves (``sink_measures.csv``), for a measure started in ``start_year``, at ``t = year -
start_year`` years::

    biomass(t) = rate_young if t < maturity_age else rate_mature      t C/(ha a) (or per km)
    dead(t)    = dead_rate_young if t < maturity_age else 0
    soil(t)    = soil_rate if t < soil_years else 0
    removal(year) = amount x (biomass + dead + soil) x 44/12          t CO2/a

and the cumulative removal to 2050 is the sum of ``removal(year)`` for ``start_year <= year <=
2050``. Parcels are ranked by their 2050 potential per hectare of parcel.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from minettgeo.errors import ParameterError
from minettgeo.land.tables import CO2_PER_C, CarbonTables

START_YEAR = 2026
HORIZON = 2050
MILESTONES = (2030, 2050)


@dataclass(frozen=True)
class PotentialResult:
    """Per-parcel totals and the per-parcel, per-measure detail."""

    parcels: pd.DataFrame  # index parcel_id
    measures: (
        pd.DataFrame
    )  # long: parcel_id, measure, amount, unit, area_ha, potential_2030/2050, cumulative


def growth_curve(
    params: Mapping[str, float], years: np.ndarray, per_km: bool = False
) -> np.ndarray:
    """t C per unit (ha or km) and year, at ``years`` since the start (negative: not started)."""
    suffix = "_per_km" if per_km else ""
    young = params.get(f"biomass_rate{suffix}" if per_km else "biomass_rate_young", 0.0)
    mature = params.get(f"biomass_rate_mature{suffix}" if per_km else "biomass_rate_mature", 0.0)
    soil = params.get(f"soil_rate{suffix}", 0.0)
    maturity = params.get("maturity_age", 20.0)
    soil_years = params.get("soil_years", 20.0)
    dead = 0.0 if per_km else params.get("dead_rate_young", 0.0)
    t = np.asarray(years, dtype=float)
    rate = np.where(t < maturity, young + dead, mature) + np.where(t < soil_years, soil, 0.0)
    return np.where(t >= 0, rate, 0.0)


def protected_share(parcels: gpd.GeoDataFrame, protected: gpd.GeoDataFrame) -> np.ndarray:
    """Share of each parcel's area inside protected areas."""
    share = np.zeros(len(parcels))
    if protected is None or len(protected) == 0:
        return share
    geoms = parcels.geometry.to_numpy()
    zones = protected.geometry.to_numpy()
    p, z = shapely.STRtree(zones).query(geoms, predicate="intersects")
    inside = shapely.area(shapely.intersection(geoms[p], zones[z]))
    np.add.at(share, p, inside)
    return np.minimum(share / np.maximum(shapely.area(geoms), 1e-9), 1.0)


def _codes(text: str) -> list[int] | None:
    text = str(text).strip()
    return None if text in ("*", "") else [int(c) for c in text.split(";") if c.strip()]


def _names(text: str) -> list[str] | None:
    text = str(text).strip()
    return None if text in ("*", "") else [c.strip() for c in text.split(";") if c.strip()]


def sink_potential(
    parcels: gpd.GeoDataFrame,
    class_area_ha: pd.DataFrame,
    footprint_ha: pd.Series,
    protected: gpd.GeoDataFrame,
    tables: CarbonTables,
    sealed_share: Mapping[int, float],
    *,
    start_year: int = START_YEAR,
    pixel_m: float = 10.0,
) -> PotentialResult:
    """Potential of every rule on every parcel (see the module docstring)."""
    if not 2000 <= start_year <= HORIZON:
        raise ParameterError(
            f"--sink-start must be a year between 2000 and {HORIZON}, got {start_year}"
        )
    pid = parcels["parcel_id"].to_numpy()
    areas = class_area_ha.reindex(pid).fillna(0.0)
    zoning = parcels["zoning"].to_numpy()
    pshare = protected_share(parcels, protected)
    street = (
        parcels["urban_form"].to_numpy() == "street"
        if "urban_form" in parcels.columns
        else np.ones(len(parcels), dtype=bool)
    )
    perimeter_km = parcels.geometry.length.to_numpy() / 1000.0
    parcel_ha = parcels.geometry.area.to_numpy() / 1e4
    footprint = footprint_ha.reindex(pid).fillna(0.0).to_numpy()
    years = np.arange(start_year, HORIZON + 1)
    rows = []
    for rule in tables.rules.to_dict("records"):
        params = tables.measures[str(rule["measure"])]
        ok = np.ones(len(parcels), dtype=bool)
        zones = _names(str(rule["zoning"]))
        if zones is not None:
            ok &= np.isin(zoning, zones)
        if rule["protected"] == "exclude":
            ok &= pshare < 0.5
        elif rule["protected"] == "only":
            ok &= pshare >= 0.5
        codes = _codes(str(rule["from_codes"]))
        cols = [c for c in areas.columns if codes is None or int(c) in codes]
        code_area = areas[cols].sum(axis=1).to_numpy() if cols else np.zeros(len(parcels))
        basis = str(rule["basis"])
        per_km = False
        if basis == "area":
            eligible = code_area
        elif basis == "sealed_area":
            sealed = (
                sum(areas[c].to_numpy() * sealed_share.get(int(c), 0.0) for c in cols)
                if cols
                else 0.0
            )
            eligible = np.clip(sealed - footprint, 0.0, None)
        elif basis == "perimeter":
            eligible = np.where(parcel_ha >= float(rule["min_patch_ha"]), perimeter_km, 0.0)
            per_km = "biomass_rate_per_km" in params
        elif basis == "stream_bank":
            # a water course of area a (ha) mapped at pixel width w has length a / w; two banks
            eligible = 2.0 * code_area * 1e4 / pixel_m / 1000.0
            per_km = "biomass_rate_per_km" in params
        elif basis == "street_area":
            eligible = np.where(street, parcel_ha, 0.0)
        else:
            raise ParameterError(f"sink rule for {rule['measure']}: unknown basis '{basis}'")
        if basis in ("area", "sealed_area", "street_area"):
            ok &= eligible >= float(rule["min_patch_ha"])
        amount = np.where(ok, eligible * float(rule["share"]), 0.0)
        if per_km:
            area_ha = amount * 1000.0 * params.get("hedge_width_m", 4.0) / 1e4
            unit = "km"
        else:
            area_ha = amount
            unit = "ha"
        curve = growth_curve(params, years - start_year, per_km)  # t C per unit per year
        used = amount > 0
        if not used.any():
            continue
        annual = np.outer(amount[used], curve) * CO2_PER_C  # parcels x years, t CO2/a
        at = {
            y: annual[:, y - start_year] if y >= start_year else np.zeros(used.sum())
            for y in MILESTONES
        }
        rows.append(
            pd.DataFrame(
                {
                    "parcel_id": pid[used],
                    "measure": rule["measure"],
                    "amount": amount[used],
                    "unit": unit,
                    "area_ha": area_ha[used],
                    "potential_2030_tco2_a": at[2030],
                    "potential_2050_tco2_a": at[2050],
                    "cumulative_2050_tco2": annual.sum(axis=1),
                }
            )
        )
    detail = (
        pd.concat(rows, ignore_index=True)
        if rows
        else pd.DataFrame(
            columns=[
                "parcel_id",
                "measure",
                "amount",
                "unit",
                "area_ha",
                "potential_2030_tco2_a",
                "potential_2050_tco2_a",
                "cumulative_2050_tco2",
            ]
        )
    )
    by_parcel = detail.groupby("parcel_id").agg(
        sink_area_ha=("area_ha", "sum"),
        sink_potential_2030_tco2_a=("potential_2030_tco2_a", "sum"),
        sink_potential_2050_tco2_a=("potential_2050_tco2_a", "sum"),
        sink_cumulative_2050_tco2=("cumulative_2050_tco2", "sum"),
        sink_measures=("measure", lambda m: ";".join(sorted(set(m)))),
    )
    out = pd.DataFrame(index=pd.Index(pid, name="parcel_id"))
    out = out.join(by_parcel)
    numeric = [c for c in out.columns if c != "sink_measures"]
    out[numeric] = out[numeric].fillna(0.0)
    out["sink_measures"] = out["sink_measures"].fillna("")
    out["sink_potential_2050_tco2_ha_a"] = out[
        "sink_potential_2050_tco2_a"
    ].to_numpy() / np.maximum(parcel_ha, 1e-9)
    ranked = out["sink_potential_2050_tco2_ha_a"].where(out["sink_potential_2050_tco2_a"] > 0)
    out["sink_rank"] = ranked.rank(ascending=False, method="first").fillna(0).astype("int64")
    return PotentialResult(parcels=out, measures=detail)
