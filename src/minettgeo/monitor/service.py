"""What ``minettgeo monitor choose`` and ``minettgeo monitor estimate`` do, with their I/O: the
run read through :func:`minettgeo.results.reader.open_results`, the record and the effects
written as one unit into the monitoring folder."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from minettgeo.errors import MonitoringError
from minettgeo.kpi.observed import load_observed
from minettgeo.monitor import record as rec
from minettgeo.monitor.choose import Choice, choose_controls, default_variables, parse_ids
from minettgeo.monitor.estimate import Rule, effects_table
from minettgeo.monitor.panel import Panel, kpi_panel, pilot_kpis
from minettgeo.monitor.structure import district_structure
from minettgeo.monitor.tables import rules
from minettgeo.results.reader import open_results
from minettgeo.scenarios.trajectory_io import write_unit

BUILDING_COLUMNS = (
    "district_id",
    "heated_area_m2",
    "construction_period",
    "heating_carrier",
    "final_energy_kwh_a",
)


@dataclass(frozen=True)
class Chosen:
    choice: Choice
    written: list[Path]
    replaced: bool
    run_id: str


def choose(
    results_dir: Path,
    pilots: str,
    out_dir: Path,
    *,
    k: int | None = None,
    variables: str | None = None,
    keep_neighbours: bool = False,
    min_residents: float | None = None,
    force: bool = False,
) -> Chosen:
    """Match and record the controls of ``pilots`` (comma-separated district ids) on the current
    run of ``results_dir``; nothing is written when a check fails."""
    table = rules()
    pilot_ids = parse_ids(pilots, "--pilots")
    names = parse_ids(variables, "--variables") if variables is not None else default_variables()
    floor = table["min_residents"] if min_residents is None else min_residents
    replaced = rec.check_writable(out_dir, force)
    results = open_results(results_dir)
    districts = results.layer("districts").reset_index()
    districts["district_id"] = districts["district_id"].astype(str)
    buildings = pd.DataFrame(results.layer("buildings", columns=list(BUILDING_COLUMNS)))
    structure = district_structure(districts, buildings)
    choice = choose_controls(
        structure,
        districts.set_index("district_id").geometry,
        pilot_ids,
        k=int(table["default_controls"]) if k is None else k,
        variables=names,
        exclude_neighbours=not keep_neighbours,
        buffer_m=table["neighbour_buffer_m"],
        min_residents=floor,
        run_id=results.run_id,
    )
    document = rec.record_document(
        choice,
        districts.set_index("district_id"),
        run_id=results.run_id,
        run_date=str(results.provenance.get("date", "")),
        results_path=results.run_dir,
        buffer_m=table["neighbour_buffer_m"],
        min_residents=floor,
    )
    written = rec.write_record(out_dir, document, choice.balance)
    return Chosen(choice, written, replaced, results.run_id)


@dataclass(frozen=True)
class Estimated:
    effects: pd.DataFrame
    panels: list[Panel]
    written: list[Path]


def panels_of(
    observed: pd.DataFrame,
    controls: dict[str, list[str]],
    pilot_year: int,
    kpis: list[str] | None,
    origin: str,
) -> list[Panel]:
    """One panel per pilot of the record and KPI (``kpis``, or every KPI observed for the
    pilot)."""
    out = []
    for pilot, ctrl in controls.items():
        names = kpis if kpis is not None else pilot_kpis(observed, pilot, origin)
        for kpi in names:
            out.append(kpi_panel(observed, pilot, ctrl, kpi, pilot_year, origin))
    return out


def estimate(
    monitoring: Path,
    observed_path: Path,
    pilot_year: int,
    *,
    kpis: str | None = None,
    pilots: str | None = None,
    latest_year: int | None = None,
) -> Estimated:
    """Effects of the pilots recorded in ``monitoring`` on their observed KPIs; writes
    ``effects.csv`` and ``effects.json`` (provenance) into ``monitoring`` as one unit with the
    record. ``latest_year``: observed years after it are refused (measured values cannot lie in
    the future; None accepts modelled observations of later years)."""
    if not monitoring.is_dir():
        raise MonitoringError(
            f"--monitoring {monitoring}: no such folder; fix the controls first with "
            "'minettgeo monitor choose --pilots ... --out FOLDER'"
        )
    doc = rec.read_record(monitoring)
    controls = rec.record_controls(doc)
    if pilots is not None:
        wanted = parse_ids(pilots, "--pilots")
        unknown = [p for p in wanted if p not in controls]
        if unknown:
            raise MonitoringError(
                f"--pilots: {', '.join(unknown)} not in the record {monitoring / rec.RECORD} "
                f"(its pilots: {', '.join(controls)})"
            )
        controls = {p: controls[p] for p in wanted}
    kpi_ids = parse_ids(kpis, "--kpi") if kpis is not None else None
    observed = load_observed(observed_path, latest_year=latest_year)
    panels = panels_of(observed, controls, pilot_year, kpi_ids, str(observed_path))
    rule = Rule.from_table(rules())
    table = effects_table(panels, rule)
    provenance = {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "code": rec.code_version(),
        "record": {"created": doc.get("created"), "results": doc.get("results")},
        "observed": {
            "path": str(observed_path),
            "sha256": hashlib.sha256(observed_path.read_bytes()).hexdigest(),
        },
        "pilot_year": pilot_year,
        "rule": rule.__dict__,
        "controls_used": {
            f"{p.pilot_id} {p.kpi_id}": {"controls": p.controls, "left_out": p.dropped}
            for p in panels
        },
    }
    files = {
        name: (monitoring / name).read_text(encoding="utf-8")
        for name in (rec.RECORD, rec.BALANCE)
        if (monitoring / name).exists()
    }
    files[rec.EFFECTS] = table.to_csv(index=False, float_format="%.6g")
    files[rec.EFFECTS_JSON] = json.dumps(provenance, indent=1, ensure_ascii=False) + "\n"
    written = write_unit(monitoring, files, "effects")
    return Estimated(table, panels, [p for p in written if p.name.startswith("effects")])
