"""Railways (GPC II.2) per railway line: electric traction scope 2 (II.2.2), diesel scope 1 (II.2.1).

For a line of length ``L`` (km, route not track) inside the region (table ``rail_traffic``)::

    TKM     = L x (t_passenger + t_freight)                 train-km/a (t: train-km per line-km a)
    d       = 1 on a diesel line, else the diesel-hauled share of train-km on electric lines
    E_el    = TKM x (1 - d) x k_el                          kWh/a at the pantograph
    E_fuel  = TKM x d x k_diesel                            kWh/a of diesel (net calorific value)
    II.2.1  = E_fuel x EF_rail_diesel[g] / 1000             t/a of gas g (IPCC railways factors)
    II.2.2  = E_el x EF_grid,el / 1000                      t CO2e/a

Allocated to districts and communes by the share of each line's length inside them, as roads
(territorial: the train-km run inside the boundary count).

Graded line-km (docs/data-quality.md): each line's length also goes to one of the columns
``rail_<traction>_<grade>_line_km`` (traction ``electric`` / ``diesel``, grade the line's
``traction_grade``; 0 in the other five), summed like the line-km, so every level carries its
line-km per traction and grade. The Monte Carlo's rail rows are (zone, traction, grade): the
formula is linear in the line-km for a given traction, so one activity multiplier per grade and
draw on a row's line-km widens it, in the run and in the ranking alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
from numpy.typing import NDArray

from minettgeo.factors.tables import FactorSet
from minettgeo.layers.codes import GRADES, RAIL_TRACTION
from minettgeo.quality.network import rail_grade

Array = NDArray[np.float64]
GASES = ("CO2", "CH4", "N2O")


def graded_line_km_column(traction: str, grade: str) -> str:
    """The column of the line-km of one traction and grade: ``rail_<traction>_<grade>_line_km``."""
    return f"rail_{traction}_{grade}_line_km"


#: (traction, grade) of each graded line-km column, tractions and grades in the codes' order
GRADED_LINE_KM: dict[str, tuple[str, str]] = {
    graded_line_km_column(t, g): (t, g) for t in RAIL_TRACTION for g in GRADES
}
#: per-line result columns that add up across levels
RAIL_SUMS = (
    "line_km",
    "train_km_a",
    "rail_electric_kwh_a",
    "rail_diesel_kwh_a",
    "rail_diesel_co2_t_a",
    "rail_diesel_ch4_t_a",
    "rail_diesel_n2o_t_a",
    "rail_diesel_tco2e_a",
    "rail_electric_tco2e_a",
    *GRADED_LINE_KM,
)


@dataclass(frozen=True)
class RailActivity:
    """Line-km (one entry per line or group), whether the line is diesel-only, factor indices."""

    line_km: Array
    diesel_line: NDArray[np.bool_]
    index: Mapping[str, int]


def resolve_rail_factors(
    line_km: Array, diesel_line: NDArray[np.bool_], factors: FactorSet
) -> RailActivity:
    def rail(traction: str, quantity: str) -> int:
        return int(
            factors.index("rail_traffic", "rail quantity", traction=traction, quantity=quantity)[0]
        )

    index = {
        "passenger": rail("all", "passenger_train_km_per_line_km"),
        "freight": rail("all", "freight_train_km_per_line_km"),
        "diesel_share": rail("diesel", "share_of_train_km"),
        "k_el": rail("electric", "kwh_per_train_km"),
        "k_diesel": rail("diesel", "kwh_fuel_per_train_km"),
        "grid": int(
            factors.index("grid_factors", "energy carrier", carrier="electricity", gas="CO2e")[0]
        ),
        "gwp_ch4": factors.gwp_index("CH4"),
        "gwp_n2o": factors.gwp_index("N2O"),
    }
    for gas in GASES:
        index[f"ef_{gas.lower()}"] = int(
            factors.index("fuel_combustion", "fuel / gas", fuel="rail_diesel", gas=gas)[0]
        )
    return RailActivity(
        line_km=np.asarray(line_km, dtype=float),
        diesel_line=np.asarray(diesel_line, dtype=bool),
        index=index,
    )


def rail_formula(activity: RailActivity, theta: Array) -> dict[str, Array]:
    """Train-km, energy and emissions (module docstring); ``theta`` 1-D or 2-D."""
    f = {name: theta[..., i, None] for name, i in activity.index.items()}
    train_km = activity.line_km * (f["passenger"] + f["freight"])
    diesel = np.where(activity.diesel_line, 1.0, f["diesel_share"])
    e_el = train_km * (1.0 - diesel) * f["k_el"]
    e_fuel = train_km * diesel * f["k_diesel"]
    out = {
        "line_km": np.broadcast_to(activity.line_km, train_km.shape).astype(float),
        "train_km_a": train_km,
        "rail_electric_kwh_a": e_el,
        "rail_diesel_kwh_a": e_fuel,
    }
    for gas in GASES:
        out[f"rail_diesel_{gas.lower()}_t_a"] = e_fuel * f[f"ef_{gas.lower()}"] / 1000.0
    out["rail_diesel_tco2e_a"] = (
        out["rail_diesel_co2_t_a"]
        + f["gwp_ch4"] * out["rail_diesel_ch4_t_a"]
        + f["gwp_n2o"] * out["rail_diesel_n2o_t_a"]
    )
    out["rail_electric_tco2e_a"] = e_el * f["grid"] / 1000.0
    return out


def graded_line_km(
    line_km: Array, diesel_line: NDArray[np.bool_], grade: NDArray[np.object_]
) -> dict[str, Array]:
    """Each line's km in the column of its traction and grade, 0 in the others (module
    docstring): column -> km per line."""
    km = np.asarray(line_km, dtype=float)
    traction = np.where(np.asarray(diesel_line, dtype=bool), "diesel", "electric")
    g = np.asarray(grade, dtype=object)
    return {
        col: np.where((traction == t) & (g == gr), km, 0.0)
        for col, (t, gr) in GRADED_LINE_KM.items()
    }


def rail_emissions(rail: gpd.GeoDataFrame, factors: FactorSet) -> pd.DataFrame:
    """Per-line length, train-km, energy and emissions (units in the column names), and the
    line-km by traction and grade (``traction_grade``; absent: measured)."""
    length_km = rail.geometry.length.to_numpy(dtype=float) / 1000.0
    diesel = rail["traction"].to_numpy(dtype=object) == "diesel"
    out = rail_formula(resolve_rail_factors(length_km, diesel, factors), factors.theta)
    flat = {k: np.asarray(v).reshape(-1) for k, v in out.items()}
    graded = graded_line_km(length_km, diesel, rail_grade(rail).to_numpy(dtype=object))
    return pd.DataFrame(flat | graded, index=rail.index)


def rail_by_zone(rail_results: pd.DataFrame, shares: pd.DataFrame) -> pd.DataFrame:
    """Per-line sums allocated to zones by length share (``shares``: road=line index, zone,
    share, from :func:`minettgeo.models.transport.length_shares`): zones x RAIL_SUMS."""
    weighted = shares.merge(rail_results[list(RAIL_SUMS)], left_on="road", right_index=True)
    weighted[list(RAIL_SUMS)] = (
        weighted[list(RAIL_SUMS)].to_numpy() * weighted["share"].to_numpy()[:, None]
    )
    return weighted.groupby("zone")[list(RAIL_SUMS)].sum()


def rail_rows(sums: pd.DataFrame) -> pd.DataFrame:
    """The Monte Carlo's rail rows from zone sums holding the :data:`GRADED_LINE_KM` columns
    (index: zone): one row per (zone, traction, grade) with line-km > 0, columns zone,
    diesel_line, grade, line_km (zones in the order of ``sums``, then traction, grade)."""
    cols = list(GRADED_LINE_KM)
    km = sums[cols].to_numpy(dtype=float)
    zone_at, col_at = np.nonzero(km > 0)
    keys = [GRADED_LINE_KM[c] for c in cols]
    traction = np.array([t for t, _ in keys], dtype=object)[col_at]
    return pd.DataFrame(
        {
            "zone": sums.index.to_numpy(dtype=object)[zone_at],
            "diesel_line": traction == "diesel",
            "grade": np.array([g for _, g in keys], dtype=object)[col_at],
            "line_km": km[zone_at, col_at],
        }
    )


def rail_activity_by_commune(
    rail: gpd.GeoDataFrame, shares: pd.DataFrame, districts: pd.DataFrame
) -> pd.DataFrame:
    """Line-km inside each commune by traction and grade (``traction_grade``, absent: measured;
    for the Monte Carlo): columns lau2, diesel_line, grade, line_km."""
    at = rail.index.get_indexer(shares["road"])
    length_km = rail.geometry.length.to_numpy(dtype=float)[at] / 1000.0
    frame = shares.assign(
        line_km=length_km * shares["share"].to_numpy(),
        diesel_line=(rail["traction"].to_numpy(dtype=object) == "diesel")[at],
        grade=rail_grade(rail).to_numpy(dtype=object)[at],
        lau2=shares["zone"].map(districts.set_index("district_id")["lau2"]).to_numpy(),
    )
    return frame.groupby(["lau2", "diesel_line", "grade"])["line_km"].sum().reset_index()


def rail_results(
    rail: gpd.GeoDataFrame | None, districts: gpd.GeoDataFrame, factors: FactorSet
) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """Per-line results and their length shares in the districts; None without a rail layer."""
    from minettgeo.models.transport import length_shares

    if rail is None or rail.empty:
        return None
    return rail_emissions(rail, factors), length_shares(rail, districts, "district_id")


#: GPC rows without a rail layer: not estimated, and why
NOT_ESTIMATED = {
    "II.2.1": "no rail layer in the region's layers: railways not estimated (add a 'rail' layer)",
    "II.2.2": "no rail layer in the region's layers: railways not estimated (add a 'rail' layer)",
}
