"""The 2005 baseline of the -55 % target, per commune and GPC row: a table supplied by the user,
or a back-cast by the engine's models with every assumption in ``data/backcast_2005.csv``.

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
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from minettgeo.errors import PolicyError
from minettgeo.factors.table_files import read_table_csv
from minettgeo.factors.tables import FactorError, FactorSet
from minettgeo.layers.region import RegionLayers
from minettgeo.models import buildings as bmodel
from minettgeo.models import transport as tmodel
from minettgeo.report.gpc import gpc_rows

DATA = resources.files("minettgeo.scenarios") / "data"
BASELINE_YEAR = 2005
SECTORS = ("I", "II", "III", "IV", "V")
TERRITORIAL_NOTE = {
    "en": "Territorial basis (GPC): traffic on the region's roads and energy used in its "
    "buildings. Luxembourg's national inventory counts fuel sold in the country, including fuel "
    "sold to non-residents (fuel tourism, 2.55 Mt CO2 in 2022); do not compare these totals "
    "with a share of the national figures.",
    "fr": "Base territoriale (GPC) : trafic sur les routes de la région et énergie consommée dans "
    "ses bâtiments. L'inventaire national compte le carburant vendu au Luxembourg, y compris aux "
    "non-résidents (tourisme à la pompe, 2,55 Mt CO2 en 2022) ; ne pas comparer ces totaux à une "
    "part des chiffres nationaux.",
}

UNCERTAINTY_NOTE = {
    "exact_table": {
        "en": "The table has no low/high columns: the 2005 baseline is taken as exact (the "
        "target's interval is the path's alone).",
        "fr": "Le tableau n'a pas de colonnes low/high : la référence 2005 est prise comme "
        "exacte (l'intervalle de l'objectif ne vient que de la trajectoire).",
    },
    "exact": {
        "en": "Computed without draws: the 2005 baseline is taken as exact.",
        "fr": "Calculée sans tirages : la référence 2005 est prise comme exacte.",
    },
    "table": {
        "en": "Interval from the table's low/high columns (one quantile per draw for every "
        "row: the errors are taken as shared, not independent).",
        "fr": "Intervalle tiré des colonnes low/high du tableau (un même quantile par tirage "
        "pour toutes les lignes : erreurs supposées communes, non indépendantes).",
    },
    "back-cast": {
        "en": "Interval from draws of the back-cast's assumptions (2005 stock share, carrier "
        "and renovation shares, fleet, traffic, grid factors, population, rail) and of the "
        "engine's factors (same sampler and seed as the trajectory's draws).",
        "fr": "Intervalle tiré des hypothèses de la rétro-estimation (part du parc de 2005, "
        "parts de vecteurs et de rénovation, flotte, trafic, facteurs du réseau, population, "
        "rail) et des facteurs du moteur (même tirage et même graine que la trajectoire).",
    },
}


@dataclass(frozen=True)
class Baseline:
    """2005 emissions per commune and GPC row (t CO2e/a) and how they were obtained."""

    rows: pd.DataFrame  # lau2, code, co2e_t
    method: str  # "user table" or "back-cast"
    origin: str
    assumptions: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)
    #: t CO2e/a of every row of ``rows`` per draw (rows x (1 + draws)); column 0 = ``co2e_t``
    #: exactly; None: the baseline is taken as exact (:mod:`baseline_draws`)
    row_draws: np.ndarray | None = field(default=None, repr=False, compare=False)

    def sectors(self) -> pd.DataFrame:
        """t CO2e/a per commune (index lau2) and column: I, II, III, IV, V, gross (BASIC rows of
        I-IV, or the whole sector when the table gives sectors), sinks (V)."""
        return sector_table(self.rows)

    def describe(self) -> dict[str, object]:
        return {
            "year": BASELINE_YEAR,
            "method": self.method,
            "origin": self.origin,
            "basis": TERRITORIAL_NOTE,
            "uncertainty": self.uncertainty_note(),
        }

    def uncertainty_note(self) -> dict[str, str]:
        """How sure the baseline is, in French and English."""
        if self.row_draws is None:
            return UNCERTAINTY_NOTE["exact_table" if self.method == "user table" else "exact"]
        return UNCERTAINTY_NOTE["table" if self.method == "user table" else "back-cast"]


def _gross_rows() -> set[str]:
    rows = gpc_rows()
    return set(rows.loc[rows["basic"], "code"])


def sector_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Sector totals per lau2 of a (lau2, code, co2e_t) table; gross counts BASIC rows (and bare
    sector codes), sinks the V rows."""
    basic = _gross_rows()
    code = rows["code"].astype(str)
    sector = code.str.split(".").str[0]
    counted = code.isin(basic) | code.isin(SECTORS)
    frame = rows.assign(sector=sector.to_numpy(), counted=counted.to_numpy())
    frame = frame[frame["counted"] | (frame["sector"] == "V")]
    out = frame.pivot_table(
        index="lau2", columns="sector", values="co2e_t", aggfunc="sum", fill_value=0.0
    ).reindex(columns=list(SECTORS), fill_value=0.0)
    out["gross"] = out[["I", "II", "III", "IV"]].sum(axis=1)
    out["sinks"] = out["V"]
    out.columns.name = None
    return out.astype(float)


# --- back-cast -------------------------------------------------------------------------------


