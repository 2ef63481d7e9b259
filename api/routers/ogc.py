"""OGC API - Features - Part 1: Core, for every vector layer of the run, under ``/ogc``.

Landing page, conformance, collections (title, description, extent in CRS84, itemType, the page
size advertised in ``/ogc/api``, a ``describedby`` JSON Schema), items (``bbox`` in CRS84,
``limit``, ``offset``, ``next``/``prev`` links, ``numberMatched``) and one item by id. The
feature id is the GeoPackage fid (an integer, stable within a run); the layer's own id (e.g.
``parcel_id``) is a property. The collection's ``items`` link carries no query string, since GDAL
appends ``/{id}`` to it. ``/ogc/api`` is an OpenAPI document of this part alone (paths relative to
``/ogc``, the ``limit`` parameter with its default and maximum), which GDAL reads for the page size.
"""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, Response

from api.context import AppContext
from api.errors import ApiParameterError
from api.feature_store import items_body
from api.geojson import CRS84_URI, GEOJSON, feature
from api.ogc_documents import (
    CONFORMANCE,
    collection_doc,
    collections_doc,
    landing_doc,
    ogc_openapi,
    schema_doc,
)
from api.params import BBOX_PATTERN, check_limit, parse_bbox
from minettgeo.errors import NotFoundError

TOLERATED = {"f"}
ITEM_PARAMS = {"bbox", "limit", "offset"}


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
        root = str(request.base_url).rstrip("/")
        return JSONResponse(landing_doc(_base(request), root))

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
        return JSONResponse(collections_doc(res, _base(request), limits.default_page))

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
