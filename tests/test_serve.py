"""``minettgeo serve``: computes missing results first, then serves them on loopback."""

from __future__ import annotations

from pathlib import Path

import httpx

import toy_region
from api_support import serving
from results_helpers import assert_refused, invoke


def test_serve_computes_missing_results_then_serves(tmp_path: Path) -> None:
    layers = toy_region.build(tmp_path / "layers")
    results = tmp_path / "results"
    with serving(results, layers=layers) as base:
        health = httpx.get(f"{base}/health").json()
        assert health["run_id"] == (results / "current").resolve().name
        page = httpx.get(f"{base}/", headers={"Accept-Language": "fr"})
        assert "Cartes" in page.text and 'href="/ogc"' in page.text
        region = httpx.get(f"{base}/api/region").json()
        assert region["population"] == 600


def test_serve_without_results_or_layers_is_refused(tmp_path: Path) -> None:
    result = invoke(
        "serve", "--results", str(tmp_path / "none"), "--layers", str(tmp_path / "missing")
    )
    assert_refused(result, 2, "no results there", "--layers")


def test_serve_with_two_workers(tmp_path: Path) -> None:
    """``--workers 2``: two uvicorn processes, each building the app from the environment,
    serve the same run and the same bytes."""
    layers = toy_region.build(tmp_path / "layers")
    results = tmp_path / "results"
    with serving(results, layers=layers, options=("--workers", "2")) as base:
        pages = {
            httpx.get(f"{base}/ogc/collections/parcels/items?limit=2", timeout=60).content
            for _ in range(6)
        }
        assert len(pages) == 1
        doc = httpx.get(f"{base}/api/districts", timeout=60).json()
        assert doc["run_id"] == (results / "current").resolve().name
        assert len(doc["features"]) == 3  # the toy region's three districts
