"""Exports: placeholder until the export engine lands (see minettgeo.export)."""

from __future__ import annotations

from fastapi import APIRouter

from api.context import AppContext


def build_router(ctx: AppContext) -> APIRouter:
    return APIRouter(prefix="/api/exports", tags=["exports"])
