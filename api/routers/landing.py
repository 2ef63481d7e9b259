"""``GET /``: the landing page, in French or English (``?lang=fr|en``, else Accept-Language, else
French: :data:`api.params.PageLanguage`, the rule of every page).

It links the maps (``ctx.map_links``, filled by the maps router), the OGC API - Features
endpoint, the OpenAPI document and the downloads of the current run.
"""

from __future__ import annotations

from html import escape

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from api.context import AppContext
from api.params import PageLanguage, language_headers
from minettgeo.errors import MinettgeoError

TEXT = {
    "en": {
        "title": "minettgeo: greenhouse gases and carbon sinks of the Minett",
        "run": "Results of run",
        "none": "No results yet: run 'minettgeo run' (or 'minettgeo serve' computes them).",
        "maps": "Maps",
        "no_maps": "No maps are served by this installation yet.",
        "gis": "For GIS software (QGIS, GDAL)",
        "ogc": "OGC API - Features endpoint (add it in QGIS as a WFS / OGC API - Features connection)",
        "api": "Programming interface",
        "openapi": "OpenAPI document",
        "docs": "interactive documentation",
        "downloads": "Downloads",
        "inventory_csv": "GPC inventory (CSV)",
        "inventory_json": "GPC inventory (JSON)",
        "layer": "layer",
        "raster": "raster (Cloud-Optimised GeoTIFF)",
        "formats": "each as GeoPackage, GeoParquet, GeoJSON, FlatGeobuf or CSV, with datapackage.json",
        "other": "Français",
    },
    "fr": {
        "title": "minettgeo : gaz à effet de serre et puits de carbone du Minett",
        "run": "Résultats du calcul",
        "none": "Pas encore de résultats : lancez 'minettgeo run' (ou 'minettgeo serve' les calcule).",
        "maps": "Cartes",
        "no_maps": "Aucune carte n'est encore servie par cette installation.",
        "gis": "Pour les logiciels SIG (QGIS, GDAL)",
        "ogc": "Point d'accès OGC API - Features (à ajouter dans QGIS comme connexion WFS / OGC API - Features)",
        "api": "Interface de programmation",
        "openapi": "document OpenAPI",
        "docs": "documentation interactive",
        "downloads": "Téléchargements",
        "inventory_csv": "inventaire GPC (CSV)",
        "inventory_json": "inventaire GPC (JSON)",
        "layer": "couche",
        "raster": "raster (GeoTIFF optimisé pour le cloud)",
        "formats": "chacune en GeoPackage, GeoParquet, GeoJSON, FlatGeobuf ou CSV, avec datapackage.json",
        "other": "English",
    },
}


def build_router(ctx: AppContext) -> APIRouter:
    router = APIRouter(tags=["results"])

    @router.get("/", response_class=HTMLResponse, summary="Landing page (fr/en)")
    def landing(code: PageLanguage) -> HTMLResponse:
        t = TEXT[code]
        try:
            res = ctx.results()
            run = f"<p>{t['run']} <code>{escape(res.run_id)}</code></p>"
            layers, rasters = res.layer_names, res.raster_names
        except MinettgeoError:
            run, layers, rasters = f"<p>{escape(t['none'])}</p>", (), ()
        maps = (
            "".join(
                f'<li><a href="{escape(m.href)}?lang={code}">'
                f"{escape(m.title_fr if code == 'fr' else m.title_en)}</a></li>"
                for m in ctx.map_links
            )
            or f"<li>{escape(t['no_maps'])}</li>"
        )
        downloads = "".join(
            f"<li>{t['layer']} {escape(n)}: "
            + ", ".join(
                f'<a href="/api/exports/{escape(n)}?format={f}">{f}</a>'
                for f in ("gpkg", "parquet", "geojson", "fgb", "csv")
            )
            + "</li>"
            for n in layers
        ) + "".join(
            f'<li>{t["raster"]}: <a href="/api/exports/rasters/{escape(r)}">{escape(r)}</a></li>'
            for r in rasters
        )
        other = "en" if code == "fr" else "fr"
        html = f"""<!doctype html>
<html lang="{code}"><head><meta charset="utf-8"><title>{escape(t["title"])}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body>
<p><a href="/?lang={other}">{t["other"]}</a></p>
<h1>{escape(t["title"])}</h1>
{run}
<h2 id="maps">{t["maps"]}</h2>
<ul>{maps}</ul>
<h2 id="gis">{t["gis"]}</h2>
<ul><li><a href="/ogc">{escape(t["ogc"])}</a>: <code>/ogc</code></li></ul>
<h2 id="api">{t["api"]}</h2>
<ul><li><a href="/openapi.json">{t["openapi"]}</a></li><li><a href="/docs">{t["docs"]}</a></li></ul>
<h2 id="downloads">{t["downloads"]}</h2>
<p>{escape(t["formats"])}</p>
<ul>
<li><a href="/api/inventory.csv">{t["inventory_csv"]}</a></li>
<li><a href="/api/inventory">{t["inventory_json"]}</a></li>
{downloads}
</ul>
</body></html>"""
        return HTMLResponse(html, headers=language_headers(code))

    return router
