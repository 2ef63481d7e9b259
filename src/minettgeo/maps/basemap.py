"""The project's own layers under every map: communes and main roads in WGS84, the land-cover
tiles and their legend, the offline map fitted to the communes with its title, the basemap lines
drawn above the thematic layers, and the layer control."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import folium
import geopandas as gpd

from minettgeo.maps import assets
from minettgeo.maps.elements import Legend, TitleBox
from minettgeo.maps.i18n import t
from minettgeo.maps.options import MapOptions
from minettgeo.maps.tiles import LANDCOVER_GROUPS, LANDCOVER_LEGEND, RasterStyle
from minettgeo.maps.web_data import (
    geo_dict,
    html_text,
    web_frame,
)

#: main road classes drawn on the basemap (the others would crowd a region-wide page)
MAIN_ROADS = ("motorway", "trunk", "primary", "secondary")


ROAD_STYLE = {"motorway": 3.0, "trunk": 2.5, "primary": 2.0, "secondary": 1.2}


@dataclass(frozen=True)
class Basemap:
    """The project's own layers under every map: communes (outlines, names), main roads, and
    the land-cover raster's style when the tiler can draw it."""

    communes: gpd.GeoDataFrame
    roads: gpd.GeoDataFrame | None = None
    landcover: RasterStyle | None = None
    rasters: Mapping[str, RasterStyle] = field(default_factory=dict)


def prepare_basemap(
    communes: gpd.GeoDataFrame,
    roads: gpd.GeoDataFrame | None = None,
    *,
    landcover: RasterStyle | None = None,
    rasters: Mapping[str, RasterStyle] | None = None,
) -> Basemap:
    """The basemap layers in WGS84: communes as they are, roads cut to :data:`MAIN_ROADS` and
    merged per class (a few multi-lines instead of thousands of segments)."""
    com = web_frame(communes[[c for c in ("lau2", "name", "geometry") if c in communes]])
    if "name" in com:
        com["name"] = html_text(com["name"])
    main = None
    if roads is not None and "road_class" in roads.columns:
        picked = roads[roads["road_class"].isin(MAIN_ROADS)][["road_class", "geometry"]]
        if len(picked):
            merged = picked.dissolve("road_class", as_index=False)
            main = web_frame(merged, simplify_m=5.0)
    return Basemap(com, main, landcover, dict(rasters or {}))


def new_map(
    basemap: Basemap, options: MapOptions, title: str, *, landcover: bool = False
) -> folium.Map:
    """An offline map fitted to the communes, with the basemap layers, scale bar and title;
    the land-cover layer is in the layer control, shown at first when ``landcover``."""
    minx, miny, maxx, maxy = basemap.communes.total_bounds
    m = folium.Map(
        location=[(miny + maxy) / 2, (minx + maxx) / 2],
        zoom_start=11,
        tiles=None,
        control_scale=True,
        prefer_canvas=False,
    )
    assets.make_offline(m, options.static_prefix)
    m.fit_bounds([[miny, minx], [maxy, maxx]])
    lang = options.lang
    if basemap.landcover is not None and options.tiles_url:
        layer = folium.raster_layers.TileLayer(
            tiles=options.tiles_url.replace("{raster}", "landcover"),
            attr="minettgeo",
            name=t("layer.landcover", lang),
            overlay=True,
            show=landcover,
            opacity=0.6,
            max_native_zoom=17,
            max_zoom=19,
            bounds=[list(basemap.landcover.bounds[0]), list(basemap.landcover.bounds[1])],
        )
        layer.add_to(m)
        Legend(
            t("layer.landcover", lang),
            items=[
                (assets_color(LANDCOVER_GROUPS[g]), LANDCOVER_LEGEND[g][0 if lang == "fr" else 1])
                for g in sorted(LANDCOVER_GROUPS)
            ],
            position="bottomleft",
            layer=layer,
        ).add_to(m)
    TitleBox(title, _subtitle(options), options.links).add_to(m)
    return m


def assets_color(rgba: tuple[int, ...]) -> str:
    """An RGBA tuple as a ``#rrggbb`` colour."""
    return "#{:02x}{:02x}{:02x}".format(*rgba[:3])


def _subtitle(options: MapOptions) -> str:
    return t("maps.run", options.lang, run_id=options.run_id) if options.run_id else ""


def add_basemap_lines(m: folium.Map, basemap: Basemap, options: MapOptions) -> None:
    """Roads and commune outlines on top of the thematic layers (added last: drawn above)."""
    lang = options.lang
    if basemap.roads is not None and len(basemap.roads):
        roads = basemap.roads.copy()
        width = roads["road_class"].map(ROAD_STYLE).fillna(1.0)
        roads["style"] = [{"color": "#555555", "weight": float(w), "opacity": 0.8} for w in width]
        folium.GeoJson(
            geo_dict(roads),
            name=t("layer.roads", lang),
            tooltip=folium.GeoJsonTooltip(["road_class"], [t("field.road_class", lang)]),
            class_name="mg-road",
        ).add_to(m)
    com = basemap.communes.copy()
    com["style"] = [{"color": "#222222", "weight": 2.0, "fill": False}] * len(com)
    folium.GeoJson(
        geo_dict(com),
        name=t("layer.communes", lang),
        tooltip=folium.GeoJsonTooltip(["name"], [t("field.commune", lang)])
        if "name" in com
        else None,
        class_name="mg-commune",
    ).add_to(m)


def finish(m: folium.Map) -> folium.Map:
    """The map with its layer control (top right, expanded)."""
    folium.LayerControl(collapsed=False, position="topright").add_to(m)
    return m
