"""The report's PDF, rendered from its self-contained HTML by WeasyPrint (needs the pango
libraries: Debian ``libpango-1.0-0``, ``libpangoft2-1.0-0``)."""

from __future__ import annotations

import logging

from minettgeo.errors import LayerWriteError


def html_to_pdf(page: str) -> bytes:
    """PDF bytes of an HTML page that loads nothing from outside (no base URL, no network)."""
    try:
        import weasyprint
    except OSError as exc:  # the pango libraries are missing
        raise LayerWriteError(
            f"the PDF cannot be rendered: WeasyPrint needs the pango libraries ({exc}); install "
            "libpango-1.0-0 and libpangoft2-1.0-0 (Debian), or pass --no-pdf"
        ) from exc

    def no_fetch(url: str, *args: object, **kwargs: object) -> dict[str, object]:
        raise ValueError(f"the report loads nothing from outside ({url})")

    # WeasyPrint logs every SVG presentation style it reads as an unknown CSS property (the
    # charts render all the same): keep its errors only
    logger = logging.getLogger("weasyprint")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        return bytes(weasyprint.HTML(string=page, url_fetcher=no_fetch).write_pdf())
    finally:
        logger.setLevel(level)
