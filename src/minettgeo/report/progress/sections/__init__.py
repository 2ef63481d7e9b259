"""The sections of the report's page, one function each: (report, lang) -> HTML (in the order of
:data:`minettgeo.report.progress.html.SECTIONS`)."""

from __future__ import annotations

from minettgeo.report.progress.sections.emissions import communes, inventory, trajectory
from minettgeo.report.progress.sections.indicators import kpis, observed
from minettgeo.report.progress.sections.plans import budget, test_districts
from minettgeo.report.progress.sections.provenance import provenance

__all__ = [
    "budget",
    "communes",
    "inventory",
    "kpis",
    "observed",
    "provenance",
    "test_districts",
    "trajectory",
]
