"""Bad input layers and parameters, fed through the real command (issue 7, item 9).

Every case: a message on stderr naming the file, layer, column or option; exit 1 (bad input) or
2 (usage error); no traceback; and the previous results folder byte-for-byte unchanged.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import rasterio

import toy_region
from minettgeo.layers import io
from results_helpers import assert_refused, invoke, snapshot

LAYER_NAMES = ("communes", "districts", "parcels", "buildings", "roads")


@pytest.fixture(scope="module")
def previous(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The toy region and the results of one good run: (layers, results)."""
    base = tmp_path_factory.mktemp("previous")
    layers = toy_region.build(base / "layers")
    results = base / "results"
    done = invoke(
        "run", "--layers", str(layers), "--out", str(results), "--draws", "100", "--quiet"
    )
    assert done.code == 0, done.stderr
    return layers, results


def variant(
    previous: tuple[Path, Path],
    target: Path,
    change: Callable[[dict[str, gpd.GeoDataFrame]], None] | None = None,
) -> Path:
    """A copy of the toy layers into ``target``, with ``change`` applied to its vector layers."""
    layers, _ = previous
    shutil.copytree(layers, target)
    if change is not None:
        frames = {name: io.read_vector(layers / "region.gpkg", name) for name in LAYER_NAMES}
        change(frames)
        (target / "region.gpkg").unlink()
        io.write_vectors(target / "region.gpkg", frames)
    return target


def refused_run(
    previous: tuple[Path, Path],
    layers: Path,
    code: int,
    *fragments: str,
    extra: tuple[str, ...] = (),
) -> str:
    """``minettgeo run`` on ``layers`` into the previous results: refused, results unchanged."""
    _, results = previous
    before = snapshot(results)
    result = invoke(
        "run", "--layers", str(layers), "--out", str(results), "--draws", "100", "--quiet", *extra
    )
    assert_refused(result, code, *fragments)
    assert snapshot(results) == before
    return result.stderr


def set_value(layer: str, column: str, value: object, row: int = 0):
    def change(frames: dict[str, gpd.GeoDataFrame]) -> None:
        frames[layer][column] = frames[layer][column].astype(object)
        frames[layer].loc[row, column] = value

    return change


@pytest.mark.parametrize(
    ("layer", "column", "value", "kind", "feature"),
    [
        ("roads", "aadt_car", np.inf, "non-finite", "R1"),
        ("buildings", "heated_area_m2", np.inf, "non-finite", "BA"),
        ("buildings", "heated_area_m2", 1e12, "out-of-range", "BA"),
        ("buildings", "dwellings", 1e9, "out-of-range", "BA"),
        ("roads", "speed_kmh", 0.0, "out-of-range", "R1"),
        ("roads", "aadt_hgv", -np.inf, "non-finite", "R1"),
        ("communes", "population", -5, "out-of-range", "9001"),
    ],
)
def test_impossible_numbers_are_refused_by_validate_and_run(
    previous: tuple[Path, Path],
    tmp_path: Path,
    layer: str,
    column: str,
    value: float,
    kind: str,
    feature: str,
) -> None:
    layers = variant(previous, tmp_path / "layers", set_value(layer, column, value))
    checked = invoke("validate", str(layers / "region.gpkg"))
    assert checked.clean and checked.code == 1
    line = next(x for x in checked.stdout.splitlines() if f"column '{column}'" in x)
    assert f"[error: {kind}] {layer}" in line and feature in line
    refused_run(previous, layers, 1, f"layer '{layer}'", f"column '{column}'", kind, feature)


def test_implausible_numbers_are_warnings_listed_in_the_run(
    previous: tuple[Path, Path], tmp_path: Path
) -> None:
    """300,000 m2 of heated floor area in one building: possible, not plausible. The run goes on
    and lists the warning on screen and in its provenance."""
    import json

    layers = variant(previous, tmp_path / "layers", set_value("buildings", "heated_area_m2", 3e5))
    checked = invoke("validate", str(layers / "region.gpkg"))
    assert checked.code == 0 and "buildings: valid (0 error(s), 1 warning(s)" in checked.stdout
    assert "[warning: implausible] buildings: column 'heated_area_m2'" in checked.stdout
    assert invoke("validate", "--strict", str(layers / "region.gpkg")).code == 1
    results = tmp_path / "results"
    ran = invoke("run", "--layers", str(layers), "--out", str(results), "--draws", "100")
    assert ran.code == 0, ran.stderr
    assert "[warning: implausible] buildings: column 'heated_area_m2'" in ran.stdout
    prov = json.loads((results / "current" / "gpc_inventory.json").read_text())["provenance"]
    assert any("heated_area_m2" in w and "BA" in w for w in prov["warnings"])


