"""Sink potential, a scenario: which land could change into what, and what it would remove in
addition to the baseline by 2030 and 2050, central and upper bound.

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

The working group's assumptions (``sink_assumptions.csv``, ``--sink-assumptions``) scale it:
``amount = eligible x uptake`` with ``uptake_central`` or ``uptake_upper``; the upper bound also
takes the ``high`` rates of ``sink_measures.csv`` (``rates_upper = high``). Measures claim a
parcel's area in ``priority`` order; a claim is cut to what the earlier ones left, so the areas of
all measures on one parcel never exceed the parcel (e.g. street trees go on the street area not
already unsealed).

Growth curves (``sink_measures.csv``), for a measure started in ``start_year``, at ``t = year -
start_year`` years::

    biomass(t) = rate_young if t < maturity_age else rate_mature      t C/(ha a) (or per km)
    dead(t)    = dead_rate_young if t < maturity_age else 0
    soil(t)    = soil_rate if t < soil_years else 0

Additionality: the land would not stand still without the measure. ``b[c, protected]`` is the
net removal per hectare (t C/(ha a), >= 0) that the inventory observes on land that was class
``c`` on the earlier map, in the same protection status (e.g. bare rock in the reserves turning
into woodland). A measure's removal is what it adds to that baseline::

    removal(year) = amount x max(0, biomass + dead + soil - u x b) x 44/12     t CO2/a

with ``u`` the hectares per unit (1 for ha, the hedge width x 1 km for km): additional only, a
measure that removes less than the baseline adds nothing there (its ``baseline_tco2_a`` shows
what it would forgo). The cumulative removal to 2050 is the sum of ``removal(year)`` for
``start_year <= year <= 2050``.
Parcels are ranked by their central 2050 potential per hectare of parcel.
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
from minettgeo.land.tables import CO2_PER_C, CarbonTables

START_YEAR = 2026
HORIZON = 2050
MILESTONES = (2030, 2050)
#: parameters of sink_measures.csv that the upper bound takes at their ``high``
RATE_PARAMETERS = (
    "biomass_rate_young",
    "biomass_rate_mature",
    "dead_rate_young",
    "soil_rate",
    "biomass_rate_per_km",
    "biomass_rate_mature_per_km",
    "soil_rate_per_km",
)
DETAIL_COLUMNS = [
    "parcel_id",
    "measure",
    "category",
    "amount",
    "unit",
    "area_ha",
    "amount_upper",
    "area_upper_ha",
    "baseline_tc_ha_a",
    "baseline_tco2_a",
    "potential_2030_tco2_a",
    "potential_2050_tco2_a",
    "cumulative_2050_tco2",
    "potential_2030_upper_tco2_a",
    "potential_2050_upper_tco2_a",
    "cumulative_2050_upper_tco2",
]


@dataclass(frozen=True)
class PotentialResult:
    """Per-parcel totals and the per-parcel, per-measure detail (``DETAIL_COLUMNS``)."""

    parcels: pd.DataFrame  # index parcel_id
    measures: pd.DataFrame


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


def upper_parameters(tables: CarbonTables, measure: str) -> dict[str, float]:
    """The measure's parameters with the rates at their ``high`` when the assumptions say so."""
    params = dict(tables.measures[measure])
    if str(tables.assumptions.loc[measure, "rates_upper"]) == "high":
        ranges = tables.measure_ranges
        rows = ranges[(ranges["measure"] == measure) & ranges["parameter"].isin(RATE_PARAMETERS)]
        params.update(dict(zip(rows["parameter"], rows["high"].astype(float), strict=True)))
    return params


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


def additional_curve(
    curve: NDArray[np.float64], baseline_per_unit: NDArray[np.float64], started: NDArray[np.float64]
) -> NDArray[np.float64]:
    """t C per unit and year added to the baseline (parcels x years):
    ``max(0, curve - baseline_per_unit)`` in the years after the start, 0 before."""
    return np.clip(curve[None, :] - baseline_per_unit[:, None], 0.0, None) * started[None, :]


