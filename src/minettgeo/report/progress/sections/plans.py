"""Sections on the action plan: budgets against resources, test districts against their
controls."""

from __future__ import annotations

import html

import pandas as pd

from minettgeo.report.progress import charts
from minettgeo.report.progress.html_parts import formats, source_line, table
from minettgeo.report.progress.i18n import t
from minettgeo.report.progress.report import Report


def budget(report: Report, lang: str) -> str:
    """Section budget of the page."""
    n, n0 = formats(lang, "n,n0")
    by_year, by_measure = report.tables["budget"], report.tables["budget_summary"]
    if len(by_measure):
        body = [
            charts.budget_chart(by_year, lang),
            table(
                by_measure,
                [
                    ("name", t("measure", lang), None),
                    ("lau2", "LAU2", None),
                    ("needed_eur", t("needed", lang), n0),
                    ("allocated_eur", t("allocated", lang), n0),
                    ("spent_eur", t("spent", lang), n0),
                    ("person_days", t("person_days", lang), n0),
                    ("area_ha", t("hectares", lang), n),
                    ("cumulative_abatement_tco2e", t("abated", lang), n0),
                    ("eur_per_tco2e", t("cost_per_t", lang), n0),
                ],
            ),
        ]
        if by_year["allocated_eur"].isna().all():
            body.append(f'<p class="note">{t("no_budget", lang)}</p>')
        body.append(
            source_line(
                lang,
                "resources.csv (minettgeo trajectory: measures.csv, resource_phasing.csv); budget file",
            )
        )
    else:
        body = [f'<p class="note">{t("no_resources", lang)}</p>']
    return "".join(body)


def test_districts(report: Report, lang: str) -> str:
    """Section test districts of the page."""
    n2, yes = formats(lang, "n2,yes")
    inp = report.inputs
    mon = inp.monitoring
    if mon.controls:
        body = []
        pil = pd.DataFrame(
            [
                {
                    "pilot_id": p["pilot_id"],
                    "name": p.get("name", ""),
                    "controls": ", ".join(
                        str(c.get("district_id", c)) for c in p.get("controls", [])
                    ),
                }
                for p in mon.controls.get("pilots", [])
            ]
        )
        body.append(
            table(
                pil,
                [
                    ("pilot_id", t("pilot", lang), None),
                    ("name", "", None),
                    ("controls", t("controls", lang), None),
                ],
            )
        )
        method = mon.controls.get("method", {})
        desc = method.get(lang) or method.get(f"description_{lang}") or method.get("name", "")
        body.append(f'<p class="note">{html.escape(str(desc))}</p>')
        pk = report.tables["pilot_kpis"]
        if len(pk):
            kname = {k.id: k.name(lang) for k in inp.registry}
            pk = pk.assign(name=pk["kpi_id"].map(kname))
            body.append(
                f"<h3>{t('pilot_kpis', lang)}</h3>"
                + table(
                    pk,
                    [
                        ("pilot_id", t("pilot", lang), None),
                        ("name", t("kpi", lang), None),
                        ("unit", t("unit", lang), None),
                        ("pilot", t("pilot_value", lang), n2),
                        ("controls", t("controls", lang), n2),
                        ("difference", t("difference", lang), n2),
                    ],
                )
            )
        if mon.balance is not None:
            body.append(
                f"<h3>{t('balance', lang)}</h3>"
                + table(
                    mon.balance,
                    [
                        ("pilot_id", t("pilot", lang), None),
                        ("variable", t("variable", lang), None),
                        ("pilot_value", t("pilot_value", lang), n2),
                        ("control_mean", t("control_mean", lang), n2),
                        ("standardised_difference", t("std_diff", lang), n2),
                        ("control_ids", t("controls", lang), None),
                    ],
                )
            )
        if mon.effects is not None and len(mon.effects):
            body.append(
                f"<h3>{t('effects', lang)}</h3>"
                + table(
                    mon.effects,
                    [
                        ("pilot_id", t("pilot", lang), None),
                        ("kpi_id", t("kpi", lang), None),
                        ("estimate", t("estimate", lang), n2),
                        ("low", "low", n2),
                        ("high", "high", n2),
                        ("method", t("method", lang), None),
                        ("n_pre", "n pre", lambda v: str(v)),
                        ("n_post", "n post", lambda v: str(v)),
                        ("conclusive", t("conclusive", lang), yes),
                        (f"note_{lang}", t("note", lang), None),
                    ],
                )
            )
        else:
            body.append(f'<p class="note">{t("no_effects", lang)}</p>')
        body.append(
            source_line(
                lang, f"{mon.folder}/controls.json, balance.csv, effects.csv (minettgeo monitor)"
            )
        )
    else:
        body = [f'<p class="note">{t("no_pilots", lang)}</p>']
    return "".join(body)
