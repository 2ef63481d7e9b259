"""The unit, meaning and Table Schema type of a column, from the parts of its name
(``_tco2e_a`` is t CO2e per year) through the tables :data:`UNIT_SUFFIXES` and :data:`WORDS`."""

from __future__ import annotations

import re
from typing import Any

import numpy as np

#: column-name ending -> unit (longest ending first when matching)
UNIT_SUFFIXES: dict[str, str] = {
    "_per_ha_tco2e_a": "t CO2e/(ha a)",
    "_per_capita_tco2e_a": "t CO2e/(resident a)",
    "_per_capita_tco2e": "t CO2e/(resident a)",
    "_tco2e_ha_a": "t CO2e/(ha a)",
    "_tco2_ha_a": "t CO2/(ha a)",
    "_tco2e_a": "t CO2e/a",
    "_tco2_a": "t CO2/a",
    "_tco2e": "t CO2e",
    "_tco2": "t CO2",
    "_co2_t_a": "t CO2/a",
    "_ch4_t_a": "t CH4/a",
    "_n2o_t_a": "t N2O/a",
    "_t_a": "t/a",
    "_tc_ha": "t C/ha",
    "_tc": "t C",
    "_kwh_a": "kWh/a",
    "_mwh_ha_a": "MWh/(ha a)",
    "_mwh_a": "MWh/a",
    "_gwh_a": "GWh/a",
    "_gwh": "GWh",
    "_mwh_ha": "MWh/ha",
    "_kg_per_kwh": "kg CO2e/kWh",
    "_vkm_a": "vehicle-km/a",
    "vkm_a": "vehicle-km/a",
    "_km_a": "km/a",
    "_km": "km",
    "_kmh": "km/h",
    "_m2": "m2",
    "_ha": "ha",
    "_m": "m",
    "_share": "fraction (0-1)",
    "data_quality_score": "score (0-1)",
    "_rate": "fraction (0-1)",
    "_tc_ha_a": "t C/(ha a)",
    "co2_t": "t CO2/a",
    "ch4_t": "t CH4/a",
    "n2o_t": "t N2O/a",
    "co2e_t": "t CO2e/a",
    "biogenic_co2_t": "t CO2/a",
    "population": "residents",
    "dwellings": "dwellings",
    "buildings": "buildings",
    "household_size": "residents per dwelling",
    "floors": "floors",
    "lon": "degrees east (WGS 84)",
    "lat": "degrees north (WGS 84)",
}
#: parts of column names -> their meaning
WORDS: dict[str, str] = {
    "ghg": "greenhouse-gas emissions",
    "scope1": "scope 1 (direct)",
    "scope2": "scope 2 (grid electricity and heat)",
    "heat_need": "useful heat need",
    "heating_final": "final energy for heating",
    "final_energy": "final energy",
    "electricity": "electricity use",
    "biogenic": "biogenic CO2 (memo item, not in totals)",
    "carbon": "carbon stock",
    "stock": "stock",
    "above": "above-ground biomass",
    "below": "below-ground biomass",
    "soil": "soil organic carbon",
    "dead": "dead organic matter",
    "growth_removal": "removals by growth",
    "forest_growth": "forest growth removals",
    "luc": "land-use change",
    "land_net_flux": "net land flux (negative: sink)",
    "sink": "additional sink",
    "potential": "potential",
    "cumulative": "cumulative",
    "upper": "upper bound",
    "policy": "policy-dependent",
    "transport": "road transport (territorial)",
    "waste": "solid waste",
    "wastewater": "wastewater",
    "rail": "railways",
    "ev": "electric-vehicle charging",
    "dh": "district heating",
    "per_capita": "per resident",
    "per_ha": "per hectare",
    "p05": "5th percentile of the Monte Carlo draws",
    "p25": "25th percentile of the Monte Carlo draws",
    "p50": "median of the Monte Carlo draws",
    "p75": "75th percentile of the Monte Carlo draws",
    "p95": "95th percentile of the Monte Carlo draws",
    "2030": "in 2030",
    "2050": "in 2050",
    "basic": "GPC BASIC",
    "basic_plus": "GPC BASIC+",
    "lau2": "commune code (LAU2)",
    "district_id": "district id",
    "parcel_id": "parcel id",
    "building_id": "building id",
    "road_id": "road segment id",
    "area_id": "district-heating potential area id",
    "name": "name",
    "code": "GPC reference number",
    "notation_key": "GPC notation key (NO, NE, IE, C) where there is no number",
    "rank": "rank (1 = largest)",
    "estimated_share": "share of the activity data (floor-area weighted) graded estimated",
    "estimated_attribute_share": "share of the building's graded attributes graded estimated",
    "graded_area": "heated floor area behind the data-quality share (weight)",
    "estimated_area": "heated floor area x share of estimated attributes (weight)",
    "data_quality_score": "data-quality score of the activity data, 0 (estimated) - 1 (measured)",
    "data_quality": "GPC data quality of the row: H high, M medium, L low",
    "activity_grade": "worst grade of the attributes the building model uses (roads: the "
    "grade of the traffic, aadt_grade)",
    "road_estimated_share": "share of the road vehicle-km whose traffic is graded estimated",
    "estimated_vkm_a": "vehicle-km of road segments whose traffic is graded estimated (weight)",
    "aadt_grade": "data-quality grade of the road's traffic (AADT)",
    "speed_kmh_grade": "data-quality grade of the road's speed",
    "traction_grade": "data-quality grade of the railway line's traction",
    "zoning_grade": "data-quality grade of the parcel's zoning",
    "owner_type_grade": "data-quality grade of the parcel's owner type",
    "point_source": "point source (reported facility emissions)",
    "point_source_id": "facility whose reported tonnes include this building's scope 1",
    "energy": "fuel combustion (GPC I.3.1)",
    "ippu": "industrial processes and product use (GPC IV)",
    **{
        f"rail_{traction}_{grade}_line_km": f"railway line-km on {traction} traction whose "
        f"traction is graded {grade} (the Monte Carlo widens them by that grade)"
        for traction in ("electric", "diesel")
        for grade in ("measured", "default", "estimated")
    },
}
#: numpy dtype kind -> Table Schema field type
TYPES = {"f": "number", "i": "integer", "u": "integer", "b": "boolean"}


