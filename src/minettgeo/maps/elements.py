"""Map furniture written for offline pages: legends bound to a layer, a title box, and the
parcel layer that loads features by bounding box from the OGC API items route.

Each is a :class:`branca.element.MacroElement` whose template uses plain Leaflet (no jQuery, no
Bootstrap, no d3), so a page needs nothing but the vendored Leaflet files.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import folium
from branca.element import MacroElement
from jinja2 import Template

LEGEND_CSS = """
.mg-box{background:rgba(255,255,255,.92);padding:6px 8px;font:12px/1.35 sans-serif;
border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,.35);max-width:280px}
.mg-box h4{margin:0 0 4px;font-size:13px}
.mg-box .mg-sw{display:inline-block;width:14px;height:12px;margin-right:5px;vertical-align:middle;
border:1px solid #777}
.mg-box .mg-ramp{height:12px;border:1px solid #777;margin:2px 0}
.mg-box .mg-note{color:#444;font-style:italic;margin-top:3px}
.mg-box .mg-ends{display:flex;justify-content:space-between}
"""


class Legend(MacroElement):
    """A legend in a Leaflet control, shown only while its ``layer`` is on the map (all the
    time when ``layer`` is None). ``items`` are (colour, label) pairs; ``ramp`` a CSS gradient
    with its two end labels; ``notes`` extra lines (units, hidden values, fixtures)."""

    _template = Template(
        """
{% macro header(this, kwargs) %}<style>{{ this.css }}</style>{% endmacro %}
{% macro script(this, kwargs) %}
(function() {
  var map = {{ this._parent.get_name() }};
  var ctl = L.control({position: {{ this.position|tojson }}});
  ctl.onAdd = function() {
    var div = L.DomUtil.create('div', 'mg-box mg-legend');
    div.setAttribute('data-layer', {{ this.layer_title|tojson }});
    div.innerHTML = {{ this.body|tojson }};
    return div;
  };
  ctl.addTo(map);
  {% if this.layer is not none %}
  var layer = {{ this.layer.get_name() }};
  var sync = function() {
    ctl.getContainer().style.display = map.hasLayer(layer) ? 'block' : 'none';
  };
  map.on('layeradd layerremove', sync);
  sync();
  {% endif %}
})();
{% endmacro %}
"""
    )

    def __init__(
        self,
        title: str,
        *,
        items: Sequence[tuple[str, str]] = (),
        ramp: tuple[str, str, str] | None = None,
        notes: Sequence[str] = (),
        layer: folium.map.Layer | None = None,
        position: str = "bottomright",
    ) -> None:
        super().__init__()
        self._name = "Legend"
        self.layer = layer
        self.layer_title = title
        self.position = position
        self.css = LEGEND_CSS
        parts = [f"<h4>{html.escape(title)}</h4>"]
        for color, label in items:
            parts.append(
                f'<div><span class="mg-sw" style="background:{color}"></span>'
                f"{html.escape(label)}</div>"
            )
        if ramp is not None:
            gradient, low, high = ramp
            parts.append(f'<div class="mg-ramp" style="background:{gradient}"></div>')
            parts.append(
                f'<div class="mg-ends"><span>{html.escape(low)}</span>'
                f"<span>{html.escape(high)}</span></div>"
            )
        parts += [f'<div class="mg-note">{html.escape(n)}</div>' for n in notes]
        self.body = "".join(parts)


class TitleBox(MacroElement):
    """The map's title, run id and a link to the other language, top left."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function() {
  var ctl = L.control({position: 'topleft'});
  ctl.onAdd = function() {
    var div = L.DomUtil.create('div', 'mg-box mg-title');
    div.innerHTML = {{ this.body|tojson }};
    return div;
  };
  ctl.addTo({{ this._parent.get_name() }});
})();
{% endmacro %}
"""
    )

    def __init__(self, title: str, subtitle: str, links: Sequence[tuple[str, str]] = ()) -> None:
        super().__init__()
        self._name = "TitleBox"
        body = f"<h4>{html.escape(title)}</h4><div>{html.escape(subtitle)}</div>"
        if links:
            body += "<div>" + " · ".join(
                f'<a href="{html.escape(href)}">{html.escape(label)}</a>' for href, label in links
            )
            body += "</div>"
        self.body = body


class BboxGeoJson(folium.map.Layer):
    """Features fetched from an OGC API - Features items URL for the current view, page by
    page along the ``next`` links, at ``min_zoom`` or closer; never the whole layer inline.

    ``url`` is the items route (``/ogc/collections/parcels/items``); the request adds
    ``bbox=minlon,minlat,maxlon,maxlat`` (CRS84) and ``limit``. ``fields`` are (property, label)
    pairs shown in the tooltip; ``color_by`` an optional property with (breaks, colours);
    ``class_name`` the CSS class of every feature's path.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.geoJSON(null, {
  className: {{ this.class_name|tojson }},
  style: function(f) {
    var s = {color: '#333', weight: 0.6, fillOpacity: 0.55, fillColor: '#9ecae1'};
    {% if this.color_by %}
    var v = f.properties[{{ this.color_by|tojson }}], br = {{ this.breaks|tojson }},
        cs = {{ this.colors|tojson }};
    if (v === null || v === undefined || isNaN(v)) { s.fillColor = '#d9d9d9'; }
    else { var i = 0; while (i < br.length && v >= br[i]) { i++; } s.fillColor = cs[i]; }
    {% endif %}
    return s;
  },
  onEachFeature: function(f, layer) {
    var fields = {{ this.fields|tojson }}, rows = '';
    for (var i = 0; i < fields.length; i++) {
      var v = f.properties[fields[i][0]];
      if (typeof v === 'number') { v = v.toLocaleString({{ this.locale|tojson }},
        {maximumFractionDigits: 2}); }
      rows += '<tr><th>' + fields[i][1] + '</th><td>' + (v === null || v === undefined ? '–' :
        String(v).replace(/</g, '&lt;')) + '</td></tr>';
    }
    layer.bindTooltip('<table>' + rows + '</table>', {sticky: true});
  }
});
(function() {
  var layer = {{ this.get_name() }}, map = {{ this._parent.get_name() }};
  var seen = {}, held = 0, busy = 0, pending = null;
  var status = L.control({position: 'bottomleft'});
  status.onAdd = function() {
    var d = L.DomUtil.create('div', 'mg-box mg-bbox-status'); d.innerHTML = ''; return d;
  };
  status.addTo(map);
  function say(text) { status.getContainer().innerHTML = text; }
  function add(collection) {
    var fresh = (collection.features || []).filter(function(f) {
      var id = f.id !== undefined ? f.id : JSON.stringify(f.properties);
      if (seen[id]) { return false; } seen[id] = true; return true;
    });
    held += fresh.length;
    layer.addData({type: 'FeatureCollection', features: fresh});
  }
  function fetchPage(url, left) {
    busy++;
    fetch(url, {headers: {'Accept': 'application/geo+json'}})
      .then(function(r) { if (!r.ok) { throw new Error(r.status + ' ' + url); } return r.json(); })
      .then(function(c) {
        add(c);
        var next = (c.links || []).filter(function(l) { return l.rel === 'next'; })[0];
        if (next && left > 1 && held < {{ this.max_features }}) { fetchPage(next.href, left - 1); }
        say(held.toLocaleString() + ' ' + {{ this.loaded_label|tojson }});
      })
      .catch(function(e) { say({{ this.error_label|tojson }} + ' ' + e.message); })
      .finally(function() { busy--; });
  }
  function load() {
    if (!map.hasLayer(layer)) { return; }
    if (map.getZoom() < {{ this.min_zoom }}) { say({{ this.zoom_label|tojson }}); return; }
    if (held >= {{ this.max_features }}) { return; }
    var b = map.getBounds();
    var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function(x) {
      return x.toFixed(6); }).join(',');
    fetchPage({{ this.url|tojson }} + '?bbox=' + bbox + '&limit=' + {{ this.page_size }},
              {{ this.max_pages }});
  }
  map.on('moveend overlayadd', function() { clearTimeout(pending); pending = setTimeout(load, 150); });
  map.whenReady(load);
})();
{% endmacro %}
"""
    )

    def __init__(
        self,
        url: str,
        *,
        name: str,
        fields: Sequence[tuple[str, str]],
        lang: str,
        min_zoom: int,
        page_size: int,
        max_features: int,
        labels: dict[str, str],
        color_by: str | None = None,
        breaks: Sequence[float] = (),
        colors: Sequence[str] = (),
        show: bool = True,
        class_name: str = "mg-bbox-feature",
    ) -> None:
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "BboxGeoJson"
        self.url = url
        self.class_name = class_name
        self.fields = [list(f) for f in fields]
        self.locale = "fr-LU" if lang == "fr" else "en-GB"
        self.min_zoom = int(min_zoom)
        self.page_size = int(page_size)
        self.max_features = int(max_features)
        self.max_pages = max(1, -(-self.max_features // self.page_size))
        self.color_by = color_by
        self.breaks = [float(b) for b in breaks]
        self.colors = list(colors)
        self.loaded_label = labels["loaded"]
        self.zoom_label = labels["zoom"]
        self.error_label = labels["error"]
