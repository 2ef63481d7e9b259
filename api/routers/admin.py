"""Token-protected long work: ``POST /api/admin/recompute`` runs ``minettgeo run`` on the
server's layers folder in the background; the new run is served once it is published."""

import threading
from typing import Annotated

from fastapi import APIRouter, Depends, Header
from pydantic import BaseModel

from api.context import AppContext
from api.errors import BusyError, UnauthorizedError
from minettgeo.errors import MinettgeoError, ParameterError


class RecomputeStatus(BaseModel):
    state: str
    message: str | None = None


def build_router(ctx: AppContext) -> APIRouter:
    router = APIRouter(prefix="/api/admin", tags=["admin"])
    state: dict[str, str | None] = {"state": "idle", "message": None}
    lock = threading.Lock()

    def require_token(authorization: Annotated[str | None, Header()] = None) -> None:
        given = authorization.removeprefix("Bearer ").strip() if authorization else None
        if not ctx.token_matches(given):
            raise UnauthorizedError(
                "send 'Authorization: Bearer <token>' with the token of MINETTGEO_TOKEN"
                + ("" if ctx.token else "; no token is configured, so this route is disabled")
            )

    def work() -> None:
        from minettgeo.pipeline import run

        try:
            assert ctx.layers_dir is not None
            run(ctx.layers_dir, ctx.results_dir)
            state.update(state="done", message=None)
        except MinettgeoError as exc:
            state.update(state="failed", message=str(exc))
        except Exception as exc:
            state.update(state="failed", message=f"{type(exc).__name__}: {exc}")

    @router.post(
        "/recompute",
        response_model=RecomputeStatus,
        status_code=202,
        dependencies=[Depends(require_token)],
        summary="Recompute the results from the layers folder (token)",
    )
    def recompute() -> RecomputeStatus:
        if ctx.layers_dir is None or not ctx.layers_dir.is_dir():
            raise ParameterError(
                f"no layers folder to compute from ({ctx.layers_dir}); start the server with "
                "'minettgeo serve --layers DIR'"
            )
        with lock:
            if state["state"] == "running":
                raise BusyError("a recompute is running already")
            state.update(state="running", message=None)
        threading.Thread(target=work, name="minettgeo-recompute", daemon=True).start()
        return RecomputeStatus(state="running")

    @router.get(
        "/recompute",
        response_model=RecomputeStatus,
        dependencies=[Depends(require_token)],
        summary="State of the last recompute (token)",
    )
    def recompute_state() -> RecomputeStatus:
        return RecomputeStatus(state=str(state["state"]), message=state["message"])

    return router
