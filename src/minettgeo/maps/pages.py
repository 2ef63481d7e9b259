"""Map pages of one result set: which maps exist, which layers each reads, and their HTML
(cached per run, map, language and parameters: a new run gives new pages).

The API's maps router only calls :meth:`MapPages.page`, :meth:`MapPages.index` and
:func:`raster_file`; the tiles router calls :func:`raster_file` and
:func:`minettgeo.maps.tiles.render_tile`.
"""

from __future__ import annotations

import html
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

import folium
import geopandas as gpd
import pandas as pd

from minettgeo.errors import NotFoundError
from minettgeo.maps.basemap import Basemap, prepare_basemap
from minettgeo.maps.candidate_map import candidates_map
from minettgeo.maps.district_maps import (
    carbon_map,
    district_emissions_map,
    heat_map,
    solar_by_district,
    solar_column,
    solar_map,
)
from minettgeo.maps.html_page import render
from minettgeo.maps.i18n import Lang, t
from minettgeo.maps.options import MapOptions
from minettgeo.maps.parcel_map import parcels_map
from minettgeo.maps.source import ResultSource
from minettgeo.maps.tiles import RASTERS, RasterStyle, check_raster_name, raster_style

#: map name -> title key; the order of the index page
MAPS: dict[str, str] = {
    "emissions": "map.emissions",
    "heat": "map.heat",
    "carbon": "map.carbon",
    "candidates": "map.candidates",
    "solar": "map.solar",
    "parcels": "map.parcels",
}
CACHE_SIZE = 32


def check_map_name(name: str) -> str:
    if name not in MAPS:
        raise NotFoundError(f"no map '{name[:40]}'; maps: {', '.join(MAPS)}")
    return name


def _layer(source: ResultSource, name: str) -> gpd.GeoDataFrame | None:
    if name not in source.layer_names:
        return None
    return source.layer(name)


def layer_fields(source: ResultSource, name: str) -> list[str]:
    """The column names of layer ``name`` without reading its features."""
    return list(source.info(name).fields)


def landcover_path(source: ResultSource) -> Path | None:
    """The land-cover raster the run used (provenance ``land.landcover``; a relative path is
    looked up first from the folder that holds ``results/``, where the run was made, then from
    the working directory: another ``layers/`` beside the server must not stand in for it)."""
    provenance = source.provenance or {}
    land = provenance.get("land") or {}
    given = land.get("landcover") if isinstance(land, dict) else None
    if not given:
        return None
    path = Path(str(given))
    if path.is_absolute():
        return path if path.is_file() else None
    run_dir = Path(source.run_dir).resolve()
    tries = [run_dir.parents[2] / path] if len(run_dir.parents) >= 3 else []
    tries.append(Path.cwd() / path)
    return next((p for p in tries if p.is_file()), None)


def raster_file(source: ResultSource, name: str) -> Path:
    """The file of allow-listed raster ``name`` in ``source``; NotFoundError when the run has
    none."""
    check_raster_name(name)
    if name == "landcover":
        path = landcover_path(source)
    else:
        try:
            path = Path(source.raster_path(name))
        except NotFoundError:
            path = None
    if path is None or not path.is_file():
        raise NotFoundError(f"raster '{name}' is not in run {source.run_id}")
    return path


def raster_styles(source: ResultSource) -> dict[str, RasterStyle]:
    """The legend range of every raster the run has (missing ones left out)."""
    out: dict[str, RasterStyle] = {}
    for name in RASTERS:
        try:
            out[name] = raster_style(name, raster_file(source, name))
        except NotFoundError:
            continue
    return out


