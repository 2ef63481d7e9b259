"""ACT products: cadastral parcels (PCN) and building footprints with heights.

``act-parcels``: INSPIRE CadastralParcel attributes (``nationalCadastralReference``,
``areaValue``, ``label``) in LUREF. The commune of each parcel is the commune holding its
representative point (the communes layer of ``--out``); the cadastre publishes neither zoning
(the communes' PAG is a separate product) nor owners (not open data), so ``zoning`` and
``owner_type`` take the defaults of ``fill_defaults.csv`` with ``zoning_grade`` and
``owner_type_grade`` = ``default``. When ``--out`` has no districts, one district per commune
is written with the parcels (``<lau2>-01``).

``act-buildings``: INSPIRE Building attributes (``localId``, ``currentUse``,
``heightAboveGround``, ``numberOfFloorsAboveGround``, ``dateOfConstruction``); the rest is
filled by the rules of ``importers.fill``.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np

from minettgeo.importers.buildings import buildings_layer
from minettgeo.importers.fill import DEFAULT, fill_defaults, read_model_tables
from minettgeo.importers.mapping import ColumnMapping, apply_mapping, merge, shipped_mapping
from minettgeo.importers.request import ImportRequest, Staged
from minettgeo.importers.source import read_product_vector
from minettgeo.importers.stage import districts_from_communes, keep_communes, locate, require_layer


def mapped_product(
    src: Path, product: str, user: ColumnMapping | None
) -> tuple[gpd.GeoDataFrame, ColumnMapping]:
    """The product file read in LUREF with its columns mapped onto the contract."""
    mapping = merge(shipped_mapping(product), user)
    gdf = read_product_vector(src)
    mapped = apply_mapping(gdf, mapping, src)
    return gpd.GeoDataFrame(mapped, geometry="geometry", crs=gdf.crs), mapping


def import_act_parcels(req: ImportRequest) -> Staged:
    """The parcels layer (and districts when the region has none) from an ACT PCN file."""
    communes = require_layer(req.existing, "communes", req.out_dir, "gives each parcel its commune")
    parcels, mapping = mapped_product(req.src, "act_parcels", req.mapping)
    parcels["parcel_id"] = parcels["parcel_id"].astype(str)
    parcels["lau2"] = locate(parcels, communes, "lau2")
    parcels = keep_communes(parcels, req.communes, communes)
    defaults = fill_defaults()["value"]
    for column in ("zoning", "owner_type"):
        if column in parcels:
            parcels[f"{column}_grade"] = np.where(parcels[column].notna(), "measured", DEFAULT)
            parcels[column] = parcels[column].fillna(defaults[column])
        else:
            parcels[column] = defaults[column]
            parcels[f"{column}_grade"] = DEFAULT
    parcels = parcels.drop(columns=[c for c in ("label",) if c in parcels])
    layers = {"parcels": parcels}
    notes = [
        f"zoning and owner_type: '{defaults['zoning']}' and '{defaults['owner_type']}' by default (fill_defaults.csv)"
    ]
    if "districts" not in req.existing:
        layers = {"districts": districts_from_communes(communes), **layers}
        notes.append("no districts in the region: one district per commune (<lau2>-01)")
    return Staged(layers=layers, mapping=mapping, notes=notes)


def import_act_buildings(req: ImportRequest) -> Staged:
    """The buildings layer from ACT footprints with heights."""
    parcels = require_layer(req.existing, "parcels", req.out_dir, "gives each building its parcel")
    mapped, mapping = mapped_product(req.src, "act_buildings", req.mapping)
    mapped = keep_communes(mapped, req.communes, req.existing.get("communes"))
    layer = buildings_layer(mapped, parcels, read_model_tables(req.model_dir), "act")
    return Staged(layers={"buildings": layer}, mapping=mapping)
