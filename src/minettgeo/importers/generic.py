"""Any vector file plus a column-mapping file (YAML or CSV) onto one layer contract.

The mapping's ``layer:`` names the contract (``communes``, ``districts``, ``parcels``,
``buildings``, ``roads``, ``protected_areas``, ``rail``; a CSV mapping needs ``--layer``).
Buildings are completed by the fill rules with their grades (``importers.fill``), their parcel
found by location when the mapping gives none; every other layer must map its contract's
required columns (``minettgeo contracts``), checked by the validator.
"""

from __future__ import annotations

import geopandas as gpd

from minettgeo.errors import MappingFileError
from minettgeo.importers.buildings import buildings_layer
from minettgeo.importers.fill import read_model_tables
from minettgeo.importers.mapping import apply_mapping, as_user
from minettgeo.importers.request import ImportRequest, Staged
from minettgeo.importers.source import read_product_vector
from minettgeo.importers.stage import keep_communes, locate, require_layer
from minettgeo.layers.contracts import VECTOR_CONTRACTS


def import_generic(req: ImportRequest) -> Staged:
    """The layer the mapping names, from any vector file GDAL reads."""
    if req.mapping is None:
        raise MappingFileError(
            "generic import: --mapping FILE is required (YAML with 'layer:' and 'columns:', or a "
            "CSV target,source); see docs/importers.md"
        )
    layer = req.only or req.mapping.layer
    if layer not in VECTOR_CONTRACTS:
        raise MappingFileError(
            f"--mapping {req.mapping.origin}: 'layer: {layer}' is not a layer contract; one of "
            f"{', '.join(VECTOR_CONTRACTS)} (or give --layer)"
        )
    mapping = as_user(req.mapping)
    gdf = read_product_vector(req.src)
    mapped = gpd.GeoDataFrame(
        apply_mapping(gdf, mapping, req.src), geometry="geometry", crs=gdf.crs
    )
    communes = req.existing.get("communes")
    if "lau2" not in mapped and communes is not None and layer in ("districts", "parcels"):
        mapped["lau2"] = locate(mapped, communes, "lau2")
    mapped = keep_communes(mapped, req.communes, communes)
    if layer == "buildings":
        parcels = require_layer(
            req.existing, "parcels", req.out_dir, "gives each building its parcel"
        )
        mapped = buildings_layer(
            mapped, parcels, read_model_tables(req.model_dir), mapping.source or "generic"
        )
    return Staged(layers={str(layer): mapped}, mapping=mapping)
