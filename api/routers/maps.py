"""Map pages and their static assets: ``/maps/`` (index), ``/maps/{name}`` (one map) and
``/static/{path}`` (vendored Leaflet and its licence, from the installed package).

Nothing is computed here: pages come from :class:`minettgeo.maps.pages.MapPages`, the language
from ``?lang=``, else the Accept-Language header, else French (:data:`api.params.PageLanguage`,
the rule of every page: :func:`minettgeo.language.choose_language`).
Static files are looked up in the package's list of assets, so a path never reaches the file
system unchecked.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse, HTMLResponse

from api.params import PageLanguage, language_headers
from minettgeo.errors import NotFoundError
from minettgeo.maps.assets import MEDIA_TYPES, static_files
from minettgeo.maps.i18n import t
from minettgeo.maps.pages import MAPS, MapPages


def build_router(ctx: Any) -> APIRouter:
    """The maps router over ``ctx.results()`` (an ``api.context.AppContext``); it lists its
    maps in ``ctx.map_links`` for the landing page."""
    pages = MapPages(ctx.results)
    files = static_files()
    router = APIRouter(tags=["maps"])
    _register_links(ctx)

    @router.get("/maps/", response_class=HTMLResponse, summary="Index of the maps")
    def maps_index(code: PageLanguage) -> HTMLResponse:
        return HTMLResponse(pages.index(code), headers=language_headers(code))

    @router.get("/maps/{name}", response_class=HTMLResponse, summary="One map page")
    def map_page(
        name: Literal["emissions", "heat", "carbon", "candidates", "solar", "parcels"],
        code: PageLanguage,
        district: Annotated[
            str | None,
            Query(
                max_length=64,
                pattern=r"^[\w.-]+$",
                description="district_id for the parcel view",
            ),
        ] = None,
    ) -> HTMLResponse:
        page = pages.page(name, code, district=district)
        return HTMLResponse(page, headers=language_headers(code))

    @router.get("/static/{path:path}", summary="Vendored map asset", include_in_schema=False)
    def static_asset(path: str) -> FileResponse:
        file = files.get(path)
        if file is None:
            raise NotFoundError(f"no static file '{path[:80]}'; files: {', '.join(files)}")
        media = MEDIA_TYPES.get(file.suffix, "application/octet-stream")
        return FileResponse(
            file, media_type=media, headers={"Cache-Control": "public, max-age=86400"}
        )

    return router


def _register_links(ctx: Any) -> None:
    links = getattr(ctx, "map_links", None)
    if links is None or links:
        return
    try:
        from api.context import MapLink
    except ImportError:  # the app's context is not installed: nothing to list
        return
    links.extend(MapLink(f"/maps/{n}", t(k, "fr"), t(k, "en")) for n, k in MAPS.items())
