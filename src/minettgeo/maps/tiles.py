"""XYZ map tiles (Web Mercator, 256 px PNG) of the result rasters, rendered by rio-tiler from
the run's Cloud-Optimised GeoTIFFs.

Only the rasters of :data:`RASTERS` are served (an allow-list: a name never reaches the file
system). Each raster has a colour map and a value range for its legend: the 2nd and 98th
percentiles of its positive values (read once from an overview, cached per file and mtime), or
fixed classes for land cover.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import rasterio
from numpy.typing import NDArray
from rasterio.enums import Resampling
from rasterio.errors import NotGeoreferencedWarning
from rasterio.warp import transform_bounds
from rio_tiler.colormap import cmap as colormaps
from rio_tiler.errors import TileOutsideBounds
from rio_tiler.io import Reader

from minettgeo.errors import NotFoundError, ParameterError

TILE_SIZE = 256
MAX_ZOOM = 19
MIN_ZOOM = 0


@dataclass(frozen=True)
class RasterSpec:
    """How one raster is drawn: rio-tiler colour map name, unit key of the legend, title key,
    and whether values <= 0 are transparent."""

    colormap: str
    unit_key: str
    title_key: str
    hide_zero: bool = True


RASTERS: dict[str, RasterSpec] = {
    "heat_density": RasterSpec("ylorrd", "unit.mwh_ha_a", "layer.heat_density_raster"),
    "carbon_stock": RasterSpec("greens", "unit.tc_ha", "layer.carbon_raster"),
    "sink_potential": RasterSpec("viridis", "unit.tco2_ha_a", "layer.sink_raster"),
    "landcover": RasterSpec("landcover", "", "layer.landcover", hide_zero=True),
}

#: CORINE Land Cover level-1 groups (first digit of the code) -> RGBA, muted for a basemap
LANDCOVER_GROUPS: dict[int, tuple[int, int, int, int]] = {
    1: (200, 160, 160, 255),  # artificial surfaces
    2: (240, 230, 160, 255),  # agricultural areas
    3: (150, 200, 130, 255),  # forest and semi-natural areas
    4: (170, 200, 230, 255),  # wetlands
    5: (120, 170, 230, 255),  # water bodies
}
LANDCOVER_LEGEND = {
    1: ("Surfaces artificielles", "Artificial surfaces"),
    2: ("Terres agricoles", "Agricultural land"),
    3: ("Forêts et milieux semi-naturels", "Forest and semi-natural land"),
    4: ("Zones humides", "Wetlands"),
    5: ("Eau", "Water"),
}


@dataclass(frozen=True)
class RasterStyle:
    """Value range and colour ramp of one raster (for its tiles and its legend)."""

    name: str
    vmin: float
    vmax: float
    stops: tuple[str, ...]
    #: extent in WGS84 as ((south, west), (north, east)), for Leaflet's ``bounds`` option
    bounds: tuple[tuple[float, float], tuple[float, float]] = ((-90.0, -180.0), (90.0, 180.0))

    @property
    def gradient(self) -> str:
        return f"linear-gradient(to right, {', '.join(self.stops)})"


def check_raster_name(name: str) -> RasterSpec:
    """The spec of an allow-listed raster; NotFoundError naming the allowed ones otherwise."""
    spec = RASTERS.get(name)
    if spec is None:
        raise NotFoundError(
            f"no raster '{name[:40]}' to draw as tiles; rasters: {', '.join(sorted(RASTERS))}"
        )
    return spec


def check_tile(z: int, x: int, y: int) -> None:
    """ParameterError when (z, x, y) is not a tile of the Web Mercator grid."""
    if not MIN_ZOOM <= z <= MAX_ZOOM:
        raise ParameterError(f"tile zoom z={z} must be between {MIN_ZOOM} and {MAX_ZOOM}")
    n = 1 << z
    if not (0 <= x < n and 0 <= y < n):
        raise ParameterError(f"tile x={x}, y={y} must be between 0 and {n - 1} at zoom {z}")


def _colormap(name: str) -> dict[int, tuple[int, int, int, int]]:
    if name == "landcover":
        return {code: LANDCOVER_GROUPS[code // 100] for code in range(100, 600)}
    table = colormaps.get(name)
    assert isinstance(table, dict)
    return {int(k): tuple(v) for k, v in table.items()}  # type: ignore[misc]


def _empty_tile() -> bytes:
    from rio_tiler.models import ImageData

    blank = np.ma.MaskedArray(
        np.zeros((1, TILE_SIZE, TILE_SIZE), dtype="uint8"),
        mask=np.ones((1, TILE_SIZE, TILE_SIZE), dtype=bool),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotGeoreferencedWarning)
        return ImageData(blank).render(img_format="PNG")


#: a fully transparent tile (for addresses beside a raster's extent)
EMPTY_TILE = _empty_tile()


@lru_cache(maxsize=16)
def _style(path: str, mtime: float, name: str) -> RasterStyle:
    spec = RASTERS[name]
    with rasterio.open(path) as src:
        west, south, east, north = transform_bounds(src.crs, "EPSG:4326", *src.bounds)
    bounds = ((south, west), (north, east))
    if spec.colormap == "landcover":
        stops = tuple(_hex(LANDCOVER_GROUPS[g]) for g in sorted(LANDCOVER_GROUPS))
        return RasterStyle(name, 100.0, 599.0, stops, bounds)
    with rasterio.open(path) as src:
        scale = max(1, max(src.width, src.height) // 1024)
        shape = (max(1, src.height // scale), max(1, src.width // scale))
        data = src.read(1, out_shape=shape, resampling=Resampling.nearest, masked=True)
    values = np.ma.compressed(data).astype(float)
    values = values[np.isfinite(values) & (values > 0)] if spec.hide_zero else values
    if values.size == 0:
        vmin, vmax = 0.0, 1.0
    else:
        vmin, vmax = (float(v) for v in np.percentile(values, [2, 98]))
        if vmax <= vmin:
            vmax = vmin + 1.0
    cmap = _colormap(spec.colormap)
    stops = tuple(_hex(cmap[int(i)]) for i in np.linspace(0, 255, 6))
    return RasterStyle(name, vmin, vmax, stops, bounds)


def _hex(rgba: tuple[int, ...]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgba[:3])


def raster_style(name: str, path: Path) -> RasterStyle:
    """Range and colour stops of raster ``name`` stored at ``path`` (cached per file version)."""
    check_raster_name(name)
    if not path.exists():
        raise NotFoundError(f"raster '{name}' is not in this run ({path.name} missing)")
    return _style(str(path), path.stat().st_mtime, name)


def render_tile(name: str, path: Path, z: int, x: int, y: int) -> bytes | None:
    """The PNG of tile (z, x, y) of raster ``name`` at ``path``, or None when the tile lies
    outside the raster. Values are scaled to the raster's range and coloured with its colour
    map; nodata (and values <= 0 where the spec says so) are transparent. The last
    :data:`TILE_CACHE` tiles are kept (per file version)."""
    check_raster_name(name)
    check_tile(z, x, y)
    if not path.exists():
        raise NotFoundError(f"raster '{name}' is not in this run ({path.name} missing)")
    return _render(name, str(path), path.stat().st_mtime, z, x, y)


TILE_CACHE = 1024


@lru_cache(maxsize=TILE_CACHE)
def _render(name: str, path: str, mtime: float, z: int, x: int, y: int) -> bytes | None:
    spec = RASTERS[name]
    style = _style(path, mtime, name)
    with Reader(str(path)) as src:
        try:
            img = src.tile(x, y, z, tilesize=TILE_SIZE, resampling_method="nearest")
        except TileOutsideBounds:
            return None
    arr = img.array
    if spec.hide_zero:
        arr.mask = np.ma.getmaskarray(arr) | ~(np.ma.getdata(arr) > 0)
    if spec.colormap == "landcover":
        scaled: NDArray[np.generic] = np.ma.getdata(arr).astype("uint16")
        img.array = np.ma.MaskedArray(scaled, mask=np.ma.getmaskarray(arr))
    else:
        img.array = arr
        img.rescale(in_range=((style.vmin, style.vmax),))
    with warnings.catch_warnings():
        # the PNG writer has no geotransform to write, by design
        warnings.simplefilter("ignore", NotGeoreferencedWarning)
        return img.render(img_format="PNG", colormap=_colormap(spec.colormap))
