"""French and English texts of the maps: one table, one lookup, one language negotiation.

Every label, legend title, unit and tooltip alias shown on a map comes from the table
``maps/data/labels.csv`` (key, fr, en; read once, every row checked:
:func:`minettgeo.label_table.labels_from_rows`); :func:`choose_language`
(:mod:`minettgeo.language`, the rule of every page) picks ``fr`` or ``en`` from ``?lang=`` and
else the ``Accept-Language`` header (French by default: the region's working language).
"""

from __future__ import annotations

from minettgeo.label_table import read_label_table
from minettgeo.language import DEFAULT_LANGUAGE as DEFAULT_LANGUAGE
from minettgeo.language import LANGUAGES as LANGUAGES
from minettgeo.language import Lang as Lang
from minettgeo.language import choose_language as choose_language

#: the labels table, relative to the package ``minettgeo.maps``
LABELS_FILE = "data/labels.csv"

#: every label: key -> {"fr": ..., "en": ...}
LABELS: dict[str, dict[str, str]] = read_label_table("minettgeo.maps", LABELS_FILE)


def t(key: str, lang: Lang, **values: object) -> str:
    """The text of ``key`` in ``lang`` with ``{placeholders}`` filled in."""
    text = LABELS[key][lang]
    return text.format(**values) if values else text
