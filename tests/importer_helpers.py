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
    """Communes (ACT boundaries with the STATEC population) and ACT parcels imported into ``out``."""
    for result in (
        imp(
            "act-communes",
            PRODUCTS / "act_communes.geojson",
            out,
            "--population",
            str(PRODUCTS / "statec_population_lustat.csv"),
        ),
        imp("act-parcels", PRODUCTS / "act_parcels.gpkg", out),
    ):
        assert result.exit_code == 0, result.output
    return out


def refused(layers: Path, kind: str, src: Path, *args: str) -> str:
    """Run the import, check it failed cleanly (exit 1, no traceback) and left --out as it was
    (every file byte-identical, no temporary file); its message."""
    before = folder_state(layers)
    result = imp(kind, src, layers, *args)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert folder_state(layers) == before
    assert not list(layers.glob(".*")), "no temporary file left behind"
    return result.output


def folder_state(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder`` (names relative to it), to prove nothing changed."""
    if not folder.exists():
        return {}
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }
