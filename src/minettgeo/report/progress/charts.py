"""Charts of the report as inline SVG (matplotlib, Agg backend; text kept as text)."""

from __future__ import annotations

import io
import re
from collections.abc import Mapping

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from minettgeo.report.progress.i18n import t

SECTOR_NAMES = {
    "fr": {
        "I": "I énergie stationnaire",
        "II": "II transports",
        "III": "III déchets",
        "IV": "IV IPPU",
    },
    "en": {"I": "I stationary energy", "II": "II transport", "III": "III waste", "IV": "IV IPPU"},
}


#: one chart of a page: an ``<svg>`` element (matplotlib never nests them)
_SVG = re.compile(r"<svg\b.*?</svg>", re.DOTALL)


def unique_ids(svg: str, prefix: str) -> str:
    """Every ``id`` of an SVG and its references (``#id``) prefixed, so that several charts in
    one page never share an id."""
    ids = set(re.findall(r'\bid="([^"]+)"', svg))
    if not ids:
        return svg
    pattern = re.compile(
        r'(\bid="|#)('
        + "|".join(map(re.escape, sorted(ids, key=len, reverse=True)))
        + r')(?=["\)])'
    )
    return pattern.sub(lambda m: f"{m.group(1)}{prefix}-{m.group(2)}", svg)


def number_charts(page: str) -> str:
    """``page`` with the ids of its n-th chart (``<svg>`` element) prefixed ``c<n>-``, n counted
    from 1 in the page: ids unique in the page, and the same page for the same inputs whatever
    was rendered before in the process."""
    count = 0

    def numbered(match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        return unique_ids(match.group(0), f"c{count}")

    return _SVG.sub(numbered, page)


def to_svg(fig: plt.Figure) -> str:
    """The figure as an SVG element (no XML prolog, no date; its ids are made unique in the page
    by :func:`number_charts`), then closed."""
    buf = io.StringIO()
    with plt.rc_context({"svg.fonttype": "none", "svg.hashsalt": "minettgeo"}):
        fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg") :]


def inventory_chart(inventory: pd.DataFrame, lang: str) -> str:
    """The region's gross emissions by sector, 2005 and now (t CO2e/a)."""
    region = inventory[inventory["lau2"] == "region"].iloc[0]
    sectors = ["I", "II", "III", "IV"]
    whens = [w for w in ("2005", "now") if f"gross_{w}_tco2e_a" in inventory.columns]
    fig, ax = plt.subplots(figsize=(6.5, 2.8))
    bottom = np.zeros(len(whens))
    colours = ["#08519c", "#fd8d3c", "#74c476", "#9e9ac8"]
    for s, colour in zip(sectors, colours, strict=True):
        v = np.array([float(region[f"{s}_{w}_tco2e_a"]) for w in whens])
        ax.barh(
            [("2005" if w == "2005" else t("now", lang)) for w in whens],
            v,
            left=bottom,
            color=colour,
            label=SECTOR_NAMES[lang][s],
        )
        bottom += v
    ax.set_xlabel("t CO2e/a")
    ax.set_title(
        f"{t('region', lang)} : {t('gross', lang)}"
        if lang == "fr"
        else f"{t('region', lang)}: {t('gross', lang)}"
    )
    ax.legend(fontsize=8, loc="lower right")
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda x, _: f"{x:,.0f}"))
    return to_svg(fig)


def percent(p: float, lang: str) -> str:
    """A probability as a whole percentage in the language's style (``12 %``)."""
    text = f"{100 * p:.0f}"
    return f"{text}\u202f%" if lang == "fr" else f"{text} %"


