"""The worked-example notebooks run from top to bottom on the full sample region's results."""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import nbformat
import pytest
from nbclient import NotebookClient

from minettgeo.report.gpc import read_inventory

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"

pytestmark = pytest.mark.fullscale


def execute(name: str, run_dir: Path, sample_dir: Path, monkeypatch: pytest.MonkeyPatch) -> list:
    """Run a notebook top to bottom on the shared full-scale results; its code-cell outputs."""
    monkeypatch.setenv("MINETTGEO_RESULTS", str(run_dir))
    monkeypatch.setenv("MINETTGEO_LAYERS", str(sample_dir))
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
    ).execute()
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    return outputs


def output_text(outputs: list) -> str:
    return "".join(
        str(o.get("data", {}).get("text/plain", "")) + str(o.get("text", "")) for o in outputs
    )


def test_sinks_notebook_shows_the_run_figures(
    run_dir: Path,
    sample_dir: Path,
    run_layers: dict[str, gpd.GeoDataFrame],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    outputs = execute("sinks.ipynb", run_dir, sample_dir, monkeypatch)
    text = output_text(outputs)
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 3  # stocks and fluxes by commune, map of the sink potential
    assert "afforestation_broadleaf" in text and "Region" in text
    assert "policy_dependent" in text and "land_management" in text
    c = run_layers["communes"]
    stock = re.search(r"region stock: ([-\d.]+) Mt C", text)
    assert stock and float(stock.group(1)) == pytest.approx(
        c["carbon_stock_tc"].sum() / 1e6, abs=5e-4
    )
    flux = re.search(
        r"region net land flux: ([-\d.]+) kt CO2/a \(90 % interval ([-\d.]+) to ([-\d.]+)\)", text
    )
    assert flux and float(flux.group(1)) == pytest.approx(
        c["land_net_flux_tco2_a"].sum() / 1e3, abs=5e-3
    )
    _, totals = read_inventory(run_dir)
    region = totals.set_index("lau2").loc["region"]
    assert float(flux.group(2)) == pytest.approx(region["land_net_flux_p05_tco2_a"] / 1e3, abs=5e-3)
    # section 4 recomputes the cumulative potential from sink_measures.csv: the 2026 start
    # must give the run's own figure
    later = next(
        o["data"]["text/plain"]
        for o in outputs
        if "cumulative_2050_kt_co2" in o.get("data", {}).get("text/plain", "")
    )
    first = float(later.split("\n")[2].split()[1].replace(",", ""))
    assert first == pytest.approx(
        c["sink_cumulative_2050_tco2"].sum() / 1e3, abs=0.051
    )  # 0.1 shown


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


def test_test_districts_notebook_ranks_maps_and_explains(
    run_dir: Path, sample_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    outputs = execute("test_districts.ipynb", run_dir, sample_dir, monkeypatch)
    text = output_text(outputs)
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 2  # map of the ranked candidates, rank-interval chart
    counted = re.search(r"([\d,]+) residents in buildings \(STATEC: ([\d,]+)\)", text)
    assert counted and counted.group(1) == counted.group(2)
    for preset in ("heating", "sinks", "mobility", "balanced"):
        assert re.search(rf"{preset}: first \S+ .*P\(top 3\) \d+%", text), preset
    assert "ranks 1 of 72 (TOPSIS)" in text and "est classé 1e sur 72" in text
    assert re.search(r"portfolio: \S+ .*\((heating|sinks|mobility|)\)", text)
    spec = importlib.util.spec_from_file_location(
        "build_notebooks", NOTEBOOKS / "build_notebooks.py"
    )
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    nb = nbformat.read(NOTEBOOKS / "test_districts.ipynb", as_version=4)
    assert [c.source for c in nb.cells] == [src for _, src in module.TEST_DISTRICTS]


def test_monitoring_notebook_recovers_the_modelled_effect(
    run_dir: Path, sample_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    outputs = execute("monitoring.ipynb", run_dir, sample_dir, monkeypatch)
    text = output_text(outputs)
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 2  # balance of pilots and controls, pilot vs controls over the years
    assert "second choose refused: RecordExistsError" in text
    assert "rank-mahalanobis-optimal-without-replacement" in text
    found = re.findall(
        r"(\S+): true effect (-?[\d.]+), estimate (-?[\d.]+) \(90 % interval (-?[\d.]+) to "
        r"(-?[\d.]+)\), conclusive True",
        text,
    )
    assert len(found) == 2  # both pilots of the portfolio
    for _pilot, true, _estimate, low, high in found:
        assert float(low) <= float(true) <= float(high) < 0
    # the heat-pump KPI has one year before the pilot: said in both languages
    assert "Too few data to conclude: 1 observed year(s) before 2028 (at least 3)" in text
    assert "Trop peu de données pour conclure" in text
    assert "['balance.csv', 'controls.json', 'effects.csv', 'effects.json']" in text
    spec = importlib.util.spec_from_file_location(
        "build_notebooks", NOTEBOOKS / "build_notebooks.py"
    )
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    nb = nbformat.read(NOTEBOOKS / "monitoring.ipynb", as_version=4)
    assert [c.source for c in nb.cells] == [src for _, src in module.MONITORING]
