"""``GET /api/inventory`` (JSON) and ``GET /api/inventory.csv``: the GPC inventory of the run
(selected and made plain by :mod:`minettgeo.results.inventory`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from api.context import AppContext
from api.params import COMMUNE_PATTERN
from minettgeo.results.inventory import inventory_of, inventory_records, plain_records

LevelQuery = Annotated[
    str | None,
    Query(
        description="LAU2 code of a commune, or 'region'; all levels when absent",
        examples=["region"],
        pattern=COMMUNE_PATTERN,
    ),
]


class InventoryRow(BaseModel):
    level: str = Field(description="'commune' or 'region'")
    lau2: str = Field(description="LAU2 code, or 'region'")
    name: str
    code: str = Field(description="GPC reference number (I.1.1 ...)")
    sector: str
    subsector: str
    scope: str | int | None
    basic: bool | None
    basic_plus: bool | None
    note: str | None
    co2_t: float | None = Field(description="t CO2 per year")
    ch4_t: float | None = Field(description="t CH4 per year")
    n2o_t: float | None = Field(description="t N2O per year")
    co2e_t: float | None = Field(description="t CO2e per year (the run's GWP set)")
    biogenic_co2_t: float | None = Field(description="biogenic CO2, t per year (memo item)")
    notation_key: str | None = Field(description="GPC notation key (NO, NE, IE, C) when no number")


class Inventory(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "run_id": "20261201T230101Z-5a9b028b",
                    "gwp_set": "AR5",
                    "rows": [
                        {
                            "level": "region",
                            "lau2": "region",
                            "name": "Region",
                            "code": "I.1.1",
                            "sector": "I Stationary energy",
                            "subsector": "Residential buildings",
                            "scope": "1",
                            "basic": True,
                            "basic_plus": True,
                            "note": "fuels burnt in homes",
                            "co2_t": 16357.2,
                            "ch4_t": 4.56,
                            "n2o_t": 0.11,
                            "co2e_t": 16514.4,
                            "biogenic_co2_t": 1039.2,
                            "notation_key": None,
                        }
                    ],
                    "totals": [{"lau2": "region", "basic_tco2e": 963661.1}],
                }
            ]
        }
    )
    run_id: str
    gwp_set: str | None
    rows: list[InventoryRow]
    totals: list[dict[str, Any]]


def build_router(ctx: AppContext) -> APIRouter:
    router = APIRouter(prefix="/api", tags=["inventory"])

    def selected(commune: str | None) -> tuple[Any, Any, Any]:
        res = ctx.results()
        table, totals = inventory_of(res.inventory(), res.inventory_totals(), commune, res.run_id)
        return res, table, totals

    @router.get("/inventory", response_model=Inventory, summary="GPC inventory (JSON)")
    def inventory_json(commune: LevelQuery = None) -> Inventory:
        res, table, totals = selected(commune)
        rows = inventory_records(table)
        return Inventory(
            run_id=res.run_id,
            gwp_set=str(res.provenance.get("gwp_set") or "") or None,
            rows=[InventoryRow.model_validate(r) for r in rows],
            totals=plain_records(totals),
        )

    @router.get(
        "/inventory.csv",
        summary="GPC inventory (plain CSV; provenance in the run's datapackage.json)",
        response_class=Response,
        responses={200: {"content": {"text/csv": {}}, "description": "plain CSV, UTF-8"}},
    )
    def inventory_csv(commune: LevelQuery = None) -> Response:
        res, table, _totals = selected(commune)
        text = table.to_csv(index=False, float_format="%.6g")
        name = f"gpc_inventory_{commune or 'all'}_{res.run_id}.csv"
        return Response(
            text,
            media_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="{name}"',
                "X-Minettgeo-Run": res.run_id,
            },
        )

    return router
