"""Carbon stocks, annual removals and land-use change per zone (parcel), the IPCC way.

With ``A`` the exact area (ha) of each (code now, code before, stand age) combination in a zone,
``T`` the years between the two land-cover maps, ``D`` the IPCC soil transition period (20 a):

    stock_pool = sum A x c_pool[now]                                             t C
    land remaining in its class:
      growth   = A x r[now, age]                        (Tier 1; settlements 0)    t C/a
    land converted (now != before), IPCC 2006 Vol.4 Eq. 2.15-2.16 and 2.25:
      conversion = A x (B_after[now] - B[before]) / T    previous biomass lost     t C/a
                   B = above + below + dead; B_after = 0 for forest and settlements,
                   the class's own stock for cropland, grassland, wetland, other land
      growth     = A x r[now, min(age, T)]   forest only: the young stand's own rate
      soil       = A x (SOC[now] - SOC[before]) / max(D, T)
      conversion to settlements: gains set to 0 (never a removal)
    urban trees (optional, --urban-trees; gross Tier 2a crown cover, reported apart):
      urban    = A x u[now]   on settlements remaining settlements
    t CO2 = t C x 44/12

Positive parts of conversion, growth on converted land and soil are ``luc_removal``, negative
parts ``luc_emission``; ``growth_removal`` is the net change of land remaining in its class
(negative where mature forest is a net source, as the IFL3 found for 2010-2023). Pixels of
unknown age on unchanged land use the mature rates (``UNKNOWN_AGE`` of
:mod:`minettgeo.land.areas`); on converted land a stand cannot be older than ``T``.

The same function (:func:`group_fluxes`) evaluates the central values (one column) and the
Monte Carlo draws (one column per draw) on the same groups.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from minettgeo.land.areas import LandInputs
from minettgeo.land.rates import key_values, rate_key_of, rate_keys, urban_tree_rate
from minettgeo.land.tables import CO2_PER_C, POOLS, CarbonTables


@dataclass(frozen=True)
class LandParameters:
    """Stocks and rates as arrays, central (1-D) or one column per draw (2-D)."""

    codes: NDArray[np.int64]  # the row order of the stock arrays
    biomass: NDArray[np.float64]  # above + below + dead, t C/ha, per code [x draws]
    soil: NDArray[np.float64]  # t C/ha per code [x draws]
    rate: NDArray[np.float64]  # t C/(ha a) per removal key, last row 0 [x draws]


def central_parameters(tables: CarbonTables) -> LandParameters:
    """The tables' central values."""
    pools = tables.pools
    keys = rate_keys(tables.removal)
    return LandParameters(
        codes=pools.index.to_numpy(dtype=np.int64),
        biomass=pools[["above", "below", "dead"]].sum(axis=1).to_numpy(dtype=float),
        soil=pools["soil"].to_numpy(dtype=float),
        rate=key_values(tables.removal, keys, tables.removal["value"].to_numpy(dtype=float)),
    )


@dataclass(frozen=True)
class LandGroups:
    """Joint areas reduced to what the fluxes depend on: zone, now, before, rate key."""

    zone: NDArray[np.object_]
    area_ha: NDArray[np.float64]  # ha per group [x draws]
    now: NDArray[np.int64]  # index into LandParameters.codes
    before: NDArray[np.int64]
    key: NDArray[np.int64]  # removal key (-1: no rate), age clipped to T on converted land
    changed: NDArray[np.bool_]
    forest: NDArray[np.bool_]  # now is forest land
    settlement: NDArray[np.bool_]  # now is a settlement
    after_zero: NDArray[np.bool_]  # B_after = 0
    years: float  # T, years between the maps (1 when there is one map)


