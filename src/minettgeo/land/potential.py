"""Sink potential, a scenario: which land could change into what, and what it would remove in
addition to the baseline by 2030 and 2050, central and upper bound.

The rules (``sink_rules.csv``) give each measure's eligible amount on each parcel, claimed in
``priority`` order so that the measures on one parcel never exceed it
(:mod:`minettgeo.land.claims`); the growth curves (``sink_measures.csv``) give what a measure
removes per unit and year since its start (:mod:`minettgeo.land.growth`).

The working group's assumptions (``sink_assumptions.csv``, ``--sink-assumptions``) scale it:
``amount = eligible x uptake`` with ``uptake_central`` or ``uptake_upper``; the upper bound also
takes the ``high`` rates of ``sink_measures.csv`` (``rates_upper = high``).

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
from numpy.typing import NDArray

from minettgeo.errors import ParameterError
from minettgeo.land.claims import allocate, protected_share, rule_claims
from minettgeo.land.growth import additional_curve, growth_curve, upper_parameters
from minettgeo.land.tables import CO2_PER_C, CarbonTables

START_YEAR = 2026
HORIZON = 2050
MILESTONES = (2030, 2050)
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
