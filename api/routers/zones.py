"""``GET /api/communes`` and ``GET /api/districts``: every indicator, as GeoJSON in CRS84."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.context import AppContext
from api.geojson import CRS84_URI, GEOJSON, feature_collection
from api.params import CommuneQuery

FC_SCHEMA = {
    "type": "object",
    "required": ["type", "features"],
    "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "features": {"type": "array", "items": {"type": "object"}},
        "run_id": {"type": "string"},
    },
}


def geojson_responses(example_props: dict[str, object]) -> dict[int | str, dict[str, object]]:
    return {
        200: {
            "description": "GeoJSON FeatureCollection in CRS84 (longitude, latitude)",
            "content": {
                GEOJSON: {
                    "schema": FC_SCHEMA,
                    "example": {
                        "type": "FeatureCollection",
                        "run_id": "20261201T230101Z-5a9b028b",
                        "features": [
                            {
                                "type": "Feature",
                                "id": "0304",
                                "geometry": {"type": "MultiPolygon", "coordinates": []},
                                "properties": example_props,
                            }
                        ],
                    },
                }
            },
        }
    }


async def layer_response(
    ctx: AppContext, request: Request, layer: str, commune: str | None = None
) -> Response:
    res = ctx.results()

    def build() -> bytes:
        frame = res.layer(layer, commune=commune)
        return feature_collection(
            frame,
            members={
                "name": layer,
                "run_id": res.run_id,
                "crs": {"type": "name", "properties": {"name": CRS84_URI}},
                "provenance": json.loads(frame.attrs.get("minettgeo", {}).get("provenance", "{}")),
            },
        ).encode("utf-8")

    return await ctx.cached_response(
        request,
        (res.run_id, "zones", layer, commune),
        build,
        GEOJSON,
        {"X-Minettgeo-Run": res.run_id},
        keep=True,
    )


def build_router(ctx: AppContext) -> APIRouter:
    router = APIRouter(prefix="/api", tags=["results"])

    @router.get(
        "/communes",
        summary="Communes with every indicator (GeoJSON)",
        response_class=Response,
        responses=geojson_responses(
            {"lau2": "0304", "name": "Esch-sur-Alzette", "ghg_tco2e_a": 250000.0}
        ),
    )
    async def communes(request: Request) -> Response:
        return await layer_response(ctx, request, "communes")

    @router.get(
        "/districts",
        summary="Districts with every indicator (GeoJSON); optionally those of one commune",
        response_class=Response,
        responses=geojson_responses(
            {"district_id": "0304-Q01", "lau2": "0304", "ghg_per_capita_tco2e_a": 5.2}
        ),
    )
    async def districts(request: Request, commune: CommuneQuery = None) -> Response:
        return await layer_response(ctx, request, "districts", commune)

    return router
