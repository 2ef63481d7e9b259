"""Layer contracts: the columns, types, units and allowed values every input layer must have.

This module is the single place where the layers are defined; ``docs/layers.md`` is rendered from
it (``minettgeo contracts``) and a test keeps the two in step. All layers are stored and computed
in LUREF, EPSG:2169 (metres).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd

from minettgeo.layers import codes

Kind = Literal["str", "int", "float"]

#: gross-to-heated floor-area ratio used when a building has no heated floor area.
#: Stated assumption: DIN 277 net/gross floor-area ratios of 0.80-0.90 for housing; 0.85 taken.
HEATED_TO_GROSS_RATIO = 0.85
#: storey height used when a building has no height, m
STOREY_HEIGHT_M = 3.0


def derive_footprint_m2(layer: gpd.GeoDataFrame) -> pd.Series:
    """Footprint area from the geometry, m2 (``A = area(geometry)`` in EPSG:2169)."""
    return pd.Series(layer.geometry.area.to_numpy(), index=layer.index, dtype="float64")


def derive_heated_area_m2(layer: gpd.GeoDataFrame) -> pd.Series:
    """Heated floor area, m2: ``A_heated = footprint_m2 x floors x 0.85`` (HEATED_TO_GROSS_RATIO)."""
    footprint = layer["footprint_m2"] if "footprint_m2" in layer else derive_footprint_m2(layer)
    floors = pd.to_numeric(layer["floors"], errors="coerce")
    return (footprint * floors * HEATED_TO_GROSS_RATIO).astype("float64")


def derive_height_m(layer: gpd.GeoDataFrame) -> pd.Series:
    """Building height, m: ``h = floors x 3.0`` (STOREY_HEIGHT_M)."""
    return (pd.to_numeric(layer["floors"], errors="coerce") * STOREY_HEIGHT_M).astype("float64")


def derive_area_m2(layer: gpd.GeoDataFrame) -> pd.Series:
    """Parcel area from the geometry, m2."""
    return derive_footprint_m2(layer)


def derive_grade_measured(layer: gpd.GeoDataFrame) -> pd.Series:
    """every value graded 'measured' (a layer without grade columns is taken as measured data)."""
    return pd.Series(codes.GRADE_WHEN_ABSENT, index=layer.index, dtype=object)


@dataclass(frozen=True)
class Column:
    """One column of a layer contract.

    ``required`` columns must be present; a column with ``derive`` is computed when absent
    (and the derivation is reported); other columns are optional.

    Numbers must be finite. ``minimum``/``maximum`` is the hard range: a value outside it is an
    error (physically impossible or absurd, e.g. a speed of 0 km/h, a million dwellings in one
    building). ``soft_minimum``/``soft_maximum`` is the plausible range: a value outside it is a
    warning, listed by ``validate`` and in the provenance of the run, and used as given.
    ``normalise`` maps each text value to its canonical form (reported as a repair when it changes
    a value); ``pattern`` is a regular expression every (normalised) text value must match.
    """

    name: str
    kind: Kind
    description: str
    unit: str = ""
    required: bool = True
    nullable: bool = False
    allowed: Mapping[str, str] | None = None
    minimum: float | None = None
    maximum: float | None = None
    derive: Callable[[gpd.GeoDataFrame], pd.Series] | None = None
    soft_minimum: float | None = None
    soft_maximum: float | None = None
    normalise: Callable[[str], str] | None = None
    pattern: str | None = None


def grade_columns(attributes: tuple[str, ...], described: Mapping[str, str]) -> tuple[Column, ...]:
    """The optional grade column ``<attr>_grade`` of each attribute (derived as ``measured``
    when absent, and the derivation reported); ``described``: attribute -> the values it grades
    when not the column of that name."""
    return tuple(
        Column(
            codes.grade_column(attr),
            "str",
            f"data-quality grade of {described.get(attr, f'`{attr}`')}: measured, documented "
            "default or estimated; absent = every value measured",
            allowed=codes.GRADES,
            derive=derive_grade_measured,
        )
        for attr in attributes
    )


@dataclass(frozen=True)
class LayerContract:
    """A vector layer: its name, geometry types, id column and columns."""

    name: str
    title: str
    description: str
    geometry_types: tuple[str, ...]
    id_column: str
    columns: tuple[Column, ...]
    #: layers whose id this layer references: column -> (layer, id column)
    references: Mapping[str, tuple[str, str]] = field(default_factory=dict)


POLYGONAL = ("Polygon", "MultiPolygon")
POINT = ("Point",)
LINEAR = ("LineString", "MultiLineString")
LAU2 = Column(
    "lau2",
    "str",
    "commune code (LAU2, 4 digits, e.g. 0204 for Esch-sur-Alzette); a number such as 204 is "
    "padded to 0204 (reported)",
    normalise=codes.normalise_lau2,
    pattern=r"\d{4}",
)

COMMUNES = LayerContract(
    name="communes",
    title="Communes",
    description="Commune boundaries with their resident population.",
    geometry_types=POLYGONAL,
    id_column="lau2",
    columns=(
        LAU2,
        Column("name", "str", "commune name"),
        Column(
            "population",
            "int",
            "residents on 1 January of the reference year",
            "persons",
            minimum=0,
            maximum=10_000_000,
            soft_minimum=1,
            soft_maximum=500_000,
        ),
        Column(
            "household_size",
            "float",
            "persons per occupied dwelling",
            "persons/dwelling",
            required=False,
            minimum=1.0,
            maximum=6.0,
            soft_minimum=1.5,
            soft_maximum=4.0,
        ),
        Column(
            "vacancy_rate",
            "float",
            "share of dwellings not occupied",
            "fraction",
            required=False,
            minimum=0.0,
            maximum=0.5,
            soft_maximum=0.2,
        ),
    ),
)

DISTRICTS = LayerContract(
    name="districts",
    title="Districts (quartiers)",
    description="Districts: contiguous parts of a commune; candidate test districts are chosen among them.",
    geometry_types=POLYGONAL,
    id_column="district_id",
    columns=(
        Column("district_id", "str", "district identifier, unique in the region"),
        Column("name", "str", "district name"),
        LAU2,
    ),
    references={"lau2": ("communes", "lau2")},
)

PARCELS = LayerContract(
    name="parcels",
    title="Cadastral parcels",
    description="Cadastral parcels tessellating each commune (streets are parcels of the public domain).",
    geometry_types=POLYGONAL,
    id_column="parcel_id",
    columns=(
        Column("parcel_id", "str", "cadastral parcel identifier, unique in the region"),
        LAU2,
        Column(
            "area_m2",
            "float",
            "parcel area",
            "m2",
            minimum=0.0,
            maximum=1e9,
            soft_maximum=1e7,
            derive=derive_area_m2,
        ),
        Column("zoning", "str", "zoning category", allowed=codes.ZONING),
        Column(
            "owner_type", "str", "owner type (never the owner's name)", allowed=codes.OWNER_TYPE
        ),
        Column(
            "district_id",
            "str",
            "district the parcel lies in; found by location when absent",
            required=False,
        ),
        Column(
            "urban_form",
            "str",
            "modelled urban form (sample region only): old_centre, cite, suburb, ...",
            required=False,
        ),
        *grade_columns(codes.GRADED_PARCEL_ATTRIBUTES, {}),
    ),
    references={"lau2": ("communes", "lau2"), "district_id": ("districts", "district_id")},
)

BUILDINGS = LayerContract(
    name="buildings",
    title="Buildings",
    description="Building footprints with use, age, size, dwellings, heating and renovation.",
    geometry_types=POLYGONAL,
    id_column="building_id",
    columns=(
        Column("building_id", "str", "building identifier, unique in the region"),
        Column("parcel_id", "str", "parcel the building stands on"),
        Column("use", "str", "main use", allowed=codes.BUILDING_USE),
        Column(
            "construction_period",
            "str",
            "construction period",
            allowed=codes.CONSTRUCTION_PERIOD,
        ),
        Column(
            "floors",
            "int",
            "storeys above ground",
            "storeys",
            minimum=1,
            maximum=60,
            soft_maximum=30,
        ),
        Column(
            "height_m",
            "float",
            "height above ground",
            "m",
            minimum=0.0,
            maximum=300.0,
            soft_minimum=2.0,
            soft_maximum=120.0,
            derive=derive_height_m,
        ),
        Column(
            "footprint_m2",
            "float",
            "footprint area",
            "m2",
            minimum=0.0,
            maximum=1_000_000.0,
            soft_minimum=5.0,
            soft_maximum=100_000.0,
            derive=derive_footprint_m2,
        ),
        Column(
            "heated_area_m2",
            "float",
            "heated (conditioned) floor area",
            "m2",
            minimum=0.0,
            maximum=2_000_000.0,
            soft_maximum=200_000.0,
            derive=derive_heated_area_m2,
        ),
        Column(
            "dwellings",
            "int",
            "number of dwellings (0 for non-residential)",
            "dwellings",
            minimum=0,
            maximum=5_000,
            soft_maximum=1_000,
        ),
        Column(
            "heating_carrier", "str", "main heating energy carrier", allowed=codes.HEATING_CARRIER
        ),
        Column(
            "renovation_state", "str", "energy renovation state", allowed=codes.RENOVATION_STATE
        ),
        Column(
            "renovation_year",
            "int",
            "year of the last energy renovation (empty when none)",
            "year",
            required=False,
            nullable=True,
            minimum=1950,
            maximum=2100,
        ),
        *grade_columns(codes.GRADED_BUILDING_ATTRIBUTES, {}),
    ),
    references={"parcel_id": ("parcels", "parcel_id")},
)

ROADS = LayerContract(
    name="roads",
    title="Roads",
    description="Road segments with their class, traffic (AADT by vehicle class) and speed.",
    geometry_types=LINEAR,
    id_column="road_id",
    columns=(
        Column("road_id", "str", "road segment identifier, unique in the region"),
        Column("road_class", "str", "road class", allowed=codes.ROAD_CLASS),
        *(
            Column(
                f"aadt_{vc}",
                "float",
                f"annual average daily traffic, {desc}",
                "vehicles/day",
                minimum=0.0,
                maximum=500_000.0,
                soft_maximum=200_000.0,
            )
            for vc, desc in codes.VEHICLE_CLASS.items()
        ),
        Column(
            "speed_kmh",
            "float",
            "typical speed",
            "km/h",
            minimum=1.0,
            maximum=200.0,
            soft_minimum=5.0,
            soft_maximum=130.0,
        ),
        Column("name", "str", "street name or reference", required=False, nullable=True),
        Column(
            "source",
            "str",
            "'osm' for real OpenStreetMap roads, 'modelled' otherwise",
            required=False,
        ),
        *grade_columns(
            codes.GRADED_ROAD_ATTRIBUTES,
            {
                "aadt": "the traffic `aadt_car` ... `aadt_bus` (one grade for every class; the "
                "segment's activity grade)"
            },
        ),
    ),
)

PROTECTED_AREAS = LayerContract(
    name="protected_areas",
    title="Protected areas",
    description=(
        "Nature reserves and other protected land (optional layer): sink measures that would "
        "change the habitat (afforestation) are not proposed inside them."
    ),
    geometry_types=POLYGONAL,
    id_column="area_id",
    columns=(
        Column("area_id", "str", "protected-area identifier"),
        Column("name", "str", "name of the protected area"),
        Column("designation", "str", "kind of protection (e.g. nature reserve, Natura 2000)"),
    ),
)

RAIL = LayerContract(
    name="rail",
    title="Railway lines",
    description=(
        "Railway lines (route, not track) with their traction (optional layer: without it the "
        "railways rows II.2 carry the notation key NE). Train-km come from the line length and "
        "the factor table rail_traffic.csv."
    ),
    geometry_types=LINEAR,
    id_column="rail_id",
    columns=(
        Column("rail_id", "str", "railway line identifier, unique in the region"),
        Column("traction", "str", "traction of the line", allowed=codes.RAIL_TRACTION),
        Column("name", "str", "line name or number", required=False, nullable=True),
        Column(
            "source",
            "str",
            "'osm' for real OpenStreetMap lines, 'modelled' otherwise",
            required=False,
        ),
        *grade_columns(
            codes.GRADED_RAIL_ATTRIBUTES, {"traction": "`traction` (the line's activity grade)"}
        ),
    ),
)

#: hard upper bound of one facility's emissions, t CO2e/a: the largest EU ETS installations
#: (lignite power stations) report 30-35 Mt CO2e a year; 50 Mt is impossible for one site
POINT_SOURCE_MAX_TCO2E = 50_000_000.0
#: plausible upper bound, t CO2e/a: all of Luxembourg's EU ETS installations together report
#: about 1.5-2 Mt CO2e a year (EEA EU ETS data viewer, verify); one site above 3 Mt is suspect
POINT_SOURCE_SOFT_MAX_TCO2E = 3_000_000.0

POINT_SOURCES = LayerContract(
    name="point_sources",
    title="Point sources (industrial facilities)",
    description=(
        "Industrial facilities with reported emissions (optional layer), e.g. from the EU ETS "
        "verified-emissions table: one feature per facility, GPC row and gas. They enter the GPC "
        "inventory in their row (I.3.1 energy use, IV.1/IV.2 IPPU) instead of NE; the buildings "
        "of use `industry` on a point source's parcel are left out of I.3 building energy so "
        "that nothing is counted twice (docs/point_sources.md). Without the layer, I.3 process "
        "energy and IV carry NE."
    ),
    geometry_types=POINT,
    id_column="facility_id",
    columns=(
        Column(
            "facility_id",
            "str",
            "facility (and row) identifier, unique in the layer, e.g. the EU ETS installation "
            "identifier with a suffix per GPC row or gas",
        ),
        Column("name", "str", "facility name (operator and site)"),
        LAU2,
        Column(
            "gpc_sector",
            "str",
            "GPC row the emissions are reported in (report/gpc_rows.csv)",
            allowed=codes.POINT_SOURCE_SECTORS,
        ),
        Column(
            "scope",
            "int",
            "GPC scope of the emissions: 1 (emitted inside the region)",
            minimum=1,
            maximum=1,
        ),
        Column("gas", "str", "gas of the reported tonnes", allowed=codes.POINT_SOURCE_GASES),
        Column(
            "t_co2e_per_year",
            "float",
            "reported emissions of the year, as CO2 equivalent (the reporting's GWP set, AR5 for "
            "the EU ETS since 2021)",
            "t CO2e/a",
            minimum=0.0,
            maximum=POINT_SOURCE_MAX_TCO2E,
            soft_maximum=POINT_SOURCE_SOFT_MAX_TCO2E,
        ),
        Column(
            "source",
            "str",
            "where the figure comes from (e.g. 'EU ETS verified emissions 2023'); 'modelled ...' "
            "for modelled figures",
        ),
        Column(
            "year",
            "int",
            "reporting year",
            "year",
            minimum=1990,
            maximum=2100,
            soft_minimum=2005,
            soft_maximum=2030,
        ),
        Column("grade", "str", "data-quality grade of the figure", allowed=codes.GRADES),
        Column(
            "parcel_id",
            "str",
            "parcel the facility stands on; found by location (the parcel holding the point) "
            "when absent",
            required=False,
        ),
    ),
    references={"lau2": ("communes", "lau2"), "parcel_id": ("parcels", "parcel_id")},
)

VECTOR_CONTRACTS: Mapping[str, LayerContract] = {
    c.name: c
    for c in (
        COMMUNES,
        DISTRICTS,
        PARCELS,
        BUILDINGS,
        ROADS,
        PROTECTED_AREAS,
        RAIL,
        POINT_SOURCES,
    )
}
#: layers a region must have; the others are optional
REQUIRED_LAYERS = ("communes", "districts", "parcels", "buildings", "roads")


@dataclass(frozen=True)
class RasterContract:
    """A categorical raster: integer codes from a code list, a nodata value, a CRS."""

    name: str
    title: str
    description: str
    allowed: Mapping[int, str]
    nodata: int
    resolution_m: float
    #: hard range of the values (other than nodata) of a raster of quantities; error outside
    minimum: float | None = None
    maximum: float | None = None
    #: plausible range: warning outside
    soft_maximum: float | None = None
    unit: str = ""
    #: GeoTIFF tag holding the product's data-quality grade (None: not graded)
    grade_tag: str | None = None


FOREST_AGE = RasterContract(
    name="forest_age",
    title="Forest stand age",
    description=(
        "Optional single-band integer GeoTIFF on the land-cover grid: age of the forest stand in "
        "years at the land-cover year; 255 = not forest or unknown (then mature rates are used)."
    ),
    allowed={},
    nodata=255,
    resolution_m=10.0,
    minimum=0,
    maximum=254,
    soft_maximum=200,
    unit="years",
)

LANDCOVER = RasterContract(
    name="landcover",
    title="Land cover",
    description=(
        "Single-band integer GeoTIFF of CORINE Land Cover level-3 codes (111 ... 523); "
        "0 = no data. Any resolution; 10 m for the sample region. The GeoTIFF tag `grade` "
        "holds the product's data-quality grade (measured, default or estimated; absent = "
        "measured)."
    ),
    allowed=codes.CLC_LEVEL3,
    nodata=codes.LANDCOVER_NODATA,
    resolution_m=10.0,
    grade_tag=codes.RASTER_GRADE_TAG,
)

#: the integer dtypes a land-cover raster may use
INTEGER_DTYPES = tuple(np.dtype(t).name for t in ("uint8", "uint16", "int16", "int32", "uint32"))
