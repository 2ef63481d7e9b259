"""``minettgeo report``: the progress report (HTML per language, its CSV tables, PDF)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import click

from minettgeo.cli_options import F, directory_option, file_option, kpis_option, results_option
from minettgeo.console import echo


def _file(flag: str, dest: str, help_text: str) -> Callable[[F], F]:
    """An optional ``--flag PATH`` option (a file or a folder)."""
    return file_option(flag, dest, help_text, dir_ok=True)


@click.command("report")
@results_option()
@_file(
    "--trajectory",
    "trajectory",
    "folder written by 'minettgeo trajectory' (2005 baseline, band, milestones, resources)",
)
@_file("--observed", "observed", "observed values CSV (docs/observed.md)")
@_file(
    "--budget",
    "budget",
    "budget CSV: commune,measure,year,allocated_eur,spent_eur (docs/report.md)",
)
@_file(
    "--monitoring",
    "monitoring",
    "folder written by 'minettgeo monitor' (default RESULTS/monitoring when there)",
)
@kpis_option("KPI registry CSV (default: the shipped one, docs/kpis.md)")
@click.option("--lang", type=click.Choice(["fr", "en", "both"]), default="both", show_default=True)
@click.option("--no-pdf", is_flag=True, help="write the HTML and CSV only")
@click.option(
    "--allow-future-observed",
    is_flag=True,
    help="accept observed values and spending after the current year (worked examples on modelled observations)",
)
@directory_option("--out", "out_dir", "reports", "folder for the report (replaced as one unit)")
def report_command(
    results_dir: Path,
    trajectory: Path | None,
    observed: Path | None,
    budget: Path | None,
    monitoring: Path | None,
    kpis: Path | None,
    lang: str,
    no_pdf: bool,
    allow_future_observed: bool,
    out_dir: Path,
) -> None:
    """The progress report: inventory now vs 2005, trajectory with band and milestones, KPIs
    with observed values and gaps, communes side by side, budgets vs resources, test districts
    vs their controls, provenance; self-contained HTML and PDF in French and English, and CSV
    tables with a datapackage.json, into OUT."""
    from minettgeo.report.progress.report import build_report, write_report
    from minettgeo.report.progress.sources import read_inputs

    if monitoring is None and (results_dir / "monitoring").is_dir():
        monitoring = results_dir / "monitoring"
    latest = None if allow_future_observed else datetime.now(UTC).year
    inputs = read_inputs(
        results_dir,
        trajectory=trajectory,
        observed=observed,
        budget=budget,
        monitoring=monitoring,
        kpis=kpis,
        latest_year=latest,
    )
    langs = ["fr", "en"] if lang == "both" else [lang]
    written = write_report(build_report(inputs), out_dir, langs, pdf=not no_pdf)
    echo(f"run {inputs.results.run_id}: progress report in {out_dir}")
    for w in inputs.warnings:
        echo(f"  warning: {w}", err=True)
    for path in written:
        echo(f"  wrote {path}")
