"""``GET /health``: is the server up, and which run does it serve."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict

from api.context import AppContext
from minettgeo import __version__
from minettgeo.errors import MinettgeoError


class Health(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"status": "ok", "version": "0.1.0", "run_id": "20261201T230101Z-5a9b028b"}
            ]
        }
    )
    status: str
    version: str
    run_id: str | None = None
    message: str | None = None


def build_router(ctx: AppContext) -> APIRouter:
    router = APIRouter(tags=["results"])

    @router.get(
        "/health",
        response_model=Health,
        responses={503: {"model": Health, "description": "no results to serve yet"}},
        summary="Health and the run served",
    )
    def health() -> Health | JSONResponse:
        try:
            run_id = ctx.results().run_id
        except MinettgeoError as exc:
            body = Health(status="no-results", version=__version__, message=str(exc))
            return JSONResponse(body.model_dump(), status_code=503)
        return Health(status="ok", version=__version__, run_id=run_id)

    return router
