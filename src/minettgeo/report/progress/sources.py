"""Reading what the report shows (the I/O edge): a run through ``open_results``, a trajectory
folder, observed values, a budget and a monitoring folder. Nothing is computed from layers."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from minettgeo.errors import LayerReadError
from minettgeo.export.file_resources import sha256
from minettgeo.kpi.compute import current_kpis
from minettgeo.kpi.observed import load_observed
from minettgeo.kpi.registry import Registry, load_registry
from minettgeo.kpi.track import along_trajectory, compare_observed, read_trajectory
from minettgeo.report.progress.budget import compare_budget, load_budget
from minettgeo.results.reader import Results, open_results

MONITORING_FILES = ("controls.json", "balance.csv", "effects.csv")
#: test-district id of a pilot's pooled controls in the KPI tables
CONTROLS_SUFFIX = ":controls"


@dataclass(frozen=True)
class Monitoring:
    """The test-district record of ``minettgeo monitor`` (any file may be absent)."""

    folder: Path | None
    controls: dict[str, Any] | None = None
    balance: pd.DataFrame | None = None
    effects: pd.DataFrame | None = None

    @property
    def pilots(self) -> dict[str, list[str]]:
        """Test-district id -> the districts it holds (a pilot is one district)."""
        if not self.controls:
            return {}
        return {str(p["pilot_id"]): [str(p["pilot_id"])] for p in self.controls.get("pilots", [])}

    @property
    def control_groups(self) -> dict[str, list[str]]:
        """``<pilot_id>:controls`` -> the control districts fixed for that pilot (pooled)."""
        if not self.controls:
            return {}
        return {
            f"{p['pilot_id']}{CONTROLS_SUFFIX}": [
                str(c["district_id"] if isinstance(c, dict) else c) for c in p.get("controls", [])
            ]
            for p in self.controls.get("pilots", [])
        }


@dataclass(frozen=True)
class ReportInputs:
    """Everything the report shows, read once."""

    results: Results
    registry: Registry
    kpis: pd.DataFrame
    trajectory: pd.DataFrame | None
    trajectory_doc: dict[str, Any] | None
    along: pd.DataFrame | None
    observed: pd.DataFrame | None
    compared: pd.DataFrame | None
    resources: pd.DataFrame | None
    budget: pd.DataFrame | None
    monitoring: Monitoring
    files: dict[str, str]  # what was read -> SHA-256
    warnings: list[str] = field(default_factory=list)
    date: str = ""


def read_inputs(
    results: Path | Results,
    *,
    trajectory: Path | None = None,
    observed: Path | None = None,
    budget: Path | None = None,
    monitoring: Path | None = None,
    kpis: Path | None = None,
    latest_year: int | None = None,
) -> ReportInputs:
    """Read and check every input of the report (errors name the file, row and column)."""
    run = results if isinstance(results, Results) else open_results(results)
    registry = load_registry(kpis)
    files: dict[str, str] = {
        str(run.gpkg): "run " + run.run_id,
        registry.origin: sha256(Path(registry.origin)),
    }
    warnings: list[str] = []
    mon = read_monitoring(monitoring)
    for name in MONITORING_FILES:
        if mon.folder is not None and (mon.folder / name).exists():
            files[str(mon.folder / name)] = sha256(mon.folder / name)
    known = set(run.districts)
    pilots = {k: v for k, v in mon.pilots.items() if k in known}
    groups = {**pilots, **mon.control_groups}
    for name, ids in groups.items():
        if not set(ids) <= known:
            warnings.append(
                f"monitoring record: {name} names districts {sorted(set(ids) - known)} that run "
                f"{run.run_id} does not have; left out"
            )
    groups = {k: v for k, v in groups.items() if v and set(v) <= known}
    current = current_kpis(run, registry, test_districts=groups)
    table = doc = along = resources = None
    if trajectory is not None:
        table = read_trajectory(trajectory)
        folder = Path(trajectory) if Path(trajectory).is_dir() else Path(trajectory).parent
        doc = _json(folder / "trajectory.json")
        files[str(folder / "trajectory.csv")] = sha256(folder / "trajectory.csv")
        if (folder / "resources.csv").exists():
            resources = pd.read_csv(folder / "resources.csv", dtype={"lau2": str})
            files[str(folder / "resources.csv")] = sha256(folder / "resources.csv")
        else:
            warnings.append(
                f"{folder}: no resources.csv (a trajectory written before resources were "
                "recorded): rerun 'minettgeo trajectory' for the resources section"
            )
        along = along_trajectory(table, current, registry)
    obs = compared = None
    if observed is not None:
        obs = load_observed(observed, registry=registry, latest_year=latest_year)
        files[str(observed)] = sha256(Path(observed))
        warnings += unknown_areas(obs, run, pilots)
        compared = compare_observed(obs, current, along, registry)
    bud = None
    if budget is not None:
        measures = None
        if resources is not None:
            measures = resources[resources["in_plan"].astype(str).str.lower() == "true"][
                ["measure", "name"]
            ].drop_duplicates()
        rows = load_budget(
            budget, communes=run.communes, measures=measures, latest_year=latest_year
        )
        files[str(budget)] = sha256(Path(budget))
        bud = compare_budget(resources, rows) if resources is not None else None
        if resources is None:
            warnings.append("the budget is shown without needs: pass --trajectory")
            bud = rows.rename(columns={"commune": "lau2"})
    elif resources is not None:
        bud = compare_budget(resources, None)
    return ReportInputs(
        results=run,
        registry=registry,
        kpis=current,
        trajectory=table,
        trajectory_doc=doc,
        along=along,
        observed=obs,
        compared=compared,
        resources=resources,
        budget=bud,
        monitoring=mon,
        files=files,
        warnings=warnings,
        date=datetime.now(UTC).replace(microsecond=0).isoformat(),
    )


def unknown_areas(observed: pd.DataFrame, run: Results, pilots: dict[str, list[str]]) -> list[str]:
    """Warnings for observed rows whose area the run does not have."""
    known = {
        "commune": set(run.communes),
        "district": set(run.districts),
        "test_district": set(pilots),
        "region": {"region"},
    }
    bad = observed[
        [a not in known[lv] for lv, a in zip(observed["level"], observed["area_id"], strict=True)]
    ]
    return [
        f"observed values: {lv} {a!r} ({k}) is not an area of run {run.run_id}; not compared"
        for lv, a, k in bad[["level", "area_id", "kpi_id"]]
        .drop_duplicates()
        .itertuples(index=False)
    ]


def read_monitoring(folder: Path | None) -> Monitoring:
    """The monitoring record when ``folder`` holds one (else an empty record)."""
    if folder is None or not Path(folder).is_dir():
        return Monitoring(folder=None)
    folder = Path(folder)
    controls = _json(folder / "controls.json") if (folder / "controls.json").exists() else None
    frames = {}
    for name in ("balance.csv", "effects.csv"):
        path = folder / name
        if path.exists():
            try:
                frames[name] = pd.read_csv(path, dtype={"pilot_id": str, "control_ids": str})
            except (OSError, ValueError, pd.errors.ParserError) as exc:
                raise LayerReadError(f"{path}: not a readable monitoring table ({exc})") from exc
    return Monitoring(
        folder=folder,
        controls=controls,
        balance=frames.get("balance.csv"),
        effects=frames.get("effects.csv"),
    )


def _json(path: Path) -> dict[str, Any]:
    try:
        return dict(json.loads(Path(path).read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        raise LayerReadError(f"{path}: not a readable JSON file ({exc})") from exc
