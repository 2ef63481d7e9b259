"""The effect of a pilot on a KPI: difference-in-differences with unit and year fixed effects
(``diff_diff.DifferenceInDifferences``), its interval, and the rule that says when the data are
too few to conclude.

Model, over the balanced panel of the pilot and its controls (:mod:`minettgeo.monitor.panel`):
``y_it = a_i + g_t + tau D_it + e_it`` with ``D_it = 1`` for the pilot from the pilot year on.
On a balanced panel ``tau`` equals the difference of the four means,
``(mean_post(pilot) - mean_pre(pilot)) - (mean_post(controls) - mean_pre(controls))``, in the
KPI's unit. Interval: the ``interval_level`` (90 %) t interval with classical OLS standard
errors (``e`` independent across units and years; with one treated unit, cluster-robust errors
are not reliable), ``(N - 1)(T - 1) - 1`` degrees of freedom for ``N`` units and ``T`` years.

Too few to conclude (``conclusive`` false) when any of: fewer than ``min_pre_years`` observed
years before the pilot year, fewer than ``min_post_years`` from it on, fewer than
``min_controls`` controls observed in every year of the pilot, or no finite interval. The point
estimate is still given when it exists, with the statement in French and English.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from importlib.metadata import version
from typing import Any

import diff_diff
import pandas as pd

from minettgeo.monitor.panel import Panel

EFFECT_COLUMNS = (
    "pilot_id",
    "kpi_id",
    "estimate",
    "low",
    "high",
    "method",
    "n_pre",
    "n_post",
    "conclusive",
    "note_fr",
    "note_en",
)


@dataclass(frozen=True)
class Rule:
    """When the data suffice (``rules.csv``)."""

    min_pre_years: int
    min_post_years: int
    min_controls: int
    interval_level: float

    @classmethod
    def from_table(cls, table: dict[str, float]) -> Rule:
        return cls(
            min_pre_years=int(table["min_pre_years"]),
            min_post_years=int(table["min_post_years"]),
            min_controls=int(table["min_controls"]),
            interval_level=float(table["interval_level"]),
        )


def method_name(level: float, fixed_effects: bool = True) -> str:
    design = (
        "unit and year fixed effects"
        if fixed_effects
        else "2x2 regression without fixed effects (too few observations for them)"
    )
    return (
        f"difference-in-differences, {design}, classical SE, {level * 100:.0f} % t interval "
        f"(diff-diff {version('diff-diff')} DifferenceInDifferences)"
    )


def _fit(frame: pd.DataFrame, level: float, fixed_effects: list[str] | None) -> Any:
    model = diff_diff.DifferenceInDifferences(vcov_type="classical", alpha=1.0 - level)
    with warnings.catch_warnings():
        # the unit and year dummies absorb `treated` and `post`: diff-diff drops them and says so
        warnings.simplefilter("ignore")
        return model.fit(
            frame, outcome="value", treatment="treated", post="post", fixed_effects=fixed_effects
        )


def did_fit(frame: pd.DataFrame, level: float) -> tuple[float, float, float, bool]:
    """(estimate, low, high, with fixed effects) of ``tau`` (module docstring) on a panel with
    columns unit, year, value, treated, post; NaN where the data do not identify it. A panel too
    small for the unit and year dummies (one year each side) is fitted as the plain 2x2
    regression ``value ~ treated * post``, whose estimate is the same difference of means."""
    if frame["treated"].nunique() < 2 or frame["post"].nunique() < 2:
        return math.nan, math.nan, math.nan, True
    fixed = True
    try:
        result = _fit(frame, level, ["unit", "year"])
    except ValueError:
        fixed = False
        try:
            result = _fit(frame, level, None)
        except (ValueError, ArithmeticError):
            return math.nan, math.nan, math.nan, False
    low, high = result.conf_int
    return float(result.att), float(low), float(high), fixed


def placebo(panel: Panel, level: float) -> tuple[int, float, float, float] | None:
    """The same estimator on the years before the pilot only, with a pretended pilot year in
    their middle: (that year, estimate, low, high), or None with fewer than 3 pre-years. An
    interval that excludes 0 means pilot and controls were already moving apart before the
    pilot (parallel trends doubtful)."""
    pre = [y for y in panel.years if y < panel.pilot_year]
    if len(pre) < 3:
        return None
    fake = pre[len(pre) // 2]
    frame = panel.frame[panel.frame["year"] < panel.pilot_year]
    frame = frame.assign(post=(frame["year"] >= fake).astype(int))
    est, low, high, _ = did_fit(frame, level)
    return fake, est, low, high


def shortfalls(panel: Panel, rule: Rule) -> tuple[list[str], list[str]]:
    """What the data lack (English, French); empty when they suffice."""
    en: list[str] = []
    fr: list[str] = []
    y = panel.pilot_year
    if panel.n_pre < rule.min_pre_years:
        en.append(f"{panel.n_pre} observed year(s) before {y} (at least {rule.min_pre_years})")
        fr.append(f"{panel.n_pre} année(s) observée(s) avant {y} (au moins {rule.min_pre_years})")
    if panel.n_post < rule.min_post_years:
        en.append(f"{panel.n_post} observed year(s) from {y} on (at least {rule.min_post_years})")
        fr.append(
            f"{panel.n_post} année(s) observée(s) depuis {y} (au moins {rule.min_post_years})"
        )
    if len(panel.controls) < rule.min_controls:
        en.append(
            f"{len(panel.controls)} control(s) observed every year (at least {rule.min_controls})"
        )
        fr.append(
            f"{len(panel.controls)} témoin(s) observé(s) chaque année (au moins {rule.min_controls})"
        )
    return en, fr


def _fmt(x: float) -> str:
    return f"{x:,.3g}" if math.isfinite(x) else "n/a"


def effect_row(panel: Panel, rule: Rule) -> dict[str, object]:
    """One row of ``effects.csv`` (columns :data:`EFFECT_COLUMNS`)."""
    est, low, high, fixed = did_fit(panel.frame, rule.interval_level)
    lack_en, lack_fr = shortfalls(panel, rule)
    interval = math.isfinite(low) and math.isfinite(high)
    if not interval and not lack_en:
        lack_en.append("the data do not give a finite interval")
        lack_fr.append("les données ne donnent pas d'intervalle fini")
    conclusive = not lack_en
    unit = f" {panel.unit}" if panel.unit else ""
    pct = f"{rule.interval_level:.0%}".replace("%", " %")
    basis_en = (
        f"pilot {panel.pilot_id} against {len(panel.controls)} control(s), "
        f"{panel.n_pre} year(s) before {panel.pilot_year} and {panel.n_post} from it"
    )
    basis_fr = (
        f"pilote {panel.pilot_id} face à {len(panel.controls)} témoin(s), "
        f"{panel.n_pre} année(s) avant {panel.pilot_year} et {panel.n_post} depuis"
    )
    if panel.dropped:
        basis_en += "; left out: " + "; ".join(f"{c} ({r})" for c, r in panel.dropped.items())
        basis_fr += "; écartés : " + "; ".join(f"{c} ({r})" for c, r in panel.dropped.items())
    value_en = (
        f"{panel.kpi_id}: effect {_fmt(est)}{unit} ({pct} interval {_fmt(low)} to {_fmt(high)})"
    )
    value_fr = (
        f"{panel.kpi_id} : effet {_fmt(est)}{unit} (intervalle à {pct} {_fmt(low)} à {_fmt(high)})"
    )
    if not conclusive:
        note_en = (
            f"{value_en}, {basis_en}. Too few data to conclude: {'; '.join(lack_en)}. "
            "Do not read this as an effect; collect more years or controls."
        )
        note_fr = (
            f"{value_fr}, {basis_fr}. Trop peu de données pour conclure : {'; '.join(lack_fr)}. "
            "Ne pas lire ce chiffre comme un effet ; recueillir davantage d'années ou de témoins."
        )
    elif low <= 0.0 <= high:
        note_en = (
            f"{value_en}, {basis_en}. The interval contains 0: no effect can be told apart from "
            "what happened in the controls."
        )
        note_fr = (
            f"{value_fr}, {basis_fr}. L'intervalle contient 0 : aucun effet ne se distingue de "
            "l'évolution des témoins."
        )
    else:
        sense_en = "lower" if high < 0 else "higher"
        sense_fr = "plus bas" if high < 0 else "plus haut"
        note_en = (
            f"{value_en}, {basis_en}. The interval excludes 0: the pilot's {panel.kpi_id} is "
            f"{sense_en} than its controls' evolution predicts."
        )
        note_fr = (
            f"{value_fr}, {basis_fr}. L'intervalle exclut 0 : le {panel.kpi_id} du pilote est "
            f"{sense_fr} que ne le prédit l'évolution des témoins."
        )
    check = placebo(panel, rule.interval_level) if conclusive else None
    if check is not None and math.isfinite(check[2]) and not check[2] <= 0.0 <= check[3]:
        fake, p_est, p_low, p_high = check
        note_en += (
            f" Caution: the same estimate on the years before {panel.pilot_year} alone, as if the "
            f"pilot had started in {fake}, gives {_fmt(p_est)} ({_fmt(p_low)} to {_fmt(p_high)}): "
            "pilot and controls were already moving apart, the effect may be over- or "
            "under-stated."
        )
        note_fr += (
            f" Prudence : la même estimation sur les seules années avant {panel.pilot_year}, "
            f"comme si le pilote avait commencé en {fake}, donne {_fmt(p_est)} ({_fmt(p_low)} à "
            f"{_fmt(p_high)}) : pilote et témoins s'écartaient déjà, l'effet peut être sur- ou "
            "sous-estimé."
        )
    return {
        "pilot_id": panel.pilot_id,
        "kpi_id": panel.kpi_id,
        "estimate": est,
        "low": low,
        "high": high,
        "method": method_name(rule.interval_level, fixed),
        "n_pre": panel.n_pre,
        "n_post": panel.n_post,
        "conclusive": conclusive,
        "note_fr": note_fr,
        "note_en": note_en,
    }


def effects_table(panels: list[Panel], rule: Rule) -> pd.DataFrame:
    """``effects.csv``: one row per pilot and KPI."""
    return pd.DataFrame([effect_row(p, rule) for p in panels], columns=list(EFFECT_COLUMNS))
