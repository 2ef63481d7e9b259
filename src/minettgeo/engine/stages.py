"""The per-feature stages of a run: pure functions from typed inputs to frozen results indexed
by feature id.

    buildings  -> BuildingResults (energy and emissions per building, its commune and district)
    roads      -> RoadResults     (vehicle-km and emissions per segment, EV charging, length
                                   shares in the districts, railways)
    heat       -> HeatResults     (1 ha heat-need density, district-heating potential areas and
                                   the area of each building)
    land       -> LandResults     (carbon accounts and sink potential per parcel, from the joint
                                   areas of the zonal step, :mod:`minettgeo.engine.zonal`)

The global stages are in :mod:`minettgeo.engine.totals` (roll-up, inventory) and
:mod:`minettgeo.engine.intervals` (Monte Carlo intervals).
Every join between layers is by id (``building_id``, ``parcel_id``, ``road_id``,
``district_id``, ``lau2``), so the results of changed features can be swapped in
(:mod:`minettgeo.engine.changes`).
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray
from rasterio import features

from minettgeo import CRS
from minettgeo.aggregate import heat_density as hd
from minettgeo.aggregate.groups import group_codes
from minettgeo.factors.tables import FactorSet
from minettgeo.land.areas import class_area_table
from minettgeo.land.carbon import before_fluxes, carbon_accounts
from minettgeo.land.claims import baseline_rates, protected_share
from minettgeo.land.potential import PotentialResult, sink_potential
from minettgeo.land.tables import sealed_shares
from minettgeo.land.zonal import pixel_area_m2
from minettgeo.models import buildings as bmodel
from minettgeo.models import ev as evmodel
from minettgeo.models import rail as railmodel
from minettgeo.models import transport as tmodel
from minettgeo.quality.network import road_quality_columns
from minettgeo.quality.tables import quality_tables

from .inputs import Inputs
from .options import RunOptions


def by_id(frame: pd.DataFrame, id_column: str) -> pd.DataFrame:
    """``frame`` indexed by the values of its id column (the column is kept; index unnamed)."""
    out = frame.copy()
    out.index = pd.Index(out[id_column].to_numpy(), name=None)
    return out


@dataclass(frozen=True)
class BuildingResults:
    """Input columns, model columns, ``lau2`` and ``district_id`` per building, indexed by id;
    with, row by row, the factor indices and activity the Monte Carlo evaluates (``activity``)
    and a point on the surface of each footprint (``centres``, x and y in metres, for the heat
    density), so that neither is derived twice (None: derived where needed)."""

    frame: gpd.GeoDataFrame
    activity: bmodel.BuildingActivity | None = None
    centres: NDArray[np.float64] | None = None
    #: position of each building's parcel in the parcels layer (-1: none), for the roll-up
    parcel_code: NDArray[np.intp] | None = None


def footprint_centres(geometry: gpd.GeoSeries) -> NDArray[np.float64]:
    """A point on the surface of every footprint (rows x 2: x, y), m (EPSG:2169)."""
    return shapely.get_coordinates(shapely.point_on_surface(geometry.to_numpy()))


def building_stage(
    buildings: gpd.GeoDataFrame,
    parcels: gpd.GeoDataFrame,
    factors: FactorSet,
    parcel_ids: pd.Index | None = None,
) -> BuildingResults:
    """The building model (:func:`minettgeo.models.buildings.building_emissions`) on every row of
    ``buildings``, with the commune and district of each building's parcel; ``parcel_ids``: the
    parcels' ids as text, indexed once (for a few buildings, a look-up in it is cheaper than
    hashing every parcel id again)."""
    rows = by_id(buildings, "building_id")
    activity = bmodel.resolve_building_factors(rows, factors)
    frame = pd.concat([rows, bmodel.building_emissions(rows, factors, activity)], axis=1)
    if parcel_ids is None:
        at = group_codes(frame["parcel_id"], parcels["parcel_id"])
    else:
        at = np.asarray(
            parcel_ids.get_indexer(pd.Index(frame["parcel_id"].astype(str))), dtype=np.intp
        )
    for col in ("lau2", "district_id"):
        values = parcels[col].to_numpy()
        frame[col] = pd.Series(values[at], dtype=parcels[col].dtype).where(at >= 0).to_numpy()
    return BuildingResults(
        gpd.GeoDataFrame(frame, geometry="geometry", crs=CRS),
        activity=activity,
        centres=footprint_centres(rows.geometry),
        parcel_code=at,
    )


@dataclass(frozen=True)
class RoadResults:
    """Per-segment inputs and results (``frame``, indexed by ``road_id``), the model columns
    alone (``results``), each segment's length share in each district (``shares``: ``road`` =
    road id, ``zone`` = district id, ``share``) and the railways (None without a rail layer)."""

    frame: gpd.GeoDataFrame
    results: pd.DataFrame
    shares: pd.DataFrame
    rail: tuple[pd.DataFrame, pd.DataFrame] | None
    #: the railways' sums per district (:func:`minettgeo.models.rail.rail_by_zone`), when
    #: computed with the roads (None: computed where needed)
    rail_districts: pd.DataFrame | None = None

    def rail_by_district(self) -> pd.DataFrame | None:
        """The railways' sums per district (index district id); None without railways."""
        if self.rail is None:
            return None
        return (
            railmodel.rail_by_zone(*self.rail)
            if self.rail_districts is None
            else self.rail_districts
        )


