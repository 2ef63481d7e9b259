"""The write token of the API: given, or from the environment or a file."""

from __future__ import annotations

import os
from pathlib import Path

TOKEN_ENV = "MINETTGEO_TOKEN"
TOKEN_FILE_ENV = "MINETTGEO_TOKEN_FILE"


def read_token(token: str | None = None) -> str | None:
    """The write token: ``token`` if given, else ``$MINETTGEO_TOKEN``, else the first line of the
    file ``$MINETTGEO_TOKEN_FILE``; None (every write route refused) when none is set."""
    if token:
        return token
    value = os.environ.get(TOKEN_ENV, "").strip()
    if value:
        return value
    path = os.environ.get(TOKEN_FILE_ENV, "").strip()
    if path:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
        first = lines[0].strip() if lines else ""
        return first or None
    return None
