"""The trajectory's chart as SVG (``trajectory.svg``, ``trajectory_fr.svg``): the region's
gross emissions, the scenario's central path and 90 % band, the baseline, the sinks, and the
2030 target (0.45 x the central 2005 baseline) with its 90 % interval as a bar and P(-55 %)
beside it. Pure: no I/O."""

from __future__ import annotations

import html
import math

import numpy as np

from minettgeo.scenarios import target_band as tb
from minettgeo.scenarios.policy import FIRST_YEAR
from minettgeo.scenarios.trajectory import COLUMNS, Trajectory


def svg_chart(t: Trajectory, lang: str = "en") -> str:
    """The region's gross emissions, scenario band and baseline, with the milestones (SVG)."""
    ri = len(t.levels) - 1
    gi, vi = COLUMNS.index("gross"), COLUMNS.index("V")
    years = t.years
    draws = t.values[ri, gi, 1:] if t.values.shape[2] > 1 else t.values[ri, gi]
    lo, hi = np.percentile(draws, [5, 95], axis=0)
    central = t.values[ri, gi, 0]
    base = t.baseline[ri, gi, 0]
    sinks = t.values[ri, vi, 0]
    b05 = float(t.milestones["gross_2005_tco2e"].iloc[ri])
    top = max(float(hi.max()), float(base.max()), b05, 1.0) * 1.08
    bottom = min(float(sinks.min()), 0.0) * 1.08
    w, h, ml, mr, mt, mb = 720, 400, 70, 20, 40, 40

    def x(y: float) -> float:
        return ml + (y - FIRST_YEAR) / (years[-1] - FIRST_YEAR) * (w - ml - mr)

    def yv(v: float) -> float:
        return mt + (top - v) / (top - bottom) * (h - mt - mb)

    def line(values: np.ndarray) -> str:
        return " ".join(
            f"{x(a):.1f},{yv(float(b)):.1f}" for a, b in zip(years, values, strict=True)
        )

    band = (
        line(hi)
        + " "
        + " ".join(
            f"{x(a):.1f},{yv(float(b)):.1f}" for a, b in zip(years[::-1], lo[::-1], strict=True)
        )
    )
    labels = {
        "en": (
            "Region: gross emissions (t CO2e/a)",
            "scenario",
            "90 % band",
            "baseline",
            "sinks",
            "-55 % target 2030",
            "target 90 % interval (2005 baseline)",
        ),
        "fr": (
            "Région : émissions brutes (t CO2e/a)",
            "scénario",
            "bande 90 %",
            "tendance",
            "puits",
            "objectif -55 % 2030",
            "intervalle 90 % de l'objectif (référence 2005)",
        ),
    }[lang]
    title = html.escape(f"{t.scenario.title if lang == 'fr' else t.scenario.title_en}")
    ticks = []
    step = 10 ** max(int(math.log10(max(top - bottom, 1.0))) - 0, 0) / 2
    v = math.ceil(bottom / step) * step
    while v <= top:
        ticks.append(
            f'<line x1="{ml}" x2="{w - mr}" y1="{yv(v):.1f}" y2="{yv(v):.1f}" stroke="#ddd"/>'
            f'<text x="{ml - 4}" y="{yv(v) + 4:.1f}" text-anchor="end" font-size="10">{v:,.0f}</text>'
        )
        v += step
    for yr in range(FIRST_YEAR, int(years[-1]) + 1, 5):
        ticks.append(
            f'<text x="{x(yr):.1f}" y="{h - mb + 14}" text-anchor="middle" font-size="10">{yr}</text>'
        )
    target = float(tb.target_2030(np.array(b05)))
    t_lo = float(t.milestones["target_2030_p05"].iloc[ri])
    t_hi = float(t.milestones["target_2030_p95"].iloc[ri])
    p55 = float(t.milestones["p_minus55_2030"].iloc[ri])
    target_bar = (
        f'<line x1="{x(2030):.1f}" x2="{x(2030):.1f}" y1="{yv(t_hi):.1f}" y2="{yv(t_lo):.1f}" '
        f'stroke="#d7301f" stroke-width="3" opacity="0.6"><title>{html.escape(labels[6])}: '
        f"{t_lo:,.0f} - {t_hi:,.0f}</title></line>"
    )
    p_label = html.escape(f"P(-55 %) = {p55:.0%}")
    return f"""<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="sans-serif">
<title>{title}</title>
<text x="{ml}" y="16" font-size="13" font-weight="bold">{title}</text>
<text x="{ml}" y="32" font-size="11">{html.escape(labels[0])}</text>
{"".join(ticks)}
<line x1="{ml}" x2="{w - mr}" y1="{yv(0):.1f}" y2="{yv(0):.1f}" stroke="#000"/>
<polygon points="{band}" fill="#9ecae1" opacity="0.6"><title>{labels[2]}</title></polygon>
<polyline points="{line(base)}" fill="none" stroke="#888" stroke-dasharray="5,3"><title>{labels[3]}</title></polyline>
<polyline points="{line(central)}" fill="none" stroke="#08519c" stroke-width="2"><title>{labels[1]}</title></polyline>
<polyline points="{line(sinks)}" fill="none" stroke="#238b45"><title>{labels[4]}</title></polyline>
{target_bar}
<circle cx="{x(2030):.1f}" cy="{yv(target):.1f}" r="5" fill="#d7301f"><title>{labels[5]}: {target:,.0f}</title></circle>
<text x="{x(2030) + 8:.1f}" y="{yv(target) + 4:.1f}" font-size="10" fill="#d7301f">{p_label}</text>
<g font-size="10"><text x="{w - mr - 160}" y="50" fill="#08519c">— {labels[1]}</text>
<text x="{w - mr - 160}" y="64" fill="#888">- - {labels[3]}</text>
<text x="{w - mr - 160}" y="78" fill="#238b45">— {labels[4]}</text>
<text x="{w - mr - 160}" y="92" fill="#d7301f">● {labels[5]}</text>
<text x="{w - mr - 160}" y="106" fill="#d7301f">| {html.escape(labels[6])}</text></g>
</svg>
"""
