"""Effect of rooftop solar: the self-consumed yield replaces grid electricity up to each
building's use.

See :mod:`minettgeo.scenarios.effects` for the formulas."""

from __future__ import annotations

import numpy as np
import pandas as pd

from minettgeo.models import buildings as bmodel
from minettgeo.scenarios.effects.buildings import (
    building_components,
    selected_buildings,
)
from minettgeo.scenarios.effects.context import (
    Array,
    Context,
    ramp,
)
from minettgeo.scenarios.policy import Measure
from minettgeo.scenarios.targets import Selection


def pv_yield_kwh(rows: pd.DataFrame, ctx: Context, stream: int) -> Array:
    """Annual PV yield (kWh/a) of each building's roof, (1 + draws, buildings): footprint x
    usable roof share x kWp per m2 x specific yield (catalogue ``rooftop_solar``)."""
    footprint = np.asarray(rows.geometry.area, dtype=float)
    share = ctx.param_draws("rooftop_solar", "usable_roof_share", stream)
    kwp = ctx.param_draws("rooftop_solar", "kwp_per_m2_roof", stream + 1)
    spec = ctx.param_draws("rooftop_solar", "specific_yield_kwh_per_kwp", stream + 2)
    return (share * kwp * spec)[:, None] * footprint[None, :]


def solar_effect(
    measure: Measure, selection: Selection, ctx: Context
) -> tuple[dict[str, Array], pd.DataFrame]:
    rows = selected_buildings(ctx, selection)
    real = float(measure.params.get("share", 1.0)) * ramp(ctx.years, measure.start, measure.end)
    stream = 201 + 10 * max(measure.index, 0)
    yield_kwh = pv_yield_kwh(rows, ctx, stream)
    own = ctx.param_draws("rooftop_solar", "self_consumed_share", stream + 3)
    use = building_components(rows, ctx)["el_kwh"]
    saved = np.minimum(own[:, None] * yield_kwh, use)  # (1 + draws, buildings)
    sub = rows["use"].map(bmodel.SUBSECTOR_OF_USE).to_numpy(dtype=object)
    g_el = ctx.grid("electricity")[:, None] * ctx.m_el * real[None, :]
    out: dict[str, Array] = {}
    for code in sorted(set(sub.tolist())):
        kwh = saved[:, sub == code].sum(axis=1)
        out[f"{code}.2"] = -kwh[:, None] * g_el / 1000.0
    return out, rows
