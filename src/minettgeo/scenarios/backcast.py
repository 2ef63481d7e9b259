"""The back-cast of the 2005 baseline by the engine's models, every assumption in
``data/backcast_2005.csv`` (:mod:`backcast_assumptions`).

Back-cast (the same per-feature models as ``minettgeo run``, on the 2005 features and factors)::

    buildings   every building b of today's stock with weight  s(period(b))          (stock_share_2005)
                split into its possible 2005 states: carrier c' with share p(c' | c)  (carrier_2005)
                and renovation state r' with share q(r' | r)                           (renovation_2005)
                E_2005(I.x.k) = sum over b, c', r' of s x p x q x building model(b with c', r'; F_2005)
    roads       E_2005(II.1.1) = road model(vehicle-km x traffic_2005; vehicle factors x fleet_2005)
    F_2005      the factor set with the 2005 electricity and district-heat factors (grid_2005)
    population  P_2005(c) = P_2015(c) x P_region(2011) / P_region(2015) x P_LU(2005) / P_LU(2011)
    waste       E_2005(III.x) = E_now(III.x) x P_2005(c) / P_now(c)       (per-capita models)
    EV charging E_2005(II.1.2) = 0; rail, district-heat plants, land: the current value (stated)

Territorial basis: the inventory counts traffic on the region's roads (GPC territorial), not the
fuel sold in Luxembourg. The national inventory is on a fuel-sales basis and includes the fuel
sold to non-residents ("fuel tourism", 2.55 Mt CO2 in 2022 for the country): the region's
2005 and current totals are comparable with each other, not with a share of national figures.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from minettgeo.errors import PolicyError
from minettgeo.factors.tables import FactorSet
from minettgeo.layers.region import RegionLayers
from minettgeo.models import buildings as bmodel
from minettgeo.models import transport as tmodel
from minettgeo.scenarios.backcast_assumptions import (
    _value,
    factors_2005,
    load_assumptions,
    population_2005,
)
from minettgeo.scenarios.baseline import Baseline, current_rows


def states_2005(
    buildings: pd.DataFrame, a: pd.DataFrame, periods: set[str]
) -> tuple[pd.DataFrame, NDArray[np.int64]]:
    """Today's buildings of the construction ``periods`` in each possible 2005 state (carrier
    ``c>c'`` and renovation ``r>r'`` rows of the assumptions), and per row the positions in
    ``a`` of its stock-share, carrier and renovation assumption rows (rows x 3)."""
    pos = pd.Series(np.arange(len(a)), index=a.index)
    share = a[a["variable"] == "stock_share_2005"]
    period = buildings["construction_period"].astype(str)
    keyed = dict(zip(share["key"].astype(str), pos[share.index], strict=True))
    unknown = sorted(set(period) - set(keyed))
    if unknown:
        raise PolicyError(
            f"back-cast assumptions: no stock_share_2005 for period(s) {', '.join(unknown)}"
        )
    out = buildings[period.isin(periods).to_numpy()].assign(_js=period.map(keyed))
    for variable, col in (
        ("carrier_2005", "heating_carrier"),
        ("renovation_2005", "renovation_state"),
    ):
        part = a[a["variable"] == variable]
        keys = part["key"].astype(str).str.split(">", n=1)
        tr = pd.DataFrame(
            {
                col: keys.str[0].to_numpy(),
                "_new": keys.str[1].to_numpy(),
                f"_j{col}": pos[part.index].to_numpy(),
            }
        )
        unknown = sorted(set(out[col].astype(str)) - set(tr[col]))
        if unknown:
            raise PolicyError(
                f"back-cast assumptions: no {variable} row for {', '.join(unknown)} "
                f"(add rows '{unknown[0]}>...' to the table)"
            )
        out = out.merge(tr, on=col, how="inner")
        out[col] = out.pop("_new")
    j = np.column_stack(
        [
            out.pop(c).to_numpy(dtype=np.int64)
            for c in ("_js", "_jheating_carrier", "_jrenovation_state")
        ]
    )
    return out.reset_index(drop=True), j


def stock_2005(buildings: pd.DataFrame, a: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """Today's buildings expanded into their possible 2005 states (:func:`states_2005`), and the
    weight of each row (stock share x carrier share x renovation share); rows of weight 0
    dropped."""
    share = a[a["variable"] == "stock_share_2005"]
    live = {str(k) for k, v in zip(share["key"], share["value"], strict=True) if v > 0}
    out, j = states_2005(buildings, a, live)
    value = a["value"].to_numpy(dtype=float)
    weight = value[j[:, 0]] * value[j[:, 1]] * value[j[:, 2]]
    keep = weight > 0
    return out[keep].reset_index(drop=True), weight[keep]


def backcast(
    region: RegionLayers,
    factors: FactorSet,
    inventory: pd.DataFrame,
    population_now: Mapping[str, float],
    *,
    assumptions: pd.DataFrame | None = None,
    origin: str = "minettgeo (backcast_2005.csv)",
) -> Baseline:
    """2005 per commune and GPC row by the engine's models (module docstring). ``inventory``:
    the current GPC table (lau2, code, co2e_t); ``population_now``: residents per commune."""
    a = load_assumptions() if assumptions is None else assumptions
    f05 = factors_2005(factors, a)
    lau2_of = region.parcels.set_index("parcel_id")["lau2"].astype(str)
    stock, weight = stock_2005(region.buildings, a)
    res = bmodel.building_emissions(stock, f05)
    frame = pd.DataFrame(
        {
            "lau2": stock["parcel_id"].map(lau2_of).to_numpy(dtype=object),
            "sub": res["gpc_subsector"].to_numpy(dtype=object),
            "s1": res["scope1_tco2e_a"].to_numpy() * weight,
            "s2": res["scope2_tco2e_a"].to_numpy() * weight,
        }
    )
    summed = frame.groupby(["lau2", "sub"])[["s1", "s2"]].sum().reset_index()
    parts = [
        pd.DataFrame(
            {"lau2": summed["lau2"], "code": summed["sub"] + f".{k}", "co2e_t": summed[f"s{k}"]}
        )
        for k in (1, 2)
    ]
    road_communes, road_activity = road_activity_2005(region, f05, a)
    road = tmodel.road_formula(road_activity, f05.theta)
    parts.append(
        pd.DataFrame({"lau2": road_communes, "code": "II.1.1", "co2e_t": road["ghg_tco2e_a"]})
    )
    inv = current_rows(inventory)
    modelled = modelled_rows(inv["code"])
    pop05 = population_2005(population_now, a)
    pop_ratio = inv["lau2"].map(
        {c: pop05[c] / v if v > 0 else 0.0 for c, v in population_now.items()}
    )
    ratio = row_ratios(
        inv["code"], pop_ratio.fillna(1.0).to_numpy(dtype=float), lambda v, k: _value(a, v, k)
    )
    scaled = inv.assign(co2e_t=inv["co2e_t"].to_numpy() * ratio)[~modelled.to_numpy()]
    parts.append(scaled[scaled["co2e_t"] != 0])
    rows = pd.concat(parts, ignore_index=True)
    rows = pd.DataFrame(rows.groupby(["lau2", "code"], as_index=False)["co2e_t"].sum())
    communes = set(inv["lau2"])
    rows = rows[rows["lau2"].isin(communes)].reset_index(drop=True)
    return Baseline(rows=rows, method="back-cast", origin=origin, assumptions=a)


def modelled_rows(codes: pd.Series) -> pd.Series:
    """True for the rows the back-cast models (buildings I.1-I.3 scopes 1-2, roads II.1.1)."""
    return codes.str.match(r"^I\.[1-3]\.[12]$") | (codes == "II.1.1")


def road_activity_2005(
    region: RegionLayers, f05: FactorSet, a: pd.DataFrame
) -> tuple[NDArray[np.object_], tmodel.RoadActivity]:
    """The communes and their 2005 road activity: vehicle-km by class x traffic_2005."""
    from minettgeo.engine.totals import commune_vkm

    roads = tmodel.road_emissions(region.roads, f05)
    shares = tmodel.length_shares(region.roads, region.districts, "district_id")
    vkm = commune_vkm(roads, shares, region.districts) * _value(a, "traffic_2005", "vehicle_km")
    return vkm.index.astype(str).to_numpy(dtype=object), tmodel.resolve_road_factors(
        vkm.to_numpy(), f05
    )


def row_ratios(
    codes: pd.Series, pop_ratio: np.ndarray, value: Callable[[str, str], float | np.ndarray]
) -> np.ndarray:
    """2005 / current of the rows carried from the inventory: EV charging (ev_2005), rail,
    district-heat plants and land (unchanged_2005), waste (2005 / current residents), else 1.
    ``value(variable, key)`` is the assumption (a number, or one per draw: then ``pop_ratio``
    is rows x draws and the result too)."""
    return np.select(
        [
            _col(codes == "II.1.2", pop_ratio),
            _col(codes.str.startswith("II.2"), pop_ratio),
            _col(codes.str.startswith("III"), pop_ratio),
            _col(codes == "I.4.4", pop_ratio),
            _col(codes.str.startswith("V"), pop_ratio),
        ],
        [
            value("ev_2005", "ev_charging"),
            value("unchanged_2005", "rail"),
            pop_ratio,
            value("unchanged_2005", "plants"),
            value("unchanged_2005", "land"),
        ],
        default=1.0,
    )


def _col(mask: pd.Series, like: np.ndarray) -> np.ndarray:
    out = mask.to_numpy(dtype=bool)
    return out[:, None] if np.ndim(like) == 2 else out