def allocate(claims_ha: NDArray[np.float64], parcel_ha: NDArray[np.float64]) -> NDArray[np.float64]:
    """Areas claimed on each parcel, in priority order (claims x parcels), each cut to what the
    earlier claims left: ``granted_i = min(claim_i, max(0, parcel - sum_{j<i} granted_j))``.
    Since the cut keeps the running sum at or below the parcel, that sum equals
    ``min(cumsum(claims), parcel)`` and ``granted_i`` is its increment."""
    capped = np.minimum(np.cumsum(claims_ha, axis=0), parcel_ha[None, :])
    return np.diff(capped, axis=0, prepend=0.0)


def sink_potential(
    parcels: gpd.GeoDataFrame,
    class_area_ha: pd.DataFrame,
    footprint_ha: pd.Series,
    protected: gpd.GeoDataFrame,
    tables: CarbonTables,
    sealed_share: Mapping[int, float],
    *,
    baseline: pd.DataFrame | None = None,
    start_year: int = START_YEAR,
    pixel_m: float = 10.0,
    protected_by_parcel: NDArray[np.float64] | None = None,
) -> PotentialResult:
    """Potential of every rule on every parcel (see the module docstring)."""
    if not 2000 <= start_year <= HORIZON:
        raise ParameterError(
            f"--sink-start must be a year between 2000 and {HORIZON}, got {start_year}"
        )
    pid = parcels["parcel_id"].to_numpy()
    areas = class_area_ha.reindex(pid).fillna(0.0)
    pshare = (
        protected_share(parcels, protected) if protected_by_parcel is None else protected_by_parcel
    )
    parcel_ha = parcels.geometry.area.to_numpy() / 1e4
    footprint = footprint_ha.reindex(pid).fillna(0.0).to_numpy()
    base = baseline if baseline is not None else pd.DataFrame({"rate": pd.Series(dtype=float)})
    claims = sorted(
        rule_claims(parcels, areas, footprint, pshare, tables, sealed_share, base, pixel_m),
        key=lambda c: c.priority,
    )
    years = np.arange(start_year, HORIZON + 1)
    scenario: dict[str, list[NDArray[np.float64]]] = {}
    for name, column in (("central", "uptake_central"), ("upper", "uptake_upper")):
        uptake = tables.assumptions[column].astype(float)[[c.measure for c in claims]].to_numpy()
        wanted = np.stack([c.eligible * c.ha_per_unit for c in claims]) * uptake[:, None]
        granted = allocate(wanted, parcel_ha)
        scenario[name] = [granted[i] / claims[i].ha_per_unit for i in range(len(claims))]
    rows = []
    for i, claim in enumerate(claims):
        amount, amount_up = scenario["central"][i], scenario["upper"][i]
        used = (amount > 0) | (amount_up > 0)
        if not used.any():
            continue
        area, area_up = amount * claim.ha_per_unit, amount_up * claim.ha_per_unit
        t = years - start_year
        curve = growth_curve(tables.measures[claim.measure], t, claim.per_km)
        curve_up = growth_curve(upper_parameters(tables, claim.measure), t, claim.per_km)
        started = (t >= 0).astype(float)
        b = claim.baseline[used]
        per_unit = additional_curve(curve, claim.ha_per_unit * b, started)
        per_unit_up = additional_curve(curve_up, claim.ha_per_unit * b, started)
        annual = amount[used][:, None] * per_unit * CO2_PER_C
        annual_up = amount_up[used][:, None] * per_unit_up * CO2_PER_C
        at = {y: annual[:, y - start_year] for y in MILESTONES if y >= start_year}
        at_up = {y: annual_up[:, y - start_year] for y in MILESTONES if y >= start_year}
        zero = np.zeros(int(used.sum()))
        rows.append(
            pd.DataFrame(
                {
                    "parcel_id": pid[used],
                    "measure": claim.measure,
                    "category": str(tables.assumptions.loc[claim.measure, "category"]),
                    "amount": amount[used],
                    "unit": "km" if claim.per_km else "ha",
                    "area_ha": area[used],
                    "amount_upper": amount_up[used],
                    "area_upper_ha": area_up[used],
                    "baseline_tc_ha_a": b,
                    "baseline_tco2_a": area[used] * b * CO2_PER_C,
                    "potential_2030_tco2_a": at.get(2030, zero),
                    "potential_2050_tco2_a": at.get(2050, zero),
                    "cumulative_2050_tco2": annual.sum(axis=1),
                    "potential_2030_upper_tco2_a": at_up.get(2030, zero),
                    "potential_2050_upper_tco2_a": at_up.get(2050, zero),
                    "cumulative_2050_upper_tco2": annual_up.sum(axis=1),
                }
            )
        )
    detail = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=DETAIL_COLUMNS)
    return PotentialResult(parcels=parcel_totals(detail, pid, parcel_ha), measures=detail)


