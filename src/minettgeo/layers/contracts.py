"""Layer contracts: the columns, types, units and allowed values every input layer must have.

This module lists every vector layer (:data:`VECTOR_CONTRACTS`) and the layers a region must have;
the contracts are defined beside it: :mod:`~minettgeo.layers.contract_types` (what a contract
says), :mod:`~minettgeo.layers.territory_contracts` (communes, districts, parcels, protected
areas), :mod:`~minettgeo.layers.activity_contracts` (buildings, roads, rail, point sources),
:mod:`~minettgeo.layers.raster_contracts` (land cover, forest age) and
:mod:`~minettgeo.layers.derived_columns` (columns computed when absent). ``docs/layers.md`` is
rendered from them (``minettgeo contracts``) and a test keeps the two in step. All layers are
stored and computed in LUREF, EPSG:2169 (metres).
"""

from __future__ import annotations

from collections.abc import Mapping

from minettgeo.layers.activity_contracts import BUILDINGS, POINT_SOURCES, RAIL, ROADS
from minettgeo.layers.contract_types import LayerContract
from minettgeo.layers.territory_contracts import COMMUNES, DISTRICTS, PARCELS, PROTECTED_AREAS

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