def test_negative_forest_ages_are_refused(previous: tuple[Path, Path], tmp_path: Path) -> None:
    layers = variant(previous, tmp_path / "layers")
    with rasterio.open(layers / "landcover.tif") as src:
        transform, shape = src.transform, src.shape
    ages = np.full(shape, 40, dtype=np.int16)
    ages[:10, :10] = -5  # 100 pixels
    io.write_raster(layers / "forest_age.tif", ages, transform, "EPSG:2169", 255)
    checked = invoke("validate", str(layers / "forest_age.tif"))
    assert checked.clean and checked.code == 1
    assert "[error: out-of-range] forest_age: values -5 (100 pixels)" in checked.stdout
    refused_run(
        previous, layers, 1, "forest_age", "-5 (100 pixels)", "possible range >= 0 and <= 254 years"
    )


def test_duplicated_parcels_under_new_ids_are_overlaps(
    previous: tuple[Path, Path], tmp_path: Path
) -> None:
    def duplicate(frames: dict[str, gpd.GeoDataFrame]) -> None:
        parcels = frames["parcels"]
        copies = parcels.assign(parcel_id=[f"DUP-{i}" for i in range(len(parcels))])
        frames["parcels"] = gpd.GeoDataFrame(
            gpd.pd.concat([parcels, copies], ignore_index=True), crs=parcels.crs
        )

    layers = variant(previous, tmp_path / "layers", duplicate)
    checked = invoke("validate", str(layers / "region.gpkg"))
    assert checked.clean and checked.code == 1
    line = next(x for x in checked.stdout.splitlines() if "[error: overlap]" in x)
    # each toy parcel is a whole 1 km2 commune: 3 pairs of 1,000,000 m2
    assert "3 pair(s) of parcels overlap (3,000,000 m2 in all" in line
    assert "9001-000001 and DUP-0 (1,000,000 m2)" in line
    refused_run(previous, layers, 1, "layer 'parcels'", "overlap", "DUP-0", "9003-000001")


def test_gaps_in_the_tessellation_are_refused_with_their_location(
    previous: tuple[Path, Path], tmp_path: Path
) -> None:
    def shrink(frames: dict[str, gpd.GeoDataFrame]) -> None:
        # parcel of commune 9002 (x 61,000-62,000, y 70,000-71,000) loses its eastern 100 m
        parcels = frames["parcels"]
        parcels.loc[1, "geometry"] = gpd.GeoSeries.from_wkt(
            ["POLYGON ((61000 70000, 61900 70000, 61900 71000, 61000 71000, 61000 70000))"]
        ).iloc[0]

    layers = variant(previous, tmp_path / "layers", shrink)
    checked = invoke("validate", str(layers / "region.gpkg"))
    assert checked.clean and checked.code == 1
    line = next(x for x in checked.stdout.splitlines() if "[error: gap]" in x)
    # 100 m x 1,000 m = 100,000 m2 uncovered, its point inside at x 61,900-62,000
    assert "1 gap(s) where no parcel covers the commune (100,000 m2 in all" in line
    assert "in commune 9002 around x=61,950" in line
    refused_run(previous, layers, 1, "layer 'parcels'", "gap", "commune 9002")


def test_overlaps_among_the_full_sample_parcels(sample_dir: Path, tmp_path: Path) -> None:
    """200 of the sample region's 118,956 parcels duplicated under new ids: found by validate,
    each duplicate and its original named."""
    parcels = io.read_vector(sample_dir / "region.gpkg", "parcels")
    communes = io.read_vector(sample_dir / "region.gpkg", "communes")
    rng = np.random.default_rng(7)
    picked = parcels.iloc[np.sort(rng.choice(len(parcels), 200, replace=False))]
    copies = picked.assign(parcel_id=[f"NEW-{i:03d}" for i in range(200)])
    path = io.write_vectors(
        tmp_path / "dups.gpkg",
        {
            "communes": communes,
            "parcels": gpd.GeoDataFrame(
                gpd.pd.concat([parcels, copies], ignore_index=True), crs=parcels.crs
            ),
        },
    )
    checked = invoke("validate", str(path))
    assert checked.clean and checked.code == 1
    line = next(x for x in checked.stdout.splitlines() if "[error: overlap]" in x)
    # 200 pairs: 400 parcels involved, 10 ids shown; the 5 largest pairs each name a copy
    assert "200 pair(s) of parcels overlap" in line and "and 390 more" in line
    assert line.split("largest: ")[1].split(");")[0].count(" and NEW-") == 5
    assert "parcels: INVALID (1 error(s)" in checked.stdout  # only the overlaps