def unit_of(column: str) -> str | None:
    """The unit of a column from the end of its name; None when it has none (ids, text)."""
    name = column.lower()
    if name in UNIT_SUFFIXES:
        return UNIT_SUFFIXES[name]
    for suffix in sorted(UNIT_SUFFIXES, key=len, reverse=True):
        if suffix.startswith("_") and name.endswith(suffix):
            return UNIT_SUFFIXES[suffix]
    return None


def meaning_of(column: str) -> str:
    """A readable meaning built from the known parts of the column name."""
    name = column.lower()
    if name in WORDS:
        return WORDS[name]
    words: list[str] = []
    rest = name
    for key in sorted(WORDS, key=len, reverse=True):
        if re.search(rf"(^|_){re.escape(key)}(_|$)", rest):
            words.append(WORDS[key])
            rest = re.sub(rf"(^|_){re.escape(key)}(_|$)", "_", rest)
    plain = " ".join(p for p in rest.split("_") if p and not _is_unit_part(p))
    return "; ".join([*words, plain] if plain else words) or column


def _is_unit_part(part: str) -> bool:
    return part in {"t", "a", "tc", "tco2", "tco2e", "kwh", "mwh", "gwh", "ha", "m2", "m", "km"}


def field_of(name: str, dtype: str | np.dtype[Any]) -> dict[str, object]:
    """A Table Schema field: name, type, unit, description."""
    kind = np.dtype(dtype).kind if str(dtype) not in {"string", "str"} else "O"
    out: dict[str, object] = {
        "name": name,
        "type": TYPES.get(kind, "string"),
        "description": meaning_of(name),
    }
    unit = unit_of(name)
    if unit is not None:
        out["unit"] = unit
    return out