def land_groups(joint: pd.DataFrame, tables: CarbonTables, years: float) -> LandGroups:
    """Group the joint areas by (zone, now, before, removal key); ages of converted land are
    clipped to the years between the maps."""
    changed = joint["before"].to_numpy() != joint["now"].to_numpy()
    age = joint["age"].to_numpy(dtype=np.int64)
    age = np.where(changed, np.minimum(age, int(max(years, 1))), age)
    keys = rate_keys(tables.removal)
    frame = pd.DataFrame(
        {
            "zone": joint["zone"].to_numpy(),
            "now": joint["now"].to_numpy(dtype=np.int64),
            "before": joint["before"].to_numpy(dtype=np.int64),
            "key": rate_key_of(keys, joint["now"].to_numpy(dtype=np.int64), age),
            "area_ha": joint["area_ha"].to_numpy(dtype=float),
        }
    )
    g = frame.groupby(["zone", "now", "before", "key"], as_index=False, sort=False)["area_ha"].sum()
    codes = tables.pools.index.to_numpy(dtype=np.int64)
    position = pd.Series(np.arange(len(codes)), index=codes)
    now = g["now"].to_numpy(dtype=np.int64)
    category = tables.category(now)
    after = tables.categories["biomass_after"].reindex(now).fillna("stock").to_numpy()
    return LandGroups(
        zone=g["zone"].to_numpy(dtype=object),
        area_ha=g["area_ha"].to_numpy(dtype=float),
        now=position.reindex(now).to_numpy(dtype=np.int64),
        before=position.reindex(g["before"].to_numpy(dtype=np.int64)).to_numpy(dtype=np.int64),
        key=g["key"].to_numpy(dtype=np.int64),
        changed=g["now"].to_numpy() != g["before"].to_numpy(),
        forest=category == "forest",
        settlement=category == "settlement",
        after_zero=after == "zero",
        years=float(max(years, 1)),
    )


@dataclass(frozen=True)
class GroupFluxes:
    """t C/a per group [x draws]: removals positive."""

    growth: NDArray[np.float64]  # land remaining in its class (net, may be negative)
    luc_gain: NDArray[np.float64]
    luc_loss: NDArray[np.float64]

    @property
    def net_removal(self) -> NDArray[np.float64]:
        return self.growth + self.luc_gain - self.luc_loss


def group_fluxes(groups: LandGroups, params: LandParameters, soil_years: float) -> GroupFluxes:
    """The fluxes of the module docstring on every group (arrays broadcast over draws).

    ``groups.area_ha`` is one area per group, or one column per draw (groups x draws, with
    parameters of one column per draw: the Monte Carlo's widened area of converted land)."""
    extra = params.biomass.ndim - 1
    area = groups.area_ha
    if area.ndim == 1:
        area = area.reshape(-1, *([1] * extra))

    def col(mask: NDArray[np.bool_]) -> NDArray[np.bool_]:
        return mask.reshape(-1, *([1] * extra))

    rate = params.rate[groups.key]  # key -1 picks the last row, zero
    changed = col(groups.changed)
    growth = np.where(changed, 0.0, area * rate)
    b_before = params.biomass[groups.before]
    b_after = np.where(col(groups.after_zero), 0.0, params.biomass[groups.now])
    conversion = area * (b_after - b_before) / groups.years
    new_growth = np.where(col(groups.forest), area * rate, 0.0)
    soil = (
        area
        * (params.soil[groups.now] - params.soil[groups.before])
        / max(soil_years, groups.years)
    )
    parts = np.stack([conversion, new_growth, soil])
    gain = np.where(changed, np.clip(parts, 0.0, None).sum(axis=0), 0.0)
    loss = np.where(changed, np.clip(-parts, 0.0, None).sum(axis=0), 0.0)
    gain = np.where(col(groups.settlement), 0.0, gain)  # conversion to settlement: no removal
    return GroupFluxes(growth=growth, luc_gain=gain, luc_loss=loss)


def land_years(inputs: LandInputs) -> float:
    """Years between the two maps (LandCarbonError when a year is missing or the order is
    wrong)."""
    if inputs.landcover_before is None:
        return 1.0
    if inputs.year is None or inputs.year_before is None or inputs.year <= inputs.year_before:
        from minettgeo.errors import LandCarbonError

        raise LandCarbonError(
            f"land-use change needs the years of both land-cover maps, the later after the earlier "
            f"(got {inputs.year_before} and {inputs.year}); set them with --landcover-years or a 'year' tag"
        )
    return float(inputs.year - inputs.year_before)