@pytest.mark.parametrize("damage", ["random", "empty", "truncated"])
def test_damaged_geopackage(previous: tuple[Path, Path], tmp_path: Path, damage: str) -> None:
    layers = variant(previous, tmp_path / "layers")
    gpkg = layers / "region.gpkg"
    data = gpkg.read_bytes()
    damaged = {
        "random": np.random.default_rng(1).bytes(len(data)),
        "empty": b"",
        "truncated": data[: len(data) // 3],
    }[damage]
    gpkg.write_bytes(damaged)
    checked = invoke("validate", str(gpkg))
    assert_refused(checked, 1, str(gpkg))
    refused_run(previous, layers, 1, str(gpkg))


@pytest.mark.parametrize("raster", ["landcover.tif", "landcover_before.tif", "forest_age.tif"])
@pytest.mark.parametrize("damage", ["random", "truncated"])
def test_damaged_geotiff(
    previous: tuple[Path, Path], tmp_path: Path, raster: str, damage: str
) -> None:
    layers = variant(previous, tmp_path / "layers")
    path = layers / raster
    if not path.exists():  # the toy has land cover only: the others copy its grid
        shutil.copy(layers / "landcover.tif", path)
    data = path.read_bytes()
    path.write_bytes(
        np.random.default_rng(2).bytes(len(data)) if damage == "random" else data[: len(data) // 2]
    )
    checked = invoke("validate", str(path))
    assert_refused(checked, 1, str(path), "not a readable GeoTIFF")
    refused_run(previous, layers, 1, str(path), "not a readable GeoTIFF")


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"", "the file is empty"), (bytes(range(256)) * 8, "not a readable CSV factor table")],
)
def test_unreadable_override_file(
    previous: tuple[Path, Path], tmp_path: Path, content: bytes, reason: str
) -> None:
    layers, _ = previous
    override = tmp_path / "grid_factors.csv"
    override.write_bytes(content)
    refused_run(previous, layers, 1, str(override), reason, extra=("--override", str(override)))


@pytest.mark.parametrize("option", ["--carbon-table", "--sink-rules"])
@pytest.mark.parametrize("content", [b"", bytes(range(256)) * 8])
def test_unreadable_land_table(
    previous: tuple[Path, Path], tmp_path: Path, option: str, content: bytes
) -> None:
    layers, _ = previous
    table = tmp_path / "table.csv"
    table.write_bytes(content)
    refused_run(
        previous, layers, 1, str(table), "not a readable CSV table", extra=(option, str(table))
    )


def test_negative_factor_override_is_refused_like_the_option(
    previous: tuple[Path, Path], tmp_path: Path
) -> None:
    """One validation for factors: -5 kg CO2e/kWh in an override file, and -1 as an option."""
    layers, _ = previous
    override = tmp_path / "grid_factors.csv"
    override.write_text(
        "carrier,gas,unit,value,low,high,source,year\n"
        "electricity,CO2e,kg CO2e/kWh,-5,-6,-4,test,2026\n"
    )
    refused_run(
        previous,
        layers,
        1,
        "factor table 'grid_factors'",
        str(override),
        "line 2 (electricity / CO2e)",
        "value -5",
        "plausible range 0 - 1.5 kg CO2e/kWh",
        extra=("--override", str(override)),
    )
    refused_run(
        previous,
        layers,
        1,
        "factor table 'grid_factors'",
        "electricity factor",
        "value -1",
        "non-negative",
        extra=("--electricity-factor", "-1"),
    )
    refused_run(previous, layers, 1, "not finite", extra=("--district-heat-factor", "inf"))


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--dh-cell-threshold", "nan"),
        ("--dh-cell-threshold", "inf"),
        ("--dh-area-threshold", "0"),
        ("--draws", "1"),
        ("--draws", "99"),
    ],
)
def test_bad_run_options_are_usage_errors(
    previous: tuple[Path, Path], option: str, value: str
) -> None:
    layers, _ = previous
    refused_run(previous, layers, 2, option, extra=(option, value))


