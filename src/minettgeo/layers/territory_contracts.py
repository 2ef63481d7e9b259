"""Contracts of the layers that divide the region: communes (LAU2 code), districts, parcels
(the tessellation every building and point lies in) and protected areas."""

from __future__ import annotations

from minettgeo.layers import codes
from minettgeo.layers.contract_types import POLYGONAL, Column, LayerContract, grade_columns
from minettgeo.layers.derived_columns import derive_area_m2

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
