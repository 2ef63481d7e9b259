"""One file of a Data Package as a resource: its format, media type, size, SHA-256 and, for a
table or a vector file, the fields of its columns (read from the file)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyogrio

from minettgeo.export.column_meanings import field_of

#: file suffix -> (format, media type)
FORMATS = {
    ".gpkg": ("gpkg", "application/geopackage+sqlite3"),
    ".parquet": ("parquet", "application/vnd.apache.parquet"),
    ".geojson": ("geojson", "application/geo+json"),
    ".fgb": ("fgb", "application/flatgeobuf"),
    ".csv": ("csv", "text/csv"),
    ".json": ("json", "application/json"),
    ".tif": ("tif", "image/tiff; application=geotiff; profile=cloud-optimized"),
}


def sha256(path: Path) -> str:
    """The SHA-256 of a file (hex), read in blocks of 1 MiB."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class Resource:
    """One file of a package; ``fields`` for a table (CSV), ``layers`` for a vector file."""

    path: Path
    title: str
    fields: list[dict[str, object]] | None = None
    layers: dict[str, list[dict[str, object]]] = field(default_factory=dict)
    extra: Mapping[str, object] = field(default_factory=dict)


def _name(path: Path) -> str:
    return re.sub(r"[^a-z0-9._-]", "-", path.name.lower())


def resource_entry(resource: Resource, root: Path) -> dict[str, object]:
    """The descriptor entry of ``resource``, its path relative to ``root``."""
    path = Path(resource.path)
    fmt, media = FORMATS.get(path.suffix.lower(), (path.suffix.lstrip("."), None))
    entry: dict[str, object] = {
        "name": _name(path),
        "path": path.relative_to(root).as_posix(),
        "title": resource.title,
        "format": fmt,
        "bytes": path.stat().st_size,
        "hash": f"sha256:{sha256(path)}",
    }
    if media:
        entry["mediatype"] = media
    if fmt == "csv" and resource.fields is not None:
        entry.update(
            {
                "type": "table",
                "profile": "tabular-data-resource",
                "encoding": "utf-8",
                "dialect": {"delimiter": ",", "header": True},
                "schema": {"fields": resource.fields},
            }
        )
    else:
        entry["type"] = "file"
    if resource.layers:
        entry["layers"] = {
            name: {"schema": {"fields": fields}} for name, fields in resource.layers.items()
        }
    entry.update(resource.extra)
    return entry


def csv_fields(path: Path) -> list[dict[str, object]]:
    """The fields of a plain CSV file (types read by pandas)."""
    import pandas as pd

    frame = pd.read_csv(path, dtype={"lau2": str, "parcel_id": str, "district_id": str})
    return [
        field_of(str(c), np.dtype(str(frame[c].dtype).replace("string", "object")))
        for c in frame.columns
    ]


def vector_layers(path: Path) -> dict[str, list[dict[str, object]]]:
    """Every layer of a vector file with its fields (the geometry as a ``geometry`` field)."""
    out = {}
    for name, _geom in pyogrio.list_layers(path):
        info = pyogrio.read_info(path, layer=name)
        fields = [
            field_of(str(f), np.dtype(d))
            for f, d in zip(info["fields"], info["dtypes"], strict=True)
        ]
        fields.append(
            {
                "name": "geometry",
                "type": "geojson" if path.suffix == ".geojson" else "any",
                "description": f"{info.get('geometry_type')} in {info.get('crs')}",
            }
        )
        out[str(name)] = fields
    return out


def describe_file(path: Path) -> Resource:
    """A resource for any result or export file, with its columns where it has some."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return Resource(path, f"table {path.stem}", fields=csv_fields(path))
    if suffix in {".gpkg", ".fgb", ".geojson"}:
        return Resource(path, f"vector layers {path.stem}", layers=vector_layers(path))
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        schema = pq.read_schema(path)
        fields = [
            field_of(
                n,
                "float64"
                if str(t).startswith(("double", "float"))
                else ("int64" if str(t).startswith(("int", "uint")) else "object"),
            )
            for n, t in zip(schema.names, schema.types, strict=True)
            if n != "geometry"
        ]
        return Resource(path, f"GeoParquet layer {path.stem}", layers={path.stem: fields})
    if suffix == ".tif":
        import rasterio

        with rasterio.open(path) as src:
            tags = src.tags()
            extra = {
                "raster": {
                    "crs": str(src.crs),
                    "width": src.width,
                    "height": src.height,
                    "resolution": list(src.res),
                    "bounds": list(src.bounds),
                    "dtype": src.dtypes[0],
                    "nodata": src.nodata,
                    "unit": tags.get("unit"),
                    "quantity": tags.get("quantity") or src.descriptions[0],
                }
            }
        return Resource(path, f"raster {path.stem}", extra=extra)
    return Resource(path, path.name)
