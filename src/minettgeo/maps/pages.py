"""Map pages of one result set: which maps exist, which layers each reads, and their HTML
(cached per run, map, language and parameters: a new run gives new pages).

The API's maps router only calls :meth:`MapPages.page` and :meth:`MapPages.index`; the tiles
router calls :func:`minettgeo.maps.run_rasters.raster_file` and
:func:`minettgeo.maps.tiles.render_tile`. The layers and rasters a page reads:
:mod:`~minettgeo.maps.run_layers`, :mod:`~minettgeo.maps.run_rasters`.
"""

from __future__ import annotations

import html
import threading
from collections import OrderedDict
from collections.abc import Callable

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
from minettgeo.maps.run_layers import layer_fields, layer_or_none, with_ids
from minettgeo.maps.run_rasters import raster_styles
from minettgeo.maps.source import ResultSource

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
    """``name`` when it is one of :data:`MAPS`; else NotFoundError listing them."""
    if name not in MAPS:
        raise NotFoundError(f"no map '{name[:40]}'; maps: {', '.join(MAPS)}")
    return name


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
            return heat_map(
                districts, layer_or_none(source, "dh_potential_areas"), basemap, options
            )
        if name == "carbon":
            return carbon_map(districts, basemap, options)
        if name == "candidates":
            return candidates_map(layer_or_none(source, "candidates"), basemap, options)
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