def with_ids(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``frame`` with its id index (the reader indexes layers by their id column) as a column."""
    if frame.index.name is not None and frame.index.name not in frame.columns:
        return frame.reset_index()
    return frame


def fixture_candidates(districts: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A TEST FIXTURE, not a ranking: districts ranked by emissions per hectare with a made-up
    score and explanation, for exercising the candidates map where no ranking output exists."""
    d = with_ids(districts)
    d = d.copy()
    value = pd.to_numeric(d["ghg_per_ha_tco2e_a"], errors="coerce").fillna(0.0)
    order = value.rank(ascending=False, method="first").astype(int)
    span = float(value.max() - value.min()) or 1.0
    d["rank"] = order
    d["score"] = (value - value.min()) / span
    d["explanation_en"] = (
        "test fixture: rank by emissions per hectare ("
        + value.round(1).astype(str)
        + " t CO2e/(ha a))"
    )
    d["test_fixture"] = True
    d["explanation_fr"] = (
        "données de test : rang selon les émissions par hectare ("
        + value.round(1).astype(str)
        + " t CO2e/(ha an))"
    )
    return d[order <= 10]


class MapPages:
    """HTML of the map pages of whatever result set ``source()`` returns now."""

    def __init__(
        self,
        source: Callable[[], ResultSource],
        *,
        tiles_url: str | None = "/tiles/{raster}/{z}/{x}/{y}.png",
        ogc_items_url: str = "/ogc/collections/{collection}/items",
        static_prefix: str = "/static",
        maps_prefix: str = "/maps",
    ) -> None:
        self.source = source
        self.tiles_url = tiles_url
        self.ogc_items_url = ogc_items_url
        self.static_prefix = static_prefix
        self.maps_prefix = maps_prefix
        self._cache: OrderedDict[tuple[str, ...], str] = OrderedDict()
        self._basemaps: dict[str, Basemap] = {}
        self._lock = threading.Lock()
        self._basemap_lock = threading.Lock()

    def _options(self, source: ResultSource, lang: Lang, name: str, query: str = "") -> MapOptions:
        other: Lang = "en" if lang == "fr" else "fr"
        sep = "&" if query else ""
        return MapOptions(
            lang=lang,
            static_prefix=self.static_prefix,
            tiles_url=self.tiles_url,
            ogc_items_url=self.ogc_items_url,
            run_id=source.run_id,
            links=[
                (f"{self.maps_prefix}/?lang={lang}", t("maps.index", lang)),
                (f"{self.maps_prefix}/{name}?{query}{sep}lang={other}", t("maps.language", lang)),
            ],
        )

    def basemap(self, source: ResultSource) -> Basemap:
        """The basemap layers of ``source``'s run (read once per run)."""
        key = source.run_id
        held = self._basemaps.get(key)
        if held is not None:
            return held
        with self._basemap_lock:
            held = self._basemaps.get(key)
            if held is None:
                communes = source.layer("communes")
                roads = (
                    source.layer("roads", columns=["road_class"])
                    if "roads" in source.layer_names
                    else None
                )
                styles = raster_styles(source)
                held = prepare_basemap(
                    communes, roads, landcover=styles.get("landcover"), rasters=styles
                )
                self._basemaps = {key: held}  # only the current run's is kept
        return held

    def page(self, name: str, lang: Lang, *, district: str | None = None) -> str:
        """The HTML of map ``name`` in ``lang`` (``district`` for the parcel view)."""
        check_map_name(name)
        source = self.source()
        key = (source.run_id, name, lang, district or "")
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return cached
        # built outside the lock: other pages are served meanwhile (a page asked for twice at
        # once may be built twice; both are the same)
        page = self._build(source, name, lang, district)
        with self._lock:
            self._cache[key] = page
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return page

    def _build(self, source: ResultSource, name: str, lang: Lang, district: str | None) -> str:
        basemap = self.basemap(source)
        query = f"district={district}" if name == "parcels" and district else ""
        options = self._options(source, lang, name, query)
        districts = source.layer("districts")
        m = self._map(source, name, districts, basemap, options, district)
        title = f"{t(MAPS[name], lang)} · minettgeo"
        return render(m, lang=lang, title=html.escape(title))

    def _map(
        self,
        source: ResultSource,
        name: str,
        districts: gpd.GeoDataFrame,
        basemap: Basemap,
        options: MapOptions,
        district: str | None,
    ) -> folium.Map:
        if name == "emissions":
            return district_emissions_map(districts, basemap, options)
        if name == "heat":
            return heat_map(districts, _layer(source, "dh_potential_areas"), basemap, options)
        if name == "carbon":
            return carbon_map(districts, basemap, options)
        if name == "candidates":
            return candidates_map(_layer(source, "candidates"), basemap, options)
        if name == "solar":
            buildings = None
            if solar_column(districts) is None and "buildings" in source.layer_names:
                col = solar_column(pd.DataFrame(columns=layer_fields(source, "buildings")))
                if col is not None:
                    buildings = source.layer("buildings", columns=["district_id", col])
            return solar_map(solar_by_district(districts, buildings), basemap, options)
        return self._parcels(source, districts, basemap, options, district)

    def _parcels(
        self,
        source: ResultSource,
        districts: gpd.GeoDataFrame,
        basemap: Basemap,
        options: MapOptions,
        district: str | None,
    ) -> folium.Map:
        d = with_ids(districts)
        ids = d["district_id"].astype(str)
        if district is None:
            district = str(ids.iloc[0])
        picked = d[ids == district]
        if picked.empty:
            raise NotFoundError(
                f"no district '{district[:40]}' in run {source.run_id}; "
                f"district ids look like {', '.join(ids.iloc[:3])}"
            )
        parcels = self._district_parcels(source, district)
        breaks: list[float] = []
        if parcels is not None and "ghg_per_ha_tco2e_a" in parcels and len(parcels):
            from minettgeo.maps.style import quantile_classes

            breaks = quantile_classes(parcels["ghg_per_ha_tco2e_a"], "OrRd").edges.tolist()
        return parcels_map(picked, basemap, options, breaks=breaks)

    @staticmethod
    def _district_parcels(source: ResultSource, district: str) -> pd.DataFrame | None:
        if "parcels" not in source.layer_names:
            return None
        try:
            return source.layer("parcels", district=district, columns=["ghg_per_ha_tco2e_a"])
        except NotFoundError:
            return None

    def index(self, lang: Lang) -> str:
        """The index page: a link to every map (and the parcel view of each district)."""
        source = self.source()
        other: Lang = "en" if lang == "fr" else "fr"
        items = "".join(
            f'<li><a href="{self.maps_prefix}/{name}?lang={lang}">{html.escape(t(key, lang))}</a></li>'
            for name, key in MAPS.items()
        )
        districts = source.layer("districts")
        d = with_ids(districts)
        rows = "".join(
            f'<li><a href="{self.maps_prefix}/parcels?district={html.escape(str(i))}&lang={lang}">'
            f"{html.escape(str(i))} {html.escape(str(n))}</a></li>"
            for i, n in zip(d["district_id"], d.get("name", d["district_id"]), strict=True)
        )
        title = html.escape(t("maps.index", lang))
        intro = html.escape(t("maps.index_intro", lang, run_id=source.run_id))
        return (
            f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>'
            '<link rel="icon" href="data:,">'
            '<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
            f'<body style="font-family:sans-serif;max-width:48em;margin:2em auto"><h1>{title}</h1>'
            f"<p>{intro}</p><ul>{items}</ul>"
            f"<h2>{html.escape(t('map.parcels', lang))}</h2><ul>{rows}</ul>"
            f'<p><a href="{self.maps_prefix}/?lang={other}">{html.escape(t("maps.language", lang))}</a></p>'
            "</body></html>"
        )
