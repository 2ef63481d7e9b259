"""Folium maps of the result layers: GeoDataFrames in, :class:`folium.Map` out (pure: no file,
no network; :func:`render` gives the HTML page).

Every map has no tile server (``tiles=None``): its basemap is drawn from the project's own
layers (land cover as tiles from the run's tiler when available, commune outlines, main roads),
with a layer control, a scale bar, a legend with units for every thematic layer, and French or
English texts (:mod:`minettgeo.maps.i18n`). District-level layers are inline GeoJSON (about a
hundred polygons); parcels never are: the parcel view loads them by bounding box from the OGC
API items route (:class:`minettgeo.maps.elements.BboxGeoJson`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Figure

from minettgeo.factors.table_files import read_table_csv
from minettgeo.maps import assets
from minettgeo.maps.elements import BboxGeoJson, Legend, TitleBox
from minettgeo.maps.i18n import Lang, t
from minettgeo.maps.style import NO_DATA, Classes, class_colors, quantile_classes
from minettgeo.maps.tiles import LANDCOVER_GROUPS, LANDCOVER_LEGEND, RasterStyle

WEB_CRS = "EPSG:4326"
#: main road classes drawn on the basemap (the others would crowd a region-wide page)
MAIN_ROADS = ("motorway", "trunk", "primary", "secondary")
ROAD_STYLE = {"motorway": 3.0, "trunk": 2.5, "primary": 2.0, "secondary": 1.2}
#: simplification tolerance of inline polygons and lines, metres (invisible at zoom <= 15)
SIMPLIFY_M = 2.0
PARAMETERS = resources.files("minettgeo.maps") / "data" / "map_parameters.csv"


def parameters() -> dict[str, float]:
    """The display parameters of ``maps/data/map_parameters.csv`` (value, unit, source)."""
    with resources.as_file(PARAMETERS) as path:
        table = read_table_csv(path, f"minettgeo ({path.name})")
    return dict(zip(table["parameter"], table["value"].astype(float), strict=True))


@dataclass(frozen=True)
class MapOptions:
    """What a page needs besides the data: language, URLs of the app's routes, the run id."""

    lang: Lang = "fr"
    static_prefix: str = assets.STATIC_PREFIX
    #: URL template of raster tiles with ``{raster}``; None draws no raster layer
    tiles_url: str | None = "/tiles/{raster}/{z}/{x}/{y}.png"
    ogc_items_url: str = "/ogc/collections/{collection}/items"
    run_id: str = ""
    links: Sequence[tuple[str, str]] = ()


@dataclass(frozen=True)
class Basemap:
    """The project's own layers under every map: communes (outlines, names), main roads, and
    the land-cover raster's style when the tiler can draw it."""

    communes: gpd.GeoDataFrame
    roads: gpd.GeoDataFrame | None = None
    landcover: RasterStyle | None = None
    rasters: Mapping[str, RasterStyle] = field(default_factory=dict)


def web_frame(frame: gpd.GeoDataFrame, *, simplify_m: float = SIMPLIFY_M) -> gpd.GeoDataFrame:
    """``frame`` with its id index (if any) as a column, geometry simplified by ``simplify_m``
    metres in its own CRS (LUREF), then in WGS84 with coordinates on a 1e-6 degree grid."""
    out = frame
    if out.index.name is not None and out.index.name not in out.columns:
        out = out.reset_index()
    out = out.copy()
    if simplify_m > 0 and out.crs is not None and out.crs.is_projected:
        out = out.set_geometry(out.geometry.simplify(simplify_m, preserve_topology=True))
    out = out.to_crs(WEB_CRS)
    for share in ("estimated_share", "road_estimated_share"):
        # data-quality grade for the tooltips: share of estimated activity data (floor area;
        # road vehicle-km), in %
        if share in out.columns:
            out[f"{share}_pct"] = (pd.to_numeric(out[share], errors="coerce") * 100.0).round(0)
    return out.set_geometry(shapely.set_precision(out.geometry.to_numpy(), 1e-6))


