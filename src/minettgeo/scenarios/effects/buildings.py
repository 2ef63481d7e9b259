"""Effects of measures on buildings (new, demolished, renovated, heating switched), from the
building model: added, removed and changed buildings evaluated for every factor draw.

See :mod:`minettgeo.scenarios.effects` for the formulas."""

from __future__ import annotations

from collections.abc import Mapping
from typing import cast

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray

from minettgeo.errors import PolicyError
from minettgeo.layers.codes import RESIDENTIAL_USES
from minettgeo.models import buildings as bmodel
from minettgeo.scenarios.effects.context import (
    Array,
    Context,
    ramp,
)
from minettgeo.scenarios.policy import Measure
from minettgeo.scenarios.targets import Selection, member

RENOVATION_STATE_OF = {"deep_renovation": "deep", "partial_renovation": "partial"}
STATE_ORDER = {"none": 0, "partial": 1, "deep": 2}
FOSSIL = ("natural_gas", "heating_oil")


ACTIVITY_COLUMNS = ("use", "construction_period", "renovation_state", "heating_carrier")


def activity_of(rows: pd.DataFrame, ctx: Context) -> bmodel.BuildingActivity:
    """The building model's factor indices of ``rows`` (``resolve_building_factors``), resolved
    once per distinct (use, period, renovation state, carrier) and spread to the rows; the
    electricity basis (dwellings or area) is the one the model picks for each distinct row."""
    per_column = [pd.factorize(rows[c].astype(str), sort=True) for c in ACTIVITY_COLUMNS]
    stacked = np.column_stack([c for c, _ in per_column])
    combos, first, codes = np.unique(stacked, axis=0, return_index=True, return_inverse=True)
    codes = codes.reshape(-1)
    distinct = tuple(
        tuple(str(u[j]) for (_, u), j in zip(per_column, combo, strict=True)) for combo in combos
    )
    key: tuple[object, ...] = ("activity", distinct)
    if key not in ctx.memo:
        if len(ctx.memo) > 256:
            ctx.memo.clear()
        probe = rows.iloc[first].assign(heated_area_m2=1.0, dwellings=0)
        ctx.memo[key] = bmodel.resolve_building_factors(probe, ctx.factors)
    unit = cast(bmodel.BuildingActivity, ctx.memo[key])
    area = rows["heated_area_m2"].to_numpy(dtype=float)
    dwellings = rows["dwellings"].to_numpy(dtype=float)
    by_area = unit.electricity_basis[codes] > 0  # the model's basis is the area, not dwellings
    return bmodel.BuildingActivity(
        heated_area_m2=area,
        electricity_basis=np.where(by_area, area, dwellings),
        heated=unit.heated[codes],
        biogenic=unit.biogenic[codes],
        index={name: idx[codes] for name, idx in unit.index.items()},
    )


def building_components(rows: pd.DataFrame, ctx: Context) -> dict[str, Array]:
    """Scope-1 t CO2e/a, grid electricity kWh/a and district heat kWh/a of each building in each
    factor row (1 + draws, buildings), from the building model."""
    if len(rows) == 0:
        zero = np.zeros((ctx.n, 0))
        return {"scope1": zero, "el_kwh": zero, "dh_kwh": zero}
    activity = activity_of(rows, ctx)
    out = bmodel.building_formula(activity, ctx.thetas)
    grid = rows["heating_carrier"].map(bmodel.GRID_OF_CARRIER).to_numpy(dtype=object)
    heat = out["heating_final_kwh_a"]
    return {
        "scope1": out["scope1_tco2e_a"],
        "el_kwh": out["electricity_kwh_a"] + np.where(grid == "electricity", heat, 0.0),
        "dh_kwh": np.where(grid == "district_heat", heat, 0.0),
    }


