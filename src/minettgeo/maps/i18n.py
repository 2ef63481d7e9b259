"""French and English texts of the maps: one table, one lookup, one language negotiation.

Every label, legend title, unit and tooltip alias shown on a map comes from :data:`TEXT`;
:func:`choose_language` (:mod:`minettgeo.language`, the rule of every page) picks ``fr`` or
``en`` from ``?lang=`` and else the ``Accept-Language`` header (French by default: the region's
working language).
"""

from __future__ import annotations

from minettgeo.language import DEFAULT_LANGUAGE as DEFAULT_LANGUAGE
from minettgeo.language import LANGUAGES as LANGUAGES
from minettgeo.language import Lang as Lang
from minettgeo.language import choose_language as choose_language

#: key -> (French, English)
TEXT: dict[str, tuple[str, str]] = {
    # map titles
    "map.emissions": ("Émissions des quartiers", "District emissions"),
    "map.heat": ("Densité de chaleur et réseaux de chaleur", "Heat density and district heating"),
    "map.carbon": ("Stock de carbone et potentiel de puits", "Carbon stock and sink potential"),
    "map.candidates": ("Quartiers test candidats", "Test-district candidates"),
    "map.solar": ("Solaire en toiture", "Rooftop solar"),
    "map.parcels": ("Parcelles d'un quartier", "Parcels of one district"),
    "maps.index": ("Cartes de minettgeo", "minettgeo maps"),
    "maps.index_intro": (
        "Cartes des résultats du calcul {run_id}. Toutes les ressources sont servies localement.",
        "Maps of the results of run {run_id}. Every asset is served locally.",
    ),
    "maps.parcels_pick": (
        "Choisir un quartier : /maps/parcels?district=ID",
        "Pick a district: /maps/parcels?district=ID",
    ),
    "maps.language": ("English", "Français"),
    "maps.run": ("calcul {run_id}", "run {run_id}"),
    "status.loaded": ("parcelles chargées", "parcels loaded"),
    "status.error": ("erreur :", "error:"),
    # basemap layers
    "layer.communes": ("Communes", "Communes"),
    "layer.roads": ("Routes principales", "Main roads"),
    "layer.landcover": ("Occupation du sol", "Land cover"),
    # thematic layers
    "layer.ghg_per_capita": ("Émissions par habitant", "Emissions per resident"),
    "layer.ghg_per_ha": ("Émissions par hectare", "Emissions per hectare"),
    "layer.ghg_total": ("Émissions totales", "Total emissions"),
    "layer.heat_density_raster": (
        "Densité de besoin de chaleur (10 m)",
        "Heat need density (10 m)",
    ),
    "layer.heat_density_districts": (
        "Densité de chaleur par quartier",
        "Heat density per district",
    ),
    "layer.dh_areas": (
        "Zones potentielles de réseau de chaleur",
        "District-heating potential areas",
    ),
    "layer.carbon_raster": ("Stock de carbone (10 m)", "Carbon stock (10 m)"),
    "layer.sink_raster": ("Potentiel de puits 2050 (10 m)", "Sink potential 2050 (10 m)"),
    "layer.carbon_districts": ("Stock de carbone par quartier", "Carbon stock per district"),
    "layer.sink_districts": (
        "Potentiel de puits 2050 par quartier",
        "Sink potential 2050 per district",
    ),
    "layer.candidates": ("Candidats classés", "Ranked candidates"),
    "layer.districts": ("Quartiers", "Districts"),
    "layer.solar": ("Production solaire en toiture", "Rooftop solar yield"),
    "layer.parcels": ("Parcelles (chargées par emprise)", "Parcels (loaded by bounding box)"),
    # units
    "unit.tco2e_cap_a": ("t CO₂e/(hab. an)", "t CO₂e/(resident a)"),
    "unit.tco2e_ha_a": ("t CO₂e/(ha an)", "t CO₂e/(ha a)"),
    "unit.tco2e_a": ("t CO₂e/an", "t CO₂e/a"),
    "unit.mwh_ha_a": ("MWh/(ha an)", "MWh/(ha a)"),
    "unit.gwh_a": ("GWh/an", "GWh/a"),
    "unit.tc_ha": ("t C/ha", "t C/ha"),
    "unit.tco2_ha_a": ("t CO₂/(ha an)", "t CO₂/(ha a)"),
    "unit.mwh_a": ("MWh/an", "MWh/a"),
    "unit.score": ("score (0-1)", "score (0-1)"),
    "unit.rank": ("rang", "rank"),
    # tooltip fields
    "field.name": ("Nom", "Name"),
    "field.district_id": ("Quartier", "District"),
    "field.parcel_id": ("Parcelle", "Parcel"),
    "field.commune": ("Commune", "Commune"),
    "field.residents": ("Habitants", "Residents"),
    "field.rank": ("Rang", "Rank"),
    "field.score": ("Score", "Score"),
    "field.explanation": ("Pourquoi", "Why"),
    "field.area_id": ("Zone", "Area"),
    "field.zoning": ("Zonage", "Zoning"),
    "field.estimated_share": ("Part des données estimées", "Share of estimated data"),
    "field.road_estimated_share": (
        "Part du trafic routier estimé (véh.-km)",
        "Share of estimated road traffic (vehicle-km)",
    ),
    "field.road_class": ("Classe de route", "Road class"),
    # legend notes
    "legend.hidden": (
        "non affiché : moins de {n} habitants",
        "not shown: fewer than {n} residents",
    ),
    "legend.no_residents": (
        "pas de données d'habitants : émissions par habitant non affichées",
        "no resident data: emissions per resident not shown",
    ),
    "legend.no_data": ("sans valeur", "no value"),
    "legend.fixture": (
        "DONNÉES DE TEST : classement fictif construit à partir des quartiers",
        "TEST FIXTURE: made-up ranking built from the districts",
    ),
    "legend.no_solar": (
        "pas de colonne de production solaire dans ce calcul",
        "no rooftop solar column in this run",
    ),
    "legend.no_candidates": (
        "pas de couche de candidats dans ce calcul (minettgeo rank)",
        "no candidates layer in this run (minettgeo rank)",
    ),
    "legend.parcels_zoom": (
        "zoomer pour charger les parcelles de la vue",
        "zoom in to load the parcels in view",
    ),
    "legend.dh_threshold": (
        "seuils : {cell} MWh/(ha an) par cellule, {area} GWh/an par zone",
        "thresholds: {cell} MWh/(ha a) per cell, {area} GWh/a per area",
    ),
}


def t(key: str, lang: Lang, **values: object) -> str:
    """The text of ``key`` in ``lang`` with ``{placeholders}`` filled in."""
    fr, en = TEXT[key]
    text = fr if lang == "fr" else en
    return text.format(**values) if values else text