def road_stage(
    roads: gpd.GeoDataFrame,
    districts: gpd.GeoDataFrame,
    rail: gpd.GeoDataFrame | None,
    factors: FactorSet,
) -> RoadResults:
    """Road transport (II.1.1), EV charging (II.1.2) and railways (II.2), with each segment's
    activity grade, score and estimated vehicle-km (:mod:`minettgeo.quality.network`)."""
    rows = gpd.GeoDataFrame(by_id(roads, "road_id"), geometry="geometry", crs=CRS)
    results = tmodel.road_emissions(rows, factors)
    results = pd.concat(
        [
            results,
            evmodel.ev_charging(results, factors),
            road_quality_columns(rows, results["vkm_a"].to_numpy(), quality_tables().score),
        ],
        axis=1,
    )
    railways = railmodel.rail_results(rail, districts, factors)
    return RoadResults(
        frame=gpd.GeoDataFrame(pd.concat([rows, results], axis=1), geometry="geometry", crs=CRS),
        results=results,
        shares=tmodel.length_shares(rows, districts, "district_id"),
        rail=railways,
        rail_districts=None if railways is None else railmodel.rail_by_zone(*railways),
    )


@dataclass(frozen=True)
class HeatResults:
    """Heat-need density grid, potential areas (as raster labels and polygons) and the label of
    the area each building's centre falls in (0: none), indexed by building id."""

    heat: hd.HeatDensity
    building_area: pd.Series
    areas: gpd.GeoDataFrame


def heat_stage(
    buildings: BuildingResults,
    communes: gpd.GeoDataFrame,
    options: RunOptions,
    previous: tuple[hd.HeatDensity, gpd.GeoDataFrame] | None = None,
) -> HeatResults:
    """1 ha density of the useful heat need (MWh/(ha a)) over the communes' bounds, and the
    district-heating potential areas (cells >= the cell threshold, connected areas >= the area
    threshold; :mod:`minettgeo.aggregate.heat_density`). ``previous``: the density and area
    polygons of a base run; where the areas are the same cells with the same numbers, their
    polygons are reused (the polygons are a function of the area labels alone)."""
    frame = buildings.frame
    centres = footprint_centres(frame.geometry) if buildings.centres is None else buildings.centres
    bounds = tuple(float(v) for v in communes.total_bounds)
    grid, transform = hd.density_grid(
        centres[:, 0],
        centres[:, 1],
        frame["heat_need_kwh_a"].to_numpy() / 1000.0,
        bounds,  # type: ignore[arg-type]
    )
    heat = hd.potential_areas(
        grid, transform, options.dh_cell_threshold_mwh_ha, options.dh_area_threshold_gwh
    )
    label = pd.Series(
        hd.label_at(heat, centres[:, 0], centres[:, 1]), index=frame.index, name="dh_potential_area"
    )
    if (
        previous is not None
        and previous[0].transform == heat.transform
        and np.array_equal(previous[0].area_label, heat.area_label)
    ):
        areas = with_area_demand(previous[1], heat)
    else:
        areas = dh_area_polygons(heat)
    return HeatResults(heat, label, areas)


