"""Modelled point sources of the sample region: the Minett's EU ETS-type sites.

``layers/model/point_sources.csv`` lists the steel, cement and glass works with a stated
production and a per-tonne intensity, each with its source. No figure is a reported one::

    t_co2e_per_year = production_t_a x intensity_tco2e_per_t        t CO2e/a

Every facility is marked ``grade = estimated`` and ``source = "modelled: ..."``. The sample's
buildings are modelled too, so each facility is placed on the industrial building nearest its
stated location (within 3 km; a facility without one, e.g. in a sub-region, is left out) and
takes that building's parcel and commune; the building's scope 1 is then in the facility's
tonnes (docs/point_sources.md).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from minettgeo import CRS

#: farthest a facility is moved to reach an industrial building, m
MAX_SNAP_M = 3_000.0
COLUMNS = [
    "facility_id",
    "name",
    "lau2",
    "gpc_sector",
    "scope",
    "gas",
    "t_co2e_per_year",
    "source",
    "year",
    "grade",
    "parcel_id",
    "geometry",
]


def modelled_tonnes(table: pd.DataFrame) -> np.ndarray:
    """``production_t_a x intensity_tco2e_per_t`` of every row, t CO2e/a."""
    return table["production_t_a"].to_numpy(dtype=float) * table["intensity_tco2e_per_t"].to_numpy(
        dtype=float
    )


def modelled_point_sources(
    table: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame, parcels: gpd.GeoDataFrame
) -> gpd.GeoDataFrame:
    """The ``point_sources`` layer of the sample region (module docstring); ``table``: the rows
    of point_sources.csv as points in EPSG:2169."""
    industry = buildings[buildings["use"] == "industry"]
    if not len(table) or not len(industry):
        return gpd.GeoDataFrame({c: [] for c in COLUMNS[:-1]}, geometry=[], crs=CRS)
    spots = shapely.point_on_surface(industry.geometry.to_numpy())
    tree = shapely.STRtree(spots)
    facility, nearest = tree.query_nearest(
        table.geometry.to_numpy(), max_distance=MAX_SNAP_M, all_matches=False
    )
    rows = table.iloc[facility].reset_index(drop=True)
    parcel = industry["parcel_id"].to_numpy(dtype=object)[nearest]
    lau2 = parcels.set_index("parcel_id")["lau2"].reindex(parcel).to_numpy(dtype=object)
    out = gpd.GeoDataFrame(
        {
            "facility_id": rows["facility_id"].to_numpy(dtype=object),
            "name": rows["name"].to_numpy(dtype=object),
            "lau2": lau2,
            "gpc_sector": rows["gpc_sector"].to_numpy(dtype=object),
            "scope": np.ones(len(rows), dtype=np.int64),
            "gas": rows["gas"].to_numpy(dtype=object),
            "t_co2e_per_year": modelled_tonnes(rows),
            "source": (
                "modelled: " + rows["production_source"] + "; x " + rows["intensity_source"]
            ).to_numpy(dtype=object),
            "year": rows["year"].to_numpy(dtype=np.int64),
            "grade": np.full(len(rows), "estimated", dtype=object),
            "parcel_id": parcel,
        },
        geometry=spots[nearest],
        crs=CRS,
    )
    return out.sort_values("facility_id").reset_index(drop=True)
