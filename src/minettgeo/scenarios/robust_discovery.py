"""Scenario discovery and the summary of the robust plan: the PRIM box of the futures where a
plan fails its 2030 milestone (the signposts to watch; the 2005 baseline may be one of them),
and per plan the shares of futures meeting each milestone, the median outcomes and the regret.

    regret(p, f) = outcome(p, f) - min over plans of outcome(., f)    (t CO2e/a)
"""

from __future__ import annotations

import logging
import warnings
from typing import Any

import numpy as np
import pandas as pd

from minettgeo.scenarios.robust_futures import UNCERTAINTIES


def signposts(futures: pd.DataFrame, results: pd.DataFrame, plan: int) -> dict[str, Any]:
    """PRIM box of the futures where ``plan`` fails its 2030 milestone (or, when it fails or
    meets it everywhere, of its worst quarter of futures by gap to the future's 2030 target,
    gross 2030 when the results carry no gap). The box is sought over the uncertain factors
    that are columns of ``futures`` (the 2005 baseline may be one: a low baseline quantile is
    a stricter target)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim

    mine = results[results["plan"] == plan].sort_values("future")
    fails = ~mine["meets_2030"].to_numpy()
    if 0 < fails.sum() < len(fails):
        y, question = fails, "fails the 2030 milestone"
    else:
        by = "gap_2030_tco2e" if "gap_2030_tco2e" in mine.columns else "gross_2030_tco2e"
        worst = mine[by].to_numpy(dtype=float)
        y = worst >= np.percentile(worst, 75)
        what = "largest gap to its 2030 target" if by == "gap_2030_tco2e" else "highest gross 2030"
        question = (
            f"{'fails' if fails.all() else 'meets'} the 2030 milestone in every future; "
            f"box of its worst quarter of futures ({what})"
        )
    x = futures[[k for k in UNCERTAINTIES if k in futures.columns]].reset_index(drop=True)
    logging.getLogger("EMA").setLevel(logging.ERROR)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        finder = prim.Prim(x, y, threshold=0.6, peel_alpha=0.1)
        box = finder.find_box()
    limits = box.box_lims[box._cur_box] if hasattr(box, "box_lims") else None
    restricted = []
    if limits is not None:
        for name in x.columns:
            desc = UNCERTAINTIES[name][2]
            lo, hi = float(limits.loc[0, name]), float(limits.loc[1, name])
            lo_all, hi_all = float(x[name].min()), float(x[name].max())
            if lo > lo_all + 1e-9 or hi < hi_all - 1e-9:
                restricted.append({"factor": name, "from": lo, "to": hi, "meaning": desc})
    return {
        "plan": plan,
        "question": question,
        "coverage": float(box.coverage),
        "density": float(box.density),
        "signposts": restricted,
    }


def summary(results: pd.DataFrame) -> pd.DataFrame:
    g = results.groupby(["plan", "plan_name"], sort=True)
    table = g.agg(
        share_meeting_2030=("meets_2030", "mean"),
        share_meeting_2050=("meets_2050", "mean"),
        share_meeting_both=("meets_both", "mean"),
        gross_2030_median_tco2e=("gross_2030_tco2e", "median"),
        net_2050_median_tco2e=("net_2050_tco2e", "median"),
        max_regret_2030_tco2e=("gross_2030_regret_tco2e", "max"),
        mean_regret_2030_tco2e=("gross_2030_regret_tco2e", "mean"),
        max_regret_2050_tco2e=("net_2050_regret_tco2e", "max"),
    ).reset_index()
    return table.sort_values(
        ["share_meeting_both", "max_regret_2030_tco2e"], ascending=[False, True]
    ).reset_index(drop=True)
