"""The maps of district results: emissions (per resident, per hectare, total), heat density and
district-heating areas, carbon stock and sink potential, rooftop solar yield (MWh/a per
district, from the districts or summed from the buildings)."""

from __future__ import annotations

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

from minettgeo.maps.basemap import (
    Basemap,
    add_basemap_lines,
    finish,
    new_map,
)
from minettgeo.maps.elements import Legend
from minettgeo.maps.i18n import t
from minettgeo.maps.options import MapOptions, parameters
from minettgeo.maps.thematic_layers import choropleth, district_fields, raster_layer
from minettgeo.maps.web_data import (
    format_numbers,
    geo_dict,
    web_frame,
)


def residents_of(frame: pd.DataFrame) -> pd.Series | None:
    """The residents of each row: the ``residents`` column (ranking output), else
    ``population`` (the engine's district population), else None."""
    for col in ("residents", "population"):
        if col in frame.columns:
            return pd.to_numeric(frame[col], errors="coerce")
    return None


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
            tooltip_fields=district_fields(
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
        tooltip_fields=district_fields(lang, ("ghg_per_ha_tco2e_a", t("layer.ghg_per_ha", lang))),
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
        tooltip_fields=district_fields(lang, ("ghg_tco2e_a", t("layer.ghg_total", lang))),
        base=True,
        show=False,
    )
    add_basemap_lines(m, basemap, options)
    return finish(m)


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
        tooltip_fields=district_fields(
            lang, ("heat_density_mwh_ha_a", t("layer.heat_density_districts", lang))
        ),
        show=False,
    )
    raster_layer(m, basemap, options, "heat_density")
    if dh_areas is not None and len(dh_areas):
        a = web_frame(dh_areas)
        a["heat_demand_gwh_a"] = format_numbers(a["heat_demand_gwh_a"], 1, lang)
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
            tooltip_fields=district_fields(
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
            tooltip_fields=district_fields(
                lang, ("sink_potential_2050_tco2_ha_a", t("layer.sink_districts", lang))
            ),
            show=not tiled,
        )
    raster_layer(m, basemap, options, "carbon_stock")
    raster_layer(m, basemap, options, "sink_potential", digits=1, show=False)
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
            tooltip_fields=district_fields(lang, ("solar_mwh_a", t("layer.solar", lang))),
        )
    add_basemap_lines(m, basemap, options)
    return finish(m)
