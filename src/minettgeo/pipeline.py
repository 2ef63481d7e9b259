"""``minettgeo run``: every result for the configured region, written to ``results/``.

layers (validated) -> factors -> per-building and per-road models -> heat density and
district-heating potential -> roll-up to parcels, districts, communes, region -> GPC inventory ->
Monte Carlo intervals -> results/minettgeo.gpkg, gpc_inventory.csv/.json, heat_density.tif.

Every output carries its provenance: minettgeo version, factor set and its hash, GWP set,
overrides, input layers with their SHA-256, Monte Carlo draws and seed, date.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from rasterio import features

from minettgeo import CRS, __version__
from minettgeo.aggregate import heat_density as hd
from minettgeo.aggregate.levels import BUILDING_SUMS, Levels, parcel_results, rollup
from minettgeo.console import Progress
from minettgeo.errors import ParameterError
from minettgeo.factors.tables import FactorSet, load_factor_set
from minettgeo.land.carbon import (
    LandInputs,
    before_fluxes,
    carbon_accounts,
    class_area_table,
    joint_areas,
)
from minettgeo.land.potential import START_YEAR, baseline_rates, protected_share, sink_potential
from minettgeo.land.rasters import carbon_stock_raster, parcel_value_raster
from minettgeo.land.tables import CarbonTables, load_carbon_tables, sealed_shares
from minettgeo.land.uncertainty import simulate_land
from minettgeo.land.zonal import pixel_area_m2
from minettgeo.layers import io
from minettgeo.layers.codes import VEHICLE_CLASS
from minettgeo.layers.region import RegionLayers, load_region
from minettgeo.limits import MAX_DRAWS, MIN_DRAWS
from minettgeo.models import buildings as bmodel
from minettgeo.models import district_heat as dhmodel
from minettgeo.models import ev as evmodel
from minettgeo.models import rail as railmodel
from minettgeo.models import transport as tmodel
from minettgeo.models import wastewater as wwmodel
from minettgeo.models.residents import building_residents
from minettgeo.models.solar import solar_potential
from minettgeo.models.waste import waste_emissions, waste_index
from minettgeo.report import gpc
from minettgeo.results import store
from minettgeo.sample.sources import sha256_of
from minettgeo.uncertainty import montecarlo as mc
from minettgeo.uncertainty.montecarlo import Intervals, simulate

RESULTS_FILE = "minettgeo.gpkg"
INVENTORY_CSV = "gpc_inventory.csv"
INVENTORY_JSON = "gpc_inventory.json"
HEAT_DENSITY_FILE = "heat_density.tif"
CARBON_STOCK_FILE = "carbon_stock.tif"
SINK_POTENTIAL_FILE = "sink_potential.tif"
SINK_MEASURES_FILE = "sink_measures.csv"
#: the run's provenance (with its run id), for every file of the run folder
PROVENANCE_FILE = "provenance.json"
STEPS = 9


@dataclass(frozen=True)
class RunOptions:
    """Parameters of a run (all recorded in the provenance)."""

    gwp_set: str = "AR5"
    overrides: tuple[Path, ...] = ()
    electricity_kg_per_kwh: float | None = None
    district_heat_kg_per_kwh: float | None = None
    draws: int = 1000
    seed: int = 2028
    dh_cell_threshold_mwh_ha: float = hd.CELL_THRESHOLD_MWH_HA
    dh_area_threshold_gwh: float = hd.AREA_THRESHOLD_GWH
    carbon_table: Path | None = None
    sink_rules: Path | None = None
    sink_start: int = START_YEAR
    landcover_years: tuple[int, int] | None = None
    sink_assumptions: Path | None = None
    urban_trees: bool = False

    def check(self) -> None:
        if not MIN_DRAWS <= self.draws <= MAX_DRAWS:
            raise ParameterError(
                f"--draws must be between {MIN_DRAWS} and {MAX_DRAWS} (a 90 % interval needs at "
                f"least {MIN_DRAWS} draws), got {self.draws}"
            )
        for option, value in (
            ("--dh-cell-threshold", self.dh_cell_threshold_mwh_ha),
            ("--dh-area-threshold", self.dh_area_threshold_gwh),
        ):
            if not (np.isfinite(value) and value > 0):
                raise ParameterError(f"{option} must be a finite positive number, got {value}")
        # the land tables and the working group's assumptions fail before any layer is read
        load_carbon_tables(self.carbon_table, self.sink_rules, self.sink_assumptions)


@dataclass
class RunResult:
    """Everything a run computed, in memory."""

    levels: Levels
    buildings: gpd.GeoDataFrame
    roads: gpd.GeoDataFrame
    inventory: pd.DataFrame
    totals: pd.DataFrame
    intervals: Intervals
    heat: hd.HeatDensity
    dh_areas: gpd.GeoDataFrame
    provenance: dict[str, object]
    factors: FactorSet
    sink_detail: pd.DataFrame
    land_inputs: LandInputs
    carbon: CarbonTables
    written: list[Path] = field(default_factory=list)


def input_provenance(region: RegionLayers) -> dict[str, str]:
    """SHA-256 of every input file (each layer file once)."""
    return {f"{name}: {path.name}": sha256_of(path) for name, path in region.files.items()}


def region_provenance(region: RegionLayers, provenance: dict[str, object]) -> dict[str, object]:
    """What validation repaired and warned about (the run's list of implausible values), and
    the land rasters as the user gave them: their own paths, not the copies warped to LUREF
    (``inputs`` holds their SHA-256)."""
    problems = [p for report in region.reports.values() for p in report.problems]
    land = dict(provenance.get("land") or {})  # type: ignore[call-overload]
    for name in ("landcover", "landcover_before", "forest_age"):
        if name in region.files:
            land[name] = str(region.files[name])
    return {
        "land": land,
        "warnings": [p.describe() for p in problems if p.warning],
        "repairs": [p.describe() for p in problems if p.repaired],
    }


def compute(
    region: RegionLayers, factors: FactorSet, options: RunOptions, progress: Progress
) -> RunResult:
    """All results in memory (see the module docstring)."""
    with progress.step(f"buildings: energy and emissions of {len(region.buildings):,} buildings"):
        b_res = bmodel.building_emissions(region.buildings, factors)
        buildings = pd.concat([region.buildings, b_res], axis=1)
        parcel_of = region.parcels.set_index("parcel_id")
        buildings["lau2"] = buildings["parcel_id"].map(parcel_of["lau2"]).to_numpy()
        buildings["district_id"] = buildings["parcel_id"].map(parcel_of["district_id"]).to_numpy()
        # issue 10 (ranking helper) -- ONE call site to port: residents per building
        # (models/residents.py, sums to the STATEC population per commune) and rooftop solar
        # (models/solar.py); the roll-up sums both (aggregate/levels.py BUILDING_SUMS)
        buildings["residents"] = building_residents(buildings, region.communes)
        buildings = pd.concat([buildings, solar_potential(buildings, factors)], axis=1)
    with progress.step(
        f"transport: {len(region.roads):,} road segments, allocated to districts by length"
    ):
        r_res = tmodel.road_emissions(region.roads, factors)
        r_res = pd.concat([r_res, evmodel.ev_charging(r_res, factors)], axis=1)
        roads = pd.concat([region.roads, r_res], axis=1)
        shares = tmodel.length_shares(region.roads, region.districts, "district_id")
        rail = railmodel.rail_results(region.rail, region.districts, factors)
    with progress.step("heat density (1 ha) and district-heating potential areas"):
        centres = shapely.get_coordinates(shapely.point_on_surface(buildings.geometry.to_numpy()))
        bounds = tuple(float(v) for v in region.communes.total_bounds)
        grid, transform = hd.density_grid(
            centres[:, 0],
            centres[:, 1],
            buildings["heat_need_kwh_a"].to_numpy() / 1000.0,
            bounds,  # type: ignore[arg-type]
        )
        heat = hd.potential_areas(
            grid, transform, options.dh_cell_threshold_mwh_ha, options.dh_area_threshold_gwh
        )
        buildings["dh_potential_area"] = hd.label_at(heat, centres[:, 0], centres[:, 1])
        dh_areas = dh_area_polygons(heat)
    with progress.step(
        "land: exact zonal statistics, carbon stocks, removals, land-use change, sink potential"
    ):
        carbon = load_carbon_tables(
            options.carbon_table, options.sink_rules, options.sink_assumptions
        )
        land_inputs = land_inputs_of(region, options)
        joint = joint_areas(land_inputs, region.parcels, "parcel_id")
        accounts = carbon_accounts(joint, carbon, land_inputs, urban_trees=options.urban_trees)
        footprint_ha = buildings.geometry.area.groupby(buildings["parcel_id"]).sum() / 1e4
        protected_by_parcel = pd.Series(
            protected_share(region.parcels, region.protected_areas),
            index=region.parcels["parcel_id"].to_numpy(),
        )
        potential = sink_potential(
            region.parcels,
            class_area_table(joint),
            footprint_ha,
            region.protected_areas,
            carbon,
            sealed_shares(),
            baseline=baseline_rates(before_fluxes(joint, carbon, land_inputs), protected_by_parcel),
            start_year=options.sink_start,
            pixel_m=float(np.sqrt(pixel_area_m2(land_inputs.landcover))),
        )
    with progress.step("roll-up: parcels, districts, communes, region"):
        parcels = parcel_results(region.parcels, buildings)
        land_cols = accounts.reindex(parcels["parcel_id"]).fillna(0.0)
        for col in land_cols.columns:
            parcels[col] = land_cols[col].to_numpy()
        sink_cols = potential.parcels.reindex(parcels["parcel_id"])
        for col in sink_cols.columns:
            parcels[col] = sink_cols[col].to_numpy()
        dh_heat = (
            buildings.loc[buildings["dh_potential_area"] > 0]
            .groupby("parcel_id")["heat_need_kwh_a"]
            .sum()
        )
        dh_by_parcel = pd.Series(
            dh_heat.reindex(parcels["parcel_id"]).fillna(0.0).to_numpy(), index=parcels.index
        )
        per_capita_waste = factors.value("waste", "waste quantity", quantity="per_capita_emissions")
        levels = rollup(
            parcels,
            region.districts,
            region.communes,
            r_res,
            shares,
            per_capita_waste,
            dh_by_parcel,
            district_extra=None if rail is None else railmodel.rail_by_zone(*rail),
            per_capita_extra=wwmodel.wastewater_per_capita(factors),
        )
        resident = tmodel.resident_based(levels.communes.set_index("lau2")["population"], factors)
        levels.communes["resident_based_road_tco2e_a"] = (
            resident["resident_based_road_tco2e_a"].reindex(levels.communes["lau2"]).to_numpy()
        )
        levels.region["resident_based_road_tco2e_a"] = float(
            resident["resident_based_road_tco2e_a"].sum()
        )
    with progress.step("GPC inventory per commune and region"):
        com = levels.communes.set_index("lau2")
        transport = com[
            ["transport_co2_t_a", "transport_ch4_t_a", "transport_n2o_t_a", "transport_tco2e_a"]
        ]
        waste = waste_emissions(com["population"], factors)
        land = com["land_net_flux_tco2_a"]
        plants = dhmodel.plant_emissions(buildings, factors)
        plants = plants[plants["lau2"].isin(com.index)]
        extra = pd.concat(
            [gpc.rows_from_columns(com, "lau2"), gpc.plant_rows(plants, "lau2")], ignore_index=True
        )
        values = gpc.modelled_values(buildings, transport, waste, "lau2", land, extra)
        names = dict(zip(region.communes["lau2"], region.communes["name"], strict=True))
        inventory = gpc.inventory_table(
            values, "lau2", names, None if rail is not None else railmodel.NOT_ESTIMATED
        )
        population = {str(k): float(v) for k, v in com["population"].items()} | {
            "region": float(com["population"].sum())
        }
        totals = gpc.inventory_totals(inventory, "lau2", population)
        memo = resident["resident_based_road_tco2e_a"]
        memo = pd.concat([memo, pd.Series({"region": memo.sum()})])
        totals["memo_resident_based_road_tco2e"] = totals["lau2"].map(memo).to_numpy()
    with progress.step(f"uncertainty: {options.draws:,} Monte Carlo draws"):
        activity = bmodel.resolve_building_factors(buildings, factors)
        vkm_by_commune = commune_vkm(r_res, shares, region.districts)
        road_activity = tmodel.resolve_road_factors(vkm_by_commune.to_numpy(), factors)
        intervals = simulate(
            factors,
            activity,
            buildings["lau2"].to_numpy(dtype=object),
            road_activity,
            list(vkm_by_commune.index),
            com["population"],
            waste_index(factors),
            draws=options.draws,
            seed=options.seed,
            components=further_components(
                factors, vkm_by_commune, com["population"], buildings, rail, region
            ),
            building_tag=dhmodel.serving_plant(
                buildings["lau2"].to_numpy(dtype=object),
                buildings["heating_carrier"].to_numpy(dtype=object),
                factors,
            ),
        )
        totals = totals.merge(intervals.table, on="lau2", how="left")
        land_intervals = simulate_land(
            joint,
            region.parcels.set_index("parcel_id")["lau2"],
            carbon,
            land_inputs,
            potential.measures,
            [str(c) for c in levels.communes["lau2"]],
            start_year=options.sink_start,
            draws=options.draws,
            seed=options.seed,
        )
        totals = totals.merge(land_intervals.table, on="lau2", how="left")
        add_land_intervals(levels, land_intervals.table)
    provenance: dict[str, object] = {
        "minettgeo": __version__,
        **factors.provenance(),
        "inputs": input_provenance(region),
        "monte_carlo": {
            "draws": options.draws,
            "seed": options.seed,
            "distribution": "two-piece triangular(low, value, high), median = value",
        },
        **carbon.provenance(),
        "land": {
            "landcover": str(land_inputs.landcover),
            "landcover_before": str(land_inputs.landcover_before)
            if land_inputs.landcover_before
            else None,
            "forest_age": str(land_inputs.forest_age) if land_inputs.forest_age else None,
            "years": [land_inputs.year_before, land_inputs.year],
            "sink_start_year": options.sink_start,
            "sink_assumptions": str(options.sink_assumptions or "minettgeo (sink_assumptions.csv)"),
            "settlements": "IPCC Tier 1 (no net change)",
            "urban_trees": "gross Tier 2a crown-cover growth reported apart "
            "(urban_tree_removal_tco2_a), not in the net flux"
            if options.urban_trees
            else "not computed (--urban-trees to report it apart)",
            "monte_carlo": {
                "draws": options.draws,
                "seed": options.seed,
                "distribution": "triangular(low, value, high) of stocks and rates",
            },
        },
        "district_heating": {
            "cell_threshold_mwh_ha": options.dh_cell_threshold_mwh_ha,
            "area_threshold_gwh": options.dh_area_threshold_gwh,
        },
        "date": datetime.now(UTC).replace(microsecond=0).isoformat(),
    }
    return RunResult(
        levels=levels,
        buildings=gpd.GeoDataFrame(buildings, geometry="geometry", crs=CRS),
        roads=gpd.GeoDataFrame(roads, geometry="geometry", crs=CRS),
        inventory=inventory,
        totals=totals,
        intervals=intervals,
        heat=heat,
        dh_areas=dh_areas,
        provenance=provenance,
        factors=factors,
        sink_detail=potential.measures,
        land_inputs=land_inputs,
        carbon=carbon,
    )


def add_land_intervals(levels: Levels, table: pd.DataFrame) -> None:
    """The land-flux and sink-potential intervals on the communes layer and the region."""
    cols = [c for c in table.columns if c != "lau2"]
    by_lau2 = table.set_index("lau2")
    for col in cols:
        levels.communes[col] = by_lau2[col].reindex(levels.communes["lau2"].astype(str)).to_numpy()
        levels.region[col] = float(by_lau2[col].astype(float)["region"])


def _raster_year(path: Path | None) -> int | None:
    if path is None:
        return None
    year = io.read_raster_tags(path).get("year")
    return int(year) if year and str(year).isdigit() else None


def land_inputs_of(region: RegionLayers, options: RunOptions) -> LandInputs:
    """The land rasters of the region and their years (tags, or --landcover-years)."""
    before, now = options.landcover_years or (
        _raster_year(region.landcover_before_path),
        _raster_year(region.landcover_path),
    )
    return LandInputs(
        landcover=region.landcover_path,
        landcover_before=region.landcover_before_path,
        forest_age=region.forest_age_path,
        year=now,
        year_before=before,
    )


def further_components(
    factors: FactorSet,
    vkm_by_commune: pd.DataFrame,
    population: pd.Series,
    buildings: pd.DataFrame,
    rail: tuple[pd.DataFrame, pd.DataFrame] | None,
    region: RegionLayers,
) -> list[mc.Component]:
    """Monte Carlo components besides buildings, roads and waste: EV charging (II.1.2),
    wastewater (III.4), railways (II.2) and the district-heat plants (I.4.4, outside BASIC)."""
    communes = list(population.index)
    ev = evmodel.resolve_ev_factors(vkm_by_commune["vkm_car_a"].to_numpy(), factors)
    plants = dhmodel.resolve_plant_factors(dhmodel.delivered_heat(buildings, factors), factors)
    out = [
        mc.ev_component(ev, list(vkm_by_commune.index), communes),
        mc.wastewater_component(wwmodel.resolve_wastewater_factors(population.to_numpy(), factors)),
        mc.plant_component(plants, communes),
    ]
    if rail is not None and region.rail is not None:
        lines = railmodel.rail_activity_by_commune(region.rail, rail[1], region.districts)
        activity = railmodel.resolve_rail_factors(
            lines["line_km"].to_numpy(), lines["diesel_line"].to_numpy(), factors
        )
        out.append(mc.rail_component(activity, list(lines["lau2"]), communes))
    return out


def commune_vkm(
    road_results: pd.DataFrame, shares: pd.DataFrame, districts: gpd.GeoDataFrame
) -> pd.DataFrame:
    """Vehicle-km by class inside each commune (length-share allocation), communes x classes."""
    cols = [f"vkm_{vc}_a" for vc in VEHICLE_CLASS]
    weighted = shares.merge(road_results[cols], left_on="road", right_index=True)
    weighted[cols] = weighted[cols].to_numpy() * weighted["share"].to_numpy()[:, None]
    weighted["lau2"] = weighted["zone"].map(districts.set_index("district_id")["lau2"])
    return weighted.groupby("lau2")[cols].sum()


def dh_area_polygons(heat: hd.HeatDensity) -> gpd.GeoDataFrame:
    """District-heating potential areas as polygons with their demand (GWh/a)."""
    shapes = features.shapes(heat.area_label, mask=heat.area_label > 0, transform=heat.transform)
    geoms, labels = [], []
    for geom, value in shapes:
        geoms.append(shapely.geometry.shape(geom))
        labels.append(int(value))
    frame = gpd.GeoDataFrame({"area_id": labels}, geometry=geoms, crs=CRS)
    frame = frame.dissolve("area_id", as_index=False) if len(frame) else frame
    frame["heat_demand_gwh_a"] = (
        heat.area_demand_gwh[frame["area_id"].to_numpy() - 1] if len(frame) else []
    )
    frame["cell_threshold_mwh_ha"] = heat.cell_threshold_mwh_ha
    frame["area_threshold_gwh"] = heat.area_threshold_gwh
    return frame


BUILDING_OUT = [
    "building_id",
    "parcel_id",
    "district_id",
    "lau2",
    "use",
    "construction_period",
    "heated_area_m2",
    "dwellings",
    "heating_carrier",
    "renovation_state",
    *BUILDING_SUMS,
    "gpc_subsector",
    "dh_potential_area",
    "geometry",
]
ROAD_OUT = [
    "road_id",
    "road_class",
    "name",
    "source",
    "length_m",
    *[f"vkm_{vc}_a" for vc in VEHICLE_CLASS],
    "vkm_a",
    "co2_t_a",
    "ch4_t_a",
    "n2o_t_a",
    "ghg_tco2e_a",
    "ev_vkm_a",
    "ev_kwh_a",
    "ev_tco2e_a",
    "geometry",
]


def run_fingerprint(provenance: dict[str, object]) -> str:
    """What makes a run: its provenance without the date (inputs and their SHA-256, factor set,
    overrides, options), as canonical JSON; hashed into the run id."""
    return json.dumps(
        {k: v for k, v in provenance.items() if k not in {"date", "run_id"}},
        sort_keys=True,
        default=str,
    )


def run_id_for(provenance: dict[str, object]) -> str:
    """``<date>-<hash of inputs and options>`` (see :func:`minettgeo.results.store.make_run_id`)."""
    date = provenance.get("date")
    when = datetime.fromisoformat(str(date)) if date else datetime.now(UTC)
    return store.make_run_id(when, run_fingerprint(provenance))


def write_results(result: RunResult, out_dir: Path) -> list[Path]:
    """Publish every result file as one run folder ``out_dir/runs/<run_id>`` and point
    ``out_dir/current`` at it (:func:`minettgeo.results.store.publish`): a failure or a kill while
    writing leaves the previous results untouched. The run id goes into every file's provenance."""

    def write(staging: Path) -> None:
        provenance = {**result.provenance, "run_id": store.run_id_of(staging)}
        _write_result_files(result, provenance, staging)
        result.provenance = provenance

    folder = store.publish(out_dir, write, run_id=run_id_for(result.provenance))
    return sorted(folder.iterdir())


def _write_result_files(
    result: RunResult, provenance: dict[str, object], out_dir: Path
) -> list[Path]:
    """The results GeoPackage, inventory (CSV, JSON), sink detail and the COG rasters."""
    prov = json.dumps(provenance, default=str)
    meta = {
        name: {"provenance": prov, "modelled": "true"}
        for name in ("buildings", "parcels", "districts", "communes", "roads", "dh_potential_areas")
    }
    levels = result.levels
    layers = {
        "buildings": result.buildings[[c for c in BUILDING_OUT if c in result.buildings.columns]],
        "parcels": levels.parcels,
        "districts": levels.districts,
        "communes": levels.communes,
        "roads": result.roads[[c for c in ROAD_OUT if c in result.roads.columns]],
        "dh_potential_areas": result.dh_areas,
    }
    written = [io.write_vectors(out_dir / RESULTS_FILE, layers, meta)]
    table = result.inventory
    written += gpc.write_inventory(
        table,
        result.totals,
        provenance,
        out_dir / INVENTORY_CSV,
        out_dir / INVENTORY_JSON,
    )
    written.append(
        io.write_raster(
            out_dir / HEAT_DENSITY_FILE,
            result.heat.density_mwh_ha.astype(np.float32),
            result.heat.transform,
            CRS,
            None,
            tags={"unit": "MWh/(ha a)", "quantity": "useful heat need density", "provenance": prov},
            band_description="heat need density, MWh/(ha a)",
        )
    )
    land_tags = {"provenance": prov}
    stock = result.carbon.stock_per_ha()
    written.append(
        carbon_stock_raster(
            result.land_inputs.landcover,
            dict(zip(stock.index.astype(int).tolist(), stock.astype(float).tolist(), strict=True)),
            out_dir / CARBON_STOCK_FILE,
            land_tags,
        )
    )
    parcels = levels.parcels
    written.append(
        parcel_value_raster(
            result.land_inputs.landcover,
            parcels,
            parcels["sink_potential_2050_tco2_ha_a"].to_numpy(),
            out_dir / SINK_POTENTIAL_FILE,
            {
                **land_tags,
                "unit": "t CO2/(ha a)",
                "quantity": "sink potential in 2050 per hectare of parcel",
            },
        )
    )
    detail = out_dir / SINK_MEASURES_FILE
    with io.atomic_path(detail) as tmp:
        result.sink_detail.to_csv(tmp, index=False, float_format="%.6g")
    written.append(detail)
    record = out_dir / PROVENANCE_FILE
    with io.atomic_path(record) as tmp:
        tmp.write_text(json.dumps(provenance, indent=1, default=str), encoding="utf-8")
    written.append(record)
    return written


def run(
    layers_dir: Path,
    out_dir: Path,
    options: RunOptions | None = None,
    progress: Progress | None = None,
) -> RunResult:
    """Load and validate the layers, compute everything, write ``out_dir``."""
    options = options or RunOptions()
    options.check()
    store.check_writable(Path(out_dir))
    progress = progress or Progress("run", STEPS + 2, quiet=True)
    with progress.step(f"loading and validating the layers in {layers_dir}"):
        region = load_region(Path(layers_dir))
        factors = load_factor_set(
            options.gwp_set,
            options.overrides,
            electricity_kg_per_kwh=options.electricity_kg_per_kwh,
            district_heat_kg_per_kwh=options.district_heat_kg_per_kwh,
        )
    result = compute(region, factors, options, progress)
    result.provenance = {**result.provenance, **region_provenance(region, result.provenance)}
    with progress.step(f"writing results to {out_dir}"):
        result.written = write_results(result, out_dir)
    return result