def carbon_accounts(
    joint: pd.DataFrame, tables: CarbonTables, inputs: LandInputs, *, urban_trees: bool = False
) -> pd.DataFrame:
    """Stocks, growth and land-use-change fluxes per zone (see the module docstring)."""
    tables.check_codes(joint["now"].unique(), str(inputs.landcover))
    if inputs.landcover_before is not None:
        tables.check_codes(joint["before"].unique(), str(inputs.landcover_before))
    years = land_years(inputs)
    pools = tables.pools
    frame = joint.copy()
    for pool in POOLS:
        frame[f"carbon_{pool}_tc"] = frame["area_ha"] * pools[pool].reindex(frame["now"]).to_numpy()
    now = frame["now"].to_numpy(dtype=np.int64)
    unchanged = frame["before"].to_numpy() == now
    category = tables.category(now)
    frame["changed_ha"] = np.where(unchanged, 0.0, frame["area_ha"])
    frame["forest_remaining_ha"] = np.where(
        unchanged & (category == "forest"), frame["area_ha"], 0.0
    )
    frame["converted_to_forest_ha"] = np.where(
        ~unchanged & (category == "forest"), frame["area_ha"], 0.0
    )
    settled = unchanged & (category == "settlement")
    frame["urban_tc_a"] = np.where(settled, frame["area_ha"] * urban_tree_rate(tables, now), 0.0)
    if not urban_trees:
        frame["urban_tc_a"] = 0.0
    sums = frame.groupby("zone")[
        [
            "area_ha",
            *[f"carbon_{p}_tc" for p in POOLS],
            "changed_ha",
            "forest_remaining_ha",
            "converted_to_forest_ha",
            "urban_tc_a",
        ]
    ].sum()
    groups = land_groups(joint, tables, years)
    fluxes = group_fluxes(groups, central_parameters(tables), tables.soil_years)
    by_group = (
        pd.DataFrame(
            {
                "zone": groups.zone,
                "growth": fluxes.growth,
                "gain": fluxes.luc_gain,
                "loss": fluxes.luc_loss,
                "forest_growth": np.where(groups.forest & ~groups.changed, fluxes.growth, 0.0),
            }
        )
        .groupby("zone")[["growth", "gain", "loss", "forest_growth"]]
        .sum()
    )
    by_group = by_group.reindex(sums.index).fillna(0.0)
    out = pd.DataFrame(index=sums.index)
    out["land_area_ha"] = sums["area_ha"]
    for pool in POOLS:
        out[f"carbon_{pool}_tc"] = sums[f"carbon_{pool}_tc"]
    out["carbon_stock_tc"] = sums[[f"carbon_{p}_tc" for p in POOLS]].sum(axis=1)
    out["carbon_stock_tco2e"] = out["carbon_stock_tc"] * CO2_PER_C
    out["growth_removal_tco2_a"] = by_group["growth"] * CO2_PER_C
    out["forest_growth_tco2_a"] = by_group["forest_growth"] * CO2_PER_C
    out["luc_removal_tco2_a"] = by_group["gain"] * CO2_PER_C
    out["luc_emission_tco2_a"] = by_group["loss"] * CO2_PER_C
    out["land_changed_ha"] = sums["changed_ha"]
    out["forest_remaining_ha"] = sums["forest_remaining_ha"]
    out["converted_to_forest_ha"] = sums["converted_to_forest_ha"]
    out["land_net_flux_tco2_a"] = (
        out["luc_emission_tco2_a"] - out["luc_removal_tco2_a"] - out["growth_removal_tco2_a"]
    )
    out["urban_tree_removal_tco2_a"] = sums["urban_tc_a"] * CO2_PER_C
    return out


def before_fluxes(joint: pd.DataFrame, tables: CarbonTables, inputs: LandInputs) -> pd.DataFrame:
    """Net removal (t C/a, central) of every zone's land by its class on the earlier map:
    columns zone, before, area_ha, net_removal_tc_a (the baseline of the sink potential)."""
    groups = land_groups(joint, tables, land_years(inputs))
    fluxes = group_fluxes(groups, central_parameters(tables), tables.soil_years)
    frame = pd.DataFrame(
        {
            "zone": groups.zone,
            "before": tables.pools.index.to_numpy(dtype=np.int64)[groups.before],
            "area_ha": groups.area_ha,
            "net_removal_tc_a": fluxes.net_removal,
        }
    )
    return frame.groupby(["zone", "before"], as_index=False)[["area_ha", "net_removal_tc_a"]].sum()
