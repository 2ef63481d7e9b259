"""Offline Folium maps of the results (issue 11 item 4).

- pure map builders (GeoDataFrames in, ``folium.Map`` out): :mod:`~minettgeo.maps.basemap`,
  :mod:`~minettgeo.maps.thematic_layers`, :mod:`~minettgeo.maps.district_maps`,
  :mod:`~minettgeo.maps.candidate_map`, :mod:`~minettgeo.maps.parcel_map`,
  :mod:`~minettgeo.maps.html_page`; :mod:`~minettgeo.maps.build` re-exports those notebooks use
- :mod:`~minettgeo.maps.pages`: the pages of one result set, cached per run and language
  (the layers and rasters they read: :mod:`~minettgeo.maps.run_layers`,
  :mod:`~minettgeo.maps.run_rasters`)
- :mod:`~minettgeo.maps.tiles`: XYZ tiles of the result rasters (rio-tiler)
- :mod:`~minettgeo.maps.i18n`: French and English texts (the table ``data/labels.csv``)
- :mod:`~minettgeo.maps.assets`: the vendored Leaflet files, served by the app (no CDN)
"""
