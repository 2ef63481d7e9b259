"""The map of the ranked test-district candidates: coloured by score, with rank, score and the
ranking's explanation in the language of the page."""

from __future__ import annotations

import folium
import geopandas as gpd
import pandas as pd

from minettgeo.maps.basemap import (
    Basemap,
    add_basemap_lines,
    finish,
    new_map,
)
from minettgeo.maps.elements import Legend
from minettgeo.maps.i18n import Lang, t
from minettgeo.maps.options import MapOptions
from minettgeo.maps.thematic_layers import choropleth
from minettgeo.maps.web_data import (
    web_frame,
)


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
