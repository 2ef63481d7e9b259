"""Offline Folium maps of the results (issue 11 item 4).

- :mod:`~minettgeo.maps.build`: pure map builders (GeoDataFrames in, ``folium.Map`` out)
- :mod:`~minettgeo.maps.pages`: the pages of one result set, cached per run and language
- :mod:`~minettgeo.maps.tiles`: XYZ tiles of the result rasters (rio-tiler)
- :mod:`~minettgeo.maps.i18n`: French and English texts
- :mod:`~minettgeo.maps.assets`: the vendored Leaflet files, served by the app (no CDN)
"""
