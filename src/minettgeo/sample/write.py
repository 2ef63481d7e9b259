"""Writing a built sample region: the vector layers (GeoPackage or GeoParquet), the rasters as
COGs and the manifest (hashes, inputs, metadata, calibration); atomically."""

from __future__ import annotations

import json
from pathlib import Path

from minettgeo import CRS
from minettgeo.layers import io
from minettgeo.layers.codes import LANDCOVER_NODATA
from minettgeo.layers.region import (
    FOREST_AGE_FILE,
    LANDCOVER_BEFORE_FILE,
    LANDCOVER_FILE,
    REGION_FILE,
)
from minettgeo.sample import landcover as lc
from minettgeo.sample.calibration import calibration_summary
from minettgeo.sample.metadata import GENERATOR, layer_metadata
from minettgeo.sample.sample_region import SampleRegion
from minettgeo.sample.sources import sha256_of

MANIFEST_FILE = "manifest.json"


def write_sample_region(sample: SampleRegion, out_dir: Path, fmt: str = "gpkg") -> list[Path]:
    """Write the layers (GeoPackage or GeoParquet), the land-cover COG and a manifest; atomically."""
    out_dir = Path(out_dir)
    meta = layer_metadata(sample)
    written: list[Path] = []
    if fmt == "gpkg":
        written.append(io.write_vectors(out_dir / REGION_FILE, sample.vectors, meta))
    else:
        for name, gdf in sample.vectors.items():
            written.append(io.write_vectors(out_dir / f"{name}.parquet", {name: gdf}, meta))
    written.append(
        io.write_raster(
            out_dir / LANDCOVER_FILE,
            sample.landcover,
            sample.transform,
            CRS,
            LANDCOVER_NODATA,
            tags=meta["landcover"],
            band_description="CORINE Land Cover level-3 code",
        )
    )
    written.append(
        io.write_raster(
            out_dir / LANDCOVER_BEFORE_FILE,
            sample.landcover_before,
            sample.transform,
            CRS,
            LANDCOVER_NODATA,
            tags=meta["landcover_before"],
            band_description=f"CORINE Land Cover level-3 code, {lc.PREVIOUS_YEAR}",
        )
    )
    written.append(
        io.write_raster(
            out_dir / FOREST_AGE_FILE,
            sample.forest_age,
            sample.transform,
            CRS,
            lc.AGE_NODATA,
            tags=meta["forest_age"],
            band_description="forest stand age, years",
        )
    )
    manifest = {
        "generator": GENERATOR,
        "seed": sample.seed,
        "communes": sample.communes["lau2"].tolist(),
        "files": {p.name: sha256_of(p) for p in written},
        "inputs": dict(sample.sources.file_hashes),
        "notes": list(sample.sources.notes),
        "metadata": meta,
        "calibration": calibration_summary(sample),
    }
    manifest_path = out_dir / MANIFEST_FILE
    with io.atomic_path(manifest_path) as tmp:
        tmp.write_text(json.dumps(manifest, indent=2, ensure_ascii=False, default=str))
    written.append(manifest_path)
    return written
