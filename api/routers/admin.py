"""Token-protected routes: placeholder."""

from __future__ import annotations

from fastapi import APIRouter

from api.context import AppContext


def build_router(ctx: AppContext) -> APIRouter:
    return APIRouter(prefix="/api/admin", tags=["admin"])
