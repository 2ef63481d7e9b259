"""Effects of land measures (unsealing, afforestation, hedgerows), from the land model's growth
curves with the uncertainty of their rates.

See :mod:`minettgeo.scenarios.effects` for the formulas."""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from typing import cast

import numpy as np
import pandas as pd

from minettgeo.errors import PolicyError
from minettgeo.land.growth import growth_curve
from minettgeo.land.tables import CO2_PER_C
from minettgeo.land.tables import DATA as LAND_DATA
from minettgeo.scenarios.effects.context import (
    Array,
    Context,
)
from minettgeo.scenarios.policy import Measure
from minettgeo.scenarios.targets import Selection, member
from minettgeo.uncertainty.distributions import two_piece_quantile

#: land measures of a policy -> the sink measure of the land tables that carries their growth
LAND_MEASURE = {
    "unsealing": "unsealing_green",
    "afforestation": "afforestation_broadleaf",
    "hedgerow": "hedgerow",
}


def land_amount(measure: Measure, selection: Selection, ctx: Context) -> float:
    """Hectares (or km for hedges) a land measure converts."""
    if measure.type == "hedgerow":
        return float(measure.params["length_km"])
    if "area_ha" in measure.params:
        return float(measure.params["area_ha"])
    chosen = member(ctx.parcels["parcel_id"].to_numpy(dtype=object), selection.parcel_ids)
    return float(ctx.parcels.geometry.area.to_numpy()[chosen].sum() / 1e4) * float(
        measure.params["share"]
    )


def sink_parameter_draws(ctx: Context, sink: str, stream: int) -> dict[str, Array]:
    """Growth-curve parameters of sink measure ``sink``: central values (row 0) and draws
    between the low and high bounds of the land tables' ``sink_measures.csv``, shape (1 + draws, 1)."""
    values = ctx.carbon.measures[sink]
    with resources.as_file(LAND_DATA / "sink_measures.csv") as path:
        table = pd.read_csv(path)
    table = table[table["measure"] == sink].set_index("parameter")
    names = list(values)
    value = np.array([float(values[k]) for k in names])
    low = np.array([float(table["low"].get(k, values[k])) for k in names])
    high = np.array([float(table["high"].get(k, values[k])) for k in names])
    low, high = np.minimum(low, value), np.maximum(high, value)
    rng = np.random.default_rng([ctx.rng_seed, stream])
    u = rng.random((ctx.n - 1, len(names)))
    drawn = np.vstack(
        [value[None, :], np.where(high > low, two_piece_quantile(u, low, value, high), value)]
    )
    return {k: drawn[:, i, None] for i, k in enumerate(names)}


def land_effect(measure: Measure, amount: float, ctx: Context) -> dict[str, Array]:
    """V.2 change (t CO2/a, negative = removal) of converting ``amount`` ha (km for hedges) from
    the start year, by the land model's growth curve of the matching sink measure, with the
    uncertainty of its rates."""
    sink = LAND_MEASURE[measure.type]
    if sink not in ctx.carbon.measures:
        raise PolicyError(f"{measure.where}: no sink measure {sink!r} in the land tables")
    params = sink_parameter_draws(ctx, sink, 101 + max(measure.index, 0))
    per_km = measure.type == "hedgerow" and "biomass_rate_per_km" in params
    # the growth curve broadcasts: parameters of shape (1 + draws, 1) give (1 + draws, years)
    curve = growth_curve(cast(Mapping[str, float], params), ctx.years - measure.start, per_km)
    return {"V.2": -amount * np.broadcast_to(curve, (ctx.n, len(ctx.years))) * CO2_PER_C}
