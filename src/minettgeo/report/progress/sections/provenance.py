"""Section on the provenance of the figures."""

from __future__ import annotations

from minettgeo.report.progress.html_parts import table
from minettgeo.report.progress.i18n import t
from minettgeo.report.progress.report import Report
from minettgeo.report.progress.tables import TABLE_FILES


def provenance(report: Report, lang: str) -> str:
    """Section provenance of the page."""
    prov = report.tables["provenance"]
    body = [
        table(
            prov,
            [
                ("what", t("what", lang), None),
                ("item", t("item", lang), None),
                ("value", t("value", lang), None),
            ],
        )
    ]
    body.append(f'<p class="note">{t("tables", lang)}{", ".join(TABLE_FILES.values())}</p>')
    return "".join(body)
