"""What a result layer holds (count, extent, fields, metadata, id column), read from the
GeoPackage without reading its features."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyogrio

#: the id column of each result layer (other layers: their first ``*_id`` column, else the fid)
ID_COLUMNS = {
    "buildings": "building_id",
    "parcels": "parcel_id",
    "districts": "district_id",
    "communes": "lau2",
    "roads": "road_id",
    "dh_potential_areas": "area_id",
}
BBox = tuple[float, float, float, float]


@dataclass(frozen=True)
class LayerInfo:
    """What a layer holds, read from the GeoPackage without reading its features."""

    name: str
    id_column: str
    count: int
    #: (minx, miny, maxx, maxy) in the layer's CRS (EPSG:2169); None for an empty layer
    bounds: BBox | None
    geometry_type: str
    crs: str
    #: column name -> numpy dtype name ('object' for text), geometry excluded
    fields: dict[str, str]
    #: the layer's metadata (``provenance`` JSON, ``modelled``)
    metadata: dict[str, str]


def id_column(layer: str, fields: list[str]) -> str:
    """The id column of ``layer``: :data:`ID_COLUMNS`, else its first ``*_id`` field, else its
    first field, else ``fid``."""
    known = ID_COLUMNS.get(layer)
    if known in fields:
        return str(known)
    return next((f for f in fields if f.endswith("_id")), fields[0] if fields else "fid")


def read_layer_info(gpkg: Path, name: str) -> LayerInfo:
    """Count, extent, fields and metadata of layer ``name`` of ``gpkg``."""
    raw = pyogrio.read_info(gpkg, layer=name, force_feature_count=True)
    fields = {str(f): str(np.dtype(d)) for f, d in zip(raw["fields"], raw["dtypes"], strict=True)}
    bounds = raw.get("total_bounds")
    count = int(raw["features"])
    return LayerInfo(
        name=name,
        id_column=id_column(name, list(fields)),
        count=count,
        bounds=None if count == 0 or bounds is None else tuple(map(float, bounds)),  # type: ignore[arg-type]
        geometry_type=str(raw.get("geometry_type") or "Unknown"),
        crs=str(raw.get("crs") or ""),
        fields=fields,
        metadata={str(k): str(v) for k, v in (raw.get("layer_metadata") or {}).items()},
    )
