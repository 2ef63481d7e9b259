"""The thematic layers of a map: a choropleth of quantile classes with its tooltip and legend, a
result raster as tiles with its colour ramp, and the tooltip fields of a district."""

from __future__ import annotations

from collections.abc import Sequence

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

from minettgeo.maps.basemap import (
    Basemap,
)
from minettgeo.maps.elements import Legend
from minettgeo.maps.i18n import Lang, t
from minettgeo.maps.options import MapOptions, parameters
from minettgeo.maps.style import NO_DATA, Classes, class_colors, quantile_classes
from minettgeo.maps.web_data import (
    format_numbers,
    geo_dict,
    html_text,
)


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
            data[key] = format_numbers(frame[column], digits, lang, hidden)
        elif key in frame.columns:
            col = frame[key]
            data[key] = (
                format_numbers(col, digits, lang)
                if pd.api.types.is_float_dtype(col)
                else html_text(col)
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


def district_fields(lang: Lang, *extra: tuple[str, str]) -> list[tuple[str, str]]:
    """Name, id, the layer's own fields and the shares of estimated activity data, of the
    buildings and of the road traffic (when the results carry them, docs/data-quality.md)."""
    return [
        ("name", t("field.name", lang)),
        ("district_id", t("field.district_id", lang)),
        *extra,
        ("estimated_share_pct", f"{t('field.estimated_share', lang)} (%)"),
        ("road_estimated_share_pct", f"{t('field.road_estimated_share', lang)} (%)"),
    ]


def raster_layer(
    m: folium.Map,
    basemap: Basemap,
    options: MapOptions,
    name: str,
    digits: int = 0,
    *,
    show: bool = True,
) -> None:
    """Result raster ``name`` as tiles with its legend (a ramp from the raster's legend range,
    ``digits`` decimals); nothing when the run has no such raster or nothing serves tiles."""
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
