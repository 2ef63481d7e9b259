"""minettgeo: GHG emissions and carbon-sink potential per parcel and district for the Minett.

The package reads as a pipeline; each sub-package is one stage:

- ``minettgeo.layers``  layer contracts, validation and storage (GeoPackage, GeoParquet, GeoTIFF)
- ``minettgeo.sample``  the modelled sample region built from the real commune boundaries
- ``minettgeo.cli``     the ``minettgeo`` command group (each command in ``<package>/command.py``)
"""

__version__ = "0.1.0"

#: the national grid, LUREF / Luxembourg 1930 Gauss; every layer is stored and computed in it
CRS = "EPSG:2169"
