"""The sections of the report's page, one function each: (report, lang) -> HTML."""

from __future__ import annotations

import html

import pandas as pd

from minettgeo.report.progress import charts
from minettgeo.report.progress.html_parts import Fmt, formats, missing, source_line, table
from minettgeo.report.progress.i18n import t
from minettgeo.report.progress.report import Report
from minettgeo.report.progress.tables import TABLE_FILES, trend_arrow
from minettgeo.scenarios.scenario import INVENTORY_YEAR


def inventory(report: Report, lang: str) -> str:
    """Section inventory of the page."""
    n, n0 = formats(lang, "n,n0")
    inp = report.inputs
    run = report.inputs.results
    inv = report.tables["inventory"]
    body = [charts.inventory_chart(inv, lang)] if "gross_now_tco2e_a" in inv else []
    cols: list[tuple[str, str, Fmt | None]] = [
        ("lau2", "LAU2", None),
        ("name", t("commune", lang), None),
    ]
    if "gross_2005_tco2e_a" in inv:
        cols += [("gross_2005_tco2e_a", f"{t('gross', lang)} 2005", n0)]
    cols += [("gross_now_tco2e_a", f"{t('gross', lang)} {INVENTORY_YEAR}", n0)]
    if "gross_change_pct" in inv:
        cols += [("gross_change_pct", f"{t('change', lang)} %", n)]
    cols += [(f"{s}_now_tco2e_a", f"{s} {INVENTORY_YEAR}", n0) for s in ("I", "II", "III", "IV")]
    cols += [("V_now_tco2e_a", f"{t('sinks', lang)} {INVENTORY_YEAR}", n0)]
    body.append(table(inv, cols))
    if "gross_2005_tco2e_a" not in inv:
        body.append(f'<p class="note">{t("no_baseline", lang)}</p>')
    elif inp.trajectory_doc:
        basis = inp.trajectory_doc.get("baseline_2005", {}).get("basis", {})
        body.append(f'<p class="note">{html.escape(str(basis.get(lang, "")))}</p>')
    body.append(
        source_line(lang, f"{run.run_dir.name}/gpc_inventory.json; trajectory.json baseline_2005")
    )
    return "".join(body)


def trajectory(report: Report, lang: str) -> str:
    """Section trajectory of the page."""
    n0, n2 = formats(lang, "n0,n2")
    inp = report.inputs
    if inp.trajectory_doc:
        svg = inp.trajectory_svgs.get(lang, "")
        ms = report.tables["milestones"]
        mcols: list[tuple[str, str, Fmt | None]] = [
            ("name", t("commune", lang), None),
            ("gross_2005_tco2e", "2005", n0),
            ("gross_2024_tco2e", str(INVENTORY_YEAR), n0),
            ("target_2030_tco2e", "-55 % 2030", n0),
            ("gross_2030_tco2e", "2030", n0),
            ("gross_2030_p05", "2030 p05", n0),
            ("gross_2030_p95", "2030 p95", n0),
            ("p_minus55_2030", "P(-55 %)", n2),
            ("net_2050_tco2e", "net 2050", n0),
            ("p_net_zero_2050", "P(net 0)", n2),
        ]
        body = [svg, table(ms, [c for c in mcols if c[0] in ms.columns])]
        notes = inp.trajectory_doc.get("notes", {})
        body.append(f'<p class="note">{html.escape(str(notes.get(lang, "")))}</p>')
        body.append(source_line(lang, "trajectory.csv, trajectory.json (minettgeo trajectory)"))
    else:
        body = [f'<p class="note">{t("no_trajectory", lang)}</p>']
    return "".join(body)


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


def communes(report: Report, lang: str) -> str:
    """Section communes of the page."""
    (n,) = formats(lang, "n")
    inp = report.inputs
    run = report.inputs.results
    side = report.tables["communes"]
    names_c = {
        str(k): str(v) for k, v in run.inventory_totals()[["lau2", "name"]].itertuples(index=False)
    }
    kn = {k.id: k.name(lang) for k in inp.registry}
    side = side.assign(name=side["kpi_id"].map(kn))
    ccols: list[tuple[str, str, Fmt | None]] = [
        ("name", t("kpi", lang), None),
        ("unit", t("unit", lang), None),
    ]
    ccols += [
        (c, names_c.get(c, t("region", lang) if c == "region" else c), n)
        for c in side.columns
        if c not in ("kpi_id", "unit", "name")
    ]
    return table(side, ccols) + source_line(lang, f"run {run.run_id}; KPI registry")


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
