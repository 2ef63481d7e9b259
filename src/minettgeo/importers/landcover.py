"""Land cover from CORINE Land Cover (vector or raster) and ESA WorldCover 10 m.

The output is the land-cover raster of the contracts: CORINE level-3 codes on a 10 m LUREF
grid (``landcover.tif``, or ``landcover_before.tif`` with ``--layer landcover_before``), 0 =
no data. The grid covers the communes of ``--out`` (or the product's extent when there are
none), its corners on multiples of 10 m.

- CORINE vector (EEA, ETRS89-LAEA EPSG:3035, attribute ``Code_18`` as text, e.g. ``"112"``):
  rasterized at 10 m (each cell takes the polygon covering its centre); ``999`` (no data),
  ``990`` and ``995`` (unclassified) become 0.
- CORINE raster (EEA 100 m GeoTIFF, EPSG:3035): values are the legend's grid codes 1-44
  (``clc_grid_codes.csv``; 48 and 128 = no data); a raster already holding level-3 codes is read
  as is. Resampled by nearest neighbour.
- WorldCover (ESA 10 m v100/v200 tiles, EPSG:4326, classes 10-100, 0 = no data): classes
  mapped to CORINE by ``worldcover_to_clc.csv`` (one row per class with its reason), then
  reprojected by nearest neighbour.

The raster's tag ``grade`` is ``measured`` for CORINE, ``estimated`` for WorldCover (its
classes mapped to CORINE). A code outside the product's code list is a
:class:`~minettgeo.errors.ProductCodeError`.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import rasterio
from affine import Affine
from rasterio.enums import Resampling
from rasterio.features import rasterize
from rasterio.warp import reproject

from minettgeo import CRS
from minettgeo.errors import ProductCodeError
from minettgeo.importers.mapping import merge, missing_column_error, shipped_mapping
from minettgeo.importers.request import ImportRequest, Staged, StagedRaster
from minettgeo.importers.source import raster_crs, read_product_vector
from minettgeo.layers.codes import CLC_LEVEL3, LANDCOVER_NODATA, RASTER_GRADE_TAG

RESOLUTION_M = 10.0
#: CORINE vector codes that mean no data or unclassified
CLC_VECTOR_NODATA = ("999", "990", "995")
#: CORINE raster grid codes that mean no data (48), unclassified (49, 50) or outside (128)
CLC_GRID_NODATA = (48, 49, 50, 128, 255)
WORLDCOVER_NODATA = 0
#: data-quality grade written as the raster's tag ``grade`` (docs/data-quality.md): CORINE
#: classes are the product's own level-3 codes, mapped from imagery for these very areas
#: (measured, at the product's 25 ha / 100 m resolution); WorldCover classes are mapped to
#: CORINE by a many-to-one table (tree cover -> one forest type, ...): estimated
CORINE_GRADE = "measured"
WORLDCOVER_GRADE = "estimated"


def _table(name: str) -> pd.DataFrame:
    path = resources.files("minettgeo.importers") / "data" / name
    with resources.as_file(path) as p:
        return pd.read_csv(p)


def target_grid(
    req: ImportRequest, bounds: tuple[float, float, float, float]
) -> tuple[Affine, int, int]:
    """10 m LUREF grid over the communes of ``--out`` (or ``bounds``), corners on 10 m."""
    communes = req.existing.get("communes")
    if communes is not None and len(communes):
        if req.communes:
            communes = communes[communes["lau2"].isin(req.communes)]
        bounds = tuple(communes.total_bounds)
    west = np.floor(bounds[0] / RESOLUTION_M) * RESOLUTION_M
    south = np.floor(bounds[1] / RESOLUTION_M) * RESOLUTION_M
    east = np.ceil(bounds[2] / RESOLUTION_M) * RESOLUTION_M
    north = np.ceil(bounds[3] / RESOLUTION_M) * RESOLUTION_M
    width, height = int((east - west) / RESOLUTION_M), int((north - south) / RESOLUTION_M)
    return Affine(RESOLUTION_M, 0, west, 0, -RESOLUTION_M, north), width, height


def lookup(
    values: np.ndarray, table: dict[int, int], nodata: tuple[int, ...], src: Path, what: str
) -> np.ndarray:
    """Codes translated through ``table`` (nodata values -> 0); ProductCodeError for others."""
    unique = np.unique(values)
    unknown = [int(v) for v in unique if int(v) not in table and int(v) not in nodata]
    if unknown:
        raise ProductCodeError(
            f"{src}: pixel values {', '.join(map(str, unknown[:10]))} are not {what}; "
            f"allowed: {', '.join(map(str, sorted(table)))} and no data {', '.join(map(str, nodata))}. "
            "Check that the file is this product (the CORINE raster holds grid codes 1-44, "
            "WorldCover classes 10-100)"
        )
    lut = np.zeros(int(max(unique.max(), max(nodata), max(table))) + 1, dtype=np.uint16)
    for k, v in table.items():
        lut[k] = v
    return lut[values.astype(np.int64)]


def warp_codes(
    src: Path, table: dict[int, int], nodata: tuple[int, ...], req: ImportRequest, what: str
) -> StagedRaster:
    """A categorical raster translated to CORINE codes and warped (nearest) to the 10 m grid."""
    crs, bounds = raster_crs(src)
    with rasterio.open(src) as ds:
        data = ds.read(1)
        mask = ds.read_masks(1) == 0
        src_transform = ds.transform
    codes = lookup(np.where(mask, nodata[0], data), table, nodata, src, what)
    from rasterio.warp import transform_bounds

    transform, width, height = target_grid(req, transform_bounds(crs, CRS, *bounds))
    out = np.zeros((height, width), dtype=np.uint16)
    reproject(
        codes,
        out,
        src_transform=src_transform,
        src_crs=crs.to_wkt(),
        dst_transform=transform,
        dst_crs=CRS,
        resampling=Resampling.nearest,
        src_nodata=LANDCOVER_NODATA,
        dst_nodata=LANDCOVER_NODATA,
    )
    return StagedRaster(out, transform, {})


def corine_raster(req: ImportRequest) -> StagedRaster:
    """CORINE raster (grid codes, or level-3 codes) on the 10 m grid."""
    with rasterio.open(req.src) as ds:
        sample = np.unique(ds.read(1, out_shape=(min(ds.height, 512), min(ds.width, 512))))
    direct = sample[~np.isin(sample, CLC_GRID_NODATA) & (sample != 0)]
    if len(direct) and direct.min() >= min(CLC_LEVEL3):
        return warp_codes(
            req.src, {c: c for c in CLC_LEVEL3}, (0, 255, 999), req, "CORINE level-3 codes"
        )
    grid = _table("clc_grid_codes.csv")
    table = dict(zip(grid["grid_code"].astype(int), grid["clc_code"].astype(int), strict=True))
    return warp_codes(req.src, table, CLC_GRID_NODATA, req, "CORINE raster grid codes (1-44)")


def corine_vector(req: ImportRequest) -> StagedRaster:
    """CORINE polygons rasterized at 10 m (cell centre rule)."""
    mapping = merge(shipped_mapping("corine"), req.mapping)
    gdf = read_product_vector(req.src)
    column = mapping.columns["landcover"]
    if column not in gdf.columns:
        raise missing_column_error(
            req.src, mapping, "landcover", column, [str(c) for c in gdf.columns if c != "geometry"]
        )
    text = gdf[column].astype("string").str.strip()
    known = text.isin([str(c) for c in CLC_LEVEL3]) | text.isin(CLC_VECTOR_NODATA)
    if (~known.fillna(False)).any():
        bad = sorted({str(v) for v in text[~known.fillna(False)]})[:10]
        raise ProductCodeError(
            f"{req.src}: column '{column}' holds value(s) that are not CORINE level-3 codes "
            f"({', '.join(repr(v) for v in bad)}); allowed: 111 ... 523 (CLC nomenclature) and "
            f"{', '.join(CLC_VECTOR_NODATA)} for no data. Check the column (Code_18 for CLC2018, "
            "Code_12 for CLC2012) or pass --mapping"
        )
    codes = pd.to_numeric(text, errors="coerce").where(~text.isin(CLC_VECTOR_NODATA), 0)
    transform, width, height = target_grid(req, tuple(gdf.total_bounds))
    shapes = (
        (g, int(c)) for g, c in zip(gdf.geometry, codes, strict=True) if g is not None and c > 0
    )
    out = rasterize(shapes, out_shape=(height, width), transform=transform, fill=0, dtype="uint16")
    return StagedRaster(out, transform, {})


def import_corine(req: ImportRequest) -> Staged:
    """``landcover`` (or ``landcover_before``) from a CORINE file, vector or GeoTIFF."""
    tif = Path(req.src).suffix.lower() in (".tif", ".tiff")
    raster = corine_raster(req) if tif else corine_vector(req)
    return _staged(
        req,
        raster,
        "CORINE Land Cover (EEA, Copernicus Land Monitoring Service)",
        "CC-BY-4.0 (Copernicus)",
        CORINE_GRADE,
    )


def import_worldcover(req: ImportRequest) -> Staged:
    """``landcover`` from an ESA WorldCover 10 m tile, classes mapped to CORINE."""
    table = _table("worldcover_to_clc.csv")
    mapping = dict(zip(table["worldcover"].astype(int), table["clc_code"].astype(int), strict=True))
    raster = warp_codes(
        req.src, mapping, (WORLDCOVER_NODATA,), req, "ESA WorldCover classes (10-100)"
    )
    return _staged(
        req,
        raster,
        "ESA WorldCover 10 m (classes mapped by worldcover_to_clc.csv)",
        "CC-BY-4.0 (ESA WorldCover project)",
        WORLDCOVER_GRADE,
    )


def _staged(
    req: ImportRequest, raster: StagedRaster, source: str, licence: str, grade: str
) -> Staged:
    name = req.only or "landcover"
    tags = {
        "source": source,
        "licence": licence,
        "product_file": Path(req.src).name,
        "modelled": "false",
        RASTER_GRADE_TAG: grade,
    }
    if req.year is not None:
        tags["year"] = str(req.year)
    return Staged(
        rasters={name: StagedRaster(raster.array, raster.transform, tags)},
        notes=[f"{int((raster.array > 0).sum()):,} cells of 10 m with a land-cover code"],
    )


__all__ = ["import_corine", "import_worldcover"]
