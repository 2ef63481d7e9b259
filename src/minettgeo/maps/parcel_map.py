"""The map of one district's parcels: the district outlined and fitted, its parcels loaded by
bounding box from the OGC items route and coloured by emissions per hectare."""

from __future__ import annotations

from collections.abc import Sequence

import folium
import geopandas as gpd
import numpy as np

from minettgeo.maps.basemap import (
    Basemap,
    add_basemap_lines,
    finish,
    new_map,
)
from minettgeo.maps.elements import BboxGeoJson, Legend
from minettgeo.maps.i18n import t
from minettgeo.maps.options import MapOptions, parameters
from minettgeo.maps.style import Classes, quantile_classes
from minettgeo.maps.web_data import (
    geo_dict,
    html_text,
    web_frame,
)


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
