"""HTML building blocks of the report: the style sheet, numbers in each language's style, tables."""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Sequence

import pandas as pd

from minettgeo.report.progress.i18n import t

CSS = """
body{font-family:sans-serif;margin:2em auto;max-width:1100px;color:#222;font-size:13px}
h1{font-size:22px}h2{font-size:17px;border-bottom:1px solid #ccc;margin-top:2em;page-break-before:always}
h2.first{page-break-before:avoid}table{border-collapse:collapse;margin:.5em 0;font-size:11px}
td,th{border:1px solid #ddd;padding:2px 5px;text-align:right}th{background:#f3f3f3}
td.t,th.t{text-align:left}.good{color:#1a7f37}.bad{color:#c62828}.flat{color:#666}
.note{color:#555;font-size:11px}.warn{color:#a15c00}.src{color:#555;font-size:10px}
@page{size:A4 landscape;margin:12mm}
"""

Fmt = Callable[[object], str]


def number(value: object, lang: str, digits: int = 1) -> str:
    """A number in the language's style (``12 345,6`` / ``12,345.6``); ``—`` when missing."""
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return html.escape(str(value)) if value is not None else "—"
    if not math.isfinite(v):
        return "—"
    d = digits if abs(v) < 1000 else 0
    text = f"{v:,.{d}f}"
    if lang == "fr":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


def table(frame: pd.DataFrame, columns: Sequence[tuple[str, str, Fmt | None]]) -> str:
    """An HTML table of ``frame``: (column, header, formatter or None for text)."""
    head = "".join(
        f'<th class="{"t" if f is None else ""}">{html.escape(h)}</th>' for _, h, f in columns
    )
    body = []
    for _, row in frame.iterrows():
        cells = []
        for col, _, f in columns:
            v = row.get(col)
            if f is None:
                cells.append(f'<td class="t">{html.escape("" if missing(v) else str(v))}</td>')
            else:
                cells.append(f"<td>{f(v)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def missing(v: object) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))


def formats(lang: str, names: str) -> tuple[Fmt, ...]:
    """The cell formatters named in ``names`` (comma-separated): ``n`` one decimal, ``n0`` none,
    ``n2`` two, ``yes`` yes/no (missing: a dash)."""
    table_: dict[str, Fmt] = {
        "n": lambda v: number(v, lang),
        "n0": lambda v: number(v, lang, 0),
        "n2": lambda v: number(v, lang, 2),
        "yes": lambda v: "—" if missing(v) else t("yes" if bool(v) else "no", lang),
    }
    return tuple(table_[k] for k in names.split(","))


def source_line(lang: str, text: str) -> str:
    return (
        f'<p class="src">{t("sources_line", lang)} : {html.escape(text)}</p>'
        if lang == "fr"
        else f'<p class="src">{t("sources_line", lang)}: {html.escape(text)}</p>'
    )
