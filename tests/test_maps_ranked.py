"""The candidates map of a real ranking (``minettgeo rank`` on the full run), not a fixture:
every ranked district drawn, its rank, score and explanation in the tooltip, in both languages."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from api.app import create_app
from fastapi.testclient import TestClient

from results_helpers import invoke

pytestmark = pytest.mark.fullscale


@pytest.fixture(scope="module")
def ranked(results_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the full run with ``minettgeo rank --preset heating`` published on top."""
    current = (results_root / "current").resolve()
    out = tmp_path_factory.mktemp("ranked") / "results"
    (out / "runs").mkdir(parents=True)
    shutil.copytree(current, out / "runs" / current.name)
    (out / "current").symlink_to(Path("runs") / current.name)
    result = invoke("rank", "--results", str(out), "--draws", "100", "--preset", "heating")
    assert result.code == 0, result.stderr
    return out


def features_of(page: str) -> list[dict[str, object]]:
    """The GeoJSON features the page holds inline (Folium writes each layer as one object)."""
    found = []
    for text in re.findall(
        r'geo_json_\w+_add\((\{"features".*?"type": "FeatureCollection"\})\);', page, re.S
    ):
        found += json.loads(text)["features"]
    return found


@pytest.mark.parametrize(("lang", "column"), [("en", "explanation_en"), ("fr", "explanation_fr")])
def test_candidates_map_of_a_real_ranking(ranked: Path, lang: str, column: str) -> None:
    table = pd.read_csv((ranked / "current").resolve() / "ranking.csv", dtype={"lau2": str})
    client = TestClient(create_app(ranked), raise_server_exceptions=False)
    response = client.get("/maps/candidates", params={"lang": lang})
    assert response.status_code == 200
    page = response.text
    text = html.unescape(page)
    assert "TEST FIXTURE" not in text.upper() and "minettgeo rank)" not in text
    candidates = [
        f
        for f in features_of(page)
        if "score" in f["properties"]  # type: ignore[operator]
    ]
    assert len(candidates) == len(table) == 72
    first = table.sort_values("rank").iloc[0]
    shown = next(f for f in candidates if f["properties"]["rank"] == "1")  # type: ignore[index]
    props = shown["properties"]
    assert props["name"] == first["name"]  # type: ignore[index]
    assert props["explanation"] == first[column]  # type: ignore[index]
    # the tooltip shows the score with 2 decimals, in the language's number format
    score = float(str(props["score"]).replace(",", "."))  # "0,61" in French
    assert score == pytest.approx(first["score"], abs=0.005)
