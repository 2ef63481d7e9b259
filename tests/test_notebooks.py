"""The worked-example notebooks run from top to bottom on the full sample region's results."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"

pytestmark = pytest.mark.fullscale


@pytest.mark.parametrize("name", ["sinks.ipynb"])
def test_notebook_executes(
    name: str, run_dir: Path, sample_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MINETTGEO_RESULTS", str(run_dir))
    monkeypatch.setenv("MINETTGEO_LAYERS", str(sample_dir))
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
    ).execute()
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    text = "".join(
        str(o.get("data", {}).get("text/plain", "")) + str(o.get("text", "")) for o in outputs
    )
    assert "afforestation_broadleaf" in text and "Region" in text


def test_notebooks_are_built_from_their_sources() -> None:
    """notebooks/build_notebooks.py is the source; the .ipynb must match it."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "build_notebooks", NOTEBOOKS / "build_notebooks.py"
    )
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    nb = nbformat.read(NOTEBOOKS / "sinks.ipynb", as_version=4)
    assert [c.source for c in nb.cells] == [src for _, src in module.SINKS]
    assert (NOTEBOOKS / "sinks.ipynb").stat().st_size > 0
