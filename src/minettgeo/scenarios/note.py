"""The policy check as a document: JSON for machines and a one-page council note (HTML, French
and English) that works offline (inline CSS, no script, no external asset)."""

from __future__ import annotations

import html
import json
import math
from collections.abc import Mapping
from typing import Any

from minettgeo.scenarios.check import CheckResult

#: GPC rows a note names, in both languages
ROW_LABELS: Mapping[str, tuple[str, str]] = {
    "I.1.1": (
        "Residential buildings, fuels burnt on site",
        "Bâtiments résidentiels, combustibles brûlés sur place",
    ),
    "I.1.2": (
        "Residential buildings, grid electricity and district heat",
        "Bâtiments résidentiels, électricité et chaleur de réseau",
    ),
    "I.2.1": (
        "Commercial and institutional buildings, fuels",
        "Bâtiments tertiaires et publics, combustibles",
    ),
    "I.2.2": (
        "Commercial and institutional buildings, grid energy",
        "Bâtiments tertiaires et publics, énergie de réseau",
    ),
    "I.3.1": ("Industrial buildings, fuels", "Bâtiments industriels, combustibles"),
    "I.3.2": ("Industrial buildings, grid energy", "Bâtiments industriels, énergie de réseau"),
    "II.1.1": ("On-road transport", "Transport routier"),
    "II.1.2": ("On-road transport, grid electricity", "Transport routier, électricité du réseau"),
    "V.2": ("Land (net removal < 0)", "Sols (absorption nette < 0)"),
}
TEXT: Mapping[str, Mapping[str, str]] = {
    "en": {
        "heading": "Climate check of a decision",
        "lowers": "LOWERS emissions",
        "raises": "RAISES emissions",
        "uncertain": "UNCERTAIN: the interval spans zero",
        "magnitude": "Magnitude",
        "row": "GPC row",
        "y2030": "2030 (t CO2e/a)",
        "y2050": "2050 (t CO2e/a)",
        "cum": "cumulative to 2050 (t CO2e)",
        "total": "Total (gross and land)",
        "contrib": "Largest contributors",
        "amend": "Amendments that make it lower emissions, at least cost",
        "amended": "With these amendments",
        "none": "none needed",
        "no_amend": "No amendment from the catalogue turns this decision into one that lowers emissions.",
        "resources": "Resources of the decision",
        "cost": "cost",
        "days": "person-days",
        "how": "How this was computed",
        "how_text": "Change of the minettgeo engine's per-building, road and land models for the features the decision changes, year by year to 2050, against the same features as they are; 90 % interval from {draws} Monte Carlo draws of every factor and of the grid-factor path (seed {seed}). Verdict on the cumulative change to 2050: lowers if its 95th percentile is below zero, raises if its 5th percentile is above zero, uncertain otherwise.",
        "interval": "90 % interval",
    },
    "fr": {
        "heading": "Climat-check d'une décision",
        "lowers": "DIMINUE les émissions",
        "raises": "AUGMENTE les émissions",
        "uncertain": "INCERTAIN : l'intervalle contient zéro",
        "magnitude": "Ampleur",
        "row": "Ligne GPC",
        "y2030": "2030 (t CO2e/an)",
        "y2050": "2050 (t CO2e/an)",
        "cum": "cumul jusqu'en 2050 (t CO2e)",
        "total": "Total (brut et sols)",
        "contrib": "Principales contributions",
        "amend": "Amendements qui la font diminuer les émissions, au moindre coût",
        "amended": "Avec ces amendements",
        "none": "aucun nécessaire",
        "no_amend": "Aucun amendement du catalogue ne fait diminuer les émissions de cette décision.",
        "resources": "Ressources de la décision",
        "cost": "coût",
        "days": "jours-personne",
        "how": "Méthode",
        "how_text": "Différence des modèles de minettgeo (bâtiment par bâtiment, routes, sols) pour les éléments que la décision change, année par année jusqu'en 2050, par rapport à ces mêmes éléments tels qu'ils sont ; intervalle à 90 % de {draws} tirages Monte-Carlo de tous les facteurs et de la trajectoire du facteur électrique (graine {seed}). Verdict sur le cumul jusqu'en 2050 : diminue si son 95e centile est négatif, augmente si son 5e centile est positif, incertain sinon.",
        "interval": "intervalle à 90 %",
    },
}
COLOURS = {"lowers": "#1a7f37", "raises": "#b42318", "uncertain": "#9a6700"}


def _finite(x: float) -> float | None:
    return None if x is None or (isinstance(x, float) and not math.isfinite(x)) else x


def check_document(result: CheckResult, provenance: Mapping[str, Any]) -> dict[str, Any]:
    """Everything the note shows, as plain JSON-able data."""
    p = result.policy
    return {
        "policy": {
            "title": p.title,
            "title_en": p.title_en,
            "year": p.year,
            "origin": p.origin,
            "sha256": p.sha256,
            "measures": [
                dict(m.params, type=m.type, name=m.name, target=dict(m.target)) for m in p.measures
            ],
        },
        "verdict": result.verdict,
        "magnitude": dict(result.magnitude),
        "totals": {k: v.as_dict() for k, v in result.totals.items()},
        "rows": json.loads(result.rows.to_json(orient="records")),
        "contributors": json.loads(result.contributors.to_json(orient="records")),
        "changed": [dict(e.changed, measure=e.measure.index) for e in result.effects],
        "amendments": [a.__dict__ | {"ids": list(a.ids)} for a in result.amendments],
        "amended": dict(result.amended),
        "resources": {k: _finite(v) for k, v in result.resources.items()},
        "provenance": dict(provenance),
    }