def geo_dict(frame: gpd.GeoDataFrame) -> Any:
    """``frame`` as a GeoJSON FeatureCollection dict, geometries written by GEOS
    (``shapely.to_geojson``), every non-geometry column as a property."""
    geoms = shapely.to_geojson(frame.geometry.to_numpy())
    props = pd.DataFrame(frame.drop(columns=frame.geometry.name)).to_dict("records")
    features = ",".join(
        f'{{"type":"Feature","properties":{json.dumps(p, default=str)},"geometry":{g}}}'
        for p, g in zip(props, geoms, strict=True)
    )
    return json.loads(f'{{"type":"FeatureCollection","features":[{features}]}}')


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
    folium.LayerControl(collapsed=False, position="topright").add_to(m)
    return m


def _fmt(values: pd.Series, digits: int, lang: Lang, hidden: np.ndarray | None = None) -> list[str]:
    """Numbers as display text (French: narrow no-break space for thousands, comma decimal)."""
    v = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    text = [f"{x:,.{digits}f}" if np.isfinite(x) else "–" for x in v]
    if lang == "fr":
        text = [s.replace(",", "\u202f").replace(".", ",") for s in text]
    if hidden is not None:
        text = [("–" if h else s) for s, h in zip(text, hidden, strict=True)]
    return text


def html_text(values: pd.Series) -> pd.Series:
    """Values as text safe inside the tooltip's HTML (``&``, ``<``, ``>`` escaped)."""
    text = values.astype(str)
    return text.str.replace("&", "&amp;").str.replace("<", "&lt;").str.replace(">", "&gt;")


def choropleth(
    m: folium.Map,
    frame: gpd.GeoDataFrame,
    column: str,
    *,
    title: str,
    unit: str,
    scheme: str,
    lang: Lang,
    tooltip_fields: Sequence[tuple[str, str]],
    digits: int = 1,
    hidden: np.ndarray | None = None,
    notes: Sequence[str] = (),
    base: bool = False,
    show: bool = True,
    class_name: str = "mg-district",
) -> folium.GeoJson:
    """One GeoJSON layer coloured by quantile classes of ``column`` (``hidden`` rows grey and
    their value shown as "–") with its legend (title, unit, classes, notes). ``base`` layers are
    exclusive (radio buttons) in the layer control; others are overlays."""
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
    shown = values.copy()
    if hidden is not None:
        shown[hidden] = np.nan
    classes: Classes = quantile_classes(shown, scheme, int(parameters()["classes"]))
    fill = class_colors(shown, classes)
    data = frame[["geometry"]].copy()
    for key, _label in tooltip_fields:
        if key == column:
            data[key] = _fmt(frame[column], digits, lang, hidden)
        elif key in frame.columns:
            col = frame[key]
            data[key] = (
                _fmt(col, digits, lang) if pd.api.types.is_float_dtype(col) else html_text(col)
            )
    data["style"] = [
        {"fillColor": c, "color": "#ffffff", "weight": 0.8, "fillOpacity": 0.75} for c in fill
    ]
    label = f"{title} ({unit})"
    layer = folium.GeoJson(
        geo_dict(data),
        name=label,
        overlay=not base,
        show=show,
        tooltip=folium.GeoJsonTooltip(
            [k for k, _ in tooltip_fields if k in data.columns],
            [lab for k, lab in tooltip_fields if k in data.columns],
            sticky=True,
        ),
        class_name=class_name,
    )
    layer.add_to(m)
    items = list(zip(classes.colors, classes.labels(digits), strict=True))
    if not np.isfinite(shown).all():
        items.append((NO_DATA, t("legend.no_data", lang)))
    Legend(label, items=items, notes=notes, layer=layer).add_to(m)
    return layer


def residents_of(frame: pd.DataFrame) -> pd.Series | None:
    """The residents of each row: the ``residents`` column (ranking output), else
    ``population`` (the engine's district population), else None."""
    for col in ("residents", "population"):
        if col in frame.columns:
            return pd.to_numeric(frame[col], errors="coerce")
    return None