def with_area_demand(areas: gpd.GeoDataFrame, heat: hd.HeatDensity) -> gpd.GeoDataFrame:
    """Potential-area polygons with the demand (GWh/a) and thresholds of ``heat``."""
    frame = areas.copy()
    frame["heat_demand_gwh_a"] = (
        heat.area_demand_gwh[frame["area_id"].to_numpy() - 1] if len(frame) else []
    )
    frame["cell_threshold_mwh_ha"] = heat.cell_threshold_mwh_ha
    frame["area_threshold_gwh"] = heat.area_threshold_gwh
    return frame


def dh_area_polygons(heat: hd.HeatDensity) -> gpd.GeoDataFrame:
    """District-heating potential areas as polygons with their demand (GWh/a)."""
    shapes = features.shapes(heat.area_label, mask=heat.area_label > 0, transform=heat.transform)
    geoms, labels = [], []
    for geom, value in shapes:
        geoms.append(shapely.geometry.shape(geom))
        labels.append(int(value))
    frame = gpd.GeoDataFrame({"area_id": labels}, geometry=geoms, crs=CRS)
    frame = frame.dissolve("area_id", as_index=False) if len(frame) else frame
    return with_area_demand(frame, heat)


@dataclass(frozen=True)
class LandResults:
    """Carbon accounts (index parcel id) and sink potential of every parcel, from ``joint``
    (the exact area of every (now, before, age) class combination per parcel, in ha)."""

    joint: pd.DataFrame
    accounts: pd.DataFrame
    potential: PotentialResult
    #: the accounts (0 where a parcel has none) and sink columns of every parcel, in the order
    #: of the parcels layer (index: parcel id), as the roll-up joins them
    by_parcel: pd.DataFrame | None = None


def land_by_parcel(
    parcels: pd.DataFrame, accounts: pd.DataFrame, potential: PotentialResult
) -> pd.DataFrame:
    """The land columns of every parcel (accounts, then sink potential), joined by parcel id."""
    pid = parcels["parcel_id"]
    land_cols = accounts.reindex(pid).fillna(0.0)
    sink_cols = potential.parcels.reindex(pid)
    extra = {col: land_cols[col].to_numpy() for col in land_cols.columns}
    extra |= {col: sink_cols[col].to_numpy() for col in sink_cols.columns}
    return pd.DataFrame(extra, index=pd.Index(pid.to_numpy()))


def land_stage(inputs: Inputs, joint: pd.DataFrame, buildings: BuildingResults) -> LandResults:
    """IPCC land accounts and the additional sink potential (:mod:`minettgeo.land`)."""
    region, carbon, options = inputs.region, inputs.carbon, inputs.options
    accounts = carbon_accounts(joint, carbon, inputs.land, urban_trees=options.urban_trees)
    frame = buildings.frame
    footprint_ha = frame.geometry.area.groupby(frame["parcel_id"].to_numpy()).sum() / 1e4
    share = protected_share(region.parcels, region.protected_areas)
    protected_by_parcel = pd.Series(share, index=region.parcels["parcel_id"].to_numpy())
    potential = sink_potential(
        region.parcels,
        class_area_table(joint),
        footprint_ha,
        region.protected_areas,
        carbon,
        sealed_shares(),
        baseline=baseline_rates(before_fluxes(joint, carbon, inputs.land), protected_by_parcel),
        start_year=options.sink_start,
        pixel_m=float(np.sqrt(pixel_area_m2(inputs.land.landcover))),
        protected_by_parcel=share,
    )
    return LandResults(
        joint, accounts, potential, land_by_parcel(region.parcels, accounts, potential)
    )
