"""Rank candidates from a run: the one entry point of the CLI, the API and the notebook."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from minettgeo.errors import InfeasibleError, ParameterError
from minettgeo.rank.candidate_file import from_file
from minettgeo.rank.candidates import Candidates, from_districts
from minettgeo.rank.criteria import CandidateSums, candidate_criteria
from minettgeo.rank.eligibility import eligibility
from minettgeo.rank.emissions import candidate_draws
from minettgeo.rank.explain import contributions, sentences
from minettgeo.rank.maxp_candidates import generate
from minettgeo.rank.methods import METHODS, agreement, ranks_of, scores
from minettgeo.rank.options import Ranking, RankOptions
from minettgeo.rank.portfolio import choose_portfolio
from minettgeo.rank.robustness import fill_undefined, robustness
from minettgeo.rank.runio import RunData, run_factors
from minettgeo.rank.tables import check_weights, criteria_table, preset_rationale, preset_weights

#: criteria whose values come from the emission draws: criterion -> (draw output, divisor)
EMISSION_CRITERIA = {
    "ghg_per_resident_tco2e_a": ("basic", "residents"),
    "ghg_per_ha_tco2e_a": ("basic", "area_ha"),
    "transport_per_resident_tco2e_a": ("transport_all", "residents"),
}


def make_candidates(run: RunData, spec: str, seed: int) -> Candidates:
    if spec == "districts":
        return from_districts(run.districts, run.parcels)
    if spec == "generated":
        return generate(
            run.parcels, run.parcels["residents"], run.parcels["heat_need_kwh_a"], seed=seed
        )
    return from_file(Path(spec), run.parcels)


def rank_run(run: RunData, options: RankOptions) -> Ranking:
    """Candidates -> criteria -> scores, ranks, robustness, explanation, portfolio."""
    options.check()
    table = criteria_table()
    cands = make_candidates(run, options.candidates, options.seed)
    crit, cs = candidate_criteria(run, cands, min_residents=options.min_residents)
    frame = gpd.GeoDataFrame(
        pd.concat([cands.frame.drop(columns="geometry"), crit], axis=1),
        geometry=cands.frame.geometry,
        crs=cands.frame.crs,
    )
    numeric = [
        c
        for c in frame.columns
        if c not in ("geometry",) and pd.api.types.is_numeric_dtype(frame[c])
    ]
    weights = check_weights(options.chosen_weights(), numeric)
    names = list(weights)
    unknown_cost = [c for c in options.cost if c not in numeric]
    if unknown_cost:
        raise ParameterError(f"--cost: unknown column(s) {', '.join(unknown_cost)}")
    types = np.array(
        [
            (
                -1
                if (c in options.cost or (c in table.index and table.loc[c, "direction"] == "cost"))
                else 1
            )
            for c in names
        ]
    )
    w = np.array([weights[c] for c in names])
    eligible, why = eligibility(frame, cands, options)
    if not eligible.any():
        raise InfeasibleError(
            "no candidate satisfies the constraints; relax --residents-min/--residents-max/--exclude/--exclude-parcels"
        )
    ok = np.flatnonzero(eligible)
    x = frame[names].to_numpy(dtype=float)[ok]
    x_filled = fill_undefined(x, types)
    score = scores(options.method, x_filled, w, types)
    rank = ranks_of(score)
    varying: dict[int, np.ndarray] = {}
    emission_cols = [c for c in names if c in EMISSION_CRITERIA]
    if emission_cols:
        sub = cs.sums.iloc[ok]
        draws = candidate_draws(
            run,
            _subset(cs, sub.index),
            run_factors(run.provenance),
            draws=options.draws,
            seed=options.seed,
        )
        for c in emission_cols:
            out, divisor = EMISSION_CRITERIA[c]
            den = sub[divisor].to_numpy(dtype=float)
            if divisor == "residents":
                den = np.where(den >= options.min_residents, den, np.nan)
            varying[names.index(c)] = draws[out] / den[None, :]
    rob = robustness(
        options.method,
        x,
        w,
        types,
        varying=varying,
        draws=options.draws,
        seed=options.seed,
        top=options.top,
        concentration=options.concentration,
    )
    rankings = {}
    for m in METHODS:
        rankings[m] = rank if m == options.method else ranks_of(scores(m, x_filled, w, types))
    agree = agreement(rankings)
    out = frame.iloc[ok].copy()
    out["score"] = score
    out["rank"] = rank
    for col in rob.table.columns:
        out[col] = rob.table[col].to_numpy()
    for m in METHODS:
        out[f"rank_{m}"] = rankings[m]
    contrib = contributions(options.method, x_filled, w, types)
    for j, c in enumerate(names):
        out[f"contribution_{c}"] = contrib[:, j]
    en, fr = sentences(out, names, contrib, method=options.method, top=options.top)
    out["explanation_en"] = en
    out["explanation_fr"] = fr
    theme_scores = {}
    for preset, row in preset_rationale().iterrows():
        theme = str(row["lead"]) if pd.notna(row["lead"]) else ""
        if not theme:
            continue
        pw = preset_weights(str(preset))
        cols = [c for c in pw if c in frame.columns]
        tx = fill_undefined(
            frame[cols].to_numpy(dtype=float)[ok],
            np.array([-1 if table.loc[c, "direction"] == "cost" else 1 for c in cols]),
        )
        theme_scores[theme] = scores(
            options.method,
            tx,
            np.array([pw[c] for c in cols]),
            np.array([-1 if table.loc[c, "direction"] == "cost" else 1 for c in cols]),
        )
    chosen, lead = choose_portfolio(
        score,
        theme_scores,
        out["lau2"].astype(str).to_numpy(dtype=object),
        np.ones(len(ok), dtype=bool),
        options.top,
        options.max_per_commune,
    )
    out["portfolio"] = chosen
    out["portfolio_lead"] = lead
    out["eligible"] = True
    out["not_eligible_because"] = ""
    rest = frame.iloc[np.flatnonzero(~eligible)].copy()
    if len(rest):
        rest["eligible"] = False
        rest["not_eligible_because"] = [why[i] for i in np.flatnonzero(~eligible)]
        rest["portfolio"] = False
        rest["portfolio_lead"] = ""
        out = pd.concat([out, rest])
    out = out.sort_values(["eligible", "rank"], ascending=[False, True])
    out.index.name = "candidate_id"
    return Ranking(
        table=gpd.GeoDataFrame(out, geometry="geometry", crs=frame.crs),
        criteria=names,
        weights=weights,
        agreement=agree,
        options=options,
        run_id=str(run.provenance.get("run_id", run.run_dir.name)),
        repairs=cands.repairs,
    )


def _subset(cs: CandidateSums, index: pd.Index) -> CandidateSums:
    keep = set(index)
    pc = cs.parcel_candidate[cs.parcel_candidate.isin(keep)]
    return CandidateSums(cs.sums.loc[index], cs.road_shares, pc)
