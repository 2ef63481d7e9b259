"""Sections on indicators: the KPIs, observed values and their gaps to the model and the
trajectory."""

from __future__ import annotations

import html

import pandas as pd

from minettgeo.report.progress import charts
from minettgeo.report.progress.html_parts import formats, missing, source_line, table
from minettgeo.report.progress.i18n import t
from minettgeo.report.progress.report import Report
from minettgeo.report.progress.tables import trend_arrow
from minettgeo.scenarios.scenario import INVENTORY_YEAR


def kpis(report: Report, lang: str) -> str:
    """Section kpis of the page."""
    (n,) = formats(lang, "n")
    inp = report.inputs
    run = report.inputs.results
    ov = report.tables["kpi_overview"].copy()
    arrows = [
        trend_arrow(a, b, c)
        for a, b, c in zip(
            ov[f"modelled_{INVENTORY_YEAR}"], ov["trajectory_2030"], ov["better"], strict=True
        )
    ]
    ov["trend"] = [f'<span class="{k}">{a}</span>' for a, k in arrows]
    ov["name"] = ov[f"name_{lang}"]
    rows = []
    for _, r in ov.iterrows():
        rows.append(
            "<tr>"
            f'<td class="t">{html.escape(str(r["name"]))}</td><td class="t">{html.escape(str(r["unit"]))}</td>'
            f"<td>{r['arrow']}</td><td>{n(r[f'modelled_{INVENTORY_YEAR}'])}</td>"
            f"<td>{r['trend']} {n(r['trajectory_2030'])}</td>"
            f"<td>{n(r['trajectory_2030_p05'])} – {n(r['trajectory_2030_p95'])}</td>"
            f"<td>{n(r['trajectory_2050'])}</td>"
            f"<td>{n(r['observed'])}{'' if missing(r['observed_year']) else ' (' + str(int(r['observed_year'])) + ')'}</td>"
            f"<td>{n(r['gap_trajectory'])}</td>"
            f'<td class="t">{html.escape(str(r["sector"]))}</td></tr>'
        )
    head = [
        t("kpi", lang),
        t("unit", lang),
        t("better", lang),
        f"{t('modelled', lang)} {INVENTORY_YEAR}",
        f"{t('traj', lang)} 2030",
        f"{t('band', lang)} 2030",
        f"{t('traj', lang)} 2050",
        t("observed_v", lang),
        t("gap_trajectory", lang),
        t("sector", lang),
    ]
    body = [
        f"<p>{t('region', lang)}</p><table><tr>{''.join(f'<th>{html.escape(h)}</th>' for h in head)}</tr>{''.join(rows)}</table>",
        f'<p class="note">{t("arrows", lang)}</p>',
        source_line(lang, f"KPI registry {inp.registry.origin}; run {run.run_id}; trajectory.csv"),
    ]
    return "".join(body)


def observed(report: Report, lang: str) -> str:
    """Section observed of the page."""
    n, yes = formats(lang, "n,yes")
    inp = report.inputs
    cmp_ = inp.compared
    if cmp_ is not None and len(cmp_):
        names = {k.id: k.name(lang) for k in inp.registry}
        c = cmp_.assign(name=cmp_["kpi_id"].map(names))
        body = []
        for (kid, level, area), part in list(c.groupby(["kpi_id", "level", "area_id"], sort=False))[
            :6
        ]:
            if inp.along is not None and len(inp.along):
                a = inp.along
                a = a[(a["kpi_id"] == kid) & (a["level"] == level) & (a["area_id"] == area)]
            else:
                a = pd.DataFrame()
            if len(a) or len(part) > 1:
                body.append(
                    charts.kpi_chart(
                        a, part, f"{names[str(kid)]} — {area}", part["unit"].iloc[0], lang
                    )
                )
        body.append(
            table(
                c,
                [
                    ("name", t("kpi", lang), None),
                    ("level", "", None),
                    ("area_id", "", None),
                    ("year", t("year", lang), lambda v: str(v)),
                    ("observed", t("observed_v", lang), n),
                    ("unit", t("unit", lang), None),
                    ("modelled", f"{t('modelled', lang)} {INVENTORY_YEAR}", n),
                    ("gap_modelled", t("gap_modelled", lang), n),
                    ("trajectory", t("traj", lang), n),
                    ("p05", "p05", n),
                    ("p95", "p95", n),
                    ("gap_trajectory", t("gap_trajectory", lang), n),
                    ("in_band", t("in_band", lang), yes),
                    ("share_of_versus_pct", f"{t('versus', lang)} %", n),
                    ("source", t("source", lang), None),
                ],
            )
        )
        body.append(source_line(lang, "observed values file; run; trajectory.csv"))
    else:
        body = [f'<p class="note">{t("no_observed", lang)}</p>']
    return "".join(body)