def _n(x: float | None, digits: int = 0) -> str:
    if x is None or not math.isfinite(x):
        return "n/a"
    return f"{x:,.{digits}f}".replace(",", "\u202f")


def _iv(d: Mapping[str, float]) -> str:
    return f"{_n(d['central'])} <small>[{_n(d['p05'])} ; {_n(d['p95'])}]</small>"


def render_note(doc: Mapping[str, Any], lang: str = "fr") -> str:
    """The one-page council note in ``lang`` ('fr' or 'en')."""
    t = TEXT[lang]
    e = html.escape
    verdict = str(doc["verdict"])
    title = doc["policy"]["title"] if lang == "fr" else doc["policy"]["title_en"]
    mag = doc["magnitude"]
    rows_html = "".join(
        f"<tr><td>{e(r['code'])} {e(ROW_LABELS.get(r['code'], (r['code'], r['code']))[0 if lang == 'en' else 1])}</td>"
        f"<td>{_n(r['delta_2030_tco2e_a'])}</td><td>{_n(r['delta_2050_tco2e_a'])}</td>"
        f"<td>{_n(r['cumulative_tco2e'])} <small>[{_n(r['cumulative_p05'])} ; {_n(r['cumulative_p95'])}]</small></td></tr>"
        for r in doc["rows"]
    )
    tot = doc["totals"]
    rows_html += (
        f"<tr class='total'><td>{t['total']}</td><td>{_iv(tot['net_2030'])}</td>"
        f"<td>{_iv(tot['net_2050'])}</td><td>{_iv(tot['net_cumulative'])}</td></tr>"
    )
    contrib = "".join(
        f"<li>{e(c['name'])}: {_n(c['cumulative_tco2e'])} t CO2e ({_n(100 * c['share_of_change'])} %)</li>"
        for c in doc["contributors"][:5]
    )
    if verdict == "lowers":
        amend = f"<p>{t['none']}</p>"
    elif doc["amendments"]:
        items = "".join(
            f"<li>{e(a['label_fr' if lang == 'fr' else 'label_en'])}"
            f"{'' if a['unit'] != 'ha' else ': ' + _n(a['amount'], 1) + ' ha'}: "
            f"{_n(a['cumulative_tco2e'])} t CO2e, {_n(a['cost_eur'])} EUR</li>"
            for a in doc["amendments"][:12]
        )
        more = len(doc["amendments"]) - 12
        if more > 0:
            items += f"<li>… (+{more})</li>"
        am = doc["amended"]
        amend = (
            f"<ol>{items}</ol><p><b>{t['amended']}</b>: {e(t[am['verdict']])}, "
            f"{t['cum']} {_iv(am['net_cumulative'])}, {t['cost']} {_n(am['cost_eur'])} EUR</p>"
        )
    else:
        amend = f"<p>{t['no_amend']}</p>"
    res = doc["resources"]
    prov = doc["provenance"]
    how = t["how_text"].format(draws=prov.get("draws", "?"), seed=prov.get("seed", "?"))
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{e(t["heading"])}: {e(title)}</title>
<style>
body{{font-family:sans-serif;max-width:52em;margin:1.5em auto;color:#1f2328;font-size:14px}}
h1{{font-size:1.3em;margin:0}} h2{{font-size:1.05em;margin:1.2em 0 .3em}}
.verdict{{display:inline-block;padding:.35em .8em;color:#fff;background:{COLOURS[verdict]};font-weight:bold;border-radius:4px}}
table{{border-collapse:collapse;width:100%}} td,th{{border-bottom:1px solid #d0d7de;padding:.25em .4em;text-align:right}}
td:first-child,th:first-child{{text-align:left}} tr.total td{{font-weight:bold}} small{{color:#57606a}}
footer{{margin-top:1.5em;font-size:.8em;color:#57606a}}
@media print{{body{{margin:0}}}}
</style></head><body>
<p>{e(t["heading"])} · minettgeo</p>
<h1>{e(title)}</h1>
<p><span class="verdict" id="verdict" data-verdict="{verdict}">{e(t[verdict])}</span>
 {t["magnitude"]}: <b>{e(mag["label_" + lang])}</b> ({mag["class"]}/5)</p>
<table><thead><tr><th>{t["row"]}</th><th>{t["y2030"]}</th><th>{t["y2050"]}</th><th>{t["cum"]}</th></tr></thead>
<tbody>{rows_html}</tbody></table>
<p><small>{t["interval"]} [p5 ; p95]</small></p>
<h2>{t["contrib"]}</h2><ul>{contrib}</ul>
<h2>{t["amend"]}</h2>{amend}
<h2>{t["resources"]}</h2><p>{t["cost"]} {_n(res["cost_eur"])} EUR · {_n(res["person_days"], 1)} {t["days"]} · {_n(res["area_ha"], 2)} ha</p>
<h2>{t["how"]}</h2><p>{e(how)}</p>
<footer>run {e(str(prov.get("run_id", "")))} · factors {e(str(prov.get("factor_set", "")))} · GWP {e(str(prov.get("gwp_set", "")))} · policy sha256 {e(doc["policy"]["sha256"][:12])} · {e(str(prov.get("date", "")))}</footer>
</body></html>
"""
