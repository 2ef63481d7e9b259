"""The report as one self-contained HTML page per language: inline CSS and SVG charts, no
script, no link to the network (sections: :mod:`minettgeo.report.progress.sections`)."""

from __future__ import annotations

import html

from minettgeo.report.progress import sections as sec
from minettgeo.report.progress.charts import number_charts
from minettgeo.report.progress.html_parts import CSS
from minettgeo.report.progress.i18n import t
from minettgeo.report.progress.report import Report

SECTIONS = (
    "inventory",
    "trajectory",
    "kpis",
    "observed",
    "communes",
    "budget",
    "test_districts",
    "provenance",
)


def render(report: Report, lang: str) -> str:
    """The whole page in ``lang`` (its charts numbered in page order:
    :func:`~minettgeo.report.progress.charts.number_charts`)."""
    inp = report.inputs
    run = inp.results
    sections = [(key, getattr(sec, key)(report, lang)) for key in SECTIONS]
    toc = "".join(f'<li><a href="#{k}">{t(k, lang)}</a></li>' for k, _ in sections)
    warn = ""
    if inp.warnings:
        warn = (
            f'<h3 class="warn">{t("warnings", lang)}</h3><ul>'
            + "".join(f'<li class="warn">{html.escape(w)}</li>' for w in inp.warnings)
            + "</ul>"
        )
    parts = "".join(
        f'<h2 id="{k}" class="{"first" if i == 0 else ""}">{i + 1}. {t(k, lang)}</h2>{b}'
        for i, (k, b) in enumerate(sections)
    )
    modelled = '<p class="note">' + t("modelled_note", lang) + "</p>" if report.modelled else ""
    return number_charts(f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{t("title", lang)}</title>
<style>{CSS}</style></head><body>
<h1>{t("title", lang)}</h1>
<p class="note">{t("generated", lang)} {html.escape(inp.date)} · {t("run", lang)} {html.escape(run.run_id)}</p>
{modelled}{warn}
<h3>{t("contents", lang)}</h3><ol>{toc}</ol>
{parts}
</body></html>
""")
