"""Writing small test rasters."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import rasterio
from affine import Affine

from minettgeo import CRS


def write_raster(
    path: Path,
    data: np.ndarray,
    *,
    transform: Affine,
    crs: str | None = CRS,
    nodata: int | None = 0,
    tags: dict[str, str] | None = None,
) -> Path:
    """A single-band GeoTIFF of ``data`` (no tiling: the plainest file a user could bring)."""
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=data.shape[1],
        height=data.shape[0],
        count=1,
        dtype=data.dtype.name,
        crs=crs,
        transform=transform,
        nodata=nodata,
    ) as dst:
        dst.write(data, 1)
        if tags:
            dst.update_tags(**tags)
    return path
