"""OpenStreetMap buildings and roads, from an ``.osm.pbf`` extract or from OSM GeoJSON.

``.osm.pbf`` is read by pyrosm (Cython PBF reader; wheels on PyPI, works offline); GeoJSON
(an Overpass/osmtogeojson export, or ``ogr2ogr`` of an extract) by GDAL. The OSM tags map
onto the contracts through ``importers/data/osm_tags.csv`` (``building=*`` -> use,
``highway=*`` -> road class). ``building:levels`` and ``height`` are read as storeys and height
(measured); ``start_date`` gives the construction period (measured), the rest is filled by the
rules of ``importers.fill``. Ways whose ``highway`` is not for motor vehicles (footway, path,
cycleway, steps...) are not roads of the contract and are left out (counted in the notes).

Roads get their traffic and speed from ``layers/model/road_traffic.csv`` by road class
(``aadt_grade`` = default); a numeric ``maxspeed`` is read (``speed_kmh_grade`` = measured).
Motorways, which have no median in that table, take the mean AADT and HGV share of
``layers/model/motorways.csv``.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from minettgeo import CRS
from minettgeo.errors import LayerReadError, OsmReadError
from minettgeo.importers.buildings import buildings_layer
from minettgeo.importers.fill import read_model_tables
from minettgeo.importers.mapping import translate_codes
from minettgeo.importers.request import ImportRequest, Staged
from minettgeo.importers.source import read_product_vector, to_luref
from minettgeo.importers.stage import keep_communes, require_layer
from minettgeo.layers.codes import VEHICLE_CLASS

PBF_SUFFIX = ".osm.pbf"


def osm_tags(key: str) -> dict[str, str]:
    """``importers/data/osm_tags.csv``: value -> contract code for one OSM key."""
    path = resources.files("minettgeo.importers") / "data" / "osm_tags.csv"
    with resources.as_file(path) as p:
        table = pd.read_csv(p)
    rows = table[table["key"] == key]
    return dict(zip(rows["value"], rows["code"], strict=True))


def read_pbf(src: Path) -> tuple[gpd.GeoDataFrame | None, gpd.GeoDataFrame | None]:
    """Buildings and drivable ways of a PBF extract (pyrosm), in WGS84; OsmReadError when the
    file is truncated or not PBF."""
    import pyrosm

    if not src.is_file():
        raise LayerReadError(f"{src}: no such file")
    try:
        osm = pyrosm.OSM(str(src))
        buildings = osm.get_buildings()
        roads = osm.get_network(network_type="all")
    except Exception as exc:  # pyrosm raises protobuf, zlib, struct or index errors
        raise OsmReadError(
            f"{src}: not a readable OpenStreetMap PBF extract ({type(exc).__name__}: {exc}); the "
            "file is truncated or damaged: download it again (and check its size or .md5)"
        ) from exc
    return buildings, roads


def read_geojson(src: Path) -> tuple[gpd.GeoDataFrame | None, gpd.GeoDataFrame | None]:
    """Buildings (``building`` tag) and ways (``highway`` tag) of an OSM GeoJSON file."""
    gdf = read_product_vector(src)
    ids = next((c for c in ("id", "@id", "osm_id", "osm_way_id") if c in gdf.columns), None)
    if ids is None:
        from minettgeo.errors import ProductSchemaError

        raise ProductSchemaError(
            f"{src}: no OSM id column (id, @id or osm_id; columns: {', '.join(map(str, gdf.columns))}); "
            "export the file with its OSM ids (Overpass 'out geom;' with osmtogeojson, or ogr2ogr)"
        )
    gdf = gdf.rename(columns={ids: "id"})
    buildings = gdf[gdf["building"].notna()] if "building" in gdf else None
    roads = gdf[gdf["highway"].notna()] if "highway" in gdf else None
    return buildings, roads


def _ids(frame: pd.DataFrame) -> pd.Series:
    """``osm-w123`` for way 123 (pyrosm ``osm_type`` + ``id``, or GeoJSON ``way/123``)."""
    text = frame["id"].astype(str)
    parts = text.str.extract(r"^(?:([a-z])[a-z]*/)?(\d+)$")
    kind = parts[0].fillna(frame["osm_type"].astype(str).str[0] if "osm_type" in frame else "")
    return "osm-" + kind + parts[1].fillna(text)


def _numeric(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame:
        return pd.Series(np.nan, index=frame.index)
    return pd.to_numeric(
        frame[column].astype("string").str.extract(r"([\d.]+)")[0], errors="coerce"
    )


def osm_buildings(raw: gpd.GeoDataFrame, src: Path) -> gpd.GeoDataFrame:
    """OSM building polygons mapped onto the contract columns (before filling)."""
    raw = raw[raw.geom_type.isin(["Polygon", "MultiPolygon"])]
    out = gpd.GeoDataFrame(
        {
            "building_id": _ids(raw),
            "use": translate_codes(raw["building"], osm_tags("building"), src, "building"),
            "floors": _numeric(raw, "building:levels"),
            "height_m": _numeric(raw, "height"),
            "construction_year": raw.get("start_date"),
        },
        geometry=raw.geometry.to_numpy(),
        crs=raw.crs,
    )
    return out


def traffic_defaults(model_dir: Path) -> pd.DataFrame:
    """AADT per vehicle class and speed per road class (road_traffic.csv, motorways.csv)."""
    traffic = pd.read_csv(Path(model_dir) / "road_traffic.csv").set_index("road_class")
    motorways = pd.read_csv(Path(model_dir) / "motorways.csv")
    total = traffic["aadt_median"].copy()
    hgv = traffic["hgv"].copy()
    total["motorway"] = motorways["aadt"].mean()
    hgv["motorway"] = motorways["hgv_share"].mean()
    lgv, bus = traffic["lgv"], traffic["bus"]
    car = traffic["car"].where(traffic["car"].notna(), 1 - lgv - hgv - bus)
    shares = pd.DataFrame({"car": car, "lgv": lgv, "hgv": hgv, "bus": bus})
    out = shares.mul(total, axis=0).add_prefix("aadt_")
    out["speed_kmh"] = traffic["speed_kmh"]
    return out


def osm_roads(raw: gpd.GeoDataFrame, model_dir: Path) -> tuple[gpd.GeoDataFrame, int]:
    """OSM ways for motor vehicles as contract roads with default traffic; and how many ways
    were left out (not for motor vehicles)."""
    raw = raw[raw.geom_type.isin(["LineString", "MultiLineString"])]
    classes = osm_tags("highway")
    road_class = raw["highway"].astype(str).map(classes)
    kept = raw[road_class.notna()]
    road_class = road_class[road_class.notna()]
    defaults = traffic_defaults(model_dir).reindex(road_class.to_numpy())
    out = gpd.GeoDataFrame(
        {"road_id": _ids(kept).to_numpy(), "road_class": road_class.to_numpy()},
        geometry=kept.geometry.to_numpy(),
        crs=kept.crs,
    )
    for vc in VEHICLE_CLASS:
        out[f"aadt_{vc}"] = defaults[f"aadt_{vc}"].to_numpy()
    speed = _numeric(kept, "maxspeed").to_numpy()
    read = np.isfinite(speed) & (speed > 0)
    out["speed_kmh"] = np.where(read, speed, defaults["speed_kmh"].to_numpy())
    out["name"] = kept["name"].to_numpy() if "name" in kept else None
    out["source"] = "osm"
    out["aadt_grade"] = "default"
    out["speed_kmh_grade"] = np.where(read, "measured", "default")
    return out, len(raw) - len(kept)


def import_osm(req: ImportRequest) -> Staged:
    """Buildings and/or roads (``--only``) from an OSM PBF extract or GeoJSON."""
    src = Path(req.src)
    if src.name.lower().endswith(PBF_SUFFIX) or src.suffix.lower() == ".pbf":
        buildings, roads = read_pbf(src)
        buildings = None if buildings is None else to_luref(buildings, src)
        roads = None if roads is None else to_luref(roads, src)
    else:
        buildings, roads = read_geojson(src)
    staged = Staged(source="OpenStreetMap contributors", licence="ODbL-1.0")
    communes = req.existing.get("communes")
    if req.only in (None, "roads") and roads is not None and len(roads):
        layer, dropped = osm_roads(roads, req.model_dir)
        staged.layers["roads"] = keep_communes(layer.to_crs(CRS), req.communes, communes)
        staged.notes.append(
            f"{dropped} way(s) not for motor vehicles left out (footways, paths...)"
        )
    if req.only in (None, "buildings") and buildings is not None and len(buildings):
        parcels = require_layer(
            req.existing, "parcels", req.out_dir, "gives each building its parcel"
        )
        mapped = keep_communes(osm_buildings(buildings, src).to_crs(CRS), req.communes, communes)
        staged.layers["buildings"] = buildings_layer(
            mapped, parcels, read_model_tables(req.model_dir), "osm"
        )
    if not staged.layers:
        from minettgeo.errors import ProductSchemaError

        raise ProductSchemaError(
            f"{src}: no OSM {req.only or 'buildings or roads'} found (no 'building' or 'highway' "
            "tags); check that the extract covers the region and holds these tags"
        )
    return staged
