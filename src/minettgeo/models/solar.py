"""Rooftop solar potential per building (working group I, renewable energy).

For a building of footprint ``F`` (m2) and roof type ``t`` (table ``solar_pv``)::

    A_pv  = F x s_t                 usable (module) roof area, m2
    P     = A_pv x p                installable peak power, kWp
    Y     = P x y                   annual yield, kWh/a          (low/high: y_low, y_high)
    avoid = Y x EF_grid,el / 1000   avoided grid emissions at the current grid factor, t CO2e/a

``s_t``: usable roof share by roof type (pitched, flat); ``p``: kWp per m2 of module; ``y``:
Luxembourg specific yield (kWh/kWp a, measured on Luxembourg rooftop systems, with its range);
``EF_grid,el``: the electricity factor of ``grid_factors`` (the same one as scope 2, so a
``--electricity-factor`` run changes it too). The roof type is the building's ``roof_type`` column
when the layer has one, else it follows the use (:data:`ROOF_OF_USE`: houses pitched, every other
use flat), a stated assumption for the Minett stock (workers' houses and suburbs pitched; blocks,
schools, shops and halls flat). The yield range is that of the specific yield alone; the area and
power factors carry their own low/high in the table.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from minettgeo.errors import FactorError
from minettgeo.factors.tables import FactorSet
from minettgeo.layers.codes import BUILDING_USE

Array = NDArray[np.float64]
ROOF_TYPES = ("pitched", "flat")
#: roof type by use (stated assumption, see the module docstring)
ROOF_OF_USE: Mapping[str, str] = {
    use: ("pitched" if use in {"single_family", "terraced", "multi_family"} else "flat")
    for use in BUILDING_USE
}
#: per-building solar columns (all add up across levels)
SOLAR_SUMS = (
    "pv_roof_m2",
    "pv_kwp",
    "pv_kwh_a",
    "pv_kwh_a_low",
    "pv_kwh_a_high",
    "pv_avoided_tco2e_a",
)


def roof_types(buildings: pd.DataFrame) -> NDArray[np.object_]:
    """The ``roof_type`` column where given (pitched/flat), else :data:`ROOF_OF_USE`."""
    by_use = buildings["use"].map(ROOF_OF_USE).to_numpy(dtype=object)
    if "roof_type" not in buildings:
        return by_use
    given = buildings["roof_type"].to_numpy(dtype=object)
    known = np.isin(given, ROOF_TYPES)
    bad = sorted({str(v) for v in given[~known & pd.notna(given)]})
    if bad:
        raise FactorError(
            f"buildings column roof_type: unknown value(s) {', '.join(bad)}; use "
            f"{' or '.join(ROOF_TYPES)} (or leave the cell empty to derive it from the use)"
        )
    return np.where(known, given, by_use)


def solar_potential(buildings: pd.DataFrame, factors: FactorSet) -> pd.DataFrame:
    """Per-building :data:`SOLAR_SUMS` (module docstring); ``buildings``: ``use`` and
    ``footprint_m2`` or a geometry in metres."""
    if "footprint_m2" in buildings:
        footprint = buildings["footprint_m2"].to_numpy(dtype=float)
    else:
        footprint = np.asarray(buildings.geometry.area, dtype=float)
    roof = roof_types(buildings)
    table = factors.tables["solar_pv"].set_index("quantity")
    theta = factors.theta
    share = theta[
        factors.index("solar_pv", "roof type", roof_type=roof, quantity="usable_roof_share")
    ]
    kwp_m2 = factors.value("solar_pv", "PV module", roof_type="all", quantity="module_kwp_per_m2")
    row = table[table["roof_type"] == "all"].loc[["specific_yield"], ["value", "low", "high"]]
    y_central, y_low, y_high = row.to_numpy(dtype=float)[0]
    grid = factors.value("grid_factors", "energy carrier", carrier="electricity", gas="CO2e")
    roof_m2 = footprint * share
    kwp = roof_m2 * kwp_m2
    kwh = kwp * y_central
    return pd.DataFrame(
        {
            "pv_roof_m2": roof_m2,
            "pv_kwp": kwp,
            "pv_kwh_a": kwh,
            "pv_kwh_a_low": kwp * y_low,
            "pv_kwh_a_high": kwp * y_high,
            "pv_avoided_tco2e_a": kwh * grid / 1000.0,
        },
        index=buildings.index,
    )


def with_residents_and_solar(
    buildings: pd.DataFrame, communes: pd.DataFrame, factors: FactorSet
) -> pd.DataFrame:
    """``buildings`` (all of the region's, with ``lau2``) plus ``residents``
    (:func:`minettgeo.models.residents.building_residents`) and :data:`SOLAR_SUMS`."""
    from minettgeo.models.residents import building_residents

    out = buildings.copy()
    out["residents"] = building_residents(out, communes)
    solar = solar_potential(out, factors)
    for col in SOLAR_SUMS:
        out[col] = solar[col].to_numpy()
    return out
