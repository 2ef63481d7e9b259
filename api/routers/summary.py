"""``GET /api/region``: the region's totals, as in the GPC inventory and the result layers."""

from __future__ import annotations

import math
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from api.context import AppContext


class Interval(BaseModel):
    """A 90 % interval (5th and 95th percentiles of the Monte Carlo draws) and the median."""

    p05: float | None
    p50: float | None
    p95: float | None


class RegionSummary(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "run_id": "20261201T230101Z-5a9b028b",
                    "date": "2026-12-01T23:01:01+00:00",
                    "population": 186432,
                    "communes": 11,
                    "districts": 72,
                    "parcels": 119496,
                    "buildings": 53596,
                    "basic_tco2e": 963661.1,
                    "basic_per_capita_tco2e": 5.17,
                    "basic_interval_tco2e": {"p05": 880000.0, "p50": 960000.0, "p95": 1050000.0},
                    "basic_plus_tco2e": 966304.7,
                    "afolu_removals_tco2e": 0.0,
                    "basic_plus_net_tco2e": 966304.7,
                    "land_net_flux_tco2_a": -12000.0,
                    "land_net_flux_interval_tco2_a": {
                        "p05": -15000.0,
                        "p50": -12000.0,
                        "p95": -9000.0,
                    },
                    "sink_potential_2030_tco2_a": 3000.0,
                    "sink_potential_2050_tco2_a": 5000.0,
                    "sink_potential_2050_interval_tco2_a": {
                        "p05": 4000.0,
                        "p50": 5000.0,
                        "p95": 6000.0,
                    },
                    "carbon_stock_tco2e": 9.1e6,
                }
            ]
        }
    )
    run_id: str
    date: str | None
    population: int = Field(description="residents")
    communes: int
    districts: int
    parcels: int
    buildings: int
    basic_tco2e: float = Field(description="GPC BASIC emissions, t CO2e/a")
    basic_per_capita_tco2e: float = Field(description="t CO2e per resident and year")
    basic_interval_tco2e: Interval
    basic_plus_tco2e: float = Field(description="GPC BASIC+ emissions, t CO2e/a")
    afolu_removals_tco2e: float
    basic_plus_net_tco2e: float
    land_net_flux_tco2_a: float | None = Field(description="net land flux, t CO2/a (< 0: sink)")
    land_net_flux_interval_tco2_a: Interval
    sink_potential_2030_tco2_a: float | None
    sink_potential_2050_tco2_a: float | None
    sink_potential_2050_interval_tco2_a: Interval
    carbon_stock_tco2e: float | None


def number(value: Any) -> float | None:
    """A finite float, or None (NaN and missing become null, never a bad JSON number)."""
    if value is None:
        return None
    out = float(value)
    return out if math.isfinite(out) else None


def interval(row: Any, stem: str, unit: str) -> Interval:
    return Interval(
        p05=number(row.get(f"{stem}_p05_{unit}")),
        p50=number(row.get(f"{stem}_p50_{unit}")),
        p95=number(row.get(f"{stem}_p95_{unit}")),
    )


def build_router(ctx: AppContext) -> APIRouter:
    router = APIRouter(prefix="/api", tags=["results"])

    @router.get("/region", response_model=RegionSummary, summary="Region summary")
    def region() -> RegionSummary:
        res = ctx.results()
        row = res.region_totals()
        return RegionSummary(
            run_id=res.run_id,
            date=str(res.provenance.get("date")) if res.provenance.get("date") else None,
            population=int(row["population"]),
            communes=res.info("communes").count,
            districts=res.info("districts").count,
            parcels=res.info("parcels").count,
            buildings=res.info("buildings").count,
            basic_tco2e=float(row["basic_tco2e"]),
            basic_per_capita_tco2e=float(row["basic_per_capita_tco2e"]),
            basic_interval_tco2e=interval(row, "basic", "tco2e"),
            basic_plus_tco2e=float(row["basic_plus_tco2e"]),
            afolu_removals_tco2e=float(row["afolu_removals_tco2e"]),
            basic_plus_net_tco2e=float(row["basic_plus_net_tco2e"]),
            land_net_flux_tco2_a=number(row.get("land_net_flux_tco2_a")),
            land_net_flux_interval_tco2_a=interval(row, "land_net_flux", "tco2_a"),
            sink_potential_2030_tco2_a=number(row.get("sink_potential_2030_tco2_a")),
            sink_potential_2050_tco2_a=number(row.get("sink_potential_2050_tco2_a")),
            sink_potential_2050_interval_tco2_a=interval(row, "sink_potential_2050", "tco2_a"),
            carbon_stock_tco2e=number(row.get("carbon_stock_tco2e")),
        )

    return router
