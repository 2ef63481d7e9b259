"""The JavaScript and CSS of the maps, served by the app from this package (never a CDN).

Leaflet 1.9.4 (BSD-2-Clause; ``static/leaflet/LICENSE``) is vendored from the npm package
``leaflet@1.9.4`` (``dist/leaflet.js``, ``dist/leaflet.css``, ``dist/images``). Folium's default
page would load Leaflet, jQuery, Bootstrap and icon fonts from CDNs; :func:`make_offline` replaces
those lists with the local Leaflet files only (the maps use no Bootstrap widget, no awesome-marker
icon and no jQuery call), and :func:`check_offline` refuses a page that still names a remote URL.
"""

from __future__ import annotations

import base64
import re
from importlib import resources
from pathlib import Path

import folium

STATIC_DIR = Path(str(resources.files("minettgeo.maps") / "static"))
STATIC_PREFIX = "/static"
LEAFLET_JS = "leaflet/leaflet.js"
LEAFLET_CSS = "leaflet/leaflet.css"
#: every file the maps router serves under /static/ (relative path -> media type)
MEDIA_TYPES = {".js": "text/javascript", ".css": "text/css", ".png": "image/png", "": "text/plain"}

_REMOTE = re.compile(r"""(?:src|href)\s*=\s*["']\s*(?:https?:)?//""", re.IGNORECASE)


class OfflineError(RuntimeError):
    """A map page would load something from outside the app (a programming error, so not a
    :class:`minettgeo.errors.MinettgeoError`)."""


def static_files() -> dict[str, Path]:
    """Relative path (``leaflet/leaflet.js``) -> file, for every vendored asset and licence."""
    return {
        p.relative_to(STATIC_DIR).as_posix(): p
        for p in sorted(STATIC_DIR.rglob("*"))
        if p.is_file() and p.suffix in MEDIA_TYPES
    }


def make_offline(m: folium.Map, prefix: str = STATIC_PREFIX) -> folium.Map:
    """Point ``m``'s JavaScript and CSS at the app's ``prefix`` (``/static``) instead of CDNs."""
    m.default_js = [("leaflet", f"{prefix}/{LEAFLET_JS}")]
    m.default_css = [("leaflet_css", f"{prefix}/{LEAFLET_CSS}")]
    return m


def check_offline(html: str) -> str:
    """``html`` unchanged when no ``src``/``href`` names a remote host; else OfflineError."""
    hit = _REMOTE.search(html)
    if hit:
        start = max(0, hit.start() - 40)
        raise OfflineError(f"map page would load a remote asset: ...{html[start : hit.end() + 60]}")
    return html


def inline_assets(html: str, prefix: str = STATIC_PREFIX) -> str:
    """The page with the local Leaflet script and stylesheet copied into it (for notebooks and
    saved files, which have no app to serve ``/static``); CSS images become data URIs."""
    files = static_files()
    js = files[LEAFLET_JS].read_text(encoding="utf-8")
    css = files[LEAFLET_CSS].read_text(encoding="utf-8")

    def data_uri(match: re.Match[str]) -> str:
        path = files.get(f"leaflet/{match.group(1)}")
        if path is None:
            return match.group(0)
        return f"url(data:image/png;base64,{base64.b64encode(path.read_bytes()).decode()})"

    css = re.sub(r"url\((images/[\w.-]+\.png)\)", data_uri, css)
    html = re.sub(
        rf"""<script src=["']{re.escape(prefix)}/{re.escape(LEAFLET_JS)}["']></script>""",
        lambda _: f"<script>{js}</script>",
        html,
    )
    return re.sub(
        rf"""<link rel=["']stylesheet["'] href=["']{re.escape(prefix)}/{re.escape(LEAFLET_CSS)}["']\s*/?>""",
        lambda _: f"<style>{css}</style>",
        html,
    )