def measure_lists(parcel_id: pd.Series, measure: pd.Series) -> pd.Series:
    """Per parcel, the names of its measures sorted and joined by ``;``. Vectorised: each
    measure is a bit, a parcel's set is the sum of its distinct bits, and the few distinct sets
    are spelled out once."""
    names = np.array(sorted(set(measure.astype(str))), dtype=object)
    if len(names) == 0:
        return pd.Series(dtype=object)
    bit = pd.Series(np.left_shift(1, np.arange(len(names), dtype=np.int64)), index=names)
    pairs = pd.DataFrame({"parcel_id": parcel_id.to_numpy(), "measure": measure.astype(str)})
    pairs = pairs.drop_duplicates()
    mask = pairs["measure"].map(bit).groupby(pairs["parcel_id"].to_numpy()).sum()
    shifts = np.arange(len(names), dtype=np.int64)
    spelled = {
        m: ";".join(names[np.right_shift(int(m), shifts) & 1 == 1]) for m in set(mask.tolist())
    }
    return mask.map(spelled)


def parcel_totals(
    detail: pd.DataFrame, pid: NDArray[np.object_], parcel_ha: NDArray[np.float64]
) -> pd.DataFrame:
    """Per-parcel sums of the detail, the policy-dependent part apart, and the rank."""
    policy = detail["category"] == "policy_dependent"
    frame = detail.assign(
        policy_2050=np.where(policy, detail["potential_2050_tco2_a"], 0.0),
        policy_cum=np.where(policy, detail["cumulative_2050_tco2"], 0.0),
    )
    by_parcel = frame.groupby("parcel_id").agg(
        sink_area_ha=("area_ha", "sum"),
        sink_area_upper_ha=("area_upper_ha", "sum"),
        sink_potential_2030_tco2_a=("potential_2030_tco2_a", "sum"),
        sink_potential_2050_tco2_a=("potential_2050_tco2_a", "sum"),
        sink_cumulative_2050_tco2=("cumulative_2050_tco2", "sum"),
        sink_potential_2030_upper_tco2_a=("potential_2030_upper_tco2_a", "sum"),
        sink_potential_2050_upper_tco2_a=("potential_2050_upper_tco2_a", "sum"),
        sink_cumulative_2050_upper_tco2=("cumulative_2050_upper_tco2", "sum"),
        sink_policy_2050_tco2_a=("policy_2050", "sum"),
        sink_policy_cumulative_2050_tco2=("policy_cum", "sum"),
    )
    by_parcel["sink_measures"] = measure_lists(frame["parcel_id"], frame["measure"]).reindex(
        by_parcel.index
    )
    out = pd.DataFrame(index=pd.Index(pid, name="parcel_id"))
    out = out.join(by_parcel)
    numeric = [c for c in out.columns if c != "sink_measures"]
    out[numeric] = out[numeric].fillna(0.0).astype(float)
    out["sink_measures"] = out["sink_measures"].fillna("")
    out["sink_land_management_2050_tco2_a"] = (
        out["sink_potential_2050_tco2_a"] - out["sink_policy_2050_tco2_a"]
    )
    out["sink_potential_2050_tco2_ha_a"] = out[
        "sink_potential_2050_tco2_a"
    ].to_numpy() / np.maximum(parcel_ha, 1e-9)
    ranked = out["sink_potential_2050_tco2_ha_a"].where(out["sink_potential_2050_tco2_a"] > 0)
    out["sink_rank"] = ranked.rank(ascending=False, method="first").fillna(0).astype("int64")
    return out
