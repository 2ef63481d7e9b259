"""Where a measure applies: a target (parcels, buildings, district, commune, polygon, region)
resolved to parcel and building ids of the region, with errors that name what does not exist."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray

from minettgeo import CRS
from minettgeo.errors import PolicyError

#: how many unknown ids an error message lists
SHOWN = 8


def member(values: NDArray[np.object_], wanted: object) -> NDArray[np.bool_]:
    """``values[i] in wanted`` for every i, by hashing (numpy's isin compares object arrays
    pairwise, which is quadratic)."""
    return (
        pd.Series(values, dtype=object).isin(pd.Index(np.asarray(wanted, dtype=object))).to_numpy()
    )


@dataclass(frozen=True)
class Selection:
    """Parcels and buildings a target covers, and the area they make up (LUREF)."""

    parcel_ids: NDArray[np.object_]
    building_ids: NDArray[np.object_]
    geometries: NDArray[np.object_]
    label: str

    @cached_property
    def area(self) -> shapely.Geometry:
        """The union of the selected parcels (computed when a measure needs it)."""
        return shapely.union_all(self.geometries)


def _unknown(ids: list[str], known: NDArray[np.object_], what: str, where: str) -> None:
    missing = sorted(set(ids) - set(known.tolist()))
    if missing:
        shown = ", ".join(missing[:SHOWN]) + (" ..." if len(missing) > SHOWN else "")
        raise PolicyError(
            f"{where}: {len(missing)} {what} id(s) not in the region: {shown}; "
            f"use ids of the layers in the region (e.g. from the results' {what}s layer)"
        )


def _polygon(spec: Mapping[str, Any], region: shapely.Geometry, where: str) -> shapely.Geometry:
    try:
        geom = shapely.geometry.shape(spec)
    except (TypeError, ValueError, AttributeError, IndexError) as exc:
        raise PolicyError(
            f"{where}: target.polygon is not a valid GeoJSON polygon ({exc})"
        ) from exc
    lonlat = gpd.GeoSeries([geom], crs="OGC:CRS84")
    bounds = lonlat.total_bounds
    if not (-180 <= bounds[0] <= 180 and -90 <= bounds[1] <= 90):
        raise PolicyError(
            f"{where}: target.polygon coordinates must be longitude/latitude (CRS84), "
            f"got a bounding box {bounds.round(1).tolist()}"
        )
    luref = lonlat.to_crs(CRS).iloc[0]
    luref = shapely.make_valid(luref)
    if not luref.intersects(region):
        raise PolicyError(
            f"{where}: target.polygon lies outside the region (bounding box "
            f"{bounds.round(4).tolist()} in lon/lat); draw it inside the communes"
        )
    return luref


def resolve_target(
    target: Mapping[str, Any],
    parcels: gpd.GeoDataFrame,
    buildings: gpd.GeoDataFrame,
    where: str,
) -> Selection:
    """Parcel and building ids of ``target`` (one key of the policy schema's target).

    ``parcels`` need parcel_id, lau2, district_id and geometry; ``buildings`` building_id and
    parcel_id."""
    pid = parcels["parcel_id"].to_numpy(dtype=object)
    key, value = next(iter(target.items()))
    if key == "parcels":
        _unknown(list(value), pid, "parcel", where)
        chosen = member(pid, list(value))
        label = f"{len(value)} parcel(s)"
    elif key == "buildings":
        bid = buildings["building_id"].to_numpy(dtype=object)
        _unknown(list(value), bid, "building", where)
        on = buildings.loc[member(bid, list(value)), "parcel_id"].to_numpy(dtype=object)
        chosen = member(pid, on)
        label = f"{len(value)} building(s)"
        picked = np.asarray(list(dict.fromkeys(value)), dtype=object)
        return Selection(
            parcel_ids=pid[chosen],
            building_ids=picked,
            geometries=parcels.geometry.to_numpy()[chosen],
            label=label,
        )
    elif key == "district":
        districts = parcels["district_id"].astype(str).to_numpy(dtype=object)
        if value not in set(districts.tolist()):
            raise PolicyError(
                f"{where}: district {value!r} is not in the region; use a district_id of the "
                "districts layer (e.g. 0204-Q01)"
            )
        chosen = districts == value
        label = f"district {value}"
    elif key == "commune":
        lau2 = parcels["lau2"].astype(str).to_numpy(dtype=object)
        if value not in set(lau2.tolist()):
            raise PolicyError(
                f"{where}: commune {value!r} is not in the region; use one of "
                f"{', '.join(sorted(set(lau2.tolist())))}"
            )
        chosen = lau2 == value
        label = f"commune {value}"
    elif key == "polygon":
        region = shapely.union_all(parcels.geometry.to_numpy())
        area = _polygon(value, region, where)
        points = shapely.point_on_surface(parcels.geometry.to_numpy())
        chosen = shapely.within(points, area)
        if not chosen.any():
            raise PolicyError(
                f"{where}: target.polygon holds no parcel's representative point; draw it larger"
            )
        label = "polygon"
    elif key == "region":
        chosen = np.ones(len(pid), dtype=bool)
        label = "region"
    else:  # the schema allows no other key
        raise PolicyError(f"{where}: unknown target {key!r}")
    on_parcels = member(buildings["parcel_id"].to_numpy(dtype=object), pid[chosen])
    return Selection(
        parcel_ids=pid[chosen],
        building_ids=buildings["building_id"].to_numpy(dtype=object)[on_parcels],
        geometries=parcels.geometry.to_numpy()[chosen],
        label=label,
    )
