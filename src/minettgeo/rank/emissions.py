"""Monte Carlo draws of each candidate's emissions (the run's own factor uncertainty).

The same formulas and factor draws as the commune intervals of ``minettgeo run``
(:func:`minettgeo.uncertainty.montecarlo.simulate_draws`), on candidates as zones: buildings by
the candidate of their parcel, vehicle-km by class and traffic grade by the candidates' road
length shares (the same grade multipliers as the run), EV charging from their car-km (with the
same multipliers), residents for waste and wastewater, railways from line-km reconstructed per
candidate (below), district-heat plants by the heat delivered to the candidate's buildings.
With the run's seed and draw count the districts' draws sum, draw by draw, to the communes'
draws, hence to the region's interval.

Railways: one row per (candidate, traction, grade) from the candidate's line-km by traction and
grade (the districts' ``rail_<traction>_<grade>_line_km`` spread by parcel-area share,
:func:`minettgeo.models.rail.rail_rows`), each widened by the multiplier of its grade from the
run's rail stream (:func:`minettgeo.engine.network_quality.rail_multipliers`), so the
candidates' rail draws sum to the communes' draw by draw. Results of an older run carry no
graded line-km: then a zone's electric and diesel energy are ``e_el = L_e T (1 - s) k_el`` and
``e_d = (L_d + L_e s) T k_d`` (``T`` train-km per line-km, ``s`` diesel share on electrified lines,
``L_e``, ``L_d`` electrified and diesel-only line-km), so ``L_e`` and ``L_d`` follow from the
candidate's central rail energy and line-km; the rail formula is then drawn on them, without
widening (as that run drew it).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from minettgeo.engine.network_quality import rail_multipliers
from minettgeo.engine.point_sources import point_source_components, uncovered
from minettgeo.factors.tables import FactorSet
from minettgeo.layers.codes import VEHICLE_CLASS
from minettgeo.models import buildings as bmodel
from minettgeo.models import district_heat as dhmodel
from minettgeo.models import ev as evmodel
from minettgeo.models import rail as railmodel
from minettgeo.models import transport as tmodel
from minettgeo.models import wastewater as wwmodel
from minettgeo.models.waste import waste_index
from minettgeo.quality.spread import STREAM_ROADS
from minettgeo.quality.tables import quality_tables
from minettgeo.rank.criteria import CandidateSums
from minettgeo.rank.runio import RunData
from minettgeo.uncertainty import montecarlo as mc
from minettgeo.uncertainty.grades import stream_multipliers

Array = NDArray[np.float64]
#: what the ranking needs from the draws: BASIC total, transport (road + EV + rail), plants;
#: and the railways alone (II.2, zeros without rail rows)
OUTPUTS = ("basic", "transport_all", "energy_generation", "rail")


def rail_line_km(sums: pd.DataFrame, factors: FactorSet) -> tuple[Array, Array]:
    """Electrified and diesel-only line-km per candidate (module docstring)."""
    if "rail_electric_kwh_a" not in sums:
        n = len(sums)
        return np.zeros(n), np.zeros(n)
    act = railmodel.resolve_rail_factors(np.ones(1), np.zeros(1, dtype=bool), factors)
    th = factors.theta
    f = {k: th[i] for k, i in act.index.items()}
    per_km = (f["passenger"] + f["freight"]) * (1.0 - f["diesel_share"]) * f["k_el"]
    l_e = (
        np.divide(sums["rail_electric_kwh_a"].to_numpy(), per_km)
        if per_km > 0
        else np.zeros(len(sums))
    )
    l_d = np.clip(sums["line_km"].to_numpy() - l_e, 0.0, None)
    return l_e, l_d


def candidate_rail_rows(
    sums: pd.DataFrame, factors: FactorSet
) -> tuple[Array, NDArray[np.bool_], list[str], NDArray[np.object_] | None]:
    """Line-km, diesel-only flag, candidate and grade of each rail row: per (candidate,
    traction, grade) from the graded line-km of ``sums`` (index candidate id); per (candidate,
    traction) and no grade from :func:`rail_line_km` when ``sums`` has none (older run)."""
    if all(col in sums for col in railmodel.GRADED_LINE_KM):
        rows = railmodel.rail_rows(sums)
        return (
            rows["line_km"].to_numpy(dtype=float),
            rows["diesel_line"].to_numpy(dtype=bool),
            [str(z) for z in rows["zone"]],
            rows["grade"].to_numpy(dtype=object),
        )
    l_e, l_d = rail_line_km(sums, factors)
    ids = [str(c) for c in sums.index]
    diesel = np.concatenate([np.zeros(len(ids), bool), np.ones(len(ids), bool)])
    return np.concatenate([l_e, l_d]), diesel, ids + ids, None


def candidate_road_rows(
    run: RunData, cs: CandidateSums
) -> tuple[Array, list[str], NDArray[np.object_] | None]:
    """Vehicle-km by class of each (candidate, traffic grade) (rows x classes), the candidate and
    the grade of each row, from the roads' length shares in the candidates; per candidate and
    no grade when the run's roads carry no ``activity_grade`` (results of an older run)."""
    cols = [f"vkm_{vc}_a" for vc in VEHICLE_CLASS]
    roads = run.roads.reset_index(drop=True)
    if "activity_grade" not in roads:
        ids = [str(c) for c in cs.sums.index]
        return cs.sums[cols].to_numpy(dtype=float), ids, None
    shares = cs.road_shares
    at = shares["road"].to_numpy()
    frame = pd.DataFrame(
        roads[cols].to_numpy(dtype=float)[at] * shares["share"].to_numpy()[:, None], columns=cols
    )
    frame["zone"] = shares["zone"].astype(str).to_numpy()
    frame["grade"] = roads["activity_grade"].to_numpy(dtype=object)[at]
    grouped = frame.groupby(["zone", "grade"])[cols].sum()
    return (
        grouped.to_numpy(dtype=float),
        [str(z) for z in grouped.index.get_level_values("zone")],
        grouped.index.get_level_values("grade").to_numpy(dtype=object),
    )


