"""Shared helpers of the importer tests: the product fixtures and a base region built from them."""

from __future__ import annotations

import hashlib
from pathlib import Path

from click.testing import CliRunner, Result

ROOT = Path(__file__).resolve().parents[1]
PRODUCTS = ROOT / "tests" / "fixtures" / "products"
MODEL = ROOT / "layers" / "model"


def cli(*args: str) -> Result:
    """``minettgeo ARGS`` in-process through the real command group (its error handling)."""
    from minettgeo.cli import main

    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def imp(kind: str, src: Path, out: Path, *args: str) -> Result:
    """``minettgeo import KIND SRC --out OUT --model layers/model ARGS``."""
    return cli("import", kind, str(src), "--out", str(out), "--model", str(MODEL), *args)


def base_region(out: Path) -> Path:
    """Communes (generic + mapping) and ACT parcels imported into ``out``."""
    for result in (
        imp(
            "generic",
            PRODUCTS / "communes.geojson",
            out,
            "--mapping",
            str(PRODUCTS / "communes_mapping.yaml"),
        ),
        imp("act-parcels", PRODUCTS / "act_parcels.gpkg", out),
    ):
        assert result.exit_code == 0, result.output
    return out


def folder_state(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder`` (names relative to it), to prove nothing changed."""
    if not folder.exists():
        return {}
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }
