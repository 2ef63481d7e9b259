"""A map as one HTML page (language, title, checked to load nothing from outside the app, Leaflet
optionally copied in) and as an iframe for a notebook cell."""

from __future__ import annotations

import folium
from branca.element import Figure

from minettgeo.maps import assets
from minettgeo.maps.i18n import Lang


def notebook_html(page: str, height_px: int = 520) -> str:
    """A rendered page (:func:`render` with ``inline=True``) as an ``<iframe srcdoc>`` for a
    notebook cell (``IPython.display.HTML``): the map runs in its own document."""
    import html as _html

    return (
        f'<iframe srcdoc="{_html.escape(page, quote=True)}" '
        f'style="width:100%;height:{height_px}px;border:none"></iframe>'
    )


def render(m: folium.Map, *, lang: Lang, title: str, inline: bool = False) -> str:
    """The map as one HTML page (``lang`` attribute, ``<title>``), checked to load nothing
    from outside the app; ``inline`` copies Leaflet into the page (notebooks, saved files)."""
    root = m.get_root()
    assert isinstance(root, Figure)
    root.header.add_child(folium.Element(f"<title>{title}</title>"), name="mg_title")
    # no favicon request (there is none to serve; the browser would log a 404)
    root.header.add_child(folium.Element('<link rel="icon" href="data:,">'), name="mg_icon")
    page = root.render()
    page = page.replace("<html>", f'<html lang="{lang}">', 1)
    assets.check_offline(page)
    # the vendored Leaflet copied in afterwards names leafletjs.com in its attribution link only
    return assets.inline_assets(page) if inline else page