def candidate_draws(
    run: RunData,
    cs: CandidateSums,
    factors: FactorSet,
    *,
    draws: int,
    seed: int,
) -> dict[str, Array]:
    """``OUTPUTS`` -> draws x candidates (candidates in the order of ``cs.sums.index``)."""
    ids = [str(c) for c in cs.sums.index]
    b = run.buildings
    zone = b["parcel_id"].map(cs.parcel_candidate).fillna("").to_numpy(dtype=object)
    # the buildings' scope 1 a point source covers, and the spread of graded activity data,
    # as in the run's own intervals (docs/point_sources.md, docs/data-quality.md)
    activity = uncovered(bmodel.resolve_building_factors(b, factors), b)
    grade = b["activity_grade"].to_numpy(dtype=object) if "activity_grade" in b else None
    tag = dhmodel.serving_plant(
        b["lau2"].to_numpy(dtype=object), b["heating_carrier"].to_numpy(dtype=object), factors
    )
    vkm, road_zone, road_grade = candidate_road_rows(run, cs)
    roads = tmodel.resolve_road_factors(vkm, factors)
    residents = cs.sums["residents"].astype(float)
    residents.index = pd.Index(ids)
    plants = dhmodel.resolve_plant_factors(dhmodel.delivered_heat(b, factors), factors)
    road_spread = quality_tables().half_widths("roads") if road_grade is not None else None
    car = vkm[:, list(VEHICLE_CLASS).index("car")]
    components = [
        # EV charging on the candidates' car-km, with the road traffic's grade multipliers
        mc.ev_component(
            evmodel.resolve_ev_factors(car, factors),
            road_zone,
            ids,
            stream_multipliers(road_spread, road_grade, seed, STREAM_ROADS),
        ),
        mc.wastewater_component(
            wwmodel.resolve_wastewater_factors(np.asarray(residents, dtype=np.float64), factors)
        ),
        mc.consumer_plant_component(plants, ids),
    ]
    line_km, diesel, rail_zone, rail_grade = candidate_rail_rows(cs.sums, factors)
    if line_km.sum() > 0:
        rail = railmodel.resolve_rail_factors(line_km, diesel, factors)
        # the run's rail multipliers: same stream, one per grade and draw
        components.append(
            mc.rail_component(rail, rail_zone, ids, rail_multipliers(rail_grade, seed))
        )
    if run.point_sources is not None and len(run.point_sources):
        # the same facilities and multiplier streams as the run, zoned by candidate
        points = run.point_sources
        components += point_source_components(
            points,
            ids,
            quality_tables().half_widths("point_sources"),
            seed,
            zone=list(points["parcel_id"].map(cs.parcel_candidate).fillna("").astype(str)),
        )
    sims = mc.simulate_draws(
        factors,
        activity,
        zone,
        roads,
        road_zone,
        residents,
        waste_index(factors),
        draws=draws,
        seed=seed,
        components=components,
        building_tag=tag,
        building_grade=grade,
        grade_spread=quality_tables().half_widths("buildings") if grade is not None else None,
        road_grade=road_grade,
        road_spread=road_spread,
    )
    rail_draws = sims.get("rail", np.zeros_like(sims["transport"]))
    return {
        "basic": sims["basic"],
        "transport_all": sims["transport"] + sims["ev_charging"] + rail_draws,
        "energy_generation": sims["energy_generation"],
        "rail": rail_draws,
    }
