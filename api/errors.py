"""Errors of the web layer and the handlers that turn every error into one JSON body.

Body: ``{"error": <type>, "message": <what is wrong and what to do>, "parameter": <name>?}``
with the error type's ``http_status``. Validation errors become 422 naming the parameter; an
unexpected exception becomes 500 with a generic message (never a traceback).
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from minettgeo.errors import MinettgeoError

log = logging.getLogger("minettgeo.api")


class ApiParameterError(MinettgeoError):
    """A query or path parameter is out of its allowed range; names the parameter."""

    exit_code = 2
    http_status = 400

    def __init__(self, parameter: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.parameter = parameter
        self.http_status = status


class UnauthorizedError(MinettgeoError):
    """A write or long-running route was called without the right token."""

    exit_code = 2
    http_status = 401


class BusyError(MinettgeoError):
    """Too many exports are being built at once; retry in a moment."""

    exit_code = 1
    http_status = 503


class PayloadTooLargeError(MinettgeoError):
    """The request body is larger than the limit."""

    exit_code = 2
    http_status = 413


def error_body(kind: str, message: str, parameter: str | None = None) -> dict[str, str]:
    body = {"error": kind, "message": message}
    if parameter:
        body["parameter"] = parameter
    return body


def install_handlers(app: FastAPI) -> None:
    """Every error as ``{error, message, parameter?}`` (see the module docstring)."""

    @app.exception_handler(MinettgeoError)
    async def minettgeo_error(request: Request, exc: MinettgeoError) -> JSONResponse:
        parameter = getattr(exc, "parameter", None)
        headers = {"WWW-Authenticate": "Bearer"} if exc.http_status == 401 else None
        return JSONResponse(
            error_body(type(exc).__name__, str(exc), parameter),
            status_code=exc.http_status,
            headers=headers,
        )

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        first = errors[0] if errors else {}
        loc = [str(p) for p in first.get("loc", ()) if p not in ("query", "path", "body")]
        parameter = ".".join(loc) or "request"
        message = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ())[1:]) or 'request'}: {e.get('msg', '')}"
            for e in errors
        )
        return JSONResponse(
            error_body("ValidationError", f"invalid parameter {parameter}: {message}", parameter),
            status_code=422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        kind = "NotFoundError" if exc.status_code == 404 else "HTTPError"
        message = (
            f"{request.url.path}: no such route; see /openapi.json"
            if exc.status_code == 404
            else str(exc.detail)
        )
        return JSONResponse(
            error_body(kind, message), status_code=exc.status_code, headers=exc.headers
        )

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s", request.url.path)
        return JSONResponse(
            error_body(
                "InternalError",
                "an unexpected error occurred; it was logged on the server. Please report it "
                "with the address you asked for.",
            ),
            status_code=500,
        )
