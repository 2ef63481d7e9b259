"""Rank candidates from a run: the one entry point of the CLI, the API and the notebook."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from minettgeo.errors import InfeasibleError, ParameterError
from minettgeo.models.residents import MIN_RESIDENTS
from minettgeo.rank import candidates as cmod
from minettgeo.rank.criteria import CandidateSums, candidate_criteria
from minettgeo.rank.emissions import candidate_draws
from minettgeo.rank.explain import contributions, sentences
from minettgeo.rank.methods import METHODS, agreement, check_method, ranks_of, scores
from minettgeo.rank.portfolio import choose_portfolio
from minettgeo.rank.robustness import CONCENTRATION, fill_undefined, robustness
from minettgeo.rank.runio import RunData, run_factors
from minettgeo.rank.tables import check_weights, criteria_table, preset_rationale, preset_weights

#: criteria whose values come from the emission draws: criterion -> (draw output, divisor)
EMISSION_CRITERIA = {
    "ghg_per_resident_tco2e_a": ("basic", "residents"),
    "ghg_per_ha_tco2e_a": ("basic", "area_ha"),
    "transport_per_resident_tco2e_a": ("transport_all", "residents"),
}


@dataclass(frozen=True)
class RankOptions:
    """Everything a ranking depends on (recorded with its outputs)."""

    weights: dict[str, float] | None = None
    preset: str | None = None
    method: str = "topsis"
    candidates: str = "districts"  # districts | generated | a file path
    top: int = 3
    draws: int = 1000
    seed: int = 2028
    concentration: float = CONCENTRATION
    min_residents: float = MIN_RESIDENTS
    residents_min: float | None = None
    residents_max: float | None = None
    max_per_commune: int | None = None
    exclude: Path | None = None
    exclude_parcels: tuple[str, ...] = ()
    cost: tuple[str, ...] = ()

    def check(self) -> None:
        check_method(self.method)
        if self.weights is not None and self.preset is not None:
            raise ParameterError("--weights and --preset: give one of them, not both")
        if self.top < 1:
            raise ParameterError(f"--top must be >= 1, got {self.top}")
        if not 10 <= self.draws <= 100_000:
            raise ParameterError(f"--draws must be between 10 and 100000, got {self.draws}")
        if self.max_per_commune is not None and self.max_per_commune < 1:
            raise ParameterError(f"--max-per-commune must be >= 1, got {self.max_per_commune}")
        if not (np.isfinite(self.min_residents) and self.min_residents >= 0):
            raise ParameterError(f"--min-residents must be >= 0, got {self.min_residents}")

    def chosen_weights(self) -> dict[str, float]:
        if self.weights is not None:
            return dict(self.weights)
        return preset_weights(self.preset or "balanced")

    def record(self) -> dict[str, object]:
        return {
            k: (str(v) if isinstance(v, Path) else list(v) if isinstance(v, tuple) else v)
            for k, v in self.__dict__.items()
        }


@dataclass
class Ranking:
    """The ranked candidates (GeoDataFrame: criteria, score, rank, robustness, explanation,
    portfolio), the methods' agreement and what produced them."""

    table: gpd.GeoDataFrame
    criteria: list[str]
    weights: dict[str, float]
    agreement: list[dict[str, object]]
    options: RankOptions
    run_id: str
    repairs: tuple[str, ...] = ()
    extra: dict[str, object] = field(default_factory=dict)


def make_candidates(run: RunData, spec: str, seed: int) -> cmod.Candidates:
    if spec == "districts":
        return cmod.from_districts(run.districts, run.parcels)
    if spec == "generated":
        return cmod.generate(
            run.parcels, run.parcels["residents"], run.parcels["heat_need_kwh_a"], seed=seed
        )
    return cmod.from_file(Path(spec), run.parcels)


