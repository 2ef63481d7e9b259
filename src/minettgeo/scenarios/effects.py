"""The effect of one measure, year by year and by GPC row, as a change set on the engine's models.

A measure changes features: buildings added, removed or modified (renovated, switched to another
heating carrier), vehicle-km moved between classes, land planted or unsealed. Its effect in year
``y`` is the model's result for the changed features minus the result for the same features as
they are, never a formula of its own::

    delta(y, row) = sum over changed buildings b of  r(y, b) x [E_new(b, y, row) - E_old(b, y, row)]
    E(b, y, I.x.1) = scope-1 emissions of b                      (building model)
    E(b, y, I.x.2) = (kWh_el(b) x g_el x m_el(y) + kWh_dh(b) x g_dh x m_dh(y)) / 1000
    delta(y, II.1.1) = r(y) x road model(delta vehicle-km by class)
    delta(y, V.2)    = -r(y) x amount x growth curve(y - start) x 44/12      (land model; removal < 0)
    electric vehicles: a share s of the combustion car-km driven inside the target becomes
        battery-electric; with e = s_bev + s_phev x u the electric share of today's car-km
        (ev_charging table) and V the car-km inside the target (road model):
        delta(y, II.1.1) = r(y) x road model(-s x V / (1 - e) x (1 - e)) = -r(y) s V x EF_car
                           (EF_car, the fleet average, already counts electric km at 0: per
                           combustion km the tailpipe factor is EF_car / (1 - e))
        delta(y, II.1.2) = r(y) x EV model(s x V car-km, all battery-electric) x m_el(y)
    rooftop solar: yield Y(b) = footprint x usable share x kWp/m2 x specific yield (catalogue,
        until the per-building solar model is on main); the self-consumed part replaces grid
        electricity up to the building's use:
        delta(y, I.x.2) = -r(y) x min(c x Y(b), kWh_el(b)) x g_el x m_el(y) / 1000

``r(y, b)`` in [0, 1] is how far the measure is realised in year ``y`` (a ramp from start to end,
or worst-first renovation at a rate per year); ``g`` are the grid factors of the factor table and
``m(y)`` their path relative to today (``background.csv``). Every quantity is evaluated at once on
the central factor values (row 0) and on Monte Carlo draws of every factor and path (rows 1..n),
so the interval of a change comes from the same draws as the inventory's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import cast

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray

from minettgeo.errors import PolicyError
from minettgeo.factors.tables import FactorSet
from minettgeo.land.potential import growth_curve
from minettgeo.land.tables import CO2_PER_C, CarbonTables
from minettgeo.land.tables import DATA as LAND_DATA
from minettgeo.layers.codes import RESIDENTIAL_USES, VEHICLE_CLASS
from minettgeo.models import buildings as bmodel
from minettgeo.models import ev as evmodel
from minettgeo.models import transport as tmodel
from minettgeo.scenarios.policy import LAST_YEAR, Measure
from minettgeo.scenarios.targets import Selection, member
from minettgeo.uncertainty.distributions import two_piece_quantile

Array = NDArray[np.float64]
DATA = resources.files("minettgeo.scenarios") / "data"
#: the inventory's year: the layers describe the stock and traffic of 2024
BASE_YEAR = 2024
YEARS = np.arange(BASE_YEAR, LAST_YEAR + 1)
#: land measures of a policy -> the sink measure of the land tables that carries their growth
LAND_MEASURE = {
    "unsealing": "unsealing_green",
    "afforestation": "afforestation_broadleaf",
    "hedgerow": "hedgerow",
}
RENOVATION_STATE_OF = {"deep_renovation": "deep", "partial_renovation": "partial"}
STATE_ORDER = {"none": 0, "partial": 1, "deep": 2}
FOSSIL = ("natural_gas", "heating_oil")


@dataclass(frozen=True)
class Catalogue:
    """Effect and resource parameters of the measures (``measures.csv``) and the exogenous paths
    (``background.csv``)."""

    params: pd.DataFrame  # columns measure, parameter, unit, value, low, high, source, year
    background: pd.DataFrame

    def bounds(self, measure: str, parameter: str) -> tuple[float, float, float]:
        """(low, value, high) of a parameter; PolicyError naming the table when absent."""
        rows = self.params[
            (self.params["measure"] == measure) & (self.params["parameter"] == parameter)
        ]
        if rows.empty:
            raise PolicyError(
                f"no parameter {parameter!r} for measure {measure!r} in the measures catalogue "
                "(minettgeo/scenarios/data/measures.csv)"
            )
        row = rows.iloc[0]
        return float(row["low"]), float(row["value"]), float(row["high"])

    def value(self, measure: str, parameter: str) -> float:
        return self.bounds(measure, parameter)[1]


def load_catalogue() -> Catalogue:
    """The shipped measures catalogue and background paths."""
    with resources.as_file(DATA / "measures.csv") as path:
        params = pd.read_csv(path)
    with resources.as_file(DATA / "background.csv") as path:
        background = pd.read_csv(path)
    return Catalogue(params=params, background=background)


def path_multipliers(
    catalogue: Catalogue, variable: str, u: Array, years: NDArray[np.int64]
) -> Array:
    """Path of ``variable`` (ratio to today's factor) for each row of ``u`` (quantile of the
    path's uncertainty, 0.5 = central; one quantile per row applies to every year) at ``years``.

    Values between the years of the table are linear; before the first year the first value,
    after the last the last. The quantile q maps to low..value..high piecewise linearly
    (q = 0, 0.5, 1)."""
    table = catalogue.background[catalogue.background["variable"] == variable].sort_values("year")
    if table.empty:
        raise PolicyError(f"no background path {variable!r} in scenarios/data/background.csv")
    ty = table["year"].to_numpy(dtype=float)
    at = {
        c: np.interp(years.astype(float), ty, table[c].to_numpy(dtype=float))
        for c in ("low", "value", "high")
    }
    q = np.asarray(u, dtype=float)[:, None]
    below = at["low"] + (at["value"] - at["low"]) * (q / 0.5)
    above = at["value"] + (at["high"] - at["value"]) * ((q - 0.5) / 0.5)
    return np.where(q <= 0.5, below, above)


@dataclass(frozen=True)
class Context:
    """What every effect needs: factors with central values and draws, paths, the region."""

    factors: FactorSet
    thetas: Array  # (1 + draws, parameters); row 0 = central values
    m_el: Array  # (1 + draws, years)
    m_dh: Array
    buildings: gpd.GeoDataFrame
    parcels: gpd.GeoDataFrame
    roads: gpd.GeoDataFrame
    carbon: CarbonTables
    catalogue: Catalogue
    rng_seed: int
    years: NDArray[np.int64] = field(default_factory=lambda: YEARS.copy())
    #: vehicle-km inside targets already computed (keyed by the target's parcel ids)
    memo: dict[tuple[object, ...], object] = field(default_factory=dict, repr=False)
    districts: gpd.GeoDataFrame | None = field(default=None, repr=False)

    @property
    def n(self) -> int:
        return int(self.thetas.shape[0])

    def grid(self, carrier: str) -> Array:
        """Grid factor (kg CO2e/kWh) of ``carrier`` in every row."""
        i = self.factors.index("grid_factors", "energy carrier", carrier=carrier, gas="CO2e")[0]
        return self.thetas[:, i]

    def param_draws(self, measure: str, parameter: str, stream: int) -> Array:
        """Central value and draws of a catalogue parameter (row 0 central), seeded per stream."""
        low, value, high = self.catalogue.bounds(measure, parameter)
        rng = np.random.default_rng([self.rng_seed, stream])
        drawn = two_piece_quantile(
            rng.random(self.n - 1), np.array(low), np.array(value), np.array(high)
        )
        return np.concatenate([[value], drawn])


def make_context(
    factors: FactorSet,
    buildings: gpd.GeoDataFrame,
    parcels: gpd.GeoDataFrame,
    roads: gpd.GeoDataFrame,
    carbon: CarbonTables,
    *,
    draws: int,
    seed: int,
    catalogue: Catalogue | None = None,
    districts: gpd.GeoDataFrame | None = None,
) -> Context:
    """Central values and ``draws`` seeded draws of every factor and background path;
    ``districts`` (optional) speeds up vehicle-km inside targets made of whole districts."""
    catalogue = catalogue or load_catalogue()
    rng = np.random.default_rng(seed)
    thetas = np.vstack([factors.theta[None, :], factors.draw(draws, rng)])
    u = np.concatenate([[0.5], rng.random(draws)])
    u_dh = np.concatenate([[0.5], rng.random(draws)])
    return Context(
        factors=factors,
        thetas=thetas,
        m_el=path_multipliers(catalogue, "electricity_factor", u, YEARS),
        m_dh=path_multipliers(catalogue, "district_heat_factor", u_dh, YEARS),
        buildings=buildings,
        parcels=parcels,
        roads=roads,
        carbon=carbon,
        catalogue=catalogue,
        rng_seed=seed,
        districts=districts,
    )


@dataclass(frozen=True)
class Effect:
    """The change of one measure: t CO2e/a per GPC row and year, central (row 0) and draws."""

    measure: Measure
    rows: Mapping[str, Array]  # GPC code -> (1 + draws, years)
    resources: Mapping[str, float]  # cost_eur, person_days, area_ha (central)
    changed: Mapping[str, int]  # what changed: buildings added/modified/removed, ha, km
    years: NDArray[np.int64]

    def total(self) -> Array:
        """All rows summed, (1 + draws, years)."""
        shape = (next(iter(self.rows.values())).shape) if self.rows else (1, len(self.years))
        out = np.zeros(shape)
        for values in self.rows.values():
            out = out + values
        return out


def ramp(years: NDArray[np.int64], start: int, end: int) -> Array:
    """Realised share of a measure ramped linearly: 1/(end-start+1) more each year from start."""
    span = max(end - start + 1, 1)
    return np.clip((years - start + 1) / span, 0.0, 1.0)


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


def _add(a: dict[str, Array], b: Mapping[str, Array], sign: float = 1.0) -> dict[str, Array]:
    out = dict(a)
    for k, v in b.items():
        out[k] = out.get(k, 0.0) + sign * v
    return out


def _selected(ctx: Context, selection: Selection) -> pd.DataFrame:
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
    old = _selected(ctx, selection)
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
    old = _selected(ctx, selection)
    old = old[old["heating_carrier"].isin(sources)]
    new = old.assign(heating_carrier=to)
    share = float(measure.params.get("share", 1.0))
    real = share * ramp(ctx.years, measure.start, measure.end)
    if dh_factor is None:
        return building_delta(old, new, real, ctx), old
    rows = _add(
        building_rows(new, real, ctx, dh_factor=dh_factor), building_rows(old, real, ctx), -1.0
    )
    return rows, old


def vkm_inside(ctx: Context, selection: Selection) -> Array:
    """Vehicle-km per year by class driven inside the selection's area (road model, length
    share inside), shape (classes,)."""
    key = ("vkm", len(selection.parcel_ids), hash(tuple(selection.parcel_ids.tolist())))
    if key in ctx.memo:
        return cast(Array, ctx.memo[key])
    whole = whole_districts(ctx, selection)
    if whole is not None:
        by_district = district_vkm(ctx)
        out_d: Array = by_district.reindex(whole).fillna(0.0).to_numpy().sum(axis=0)
        ctx.memo[key] = out_d
        return out_d
    zone = gpd.GeoDataFrame({"zone": ["target"]}, geometry=[selection.area], crs=ctx.parcels.crs)
    shares = tmodel.length_shares(ctx.roads, zone, "zone")
    length = ctx.roads.geometry.length.to_numpy(dtype=float)
    vkm = tmodel.vehicle_km(ctx.roads, length)
    pos = ctx.roads.index.get_indexer(shares["road"].to_numpy())
    out: Array = (vkm[pos] * shares["share"].to_numpy()[:, None]).sum(axis=0)
    ctx.memo[key] = out
    return out


def whole_districts(ctx: Context, selection: Selection) -> list[str] | None:
    """The district ids when the selection is exactly a set of whole districts (and the
    districts layer is known), else None."""
    if ctx.districts is None or "district_id" not in ctx.parcels:
        return None
    district = ctx.parcels["district_id"].astype(str)
    chosen = member(ctx.parcels["parcel_id"].to_numpy(dtype=object), selection.parcel_ids)
    touched = district[chosen].value_counts()
    total = district.value_counts().reindex(touched.index)
    if len(touched) == 0 or not (touched == total).all():
        return None
    return [str(d) for d in touched.index]


def district_vkm(ctx: Context) -> pd.DataFrame:
    """Vehicle-km per year by class inside each district (length shares, as the inventory
    allocates roads), districts x classes; computed once per context."""
    key: tuple[object, ...] = ("district_vkm",)
    if key not in ctx.memo:
        assert ctx.districts is not None
        shares = tmodel.length_shares(ctx.roads, ctx.districts, "district_id")
        length = ctx.roads.geometry.length.to_numpy(dtype=float)
        vkm = tmodel.vehicle_km(ctx.roads, length)
        pos = ctx.roads.index.get_indexer(shares["road"].to_numpy())
        weighted = pd.DataFrame(
            vkm[pos] * shares["share"].to_numpy()[:, None], columns=list(VEHICLE_CLASS)
        )
        weighted["zone"] = shares["zone"].astype(str).to_numpy()
        ctx.memo[key] = weighted.groupby("zone")[list(VEHICLE_CLASS)].sum()
    return cast(pd.DataFrame, ctx.memo[key])


def road_rows(delta_vkm: Array, ctx: Context) -> Array:
    """t CO2e/a (1 + draws,) of a change of vehicle-km by class (rows of factors), road model."""
    activity = tmodel.resolve_road_factors(np.atleast_2d(delta_vkm), ctx.factors)
    return tmodel.road_formula(activity, ctx.thetas)["ghg_tco2e_a"][:, 0]


CLASS = {c: i for i, c in enumerate(VEHICLE_CLASS)}


def transport_effect(
    measure: Measure, selection: Selection, ctx: Context, car_vkm: float | None = None
) -> dict[str, Array]:
    """II.1.1 change of a modal shift or traffic change; ``car_vkm``: the car-km inside the
    target when already known."""
    p = measure.params
    nclass = len(VEHICLE_CLASS)
    if measure.type == "traffic_change":
        delta = np.zeros(nclass)
        for vc, value in dict(p["vkm_a"]).items():
            delta[CLASS[vc]] = float(value)
        per_year = road_rows(delta, ctx)
        real = (ctx.years >= measure.start).astype(float)
        return {"II.1.1": per_year[:, None] * real[None, :]}
    inside = vkm_inside(ctx, selection)[CLASS["car"]] if car_vkm is None else car_vkm
    car = inside * float(p["share"])
    real = ramp(ctx.years, measure.start, measure.end)
    delta = np.zeros(nclass)
    delta[CLASS["car"]] = -car
    out = road_rows(delta, ctx)
    if p["to"] == "bus":
        ratio = ctx.param_draws("modal_shift", "bus_vkm_per_car_vkm", 11 + measure.index)
        bus = np.zeros(nclass)
        bus[CLASS["bus"]] = car
        out = out + road_rows(bus, ctx) * ratio
    return {"II.1.1": out[:, None] * real[None, :]}


def ev_rows(car_vkm: float, ctx: Context) -> dict[str, Array]:
    """Change per year (1 + draws,) of ``car_vkm`` car-km per year moving from combustion to
    battery-electric cars: tailpipe (road model) and charging (EV model, battery cars only)."""
    probe = evmodel.resolve_ev_factors(np.array([1.0]), ctx.factors)
    shares = evmodel.ev_formula(probe, ctx.thetas)["ev_vkm_a"][:, 0]  # electric share e
    delta = np.zeros(len(VEHICLE_CLASS))
    delta[CLASS["car"]] = -car_vkm
    tailpipe = road_rows(delta, ctx) / (1.0 - shares)
    bev = ctx.thetas.copy()
    bev[:, probe.index["bev_fleet_share"]] = 1.0
    bev[:, probe.index["phev_fleet_share"]] = 0.0
    charging = evmodel.ev_formula(
        evmodel.resolve_ev_factors(np.array([car_vkm]), ctx.factors), bev
    )["ev_kwh_a"][:, 0]
    return {"II.1.1": tailpipe, "II.1.2_kwh": charging}


def electric_vehicle_effect(
    measure: Measure, selection: Selection, ctx: Context
) -> tuple[dict[str, Array], float]:
    car = float(vkm_inside(ctx, selection)[CLASS["car"]]) * float(measure.params["share"])
    real = ramp(ctx.years, measure.start, measure.end)
    parts = ev_rows(car, ctx)
    g_el = ctx.grid("electricity")[:, None] * ctx.m_el
    return {
        "II.1.1": parts["II.1.1"][:, None] * real[None, :],
        "II.1.2": parts["II.1.2_kwh"][:, None] * g_el * real[None, :] / 1000.0,
    }, car


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
    rows = _selected(ctx, selection)
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


def measure_effect(measure: Measure, selection: Selection, ctx: Context) -> Effect:
    """The effect of ``measure`` on ``selection`` (see the module docstring)."""
    cat = ctx.catalogue
    t = measure.type
    rows: dict[str, Array]
    cost = 0.0
    days = 0.0
    area_ha = 0.0
    changed: dict[str, int] = {}
    if t == "new_development":
        new = new_buildings(measure, selection, ctx)
        real = (ctx.years >= measure.start).astype(float)
        rows = building_rows(new, real, ctx)
        days = len(new) * cat.value("new_development", "person_days_per_building")
        changed = {"buildings_added": len(new), "dwellings_added": int(new["dwellings"].sum())}
    elif t == "demolition":
        old = _selected(ctx, selection)
        real = (ctx.years >= measure.start).astype(float)
        rows = _add({}, building_rows(old, real, ctx), -1.0)
        days = len(old) * cat.value("demolition", "person_days_per_building")
        changed = {"buildings_removed": len(old)}
    elif t in RENOVATION_STATE_OF:
        rows = renovation_effect(measure, selection, ctx)
        old = _selected(ctx, selection)
        old = old[old["renovation_state"].map(STATE_ORDER) < STATE_ORDER[RENOVATION_STATE_OF[t]]]
        old = old[old["heating_carrier"] != "none"]
        final = min(1.0, float(measure.params["rate_per_year"]) * (LAST_YEAR - measure.start + 1))
        n_done = int(np.floor(final * len(old) + 1e-9))
        area = float(old["heated_area_m2"].sort_values().iloc[-n_done:].sum()) if n_done else 0.0
        cost = area * cat.value(t, "cost_eur_per_m2")
        days = n_done * cat.value(t, "person_days_per_building")
        changed = {"buildings_modified": n_done}
    elif t in ("heating_switch", "district_heating_network"):
        to = "district_heat" if t == "district_heating_network" else str(measure.params["to"])
        sources = FOSSIL if t == "district_heating_network" else tuple(measure.params["from"])
        factor = measure.params.get("heat_factor_kg_per_kwh")
        rows, old = switch_effect(
            measure, selection, ctx, to, sources, None if factor is None else float(factor)
        )
        share = float(measure.params.get("share", 1.0))
        heated = float(old["heated_area_m2"].sum()) * share
        if t == "district_heating_network":
            need_mwh = central_values(old, ctx)["heat_need_kwh_a"].sum() / 1000.0
            cost = need_mwh * share * cat.value(t, "cost_eur_per_mwh_a")
            days = len(old) * share * cat.value(t, "person_days_per_building")
        else:
            unit_cost = (
                0.0
                if to == "direct_electric"
                else cat.value("heating_switch", f"cost_eur_per_m2_{to}")
            )
            cost = heated * unit_cost
            days = len(old) * share * cat.value("heating_switch", "person_days_per_building")
        changed = {"buildings_modified": round(len(old) * share)}
    elif t in ("modal_shift", "traffic_change"):
        inside = float(vkm_inside(ctx, selection)[CLASS["car"]]) if t == "modal_shift" else 0.0
        rows = transport_effect(measure, selection, ctx, inside)
        if t == "modal_shift":
            car = inside * float(measure.params["share"])
            if measure.params["to"] == "bus":
                cost = (
                    car
                    * cat.value("modal_shift", "bus_vkm_per_car_vkm")
                    * cat.value("modal_shift", "cost_eur_per_bus_vkm")
                    * (LAST_YEAR - measure.start + 1)
                )
            else:
                cost = (
                    car
                    * cat.value("modal_shift", "cost_eur_per_car_vkm_active")
                    * (LAST_YEAR - measure.start + 1)
                )
            changed = {"car_vkm_shifted_a": round(car)}
    elif t == "electric_vehicles":
        rows, car = electric_vehicle_effect(measure, selection, ctx)
        cars = car / cat.value("electric_vehicles", "vkm_per_car")
        cost = cars * cat.value("electric_vehicles", "cost_eur_per_car")
        days = cars / 1000.0 * cat.value("electric_vehicles", "person_days_per_1000_cars")
        changed = {"car_vkm_electrified_a": round(car)}
    elif t == "rooftop_solar":
        rows, roofs = solar_effect(measure, selection, ctx)
        share = float(measure.params.get("share", 1.0))
        footprint = float(np.asarray(roofs.geometry.area, dtype=float).sum()) * share
        kwp = (
            footprint
            * cat.value("rooftop_solar", "usable_roof_share")
            * cat.value("rooftop_solar", "kwp_per_m2_roof")
        )
        cost = kwp * cat.value("rooftop_solar", "cost_eur_per_kwp")
        days = len(roofs) * share * cat.value("rooftop_solar", "person_days_per_building")
        changed = {"buildings_modified": round(len(roofs) * share), "kwp_installed": round(kwp)}
    elif t in LAND_MEASURE:
        amount = land_amount(measure, selection, ctx)
        rows = land_effect(measure, amount, ctx)
        if t == "hedgerow":
            cost = amount * cat.value("hedgerow", "cost_eur_per_km")
            days = amount * cat.value("hedgerow", "person_days_per_km")
            area_ha = (
                amount * 1000.0 * ctx.carbon.measures["hedgerow"].get("hedge_width_m", 4.0) / 1e4
            )
            changed = {"hedge_km": round(amount)}
        elif t == "unsealing":
            cost = amount * 1e4 * cat.value("unsealing", "cost_eur_per_m2")
            days = amount * cat.value("unsealing", "person_days_per_ha")
            area_ha = amount
        else:
            cost = amount * cat.value("afforestation", "cost_eur_per_ha")
            days = amount * cat.value("afforestation", "person_days_per_ha")
            area_ha = amount
    else:
        raise PolicyError(f"{measure.where}: measure type {t!r} is not available")
    return Effect(
        measure=measure,
        rows=rows,
        resources={"cost_eur": float(cost), "person_days": float(days), "area_ha": float(area_ha)},
        changed=changed,
        years=ctx.years,
    )
