"""How sure the 2005 baseline is: its rows per draw, from the back-cast's assumption ranges and
the engine's factor draws, or from a user table's ``low``/``high`` columns.

For draw d (d = 0: central values; d = 1..n: draws) and back-cast row (commune c, GPC row r)::

    a_j(d)      = x(u_jd; low_j, value_j, high_j)      every assumption row j of
                  backcast_2005.csv, two-piece triangular quantile (the engine's sampler,
                  :func:`minettgeo.uncertainty.distributions.two_piece_quantile`), u_jd uniform
                  from the stream (seed, 9100); a_j(0) = value_j
    shares      in each group of carrier_2005 / renovation_2005 rows of one current state, the
                first row with low < high is drawn, the others share 1 - a_first(d) in
                proportion to their values (two rows: the complement), so a group sums to 1
    theta(d)    the factor draws of the trajectory: theta(0) = central values, theta(1..n) =
                ``factors_2005.draw(n, default_rng(seed))`` (same seed, same parameter layout:
                draw d of a factor is the one of the trajectory's draw d); the 2005 electricity
                and district-heat factors are replaced by a_grid_2005(d)
    E(c, I.x.k, d) = sum over expanded buildings b of s(d) x p(d) x q(d) x building model_k(b; theta(d))
    E(c, II.1.1, d) = road model(vkm x traffic(0); theta(d)) x fleet(d) / fleet(0) x traffic(d) / traffic(0)
    E(c, r, d)  = I(c, r) x ratio_r(d) for rows carried from the inventory (row_ratios:
                  waste x P05(d) / P_now with P05 proportional to national_2005_over_2011)

Column 0 is then set to the central back-cast value itself (bitwise). Rows carried from the
inventory vary with their 2005 ratio only: their factor uncertainty is the current inventory's
and is not redrawn here. Buildings are grouped first (commune, 2005 state class, subsector and
factor indices: :func:`minettgeo.uncertainty.montecarlo.group_buildings`; the building model is
linear in the group's floor area and electricity basis), then evaluated on batches of DRAW_BATCH draws
(a loop over a few dozen batches, not over buildings or draws).

User table with ``low``/``high``: every row at one shared quantile u_d per draw (stream seed,
9200), ``x(u_d; low, co2e_t, high)``: errors of a table's rows are taken as common (a region's
interval is then the sum of its communes'); without the columns the table is exact.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from minettgeo.errors import PolicyError
from minettgeo.factors.tables import FactorSet
from minettgeo.layers.region import RegionLayers
from minettgeo.models import buildings as bmodel
from minettgeo.models import transport as tmodel
from minettgeo.scenarios import backcast as bc
from minettgeo.scenarios import baseline as bl
from minettgeo.uncertainty.components import membership
from minettgeo.uncertainty.distributions import two_piece_quantile
from minettgeo.uncertainty.montecarlo import BATCH, group_buildings

Array = NDArray[np.float64]
STREAM_ASSUMPTIONS = 9100
STREAM_TABLE = 9200
SHARE_VARIABLES = ("carrier_2005", "renovation_2005")
#: draws per batch of the building model (its ten outputs are draws x groups: about 12,000
#: groups on the sample region, so 50 draws keep a batch near 50 MB; 1,000 draws = 20 batches)
DRAW_BATCH = 50


def quantiles(u: Array, low: Array, value: Array, high: Array) -> Array:
    """The engine's two-piece triangular quantile where low < high, else the value."""
    return np.where(high > low, two_piece_quantile(u, low, value, high), value)


def assumption_draws(a: pd.DataFrame, draws: int, seed: int) -> Array:
    """(1 + draws) x assumption rows: row 0 the values, then one quantile per row and draw,
    share groups completed to 1 (module docstring)."""
    low, value, high = (a[c].to_numpy(dtype=float) for c in ("low", "value", "high"))
    u = np.random.default_rng([seed, STREAM_ASSUMPTIONS]).random((draws, len(a)))
    out = np.vstack([value[None, :], quantiles(u, low, value, high)])
    out[0] = value
    variable = a["variable"].astype(str).to_numpy()
    now = a["key"].astype(str).str.split(">").str[0].to_numpy()
    for var in SHARE_VARIABLES:
        for state in sorted(set(now[variable == var])):
            rows = np.flatnonzero((variable == var) & (now == state))
            drawn = [j for j in rows if high[j] > low[j]]
            if not drawn:
                continue
            first, rest = drawn[0], [j for j in rows if j != drawn[0]]
            left = 1.0 - value[first]
            part = value[rest] / left if left > 0 else np.full(len(rest), 1.0 / len(rest))
            out[1:, rest] = (1.0 - out[1:, first])[:, None] * part[None, :]
    return out


