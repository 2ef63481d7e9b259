"""Buildings from any product: uses resolved, parcel found by location, attributes filled.

Shared by the ACT, OpenStreetMap and generic importers: the product importer maps its columns
(``importers.mapping``), then :func:`buildings_layer` resolves the uses that depend on the
number of storeys, finds each building's parcel (the parcel holding its representative point),
fills what the product lacks with grades (``importers.fill``) and keeps the contract columns,
the grades and ``source``.
"""

from __future__ import annotations

from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd

from minettgeo.importers.fill import (
    DEFAULT,
    ESTIMATED,
    GRADED,
    MEASURED,
    fill_buildings,
    fill_storeys,
)
from minettgeo.importers.stage import locate
from minettgeo.layers.activity_contracts import BUILDINGS

#: product uses resolved by storeys: ``residential`` (a dwelling house of unknown kind) and
#: ``apartments`` (more than two dwellings): up to 2 storeys a house, 3-4 a small
#: multi-family house, 5 or more an apartment block (building_uses.csv storey ranges)
BY_STOREYS = {"residential", "apartments"}
#: ``unknown`` (OSM building=yes): a footprint under this is an outbuilding (garage, shed), m2
OUTBUILDING_MAX_M2 = 30.0


def resolve_uses(b: gpd.GeoDataFrame, uses: pd.DataFrame) -> None:
    """Contract uses for the placeholders ``residential``, ``apartments`` (resolved by storeys:
    default) and ``unknown`` (outbuilding or dwelling house by footprint: estimated), in place,
    with ``use_grade``: measured when the product gave a contract use."""
    use = b["use"].astype(object).to_numpy().copy()
    grade = np.full(len(b), MEASURED, dtype=object)
    unknown = use == "unknown"
    small = b.geometry.area.to_numpy() < OUTBUILDING_MAX_M2
    use[unknown & small] = "other"
    use[unknown & ~small] = "residential"
    grade[unknown] = ESTIMATED
    by_storeys = np.isin(use, list(BY_STOREYS))
    if by_storeys.any():
        probe = b[["geometry"]].copy()
        for col in ("floors", "height_m"):
            if col in b:
                probe[col] = b[col]
        probe["use"] = np.where(use == "apartments", "multi_family", "single_family")
        fill_storeys(probe, uses)
        n = probe["floors"].to_numpy()
        houses = np.where(use == "apartments", "multi_family", "single_family")
        resolved = np.where(n <= 2, houses, np.where(n <= 4, "multi_family", "apartment_block"))
        use[by_storeys] = resolved[by_storeys]
        grade[by_storeys & ~unknown] = DEFAULT
    b["use"] = use
    b["use_grade"] = grade


def buildings_layer(
    mapped: gpd.GeoDataFrame,
    parcels: gpd.GeoDataFrame,
    tables: Mapping[str, pd.DataFrame],
    source: str,
) -> gpd.GeoDataFrame:
    """The buildings contract layer from a mapped product frame."""
    b = gpd.GeoDataFrame(mapped, geometry="geometry", crs=mapped.crs).reset_index(drop=True)
    b = b[b.geometry.notna() & ~b.geometry.is_empty].reset_index(drop=True)
    b["building_id"] = b["building_id"].astype(str)
    resolve_uses(b, tables["uses"])
    if "parcel_id" not in b or b["parcel_id"].isna().all():
        b["parcel_id"] = locate(b, parcels, "parcel_id")
    filled = fill_buildings(b, tables)
    filled["source"] = source
    keep = [c.name for c in BUILDINGS.columns if c.name in filled.columns]
    grades = ["use_grade", *[f"{a}_grade" for a in GRADED]]
    columns = list(dict.fromkeys([*keep, *grades, "source", "geometry"]))
    return filled[columns]


__all__ = ["DEFAULT", "ESTIMATED", "MEASURED", "buildings_layer", "resolve_uses"]
