"""Shared fixtures.

The full-size sample region is built once per test run (``fullscale`` tests share it, also across
pytest-xdist workers, through a lock file) into the session's temporary root.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from minettgeo import CRS

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ROOT / "layers"
SAMPLE_SEED = 2028


@pytest.fixture(scope="session")
def shared_tmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A temporary directory shared by all xdist workers of this run."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def build_once(out: Path, marker: str, build: Callable[[Path], None]) -> Path:
    """Run ``build(out)`` unless ``out/marker`` exists; one xdist worker builds, the others wait."""
    with out.with_suffix(".lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        if not (out / marker).exists():
            build(out)
        fcntl.flock(handle, fcntl.LOCK_UN)
    return out


def read_layers(gpkg: Path, names: tuple[str, ...]) -> dict[str, gpd.GeoDataFrame]:
    from minettgeo.layers.io import read_vector

    return {name: read_vector(gpkg, name) for name in names}


@pytest.fixture(scope="session")
def sample_dir(shared_tmp: Path) -> Iterator[Path]:
    """Directory holding the full sample region (region.gpkg, landcover.tif, manifest.json)."""
    from minettgeo.sample.build import build_sample_region
    from minettgeo.sample.write import write_sample_region

    def build(out: Path) -> None:
        write_sample_region(build_sample_region(LAYERS, seed=SAMPLE_SEED), out)

    prebuilt = os.environ.get("MINETTGEO_TEST_SAMPLE")
    if prebuilt:
        # a region built beforehand by `minettgeo sample --seed 2028` (development only: saves the
        # build on every run; CI leaves it unset and builds the region once per run)
        if not (Path(prebuilt) / "manifest.json").exists():
            raise pytest.UsageError(f"MINETTGEO_TEST_SAMPLE={prebuilt} holds no manifest.json")
        yield Path(prebuilt)
        return
    yield build_once(shared_tmp / "sample-region", "manifest.json", build)


@pytest.fixture(scope="session")
def sample_layers(sample_dir: Path) -> dict[str, gpd.GeoDataFrame]:
    return read_layers(
        sample_dir / "region.gpkg", ("communes", "districts", "parcels", "buildings", "roads")
    )


@pytest.fixture(scope="session")
def sample_manifest(sample_dir: Path) -> dict[str, object]:
    return json.loads((sample_dir / "manifest.json").read_text())  # type: ignore[no-any-return]


def square(x: float, y: float, size: float) -> shapely.Polygon:
    return shapely.box(x, y, x + size, y + size)


@pytest.fixture()
def toy_communes() -> gpd.GeoDataFrame:
    """Two square communes side by side, 1 km x 1 km each, in LUREF."""
    return gpd.GeoDataFrame(
        {"lau2": ["9001", "9002"], "name": ["Alpha", "Beta"], "population": [1000, 2000]},
        geometry=[square(60_000, 60_000, 1000), square(61_000, 60_000, 1000)],
        crs=CRS,
    )


@pytest.fixture()
def toy_parcels() -> gpd.GeoDataFrame:
    """Four 500 m x 500 m parcels tessellating commune 9001."""
    geoms = [square(60_000 + dx, 60_000 + dy, 500) for dx in (0, 500) for dy in (0, 500)]
    return gpd.GeoDataFrame(
        {
            "parcel_id": ["P1", "P2", "P3", "P4"],
            "lau2": ["9001"] * 4,
            "zoning": ["housing", "mixed", "agricultural", "forest"],
            "owner_type": ["private", "commune", "private", "state"],
        },
        geometry=geoms,
        crs=CRS,
    )


@pytest.fixture()
def toy_buildings() -> gpd.GeoDataFrame:
    """Two buildings: 10 m x 10 m on P1 and 20 m x 10 m on P2."""
    return gpd.GeoDataFrame(
        {
            "building_id": ["B1", "B2"],
            "parcel_id": ["P1", "P2"],
            "use": ["single_family", "office"],
            "construction_period": ["1961_1970", "2017_2030"],
            "floors": [3, 2],
            "dwellings": [1, 0],
            "heating_carrier": ["natural_gas", "heat_pump"],
            "renovation_state": ["partial", "none"],
            "renovation_year": [2005, None],
        },
        geometry=[
            shapely.box(60_100, 60_100, 60_110, 60_110),
            shapely.box(60_100, 60_600, 60_120, 60_610),
        ],
        crs=CRS,
    )


@pytest.fixture(scope="session")
def results_root(sample_dir: Path, shared_tmp: Path) -> Iterator[Path]:
    """The results directory of ``minettgeo run`` on the full sample region (computed once per
    test run): ``runs/<run_id>/`` and the link ``current``. Read only: never publish into it."""
    from minettgeo.pipeline import RunOptions, run

    def build(out: Path) -> None:
        run(sample_dir, out, RunOptions(draws=1000, seed=7))

    yield build_once(shared_tmp / "run-results", "current/gpc_inventory.json", build)


@pytest.fixture(scope="session")
def run_dir(results_root: Path) -> Path:
    """The current run folder of :func:`results_root` (it holds minettgeo.gpkg, the inventory
    and the rasters)."""
    return (results_root / "current").resolve()


@pytest.fixture(scope="session")
def run_layers(run_dir: Path) -> dict[str, gpd.GeoDataFrame]:
    return read_layers(
        run_dir / "minettgeo.gpkg", ("buildings", "parcels", "districts", "communes", "roads")
    )