def column(a: pd.DataFrame, variable: str, key: str) -> int:
    """Position of the assumption row (variable, key)."""
    hit = np.flatnonzero(
        (a["variable"].astype(str) == variable).to_numpy()
        & (a["key"].astype(str) == key).to_numpy()
    )
    if not len(hit):
        raise PolicyError(f"back-cast assumptions: no row {variable} / {key}")
    return int(hit[0])


def expanded_stock(
    buildings: pd.DataFrame, a: pd.DataFrame
) -> tuple[pd.DataFrame, NDArray[np.int64]]:
    """Today's buildings in each possible 2005 state (:func:`backcast.states_2005`, rows kept
    whatever their central weight, periods whose share is 0 at every draw dropped) and, per
    row, the positions of its stock-share, carrier and renovation assumption rows (rows x 3)."""
    share = a[a["variable"] == "stock_share_2005"]
    live = {
        str(k)
        for k, v, h in zip(share["key"], share["value"], share["high"], strict=True)
        if max(v, h) > 0
    }
    return bc.states_2005(buildings, a, live)


def factor_draws_2005(f05: FactorSet, a: pd.DataFrame, adraws: Array, seed: int) -> Array:
    """theta(d) of the module docstring, (1 + draws) x parameters."""
    n = adraws.shape[0] - 1
    theta = np.vstack([f05.theta[None, :], f05.draw(n, np.random.default_rng(seed))])
    for carrier in ("electricity", "district_heat"):
        at = f05.index("grid_factors", "energy carrier", carrier=carrier, gas="CO2e")[0]
        theta[:, at] = adraws[:, column(a, "grid_2005", carrier)]
    return theta


def building_row_draws(
    stock: pd.DataFrame,
    jcols: NDArray[np.int64],
    lau2: NDArray[np.object_],
    f05: FactorSet,
    theta: Array,
    adraws: Array,
) -> tuple[pd.DataFrame, Array]:
    """Keys (lau2, code I.x.1 / I.x.2) and their t CO2e/a per draw (keys x (1 + draws)) of the
    expanded stock ``stock`` whose rows lie in communes ``lau2``."""
    activity = bmodel.resolve_building_factors(stock, f05)
    sub = stock["use"].map(bmodel.SUBSECTOR_OF_USE).to_numpy(dtype=object)
    j = pd.DataFrame(jcols).astype(str)
    tag = (j[0] + "|" + j[1] + "|" + j[2] + "|" + pd.Series(sub).astype(str)).to_numpy(dtype=object)
    grouped, group_lau2, group_tag, _ = group_buildings(activity, lau2, tag)
    parts = np.array([str(t).split("|") for t in group_tag], dtype=object).reshape(-1, 4)
    jg = parts[:, :3].astype(np.int64)
    keys = pd.DataFrame({"lau2": group_lau2, "sub": parts[:, 3]})
    k1 = keys["lau2"] + "|" + keys["sub"]
    key_names = sorted(set(k1))
    member = membership(k1.to_numpy(dtype=object), key_names)  # groups x keys
    s1, s2 = [], []
    for start in range(0, theta.shape[0], DRAW_BATCH):  # a few dozen batches of draws
        stop = start + DRAW_BATCH
        w = adraws[start:stop][:, jg].prod(axis=2)  # draws x groups
        out = bmodel.building_formula(grouped, theta[start:stop])
        s1.append((out["scope1_tco2e_a"] * w) @ member)
        s2.append((out["scope2_tco2e_a"] * w) @ member)
    lau2_k = [k.split("|")[0] for k in key_names]
    sub_k = [k.split("|")[1] for k in key_names]
    index = pd.DataFrame(
        {
            "lau2": lau2_k * 2,
            "code": [f"{s}.1" for s in sub_k] + [f"{s}.2" for s in sub_k],
        }
    )
    values = np.vstack([np.concatenate(s1, axis=0).T, np.concatenate(s2, axis=0).T])
    return index, values


