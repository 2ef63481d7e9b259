"""Contracts of the raster layers: land cover (CORINE level-3 codes, graded by a GeoTIFF tag) and
the optional forest stand age on its grid, and the integer pixel types a raster may use."""

from __future__ import annotations

import numpy as np

from minettgeo.layers import codes
from minettgeo.layers.contract_types import RasterContract

FOREST_AGE = RasterContract(
    name="forest_age",
    title="Forest stand age",
    description=(
        "Optional single-band integer GeoTIFF on the land-cover grid: age of the forest stand in "
        "years at the land-cover year; 255 = not forest or unknown (then mature rates are used)."
    ),
    allowed={},
    nodata=255,
    resolution_m=10.0,
    minimum=0,
    maximum=254,
    soft_maximum=200,
    unit="years",
)


LANDCOVER = RasterContract(
    name="landcover",
    title="Land cover",
    description=(
        "Single-band integer GeoTIFF of CORINE Land Cover level-3 codes (111 ... 523); "
        "0 = no data. Any resolution; 10 m for the sample region. The GeoTIFF tag `grade` "
        "holds the product's data-quality grade (measured, default or estimated; absent = "
        "measured)."
    ),
    allowed=codes.CLC_LEVEL3,
    nodata=codes.LANDCOVER_NODATA,
    resolution_m=10.0,
    grade_tag=codes.RASTER_GRADE_TAG,
)


#: the integer dtypes a land-cover raster may use
INTEGER_DTYPES = tuple(np.dtype(t).name for t in ("uint8", "uint16", "int16", "int32", "uint32"))
