"""Seeded Monte Carlo of the land flux and the sink potential, vectorised over draws.

Every carbon stock (``carbon_pools_sources.csv``), removal rate (``removal_rates.csv``) and sink
growth rate (``sink_measures.csv``) with ``low < high`` is drawn from the two-piece triangular
distribution whose median is the value (as every emission factor), once per draw for the whole region (systematic, as in the emissions Monte
Carlo). The land is reduced to groups (commune, class now, class before, age class) and the same
flux function as the central run (:func:`minettgeo.land.carbon.group_fluxes`) is evaluated on
the ``groups x draws`` matrix.

The land-cover product's grade ``g`` (the worse of the two rasters' GeoTIFF tags ``grade``)
widens the area of *converted* land (groups whose class now differs from class before): in each
draw every converted group's area is multiplied by one multiplier ``m`` for the whole region
(median 1 on ``[1 - w_g, 1 + w_g]``, ``w_g`` the ``land`` row of
``quality/data/activity_spread.csv``; :func:`minettgeo.quality.spread.activity_multipliers`,
own random stream ``[seed, 19]``)::

    area[group, draw] = A[group] x (m[draw] if now != before else 1)                    ha

Land remaining in its class keeps its mapped area, and the region's area is not drawn (the
boundaries fix it); the hectares a draw adds to or takes from the conversions are not moved out
of or into the land remaining in its earlier class (whose Tier 1 rate is 0 but for forest). A
measured product (``w = 0``) is not widened, and the central run (``m = 1``) is unchanged.

The sink potential in a year is linear in the measures' rates:

    potential[commune, draw] = sum amount x max(0, curve(rates[draw], t) - u x b) x 44/12

over groups of parcels with the same measure and baseline rate ``b`` (central), with the amounts
of the central scenario (see :mod:`minettgeo.land.potential`; planning amounts, not widened by
the grade). Reported: the 5th, 50th and
95th percentiles (a 90 % interval) per commune and for the region (percentiles of the region's
sum per draw, not sums of percentiles). Urban-tree growth (optional, gross) is not in the flux.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from minettgeo.land.areas import LandInputs
from minettgeo.land.carbon import LandGroups, LandParameters, group_fluxes, land_groups, land_years
from minettgeo.land.growth import RATE_PARAMETERS, growth_curve
from minettgeo.land.potential import MILESTONES
from minettgeo.land.rates import key_values, rate_keys
from minettgeo.land.tables import CO2_PER_C, CarbonTables
from minettgeo.quality.spread import activity_multipliers, grade_stream
from minettgeo.uncertainty.distributions import two_piece_quantile

PERCENTILES = (5.0, 50.0, 95.0)
#: second word of the seed of the converted-area multipliers' random stream (after the
#: activity streams of quality/spread.py: buildings 14, point sources 15 and 16, roads 17, rail 18)
STREAM_LAND = 19


@dataclass(frozen=True)
class LandIntervals:
    """Percentiles per commune and 'region' (column ``lau2``), t CO2/a."""

    table: pd.DataFrame
    draws: int
    seed: int
    #: half-width of the converted-area multiplier (0: not widened)
    converted_half_width: float = 0.0


def factor_draws(
    low: ArrayLike,
    value: ArrayLike,
    high: ArrayLike,
    draws: int,
    rng: np.random.Generator,
) -> NDArray[np.float64]:
    """``draws`` draws of each parameter, shape (parameters, draws), from the two-piece
    triangular distribution whose median is the tabulated value (the emissions Monte Carlo's
    sampler, :mod:`minettgeo.uncertainty.distributions`): the central land run, every stock and
    rate at its value, is the median run. The value itself where low == high."""
    lo, mid, hi = (np.asarray(a, dtype=float)[:, None] for a in (low, value, high))
    u = rng.random((lo.shape[0], draws))
    return np.asarray(two_piece_quantile(u, lo, mid, hi), dtype=float)


def drawn_parameters(tables: CarbonTables, draws: int, rng: np.random.Generator) -> LandParameters:
    """Stocks per code and removal rates per key, one column per draw."""
    ranges = tables.pool_ranges
    values = factor_draws(ranges["low"], ranges["value"], ranges["high"], draws, rng)
    codes = tables.pools.index.to_numpy(dtype=np.int64)
    position = pd.Series(np.arange(len(codes)), index=codes)
    row = position.reindex(ranges["lucode"].to_numpy()).to_numpy()
    known = ~np.isnan(row)
    biomass = np.zeros((len(codes), draws))
    soil = np.zeros((len(codes), draws))
    is_soil = (ranges["pool"] == "soil").to_numpy()
    np.add.at(biomass, row[known & ~is_soil].astype(np.int64), values[known & ~is_soil])
    np.add.at(soil, row[known & is_soil].astype(np.int64), values[known & is_soil])
    removal = tables.removal
    rates = factor_draws(removal["low"], removal["value"], removal["high"], draws, rng)
    return LandParameters(
        codes=codes,
        biomass=biomass,
        soil=soil,
        rate=key_values(removal, rate_keys(removal), rates),
    )


def converted_area_multipliers(draws: int, half_width: float, seed: int) -> NDArray[np.float64]:
    """One multiplier of the area of converted land per draw (shape ``(draws,)``): two-piece
    triangular with median 1 on ``[1 - w, 1 + w]``, from the stream ``[seed, STREAM_LAND]``;
    exactly 1 where ``w = 0``."""
    rng = grade_stream(seed, STREAM_LAND)
    return np.asarray(activity_multipliers(draws, [half_width], rng)[:, 0], dtype=float)


def widened_groups(groups: LandGroups, multipliers: NDArray[np.float64]) -> LandGroups:
    """The groups with one area per draw: ``A x m[draw]`` on converted land (now != before),
    ``A`` on land remaining in its class (ha, groups x draws)."""
    scale = np.where(groups.changed[:, None], np.asarray(multipliers)[None, :], 1.0)
    return replace(groups, area_ha=groups.area_ha[:, None] * scale)


def percentiles(values: NDArray[np.float64], communes: list[str], prefix: str) -> pd.DataFrame:
    """p05/p50/p95 of each commune row and of the region's sum (rows communes + 'region')."""
    region = values.sum(axis=0, keepdims=True)
    q = np.percentile(np.vstack([values, region]), PERCENTILES, axis=1)
    frame = pd.DataFrame({"lau2": [*communes, "region"]})
    for name, col in zip(("p05", "p50", "p95"), q, strict=True):
        frame[f"{prefix}_{name}_tco2_a"] = col
    return frame


