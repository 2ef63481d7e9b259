"""Policy routes: ``POST /policy/check``, ``GET /policy/schema``, ``GET /scenario/schema``,
``POST /trajectory``.

Read-only computations (no token): the body is a policy or scenario as JSON or YAML text,
validated with its JSON Schema (422 naming the field and line), at most
``ctx.limits.max_body_bytes`` bytes (413), with a bounded number of draws. The routes only call
:class:`minettgeo.scenarios.service.Engine`.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse

from api.params import PageLanguage, language_headers
from minettgeo.errors import NotFoundError
from minettgeo.scenarios.note import render_note
from minettgeo.scenarios.policy import policy_schema
from minettgeo.scenarios.scenario import scenario_schema
from minettgeo.scenarios.service import Engine

#: default body limit when the context has none (bytes)
MAX_BODY = 64 * 1024
#: bounds on the Monte Carlo draws one request may ask for
MIN_DRAWS, MAX_CHECK_DRAWS, MAX_TRAJECTORY_DRAWS = 100, 2000, 1000


async def _body(request: Request, limit: int) -> str:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise HTTPException(413, f"request body over {limit:,} bytes; send a smaller policy")
    data = await request.body()
    if len(data) > limit:
        raise HTTPException(413, f"request body over {limit:,} bytes; send a smaller policy")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HTTPException(
            422, f"request body: byte {exc.start} is not UTF-8; send JSON or YAML text"
        ) from exc


def _finite(value: Any) -> Any:
    """``value`` with every non-finite float as null (JSON has no NaN)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    if isinstance(value, str | int | bool) or value is None:
        return value
    return str(value)


def build_router(ctx: Any) -> APIRouter:
    """The policy router on an ``api.context.AppContext`` (``results_dir``, ``layers_dir``,
    ``limits.max_body_bytes``)."""
    router = APIRouter(tags=["policy"])
    engines: dict[Path, Engine] = {}

    def engine() -> Engine:
        layers = getattr(ctx, "layers_dir", None)
        if layers is None:
            raise NotFoundError(
                "the API was started without a layers folder: policy checks need the region's "
                "layers (start it with --layers DIR)"
            )
        key = Path(layers)
        if key not in engines:
            engines[key] = Engine(key)
        return engines[key]

    def limit() -> int:
        limits = getattr(ctx, "limits", None)
        return int(getattr(limits, "max_body_bytes", MAX_BODY))

    @router.get("/policy/schema", summary="JSON Schema of policy decisions")
    def get_policy_schema() -> JSONResponse:
        return JSONResponse(policy_schema(), media_type="application/schema+json")

    @router.get("/scenario/schema", summary="JSON Schema of scenarios (trajectories)")
    def get_scenario_schema() -> JSONResponse:
        return JSONResponse(scenario_schema(), media_type="application/schema+json")

    @router.post(
        "/policy/check",
        summary="Does a decision raise or lower emissions? (policy as JSON or YAML body)",
        response_model=None,
    )
    async def post_check(
        request: Request,
        lang: PageLanguage,
        draws: int = Query(1000, ge=MIN_DRAWS, le=MAX_CHECK_DRAWS),
        seed: int = Query(2028, ge=0),
        format: str = Query("json", pattern="^(json|html)$"),
    ) -> JSONResponse | HTMLResponse:
        text = await _body(request, limit())
        doc = await run_in_threadpool(engine().check, text, draws=draws, seed=seed)
        if format == "html":  # the council note: in the language of every page
            return HTMLResponse(render_note(doc, lang), headers=language_headers(lang))
        return JSONResponse(_finite(doc))

    @router.post(
        "/trajectory",
        summary="Trajectory 2005-2050 of a scenario (JSON or YAML body)",
        response_model=None,
    )
    async def post_trajectory(
        request: Request,
        draws: int = Query(500, ge=MIN_DRAWS, le=MAX_TRAJECTORY_DRAWS),
        seed: int = Query(2028, ge=0),
    ) -> JSONResponse:
        text = await _body(request, limit())
        doc = await run_in_threadpool(
            engine().trajectory, text, Path(ctx.results_dir), draws=draws, seed=seed
        )
        return JSONResponse(_finite(doc))

    return router
