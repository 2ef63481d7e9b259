"""The FastAPI application: thin routes over the results reader and the ``minettgeo`` engine.

``create_app(results_dir)`` builds the app around one :class:`~api.context.AppContext`; every
router is built by ``api.routers.<name>.build_router(ctx)``. Nothing is computed in a route: the
numbers come from the run folder that ``results_dir/current`` points to, read through
:func:`minettgeo.results.reader.open_results`.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.context import WARM_LAYERS, AppContext
from api.errors import error_body, install_handlers
from api.feature_store import map_large_blocks
from api.limits import Limits
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
    ranking,
    report,
    sinks,
    summary,
    tiles,
    zones,
)
from api.write_token import read_token
from minettgeo import __version__

DESCRIPTION = """Results of minettgeo (greenhouse-gas emissions and carbon sinks of the Minett)
as JSON, GeoJSON (CRS84) and CSV; OGC API - Features under `/ogc`; downloads under
`/api/exports`. Read-only; routes that write or start long work need a bearer token
(`MINETTGEO_TOKEN`). Every error is `{"error", "message", "parameter"?}`.

Résultats de minettgeo (émissions de gaz à effet de serre et puits de carbone du Minett) en JSON,
GeoJSON (CRS84) et CSV ; OGC API - Features sous `/ogc` ; téléchargements sous `/api/exports`."""


class BodyLimit:
    """Refuse (413) a request whose declared or actual body is larger than the limit (pure ASGI:
    no cost on the GET requests that make most of the traffic)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") in {"GET", "HEAD", "OPTIONS"}:
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._refuse(scope, receive, send)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _TooLargeError
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLargeError:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = JSONResponse(
            error_body(
                "PayloadTooLargeError",
                f"request body larger than {self.max_bytes} bytes; send less",
                "body",
            ),
            status_code=413,
        )
        await response(scope, receive, send)


class _TooLargeError(Exception):
    pass


def create_app(
    results_dir: Path,
    *,
    token: str | None = None,
    limits: Limits | None = None,
    layers_dir: Path | None = None,
    exports_dir: Path | None = None,
    warm: bool = False,
) -> FastAPI:
    """The app serving the results under ``results_dir`` (a results directory with ``current``,
    or a run folder). ``token`` (else ``$MINETTGEO_TOKEN`` or the file ``$MINETTGEO_TOKEN_FILE``)
    unlocks the write routes; none set: they are all refused. ``warm``: build the GeoJSON of
    :data:`~api.context.WARM_LAYERS` in the background at start and after each new run."""
    ctx = AppContext(
        Path(results_dir),
        token=read_token(token),
        limits=limits or Limits(),
        layers_dir=layers_dir,
        exports_dir=exports_dir,
        warm_layers=WARM_LAYERS if warm else (),
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if warm:  # opening the run starts the background build (AppContext.results)
            map_large_blocks()
            ctx.open_in_background()
        yield

    app = FastAPI(
        lifespan=lifespan,
        title="minettgeo API",
        version=__version__,
        description=DESCRIPTION,
        openapi_tags=[
            {"name": "results", "description": "region, communes, districts, parcels, sinks"},
            {"name": "inventory", "description": "GPC inventory (JSON, CSV)"},
            {"name": "ogc", "description": "OGC API - Features Part 1 Core"},
            {"name": "exports", "description": "downloads with provenance (datapackage.json)"},
            {"name": "admin", "description": "token-protected routes"},
            {"name": "report", "description": "progress report (HTML, PDF) and KPIs"},
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
        ranking,
        report,
    )
    for module in (*routers, admin, ogc):
        app.include_router(module.build_router(ctx))
    return app


#: environment read by :func:`create_app_from_env` (set by ``minettgeo serve --workers N``)
RESULTS_ENV = "MINETTGEO_RESULTS"
LAYERS_ENV = "MINETTGEO_LAYERS"


def create_app_from_env() -> FastAPI:
    """The app of ``$MINETTGEO_RESULTS`` (layers ``$MINETTGEO_LAYERS``), warmed: the factory each
    uvicorn worker process calls when ``minettgeo serve --workers N`` runs several."""
    layers = os.environ.get(LAYERS_ENV)
    return create_app(
        Path(os.environ[RESULTS_ENV]), layers_dir=Path(layers) if layers else None, warm=True
    )
