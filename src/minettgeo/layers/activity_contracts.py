"""Contracts of the layers whose activity emits: buildings (floor area, heating, dwellings,
residents), roads (traffic), rail lines and point sources (facilities and their reported
emissions, with the hard and plausible bounds of one facility's emissions)."""

from __future__ import annotations

from minettgeo.layers import codes
from minettgeo.layers.contract_types import (
    LINEAR,
    POINT,
    POLYGONAL,
    Column,
    LayerContract,
    grade_columns,
)
from minettgeo.layers.derived_columns import (
    derive_footprint_m2,
    derive_heated_area_m2,
    derive_height_m,
)
from minettgeo.layers.territory_contracts import LAU2

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
