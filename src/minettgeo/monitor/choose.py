"""Choosing the controls of the pilots (``minettgeo monitor choose``): checks the pilots and
the variables, leaves out the pilots' spillover neighbours and districts without values, and
matches (:mod:`minettgeo.monitor.matching`)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from minettgeo.errors import InfeasibleError, MonitoringError, NotFoundError, ParameterError
from minettgeo.monitor import matching
from minettgeo.monitor.tables import matching_variables


@dataclass(frozen=True)
class Choice:
    """Pilots with their matched controls, and what the matching was based on."""

    pilots: list[str]
    #: pilot -> its controls, nearest first
    controls: dict[str, list[str]]
    #: pilot -> Mahalanobis distance of each control (same order)
    distances: dict[str, list[float]]
    #: pilot -> districts left out as its spillover neighbours (empty when kept)
    neighbours: dict[str, list[str]]
    #: district -> why it could not be a control (other than being a pilot or a neighbour)
    excluded: dict[str, str]
    variables: list[str]
    k: int
    exclude_neighbours: bool
    #: the matching variables of every district (index district_id)
    values: pd.DataFrame
    #: standard deviation of each variable over the reference districts
    sd: pd.Series
    #: districts the standardisation and the covariance are computed over
    reference: list[str]
    balance: pd.DataFrame


def parse_ids(text: str, option: str) -> list[str]:
    """Comma-separated ids, each once; ParameterError naming ``option`` otherwise."""
    ids = [p.strip() for p in text.split(",")]
    if not text.strip() or any(not p for p in ids):
        raise ParameterError(f"{option} {text!r}: give comma-separated ids, e.g. 0204-Q01,0202-Q03")
    seen: set[str] = set()
    twice = [p for p in ids if p in seen or seen.add(p)]  # type: ignore[func-returns-value]
    if twice:
        raise ParameterError(
            f"{option}: {', '.join(sorted(set(twice)))} given twice; give each id once"
        )
    return ids


def default_variables() -> list[str]:
    table = matching_variables()
    return [str(v) for v in table.index[table["default"]]]


def check_pilots(pilots: list[str], known: pd.Index, run_id: str) -> None:
    """NotFoundError naming every pilot that is not a district of the run."""
    unknown = [p for p in pilots if p not in known]
    if unknown:
        hints = []
        for p in unknown:
            close = difflib.get_close_matches(p, list(known), n=3)
            hints.append(f"{p!r}" + (f" (did you mean {', '.join(close)}?)" if close else ""))
        raise NotFoundError(
            f"--pilots: {', '.join(hints)} not among the {len(known)} districts of run {run_id}; "
            f"district ids look like {known[0]} ('minettgeo rank' lists them)"
        )


def check_variables(variables: list[str], structure: pd.DataFrame) -> None:
    unknown = [v for v in variables if v not in structure.columns]
    if unknown:
        raise ParameterError(
            f"--variables: {', '.join(unknown)} unknown; use variables of "
            f"matching_variables.csv ({', '.join(matching_variables().index)}) or numeric "
            "columns of the districts layer"
        )


def choose_controls(
    structure: pd.DataFrame,
    geometry: pd.Series,
    pilots: list[str],
    *,
    k: int,
    variables: list[str],
    exclude_neighbours: bool,
    buffer_m: float,
    min_residents: float,
    run_id: str,
) -> Choice:
    """Match ``k`` controls to every pilot on ``variables`` of ``structure`` (index district_id;
    :func:`minettgeo.monitor.structure.district_structure`); ``geometry``: the districts'
    shapes, same index."""
    if k < 1:
        raise ParameterError(f"--controls {k}: give at least 1 control per pilot")
    check_pilots(pilots, structure.index, run_id)
    check_variables(variables, structure)
    values = structure[variables].astype(float)
    ok = pd.DataFrame(np.isfinite(values.to_numpy()), index=values.index, columns=variables)
    finite = ok.all(axis=1).to_numpy()
    for pilot in pilots:
        bad = [v for v in variables if not ok.at[pilot, v]]
        if bad:
            raise MonitoringError(
                f"--pilots: pilot {pilot} has no value of {', '.join(bad)} in run {run_id} "
                "(e.g. per-resident values are undefined below 50 residents); choose another "
                "pilot or leave the variable out with --variables"
            )
    excluded = {
        d: "no value of " + ", ".join(v for v in variables if not ok.at[d, v])
        for d in values.index[~finite]
    }
    residents = structure["residents"].astype(float)
    few = finite & (residents < min_residents).to_numpy() & ~values.index.isin(pilots)
    for d in values.index[few]:
        excluded[d] = f"{residents[d]:,.0f} residents (fewer than {min_residents:,.0f})"
    finite = finite & ~few
    near = (
        matching.neighbours(geometry, pilots, buffer_m)
        if exclude_neighbours
        else {p: [] for p in pilots}
    )
    spill = {d for ds in near.values() for d in ds}
    reference = values.index[finite]
    pool = [d for d in reference if d not in pilots and d not in spill]
    need = k * len(pilots)
    if len(pool) < need:
        raise InfeasibleError(
            f"--controls {k}: {len(pilots)} pilot(s) need {need} controls but only {len(pool)} "
            f"district(s) can be controls ({len(structure)} districts, minus {len(pilots)} "
            f"pilot(s), {len(spill - set(pilots))} spillover neighbour(s), "
            f"{len(excluded)} without values or with too few residents); lower --controls, choose fewer pilots"
            + (" or use --keep-neighbours" if exclude_neighbours and spill else "")
        )
    _, sd = matching.standardise(values, reference)
    dist = matching.rank_mahalanobis(values, reference, pd.Index(pilots), pd.Index(pool))
    picks = matching.optimal_matches(dist, k)
    controls = {p: [pool[j] for j in picks[i]] for i, p in enumerate(pilots)}
    distances = {p: [float(dist[i, j]) for j in picks[i]] for i, p in enumerate(pilots)}
    balance = matching.balance_table(values, sd, controls, variables)
    return Choice(
        pilots=pilots,
        controls=controls,
        distances=distances,
        neighbours=near,
        excluded=excluded,
        variables=variables,
        k=k,
        exclude_neighbours=exclude_neighbours,
        values=values,
        sd=sd,
        reference=[str(d) for d in reference],
        balance=balance,
    )
