"""Carbon stocks, annual removals and land-use change per zone (parcel), from exact class areas.

With ``A`` the exact area (ha) of each (code now, code before, stand age) combination in a zone:

    stock_pool   = sum A x c_pool[code now]                                   t C
    growth       = sum over unchanged land  A x r[code now, age]              t C/a  (removal)
    change       = sum over changed land    A x (C[code now] - C[code before]) / (year now - year before)
                                                                              t C/a
    t CO2 = t C x 44/12

``c_pool`` from the carbon table (InVEST format, four pools), ``C`` the sum of the pools, ``r``
the annual removal rate of the class at that stand age (all pools summed; IPCC Tier 1 growth).
Unlike InVEST, an unchanged young forest keeps removing carbon. Land that changed class is
accounted by the stock difference only (its growth is inside that difference, so it is not added
again); losses are emissions, gains removals, reported apart. Pixels of unknown age use the
rates of mature stands (``UNKNOWN_AGE``), the conservative choice.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from numpy.typing import NDArray

from minettgeo.land import zonal
from minettgeo.land.tables import CO2_PER_C, POOLS, CarbonTables

UNKNOWN_AGE = 100
AGE_NODATA = 255
#: code = now x NOW + before x BEFORE + age (age 0..999)
NOW, BEFORE = 1_000_000, 1_000


@dataclass(frozen=True)
class LandInputs:
    """The rasters of a land-carbon run (all on one grid)."""

    landcover: Path
    landcover_before: Path | None = None
    forest_age: Path | None = None
    year: int | None = None
    year_before: int | None = None


def encode_bands(has_before: bool, has_age: bool) -> object:
    """Encoder for :func:`zonal.combine`: now x 1e6 + before x 1e3 + age; 0 where now is nodata."""

    def encode(bands: list[NDArray[np.int64]]) -> NDArray[np.int64]:
        now = bands[0]
        before = bands[1] if has_before else now
        before = np.where(before > 0, before, now)
        age = bands[-1] if has_age else np.full_like(now, AGE_NODATA)
        age = np.where(age == AGE_NODATA, UNKNOWN_AGE, age)
        return np.where(now > 0, now * NOW + before * BEFORE + np.clip(age, 0, 999), 0)

    return encode


def joint_areas(
    inputs: LandInputs,
    zones: gpd.GeoDataFrame,
    zone_id: str,
    *,
    processes: int = zonal.DEFAULT_PROCESSES,
) -> pd.DataFrame:
    """Exact area (ha) per zone of every (now, before, age) combination.

    Columns ``zone``, ``now``, ``before``, ``age``, ``area_ha``."""
    paths = [inputs.landcover]
    if inputs.landcover_before is not None:
        paths.append(inputs.landcover_before)
    if inputs.forest_age is not None:
        paths.append(inputs.forest_age)
    with zonal.scratch_dir() as tmp:
        if len(paths) == 1:
            raster = inputs.landcover
            areas = zonal.class_areas(raster, zones, zone_id, processes=processes)
            areas["code"] = areas["code"] * NOW + areas["code"] * BEFORE + UNKNOWN_AGE
        else:
            combined = zonal.combine(
                paths,
                encode_bands(inputs.landcover_before is not None, inputs.forest_age is not None),  # type: ignore[arg-type]
                Path(tmp) / "combined.tif",
            )
            areas = zonal.class_areas(combined, zones, zone_id, processes=processes)
    code = areas["code"].to_numpy(dtype=np.int64)
    return pd.DataFrame(
        {
            "zone": areas["zone"].to_numpy(),
            "now": code // NOW,
            "before": (code % NOW) // BEFORE,
            "age": code % BEFORE,
            "area_ha": areas["area_m2"].to_numpy() / 1e4,
        }
    )


def removal_rate(
    tables: CarbonTables, lucode: NDArray[np.int64], age: NDArray[np.int64]
) -> NDArray[np.float64]:
    """Annual removal rate (t C/(ha a), all pools) of each (class, stand age); 0 where the table
    has no row for the class (classes without growth)."""
    rates = tables.removal.groupby(["lucode", "age_min", "age_max"], as_index=False)["value"].sum()
    query = pd.DataFrame({"i": np.arange(len(lucode)), "lucode": lucode, "age": age})
    merged = query.merge(rates, on="lucode", how="inner")
    inside = (merged["age"] >= merged["age_min"]) & (merged["age"] < merged["age_max"])
    inside |= (merged["age_max"] >= 999) & (merged["age"] >= merged["age_min"])
    hit = merged[inside].groupby("i")["value"].sum()
    out = np.zeros(len(lucode))
    out[hit.index.to_numpy()] = hit.to_numpy()
    return out


def carbon_accounts(joint: pd.DataFrame, tables: CarbonTables, inputs: LandInputs) -> pd.DataFrame:
    """Stocks, growth and land-use-change fluxes per zone (see the module docstring)."""
    tables.check_codes(joint["now"].unique(), str(inputs.landcover))
    if inputs.landcover_before is not None:
        tables.check_codes(joint["before"].unique(), str(inputs.landcover_before))
    pools = tables.pools
    total = tables.stock_per_ha()
    frame = joint.copy()
    for pool in POOLS:
        frame[f"carbon_{pool}_tc"] = frame["area_ha"] * pools[pool].reindex(frame["now"]).to_numpy()
    changed = frame["before"].to_numpy() != frame["now"].to_numpy()
    frame["growth_tc_a"] = np.where(
        changed,
        0.0,
        frame["area_ha"] * removal_rate(tables, frame["now"].to_numpy(), frame["age"].to_numpy()),
    )
    years = (inputs.year or 0) - (inputs.year_before or 0)
    if inputs.landcover_before is not None and years <= 0:
        from minettgeo.errors import LandCarbonError

        raise LandCarbonError(
            f"land-use change needs the years of both land-cover maps, the later after the earlier "
            f"(got {inputs.year_before} and {inputs.year}); set them with --landcover-years or a 'year' tag"
        )
    delta = np.where(
        changed,
        frame["area_ha"]
        * (total.reindex(frame["now"]).to_numpy() - total.reindex(frame["before"]).to_numpy()),
        0.0,
    ) / max(years, 1)
    frame["luc_gain_tc_a"] = np.clip(delta, 0.0, None)
    frame["luc_loss_tc_a"] = np.clip(-delta, 0.0, None)
    frame["changed_ha"] = np.where(changed, frame["area_ha"], 0.0)
    sums = frame.groupby("zone")[
        [
            "area_ha",
            *[f"carbon_{p}_tc" for p in POOLS],
            "growth_tc_a",
            "luc_gain_tc_a",
            "luc_loss_tc_a",
            "changed_ha",
        ]
    ].sum()
    out = pd.DataFrame(index=sums.index)
    out["land_area_ha"] = sums["area_ha"]
    for pool in POOLS:
        out[f"carbon_{pool}_tc"] = sums[f"carbon_{pool}_tc"]
    out["carbon_stock_tc"] = sums[[f"carbon_{p}_tc" for p in POOLS]].sum(axis=1)
    out["carbon_stock_tco2e"] = out["carbon_stock_tc"] * CO2_PER_C
    out["growth_removal_tco2_a"] = sums["growth_tc_a"] * CO2_PER_C
    out["luc_removal_tco2_a"] = sums["luc_gain_tc_a"] * CO2_PER_C
    out["luc_emission_tco2_a"] = sums["luc_loss_tc_a"] * CO2_PER_C
    out["land_changed_ha"] = sums["changed_ha"]
    out["land_net_flux_tco2_a"] = (
        out["luc_emission_tco2_a"] - out["luc_removal_tco2_a"] - out["growth_removal_tco2_a"]
    )
    return out


def class_area_table(joint: pd.DataFrame) -> pd.DataFrame:
    """Area (ha) of each current land-cover code per zone, zones x codes."""
    return joint.pivot_table(
        index="zone", columns="now", values="area_ha", aggfunc="sum", fill_value=0.0
    )
