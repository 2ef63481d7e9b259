"""Labels of the progress report in French and English."""

from __future__ import annotations

LANGS = ("fr", "en")

LABELS: dict[str, dict[str, str]] = {
    "title": {
        "fr": "Rapport d'avancement climat du Minett",
        "en": "Minett climate progress report",
    },
    "modelled_note": {
        "fr": "Les chiffres d'une région d'exemple modélisée ne sont pas ceux du Minett réel.",
        "en": "Figures of a modelled sample region are not the real Minett's.",
    },
    "contents": {"fr": "Sommaire", "en": "Contents"},
    "inventory": {"fr": "Inventaire : aujourd'hui et 2005", "en": "Inventory: now and 2005"},
    "trajectory": {"fr": "Trajectoire, bande et jalons", "en": "Trajectory, band and milestones"},
    "kpis": {"fr": "Indicateurs clés (KPI)", "en": "Key performance indicators (KPIs)"},
    "observed": {"fr": "Valeurs observées et écarts", "en": "Observed values and gaps"},
    "communes": {"fr": "Les communes côte à côte", "en": "The communes side by side"},
    "budget": {"fr": "Budgets et ressources", "en": "Budgets and resources"},
    "test_districts": {
        "fr": "Quartiers test et leurs témoins",
        "en": "Test districts and their controls",
    },
    "provenance": {"fr": "Provenance des chiffres", "en": "Provenance of the figures"},
    "warnings": {"fr": "Avertissements", "en": "Warnings"},
    "commune": {"fr": "Commune", "en": "Commune"},
    "region": {"fr": "Région", "en": "Region"},
    "sector": {"fr": "Secteur", "en": "Sector"},
    "gross": {"fr": "Brut (BASIC)", "en": "Gross (BASIC)"},
    "sinks": {"fr": "Puits (V)", "en": "Sinks (V)"},
    "now": {"fr": "aujourd'hui", "en": "now"},
    "change": {"fr": "évolution", "en": "change"},
    "no_baseline": {
        "fr": "Pas de référence 2005 : passer --trajectory (dossier écrit par « minettgeo trajectory »).",
        "en": "No 2005 baseline: pass --trajectory (the folder 'minettgeo trajectory' writes).",
    },
    "no_trajectory": {
        "fr": "Pas de trajectoire : passer --trajectory.",
        "en": "No trajectory: pass --trajectory.",
    },
    "kpi": {"fr": "Indicateur", "en": "Indicator"},
    "unit": {"fr": "Unité", "en": "Unit"},
    "better": {"fr": "Mieux", "en": "Better"},
    "modelled": {"fr": "Modélisé", "en": "Modelled"},
    "traj": {"fr": "Trajectoire", "en": "Trajectory"},
    "band": {"fr": "bande 90 %", "en": "90 % band"},
    "observed_v": {"fr": "Observé", "en": "Observed"},
    "year": {"fr": "Année", "en": "Year"},
    "gap_modelled": {"fr": "Écart au modélisé", "en": "Gap to modelled"},
    "gap_trajectory": {"fr": "Écart à la trajectoire", "en": "Gap to trajectory"},
    "in_band": {"fr": "Dans la bande", "en": "In the band"},
    "versus": {"fr": "Part du potentiel", "en": "Share of potential"},
    "source": {"fr": "Source", "en": "Source"},
    "yes": {"fr": "oui", "en": "yes"},
    "no": {"fr": "non", "en": "no"},
    "no_observed": {
        "fr": "Aucune valeur observée : passer --observed (format : docs/observed.md).",
        "en": "No observed values: pass --observed (format: docs/observed.md).",
    },
    "measure": {"fr": "Mesure", "en": "Measure"},
    "needed": {"fr": "Besoin (EUR)", "en": "Needed (EUR)"},
    "allocated": {"fr": "Alloué (EUR)", "en": "Allocated (EUR)"},
    "spent": {"fr": "Dépensé (EUR)", "en": "Spent (EUR)"},
    "person_days": {"fr": "Jours-personnes", "en": "Person-days"},
    "hectares": {"fr": "Hectares", "en": "Hectares"},
    "abated": {"fr": "Réduction cumulée (t CO2e)", "en": "Cumulative abatement (t CO2e)"},
    "cost_per_t": {"fr": "Coût par tonne (EUR/t CO2e)", "en": "Cost per tonne (EUR/t CO2e)"},
    "no_budget": {
        "fr": "Aucun budget : passer --budget (format : docs/report.md).",
        "en": "No budget: pass --budget (format: docs/report.md).",
    },
    "no_resources": {
        "fr": "Pas de ressources : passer --trajectory d'un plan.",
        "en": "No resources: pass the --trajectory of a plan.",
    },
    "no_pilots": {
        "fr": "Aucun quartier test choisi pour l'instant (« minettgeo monitor choose »).",
        "en": "No test district chosen yet ('minettgeo monitor choose').",
    },
    "pilot_kpis": {
        "fr": "KPI du quartier test et de ses témoins (calcul actuel)",
        "en": "KPIs of the test district and its controls (current run)",
    },
    "difference": {"fr": "Différence", "en": "Difference"},
    "balance": {"fr": "Équilibre quartier test / témoins", "en": "Balance of pilot and controls"},
    "effects": {"fr": "Effets estimés", "en": "Estimated effects"},
    "no_effects": {
        "fr": "Pas encore d'estimation d'effet (« minettgeo monitor estimate »).",
        "en": "No effect estimated yet ('minettgeo monitor estimate').",
    },
    "pilot": {"fr": "Quartier test", "en": "Test district"},
    "controls": {"fr": "Témoins", "en": "Controls"},
    "variable": {"fr": "Variable", "en": "Variable"},
    "pilot_value": {"fr": "Quartier test", "en": "Pilot"},
    "control_mean": {"fr": "Moyenne des témoins", "en": "Controls' mean"},
    "std_diff": {"fr": "Différence standardisée", "en": "Standardised difference"},
    "estimate": {"fr": "Estimation", "en": "Estimate"},
    "interval": {"fr": "Intervalle", "en": "Interval"},
    "method": {"fr": "Méthode", "en": "Method"},
    "conclusive": {"fr": "Concluant", "en": "Conclusive"},
    "note": {"fr": "Note", "en": "Note"},
    "what": {"fr": "Quoi", "en": "What"},
    "item": {"fr": "Élément", "en": "Item"},
    "value": {"fr": "Valeur", "en": "Value"},
    "tables": {
        "fr": "Tableaux CSV de ce rapport (avec datapackage.json) : ",
        "en": "CSV tables of this report (with datapackage.json): ",
    },
    "arrows": {
        "fr": "↓ plus bas est mieux, ↑ plus haut est mieux ; ↘ ↗ → : évolution d'aujourd'hui à 2030 "
        "sur la trajectoire (vert : dans le bon sens, rouge : dans le mauvais).",
        "en": "↓ lower is better, ↑ higher is better; ↘ ↗ →: change from now to 2030 along the "
        "trajectory (green: the right way, red: the wrong way).",
    },
    "generated": {"fr": "Produit le", "en": "Generated on"},
    "run": {"fr": "calcul", "en": "run"},
    "sources_line": {"fr": "Source des chiffres", "en": "Source of the figures"},
}


def t(key: str, lang: str) -> str:
    """The label ``key`` in ``lang`` (``fr`` or ``en``)."""
    return LABELS[key][lang]
