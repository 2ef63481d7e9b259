"""The report's tables, computed from what was read (pure; no I/O). Each is also written as a
CSV file of the report (:data:`TABLE_FILES`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from minettgeo.report.progress.budget import budget_summary
from minettgeo.report.progress.sources import ReportInputs
from minettgeo.scenarios.baseline import SECTORS, current_rows, sector_table
from minettgeo.scenarios.scenario import INVENTORY_YEAR

#: table name -> CSV file of the report
TABLE_FILES = {
    "inventory": "inventory_2005_now.csv",
    "milestones": "milestones.csv",
    "kpis": "kpis.csv",
    "kpis_trajectory": "kpis_trajectory.csv",
    "communes": "communes_side_by_side.csv",
    "observed": "observed_vs_modelled.csv",
    "budget": "budget_by_year.csv",
    "budget_summary": "budget_by_measure.csv",
    "pilot_kpis": "test_districts_kpis.csv",
    "balance": "test_districts_balance.csv",
    "effects": "test_districts_effects.csv",
    "provenance": "provenance.csv",
}
ARROW = {"lower": "↓", "higher": "↑"}


def inventory_table(inputs: ReportInputs) -> pd.DataFrame:
    """Per commune and the region: t CO2e/a by sector now (the run) and in 2005 (the
    trajectory's baseline), gross = BASIC rows of I-IV, sinks = V, and the change of gross
    emissions ``(now - 2005) / 2005`` in %."""
    now = sector_table(current_rows(inputs.results.inventory()))
    now.index = now.index.astype(str)
    frames = {"now": now}
    doc = inputs.trajectory_doc
    if doc and doc.get("baseline_2005", {}).get("rows"):
        b05 = sector_table(pd.DataFrame(doc["baseline_2005"]["rows"]).astype({"lau2": str}))
        b05.index = b05.index.astype(str)
        frames["2005"] = b05.reindex(now.index)
    cols = [*SECTORS, "gross"]
    parts = []
    for when, table in frames.items():
        t = table.reindex(columns=cols, fill_value=0.0)
        t.loc["region"] = t.sum()
        parts.append(t.add_suffix(f"_{when}_tco2e_a"))
    out = pd.concat(parts, axis=1)
    if "2005" in frames:
        out["gross_change_pct"] = 100.0 * (out["gross_now_tco2e_a"] / out["gross_2005_tco2e_a"] - 1)
    names = {
        str(k): str(v)
        for k, v in inputs.results.inventory_totals()[["lau2", "name"]].itertuples(index=False)
    }
    out.insert(0, "name", [names.get(i, i) for i in out.index])
    return out.rename_axis("lau2").reset_index()


def milestones_table(inputs: ReportInputs) -> pd.DataFrame:
    """The trajectory's milestones per commune and region (empty without a trajectory)."""
    doc = inputs.trajectory_doc
    return pd.DataFrame(doc.get("milestones", [])) if doc else pd.DataFrame()


def kpi_overview(inputs: ReportInputs, level: str = "region", area: str = "region") -> pd.DataFrame:
    """One row per KPI for one area: better direction (arrow), the run's value, the
    trajectory's 2030 and 2050 values with their band, the latest observed value and its gaps."""
    reg = inputs.registry
    here = inputs.kpis[(inputs.kpis["level"] == level) & (inputs.kpis["area_id"] == area)]
    cur = {str(k): float(v) for k, v in zip(here["kpi_id"], here["value"], strict=True)}
    rows = []
    for k in reg:
        row: dict[str, object] = {
            "kpi_id": k.id,
            "name_fr": k.name_fr,
            "name_en": k.name_en,
            "unit": k.unit,
            "better": k.better,
            "arrow": ARROW[k.better],
            "sector": k.sector,
            f"modelled_{INVENTORY_YEAR}": cur.get(k.id, float("nan")),
        }
        for y in (2030, 2050):
            row[f"trajectory_{y}"] = row[f"trajectory_{y}_p05"] = row[f"trajectory_{y}_p95"] = (
                np.nan
            )
        if inputs.along is not None and len(inputs.along):
            a = inputs.along
            a = a[(a["kpi_id"] == k.id) & (a["level"] == level) & (a["area_id"] == area)]
            for y in (2030, 2050):
                at = a[a["year"] == y]
                if len(at):
                    row[f"trajectory_{y}"] = float(at["value"].iloc[0])
                    row[f"trajectory_{y}_p05"] = float(at["p05"].iloc[0])
                    row[f"trajectory_{y}_p95"] = float(at["p95"].iloc[0])
        row.update(
            observed_year=np.nan,
            observed=np.nan,
            gap_modelled=np.nan,
            gap_trajectory=np.nan,
            in_band=pd.NA,
        )
        if inputs.compared is not None and len(inputs.compared):
            c = inputs.compared
            c = c[(c["kpi_id"] == k.id) & (c["level"] == level) & (c["area_id"] == area)]
            if len(c):
                last = c.sort_values("year").iloc[-1]
                row.update(
                    observed_year=int(last["year"]),
                    observed=float(last["observed"]),
                    gap_modelled=float(last["gap_modelled"]),
                    gap_trajectory=float(last["gap_trajectory"]),
                    in_band=last["in_band"],
                )
        rows.append(row)
    return pd.DataFrame(rows)


def trend_arrow(now: float, later: float, better: str) -> tuple[str, str]:
    """The arrow of a change from ``now`` to ``later`` and whether it goes the better way
    (``good``, ``bad``, ``flat``, ``none``): flat below 0.5 % of ``|now|``."""
    if not (np.isfinite(now) and np.isfinite(later)):
        return "", "none"
    d = later - now
    if abs(d) <= 0.005 * max(abs(now), 1e-12):
        return "→", "flat"
    arrow = "↗" if d > 0 else "↘"
    good = (d < 0) == (better == "lower")
    return arrow, "good" if good else "bad"


def communes_side_by_side(inputs: ReportInputs) -> pd.DataFrame:
    """KPIs (rows) x communes and the region (columns): the run's values."""
    cur = inputs.kpis
    cur = cur[cur["level"].isin(["commune", "region"])]
    wide = cur.pivot_table(index="kpi_id", columns="area_id", values="value", aggfunc="first")
    order = [k.id for k in inputs.registry if k.id in wide.index]
    cols = [c for c in wide.columns if c != "region"] + (
        ["region"] if "region" in wide.columns else []
    )
    wide = wide.reindex(index=order, columns=cols)
    units = {k.id: k.unit for k in inputs.registry}
    wide.insert(0, "unit", [units[i] for i in wide.index])
    return wide.rename_axis(columns=None).reset_index()


def test_district_kpis(inputs: ReportInputs) -> pd.DataFrame:
    """Per pilot and modelled KPI: the pilot's value, its controls' pooled value (ratio of their
    sums) and the difference pilot - controls, from the current run (before any effect)."""
    from minettgeo.report.progress.sources import CONTROLS_SUFFIX

    cur = inputs.kpis
    cur = cur[cur["level"] == "test_district"]
    rows = []
    for pilot in inputs.monitoring.pilots:
        mine = cur[cur["area_id"] == pilot].set_index("kpi_id")["value"]
        theirs = cur[cur["area_id"] == pilot + CONTROLS_SUFFIX].set_index("kpi_id")["value"]
        for k in inputs.registry:
            if k.id in mine.index:
                p, c = float(mine[k.id]), float(theirs.get(k.id, np.nan))
                rows.append(
                    {"pilot_id": pilot, "kpi_id": k.id, "unit": k.unit, "pilot": p,
                     "controls": c, "difference": p - c}
                )  # fmt: skip
    return pd.DataFrame(
        rows, columns=["pilot_id", "kpi_id", "unit", "pilot", "controls", "difference"]
    )


def budget_tables(inputs: ReportInputs) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per year (needed, allocated, spent) and per measure and commune (with cost per tonne)."""
    b = inputs.budget
    if b is None or "needed_eur" not in b.columns:
        return (b if b is not None else pd.DataFrame()), pd.DataFrame()
    return b, budget_summary(b, INVENTORY_YEAR)


def provenance_table(inputs: ReportInputs) -> pd.DataFrame:
    """Where every figure comes from: the run, the trajectory, the registry and every file read
    with its SHA-256, and the KPIs' sources."""
    prov = inputs.results.provenance
    rows = [
        ("run", "run_id", inputs.results.run_id),
        ("run", "folder", str(inputs.results.run_dir)),
        ("run", "factor set", str(prov.get("factor_set", ""))),
        ("run", "factor tables sha256", str(prov.get("factor_tables_sha256", ""))),
        ("run", "carbon set", str(prov.get("carbon_set", ""))),
        ("run", "GWP set", str(prov.get("gwp_set", ""))),
        ("run", "Monte Carlo", str(prov.get("monte_carlo", ""))),
        ("run", "date", str(prov.get("date", ""))),
        ("run", "minettgeo", str(prov.get("minettgeo", ""))),
    ]
    for name, digest in dict(prov.get("inputs", {})).items():
        rows.append(("run input", str(name), str(digest)))
    doc = inputs.trajectory_doc
    if doc:
        tp = doc.get("provenance", {})
        for key in ("scenario", "scenario_sha256", "draws", "seed", "inventory", "date"):
            rows.append(("trajectory", key, str(tp.get(key, ""))))
        b = doc.get("baseline_2005", {})
        rows.append(("2005 baseline", "method", f"{b.get('method', '')} ({b.get('origin', '')})"))
    for path, digest in inputs.files.items():
        rows.append(("file read", path, digest))
    for k in inputs.registry:
        rows.append(("KPI source", k.id, k.source))
    return pd.DataFrame(rows, columns=["what", "item", "value"])
