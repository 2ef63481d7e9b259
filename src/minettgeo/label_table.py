"""FR/EN label tables shipped with the package: a CSV with columns key, fr, en read into
key -> {"fr": text, "en": text}, every row checked (one key, once, with both texts).

Used by the maps (``maps/data/labels.csv``) and the progress report
(``report/progress/labels.csv``).
"""

from __future__ import annotations

import csv
import io
from importlib import resources

from minettgeo.errors import InternalError

LANGS = ("fr", "en")


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


def read_label_table(package: str, filename: str) -> dict[str, dict[str, str]]:
    """The labels of the table ``filename`` (a path relative to ``package``, parts separated by
    ``/``) shipped in ``package`` (:func:`labels_from_rows`)."""
    source = resources.files(package).joinpath(*filename.split("/"))
    rows = list(csv.DictReader(io.StringIO(source.read_text(encoding="utf-8"))))
    return labels_from_rows(rows, str(source))