def flux_draws(
    joint: pd.DataFrame,
    commune_of: pd.Series,
    tables: CarbonTables,
    inputs: LandInputs,
    communes: list[str],
    params: LandParameters,
    multipliers: NDArray[np.float64] | None = None,
) -> NDArray[np.float64]:
    """Net land flux (t CO2/a, emissions positive) per commune and draw; ``multipliers`` (one
    per draw) widen the area of converted land (:func:`widened_groups`), none: mapped areas."""
    by_commune = joint.assign(zone=commune_of.reindex(joint["zone"]).to_numpy())
    groups = land_groups(by_commune, tables, land_years(inputs))
    if multipliers is not None:
        groups = widened_groups(groups, multipliers)
    fluxes = group_fluxes(groups, params, tables.soil_years)
    index = pd.Index(communes).get_indexer(pd.Index(groups.zone))
    out = np.zeros((len(communes), params.biomass.shape[1]))
    keep = index >= 0
    np.add.at(out, index[keep], -fluxes.net_removal[keep] * CO2_PER_C)
    return out


def potential_draws(
    detail: pd.DataFrame,
    commune_of: pd.Series,
    tables: CarbonTables,
    communes: list[str],
    year: int,
    start_year: int,
    draws: int,
    rng: np.random.Generator,
) -> NDArray[np.float64]:
    """Sink potential in ``year`` (t CO2/a, central amounts) per commune and draw."""
    out = np.zeros((len(communes), draws))
    if detail.empty:
        return out
    frame = detail.assign(
        lau2=commune_of.reindex(detail["parcel_id"]).to_numpy(),
        b=detail["baseline_tc_ha_a"].round(6),
        per_unit=detail["area_ha"] / detail["amount"].where(detail["amount"] > 0),
    )
    frame = frame[frame["amount"] > 0]
    sums = frame.groupby(["lau2", "measure", "unit", "b"], as_index=False).agg(
        amount=("amount", "sum"), per_unit=("per_unit", "first")
    )
    ranges = tables.measure_ranges
    index = pd.Index(communes).get_indexer(pd.Index(sums["lau2"]))
    t = np.full(draws, year - start_year)
    for measure in sorted(sums["measure"].unique()):
        rows = ranges[(ranges["measure"] == measure) & ranges["parameter"].isin(RATE_PARAMETERS)]
        drawn = factor_draws(rows["low"], rows["value"], rows["high"], draws, rng)
        params = {**tables.measures[measure], **dict(zip(rows["parameter"], drawn, strict=True))}
        mine = (sums["measure"] == measure).to_numpy() & (index >= 0)
        for unit in ("ha", "km"):
            sel = mine & (sums["unit"] == unit).to_numpy()
            if not sel.any():
                continue
            curve = growth_curve(params, t, unit == "km")  # t C per unit, per draw
            base = (sums.loc[sel, "per_unit"] * sums.loc[sel, "b"]).to_numpy()
            added = np.clip(curve[None, :] - base[:, None], 0.0, None) * float(t[0] >= 0)
            value = sums.loc[sel, "amount"].to_numpy()[:, None] * added * CO2_PER_C
            np.add.at(out, index[sel], value)
    return out


def simulate_land(
    joint: pd.DataFrame,
    commune_of_parcel: pd.Series,
    tables: CarbonTables,
    inputs: LandInputs,
    detail: pd.DataFrame,
    communes: list[str],
    *,
    start_year: int,
    draws: int = 1000,
    seed: int = 2028,
    converted_half_width: float = 0.0,
) -> LandIntervals:
    """90 % intervals of the net land flux and of the sink potential (2030, 2050);
    ``converted_half_width`` is the land-cover grade's half-width ``w`` of the area of converted
    land (0: measured, not widened)."""
    rng = np.random.default_rng(seed)
    params = drawn_parameters(tables, draws, rng)
    multipliers = converted_area_multipliers(draws, converted_half_width, seed)
    table = percentiles(
        flux_draws(joint, commune_of_parcel, tables, inputs, communes, params, multipliers),
        communes,
        "land_net_flux",
    )
    for year in MILESTONES:
        values = potential_draws(
            detail, commune_of_parcel, tables, communes, year, start_year, draws, rng
        )
        table = table.merge(percentiles(values, communes, f"sink_potential_{year}"), on="lau2")
    return LandIntervals(
        table=table, draws=draws, seed=seed, converted_half_width=converted_half_width
    )
