"""The vector layers of a run as the map pages read them: a layer or None when the run has none,
a layer's column names without its features, the id index as a column, and a test fixture of
ranked candidates made from the districts where no ranking output exists."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from minettgeo.maps.source import ResultSource


def layer_or_none(source: ResultSource, name: str) -> gpd.GeoDataFrame | None:
    """Layer ``name`` of ``source``; None when the run has no such layer."""
    if name not in source.layer_names:
        return None
    return source.layer(name)


def layer_fields(source: ResultSource, name: str) -> list[str]:
    """The column names of layer ``name`` without reading its features."""
    return list(source.info(name).fields)


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
