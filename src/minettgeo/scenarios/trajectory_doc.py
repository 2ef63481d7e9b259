"""The JSON document of a trajectory (``trajectory.json``, and the API's answer): the 2005
baseline with its interval, the targets and the target band, the milestones, the region's
central path, the MAC table, the cheapest set, the wedges, notes (FR/EN) and provenance;
and the levels' gross and net bands (central, 5th and 95th percentiles over the draws).
Pure: no I/O."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd

from minettgeo.scenarios import target_band as tb
from minettgeo.scenarios.trajectory import COLUMNS, Trajectory


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return list(json.loads(frame.to_json(orient="records")))


def document(t: Trajectory) -> dict[str, Any]:
    """The JSON document of a trajectory (everything but the per-year table, which is the CSV;
    the region's central path is included)."""
    ri = len(t.levels) - 1
    region = {
        col: {
            "baseline": t.baseline[ri, k, 0].round(3).tolist(),
            "scenario": t.values[ri, k, 0].round(3).tolist(),
        }
        for k, col in enumerate(COLUMNS)
        if col in ("gross", "V", "net")
    }
    return {
        "title": t.scenario.title,
        "title_en": t.scenario.title_en,
        "years": t.years.tolist(),
        "baseline_2005": {
            **t.baseline_2005.describe(),
            "rows": _records(t.baseline_2005.rows),
            "interval": _records(
                tb.baseline_interval(t.values[:, :, :, 0], t.levels, t.names, COLUMNS)
            ),
        },
        "targets": {
            "2030": "gross emissions (BASIC, sinks apart) at most 45 % of 2005",
            "2050": "net zero: gross emissions plus sinks at most 0",
        },
        "target_band": {
            "region_2030_tco2e": {
                "central": float(t.milestones["target_2030_tco2e"].iloc[ri]),
                "p05": float(t.milestones["target_2030_p05"].iloc[ri]),
                "p50": float(t.milestones["target_2030_p50"].iloc[ri]),
                "p95": float(t.milestones["target_2030_p95"].iloc[ri]),
            },
            "region_2050_tco2e": {"central": 0.0, "p05": 0.0, "p50": 0.0, "p95": 0.0},
            "p_minus55_basis": tb.BASIS["draws" if t.values.shape[2] > 1 else "central"],
            "labels": tb.LABELS,
            "formula": "target(d) = 0.45 x B05(d); P(-55 %) = share of draws d with "
            "gross(d, 2030) <= target(d); 2050: net <= 0 (no baseline)",
        },
        "milestones": _records(t.milestones),
        "region": region,
        "mac": _records(t.mac),
        "cheapest_set": dict(t.cheapest),
        "wedges": _records(t.wedges[t.wedges["year"].isin([2030, 2040, 2050])])
        if len(t.wedges)
        else [],
        "notes": {
            "en": "2005-2024: straight line between the 2005 baseline and the inventory (no "
            "modelled history); band: 5th-95th percentile of the draws of the factors, the "
            "background paths and the measures' parameters.",
            "fr": "2005-2024 : droite entre la référence 2005 et l'inventaire (pas d'historique "
            "modélisé) ; bande : 5e-95e centile des tirages des facteurs, des trajectoires de "
            "contexte et des paramètres des mesures.",
        },
        "provenance": dict(t.provenance),
    }


def level_bands(t: Trajectory) -> list[dict[str, Any]]:
    """Per level: gross and net per year, central value and 90 % band (for the API)."""
    draws = t.values[:, :, 1:] if t.values.shape[2] > 1 else t.values
    p05, p95 = np.percentile(draws, [5, 95], axis=2)
    out = []
    for i, level in enumerate(t.levels):
        item: dict[str, Any] = {"level": level, "name": t.names.get(level, level)}
        for col in ("gross", "net"):
            k = COLUMNS.index(col)
            item[col] = {
                "central": t.values[i, k, 0].round(3).tolist(),
                "p05": p05[i, k].round(3).tolist(),
                "p95": p95[i, k].round(3).tolist(),
            }
        out.append(item)
    return out
