"""On-road transport per road segment (GPC II.1.1, territorial, scope 1).

For a segment of length ``L`` (km) and annual average daily traffic ``AADT_c`` per vehicle class::

    vkm_c = AADT_c x 365 x L                     vehicle-km per year
    E_g   = sum_c vkm_c x EF[c, g] / 1000        t/a of gas g (EF in kg/vkm)

Emissions of a segment are attributed to the districts and communes it crosses in proportion to
its length inside each (territorial principle: what is driven inside the boundary counts, whoever
drives it, which avoids Luxembourg's fuel-tourism bias). The resident-based (induced activity)
view, residents x vehicle-km per resident x EF, is reported beside it and labelled as such.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray

from minettgeo.factors.tables import FactorSet
from minettgeo.layers.codes import VEHICLE_CLASS

DAYS_PER_YEAR = 365.0
Array = NDArray[np.float64]


@dataclass(frozen=True)
class RoadActivity:
    """Vehicle-km per year by class (rows: segments or groups; columns: vehicle classes) and the
    parameter indices of EF[class, gas] and GWPs."""

    vkm: Array  # (n, n_classes)
    ef_index: dict[str, NDArray[np.int64]]  # gas -> (n_classes,)
    gwp_index: dict[str, int]


def vehicle_km(roads: pd.DataFrame, length_m: Array) -> Array:
    """``vkm_c = AADT_c x 365 x L_km`` for each segment and vehicle class, shape (n, 4)."""
    aadt = roads[[f"aadt_{vc}" for vc in VEHICLE_CLASS]].to_numpy(dtype=float)
    return aadt * DAYS_PER_YEAR * (length_m[:, None] / 1000.0)


def resolve_road_factors(vkm: Array, factors: FactorSet) -> RoadActivity:
    classes = np.array(list(VEHICLE_CLASS), dtype=object)
    ef = {
        gas: factors.index("vehicle_factors", "vehicle class / gas", vehicle_class=classes, gas=gas)
        for gas in ("CO2", "CH4", "N2O")
    }
    return RoadActivity(
        vkm=vkm, ef_index=ef, gwp_index={g: factors.gwp_index(g) for g in ("CH4", "N2O")}
    )


def road_formula(activity: RoadActivity, theta: Array) -> dict[str, Array]:
    """Emissions in t/a; ``theta`` 1-D (values) or 2-D (draws x parameters)."""
    out: dict[str, Array] = {}
    for gas in ("CO2", "CH4", "N2O"):
        ef = theta[..., activity.ef_index[gas]]  # (..., classes)
        out[f"{gas.lower()}_t_a"] = (activity.vkm * ef[..., None, :]).sum(axis=-1) / 1000.0
    out["ghg_tco2e_a"] = (
        out["co2_t_a"]
        + theta[..., activity.gwp_index["CH4"], None] * out["ch4_t_a"]
        + theta[..., activity.gwp_index["N2O"], None] * out["n2o_t_a"]
    )
    return out


def road_emissions(roads: gpd.GeoDataFrame, factors: FactorSet) -> pd.DataFrame:
    """Per-segment length, vehicle-km by class and emissions (units in the column names)."""
    length = roads.geometry.length.to_numpy(dtype=float)
    vkm = vehicle_km(roads, length)
    result = road_formula(resolve_road_factors(vkm, factors), factors.theta)
    out = pd.DataFrame(index=roads.index)
    out["length_m"] = length
    for i, vc in enumerate(VEHICLE_CLASS):
        out[f"vkm_{vc}_a"] = vkm[:, i]
    out["vkm_a"] = vkm.sum(axis=1)
    out["co2_t_a"] = result["co2_t_a"]
    out["ch4_t_a"] = result["ch4_t_a"]
    out["n2o_t_a"] = result["n2o_t_a"]
    out["ghg_tco2e_a"] = result["ghg_tco2e_a"]
    return out


def length_shares(roads: gpd.GeoDataFrame, zones: gpd.GeoDataFrame, zone_id: str) -> pd.DataFrame:
    """Share of each segment's length in each zone: columns ``road``, ``zone``, ``share``.

    A stretch on the boundary between two zones is split half-half. For segment ``r`` of length
    ``L_r`` and zone ``z``::

        w(r, z)     = L(r strictly inside z) + L(r on the boundary of z) / 2
                    = L(r inside z, boundary included) - L(r on the boundary of z) / 2
        share(r, z) = w(r, z) / sum_z w(r, z) x L(r inside the union of the zones) / L_r

    Where zone boundaries coincide, ``sum_z w = L`` inside the zones and the second factor only
    drops the part outside every zone (a share sum below 1). A stretch on the outer edge of the
    zones (e.g. the region's border, no neighbouring zone) goes wholly to the zone it borders, so
    every km inside the region is counted once. Crossing points have no length. Lines and zones
    in the same projected CRS (metres)."""
    lines = roads.geometry.to_numpy()
    polys = zones.geometry.to_numpy()
    r, z = shapely.STRtree(polys).query(lines, predicate="intersects")
    # a segment in a zone's interior (most of them) lies wholly inside it and on no boundary:
    # its inside length is its length; only the others are intersected (the test runs on
    # prepared copies of the zones, the layer's geometries are left as they are)
    prepared = shapely.transform(polys, lambda xy: xy)
    shapely.prepare(prepared)
    crossing = np.flatnonzero(~shapely.contains_properly(prepared[z], lines[r]))
    inside = shapely.length(lines[r])
    on_edge = np.zeros(len(r))
    inside[crossing] = shapely.length(shapely.intersection(lines[r[crossing]], polys[z[crossing]]))
    on_edge[crossing] = shapely.length(
        shapely.intersection(lines[r[crossing]], shapely.boundary(polys[z[crossing]]))
    )
    weight = np.clip(inside - on_edge / 2.0, 0.0, None)
    length = shapely.length(lines)
    total = np.bincount(r, weights=weight, minlength=len(lines))
    # where the weights fall short of the length (part outside the zones, or a stretch on the
    # boundary of one zone only) measure the length inside the zones' union; elsewhere it is L
    covered = length.copy()
    short = np.flatnonzero(total < length * (1.0 - 1e-9))
    if len(short):
        near = np.unique(z[np.isin(r, short)])
        union = shapely.union_all(polys[near])
        covered[short] = shapely.length(shapely.intersection(lines[short], union))
    scale = np.divide(
        covered, total * length, out=np.zeros(len(lines)), where=(total > 0) & (length > 0)
    )
    share = weight * scale[r]
    frame = pd.DataFrame(
        {"road": roads.index.to_numpy()[r], "zone": zones[zone_id].to_numpy()[z], "share": share}
    )
    return frame[frame["share"] > 0].reset_index(drop=True)


def resident_based(population: pd.Series, factors: FactorSet) -> pd.DataFrame:
    """Resident-based (induced activity) road emissions: residents x vkm per resident x EF.

    Labelled and reported beside the territorial figure, never added to it."""
    rows = []
    for vc in VEHICLE_CLASS:
        table = factors.tables["resident_mobility"]
        if not ((table["vehicle_class"] == vc) & (table["quantity"] == "vkm_per_resident")).any():
            continue
        per_cap = factors.value(
            "resident_mobility",
            "vehicle class / quantity",
            vehicle_class=vc,
            quantity="vkm_per_resident",
        )
        rows.append((vc, per_cap))
    out = pd.DataFrame(index=population.index)
    co2e = np.zeros(len(population))
    vkm_total = np.zeros(len(population))
    for vc, per_cap in rows:
        vkm = population.to_numpy(dtype=float) * per_cap
        vkm_total += vkm
        co2 = vkm * factors.value(
            "vehicle_factors", "vehicle class / gas", vehicle_class=vc, gas="CO2"
        )
        ch4 = vkm * factors.value(
            "vehicle_factors", "vehicle class / gas", vehicle_class=vc, gas="CH4"
        )
        n2o = vkm * factors.value(
            "vehicle_factors", "vehicle class / gas", vehicle_class=vc, gas="N2O"
        )
        co2e += (co2 + factors.gwp("CH4") * ch4 + factors.gwp("N2O") * n2o) / 1000.0
    out["resident_vkm_a"] = vkm_total
    out["resident_based_road_tco2e_a"] = co2e
    return out