def backcast_draws(
    baseline: bl.Baseline,
    region: RegionLayers,
    factors: FactorSet,
    inventory: pd.DataFrame,
    population_now: dict[str, float],
    *,
    draws: int,
    seed: int,
) -> bl.Baseline:
    """The back-cast ``baseline`` (from :func:`backcast.backcast` with the same inputs) with its
    rows per draw (module docstring)."""
    a = baseline.assumptions
    adraws = assumption_draws(a, draws, seed)
    f05 = bl.factors_2005(factors, a)
    theta = factor_draws_2005(f05, a, adraws, seed)
    lau2_of = region.parcels.set_index("parcel_id")["lau2"].astype(str)
    stock, jcols = expanded_stock(region.buildings, a)
    lau2 = stock["parcel_id"].map(lau2_of).fillna("").to_numpy(dtype=object)  # "": dropped
    keys, values = building_row_draws(stock, jcols, lau2, f05, theta, adraws)
    frames = [keys]
    blocks = [values]
    road_communes, road_activity = bc.road_activity_2005(region, f05, a)
    road = np.concatenate(
        [
            tmodel.road_formula(road_activity, theta[s : s + BATCH])["ghg_tco2e_a"]
            for s in range(0, theta.shape[0], BATCH)
        ],
        axis=0,
    )  # draws x communes
    ratio = np.ones(theta.shape[0])
    for var, key in (("fleet_2005", "vehicle_factors"), ("traffic_2005", "vehicle_km")):
        col = adraws[:, column(a, var, key)]
        ratio = ratio * np.divide(col, col[0], out=np.zeros_like(col), where=col[0] > 0)
    frames.append(pd.DataFrame({"lau2": road_communes, "code": "II.1.1"}))
    blocks.append((road * ratio[:, None]).T)
    inv = bl.current_rows(inventory)
    inv = inv[~bc.modelled_rows(inv["code"]).to_numpy()]
    pop05 = bl.population_2005(population_now, a)
    pop_ratio = (
        inv["lau2"]
        .map({c: pop05[c] / v if v > 0 else 0.0 for c, v in population_now.items()})
        .fillna(1.0)
        .to_numpy(dtype=float)
    )
    nat = adraws[:, column(a, "population_2005", "national_2005_over_2011")]
    nat_ratio = np.divide(nat, nat[0], out=np.zeros_like(nat), where=nat[0] > 0)
    ratios = bc.row_ratios(
        inv["code"],
        pop_ratio[:, None] * nat_ratio[None, :],
        lambda v, k: adraws[None, :, column(a, v, k)],
    )
    frames.append(inv[["lau2", "code"]])
    blocks.append(inv["co2e_t"].to_numpy(dtype=float)[:, None] * ratios)
    return replace_draws(baseline, pd.concat(frames, ignore_index=True), np.vstack(blocks))


def replace_draws(baseline: bl.Baseline, keys: pd.DataFrame, values: Array) -> bl.Baseline:
    """``baseline`` with ``row_draws``: the draws of ``keys`` (lau2, code) summed onto its rows
    (absent rows: 0), column 0 = the central ``co2e_t`` exactly."""
    frame = pd.DataFrame(values, index=pd.MultiIndex.from_frame(keys.astype(str)))
    summed = frame.groupby(level=[0, 1]).sum()
    want = pd.MultiIndex.from_frame(baseline.rows[["lau2", "code"]].astype(str))
    out = np.array(summed.reindex(want, fill_value=0.0).to_numpy(dtype=float), copy=True)
    out[:, 0] = baseline.rows["co2e_t"].to_numpy(dtype=float)
    return bl.Baseline(
        rows=baseline.rows,
        method=baseline.method,
        origin=baseline.origin,
        assumptions=baseline.assumptions,
        row_draws=out,
    )


def table_draws(baseline: bl.Baseline, *, draws: int, seed: int) -> bl.Baseline:
    """A user table's rows per draw from its low/high columns (module docstring); the table
    unchanged (exact) without them."""
    rows = baseline.rows
    if "low" not in rows.columns or "high" not in rows.columns:
        return baseline
    u = np.random.default_rng([seed, STREAM_TABLE]).random(draws)
    low, value, high = (rows[c].to_numpy(dtype=float)[:, None] for c in ("low", "co2e_t", "high"))
    values = np.hstack([value, quantiles(u[None, :], low, value, high)])
    return replace_draws(baseline, rows[["lau2", "code"]], values)


def sector_draws(baseline: bl.Baseline, communes: list[str], columns: tuple[str, ...]) -> Array:
    """(communes, columns, 1 + draws) of the sector totals (:func:`baseline.sector_table`'s
    rule: gross = BASIC rows of I-IV or bare sectors, V apart; net = gross + V)."""
    rows = baseline.rows
    assert baseline.row_draws is not None
    code = rows["code"].astype(str)
    sector = code.str.split(".").str[0].to_numpy(dtype=object)
    counted = (code.isin(bl._gross_rows()) | code.isin(bl.SECTORS)).to_numpy()
    ci = {c: i for i, c in enumerate(communes)}
    at = rows["lau2"].astype(str).map(ci)
    weights = np.zeros((len(communes), len(columns), len(rows)))
    for k, col in enumerate(columns):
        if col in bl.SECTORS:
            use = (sector == col) & (counted | (sector == "V"))
        elif col == "gross":
            use = counted & np.isin(sector, ["I", "II", "III", "IV"])
        else:  # net
            use = (counted & np.isin(sector, ["I", "II", "III", "IV"])) | (sector == "V")
        ok = use & at.notna().to_numpy()
        weights[at[ok].to_numpy(dtype=np.int64), k, np.flatnonzero(ok)] = 1.0
    return np.einsum("csr,rd->csd", weights, baseline.row_draws)
