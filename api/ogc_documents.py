"""The documents of the OGC API - Features routes (:mod:`api.routers.ogc`), as JSON-ready dicts.

Landing page, conformance classes, each collection (title and description in English and
French, extent reprojected to CRS84 from the layer's bounds, the page size, the links to its
items and its JSON Schema), the JSON Schema of a layer's properties (JSON type from the column's
dtype, the id column as primary key) and the ``/ogc`` part of the app's OpenAPI document. Pure
functions of the run's layer information and the base URL; the routes only serve them.
"""

from typing import Any

from api.geojson import CRS84_URI, GEOJSON
from minettgeo.results.layer_info import LayerInfo
from minettgeo.results.reader import Results

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
]
#: title and description of each result layer, in English and French
LAYER_TEXT = {
    "buildings": (
        "Buildings (bâtiments)",
        "Buildings with their energy use and emissions (t CO2e/a). / Bâtiments avec leur "
        "consommation d'énergie et leurs émissions (t CO2e/an).",
    ),
    "parcels": (
        "Parcels (parcelles)",
        "Cadastral parcels with emissions, carbon stocks, land fluxes and sink potential. / "
        "Parcelles avec émissions, stocks de carbone, flux des terres et potentiel de puits.",
    ),
    "districts": (
        "Districts (quartiers)",
        "Districts with every indicator (emissions per resident and per hectare, heat, land). / "
        "Quartiers avec tous les indicateurs.",
    ),
    "communes": (
        "Communes",
        "The 11 communes of the Minett with every indicator and the GPC totals. / Les 11 "
        "communes du Minett avec tous les indicateurs.",
    ),
    "roads": (
        "Roads (routes)",
        "Road segments with traffic (vkm/a) and emissions (t CO2e/a). / Tronçons routiers avec "
        "trafic et émissions.",
    ),
    "dh_potential_areas": (
        "District-heating potential areas (zones de potentiel de chaleur urbaine)",
        "Contiguous areas of high heat-need density (GWh/a). / Zones contiguës de forte densité "
        "de besoin de chaleur.",
    ),
}
JSON_TYPES = {"object": "string", "bool": "boolean"}


def _json_type(dtype: str) -> str:
    """The JSON Schema type of a column of pandas dtype ``dtype`` (text when unknown)."""
    if dtype.startswith(("int", "uint")):
        return "integer"
    if dtype.startswith("float"):
        return "number"
    if dtype.startswith("datetime"):
        return "string"
    return JSON_TYPES.get(dtype, "string")


def landing_doc(base: str, root: str) -> dict[str, Any]:
    """The landing page at ``base`` (the ``/ogc`` URL): title and the links to the OpenAPI
    document, the app's docs under ``root``, the conformance classes and the collections."""
    return {
        "title": "minettgeo OGC API - Features",
        "description": "Result layers of the current minettgeo run (GeoJSON, CRS84). / "
        "Couches de résultats du calcul courant de minettgeo.",
        "links": [
            {"href": base, "rel": "self", "type": "application/json"},
            {
                "href": f"{base}/api",
                "rel": "service-desc",
                "type": "application/vnd.oai.openapi+json;version=3.0",
                "title": "OpenAPI document",
            },
            {
                "href": root + "/docs",
                "rel": "service-doc",
                "type": "text/html",
            },
            {
                "href": f"{base}/conformance",
                "rel": "conformance",
                "type": "application/json",
            },
            {"href": f"{base}/collections", "rel": "data", "type": "application/json"},
        ],
    }


def collection_doc(res: Results, info: LayerInfo, base: str, page: int) -> dict[str, Any]:
    """One collection: its texts, its extent in CRS84 (the layer's bounds reprojected, 21
    points per edge, 7 decimals), the page size ``page`` and its links under ``base``."""
    from pyproj import Transformer

    title, description = LAYER_TEXT.get(info.name, (info.name, f"result layer {info.name}"))
    href = f"{base}/collections/{info.name}"
    extent: dict[str, Any] = {}
    if info.bounds is not None:
        to84 = Transformer.from_crs(info.crs or "EPSG:2169", "OGC:CRS84", always_xy=True)
        box = to84.transform_bounds(*info.bounds, densify_pts=21)
        extent = {"spatial": {"bbox": [[round(v, 7) for v in box]], "crs": CRS84_URI}}
    return {
        "id": info.name,
        "title": title,
        "description": f"{description} Run {res.run_id}; {info.count} features.",
        "itemType": "feature",
        "crs": [CRS84_URI],
        "storageCrs": CRS84_URI,
        "extent": extent,
        "x-minettgeo-page-size": page,
        "x-minettgeo-id-column": info.id_column,
        "links": [
            {"href": href, "rel": "self", "type": "application/json", "title": title},
            {"href": f"{href}/items", "rel": "items", "type": GEOJSON, "title": title},
            {
                "href": f"{href}/schema",
                "rel": "describedby",
                "type": "application/schema+json",
                "title": "JSON Schema of the features' properties",
            },
        ],
    }


def collections_doc(res: Results, base: str, page: int) -> dict[str, Any]:
    """The ``/collections`` document: one :func:`collection_doc` per vector layer of the run."""
    return {
        "links": [{"href": f"{base}/collections", "rel": "self", "type": "application/json"}],
        "collections": [collection_doc(res, res.info(n), base, page) for n in res.layer_names],
    }


def schema_doc(info: LayerInfo, base: str) -> dict[str, Any]:
    """The JSON Schema of a layer's properties: one typed property per column, the id column
    as primary key, the geometry as primary geometry."""
    props: dict[str, Any] = {
        name: {"type": _json_type(dtype), "title": name} for name, dtype in info.fields.items()
    }
    if info.id_column in props:
        props[info.id_column]["x-ogc-role"] = "primary-key"
    props["geometry"] = {
        "format": f"geometry-{info.geometry_type.lower()}",
        "x-ogc-role": "primary-geometry",
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{base}/collections/{info.name}/schema",
        "type": "object",
        "title": LAYER_TEXT.get(info.name, (info.name, ""))[0],
        "properties": props,
    }


def ogc_openapi(full: dict[str, Any], page: int, max_page: int) -> dict[str, Any]:
    """The ``/ogc`` part of the app's OpenAPI document, paths relative to ``/ogc``."""
    paths = {
        key.removeprefix("/ogc") or "/": value
        for key, value in full.get("paths", {}).items()
        if key == "/ogc" or key.startswith("/ogc/")
    }
    doc = {
        "openapi": full.get("openapi", "3.1.0"),
        "info": {**full.get("info", {}), "title": "minettgeo OGC API - Features"},
        "servers": [{"url": "/ogc"}],
        "paths": paths,
        "components": full.get("components", {}),
    }
    items = paths.get("/collections/{collectionId}/items", {}).get("get", {})
    for param in items.get("parameters", []):
        if param.get("name") == "limit":
            param["schema"] = {
                "type": "integer",
                "minimum": 1,
                "maximum": max_page,
                "default": page,
            }
    return doc
