"""``GET /api/sink-potential``: additional carbon-sink potential per commune and region."""

from __future__ import annotations

import math
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from api.context import AppContext
from api.params import CommuneQuery

SINK_COLUMNS = (
    "land_area_ha",
    "sink_area_ha",
    "sink_area_upper_ha",
    "sink_potential_2030_tco2_a",
    "sink_potential_2050_tco2_a",
    "sink_cumulative_2050_tco2",
    "sink_potential_2030_upper_tco2_a",
    "sink_potential_2050_upper_tco2_a",
    "sink_cumulative_2050_upper_tco2",
    "sink_policy_2050_tco2_a",
    "sink_land_management_2050_tco2_a",
    "sink_potential_2050_tco2_ha_a",
    "sink_potential_2030_p05_tco2_a",
    "sink_potential_2030_p50_tco2_a",
    "sink_potential_2030_p95_tco2_a",
    "sink_potential_2050_p05_tco2_a",
    "sink_potential_2050_p50_tco2_a",
    "sink_potential_2050_p95_tco2_a",
    "land_net_flux_tco2_a",
    "carbon_stock_tco2e",
)


class CommuneSink(BaseModel):
    lau2: str
    name: str
    values: dict[str, float | None] = Field(
        description="sink columns of the communes layer: areas in ha, rates in t CO2/a, "
        "cumulative in t CO2, _p05/_p50/_p95 the 90 % interval"
    )


class SinkPotential(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "run_id": "20261201T230101Z-5a9b028b",
                    "raster": "/api/exports/rasters/sink_potential",
                    "communes": [
                        {
                            "lau2": "0304",
                            "name": "Esch-sur-Alzette",
                            "values": {"sink_potential_2050_tco2_a": 420.5},
                        }
                    ],
                    "region": {"sink_potential_2050_tco2_a": 5000.0},
                }
            ]
        }
    )
    run_id: str
    raster: str = Field(description="where the sink-potential COG (t CO2/(ha a)) is downloaded")
    communes: list[CommuneSink]
    region: dict[str, float | None]


def _num(value: Any) -> float | None:
    out = float(value)
    return out if math.isfinite(out) else None


def build_router(ctx: AppContext) -> APIRouter:
    router = APIRouter(prefix="/api", tags=["results"])

    @router.get("/sink-potential", response_model=SinkPotential, summary="Sink potential")
    def sink_potential(commune: CommuneQuery = None) -> SinkPotential:
        res = ctx.results()
        fields = res.info("communes").fields
        cols = [c for c in SINK_COLUMNS if c in fields]
        frame = res.layer("communes", commune=commune, columns=["name", *cols])
        region = res.region_totals()
        return SinkPotential(
            run_id=res.run_id,
            raster="/api/exports/rasters/sink_potential",
            communes=[
                CommuneSink(
                    lau2=str(code),
                    name=str(row["name"]),
                    values={c: _num(row[c]) for c in cols},
                )
                for code, row in frame.iterrows()
            ],
            region={c: _num(region[c]) for c in cols if c in region.index},
        )

    return router
