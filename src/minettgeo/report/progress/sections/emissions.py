"""Sections on emissions: the inventory now and in 2005, the trajectory with its band and
milestones, the communes side by side."""

from __future__ import annotations

import html
from collections.abc import Mapping

import pandas as pd

from minettgeo.report.progress import charts
from minettgeo.report.progress.html_parts import Fmt, formats, source_line, table
from minettgeo.report.progress.i18n import t
from minettgeo.report.progress.report import Report
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


def region_band(milestones: pd.DataFrame) -> dict[str, float] | None:
    """The region's 2030 target, its 90 % interval and P(-55 %) from the trajectory's
    milestones (computed there by :func:`minettgeo.scenarios.target_band.target_columns`);
    None for a trajectory written before the interval."""
    need = ("target_2030_tco2e", "target_2030_p05", "target_2030_p95", "p_minus55_2030")
    if not set(need) <= set(milestones.columns) or "level" not in milestones.columns:
        return None
    at = milestones[milestones["level"].astype(str) == "region"]
    return {k: float(at[k].iloc[0]) for k in need} if len(at) else None


def target_band_note(
    band: Mapping[str, float] | None, basis: Mapping[str, str] | None, lang: str
) -> str:
    """The region's -55 % target 2030 at the central baseline, its 90 % interval and P(-55 %)
    (and on what the probability rests), as a paragraph in ``lang``."""
    if band is None:
        return f'<p class="note">{t("no_target_band", lang)}</p>'
    (n,) = formats(lang, "n")
    sep, semi = (" : ", " ;") if lang == "fr" else (": ", ";")
    text = (
        f"{t('target_2030', lang)} ({t('region', lang)}){sep}"
        f"{n(band['target_2030_tco2e'])} t CO2e/a{semi} "
        f"{t('target_interval', lang)}{sep}{n(band['target_2030_p05'])} – "
        f"{n(band['target_2030_p95'])} t CO2e/a{semi} "
        f"{t('p_minus55', lang)}{sep}{charts.percent(band['p_minus55_2030'], lang)}"
    )
    why = f' <span class="note">({html.escape(basis[lang])})</span>' if basis else ""
    return f"<p>{text}.{why}</p>"


def trajectory(report: Report, lang: str) -> str:
    """Section trajectory of the page: the chart drawn from trajectory.csv with the target's
    interval, the region's target sentence, the milestones per commune."""
    n0, n2 = formats(lang, "n0,n2")
    inp = report.inputs
    if inp.trajectory_doc and inp.trajectory is not None:
        ms = report.tables["milestones"]
        band = region_band(ms)
        basis = inp.trajectory_doc.get("target_band", {}).get("p_minus55_basis")
        mcols: list[tuple[str, str, Fmt | None]] = [
            ("name", t("commune", lang), None),
            ("gross_2005_tco2e", "2005", n0),
            ("gross_2024_tco2e", str(INVENTORY_YEAR), n0),
            ("target_2030_tco2e", "-55 % 2030", n0),
            ("target_2030_p05", "-55 % 2030 p05", n0),
            ("target_2030_p95", "-55 % 2030 p95", n0),
            ("gross_2030_tco2e", "2030", n0),
            ("gross_2030_p05", "2030 p05", n0),
            ("gross_2030_p95", "2030 p95", n0),
            ("p_minus55_2030", "P(-55 %)", n2),
            ("net_2050_tco2e", "net 2050", n0),
            ("p_net_zero_2050", "P(net 0)", n2),
        ]
        body = [
            charts.trajectory_chart(inp.trajectory, band, lang),
            target_band_note(band, basis, lang),
            table(ms, [c for c in mcols if c[0] in ms.columns]),
        ]
        notes = inp.trajectory_doc.get("notes", {})
        body.append(f'<p class="note">{html.escape(str(notes.get(lang, "")))}</p>')
        body.append(source_line(lang, "trajectory.csv, trajectory.json (minettgeo trajectory)"))
    else:
        body = [f'<p class="note">{t("no_trajectory", lang)}</p>']
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
