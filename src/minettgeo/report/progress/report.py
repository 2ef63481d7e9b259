"""Assembling the report from its inputs (pure) and writing it as one unit."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from minettgeo.export.datapackage import write_datapackage
from minettgeo.report.progress import tables as tb
from minettgeo.report.progress.sources import ReportInputs


@dataclass(frozen=True)
class Report:
    """The report's tables (name -> DataFrame, :data:`tables.TABLE_FILES`) and its inputs."""

    inputs: ReportInputs
    tables: dict[str, pd.DataFrame]
    modelled: bool


def build_report(inputs: ReportInputs) -> Report:
    """Every table of the report from what was read."""
    by_year, by_measure = tb.budget_tables(inputs)
    mon = inputs.monitoring
    tables = {
        "inventory": tb.inventory_table(inputs),
        "milestones": tb.milestones_table(inputs),
        "kpi_overview": tb.kpi_overview(inputs),
        "kpis": inputs.kpis,
        "kpis_trajectory": inputs.along if inputs.along is not None else pd.DataFrame(),
        "communes": tb.communes_side_by_side(inputs),
        "observed": inputs.compared if inputs.compared is not None else pd.DataFrame(),
        "budget": by_year,
        "budget_summary": by_measure,
        "pilot_kpis": tb.test_district_kpis(inputs),
        "balance": mon.balance if mon.balance is not None else pd.DataFrame(),
        "effects": mon.effects if mon.effects is not None else pd.DataFrame(),
        "provenance": tb.provenance_table(inputs),
    }
    meta = (
        inputs.results.info("communes").metadata if "communes" in inputs.results.layer_names else {}
    )
    modelled = str(meta.get("modelled", "")).lower() in ("1", "true", "yes")
    return Report(inputs=inputs, tables=tables, modelled=modelled)


def report_files(
    report: Report, langs: Sequence[str], *, pdf: bool = True
) -> dict[str, str | bytes]:
    """The report's files: ``report_<lang>.html`` (and ``.pdf``), the CSV tables and
    ``provenance.json``."""
    from minettgeo.report.progress.html import render

    files: dict[str, str | bytes] = {}
    for lang in langs:
        page = render(report, lang)
        files[f"report_{lang}.html"] = page
        if pdf:
            from minettgeo.report.progress.pdf import html_to_pdf

            files[f"report_{lang}.pdf"] = html_to_pdf(page)
    for name, file in tb.TABLE_FILES.items():
        frame = report.tables.get(name)
        if frame is not None and len(frame.columns):
            files[file] = frame.to_csv(index=False, float_format="%.10g")
    files["kpi_overview.csv"] = report.tables["kpi_overview"].to_csv(
        index=False, float_format="%.10g"
    )
    files["provenance.json"] = json.dumps(
        provenance(report), indent=1, ensure_ascii=False, default=str
    )
    return files


def provenance(report: Report) -> dict[str, object]:
    """The provenance of the report: the run's, the trajectory's and every file read."""
    inp = report.inputs
    return {
        "run_id": inp.results.run_id,
        "date": inp.date,
        "run": inp.results.provenance,
        "trajectory": (inp.trajectory_doc or {}).get("provenance"),
        "kpi_registry": inp.registry.origin,
        "files": inp.files,
        "warnings": inp.warnings,
    }


def write_report(
    report: Report, out_dir: Path, langs: Sequence[str], *, pdf: bool = True
) -> list[Path]:
    """Write the report into ``out_dir`` as one unit (staged, described by a datapackage.json,
    then moved into place)."""
    from minettgeo.scenarios.trajectory_io import write_unit

    files = report_files(report, langs, pdf=pdf)
    prov = {**provenance(report), "run_id": report.inputs.results.run_id}

    def describe(staging: Path) -> None:
        write_datapackage(
            staging,
            prov,
            name=f"minettgeo-report-{report.inputs.results.run_id}",
            title="minettgeo progress report / rapport d'avancement",
        )

    return write_unit(out_dir, files, "report", finish=describe)
