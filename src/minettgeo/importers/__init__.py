"""Importers: real products' native schemas mapped onto the layer contracts.

``minettgeo import KIND SRC --out layers/`` reads a product file, maps its columns and codes
onto a contract (``mapping``), reprojects to LUREF (``source``), fills what the product lacks
with a data-quality grade (``fill``, ``buildings``), validates the result with the region
already in ``--out`` and writes it atomically (``stage``). One module per product: ``act``
(cadastral parcels, building footprints), ``osm`` (buildings and roads from ``.osm.pbf`` or
GeoJSON), ``landcover`` (CORINE vector and raster, ESA WorldCover), ``points`` (EU ETS
verified emissions, point-source CSV) and ``generic`` (any vector file and a mapping file).
"""
