"""The shape of every factor table: its key columns, the columns every table has, the column
types to read, and the key of a row as one string (``"natural_gas|CO2"``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from numpy.typing import NDArray

COMMON_COLUMNS = ("unit", "value", "low", "high", "source", "year")
#: table name -> key columns
TABLE_KEYS: Mapping[str, tuple[str, ...]] = {
    "gwp": ("gwp_set", "gas"),
    "fuel_combustion": ("fuel", "gas"),
    "grid_factors": ("carrier", "gas"),
    "residential_typology": ("building_type", "construction_period", "quantity"),
    "nonresidential_demand": ("use", "quantity"),
    "system_efficiency": ("carrier",),
    "renovation_savings": ("renovation_state", "quantity"),
    "electricity_use": ("use", "basis"),
    "vehicle_factors": ("vehicle_class", "gas"),
    "waste": ("quantity",),
    "resident_mobility": ("vehicle_class", "quantity"),
    "heat_calibration": ("construction_period", "renovation_state", "quantity"),
    "ev_charging": ("vehicle_class", "quantity"),
    "rail_traffic": ("traction", "quantity"),
    "wastewater": ("quantity",),
    "district_heat_plants": ("plant", "quantity"),
    "solar_pv": ("roof_type", "quantity"),
}
#: columns some tables need besides their keys and the common columns
TABLE_EXTRA: Mapping[str, tuple[str, ...]] = {
    "fuel_combustion": ("biogenic",),
    "district_heat_plants": ("plant_lau2", "serves_lau2"),
}
#: column types when reading a table (codes stay text: "0204", not 204)
CSV_DTYPES: Mapping[str, str] = {"year": "Int64", "plant_lau2": "str", "serves_lau2": "str"}


def key_strings(df: pd.DataFrame, keys: Sequence[str]) -> NDArray[np.str_]:
    """The key of each row of ``df``: its ``keys`` columns as stripped text joined by ``|``."""
    parts = [df[k].astype(str).str.strip().to_numpy(dtype=str) for k in keys]
    out = parts[0]
    for p in parts[1:]:
        out = np.char.add(np.char.add(out, "|"), p)
    return np.asarray(out)
