"""ACT products: cadastral parcels (PCN) and building footprints with heights.

``act-parcels``: INSPIRE CadastralParcel attributes (``nationalCadastralReference``,
``areaValue``, ``label``) in LUREF. The commune of each parcel is the commune holding its
representative point (the communes layer of ``--out``); the cadastre publishes neither zoning
(the communes' PAG is a separate product) nor owners (not open data), so ``zoning`` and
``owner_type`` take the defaults of ``fill_defaults.csv`` with ``zoning_grade`` and
``owner_type_grade`` = ``default``; when ``--out`` already holds ``landcover.tif``, the zoning
is estimated from the CORINE class under each parcel (``clc_to_zoning.csv``, grade
``estimated``). When ``--out`` has no districts, one district per commune
is written with the parcels (``<lau2>-01``).

``act-buildings``: INSPIRE Building attributes (``localId``, ``currentUse``,
``heightAboveGround``, ``numberOfFloorsAboveGround``, ``dateOfConstruction``); the rest is
filled by the rules of ``importers.fill``.
"""

from __future__ import annotations

from importlib import resources
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


def zoning_from_landcover(parcels: gpd.GeoDataFrame, landcover: Path) -> np.ndarray:
    """Zoning of each parcel from the CORINE class under its representative point
    (``clc_to_zoning.csv``: the longest matching code prefix); None where no data."""
    import pandas as pd
    import rasterio
    import shapely

    points = shapely.point_on_surface(parcels.geometry.to_numpy())
    with rasterio.open(landcover) as src:
        data = src.read(1)
        rows, cols = rasterio.transform.rowcol(
            src.transform, shapely.get_x(points), shapely.get_y(points)
        )
    rows, cols = np.asarray(rows), np.asarray(cols)
    inside = (rows >= 0) & (rows < data.shape[0]) & (cols >= 0) & (cols < data.shape[1])
    code = np.zeros(len(points), dtype=np.int64)
    code[inside] = data[rows[inside], cols[inside]]
    with resources.as_file(
        resources.files("minettgeo.importers") / "data" / "clc_to_zoning.csv"
    ) as p:
        table = pd.read_csv(p, dtype={"clc_prefix": str})
    text = pd.Series(code.astype(str))
    zoning = np.full(len(points), None, dtype=object)
    for prefix, zone in sorted(
        zip(table["clc_prefix"], table["zoning"], strict=True), key=lambda r: len(r[0])
    ):
        zoning[text.str.startswith(prefix).to_numpy() & (code > 0)] = zone
    return zoning


def import_act_parcels(req: ImportRequest) -> Staged:
    """The parcels layer (and districts when the region has none) from an ACT PCN file."""
    communes = require_layer(req.existing, "communes", req.out_dir, "gives each parcel its commune")
    parcels, mapping = mapped_product(req.src, "act_parcels", req.mapping)
    parcels["parcel_id"] = parcels["parcel_id"].astype(str)
    parcels["lau2"] = locate(parcels, communes, "lau2")
    parcels = keep_communes(parcels, req.communes, communes)
    defaults = fill_defaults()["value"]
    landcover = req.out_dir / "landcover.tif"
    if "zoning" not in parcels and landcover.is_file():
        parcels["zoning"] = zoning_from_landcover(parcels, landcover)
        parcels["zoning_grade"] = np.where(parcels["zoning"].notna(), "estimated", DEFAULT)
    for column in ("zoning", "owner_type"):
        if column in parcels:
            if f"{column}_grade" not in parcels:
                parcels[f"{column}_grade"] = np.where(parcels[column].notna(), "measured", DEFAULT)
            parcels[column] = parcels[column].fillna(defaults[column])
        else:
            parcels[column] = defaults[column]
            parcels[f"{column}_grade"] = DEFAULT
    parcels = parcels.drop(columns=[c for c in ("label",) if c in parcels])
    layers = {"parcels": parcels}
    zoned = (
        "estimated from landcover.tif where it has a class, else " if landcover.is_file() else ""
    )
    notes = [
        f"zoning: {zoned}'{defaults['zoning']}' by default; owner_type: "
        f"'{defaults['owner_type']}' by default (fill_defaults.csv)"
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
