"""The report as the app serves it: its inputs found beside the results, by convention.

``RESULTS/trajectories/<name>/`` (the newest holding trajectory.csv), ``RESULTS/observed_values.csv``,
``RESULTS/budget.csv``, ``RESULTS/monitoring/``; each used when present."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from minettgeo.report.progress.html import render
from minettgeo.report.progress.pdf import html_to_pdf
from minettgeo.report.progress.report import build_report
from minettgeo.report.progress.sources import read_inputs
from minettgeo.results.reader import Results


@dataclass(frozen=True)
class ServedInputs:
    """The optional inputs found beside a results folder."""

    trajectory: Path | None
    observed: Path | None
    budget: Path | None
    monitoring: Path | None

    def fingerprint(self) -> tuple[object, ...]:
        """Paths and modification times: a cached report is rebuilt when one changes."""
        out: list[object] = []
        for p in (self.trajectory, self.observed, self.budget, self.monitoring):
            out.append(None if p is None else (str(p), p.stat().st_mtime_ns))
        return tuple(out)


def served_inputs(results_dir: Path) -> ServedInputs:
    results_dir = Path(results_dir)
    folders = sorted(
        (p for p in (results_dir / "trajectories").glob("*") if (p / "trajectory.csv").exists()),
        key=lambda p: (p / "trajectory.csv").stat().st_mtime_ns,
    )

    def present(path: Path) -> Path | None:
        return path if path.exists() else None

    return ServedInputs(
        trajectory=folders[-1] if folders else None,
        observed=present(results_dir / "observed_values.csv"),
        budget=present(results_dir / "budget.csv"),
        monitoring=present(results_dir / "monitoring"),
    )


def report_html(results: Results, found: ServedInputs, lang: str) -> bytes:
    """The report page in ``lang`` for a run and the inputs found beside it."""
    inputs = read_inputs(
        results,
        trajectory=found.trajectory,
        observed=found.observed,
        budget=found.budget,
        monitoring=found.monitoring,
    )
    return render(build_report(inputs), lang).encode("utf-8")


def report_pdf(results: Results, found: ServedInputs, lang: str) -> bytes:
    """The report's PDF in ``lang``."""
    return html_to_pdf(report_html(results, found, lang).decode("utf-8"))