def _district_fields(lang: Lang, *extra: tuple[str, str]) -> list[tuple[str, str]]:
    """Name, id, the layer's own fields and the shares of estimated activity data, of the
    buildings and of the road traffic (when the results carry them, docs/data-quality.md)."""
    return [
        ("name", t("field.name", lang)),
        ("district_id", t("field.district_id", lang)),
        *extra,
        ("estimated_share_pct", f"{t('field.estimated_share', lang)} (%)"),
        ("road_estimated_share_pct", f"{t('field.road_estimated_share', lang)} (%)"),
    ]


def district_emissions_map(
    districts: gpd.GeoDataFrame,
    basemap: Basemap,
    options: MapOptions,
    *,
    min_residents: float | None = None,
) -> folium.Map:
    """Emissions per resident, per hectare and in total, one exclusive layer each. Per resident
    is hidden ("–", grey) where residents are below ``min_residents``, and left out where the
    districts carry no residents at all (the legend says so)."""
    lang = options.lang
    min_residents = parameters()["min_residents"] if min_residents is None else min_residents
    d = web_frame(districts)
    m = new_map(basemap, options, t("map.emissions", lang))
    residents = residents_of(d)
    if residents is not None:
        d["residents"] = residents.round(0)
        hidden = ~(residents.to_numpy(dtype=float) >= min_residents)
        per_resident = d["ghg_tco2e_a"].to_numpy(dtype=float) / np.where(
            residents.to_numpy(dtype=float) > 0, residents.to_numpy(dtype=float), np.nan
        )
        d["ghg_per_resident_tco2e_a"] = per_resident
        choropleth(
            m,
            d,
            "ghg_per_resident_tco2e_a",
            title=t("layer.ghg_per_capita", lang),
            unit=t("unit.tco2e_cap_a", lang),
            scheme="YlOrRd",
            lang=lang,
            digits=2,
            hidden=hidden,
            tooltip_fields=_district_fields(
                lang,
                ("ghg_per_resident_tco2e_a", t("layer.ghg_per_capita", lang)),
                ("residents", t("field.residents", lang)),
            ),
            notes=[t("legend.hidden", lang, n=f"{min_residents:,.0f}")],
            base=True,
        )
    choropleth(
        m,
        d,
        "ghg_per_ha_tco2e_a",
        title=t("layer.ghg_per_ha", lang),
        unit=t("unit.tco2e_ha_a", lang),
        scheme="OrRd",
        lang=lang,
        tooltip_fields=_district_fields(lang, ("ghg_per_ha_tco2e_a", t("layer.ghg_per_ha", lang))),
        notes=[] if residents is not None else [t("legend.no_residents", lang)],
        base=True,
        show=residents is None,
    )
    choropleth(
        m,
        d,
        "ghg_tco2e_a",
        title=t("layer.ghg_total", lang),
        unit=t("unit.tco2e_a", lang),
        scheme="Purples",
        lang=lang,
        digits=0,
        tooltip_fields=_district_fields(lang, ("ghg_tco2e_a", t("layer.ghg_total", lang))),
        base=True,
        show=False,
    )
    add_basemap_lines(m, basemap, options)
    return finish(m)


def _raster_layer(
    m: folium.Map,
    basemap: Basemap,
    options: MapOptions,
    name: str,
    digits: int = 0,
    *,
    show: bool = True,
) -> None:
    style = basemap.rasters.get(name)
    if style is None or not options.tiles_url:
        return
    from minettgeo.maps.tiles import RASTERS

    spec = RASTERS[name]
    lang = options.lang
    label = f"{t(spec.title_key, lang)} ({t(spec.unit_key, lang)})"
    layer = folium.raster_layers.TileLayer(
        tiles=options.tiles_url.replace("{raster}", name),
        attr="minettgeo",
        name=label,
        overlay=True,
        show=show,
        opacity=0.85,
        max_native_zoom=17,
        max_zoom=19,
        bounds=[list(style.bounds[0]), list(style.bounds[1])],
    )
    layer.add_to(m)
    low, high = (f"{v:,.{digits}f}" for v in (style.vmin, style.vmax))
    Legend(label, ramp=(style.gradient, f"≤ {low}", f"≥ {high}"), layer=layer).add_to(m)


