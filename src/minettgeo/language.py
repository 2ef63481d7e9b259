"""The language of every page a user reads (landing page, maps, progress report, council note):
one rule, one function.

``?lang=fr|en`` wins; else the first of ``fr``/``en`` in the ``Accept-Language`` header by quality;
else French (the users work in French).
"""

from __future__ import annotations

from typing import Literal

Lang = Literal["fr", "en"]
LANGUAGES: tuple[Lang, ...] = ("fr", "en")
#: the language of a page when neither ``?lang=`` nor the Accept-Language header names fr or en
DEFAULT_LANGUAGE: Lang = "fr"


def choose_language(query: str | None, accept_language: str | None) -> Lang:
    """``query`` (``?lang=``) when it is ``fr`` or ``en``; else the first of ``fr``/``en`` in the
    Accept-Language header by quality (``en-GB;q=0.8, fr;q=0.9`` -> ``fr``; equal qualities: the
    first listed; ``q=0`` means "not this one"); else French.

    >>> choose_language(None, "de-DE,de;q=0.9,en;q=0.8")
    'en'
    >>> choose_language("en", "fr")
    'en'
    >>> choose_language(None, "de-DE")
    'fr'
    """
    if query in LANGUAGES:
        return query
    best: tuple[float, int, Lang] | None = None
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        if primary not in LANGUAGES:
            continue
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        candidate = (-quality, position, primary)
        if quality > 0 and (best is None or candidate < best):
            best = candidate
    return best[2] if best else DEFAULT_LANGUAGE
