"""XYZ tiles of the run's rasters: ``/tiles/{raster}/{z}/{x}/{y}.png``.

The raster name is allow-listed (:data:`minettgeo.maps.tiles.RASTERS`): any other name, or a
raster the run lacks, is a 404 JSON body; a tile address off the Web Mercator grid is a 4xx JSON
body naming the parameter. Rendering is :func:`minettgeo.maps.tiles.render_tile` (rio-tiler on
the run's COGs); a tile beside the raster's extent is a transparent PNG (the map pages also give
Leaflet the raster's bounds, so it rarely asks for one).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.responses import Response

from minettgeo.maps.run_rasters import raster_file
from minettgeo.maps.tiles import EMPTY_TILE, MAX_ZOOM, check_raster_name, render_tile


def build_router(ctx: Any) -> APIRouter:
    """The tiles router over ``ctx.results()`` (an ``api.context.AppContext``)."""
    router = APIRouter(tags=["maps"])

    @router.get(
        "/tiles/{raster}/{z}/{x}/{y}.png",
        response_class=Response,
        responses={200: {"content": {"image/png": {}}}, 404: {"description": "outside"}},
        summary="One 256 px Web Mercator tile of a result raster",
    )
    def tile(
        raster: Annotated[str, Path(max_length=64, description="raster name")],
        z: Annotated[int, Path(ge=0, le=MAX_ZOOM)],
        x: Annotated[int, Path(ge=0)],
        y: Annotated[int, Path(ge=0)],
    ) -> Response:
        check_raster_name(raster)
        results = ctx.results()
        png = render_tile(raster, raster_file(results, raster), z, x, y)
        if png is None:
            png = EMPTY_TILE
        return Response(
            png,
            media_type="image/png",
            headers={"Cache-Control": "public, max-age=3600", "X-Run-Id": results.run_id},
        )

    return router