def heat_map(
    districts: gpd.GeoDataFrame,
    dh_areas: gpd.GeoDataFrame | None,
    basemap: Basemap,
    options: MapOptions,
) -> folium.Map:
    """Heat need density: the 10 m raster as tiles, the district mean as a choropleth, and the
    district-heating potential areas (outlined, with their demand)."""
    lang = options.lang
    m = new_map(basemap, options, t("map.heat", lang))
    d = web_frame(districts)
    choropleth(
        m,
        d,
        "heat_density_mwh_ha_a",
        title=t("layer.heat_density_districts", lang),
        unit=t("unit.mwh_ha_a", lang),
        scheme="YlOrRd",
        lang=lang,
        digits=0,
        tooltip_fields=_district_fields(
            lang, ("heat_density_mwh_ha_a", t("layer.heat_density_districts", lang))
        ),
        show=False,
    )
    _raster_layer(m, basemap, options, "heat_density")
    if dh_areas is not None and len(dh_areas):
        a = web_frame(dh_areas)
        a["heat_demand_gwh_a"] = _fmt(a["heat_demand_gwh_a"], 1, lang)
        a["style"] = [
            {"color": "#b30000", "weight": 2.0, "fillColor": "#fc8d59", "fillOpacity": 0.15}
        ] * len(a)
        label = t("layer.dh_areas", lang)
        layer = folium.GeoJson(
            geo_dict(a[["area_id", "heat_demand_gwh_a", "style", "geometry"]]),
            name=label,
            tooltip=folium.GeoJsonTooltip(
                ["area_id", "heat_demand_gwh_a"],
                [t("field.area_id", lang), f"{label} ({t('unit.gwh_a', lang)})"],
            ),
            class_name="mg-dh-area",
        )
        layer.add_to(m)
        notes = []
        if {"cell_threshold_mwh_ha", "area_threshold_gwh"} <= set(dh_areas.columns):
            notes.append(
                t(
                    "legend.dh_threshold",
                    lang,
                    cell=f"{float(dh_areas['cell_threshold_mwh_ha'].iloc[0]):g}",
                    area=f"{float(dh_areas['area_threshold_gwh'].iloc[0]):g}",
                )
            )
        Legend(label, items=[("#fc8d59", label)], notes=notes, layer=layer).add_to(m)
    add_basemap_lines(m, basemap, options)
    return finish(m)


def carbon_map(districts: gpd.GeoDataFrame, basemap: Basemap, options: MapOptions) -> folium.Map:
    """Carbon stock and 2050 sink potential: rasters as tiles and district choropleths."""
    lang = options.lang
    m = new_map(basemap, options, t("map.carbon", lang))
    d = web_frame(districts)
    tiled = bool(options.tiles_url) and "carbon_stock" in basemap.rasters
    if "carbon_stock_tc_ha" in d:
        choropleth(
            m,
            d,
            "carbon_stock_tc_ha",
            title=t("layer.carbon_districts", lang),
            unit=t("unit.tc_ha", lang),
            scheme="Greens",
            lang=lang,
            digits=0,
            tooltip_fields=_district_fields(
                lang, ("carbon_stock_tc_ha", t("layer.carbon_districts", lang))
            ),
            show=False,
        )
    if "sink_potential_2050_tco2_ha_a" in d:
        choropleth(
            m,
            d,
            "sink_potential_2050_tco2_ha_a",
            title=t("layer.sink_districts", lang),
            unit=t("unit.tco2_ha_a", lang),
            scheme="BuGn",
            lang=lang,
            digits=2,
            tooltip_fields=_district_fields(
                lang, ("sink_potential_2050_tco2_ha_a", t("layer.sink_districts", lang))
            ),
            show=not tiled,
        )
    _raster_layer(m, basemap, options, "carbon_stock")
    _raster_layer(m, basemap, options, "sink_potential", digits=1, show=False)
    add_basemap_lines(m, basemap, options)
    return finish(m)


def explanation_column(frame: pd.DataFrame, lang: Lang) -> str | None:
    """``explanation_<lang>`` when the ranking wrote one per language, else ``explanation``."""
    for col in (f"explanation_{lang}", "explanation"):
        if col in frame.columns:
            return col
    return None


