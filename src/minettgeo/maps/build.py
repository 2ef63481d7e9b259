"""Folium maps of the result layers for notebooks and scripts: GeoDataFrames in,
:class:`folium.Map` out (pure: no file, no network; :func:`render` gives the HTML page).

A thin re-export of the names ``docs/maps.md`` and the notebooks use; the maps are built in
:mod:`~minettgeo.maps.basemap` (the project's own layers under every map),
:mod:`~minettgeo.maps.thematic_layers` (choropleths, raster tiles, legends),
:mod:`~minettgeo.maps.district_maps` (emissions, heat, carbon, solar),
:mod:`~minettgeo.maps.candidate_map`, :mod:`~minettgeo.maps.parcel_map` and
:mod:`~minettgeo.maps.html_page` (the HTML page, the notebook iframe).

Every map has no tile server (``tiles=None``): its basemap is drawn from the project's own
layers (land cover as tiles from the run's tiler when available, commune outlines, main roads),
with a layer control, a scale bar, a legend with units for every thematic layer, and French or
English texts (:mod:`minettgeo.maps.i18n`). District-level layers are inline GeoJSON (about a
hundred polygons); parcels never are: the parcel view loads them by bounding box from the OGC
API items route (:class:`minettgeo.maps.elements.BboxGeoJson`).
"""

from __future__ import annotations

from minettgeo.maps.basemap import prepare_basemap as prepare_basemap
from minettgeo.maps.district_maps import carbon_map as carbon_map
from minettgeo.maps.district_maps import district_emissions_map as district_emissions_map
from minettgeo.maps.html_page import notebook_html as notebook_html
from minettgeo.maps.html_page import render as render
from minettgeo.maps.options import MapOptions as MapOptions