def building_rows(
    rows: pd.DataFrame,
    realised: Array,
    ctx: Context,
    *,
    dh_factor: float | None = None,
) -> dict[str, Array]:
    """t CO2e/a per GPC row (1 + draws, years) of ``rows`` realised to ``realised`` (years x
    buildings, or a 1-D share per year applied to every building).

    The building model is linear in heated area (heat) and in its electricity basis (dwellings
    or area) for buildings that share every factor: the model is evaluated once per such group
    on a unit area and a unit basis, for every draw, and multiplied by the realised area and
    basis of the group in each year (the same numbers as building by building, without a
    buildings x draws array)."""
    years = len(ctx.years)
    if len(rows) == 0:
        return {}
    real = np.broadcast_to(
        realised if realised.ndim == 2 else realised[:, None], (years, len(rows))
    )
    activity = activity_of(rows, ctx)
    sub = rows["use"].map(bmodel.SUBSECTOR_OF_USE).to_numpy(dtype=object)
    grid = rows["heating_carrier"].map(bmodel.GRID_OF_CARRIER).to_numpy(dtype=object)
    grid_code = np.where(grid == "electricity", 1, np.where(grid == "district_heat", 2, 0))
    sub_codes = sorted(set(sub.tolist()))
    sub_code = np.array([sub_codes.index(x) for x in sub], dtype=np.int64)
    names = list(activity.index)
    key = np.column_stack(
        [activity.index[n] for n in names]
        + [
            activity.heated.astype(np.int64),
            activity.biogenic.astype(np.int64),
            grid_code,
            sub_code,
        ]
    )
    uniq, inverse = np.unique(key, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    k = len(names)
    groups = len(uniq)

    def unit(area: float, basis: float) -> dict[str, Array]:
        act = bmodel.BuildingActivity(
            heated_area_m2=np.full(groups, area),
            electricity_basis=np.full(groups, basis),
            heated=uniq[:, k].astype(bool),
            biogenic=uniq[:, k + 1].astype(bool),
            index={n: uniq[:, j] for j, n in enumerate(names)},
        )
        return bmodel.building_formula(act, ctx.thetas)

    heat, elec = unit(1.0, 0.0), unit(0.0, 1.0)
    area = activity.heated_area_m2
    basis = activity.electricity_basis
    a_real = np.zeros((groups, years))
    b_real = np.zeros((groups, years))
    for j in range(years):
        a_real[:, j] = np.bincount(inverse, weights=real[j] * area, minlength=groups)
        b_real[:, j] = np.bincount(inverse, weights=real[j] * basis, minlength=groups)
    g_grid = uniq[:, k + 2]
    el_unit = heat["heating_final_kwh_a"] * (g_grid == 1)
    dh_unit = heat["heating_final_kwh_a"] * (g_grid == 2)
    g_el = ctx.grid("electricity")[:, None] * ctx.m_el
    g_dh = (
        np.full((ctx.n, years), dh_factor)
        if dh_factor is not None
        else ctx.grid("district_heat")[:, None] * ctx.m_dh
    )
    out: dict[str, Array] = {}
    for c, code in enumerate(sub_codes):
        m = uniq[:, k + 3] == c
        out[f"{code}.1"] = heat["scope1_tco2e_a"][:, m] @ a_real[m]
        el = el_unit[:, m] @ a_real[m] + elec["electricity_kwh_a"][:, m] @ b_real[m]
        dh = dh_unit[:, m] @ a_real[m]
        out[f"{code}.2"] = (el * g_el + dh * g_dh) / 1000.0
    return out


def add_rows(a: dict[str, Array], b: Mapping[str, Array], sign: float = 1.0) -> dict[str, Array]:
    out = dict(a)
    for k, v in b.items():
        out[k] = out.get(k, 0.0) + sign * v
    return out


def selected_buildings(ctx: Context, selection: Selection) -> pd.DataFrame:
    b = ctx.buildings
    return b[member(b["building_id"].to_numpy(dtype=object), selection.building_ids)]


def new_buildings(measure: Measure, selection: Selection, ctx: Context) -> gpd.GeoDataFrame:
    """The buildings a new development adds: one per target parcel, the dwellings (or floor
    area) split by parcel area; heated area from the catalogue's m2 per dwelling when only
    dwellings are given; built to the current standard (period 2017_2030, not renovated)."""
    p = measure.params
    use = str(p.get("use", "apartment_block"))
    parcels = ctx.parcels[
        member(ctx.parcels["parcel_id"].to_numpy(dtype=object), selection.parcel_ids)
    ]
    weight = parcels.geometry.area.to_numpy()
    weight = weight / weight.sum()
    residential = use in RESIDENTIAL_USES
    dwellings_total = int(p.get("dwellings", 0)) if residential else 0
    if "floor_area_m2" in p:
        area_total = float(p["floor_area_m2"])
    elif residential:
        area_total = dwellings_total * ctx.catalogue.value(
            "new_development", f"m2_per_dwelling_{use}"
        )
    else:
        raise PolicyError(
            f"{measure.where}: a non-residential development ({use}) needs floor_area_m2"
        )
    dw = split_whole(dwellings_total, weight)
    floors = int(p.get("floors", 4 if residential else 2))
    footprint = area_total * weight / floors / 0.85
    centre = shapely.point_on_surface(parcels.geometry.to_numpy())
    geoms = shapely.buffer(centre, np.sqrt(np.maximum(footprint, 1.0)) / 2.0, cap_style="square")
    return gpd.GeoDataFrame(
        {
            "building_id": [f"NEW-{measure.index}-{i}" for i in range(len(parcels))],
            "parcel_id": parcels["parcel_id"].to_numpy(dtype=object),
            "use": use,
            "construction_period": "2017_2030",
            "floors": floors,
            "heated_area_m2": area_total * weight,
            "dwellings": dw,
            "heating_carrier": str(p["heating_carrier"]),
            "renovation_state": "none",
        },
        geometry=geoms,
        crs=ctx.parcels.crs,
    )


def split_whole(total: int, weight: Array) -> NDArray[np.int64]:
    """``total`` split into whole numbers proportional to ``weight`` that add up exactly
    (largest remainders)."""
    share = total * weight
    whole = np.floor(share).astype(np.int64)
    extra = np.argsort(-(share - whole), kind="stable")[: total - int(whole.sum())]
    whole[extra] += 1
    return whole


def central_values(rows: pd.DataFrame, ctx: Context) -> dict[str, Array]:
    """Building-model results of ``rows`` at the central factor values."""
    if len(rows) == 0:
        return {"heat_need_kwh_a": np.zeros(0)}
    return bmodel.building_formula(activity_of(rows, ctx), ctx.factors.theta)


def worst_first(rows: pd.DataFrame, ctx: Context, rate: float, start: int, order: str) -> Array:
    """Realisation (years x buildings) of renovating ``rate`` of the buildings per year from
    ``start``, worst first (highest central heat need per m2) or in the order given."""
    n = len(rows)
    if n == 0:
        return np.zeros((len(ctx.years), 0))
    if order == "worst_first":
        need = central_values(rows, ctx)["heat_need_kwh_a"] / np.maximum(
            rows["heated_area_m2"].to_numpy(float), 1.0
        )
        position = np.empty(n, dtype=np.int64)
        position[np.argsort(-need, kind="stable")] = np.arange(n)
    else:
        position = np.arange(n)
    done = np.floor(np.clip(rate * (ctx.years - start + 1), 0.0, 1.0) * n + 1e-9)
    return (position[None, :] < done[:, None]).astype(float)


def renovation_effect(measure: Measure, selection: Selection, ctx: Context) -> dict[str, Array]:
    state = RENOVATION_STATE_OF[measure.type]
    old = selected_buildings(ctx, selection)
    old = old[old["renovation_state"].map(STATE_ORDER) < STATE_ORDER[state]]
    old = old[old["heating_carrier"] != "none"]
    new = old.assign(renovation_state=state)
    p = measure.params
    real = worst_first(old, ctx, float(p["rate_per_year"]), measure.start, str(p["order"]))
    return building_delta(old, new, real, ctx)


def building_delta(
    old: pd.DataFrame, new: pd.DataFrame, real: Array, ctx: Context
) -> dict[str, Array]:
    """building_rows(new) - building_rows(old) for the same realisation, in one evaluation
    (the model is linear in the realisation: old rows enter with the realisation negated)."""
    if real.ndim == 1:
        real = np.broadcast_to(real[:, None], (len(ctx.years), len(old)))
    both = pd.concat([new, old], ignore_index=True)
    return building_rows(both, np.concatenate([real, -real], axis=1), ctx)


def switch_effect(
    measure: Measure,
    selection: Selection,
    ctx: Context,
    to: str,
    sources: tuple[str, ...],
    dh_factor: float | None = None,
) -> tuple[dict[str, Array], pd.DataFrame]:
    old = selected_buildings(ctx, selection)
    old = old[old["heating_carrier"].isin(sources)]
    new = old.assign(heating_carrier=to)
    share = float(measure.params.get("share", 1.0))
    real = share * ramp(ctx.years, measure.start, measure.end)
    if dh_factor is None:
        return building_delta(old, new, real, ctx), old
    rows = add_rows(
        building_rows(new, real, ctx, dh_factor=dh_factor), building_rows(old, real, ctx), -1.0
    )
    return rows, old