def test_integer_commune_codes_are_padded(previous: tuple[Path, Path], tmp_path: Path) -> None:
    """lau2 written as numbers (104, 205, 306): padded to four digits on load (reported), so
    ``inventory --commune 0104`` finds the commune."""
    codes = {"9001": 104, "9002": 205, "9003": 306}

    def as_numbers(frames: dict[str, gpd.GeoDataFrame]) -> None:
        for name in ("communes", "districts", "parcels"):
            frames[name]["lau2"] = frames[name]["lau2"].map(codes).astype("int64")

    layers = variant(previous, tmp_path / "layers", as_numbers)
    checked = invoke("validate", str(layers / "region.gpkg"))
    assert checked.code == 0, checked.stdout
    assert "[repaired: normalised] communes: column 'lau2'" in checked.stdout
    assert "104 -> 0104" in checked.stdout
    results = tmp_path / "results"
    assert invoke("run", "--layers", str(layers), "--out", str(results), "--quiet").code == 0
    for asked in ("0104", "104"):
        shown = invoke("inventory", "--results", str(results), "--commune", asked)
        assert shown.code == 0, shown.stderr
        assert "GPC inventory: Alpha" in shown.stdout


def test_validate_region_is_honoured(previous: tuple[Path, Path], tmp_path: Path) -> None:
    """``--region`` replaces the file's own communes as the region features must lie in."""
    layers, _ = previous
    other = gpd.GeoDataFrame(
        {"lau2": ["9001"], "name": ["Alpha"], "population": [100]},
        geometry=gpd.GeoSeries.from_wkt(
            ["POLYGON ((60000 70000, 61000 70000, 61000 71000, 60000 71000, 60000 70000))"]
        ),
        crs="EPSG:2169",
    )
    region = io.write_vectors(tmp_path / "alpha.gpkg", {"communes": other})
    plain = invoke("validate", str(layers / "region.gpkg"))
    assert plain.code == 0, plain.stdout
    bounded = invoke("validate", str(layers / "region.gpkg"), "--region", str(region))
    assert bounded.clean and bounded.code == 1
    line = next(
        x
        for x in bounded.stdout.splitlines()
        if "parcels: column" not in x and "[error: outside-region] parcels" in x
    )
    assert "9002-000001" in line and "9003-000001" in line and "9001-000001" not in line


def test_output_under_a_regular_file(previous: tuple[Path, Path], tmp_path: Path) -> None:
    layers, _ = previous
    blocker = tmp_path / "notes.txt"
    blocker.write_text("keep me")
    result = invoke(
        "run", "--layers", str(layers), "--out", str(blocker / "results"), "--draws", "100"
    )
    assert_refused(result, 1, "--out", str(blocker), "is a regular file")
    assert "[run 2/" not in result.stderr  # refused before any computation
    assert blocker.read_text() == "keep me"


def test_output_on_a_read_only_filesystem(
    previous: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The filesystem refuses every new file (EROFS): refused before loading anything."""
    import errno
    import os

    import minettgeo.pipeline as pipeline
    from minettgeo.results import store

    layers, _ = previous
    loaded: list[Path] = []
    monkeypatch.setattr(pipeline, "load_inputs", lambda d, o: loaded.append(d))

    def read_only(*args: object, **kwargs: object) -> tuple[int, str]:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(store.tempfile, "mkstemp", read_only)
    result = invoke("run", "--layers", str(layers), "--out", str(tmp_path / "results"))
    assert_refused(result, 1, "--out", "Read-only file system", "nothing was computed or written")
    assert loaded == [] and not (tmp_path / "results").exists()


def test_full_disk_while_writing_a_raster(
    previous: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """ENOSPC from the GeoTIFF writer after the GeoPackage and inventory are staged: the run
    fails with the reason, the staging folder is removed, the previous run stays current."""
    import errno

    import rasterio.shutil

    layers, results = previous

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(rasterio.shutil, "copy", disk_full)
    before = snapshot(results)
    result = invoke(
        "run", "--layers", str(layers), "--out", str(results), "--draws", "100", "--seed", "9"
    )
    assert_refused(result, 1, "heat_density.tif", "No space left on device", "unchanged")
    assert snapshot(results) == before
