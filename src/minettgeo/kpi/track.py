"""KPIs along a trajectory, and observed values against the modelled value and the band.

Along the trajectory (only KPIs with a ``trajectory`` column; levels commune and region, those of
``trajectory.csv``)::

    KPI_k(A, y) = scale_k x T(A, column_k, y) / D_k(A, now)     (D = 1 without a denominator)

with T the trajectory's central value and its 5th and 95th percentiles (t CO2e/a) and D the
KPI's denominator in the current run (residents: held at today's value, stated).

Gaps of an observed value o of KPI k, area A, year y::

    gap_modelled   = o - KPI_k(A, run)           (the run's value, inventory year)
    gap_trajectory = o - KPI_k(A, y)             (the trajectory's central value that year)
    in_band        = p05_k(A, y) <= o <= p95_k(A, y)
    on_track       = o at least as good as KPI_k(A, y) in the KPI's better direction
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from minettgeo.errors import LayerReadError
from minettgeo.kpi.registry import Registry
from minettgeo.kpi.values import REGION

TRAJECTORY_FILE = "trajectory.csv"
ALONG_COLUMNS = ("kpi_id", "level", "area_id", "year", "value", "p05", "p95", "baseline", "unit")
COMPARE_COLUMNS = (
    "kpi_id",
    "level",
    "area_id",
    "year",
    "observed",
    "unit",
    "modelled",
    "gap_modelled",
    "trajectory",
    "p05",
    "p95",
    "gap_trajectory",
    "in_band",
    "on_track",
    "versus_kpi",
    "versus_modelled",
    "share_of_versus_pct",
    "source",
)


def read_trajectory(path: Path) -> pd.DataFrame:
    """``trajectory.csv`` of a ``minettgeo trajectory`` output folder (or the file itself)."""
    path = Path(path)
    file = path / TRAJECTORY_FILE if path.is_dir() else path
    try:
        table = pd.read_csv(file, dtype={"level": str})
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise LayerReadError(
            f"{file}: not a readable trajectory table ({exc}); pass the folder written by "
            "'minettgeo trajectory' (it holds trajectory.csv)"
        ) from exc
    needed = {"level", "column", "year", "baseline_tco2e", "scenario_tco2e", "p05", "p95"}
    missing = sorted(needed - set(table.columns))
    if missing:
        raise LayerReadError(f"{file}: lacks column(s) {', '.join(missing)} of trajectory.csv")
    return table


def along_trajectory(
    trajectory: pd.DataFrame, current: pd.DataFrame, registry: Registry
) -> pd.DataFrame:
    """Long table (:data:`ALONG_COLUMNS`) of every KPI with a trajectory column, per commune and
    region and year of the trajectory."""
    frames = []
    for k in registry:
        if not k.trajectory or not k.modelled:
            continue
        part = trajectory[trajectory["column"] == k.trajectory]
        level = np.where(part["level"] == REGION, "region", "commune")
        now = current[(current["kpi_id"] == k.id) & current["level"].isin(["commune", "region"])]
        den = now.set_index(["level", "area_id"])["denominator"]
        key = pd.MultiIndex.from_arrays([level, part["level"].astype(str)])
        d = den.reindex(key).to_numpy(dtype=float) if k.denominator else np.ones(len(part))
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.where(d != 0, k.scale / d, np.nan)
        frames.append(
            pd.DataFrame(
                {
                    "kpi_id": k.id,
                    "level": level,
                    "area_id": part["level"].astype(str).to_numpy(),
                    "year": part["year"].astype(int).to_numpy(),
                    "value": part["scenario_tco2e"].to_numpy(dtype=float) * scale,
                    "p05": part["p05"].to_numpy(dtype=float) * scale,
                    "p95": part["p95"].to_numpy(dtype=float) * scale,
                    "baseline": part["baseline_tco2e"].to_numpy(dtype=float) * scale,
                    "unit": k.unit,
                }
            )
        )
    if not frames:
        return pd.DataFrame(columns=list(ALONG_COLUMNS))
    out = pd.concat(frames, ignore_index=True)
    # a scale < 0 would swap the band; keep p05 <= p95
    lo, hi = np.fmin(out["p05"], out["p95"]), np.fmax(out["p05"], out["p95"])
    return out.assign(p05=lo, p95=hi)


def compare_observed(
    observed: pd.DataFrame,
    current: pd.DataFrame,
    along: pd.DataFrame | None,
    registry: Registry,
) -> pd.DataFrame:
    """Each observed value with the run's modelled value, the trajectory's value and band that
    year, the gaps, and the value of the KPI it is shown against (:data:`COMPARE_COLUMNS`)."""
    key = ["kpi_id", "level", "area_id"]
    out = observed.rename(columns={"value": "observed"}).copy()
    modelled = current.set_index(key)["value"]
    out["modelled"] = modelled.reindex(pd.MultiIndex.from_frame(out[key])).to_numpy()
    out["gap_modelled"] = out["observed"] - out["modelled"]
    if along is not None and len(along):
        band = along.set_index([*key, "year"])[["value", "p05", "p95"]]
        idx = pd.MultiIndex.from_frame(out[[*key, "year"]])
        found = band.reindex(idx)
        out["trajectory"] = found["value"].to_numpy()
        out["p05"] = found["p05"].to_numpy()
        out["p95"] = found["p95"].to_numpy()
    else:
        out["trajectory"] = out["p05"] = out["p95"] = np.nan
    out["gap_trajectory"] = out["observed"] - out["trajectory"]
    has_band = out["p05"].notna().to_numpy()
    inside = ((out["observed"] >= out["p05"]) & (out["observed"] <= out["p95"])).to_numpy()
    out["in_band"] = pd.array(np.where(has_band, inside, False), dtype="boolean")
    out.loc[~has_band, "in_band"] = pd.NA
    lower = out["kpi_id"].map({k.id: k.better == "lower" for k in registry}).to_numpy(dtype=bool)
    gap = out["gap_trajectory"].to_numpy(dtype=float)
    better = np.where(lower, gap <= 0, gap >= 0)
    out["on_track"] = pd.array(better, dtype="boolean")
    out.loc[np.isnan(gap), "on_track"] = pd.NA
    out["versus_kpi"] = out["kpi_id"].map({k.id: k.versus for k in registry})
    vs = pd.MultiIndex.from_arrays([out["versus_kpi"], out["level"], out["area_id"]])
    out["versus_modelled"] = modelled.reindex(vs).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        share = 100.0 * out["observed"] / out["versus_modelled"]
    out["share_of_versus_pct"] = share.where(np.isfinite(share))
    return out[list(COMPARE_COLUMNS)]
