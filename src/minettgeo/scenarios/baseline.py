"""The 2005 baseline of the -55 % target, per commune and GPC row: a table supplied by the user
(:mod:`baseline_table`) or a back-cast by the engine's models (:mod:`backcast`, its assumptions
in ``data/backcast_2005.csv``: :mod:`backcast_assumptions`; per draw: :mod:`baseline_draws`).

Sector totals of a baseline (or of the current inventory, :func:`current_rows`)::

    gross(c) = sum of the BASIC rows of sectors I-IV of commune c (or the bare sector codes
               of a table that gives sectors), t CO2e/a;  sinks(c) = sum of its V rows

Territorial basis: the inventory counts traffic on the region's roads (GPC territorial), not the
fuel sold in Luxembourg. The national inventory is on a fuel-sales basis and includes the fuel
sold to non-residents ("fuel tourism", 2.55 Mt CO2 in 2022 for the country): the region's
2005 and current totals are comparable with each other, not with a share of the national figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from minettgeo.report.gpc import gpc_rows
from minettgeo.scenarios.backcast_assumptions import factors_2005 as factors_2005
from minettgeo.scenarios.backcast_assumptions import load_assumptions as load_assumptions
from minettgeo.scenarios.backcast_assumptions import population_2005 as population_2005
from minettgeo.scenarios.backcast_assumptions import range_problems as range_problems

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