def _eligible(
    frame: gpd.GeoDataFrame, cands: cmod.Candidates, options: RankOptions
) -> tuple[np.ndarray, list[str]]:
    n = len(frame)
    ok = np.ones(n, dtype=bool)
    why = [""] * n
    res = frame["residents"].to_numpy(dtype=float)
    if options.residents_min is not None:
        low = res < options.residents_min
        ok &= ~low
        why = [
            w or ("residents below --residents-min" if b else "")
            for w, b in zip(why, low, strict=True)
        ]
    if options.residents_max is not None:
        high = res > options.residents_max
        ok &= ~high
        why = [
            w or ("residents above --residents-max" if b else "")
            for w, b in zip(why, high, strict=True)
        ]
    if options.exclude is not None:
        zones = cmod.read_candidates_file(options.exclude)
        hit = np.zeros(n, dtype=bool)
        geoms = frame.geometry.to_numpy()
        a, b = shapely.STRtree(zones.geometry.to_numpy()).query(geoms, predicate="intersects")
        inter = shapely.area(shapely.intersection(geoms[a], zones.geometry.to_numpy()[b])) > 1.0
        hit[np.unique(a[inter])] = True
        ok &= ~hit
        why = [
            w or ("overlaps an --exclude area" if h else "") for w, h in zip(why, hit, strict=True)
        ]
    if options.exclude_parcels:
        known = set(cands.parcel_candidate.index)
        unknown = [
            p
            for p in options.exclude_parcels
            if p not in known and p not in set(cands.parcel_candidate.index)
        ]
        if len(unknown) == len(options.exclude_parcels):
            raise ParameterError(
                f"--exclude-parcels: none of {', '.join(unknown[:5])} is a parcel of any candidate"
            )
        bad = set(cands.parcel_candidate.reindex(list(options.exclude_parcels)).dropna())
        hit = frame.index.isin(list(bad))
        ok &= ~hit
        why = [
            w or ("holds an --exclude-parcels parcel" if h else "")
            for w, h in zip(why, hit, strict=True)
        ]
    return ok, why


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
    eligible, why = _eligible(frame, cands, options)
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


def ranking_payload(
    run_dir: Path,
    *,
    preset: str | None,
    weights: str | None,
    method: str,
    candidates: str,
    top: int,
    draws: int,
    seed: int,
) -> dict[str, object]:
    """A ranking of the run in ``run_dir`` as plain data (for the API's response model)."""
    from minettgeo.rank.runio import load_run
    from minettgeo.rank.tables import parse_weights

    options = RankOptions(
        weights=parse_weights(weights) if weights is not None else None,
        preset=preset,
        method=method,
        candidates=candidates,
        top=top,
        draws=draws,
        seed=seed,
    )
    options.check()
    ranking = rank_run(load_run(run_dir), options)
    t = ranking.table[ranking.table["eligible"]]
    crit = list(criteria_table().index)
    rows = []
    for cid, row in t.iterrows():  # one row per candidate in the answer
        rows.append(
            {
                "candidate_id": str(cid),
                "name": str(row["name"]),
                "lau2": str(row["lau2"]),
                "rank": int(row["rank"]),
                "score": float(row["score"]),
                "p_top": float(row["p_top"]),
                "median_rank": float(row["median_rank"]),
                "rank_p05": float(row["rank_p05"]),
                "rank_p95": float(row["rank_p95"]),
                "portfolio": bool(row["portfolio"]),
                "portfolio_lead": str(row["portfolio_lead"]),
                "explanation_en": str(row["explanation_en"]),
                "explanation_fr": str(row["explanation_fr"]),
                "criteria": {
                    c: (float(row[c]) if np.isfinite(float(row[c])) else None) for c in crit
                },
            }
        )
    return {
        "run_id": ranking.run_id,
        "method": method,
        "weights": ranking.weights,
        "top": top,
        "draws": draws,
        "seed": seed,
        "candidates": rows,
        "agreement": ranking.agreement,
    }
