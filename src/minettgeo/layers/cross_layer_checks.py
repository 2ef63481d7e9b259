"""Validation of a region's layers together: each layer against its contract in reference order
(a layer's references point to layers before it), containment in the region, references across
layers (districts -> communes, parcels -> districts, buildings -> parcels, point sources ->
parcels), the parcels' tessellation of the communes, and the district of each parcel and the
parcel of each point source derived when absent."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray

from minettgeo.layers.contracts import VECTOR_CONTRACTS
from minettgeo.layers.problems import ValidationReport
from minettgeo.layers.tessellation import check_tessellation
from minettgeo.layers.validate import validate_vector

#: validation order: a layer's references point to layers before it
LAYER_ORDER = (
    "communes",
    "districts",
    "parcels",
    "buildings",
    "roads",
    "protected_areas",
    "rail",
    "point_sources",
)


REGION_BOUND = frozenset({"districts", "parcels", "buildings", "point_sources"})


ID_COLUMNS = {name: c.id_column for name, c in VECTOR_CONTRACTS.items()}


def validate_layers(
    layers: dict[str, gpd.GeoDataFrame], *, region: gpd.GeoDataFrame | None = None
) -> tuple[dict[str, gpd.GeoDataFrame], dict[str, ValidationReport]]:
    """Validate several layers together: region containment, references (districts -> communes,
    parcels -> districts, buildings -> parcels) across layers, and the parcels' tessellation of
    the communes (overlaps, gaps).

    ``region``: a (validated) communes layer the features must lie in, e.g. from
    ``validate --region``; by default the region is the union of the ``communes`` layer."""
    checked: dict[str, gpd.GeoDataFrame] = {}
    reports: dict[str, ValidationReport] = {}
    area = None if region is None else shapely.union_all(region.geometry.to_numpy())
    known: dict[str, list[str]] = {}
    for name in LAYER_ORDER:
        if name not in layers:
            continue
        bound = name in REGION_BOUND or (name == "communes" and region is not None)
        gdf, report = validate_vector(
            layers[name],
            VECTOR_CONTRACTS[name],
            region=area if bound else None,
            known_ids=known,
        )
        if name == "parcels" and report.ok:
            if "district_id" not in gdf.columns and "districts" in checked:
                gdf = assign_districts(gdf, checked["districts"], report)
            communes = checked.get("communes") if reports.get("communes", report).ok else None
            check_tessellation(gdf, communes if communes is not None else region, report)
        if (
            name == "point_sources"
            and report.ok
            and "parcel_id" not in gdf.columns
            and "parcels" in checked
            and reports["parcels"].ok
        ):
            gdf = assign_point_parcels(gdf, checked["parcels"], report)
        checked[name], reports[name] = gdf, report
        id_col = ID_COLUMNS[name]
        if id_col in gdf.columns:
            known[name] = gdf[id_col].dropna().astype(str).tolist()
        if name == "communes" and report.ok and region is None:
            area = shapely.union_all(gdf.geometry.to_numpy())
    return checked, reports


def first_holder(
    geoms: NDArray[np.object_],
    holders: NDArray[np.object_],
    holder_ids: pd.Series,
    predicate: str,
) -> NDArray[np.object_]:
    """For each geometry, the id of a holder it is in relation ``predicate`` with (e.g.
    ``within``, ``intersects``): the first the spatial index returns for it; None where there
    is none (parcels outside every district, point sources on no parcel)."""
    g, h = shapely.STRtree(holders).query(geoms, predicate=predicate)
    first = np.unique(g, return_index=True)[1]
    out = np.full(len(geoms), None, dtype=object)
    out[g[first]] = holder_ids.to_numpy()[h[first]]
    return out


def assign_districts(
    parcels: gpd.GeoDataFrame, districts: gpd.GeoDataFrame, report: ValidationReport
) -> gpd.GeoDataFrame:
    """``district_id`` of each parcel from the district holding its representative point (the
    point inside the parcel chosen by GEOS); parcels outside every district are reported."""
    points = shapely.point_on_surface(parcels.geometry.to_numpy())
    district = first_holder(
        points, districts.geometry.to_numpy(), districts["district_id"], "within"
    )
    out = parcels.copy()
    out["district_id"] = district
    report.add(
        "derived-column",
        "absent, derived: the district holding each parcel's representative point",
        column="district_id",
        repaired=True,
    )
    lost = pd.isna(district)
    if lost.any():
        report.add(
            "outside-region",
            "parcels in no district; extend the districts layer so that it covers every parcel",
            column="district_id",
            ids=out.loc[lost, "parcel_id"].astype(str).tolist(),
        )
    return out


def assign_point_parcels(
    points: gpd.GeoDataFrame, parcels: gpd.GeoDataFrame, report: ValidationReport
) -> gpd.GeoDataFrame:
    """``parcel_id`` of each point source from the parcel holding it (the first parcel it
    touches when it lies on a boundary); points on no parcel are reported as errors."""
    parcel = first_holder(
        points.geometry.to_numpy(), parcels.geometry.to_numpy(), parcels["parcel_id"], "intersects"
    )
    out = points.copy()
    out["parcel_id"] = parcel
    report.add(
        "derived-column",
        "absent, derived: the parcel holding each point source",
        column="parcel_id",
        repaired=True,
    )
    lost = pd.isna(parcel)
    if lost.any():
        report.add(
            "outside-region",
            "point sources on no parcel; move them onto their site or give their parcel_id",
            column="parcel_id",
            ids=out.loc[lost, "facility_id"].astype(str).tolist(),
        )
    return out
