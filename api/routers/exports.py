"""Downloads (read-only, built in a temporary folder and streamed as a zip with its
datapackage.json) and token-protected exports written to the server's exports folder.

``GET /api/exports/{layer}?format=gpkg|parquet|geojson|fgb|csv&commune=&district=&bbox=``,
``GET /api/exports/rasters/{name}`` (COG, clipped by the same filters), ``POST /api/exports``
(token). Layer and raster names are checked against the run's own lists (allow-list) before
anything touches the filesystem; at most ``max_concurrent_exports`` run at once (503 otherwise).
"""

import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path as FsPath
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Header, Path, Query
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.background import BackgroundTask

from api.context import AppContext
from api.errors import BusyError, UnauthorizedError
from api.params import BBoxQuery, CommuneQuery, DistrictQuery, parse_bbox
from minettgeo.export.layers import Filters, export_layer, export_raster
from minettgeo.results.reader import Results

Format = Literal["gpkg", "parquet", "geojson", "fgb", "csv"]
NAME = r"^[a-z][a-z0-9_]{0,63}$"
LayerName = Annotated[str, Path(description="result layer", examples=["districts"], pattern=NAME)]
RasterName = Annotated[
    str, Path(description="result raster", examples=["sink_potential"], pattern=NAME)
]


class ExportRequest(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"layer": "parcels", "format": "gpkg", "commune": "0304"}]},
        extra="forbid",
    )
    layer: str | None = Field(default=None, pattern=NAME, description="vector layer")
    raster: str | None = Field(default=None, pattern=NAME, description="raster")
    format: Format = "gpkg"
    commune: str | None = Field(default=None, pattern=r"^[0-9]{4}$")
    district: str | None = Field(default=None, pattern=r"^[0-9A-Za-z_.-]{1,40}$")
    bbox: str | None = Field(
        default=None, max_length=200, description="minlon,minlat,maxlon,maxlat (CRS84)"
    )


class ExportWritten(BaseModel):
    run_id: str
    folder: str = Field(description="folder name under the server's exports folder")
    files: list[str]


def filters_of(
    ctx: AppContext, commune: str | None, district: str | None, bbox: str | None
) -> Filters:
    if commune and district:
        from api.errors import ApiParameterError

        raise ApiParameterError("district", "give commune or district, not both")
    box = parse_bbox(bbox, ctx.limits)
    return Filters(commune=commune, district=district, bbox=box.box if box else None)


@contextmanager
def export_slot(ctx: AppContext) -> Iterator[None]:
    if not ctx.export_slots.acquire(blocking=False):
        raise BusyError(
            f"{ctx.limits.max_concurrent_exports} exports are being built; retry in a moment"
        )
    try:
        yield
    finally:
        ctx.export_slots.release()


def zip_folder(folder: FsPath, target: FsPath) -> FsPath:
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, arcname=path.name)
    return target


def build_router(ctx: AppContext) -> APIRouter:
    router = APIRouter(prefix="/api/exports", tags=["exports"])

    def require_token(authorization: Annotated[str | None, Header()] = None) -> None:
        given = authorization.removeprefix("Bearer ").strip() if authorization else None
        if not ctx.token_matches(given):
            raise UnauthorizedError(
                "this route writes on the server: send 'Authorization: Bearer <token>' with the "
                "token set in MINETTGEO_TOKEN (or the file MINETTGEO_TOKEN_FILE)"
                + ("" if ctx.token else "; no token is configured, so it is disabled")
            )

    def download(res: Results, build, stem: str) -> Response:  # type: ignore[no-untyped-def]
        scratch = FsPath(tempfile.mkdtemp(prefix="minettgeo-export-"))
        try:
            with export_slot(ctx):
                folder = build(scratch / stem)
                archive = zip_folder(folder, scratch / f"{stem}.zip")
        except BaseException:
            shutil.rmtree(scratch, ignore_errors=True)
            raise
        return FileResponse(
            archive,
            media_type="application/zip",
            filename=archive.name,
            headers={"X-Minettgeo-Run": res.run_id},
            background=BackgroundTask(shutil.rmtree, scratch, ignore_errors=True),
        )

    @router.get(
        "/rasters/{name}",
        summary="Download a raster (COG in a zip with datapackage.json), optionally clipped",
        response_class=Response,
        responses={200: {"content": {"application/zip": {}}}},
    )
    def raster_download(
        name: RasterName,
        commune: CommuneQuery = None,
        district: DistrictQuery = None,
        bbox: BBoxQuery = None,
    ) -> Response:
        res = ctx.results()
        res.raster_path(name)  # allow-list: only the run's rasters
        filters = filters_of(ctx, commune, district, bbox)
        return download(
            res,
            lambda out: export_raster(res, name, out, filters),
            f"{name}_{filters.label()}_{res.run_id}",
        )

    @router.get(
        "/{layer}",
        summary="Download a layer (zip: the file and datapackage.json), optionally filtered",
        response_class=Response,
        responses={200: {"content": {"application/zip": {}}}},
    )
    def layer_download(
        layer: LayerName,
        format: Annotated[Format, Query(description="file format")] = "gpkg",
        commune: CommuneQuery = None,
        district: DistrictQuery = None,
        bbox: BBoxQuery = None,
    ) -> Response:
        res = ctx.results()
        res.check_layer(layer)  # allow-list: only the run's layers
        filters = filters_of(ctx, commune, district, bbox)
        return download(
            res,
            lambda out: export_layer(
                res, layer, format, out, filters, max_features=ctx.limits.max_export_features
            ),
            f"{layer}_{filters.label()}_{res.run_id}",
        )

    @router.post(
        "",
        summary="Write an export into the server's exports folder (token)",
        response_model=ExportWritten,
        status_code=201,
        dependencies=[Depends(require_token)],
        responses={401: {"description": "no or wrong token"}},
    )
    def write_export(request: ExportRequest) -> ExportWritten:
        from api.errors import ApiParameterError

        res = ctx.results()
        if (request.layer is None) == (request.raster is None):
            raise ApiParameterError("layer", "give layer or raster (one of them)")
        filters = filters_of(ctx, request.commune, request.district, request.bbox)
        name = request.layer or str(request.raster)
        if request.layer:
            res.check_layer(name)
        else:
            res.raster_path(name)
        assert ctx.exports_dir is not None
        stem = f"{name}_{request.format if request.layer else 'cog'}_{filters.label()}_{res.run_id}"
        target = ctx.exports_dir / stem
        if target.exists():
            shutil.rmtree(target)
        with export_slot(ctx):
            if request.layer:
                folder = export_layer(
                    res,
                    name,
                    request.format,
                    target,
                    filters,
                    max_features=ctx.limits.max_export_features,
                )
            else:
                folder = export_raster(res, name, target, filters)
        return ExportWritten(
            run_id=res.run_id, folder=folder.name, files=sorted(p.name for p in folder.iterdir())
        )

    return router
