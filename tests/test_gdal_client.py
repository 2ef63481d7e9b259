"""GDAL's own command-line tools (gdal-bin) read what minettgeo writes: a real-client check."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import geopandas as gpd
import pytest

pytestmark = [pytest.mark.client, pytest.mark.fullscale]


def gdal(tool: str, *args: str) -> str:
    exe = shutil.which(tool)
    assert exe is not None, (
        f"{tool} is missing: the test command installs gdal-bin (python3 tasks.py test)"
    )
    return subprocess.run([exe, *args], capture_output=True, text=True, check=True).stdout


def test_ogrinfo_reads_every_layer(
    sample_dir: Path, sample_layers: dict[str, gpd.GeoDataFrame]
) -> None:
    gpkg = str(sample_dir / "region.gpkg")
    listing = gdal("ogrinfo", "-ro", "-q", gpkg)
    for name in sample_layers:
        assert re.search(rf"\b{name}\b", listing), name
    for name, gdf in sample_layers.items():
        summary = gdal("ogrinfo", "-ro", "-so", gpkg, name)
        count = int(re.search(r"Feature Count: (\d+)", summary).group(1))  # type: ignore[union-attr]
        assert count == len(gdf), name
        assert 'EPSG",2169' in summary.replace(" ", "") or "2169" in summary


def test_ogr2ogr_copies_parcels_by_bbox(sample_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "esch.gpkg"
    gdal(
        "ogr2ogr",
        "-f",
        "GPKG",
        "-spat",
        "66000",
        "62000",
        "67000",
        "63000",
        str(out),
        str(sample_dir / "region.gpkg"),
        "parcels",
    )
    copied = gpd.read_file(out)
    assert 500 < len(copied) < 20_000
    assert copied.crs.to_epsg() == 2169


def test_gdalinfo_sees_a_cog(sample_dir: Path) -> None:
    info = gdal("gdalinfo", str(sample_dir / "landcover.tif"))
    assert "LAYOUT=COG" in info
    assert "Pixel Size = (10.000000000000000,-10.000000000000000)" in info
    assert "NoData Value=0" in info
