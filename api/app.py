"""The FastAPI application: thin routes over the results reader and the ``minettgeo`` engine.

``create_app(results_dir)`` builds the app around one :class:`~api.context.AppContext`; every
router is built by ``api.routers.<name>.build_router(ctx)``. Nothing is computed in a route: the
numbers come from the run folder that ``results_dir/current`` points to, read through
:func:`minettgeo.results.reader.open_results`.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.responses import Response

from api.context import AppContext, Limits, read_token
from api.errors import error_body, install_handlers
from api.routers import (
    admin,
    exports,
    health,
    inventory,
    landing,
    maps,
    ogc,
    parcels,
    policy,
    sinks,
    summary,
    tiles,
    zones,
)
from minettgeo import __version__

DESCRIPTION = """Results of minettgeo (greenhouse-gas emissions and carbon sinks of the Minett)
as JSON, GeoJSON (CRS84) and CSV; OGC API - Features under `/ogc`; downloads under
`/api/exports`. Read-only; routes that write or start long work need a bearer token
(`MINETTGEO_TOKEN`). Every error is `{"error", "message", "parameter"?}`.

Résultats de minettgeo (émissions de gaz à effet de serre et puits de carbone du Minett) en JSON,
GeoJSON (CRS84) et CSV ; OGC API - Features sous `/ogc` ; téléchargements sous `/api/exports`."""


class BodyLimit(BaseHTTPMiddleware):
    """Refuse (413) a request whose declared or actual body is larger than the limit."""

    def __init__(self, app: object, max_bytes: int) -> None:
        super().__init__(app)  # type: ignore[arg-type]
        self.max_bytes = max_bytes

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        declared = request.headers.get("content-length")
        too_big = JSONResponse(
            error_body(
                "PayloadTooLargeError",
                f"request body larger than {self.max_bytes} bytes; send less",
                "body",
            ),
            status_code=413,
        )
        if declared is not None:
            try:
                if int(declared) > self.max_bytes:
                    return too_big
            except ValueError:
                return JSONResponse(
                    error_body("ValidationError", "content-length is not a number", "body"),
                    status_code=400,
                )
        elif request.method in {"POST", "PUT", "PATCH"}:
            body = await request.body()
            if len(body) > self.max_bytes:
                return too_big
        return await call_next(request)


def create_app(
    results_dir: Path,
    *,
    token: str | None = None,
    limits: Limits | None = None,
    layers_dir: Path | None = None,
    exports_dir: Path | None = None,
) -> FastAPI:
    """The app serving the results under ``results_dir`` (a results directory with ``current``,
    or a run folder). ``token`` (else ``$MINETTGEO_TOKEN`` or the file ``$MINETTGEO_TOKEN_FILE``)
    unlocks the write routes; none set: they are all refused."""
    ctx = AppContext(
        Path(results_dir),
        token=read_token(token),
        limits=limits or Limits(),
        layers_dir=layers_dir,
        exports_dir=exports_dir,
    )
    app = FastAPI(
        title="minettgeo API",
        version=__version__,
        description=DESCRIPTION,
        openapi_tags=[
            {"name": "results", "description": "region, communes, districts, parcels, sinks"},
            {"name": "inventory", "description": "GPC inventory (JSON, CSV)"},
            {"name": "ogc", "description": "OGC API - Features Part 1 Core"},
            {"name": "exports", "description": "downloads with provenance (datapackage.json)"},
            {"name": "admin", "description": "token-protected routes"},
        ],
    )
    app.state.ctx = ctx
    install_handlers(app)
    app.add_middleware(BodyLimit, max_bytes=ctx.limits.max_body_bytes)
    routers = (
        maps,
        tiles,
        landing,
        health,
        summary,
        inventory,
        zones,
        parcels,
        sinks,
        exports,
        policy,
    )
    for module in (*routers, admin, ogc):
        app.include_router(module.build_router(ctx))
    return app
