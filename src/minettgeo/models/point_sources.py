"""Point sources (industrial facilities with reported emissions) in the inventory.

A point source reports ``T`` t CO2e/a of one gas in one GPC row (``I.3.1`` fuel combustion in
manufacturing, ``IV.1`` industrial processes, ``IV.2`` product use; layer ``point_sources``).
Its tonnes enter that row of the commune it stands in as reported::

    CO2e (t/a) = T
    gas mass   = T                  gas CO2
               = T / GWP_CH4        gas CH4   (GWP of the run's set)
               = T / GWP_N2O        gas N2O
               = none               gas CO2e  (only the CO2e column is filled)

No double counting (docs/point_sources.md): the EU ETS covers every combustion unit of an
installation, so the fuel burnt in the buildings on a facility's site is in its reported tonnes.
Buildings of use ``industry`` on a parcel that holds a point source therefore lose their scope 1
(fuel burnt on site: CO2, CH4, N2O, CO2e and the biogenic memo set to 0); their energy use and
their scope 2 (grid electricity, district heat: not covered by the EU ETS) stay in I.3.2.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from minettgeo.models.buildings import BuildingActivity

#: GPC rows of the energy use of manufacturing (BASIC) and of IPPU (BASIC+ only)
ENERGY_ROWS = ("I.3.1",)
IPPU_ROWS = ("IV.1", "IV.2")
#: the building use whose scope 1 a point source on the same parcel covers
COVERED_USE = "industry"
#: per-building columns of on-site fuel combustion (models/buildings.py), zeroed when covered
SCOPE1_COLUMNS = (
    "scope1_co2_t_a",
    "scope1_ch4_t_a",
    "scope1_n2o_t_a",
    "scope1_tco2e_a",
    "biogenic_co2_t_a",
)
GAS_OF = {"CO2": "co2_t", "CH4": "ch4_t", "N2O": "n2o_t"}


def covering_facility(buildings: pd.DataFrame, point_sources: pd.DataFrame) -> pd.Series:
    """For each building, the ``facility_id`` of the point source on its parcel when the
    building's use is ``industry`` (the first facility by id when a parcel holds several);
    None otherwise. Aligned with ``buildings``' index."""
    first = point_sources.sort_values("facility_id").drop_duplicates("parcel_id")
    facility = buildings["parcel_id"].map(first.set_index("parcel_id")["facility_id"])
    covered = facility.notna() & buildings["use"].eq(COVERED_USE)
    return facility.where(covered, None).astype(object)


def without_covered_scope1(buildings: pd.DataFrame, facility: pd.Series) -> pd.DataFrame:
    """The buildings with ``point_source_id`` (the covering facility or None) and, for the
    covered ones, the :data:`SCOPE1_COLUMNS` set to 0 and ``ghg_tco2e_a = scope2_tco2e_a``."""
    out = buildings.copy()
    covered = facility.reindex(out.index).notna().to_numpy()
    out["point_source_id"] = facility.reindex(out.index).to_numpy(dtype=object)
    for col in SCOPE1_COLUMNS:
        if col in out:
            out.loc[covered, col] = 0.0
    out.loc[covered, "ghg_tco2e_a"] = out.loc[covered, "scope2_tco2e_a"].to_numpy()
    return out


def gas_masses(point_sources: pd.DataFrame, gwp: Mapping[str, float]) -> pd.DataFrame:
    """``co2_t``, ``ch4_t``, ``n2o_t`` (t of gas per year, NaN for other gases) and ``co2e_t``
    of every point source (module docstring; ``gwp``: gas -> GWP of the run's set)."""
    tonnes = point_sources["t_co2e_per_year"].to_numpy(dtype=float)
    gas = point_sources["gas"].to_numpy(dtype=object)
    out = pd.DataFrame(index=point_sources.index)
    for name, col in GAS_OF.items():
        divisor = 1.0 if name == "CO2" else float(gwp[name])
        out[col] = np.where(gas == name, tonnes / divisor, np.nan)
    out["co2e_t"] = tonnes
    return out


def point_source_values(
    point_sources: pd.DataFrame, gwp: Mapping[str, float], key: str = "lau2"
) -> pd.DataFrame:
    """GPC values (columns key, code, co2_t, ch4_t, n2o_t, co2e_t) summed per commune and row."""
    masses = gas_masses(point_sources, gwp)
    frame = pd.concat([point_sources[["lau2", "gpc_sector"]], masses], axis=1)
    frame = frame.rename(columns={"lau2": key, "gpc_sector": "code"})
    summed = frame.groupby([key, "code"])[[*GAS_OF.values(), "co2e_t"]].sum(min_count=1)
    return summed.reset_index()


def parcel_sums(point_sources: pd.DataFrame) -> pd.DataFrame:
    """Per parcel (index ``parcel_id``): ``point_source_energy_tco2e_a`` (I.3.1) and
    ``point_source_ippu_tco2e_a`` (IV.1 + IV.2), t CO2e/a."""
    tonnes = point_sources["t_co2e_per_year"].to_numpy(dtype=float)
    sector = point_sources["gpc_sector"].to_numpy(dtype=object)
    frame = pd.DataFrame(
        {
            "parcel_id": point_sources["parcel_id"].to_numpy(dtype=object),
            "point_source_energy_tco2e_a": np.where(np.isin(sector, ENERGY_ROWS), tonnes, 0.0),
            "point_source_ippu_tco2e_a": np.where(np.isin(sector, IPPU_ROWS), tonnes, 0.0),
        }
    )
    return frame.groupby("parcel_id").sum()


def uncovered_activity(activity: BuildingActivity, covered: NDArray[np.bool_]) -> BuildingActivity:
    """The building activity with the fuel factors of the covered buildings pointed at the
    constant 0 (parameter index 0), so that every Monte Carlo draw gives them scope 1 = 0 and
    keeps their scope 2, as :func:`without_covered_scope1` does for the central run."""
    index = dict(activity.index)
    for name in ("fuel_co2", "fuel_ch4", "fuel_n2o"):
        index[name] = np.where(covered, 0, activity.index[name]).astype(np.int64)
    return replace(activity, index=index, biogenic=activity.biogenic & ~covered)
