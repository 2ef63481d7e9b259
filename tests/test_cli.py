"""The command line as a user runs it: help, exit codes 0/1/2, messages without tracebacks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import rasterio
from affine import Affine

from minettgeo.layers import io

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "minettgeo", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def test_help_on_every_command() -> None:
    """Every registered command (and the group) answers --help with its own usage line."""
    from minettgeo.cli import main

    names = sorted(main.commands)
    assert {"run", "inventory", "sample", "validate", "contracts", "check-policy"} <= set(names)
    for command in [[], *([name] for name in names)]:
        result = run(*command, "--help")
        assert result.returncode == 0, command
        assert f"Usage: python -m minettgeo {' '.join(command)}".rstrip() in result.stdout, command


def test_usage_errors_exit_2() -> None:
    assert run("sample", "--seed", "abc").returncode == 2
    negative = run("sample", "--seed", "-1")
    assert negative.returncode == 2 and "--seed" in negative.stderr
    assert run("validate").returncode == 2
    assert run("frobnicate").returncode == 2


def test_sample_small_region(tmp_path: Path) -> None:
    result = run("sample", "--communes", "0212", "--out", str(tmp_path), "--seed", "5")
    assert result.returncode == 0, result.stderr
    assert "[sample 1/8] blocks" in result.stderr  # progress
    assert "wrote" in result.stdout and str(tmp_path / "region.gpkg") in result.stdout
    assert io.list_layers(tmp_path / "region.gpkg") == [
        "communes",
        "districts",
        "parcels",
        "buildings",
        "roads",
        "protected_areas",
    ]
    rasters = {"landcover.tif", "landcover_before.tif", "forest_age.tif"}
    assert rasters <= {p.name for p in tmp_path.iterdir()}
    for raster in sorted(rasters):
        checked = run("validate", str(tmp_path / raster))
        assert checked.returncode == 0, checked.stdout
    validated = run("validate", str(tmp_path / "region.gpkg"))
    assert validated.returncode == 0, validated.stdout
    assert "parcels: valid" in validated.stdout


def test_sample_unknown_commune_is_a_clear_error(tmp_path: Path) -> None:
    result = run("sample", "--communes", "0212,9999", "--out", str(tmp_path))
    assert result.returncode == 1
    assert "--communes: unknown commune(s) '9999'" in result.stderr
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_validate_broken_layer_lists_every_problem(
    tmp_path: Path, toy_communes: gpd.GeoDataFrame, toy_parcels: gpd.GeoDataFrame
) -> None:
    broken = toy_parcels.drop(columns=["owner_type"]).copy()
    broken.loc[2, "zoning"] = "casino"
    path = io.write_vectors(tmp_path / "broken.gpkg", {"communes": toy_communes, "parcels": broken})
    result = run("validate", str(path))
    assert result.returncode == 1
    assert "communes: valid" in result.stdout
    assert "parcels: INVALID" in result.stdout
    assert "column 'owner_type'" in result.stdout
    assert "'casino'" in result.stdout and "P3" in result.stdout
    assert "Traceback" not in result.stderr


def test_validate_single_layer_file_with_kind_and_region(
    tmp_path: Path, toy_communes: gpd.GeoDataFrame, toy_parcels: gpd.GeoDataFrame
) -> None:
    region = io.write_vectors(tmp_path / "region.gpkg", {"communes": toy_communes})
    parquet = io.write_vectors(
        tmp_path / "cadastre.parquet", {"cadastre": toy_parcels.to_crs("EPSG:4326")}
    )
    result = run("validate", str(parquet), "--kind", "parcels", "--region", str(region))
    assert result.returncode == 0, result.stdout
    assert "reprojected" in result.stdout
    strict = run("validate", str(parquet), "--kind", "parcels", "--region", str(region), "--strict")
    assert strict.returncode == 1


def test_validate_raster_without_crs(tmp_path: Path) -> None:
    path = tmp_path / "lc.tif"
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=2,
        height=1,
        count=1,
        dtype="uint16",
        transform=Affine(10, 0, 0, 0, -10, 0),
        nodata=0,
    ) as dst:
        dst.write(np.array([[311, 211]], dtype=np.uint16), 1)
    result = run("validate", str(path))
    assert result.returncode == 1
    assert "missing-crs" in result.stdout


def test_validate_missing_file() -> None:
    result = run("validate", "/nonexistent/region.gpkg")
    assert result.returncode == 1
    assert "no such file" in result.stderr


def test_contracts_doc_is_up_to_date() -> None:
    from minettgeo.layers.docs import render_contracts

    assert (ROOT / "docs" / "layers.md").read_text(
        encoding="utf-8"
    ).strip() == render_contracts().strip()


def test_run_and_inventory_commands(tmp_path: Path) -> None:
    layers = tmp_path / "layers"
    assert run("sample", "--communes", "0212", "--out", str(layers), "--quiet").returncode == 0
    result = run(
        "run", "--layers", str(layers), "--out", str(tmp_path / "results"), "--draws", "100"
    )
    assert result.returncode == 0, result.stderr
    assert "[run 1/10] loading" in result.stderr
    assert "BASIC" in result.stdout and "Mt CO2e/a" in result.stdout
    assert (tmp_path / "results" / "current" / "gpc_inventory.csv").exists()
    assert "net flux" in result.stdout and "sink potential (scenario" in result.stdout
    assert "policy-dependent" in result.stdout
    bad = tmp_path / "wg.csv"
    bad.write_text("measure,category\nhedgerow,land_management\n")
    refused = run("run", "--layers", str(layers), "--sink-assumptions", str(bad))
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert f"sink assumptions {bad}" in refused.stderr and "uptake_central" in refused.stderr
    table = run("inventory", "--results", str(tmp_path / "results"))
    assert table.returncode == 0
    assert "II.1.1" in table.stdout and "NE" in table.stdout and "90 % interval" in table.stdout
    commune = run("inventory", "--results", str(tmp_path / "results"), "--commune", "0212")
    assert "Rumelange" in commune.stdout
    missing = run("inventory", "--results", str(tmp_path / "results"), "--commune", "0204")
    assert missing.returncode == 1 and "not in the inventory" in missing.stderr


def test_run_refuses_bad_parameters_cleanly(tmp_path: Path) -> None:
    assert run("run", "--gwp", "AR3").returncode == 2
    result = run("run", "--layers", str(tmp_path), "--draws", "0")
    assert (
        result.returncode == 2 and "--draws" in result.stderr and "Traceback" not in result.stderr
    )
    result = run("run", "--layers", str(tmp_path / "nothing"))
    assert result.returncode == 1 and "minettgeo sample" in result.stderr
    assert run("inventory", "--results", str(tmp_path)).returncode == 1
