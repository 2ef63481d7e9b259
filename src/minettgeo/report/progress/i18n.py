"""Labels of the progress report in French and English: the table ``labels.csv`` (key, fr, en)
beside this module, read once."""

from __future__ import annotations

import csv
import io
from functools import cache
from importlib import resources

from minettgeo.errors import InternalError

LANGS = ("fr", "en")
LABELS_FILE = "labels.csv"


def labels_from_rows(rows: list[dict[str, str]], source: str) -> dict[str, dict[str, str]]:
    """key -> {"fr": text, "en": text} from the rows of a labels table (columns key, fr, en).
    A row without key, a key twice or a label without text in one language: InternalError
    naming ``source`` and the row (a shipped table is broken)."""
    labels: dict[str, dict[str, str]] = {}
    for number, row in enumerate(rows, start=2):  # row 1: the header
        key = (row.get("key") or "").strip()
        texts = {lang: row.get(lang) or "" for lang in LANGS}
        missing = [lang for lang, text in texts.items() if not text.strip()]
        if not key:
            why = "has no key"
        elif key in labels:
            why = f"repeats the key {key!r}"
        elif missing:
            why = f"gives label {key!r} no text in {', '.join(missing)}"
        else:
            labels[key] = texts
            continue
        raise InternalError(
            f"{source}: row {number} {why}; every label needs one key, its French and its "
            "English text"
        )
    return labels


@cache
def read_labels() -> dict[str, dict[str, str]]:
    """The labels of :data:`LABELS_FILE` (read once: :func:`labels_from_rows`)."""
    source = resources.files("minettgeo.report.progress") / LABELS_FILE
    rows = list(csv.DictReader(io.StringIO(source.read_text(encoding="utf-8"))))
    return labels_from_rows(rows, str(source))


#: every label: key -> {"fr": ..., "en": ...}
LABELS: dict[str, dict[str, str]] = read_labels()


def t(key: str, lang: str) -> str:
    """The label ``key`` in ``lang`` (``fr`` or ``en``)."""
    return LABELS[key][lang]