def range_problems(num: pd.DataFrame, central: str) -> list[str]:
    """'line N, column: why' for every row of ``num`` (columns ``central``, low, high; file line
    = row + 2) whose numbers are missing or not finite, or not low <= central <= high."""
    out: list[str] = []
    values = num[[central, "low", "high"]].to_numpy(dtype=float)
    for col, name in enumerate((central, "low", "high")):
        for i in np.flatnonzero(~np.isfinite(values[:, col])):
            out.append(f"line {i + 2}, {name}: not a finite number")
    ok = np.isfinite(values).all(axis=1)
    for i in np.flatnonzero(ok & (values[:, 1] > values[:, 0])):
        out.append(f"line {i + 2}, low: {values[i, 1]:g} is above {central} {values[i, 0]:g}")
    for i in np.flatnonzero(ok & (values[:, 2] < values[:, 0])):
        out.append(f"line {i + 2}, high: {values[i, 2]:g} is below {central} {values[i, 0]:g}")
    return sorted(out, key=lambda m: int(m.split(",")[0].split()[1]))


def load_assumptions(path: Path | None = None) -> pd.DataFrame:
    """The back-cast assumptions (shipped ``backcast_2005.csv`` or a user copy), checked: the
    columns, numbers with low <= value <= high, a source on every row, shares summing to 1."""
    if path is None:
        with resources.as_file(DATA / "backcast_2005.csv") as p:
            table = read_table_csv(p, "minettgeo (backcast_2005.csv)")
        origin = "minettgeo (backcast_2005.csv)"
    else:
        origin = str(path)
        try:
            table = read_table_csv(Path(path), origin)
        except FactorError as exc:
            raise PolicyError(str(exc)) from exc
    need = ["variable", "key", "unit", "value", "low", "high", "source"]
    missing = [c for c in need if c not in table.columns]
    if missing:
        raise PolicyError(f"{origin}: missing column(s) {', '.join(missing)}")
    num = table[["value", "low", "high"]].apply(pd.to_numeric, errors="coerce")
    problems = range_problems(num, "value")
    no_source = table["source"].isna() | (table["source"].astype(str).str.strip() == "")
    problems += [f"line {i + 2}, source: empty" for i in np.flatnonzero(no_source.to_numpy())]
    if problems:
        raise PolicyError(
            f"{origin}: {'; '.join(problems[:8])}; value/low/high must be finite numbers with "
            "low <= value <= high, and every row needs a source"
        )
    out = table.copy()
    out[["value", "low", "high"]] = num
    out["key"] = out["key"].astype(str)
    for var in ("carrier_2005", "renovation_2005"):
        part = out[out["variable"] == var]
        now = part["key"].str.split(">").str[0]
        sums = part["value"].groupby(now.to_numpy()).sum()
        off = sums[(sums - 1.0).abs() > 1e-9]
        if len(off):
            raise PolicyError(
                f"{origin}: {var} shares of {', '.join(off.index)} sum to "
                f"{', '.join(f'{v:g}' for v in off)}, not 1"
            )
    return out


def _value(a: pd.DataFrame, variable: str, key: str) -> float:
    row = a[(a["variable"] == variable) & (a["key"] == key)]
    if row.empty:
        raise PolicyError(f"back-cast assumptions: no row {variable} / {key}")
    return float(row["value"].iloc[0])


def factors_2005(factors: FactorSet, a: pd.DataFrame) -> FactorSet:
    """The factor set with 2005 grid factors and per-km vehicle factors (central values; the
    uncertainty of the 2005 figures is that of the assumption table's low/high)."""
    tables = dict(factors.tables)
    grid = tables["grid_factors"].copy()
    for carrier in ("electricity", "district_heat"):
        mask = (grid["carrier"] == carrier) & (grid["gas"] == "CO2e")
        grid.loc[mask, ["value", "low", "high"]] = _value(a, "grid_2005", carrier)
    tables["grid_factors"] = grid
    veh = tables["vehicle_factors"].copy()
    veh[["value", "low", "high"]] = veh[["value", "low", "high"]].to_numpy(dtype=float) * _value(
        a, "fleet_2005", "vehicle_factors"
    )
    tables["vehicle_factors"] = veh
    return FactorSet(tables=tables, gwp_set=factors.gwp_set, overrides=factors.overrides)


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


def population_2005(population_now: Mapping[str, float], a: pd.DataFrame) -> dict[str, float]:
    """2005 residents per commune (see the module docstring); communes without STATEC figures
    (e.g. test regions) scale like the region."""
    with resources.as_file(DATA / "population_statec.csv") as p:
        statec = pd.read_csv(p, dtype={"lau2": str})
    p2015 = statec[statec["year"] == 2015].set_index("lau2")["population"].astype(float)
    p2024 = statec[statec["year"] == 2024].set_index("lau2")["population"].astype(float)
    scale = _value(a, "population_2005", "region_2011") / float(p2015.sum())
    scale *= _value(a, "population_2005", "national_2005_over_2011")
    region_ratio = float(p2015.sum()) * scale / float(p2024.sum())
    return {
        c: float(p2015[c]) * scale if c in p2015.index else float(now) * region_ratio
        for c, now in population_now.items()
    }


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
    inv = inventory[inventory["lau2"].astype(str) != "region"]
    inv = pd.DataFrame(
        {
            "lau2": inv["lau2"].astype(str).to_numpy(),
            "code": inv["code"].astype(str).to_numpy(),
            "co2e_t": pd.to_numeric(inv["co2e_t"], errors="coerce").fillna(0.0).to_numpy(),
        }
    )
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


def current_rows(inventory: pd.DataFrame) -> pd.DataFrame:
    """The current inventory as (lau2, code, co2e_t), communes only, notation keys as 0."""
    inv = inventory[inventory["lau2"].astype(str) != "region"]
    return pd.DataFrame(
        {
            "lau2": inv["lau2"].astype(str).to_numpy(),
            "code": inv["code"].astype(str).to_numpy(),
            "co2e_t": pd.to_numeric(inv["co2e_t"], errors="coerce").fillna(0.0).to_numpy(),
        }
    )
