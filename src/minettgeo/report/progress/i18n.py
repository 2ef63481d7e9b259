"""Labels of the progress report in French and English: the table ``labels.csv`` (key, fr, en)
beside this module, read once (the reader shared with the maps: :mod:`minettgeo.label_table`)."""

from __future__ import annotations

from functools import cache

from minettgeo.label_table import LANGS as LANGS
from minettgeo.label_table import labels_from_rows as labels_from_rows
from minettgeo.label_table import read_label_table

LABELS_FILE = "labels.csv"


@cache
def read_labels() -> dict[str, dict[str, str]]:
    """The labels of :data:`LABELS_FILE` (read once: :func:`labels_from_rows`)."""
    return read_label_table("minettgeo.report.progress", LABELS_FILE)


#: every label: key -> {"fr": ..., "en": ...}
LABELS: dict[str, dict[str, str]] = read_labels()


def t(key: str, lang: str) -> str:
    """The label ``key`` in ``lang`` (``fr`` or ``en``)."""
    return LABELS[key][lang]
