"""Ranking benchmarks (issue 12 of issue 10); prints JSON.

ranking.py robustness            10,000 draws x 500 candidates x 10 criteria (3 of them drawn
                                 per candidate, as the emission criteria are), each method
ranking.py generate LAYERS       generated candidates (max-p) for the whole sample region
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

import numpy as np


def robustness_bench() -> dict[str, float]:
    from minettgeo.rank.robustness import robustness

    rng = np.random.default_rng(1)
    n, m, draws = 500, 10, 10_000
    x = rng.uniform(1.0, 100.0, size=(n, m))
    types = np.where(np.arange(m) % 4 == 3, -1, 1)
    w = rng.dirichlet(np.ones(m))
    varying = {k: x[:, k][None, :] * rng.lognormal(0.0, 0.1, size=(draws, n)) for k in range(3)}
    out: dict[str, float] = {}
    for method in ("topsis", "ws", "promethee"):
        t0 = time.perf_counter()
        robustness(method, x, w, types, varying=varying, draws=draws, seed=2028, top=5)
        out[f"{method}_s"] = time.perf_counter() - t0
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def generate_bench(layers: Path) -> dict[str, float]:
    import pandas as pd

    from minettgeo.factors.tables import load_factor_set
    from minettgeo.layers.region import load_region
    from minettgeo.models.buildings import building_emissions
    from minettgeo.models.residents import building_residents
    from minettgeo.rank.maxp_candidates import generate

    region = load_region(layers)
    b = region.buildings.copy()
    b["lau2"] = b["parcel_id"].map(region.parcels.set_index("parcel_id")["lau2"]).to_numpy()
    b["residents"] = building_residents(b, region.communes)
    b["heat"] = building_emissions(b, load_factor_set())["heat_need_kwh_a"].to_numpy()
    per = b.groupby("parcel_id")[["residents", "heat"]].sum().reindex(region.parcels["parcel_id"])
    per = per.fillna(0.0)
    t0 = time.perf_counter()
    cands = generate(region.parcels, per["residents"], per["heat"])
    seconds = time.perf_counter() - t0
    res = (
        pd.Series(per["residents"].to_numpy())
        .groupby(region.parcels["parcel_id"].map(cands.parcel_candidate).to_numpy())
        .sum()
    )
    return {
        "seconds": seconds,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "parcels": float(len(region.parcels)),
        "candidates": float(len(cands.frame)),
        "residents_min": float(res.min()),
        "residents_max": float(res.max()),
        "covered_share": float(res.sum() / per["residents"].sum()),
    }


if __name__ == "__main__":
    if sys.argv[1] == "robustness":
        print(json.dumps(robustness_bench()))
    else:
        print(json.dumps(generate_bench(Path(sys.argv[2]))))
