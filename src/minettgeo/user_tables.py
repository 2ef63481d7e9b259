"""Reading a CSV a user writes by hand (observed values, budgets): text cells, an exact header.

One reader so that every such file fails the same way: a message naming the file, what kind of
table it should be, and the header it must have (the documentation page that describes it).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from minettgeo.errors import MinettgeoError


def unreadable_reason(exc: Exception) -> str:
    """Why pandas could not read a CSV, in a few words: "the file is empty" or the first line of
    its message."""
    if isinstance(exc, pd.errors.EmptyDataError):
        return "the file is empty"
    return str(exc).strip().splitlines()[0]


def read_exact_csv(
    path: Path, columns: Sequence[str], error: type[MinettgeoError], kind: str, doc: str
) -> pd.DataFrame:
    """The cells of ``path`` as text (empty cells ``""``), whose header is exactly ``columns``.

    ``error`` is raised naming the file when it is missing, unreadable or empty, or when its
    header lacks or adds columns; ``kind`` names the table ("budget"), ``doc`` its page."""
    header = ",".join(columns)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError as exc:
        raise error(f"{path}: no such {kind} file") from exc
    except (OSError, UnicodeDecodeError, ValueError, pd.errors.ParserError) as exc:
        reason = unreadable_reason(exc)
        raise error(
            f"{path}: not a readable {kind} CSV ({reason}); it must be UTF-8 text with the "
            f"header {header}"
        ) from exc
    missing = [c for c in columns if c not in frame.columns]
    extra = [c for c in frame.columns if c not in columns]
    if missing or extra:
        what = "; ".join(
            x
            for x in (
                f"lacks column(s) {', '.join(missing)}" if missing else "",
                f"has unknown column(s) {', '.join(map(str, extra))}" if extra else "",
            )
            if x
        )
        raise error(f"{path}: {what}; the header must be exactly {header} ({doc})")
    return frame
