"""Claims of the sink rules on the parcels: the land each measure may take on each parcel, the
baseline rate of that land, and the areas granted in priority order.

Rules (``sink_rules.csv``) say, per measure, which land may change: the land-cover codes it may
start from, the zoning categories, inside / outside / regardless of protected areas, a minimum
patch on the parcel, and the share of the eligible land converted. The eligible amount per
parcel is (``basis``):

- ``area``: area of the allowed codes x share (ha); nothing below the minimum patch;
- ``sealed_area``: (sum of area x sealed share of the code - building footprints) x share (ha);
- ``perimeter``: parcel perimeter x share (km of hedge), its area = length x hedge width;
- ``stream_bank``: both banks of the water courses on the parcel, length = 2 x water-course
  area / pixel width (the course is mapped one pixel wide) x share (km of hedge);
- ``street_area``: area of street parcels x share (ha).

A parcel is protected when at least half of its area lies in protected areas
(:func:`protected_share`). The baseline of a claim is the area-weighted mean, over the codes it
starts from, of ``b[c, protected]`` (:func:`baseline_rates`), the net removal per hectare the
inventory observes on land that was class ``c`` on the earlier map, in the same protection
status::

    b[c, protected] = max(0, sum net_removal / sum area)               t C/(ha a)

Measures claim a parcel's area in ``priority`` order; a claim is cut to what the earlier ones
left, so the areas of all measures on one parcel never exceed the parcel (:func:`allocate`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray

from minettgeo.errors import ParameterError
from minettgeo.land.tables import CarbonTables


def protected_share(parcels: gpd.GeoDataFrame, protected: gpd.GeoDataFrame) -> np.ndarray:
    """Share of each parcel's area inside protected areas.

    The few large protected polygons are prepared once and queried against a tree of the
    parcels; parcels lying wholly inside a protected polygon take their own area, the others
    the area of the intersection."""
    share = np.zeros(len(parcels))
    if protected is None or len(protected) == 0:
        return share
    geoms = parcels.geometry.to_numpy()
    zones = protected.geometry.to_numpy().copy()
    shapely.prepare(zones)
    z, p = shapely.STRtree(geoms).query(zones, predicate="intersects")
    whole = shapely.contains_properly(zones[z], geoms[p])
    inside = shapely.area(geoms[p])
    cut = ~whole
    inside[cut] = shapely.area(shapely.intersection(geoms[p[cut]], zones[z[cut]]))
    np.add.at(share, p, inside)
    return np.minimum(share / np.maximum(shapely.area(geoms), 1e-9), 1.0)


def baseline_rates(before_fluxes: pd.DataFrame, protected_by_zone: pd.Series) -> pd.DataFrame:
    """Observed baseline net removal per hectare, t C/(ha a), by earlier class and protection.

    ``before_fluxes``: zone, before (code), area_ha, net_removal_tc_a (inventory fluxes of each
    piece of land); ``protected_by_zone``: share of each zone in protected areas.
    Result: index (before, protected: bool), column ``rate`` = max(0, sum net / sum area)."""
    if before_fluxes.empty:
        return pd.DataFrame({"rate": pd.Series(dtype=float)})
    frame = before_fluxes.assign(
        protected=protected_by_zone.reindex(before_fluxes["zone"]).fillna(0.0).to_numpy() >= 0.5
    )
    sums = frame.groupby(["before", "protected"])[["net_removal_tc_a", "area_ha"]].sum()
    rate = (sums["net_removal_tc_a"] / sums["area_ha"].where(sums["area_ha"] > 0)).fillna(0.0)
    return pd.DataFrame({"rate": rate.clip(lower=0.0)})


def _codes(text: str) -> list[int] | None:
    text = str(text).strip()
    return None if text in ("*", "") else [int(c) for c in text.split(";") if c.strip()]


def _names(text: str) -> list[str] | None:
    text = str(text).strip()
    return None if text in ("*", "") else [c.strip() for c in text.split(";") if c.strip()]


@dataclass(frozen=True)
class Claim:
    """One rule on every parcel: eligible amount, unit and its baseline rate per hectare."""

    measure: str
    eligible: NDArray[np.float64]  # ha or km per parcel
    per_km: bool
    ha_per_unit: float  # 1 for ha, hedge width x 1 km for km
    baseline: NDArray[np.float64]  # t C/(ha a) of the land the measure takes
    priority: int


def rule_claims(
    parcels: gpd.GeoDataFrame,
    areas: pd.DataFrame,
    footprint: NDArray[np.float64],
    pshare: NDArray[np.float64],
    tables: CarbonTables,
    sealed_share: Mapping[int, float],
    baseline: pd.DataFrame,
    pixel_m: float,
) -> list[Claim]:
    """Eligible amount of every rule on every parcel (see the module docstring)."""
    zoning = parcels["zoning"].to_numpy()
    street = (
        parcels["urban_form"].to_numpy() == "street"
        if "urban_form" in parcels.columns
        else np.ones(len(parcels), dtype=bool)
    )
    perimeter_km = parcels.geometry.length.to_numpy() / 1000.0
    parcel_ha = parcels.geometry.area.to_numpy() / 1e4
    prot = pshare >= 0.5
    rate = baseline["rate"] if len(baseline) else pd.Series(dtype=float)
    claims = []
    for rule in tables.rules.to_dict("records"):
        measure = str(rule["measure"])
        params = tables.measures[measure]
        ok = np.ones(len(parcels), dtype=bool)
        zones = _names(str(rule["zoning"]))
        if zones is not None:
            ok &= np.isin(zoning, zones)
        if rule["protected"] == "exclude":
            ok &= ~prot
        elif rule["protected"] == "only":
            ok &= prot
        codes = _codes(str(rule["from_codes"]))
        cols = [c for c in areas.columns if codes is None or int(c) in codes]
        matrix = areas[cols].to_numpy(dtype=float) if cols else np.zeros((len(parcels), 0))
        code_area = matrix.sum(axis=1)
        # baseline rate of each code, for unprotected and protected parcels
        b_free = np.array([rate.get((int(c), False), 0.0) for c in cols], dtype=float)
        b_prot = np.array([rate.get((int(c), True), 0.0) for c in cols], dtype=float)
        weighted = np.where(prot, matrix @ b_prot, matrix @ b_free) if cols else 0.0
        b = np.where(code_area > 0, weighted / np.maximum(code_area, 1e-12), 0.0)
        basis = str(rule["basis"])
        per_km = False
        if basis == "area":
            eligible = code_area
        elif basis == "sealed_area":
            shares = np.array([sealed_share.get(int(c), 0.0) for c in cols], dtype=float)
            sealed = matrix @ shares if cols else np.zeros(len(parcels))
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
            raise ParameterError(f"sink rule for {measure}: unknown basis '{basis}'")
        if basis in ("area", "sealed_area", "street_area"):
            ok &= eligible >= float(rule["min_patch_ha"])
        ha_per_unit = 1000.0 * params.get("hedge_width_m", 4.0) / 1e4 if per_km else 1.0
        claims.append(
            Claim(
                measure=measure,
                eligible=np.where(ok, eligible * float(rule["share"]), 0.0),
                per_km=per_km,
                ha_per_unit=ha_per_unit,
                baseline=b,
                priority=int(tables.assumptions["priority"].astype(int)[measure]),
            )
        )
    return claims


def allocate(claims_ha: NDArray[np.float64], parcel_ha: NDArray[np.float64]) -> NDArray[np.float64]:
    """Areas claimed on each parcel, in priority order (claims x parcels), each cut to what the
    earlier claims left: ``granted_i = min(claim_i, max(0, parcel - sum_{j<i} granted_j))``.
    Since the cut keeps the running sum at or below the parcel, that sum equals
    ``min(cumsum(claims), parcel)`` and ``granted_i`` is its increment."""
    capped = np.minimum(np.cumsum(claims_ha, axis=0), parcel_ha[None, :])
    return np.diff(capped, axis=0, prepend=0.0)
