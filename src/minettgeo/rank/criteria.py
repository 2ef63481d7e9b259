"""Criteria of every candidate, computed from the run's layers (see ``data/criteria.csv``).

A candidate's sums are those of its parcels (and their buildings), its roads by length share
(:func:`minettgeo.models.transport.length_shares`, as districts get theirs), railways (line-km,
energy, emissions and line-km by traction and grade) by the parcel-area share of each district it
covers (exact for a district), waste and wastewater per resident as in the roll-up. Its BASIC
total is therefore built like a district's ``ghg_tco2e_a``: stationary + road transport + EV
charging + rail + waste + wastewater; the district-heat plants' I.4.4 emissions (outside BASIC)
are reported beside it
(``energy_generation_tco2e_a``), allocated by the heat delivered to the candidate's buildings.
A candidate equal to a district thus gets that district's values, and the districts' candidates
sum to the region's modelled total.

Evaluability: the structural criteria (``structural`` in criteria.csv: heat density, share of old
fossil-heated floor area, residents) of the candidate and of every district are standardised
with the districts' mean and standard deviation; the candidate's evaluability is the number of
districts within Euclidean distance :data:`SIMILARITY_RADIUS` that share no parcel with it (they
can serve as controls).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

from minettgeo.layers.codes import CONSTRUCTION_PERIODS
from minettgeo.models.rail import GRADED_LINE_KM
from minettgeo.models.residents import MIN_RESIDENTS, per_resident
from minettgeo.models.transport import length_shares
from minettgeo.rank.candidates import Candidates
from minettgeo.rank.runio import RunData
from minettgeo.rank.tables import criteria_table

FOSSIL = ("natural_gas", "heating_oil")
PRE_1980 = tuple(p.code for p in CONSTRUCTION_PERIODS if p.last_year <= 1980)
PUBLIC_OWNERS = ("commune", "state")
SIMILARITY_RADIUS = 1.0
#: the districts' rail sums spread to the candidates by parcel-area share; the line-km by
#: traction and grade (absent in the results of an older run) give the Monte Carlo's rail rows
RAIL_COLS = (
    "line_km",
    "rail_diesel_kwh_a",
    "rail_electric_kwh_a",
    "rail_diesel_tco2e_a",
    "rail_electric_tco2e_a",
    *GRADED_LINE_KM,
)


@dataclass(frozen=True)
class CandidateSums:
    """Per-candidate sums (index candidate_id) and the shares used to build them."""

    sums: pd.DataFrame
    road_shares: pd.DataFrame  # road (row position), zone (candidate_id), share
    parcel_candidate: pd.Series  # parcel_id -> candidate_id


def _by_candidate(values: pd.DataFrame, key: np.ndarray, ids: pd.Index) -> pd.DataFrame:
    ok = pd.notna(key)
    return values[ok].groupby(key[ok]).sum().reindex(ids).fillna(0.0)


def candidate_sums(run: RunData, cands: Candidates) -> CandidateSums:
    """Every additive quantity per candidate (module docstring)."""
    ids = cands.frame.index
    parcels, buildings = run.parcels, run.buildings
    key = parcels["parcel_id"].map(cands.parcel_candidate).to_numpy(dtype=object)
    b = buildings
    heated = b["heated_area_m2"].to_numpy(dtype=float)
    old_fossil = (
        b["heating_carrier"].isin(FOSSIL).to_numpy()
        & b["construction_period"].isin(PRE_1980).to_numpy()
    )
    in_dh = (
        b["dh_potential_area"].to_numpy(dtype=float) > 0
        if "dh_potential_area" in b
        else np.zeros(len(b), bool)
    )
    per_b = pd.DataFrame(
        {
            "heated_m2": heated,
            "fossil_pre1980_m2": np.where(old_fossil, heated, 0.0),
            "dh_heat_kwh_a": np.where(in_dh, b["heat_need_kwh_a"].to_numpy(dtype=float), 0.0),
        }
    )
    b_key = b["parcel_id"].map(cands.parcel_candidate).to_numpy(dtype=object)
    sums = _by_candidate(per_b, b_key, ids)
    area = shapely.area(parcels.geometry.to_numpy())
    public = (
        parcels["owner_type"].isin(PUBLIC_OWNERS).to_numpy()
        if "owner_type" in parcels
        else np.zeros(len(parcels), bool)
    )
    per_p = pd.DataFrame(
        {
            "parcels": 1.0,
            "parcel_area_m2": area,
            "public_area_m2": np.where(public, area, 0.0),
            "stationary_tco2e_a": parcels["ghg_tco2e_a"].to_numpy(dtype=float),
            "heat_need_kwh_a": parcels["heat_need_kwh_a"].to_numpy(dtype=float),
            "residents": parcels["residents"].to_numpy(dtype=float),
            "pv_kwp": parcels["pv_kwp"].to_numpy(dtype=float),
            "pv_kwh_a": parcels["pv_kwh_a"].to_numpy(dtype=float),
            "pv_avoided_tco2e_a": parcels["pv_avoided_tco2e_a"].to_numpy(dtype=float),
            "sink_potential_2050_tco2_a": parcels["sink_potential_2050_tco2_a"].to_numpy(
                dtype=float
            )
            if "sink_potential_2050_tco2_a" in parcels
            else 0.0,
        }
    )
    if "point_source_energy_tco2e_a" in parcels:
        # reported fuel combustion of the point sources (I.3.1, in BASIC) on the parcels
        per_p["point_source_energy_tco2e_a"] = parcels["point_source_energy_tco2e_a"].to_numpy(
            dtype=float
        )
    districts = run.districts.set_index("district_id")
    rail = [c for c in RAIL_COLS if c in districts]
    if rail:
        d_area = pd.Series(area).groupby(parcels["district_id"].to_numpy()).sum()
        share = area / parcels["district_id"].map(d_area).to_numpy(dtype=float)
        for col in rail:
            per_p[col] = parcels["district_id"].map(districts[col]).fillna(0.0).to_numpy() * share
    sums = pd.concat([sums, _by_candidate(per_p, key, ids)], axis=1)
    roads = run.roads.reset_index(drop=True)
    shares = candidate_road_shares(roads, cands, run.districts)
    cols = [c for c in roads.columns if c.startswith("vkm_") and c.endswith("_a")]
    cols += [c for c in ("ghg_tco2e_a", "ev_tco2e_a") if c in roads]
    weighted = (
        roads[cols].to_numpy(dtype=float)[shares["road"].to_numpy()]
        * shares["share"].to_numpy()[:, None]
    )
    road_sums = (
        pd.DataFrame(weighted, columns=cols)
        .groupby(shares["zone"].to_numpy())
        .sum()
        .reindex(ids)
        .fillna(0.0)
    )
    road_sums = road_sums.rename(
        columns={"ghg_tco2e_a": "transport_tco2e_a", "ev_tco2e_a": "ev_charging_tco2e_a"}
    )
    sums = pd.concat([sums, road_sums], axis=1)
    pop = districts["population"].to_numpy(dtype=float).sum()
    for col in ("waste_tco2e_a", "wastewater_tco2e_a"):
        per_capita = districts[col].sum() / pop if col in districts and pop > 0 else 0.0
        sums[col] = sums["residents"].to_numpy() * per_capita
    parts = [
        "stationary_tco2e_a",
        "transport_tco2e_a",
        "ev_charging_tco2e_a",
        "waste_tco2e_a",
        "wastewater_tco2e_a",
    ]
    parts += [c for c in ("rail_diesel_tco2e_a", "rail_electric_tco2e_a") if c in sums]
    parts += [c for c in ("point_source_energy_tco2e_a",) if c in sums]
    for col in parts:
        if col not in sums:
            sums[col] = 0.0
    sums["ghg_tco2e_a"] = sums[parts].sum(axis=1)
    sums["transport_all_tco2e_a"] = sums[
        ["transport_tco2e_a", "ev_charging_tco2e_a"]
        + [c for c in ("rail_diesel_tco2e_a", "rail_electric_tco2e_a") if c in sums]
    ].sum(axis=1)
    sums["area_ha"] = shapely.area(cands.frame.geometry.to_numpy()) / 1e4
    return CandidateSums(sums, shares, cands.parcel_candidate)


def candidate_road_shares(
    roads: pd.DataFrame, cands: Candidates, districts: pd.DataFrame
) -> pd.DataFrame:
    """Length shares of the roads in the candidates, with the rest of each district as further
    zones, so that a stretch on a candidate's edge is halved with its neighbour exactly as the
    run halves it between districts (a candidate equal to a district gets its shares)."""
    zones = cands.frame.reset_index()[["candidate_id", "geometry"]]
    cover = shapely.union_all(zones.geometry.to_numpy())
    rest = shapely.difference(districts.geometry.to_numpy(), cover)
    keep = shapely.area(rest) > 1.0
    others = pd.DataFrame(
        {
            "candidate_id": [f"\x00rest {d}" for d in districts["district_id"].to_numpy()[keep]],
            "geometry": rest[keep],
        }
    )
    allz = pd.concat([zones, others], ignore_index=True)
    import geopandas as gpd

    shares = length_shares(
        roads, gpd.GeoDataFrame(allz, geometry="geometry", crs=cands.frame.crs), "candidate_id"
    )
    return shares[shares["zone"].isin(cands.frame.index)].reset_index(drop=True)


def criteria_from_sums(sums: pd.DataFrame, min_residents: float = MIN_RESIDENTS) -> pd.DataFrame:
    """The criteria of criteria.csv except evaluability (index candidate_id)."""
    ha = sums["area_ha"].to_numpy(dtype=float)
    res = sums["residents"].to_numpy(dtype=float)

    def ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
        return np.divide(num, den, out=np.zeros(len(num)), where=den > 0)

    out = pd.DataFrame(index=sums.index)
    out["ghg_per_resident_tco2e_a"] = per_resident(
        sums["ghg_tco2e_a"].to_numpy(), res, min_residents
    )
    out["ghg_per_ha_tco2e_a"] = ratio(sums["ghg_tco2e_a"].to_numpy(), ha)
    out["heat_density_mwh_ha_a"] = ratio(sums["heat_need_kwh_a"].to_numpy() / 1000.0, ha)
    out["dh_potential_share"] = ratio(
        sums["dh_heat_kwh_a"].to_numpy(), sums["heat_need_kwh_a"].to_numpy()
    )
    out["fossil_pre1980_share"] = ratio(
        sums["fossil_pre1980_m2"].to_numpy(), sums["heated_m2"].to_numpy()
    )
    out["solar_mwh_ha_a"] = ratio(sums["pv_kwh_a"].to_numpy() / 1000.0, ha)
    out["sink_potential_tco2_ha_a"] = ratio(sums["sink_potential_2050_tco2_a"].to_numpy(), ha)
    out["transport_per_resident_tco2e_a"] = per_resident(
        sums["transport_all_tco2e_a"].to_numpy(), res, min_residents
    )
    out["public_land_share"] = ratio(
        sums["public_area_m2"].to_numpy(), sums["parcel_area_m2"].to_numpy()
    )
    out["parcels"] = sums["parcels"].to_numpy(dtype=float)
    out["residents"] = res
    return out


def evaluability(
    candidates: pd.DataFrame,
    districts: pd.DataFrame,
    shares_parcels: pd.DataFrame,
    radius: float = SIMILARITY_RADIUS,
) -> pd.Series:
    """Number of similar districts usable as controls (module docstring). ``candidates`` and
    ``districts``: criteria frames; ``shares_parcels``: pairs (candidate_id, district_id) that
    share a parcel."""
    structural = [c for c, row in criteria_table().iterrows() if row["structural"]]
    ref = districts[structural].to_numpy(dtype=float)
    mean = ref.mean(axis=0)
    std = ref.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    zc = (candidates[structural].to_numpy(dtype=float) - mean) / std
    zd = (ref - mean) / std
    dist = np.sqrt(((zc[:, None, :] - zd[None, :, :]) ** 2).sum(axis=2))
    near = dist <= radius
    overlap = np.zeros_like(near)
    ci = candidates.index.get_indexer(pd.Index(shares_parcels["candidate_id"]))
    di = districts.index.get_indexer(pd.Index(shares_parcels["district_id"]))
    ok = (ci >= 0) & (di >= 0)
    overlap[ci[ok], di[ok]] = True
    return pd.Series(
        (near & ~overlap).sum(axis=1).astype(float), index=candidates.index, name="evaluability"
    )


def candidate_criteria(
    run: RunData,
    cands: Candidates,
    district_criteria: pd.DataFrame | None = None,
    *,
    min_residents: float = MIN_RESIDENTS,
) -> tuple[pd.DataFrame, CandidateSums]:
    """Criteria and sums of every candidate (columns: criteria.csv order, then every sum)."""
    cs = candidate_sums(run, cands)
    crit = criteria_from_sums(cs.sums, min_residents)
    if district_criteria is None:
        from minettgeo.rank.candidates import from_districts

        d_cands = from_districts(run.districts, run.parcels)
        district_criteria = (
            crit
            if cands.kind == "districts"
            else criteria_from_sums(candidate_sums(run, d_cands).sums, min_residents)
        )
    pairs = pd.DataFrame(
        {
            "candidate_id": cands.parcel_candidate.to_numpy(),
            "district_id": run.parcels.set_index("parcel_id")["district_id"]
            .reindex(cands.parcel_candidate.index)
            .to_numpy(),
        }
    ).drop_duplicates()
    crit["evaluability"] = evaluability(crit, district_criteria, pairs)
    extra = cs.sums.drop(columns=[c for c in cs.sums.columns if c in crit.columns])
    return pd.concat([crit, extra], axis=1), cs
