"""Code lists shared by the layer contracts: every categorical column takes its values from here.

Each list maps a code (what is stored in the layer) to a one-line meaning. The codes are plain
lower-case ASCII so that they survive every file format and every GIS.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType


def _frozen(d: dict[str, str]) -> Mapping[str, str]:
    return MappingProxyType(d)


ZONING: Mapping[str, str] = _frozen(
    {
        "housing": "residential zone",
        "mixed": "mixed centre zone (housing, shops, services)",
        "activity": "economic activity zone (industry, logistics, offices, retail parks)",
        "public": "public buildings and equipment, and public domain such as streets",
        "green": "urban green space, parks, nature areas inside the settlement",
        "agricultural": "farmland: arable land, meadows and pastures",
        "forest": "forest and wooded nature reserves",
    }
)

OWNER_TYPE: Mapping[str, str] = _frozen(
    {
        "commune": "owned by the commune",
        "state": "owned by the State or a public body",
        "private": "owned by a private person or company (never named)",
    }
)

BUILDING_USE: Mapping[str, str] = _frozen(
    {
        "single_family": "detached or semi-detached single-family house",
        "terraced": "terraced (row) house",
        "multi_family": "small multi-family house, 2-6 dwellings, often with a shop below",
        "apartment_block": "apartment block, 7 dwellings or more",
        "office": "office building",
        "retail": "shop, supermarket, retail park unit",
        "education": "school, lycée, university building, childcare",
        "health": "hospital, care home, medical centre",
        "industry": "manufacturing, workshop or logistics hall",
        "other": "other non-residential building (sports hall, garage, farm, derelict hall)",
    }
)

RESIDENTIAL_USES: frozenset[str] = frozenset(
    {"single_family", "terraced", "multi_family", "apartment_block"}
)

HEATING_CARRIER: Mapping[str, str] = _frozen(
    {
        "natural_gas": "natural-gas boiler on site",
        "heating_oil": "heating-oil boiler on site",
        "direct_electric": "direct electric heating",
        "heat_pump": "electric heat pump",
        "district_heat": "connected to a district-heating network",
        "wood_pellets": "wood, wood-chip or pellet boiler or stove",
        "none": "not heated",
    }
)

RENOVATION_STATE: Mapping[str, str] = _frozen(
    {
        "none": "no energy renovation since construction",
        "partial": "some energy works (windows, roof or walls)",
        "deep": "deep energy renovation of the envelope",
    }
)

ROAD_CLASS: Mapping[str, str] = _frozen(
    {
        "motorway": "motorway (A-road)",
        "primary": "national primary road (N-road)",
        "secondary": "road linking towns and villages",
        "tertiary": "road linking districts inside a commune",
        "residential": "local residential street",
        "service": "service road, farm or forest track",
    }
)

#: traction of a railway line (rail layer)
RAIL_TRACTION: Mapping[str, str] = _frozen(
    {
        "electric": "electrified line (overhead catenary); some trains on it may still be diesel-hauled",
        "diesel": "line without electrification: every train on it is diesel-hauled",
    }
)

#: vehicle classes with an AADT column each on the roads layer
VEHICLE_CLASS: Mapping[str, str] = _frozen(
    {
        "car": "passenger car",
        "lgv": "light goods vehicle (van), up to 3.5 t",
        "hgv": "heavy goods vehicle, over 3.5 t",
        "bus": "bus and coach",
    }
)


#: data-quality grade of one value (the ``<attr>_grade`` columns of the buildings, the ``grade`` of
#: a point source). BISKO (ifeu 2019) grades every input by its origin; these three grades are the
#: ones an importer can state for each value it writes.
GRADES: Mapping[str, str] = _frozen(
    {
        "measured": "taken from a survey, register or measurement of this very feature",
        "default": "set by a documented default rule (e.g. height = floors x 3 m, heated area = "
        "footprint x floors x 0.85)",
        "estimated": "estimated from other features or statistics (neighbourhood, commune shares, "
        "modelled sample region)",
    }
)
#: building attributes that carry a grade column ``<attr>_grade``
GRADED_BUILDING_ATTRIBUTES: tuple[str, ...] = (
    "construction_period",
    "floors",
    "height_m",
    "heated_area_m2",
    "dwellings",
    "heating_carrier",
    "renovation_state",
)
#: road attributes that carry a grade column: the traffic (one grade for the AADT of every
#: vehicle class, as a count or a model gives them together) and the speed
GRADED_ROAD_ATTRIBUTES: tuple[str, ...] = ("aadt", "speed_kmh")
#: the road attribute the road model reads (vehicle-km = AADT x 365 x length; the speed enters
#: no emission formula): its grade is the segment's activity grade
ROAD_ACTIVITY_ATTRIBUTE = "aadt"
#: railway attributes that carry a grade column (the line length is the geometry's; train-km
#: per line-km are a factor with its own range)
GRADED_RAIL_ATTRIBUTES: tuple[str, ...] = ("traction",)
#: parcel attributes that carry a grade column
GRADED_PARCEL_ATTRIBUTES: tuple[str, ...] = ("zoning", "owner_type")
#: GeoTIFF tag holding the grade of a land-cover raster (one grade per product)
RASTER_GRADE_TAG = "grade"
#: the grade of an attribute whose grade column (or raster tag) is absent (docs/layers.md)
GRADE_WHEN_ABSENT = "measured"


def grade_column(attribute: str) -> str:
    """Name of the grade column of an attribute: ``floors`` -> ``floors_grade``."""
    return f"{attribute}_grade"


#: GPC rows a point source may report into: scope 1 rows of I.3 (energy use in manufacturing
#: industries and construction) and IV (industrial processes and product use) of
#: ``report/gpc_rows.csv`` (a test keeps the two in step)
POINT_SOURCE_SECTORS: Mapping[str, str] = _frozen(
    {
        "I.3.1": "fuel combustion in manufacturing industries and construction (process energy)",
        "IV.1": "industrial processes: non-energy process emissions (e.g. steel, cement clinker, glass melt)",
        "IV.2": "product use (e.g. solvents, lubricants, fluorinated gases)",
    }
)
#: gases a point source reports (CO2e: a mixture reported only as CO2 equivalent)
POINT_SOURCE_GASES: Mapping[str, str] = _frozen(
    {
        "CO2": "carbon dioxide",
        "CH4": "methane (reported as t CO2e)",
        "N2O": "nitrous oxide (reported as t CO2e)",
        "CO2e": "several gases, reported only as CO2 equivalent",
    }
)


@dataclass(frozen=True)
class Period:
    """A construction period: its code and first and last year (inclusive)."""

    code: str
    first_year: int
    last_year: int


#: construction periods; 2017 starts the nZEB ("AAA") requirement for new Luxembourg dwellings
CONSTRUCTION_PERIODS: tuple[Period, ...] = (
    Period("before_1919", 1800, 1918),
    Period("1919_1945", 1919, 1945),
    Period("1946_1960", 1946, 1960),
    Period("1961_1970", 1961, 1970),
    Period("1971_1980", 1971, 1980),
    Period("1981_1990", 1981, 1990),
    Period("1991_2000", 1991, 2000),
    Period("2001_2010", 2001, 2010),
    Period("2011_2016", 2011, 2016),
    Period("2017_2030", 2017, 2030),
)
CONSTRUCTION_PERIOD: Mapping[str, str] = _frozen(
    {p.code: f"built {p.first_year}-{p.last_year}" for p in CONSTRUCTION_PERIODS}
)

#: CORINE Land Cover nomenclature, level 3 (EEA): the codes of the land-cover raster
CLC_LEVEL3: Mapping[int, str] = MappingProxyType(
    {
        111: "Continuous urban fabric",
        112: "Discontinuous urban fabric",
        121: "Industrial or commercial units and public facilities",
        122: "Road and rail networks and associated land",
        123: "Port areas",
        124: "Airports",
        131: "Mineral extraction sites",
        132: "Dump sites",
        133: "Construction sites",
        141: "Green urban areas",
        142: "Sport and leisure facilities",
        211: "Non-irrigated arable land",
        212: "Permanently irrigated land",
        213: "Rice fields",
        221: "Vineyards",
        222: "Fruit trees and berry plantations",
        223: "Olive groves",
        231: "Pastures",
        241: "Annual crops associated with permanent crops",
        242: "Complex cultivation patterns",
        243: "Agriculture with significant areas of natural vegetation",
        244: "Agro-forestry areas",
        311: "Broad-leaved forest",
        312: "Coniferous forest",
        313: "Mixed forest",
        321: "Natural grasslands",
        322: "Moors and heathland",
        323: "Sclerophyllous vegetation",
        324: "Transitional woodland-shrub",
        331: "Beaches, dunes, sands",
        332: "Bare rocks",
        333: "Sparsely vegetated areas",
        334: "Burnt areas",
        335: "Glaciers and perpetual snow",
        411: "Inland marshes",
        412: "Peat bogs",
        421: "Salt marshes",
        422: "Salines",
        423: "Intertidal flats",
        511: "Water courses",
        512: "Water bodies",
        521: "Coastal lagoons",
        522: "Estuaries",
        523: "Sea and ocean",
    }
)

#: the value that marks "no data" in land-cover rasters written by minettgeo
LANDCOVER_NODATA = 0


#: commune codes (LAU2) are four digits; a code read as a number (104, 104.0) lost its zero
LAU2_DIGITS = 4


def normalise_lau2(code: str) -> str:
    """A commune code as four digits: ``"104"``, ``"104.0"`` and ``" 0104 "`` -> ``"0104"``;
    anything that is not a whole number of at most four digits is returned stripped, unchanged."""
    text = str(code).strip()
    whole = text[: -len(".0")] if text.endswith(".0") else text
    if whole.isascii() and whole.isdigit() and len(whole) <= LAU2_DIGITS:
        return whole.zfill(LAU2_DIGITS)
    return text
