"""GDAL's OGC API - Features client (ogrinfo, ogr2ogr through the OAPIF driver) against
``minettgeo serve`` on the full-scale run, on a free loopback port."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import numpy as np
import pandas as pd
import pyogrio
import pytest

from api_support import serving
from minettgeo.layers import io

pytestmark = [pytest.mark.client, pytest.mark.fullscale]


def gdal(tool: str, *args: str) -> str:
    exe = shutil.which(tool)
    assert exe is not None, (
        f"{tool} is missing: the test command installs gdal-bin (python3 tasks.py test)"
    )
    done = subprocess.run([exe, *args], capture_output=True, text=True, check=False, timeout=900)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def server(results_root: Path) -> Iterator[str]:
    with serving(results_root) as base:
        yield base


def test_ogrinfo_lists_collections_and_reads_the_schema(server: str, run_dir: Path) -> None:
    listing = gdal("ogrinfo", "-ro", "-q", f"OAPIF:{server}/ogc")
    gpkg = run_dir / "minettgeo.gpkg"
    for name in io.list_layers(gpkg):
        assert re.search(rf"\b{name}\b", listing), (name, listing)
    summary = gdal("ogrinfo", "-ro", "-so", f"OAPIF:{server}/ogc", "parcels")
    assert "TITLE=Parcels (parcelles)" in summary
    count = int(re.search(r"Feature Count: (\d+)", summary).group(1))  # type: ignore[union-attr]
    # every parcel of the run, at the region's real size (the Minett has over 100,000 parcels)
    assert count == pyogrio.read_info(gpkg, layer="parcels")["features"] > 100_000
    for field in ("parcel_id: String", "ghg_tco2e_a: Real", "sink_rank: Integer"):
        assert field in summary, field
    # parcels are published as a MultiPolygon layer whatever their parts, and GDAL reads that type
    assert pyogrio.read_info(gpkg, layer="parcels")["geometry_type"] == "MultiPolygon"
    assert "Geometry: Multi Polygon" in summary


def test_ogr2ogr_bbox_subset_and_feature_by_id(server: str, run_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "subset.gpkg"
    box = ("5.97", "49.49", "5.99", "49.51")
    gdal(
        "ogr2ogr", "-oo", "PAGE_SIZE=1000", "-f", "GPKG", str(out), f"OAPIF:{server}/ogc",
        "parcels", "-spat", *box,
    )  # fmt: skip
    copied = pyogrio.read_dataframe(out)
    matched = httpx.get(
        f"{server}/ogc/collections/parcels/items",
        params={"bbox": ",".join(box), "limit": 1},
        timeout=120,
    ).json()["numberMatched"]
    assert 500 < len(copied) == matched
    # the same parcels, the same values as the results GeoPackage
    expected = io.read_vector(run_dir / "minettgeo.gpkg", "parcels").set_index("parcel_id")
    got = copied.set_index("parcel_id")
    assert got.index.is_unique
    for col in ("ghg_tco2e_a", "carbon_stock_tc", "sink_potential_2050_tco2_a", "area_m2"):
        np.testing.assert_allclose(
            got[col].to_numpy(), expected.loc[got.index, col].to_numpy(), rtol=1e-12
        )
    # the box selects what intersects it: parcels whose centroid is well inside are all there
    centres = expected.geometry.centroid.to_crs("OGC:CRS84")
    inside = expected.index[
        (centres.x > 5.971) & (centres.x < 5.989) & (centres.y > 49.491) & (centres.y < 49.509)
    ]
    assert set(inside) <= set(got.index)
    # by id (the GeoPackage fid): ogrinfo -fid asks /items/{fid}
    fid = pyogrio.read_info(run_dir / "minettgeo.gpkg", layer="parcels")["features"]  # the last
    one = gdal("ogrinfo", "-ro", "-q", f"OAPIF:{server}/ogc", "parcels", "-fid", str(fid))
    last = pyogrio.read_dataframe(
        run_dir / "minettgeo.gpkg", layer="parcels", fids=[fid], columns=["parcel_id"]
    )
    assert f"parcel_id (String) = {last['parcel_id'].iloc[0]}" in one


def test_ogr2ogr_copies_every_parcel(server: str, run_dir: Path, tmp_path: Path) -> None:
    """Paging through all the sample's parcels (over 100,000), 1,000 a page, the way QGIS and GDAL read a layer."""
    out = tmp_path / "parcels.gpkg"
    gdal(
        "ogr2ogr", "-oo", "PAGE_SIZE=1000", "-f", "GPKG", str(out), f"OAPIF:{server}/ogc",
        "parcels",
    )  # fmt: skip
    copied = pyogrio.read_dataframe(out, columns=["parcel_id", "ghg_tco2e_a"], read_geometry=False)
    expected = pyogrio.read_dataframe(
        run_dir / "minettgeo.gpkg", layer="parcels", columns=["parcel_id", "ghg_tco2e_a"],
        read_geometry=False,
    )  # fmt: skip
    assert len(copied) == len(expected) > 100_000
    pd.testing.assert_frame_equal(copied, expected, check_exact=False, rtol=1e-12)