def trajectory_chart(trajectory: pd.DataFrame, band: Mapping[str, float] | None, lang: str) -> str:
    """The region's gross emissions 2005-2050 (t CO2e/a): the plan's central path and 90 % band,
    the baseline without measures, the sinks, and the 2030 target: its 90 % interval (``band``:
    the milestones' ``target_2030_p05``/``p95``, 0.45 x the 2005 baseline's percentiles,
    :func:`minettgeo.scenarios.target_band.target_percentiles`) as a bar, the target at the
    central baseline as a point and P(-55 %) beside it."""
    region = trajectory[trajectory["level"].astype(str) == "region"]
    gross = region[region["column"] == "gross"].sort_values("year")
    sinks = region[region["column"] == "V"].sort_values("year")
    fig, ax = plt.subplots(figsize=(7, 3.2))
    ax.fill_between(
        gross["year"], gross["p05"], gross["p95"], color="#9ecae1", alpha=0.6, label=t("band", lang)
    )
    ax.plot(gross["year"], gross["scenario_tco2e"], color="#08519c", lw=2, label=t("traj", lang))
    ax.plot(
        gross["year"],
        gross["baseline_tco2e"],
        color="#888",
        ls="--",
        lw=1,
        label=t("baseline_path", lang),
    )
    if len(sinks):
        ax.plot(sinks["year"], sinks["scenario_tco2e"], color="#238b45", label=t("sinks", lang))
    ax.axhline(0.0, color="#000", lw=0.8)
    if band is not None:
        lo, hi = float(band["target_2030_p05"]), float(band["target_2030_p95"])
        ax.vlines(2030, lo, hi, color="#d7301f", lw=4, alpha=0.6, label=t("target_interval", lang))
        ax.scatter(
            [2030], [float(band["target_2030_tco2e"])], color="#d7301f", zorder=3,
            label=t("target_2030", lang),
        )  # fmt: skip
        ax.annotate(
            f"P(-55 %) = {percent(float(band['p_minus55_2030']), lang)}",
            (2030, hi),
            xytext=(6, 4),
            textcoords="offset points",
            color="#d7301f",
            fontsize=8,
        )
    sep = " : " if lang == "fr" else ": "
    ax.set_title(f"{t('region', lang)}{sep}{t('gross', lang)}", fontsize=10)
    ax.set_ylabel("t CO2e/a")
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.legend(fontsize=7, loc="upper right")
    return to_svg(fig)


def kpi_chart(along: pd.DataFrame, compared: pd.DataFrame, title: str, unit: str, lang: str) -> str:
    """One KPI of one area: the trajectory's central path and band, the observed values."""
    fig, ax = plt.subplots(figsize=(5.5, 2.5))
    if len(along):
        a = along.sort_values("year")
        ax.fill_between(
            a["year"], a["p05"], a["p95"], color="#9ecae1", alpha=0.6, label=t("band", lang)
        )
        ax.plot(a["year"], a["value"], color="#08519c", label=t("traj", lang))
    if len(compared):
        ax.scatter(
            compared["year"],
            compared["observed"],
            color="#d7301f",
            zorder=3,
            label=t("observed_v", lang),
        )
        if compared["modelled"].notna().any():
            ax.axhline(
                float(compared["modelled"].dropna().iloc[0]),
                color="#888",
                ls="--",
                lw=1,
                label=t("modelled", lang),
            )
    ax.set_title(title, fontsize=10)
    ax.set_ylabel(unit)
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.6g}"))
    ax.legend(fontsize=7)
    return to_svg(fig)


def budget_chart(by_year: pd.DataFrame, lang: str) -> str:
    """Needed, allocated and spent EUR per year over all measures and communes."""
    cols = [c for c in ("needed_eur", "allocated_eur", "spent_eur") if c in by_year.columns]
    sums = by_year.groupby("year")[cols].sum(min_count=1).fillna(0.0)
    sums = sums[(sums > 0).any(axis=1)]
    fig, ax = plt.subplots(figsize=(7, 3))
    width = 0.8 / max(len(cols), 1)
    labels = {
        "needed_eur": t("needed", lang),
        "allocated_eur": t("allocated", lang),
        "spent_eur": t("spent", lang),
    }
    colours = {"needed_eur": "#bdbdbd", "allocated_eur": "#3182bd", "spent_eur": "#e6550d"}
    for i, c in enumerate(cols):
        ax.bar(
            sums.index + (i - (len(cols) - 1) / 2) * width,
            sums[c] / 1e6,
            width,
            label=labels[c],
            color=colours[c],
        )
    ax.set_ylabel("M EUR")
    ax.legend(fontsize=8)
    return to_svg(fig)
