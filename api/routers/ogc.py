"""OGC API - Features - Part 1: Core, for every vector layer of the run, under ``/ogc``.

Landing page, conformance, collections (title, description, extent in CRS84, itemType, the page
size advertised in ``/ogc/api``, a ``describedby`` JSON Schema), items (``bbox`` in CRS84,
``limit``, ``offset``, ``next``/``prev`` links, ``numberMatched``) and one item by id. The
feature id is the GeoPackage fid (an integer, stable within a run); the layer's own id (e.g.
``parcel_id``) is a property. The collection's ``items`` link carries no query string, since GDAL
appends ``/{id}`` to it. ``/ogc/api`` is an OpenAPI document of this part alone (paths relative to
``/ogc``, the ``limit`` parameter with its default and maximum), which GDAL reads for the page size.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, Response

from api.context import AppContext
from api.errors import ApiParameterError
from api.feature_store import items_body
from api.geojson import CRS84_URI, feature
from api.params import BBOX_PATTERN, check_limit, parse_bbox
from minettgeo.errors import NotFoundError
from minettgeo.results.layer_info import LayerInfo
from minettgeo.results.reader import Results

GEOJSON = "application/geo+json"
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
TOLERATED = {"f"}
ITEM_PARAMS = {"bbox", "limit", "offset"}
JSON_TYPES = {"object": "string", "bool": "boolean"}


def _json_type(dtype: str) -> str:
    if dtype.startswith(("int", "uint")):
        return "integer"
    if dtype.startswith("float"):
        return "number"
    if dtype.startswith("datetime"):
        return "string"
    return JSON_TYPES.get(dtype, "string")


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/") + "/ogc"


def _refuse_unknown(request: Request, allowed: set[str]) -> None:
    unknown = sorted(set(request.query_params) - allowed - TOLERATED)
    if unknown:
        raise ApiParameterError(
            unknown[0],
            f"unknown query parameter(s) {', '.join(unknown)}; this endpoint takes "
            f"{', '.join(sorted(allowed)) or 'none'}",
        )
    fmt = request.query_params.get("f")
    if fmt is not None and fmt not in {"json", "geojson"}:
        raise ApiParameterError("f", f"f={fmt!r}: only 'json' (GeoJSON) is served")


def collection_doc(res: Results, info: LayerInfo, base: str, page: int) -> dict[str, Any]:
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


def schema_doc(info: LayerInfo, base: str) -> dict[str, Any]:
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


CollectionId = Annotated[
    str,
    Path(
        description="collection (result layer) name",
        examples=["parcels"],
        pattern=r"^[a-z][a-z0-9_]{0,63}$",
    ),
]


def build_router(ctx: AppContext) -> APIRouter:
    router = APIRouter(prefix="/ogc", tags=["ogc"])
    limits = ctx.limits

    @router.get("", summary="OGC API - Features landing page")
    def landing(request: Request) -> JSONResponse:
        _refuse_unknown(request, set())
        base = _base(request)
        return JSONResponse(
            {
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
                        "href": str(request.base_url).rstrip("/") + "/docs",
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
        )

    @router.get("/api", summary="OpenAPI document of the OGC API - Features part")
    def api_doc(request: Request) -> JSONResponse:
        return JSONResponse(
            ogc_openapi(request.app.openapi(), limits.default_page, limits.max_page),
            media_type="application/vnd.oai.openapi+json;version=3.0",
        )

    @router.get("/conformance", summary="Conformance classes")
    def conformance(request: Request) -> JSONResponse:
        _refuse_unknown(request, set())
        return JSONResponse({"conformsTo": CONFORMANCE})

    @router.get("/collections", summary="Collections: every vector result layer")
    def collections(request: Request) -> JSONResponse:
        _refuse_unknown(request, set())
        res = ctx.results()
        base = _base(request)
        return JSONResponse(
            {
                "links": [
                    {"href": f"{base}/collections", "rel": "self", "type": "application/json"}
                ],
                "collections": [
                    collection_doc(res, res.info(n), base, limits.default_page)
                    for n in res.layer_names
                ],
            }
        )

    @router.get("/collections/{collectionId}", summary="One collection")
    def collection(request: Request, collectionId: CollectionId) -> JSONResponse:
        _refuse_unknown(request, set())
        res = ctx.results()
        return JSONResponse(
            collection_doc(res, res.info(collectionId), _base(request), limits.default_page)
        )

    @router.get("/collections/{collectionId}/schema", summary="JSON Schema of a collection")
    def schema(request: Request, collectionId: CollectionId) -> JSONResponse:
        res = ctx.results()
        return JSONResponse(
            schema_doc(res.info(collectionId), _base(request)),
            media_type="application/schema+json",
        )

    @router.get(
        "/collections/{collectionId}/items",
        summary="Features of a collection (GeoJSON, CRS84), paged",
        response_class=Response,
        responses={200: {"content": {GEOJSON: {}}, "description": "GeoJSON FeatureCollection"}},
    )
    async def items(
        request: Request,
        collectionId: CollectionId,
        bbox: Annotated[
            str | None,
            Query(
                description="minlon,minlat,maxlon,maxlat (CRS84)",
                examples=["6.05,49.48,6.10,49.52"],
                pattern=BBOX_PATTERN,
                max_length=200,
            ),
        ] = None,
        limit: Annotated[
            int,
            Query(description="features per page", ge=1, le=limits.max_page),
        ] = limits.default_page,
        offset: Annotated[int, Query(description="features to skip", ge=0, le=10**9)] = 0,
    ) -> Response:
        _refuse_unknown(request, ITEM_PARAMS)
        check_limit(limit, limits)
        res = ctx.results()
        res.info(collectionId)
        box = parse_bbox(bbox, limits)
        key = (res.run_id, "ogc-items", _base(request), collectionId, bbox, limit, offset)

        def build() -> bytes:
            return items_body(
                ctx,
                res,
                collectionId,
                base=f"{_base(request)}/collections/{collectionId}/items",
                box=box,
                bbox=bbox,
                offset=offset,
                limit=limit,
            )

        return await ctx.cached_response(
            request,
            key,
            build,
            GEOJSON,
            {"X-Minettgeo-Run": res.run_id, "Content-Crs": f"<{CRS84_URI}>"},
        )

    @router.get(
        "/collections/{collectionId}/items/{featureId}",
        summary="One feature by id (the GeoPackage fid)",
        response_class=Response,
        responses={200: {"content": {GEOJSON: {}}, "description": "GeoJSON Feature"}},
    )
    def item(
        request: Request,
        collectionId: CollectionId,
        featureId: Annotated[str, Path(description="feature id (integer)", max_length=20)],
    ) -> Response:
        _refuse_unknown(request, set())
        res = ctx.results()
        res.info(collectionId)
        fid = int(featureId) if featureId.isdigit() and len(featureId) <= 18 else None
        frame = res.layer(collectionId, fids=[fid], with_fid=True) if fid else None
        if frame is None or frame.empty:
            raise NotFoundError(
                f"collection {collectionId!r} has no feature {featureId!r}; feature ids are the "
                "integers 1 ... numberMatched of its items"
            )
        base = f"{_base(request)}/collections/{collectionId}"
        body = feature(
            frame.drop(columns="fid"),
            ids=frame["fid"],
            members={
                "links": [
                    {"href": f"{base}/items/{fid}", "rel": "self", "type": GEOJSON},
                    {"href": base, "rel": "collection", "type": "application/json"},
                ]
            },
        )
        return Response(body, media_type=GEOJSON, headers={"Content-Crs": f"<{CRS84_URI}>"})

    return router