def candidates_map(
    candidates: gpd.GeoDataFrame | None,
    basemap: Basemap,
    options: MapOptions,
) -> folium.Map:
    """Ranked test-district candidates coloured by score, each with a tooltip giving its rank,
    score and the ranking's explanation. A layer with a true ``test_fixture`` column (made up
    by tests) says so in its legend; a run without a candidates layer gives a map that says
    so."""
    lang = options.lang
    m = new_map(basemap, options, t("map.candidates", lang), landcover=True)
    fixture = (
        candidates is not None
        and "test_fixture" in candidates.columns
        and bool(candidates["test_fixture"].astype(bool).any())
    )
    notes = [t("legend.fixture", lang)] if fixture else []
    if candidates is None or not len(candidates):
        Legend(t("layer.candidates", lang), notes=[t("legend.no_candidates", lang)]).add_to(m)
        add_basemap_lines(m, basemap, options)
        return finish(m)
    c = web_frame(candidates)
    explanation = explanation_column(c, lang)
    if explanation is not None and explanation != "explanation":
        c["explanation"] = c[explanation]
    c["rank"] = pd.to_numeric(c["rank"], errors="coerce").astype("Int64").astype(str)
    fields = [
        ("rank", t("field.rank", lang)),
        ("name", t("field.name", lang)),
        ("district_id", t("field.district_id", lang)),
        ("score", t("field.score", lang)),
    ]
    if explanation is not None:
        fields.append(("explanation", t("field.explanation", lang)))
    choropleth(
        m,
        c,
        "score",
        title=t("layer.candidates", lang),
        unit=t("unit.score", lang),
        scheme="Greens",
        lang=lang,
        digits=2,
        tooltip_fields=fields,
        notes=notes,
        class_name="mg-candidate",
    )
    add_basemap_lines(m, basemap, options)
    return finish(m)


SOLAR_COLUMNS = ("solar_kwh_a", "rooftop_solar_kwh_a", "pv_kwh_a", "solar_yield_kwh_a")


def solar_column(frame: pd.DataFrame) -> str | None:
    """The rooftop solar yield column of ``frame`` (kWh/a), if the run has one."""
    return next((c for c in SOLAR_COLUMNS if c in frame.columns), None)


def solar_by_district(
    districts: gpd.GeoDataFrame, buildings: pd.DataFrame | None
) -> gpd.GeoDataFrame | None:
    """Districts with ``solar_mwh_a``: their own solar column, else the sum of the buildings'
    (by ``district_id``); None when neither layer has one."""
    col = solar_column(districts)
    out = districts.copy()
    if col is not None:
        out["solar_mwh_a"] = pd.to_numeric(out[col], errors="coerce") / 1000.0
        return out
    if buildings is None:
        return None
    bcol = solar_column(buildings)
    if bcol is None or "district_id" not in buildings.columns:
        return None
    sums = pd.to_numeric(buildings[bcol], errors="coerce").groupby(buildings["district_id"]).sum()
    ids = out["district_id"] if "district_id" in out.columns else out.index.to_series()
    out["solar_mwh_a"] = ids.map(sums).fillna(0.0).to_numpy() / 1000.0
    return out


def solar_map(
    districts: gpd.GeoDataFrame | None, basemap: Basemap, options: MapOptions
) -> folium.Map:
    """Rooftop solar yield per district (MWh/a), or a map that says the run has none."""
    lang = options.lang
    m = new_map(basemap, options, t("map.solar", lang))
    if districts is None:
        Legend(t("layer.solar", lang), notes=[t("legend.no_solar", lang)]).add_to(m)
    else:
        d = web_frame(districts)
        choropleth(
            m,
            d,
            "solar_mwh_a",
            title=t("layer.solar", lang),
            unit=t("unit.mwh_a", lang),
            scheme="YlOrBr",
            lang=lang,
            digits=0,
            tooltip_fields=_district_fields(lang, ("solar_mwh_a", t("layer.solar", lang))),
        )
    add_basemap_lines(m, basemap, options)
    return finish(m)


