"""``GET /api/parcels/{parcel_id}``: one parcel with its results and its buildings."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict

from api.context import AppContext
from api.geojson import feature, features_json
from minettgeo.errors import NotFoundError

ParcelId = Annotated[
    str,
    Path(description="parcel id", examples=["0304-000001"], pattern=r"^[0-9A-Za-z_.-]{1,40}$"),
]


class ParcelDetail(BaseModel):
    """The parcel as a GeoJSON Feature (CRS84) and its buildings as a FeatureCollection."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "run_id": "20261201T230101Z-5a9b028b",
                    "parcel": {
                        "type": "Feature",
                        "id": "0304-000001",
                        "geometry": {"type": "MultiPolygon", "coordinates": []},
                        "properties": {"parcel_id": "0304-000001", "ghg_tco2e_a": 12.5},
                    },
                    "buildings": {"type": "FeatureCollection", "features": []},
                }
            ]
        }
    )
    run_id: str
    parcel: dict[str, Any]
    buildings: dict[str, Any]


def build_router(ctx: AppContext) -> APIRouter:
    router = APIRouter(prefix="/api", tags=["results"])

    @router.get(
        "/parcels/{parcel_id}",
        response_model=ParcelDetail,
        summary="One parcel with its results and buildings",
        responses={404: {"description": "no such parcel"}},
    )
    def parcel(parcel_id: ParcelId) -> Response:
        res = ctx.results()
        frame = res.layer("parcels", ids=[parcel_id])
        if frame.empty:
            raise NotFoundError(
                f"parcel {parcel_id!r} is not in run {res.run_id} (ids look like "
                f"{res.layer('parcels', limit=1).index[0]!r})"
            )
        buildings = (
            res.layer("buildings", match={"parcel_id": parcel_id})
            if "buildings" in res.layer_names
            else None
        )
        body = (
            f'{{"run_id":{json.dumps(res.run_id)},"parcel":{feature(frame)},'
            f'"buildings":{{"type":"FeatureCollection","features":'
            f"{features_json(buildings) if buildings is not None else '[]'}}}}}"
        )
        return Response(body, media_type="application/json")

    return router