def parcels_map(
    district: gpd.GeoDataFrame,
    basemap: Basemap,
    options: MapOptions,
    *,
    breaks: Sequence[float] = (),
) -> folium.Map:
    """One district outlined and fitted; its parcels fetched by bounding box from the OGC
    items route of ``parcels`` as the view moves (at the minimum zoom or closer), coloured by
    emissions per hectare with ``breaks`` (from the district's parcels)."""
    lang = options.lang
    p = parameters()
    d = web_frame(district)
    m = new_map(basemap, options, t("map.parcels", lang), landcover=True)
    minx, miny, maxx, maxy = d.total_bounds
    m.fit_bounds([[miny, minx], [maxy, maxx]])
    colors = quantile_classes(breaks, "OrRd").colors if len(breaks) else ("#9ecae1",)
    inner = list(breaks[1:-1]) if len(breaks) > 2 else []
    unit = t("unit.tco2e_ha_a", lang)
    layer = BboxGeoJson(
        options.ogc_items_url.replace("{collection}", "parcels"),
        name=t("layer.parcels", lang),
        fields=[
            ("parcel_id", t("field.parcel_id", lang)),
            ("zoning", t("field.zoning", lang)),
            ("ghg_tco2e_a", f"{t('layer.ghg_total', lang)} ({t('unit.tco2e_a', lang)})"),
            ("ghg_per_ha_tco2e_a", f"{t('layer.ghg_per_ha', lang)} ({unit})"),
            ("estimated_share", f"{t('field.estimated_share', lang)} (0-1)"),
        ],
        lang=lang,
        min_zoom=int(p["parcels_min_zoom"]),
        page_size=int(p["parcels_page_size"]),
        max_features=int(p["parcels_max_features"]),
        labels={
            "loaded": t("status.loaded", lang),
            "zoom": t("legend.parcels_zoom", lang),
            "error": t("status.error", lang),
        },
        color_by="ghg_per_ha_tco2e_a",
        breaks=inner,
        colors=colors[: len(inner) + 1],
        class_name="mg-parcel",
    )
    layer.add_to(m)
    if len(breaks) > 1:
        classes = Classes(np.asarray(breaks, dtype=float), tuple(colors[: len(breaks) - 1]))
        items = list(zip(classes.colors, classes.labels(1), strict=True))
    else:
        items = []
    Legend(f"{t('layer.ghg_per_ha', lang)} ({unit})", items=items, layer=layer).add_to(m)
    outline = d[["geometry"]].copy()
    outline["name"] = html_text(d["name"]) if "name" in d else ""
    outline["style"] = [{"color": "#000000", "weight": 3.0, "fill": False}] * len(outline)
    folium.GeoJson(
        geo_dict(outline),
        name=t("layer.districts", lang),
        class_name="mg-district",
    ).add_to(m)
    add_basemap_lines(m, basemap, options)
    return finish(m)


def notebook_html(page: str, height_px: int = 520) -> str:
    """A rendered page (:func:`render` with ``inline=True``) as an ``<iframe srcdoc>`` for a
    notebook cell (``IPython.display.HTML``): the map runs in its own document."""
    import html as _html

    return (
        f'<iframe srcdoc="{_html.escape(page, quote=True)}" '
        f'style="width:100%;height:{height_px}px;border:none"></iframe>'
    )


def render(m: folium.Map, *, lang: Lang, title: str, inline: bool = False) -> str:
    """The map as one HTML page (``lang`` attribute, ``<title>``), checked to load nothing
    from outside the app; ``inline`` copies Leaflet into the page (notebooks, saved files)."""
    root = m.get_root()
    assert isinstance(root, Figure)
    root.header.add_child(folium.Element(f"<title>{title}</title>"), name="mg_title")
    # no favicon request (there is none to serve; the browser would log a 404)
    root.header.add_child(folium.Element('<link rel="icon" href="data:,">'), name="mg_icon")
    page = root.render()
    page = page.replace("<html>", f'<html lang="{lang}">', 1)
    assets.check_offline(page)
    # the vendored Leaflet copied in afterwards names leafletjs.com in its attribution link only
    return assets.inline_assets(page) if inline else page
