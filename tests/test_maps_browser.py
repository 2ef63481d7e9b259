"""The district map and the candidates map in a real headless Chromium (Debian ``chromium``,
driven by playwright; no browser download), served by uvicorn on a free loopback port.

Every request to a host that is not loopback is aborted and recorded; the tests assert there
were none, and no JavaScript error. Screenshots are saved in each test's tmp folder.
The candidates layer of the run folder is a TEST FIXTURE made from the districts
(:func:`minettgeo.maps.pages.fixture_candidates`) until the ranking writes one.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import uvicorn

from minettgeo import CRS
from test_maps import DISTRICTS, make_app, make_run

pytestmark = pytest.mark.client

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def on_uvicorn(app: Any) -> Iterator[str]:
    """``app`` on uvicorn at http://127.0.0.1:<free port>, in a thread."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_run(tmp_path_factory.mktemp("maps-browser") / "results")


@pytest.fixture(scope="module")
def server(run_dir: Path) -> Iterator[str]:
    """The maps and tiles routers on uvicorn."""
    with on_uvicorn(make_app(run_dir)) as base:
        yield base


@pytest.fixture(scope="module")
def full_server(run_dir: Path) -> Iterator[str]:
    """The whole app (maps, OGC API - Features ...) as ``minettgeo serve`` builds it."""
    from api.app import create_app

    with on_uvicorn(create_app(run_dir)) as base:
        yield base


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Debian's Chromium through playwright, with a fresh profile folder."""
    assert Path(CHROMIUM).exists(), "install Debian's chromium (python3 tasks.py test does)"
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 800},
        )
        yield context
        context.close()


class Watched:
    """A page whose outside requests are aborted and recorded, with its JS errors."""

    def __init__(self, context: Any) -> None:
        self.page = context.new_page()
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.failed: list[str] = []
        self.page.route("**/*", self._route)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on(
            "console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None
        )
        self.page.on("requestfailed", self._failed)

    def _failed(self, request: Any) -> None:
        # a tile Leaflet cancels when the view changes is aborted, not failed
        if request.failure != "net::ERR_ABORTED" or urlsplit(request.url).hostname not in LOOPBACK:
            self.failed.append(f"{request.url}: {request.failure}")

    def _route(self, route: Any) -> None:
        host = urlsplit(route.request.url).hostname or ""
        if route.request.url.startswith(("data:", "blob:")) or host in LOOPBACK:
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def open(self, url: str) -> Any:
        self.page.goto(url, wait_until="networkidle")
        self.page.wait_for_selector(".leaflet-container", timeout=15_000)
        return self.page

    def check_clean(self) -> None:
        assert self.outside == [], f"requests outside loopback: {self.outside}"
        assert self.errors == [], f"JavaScript errors: {self.errors}"
        assert self.failed == [], f"failed requests: {self.failed}"

    def tooltip_of(self, selector: str, index: int) -> str:
        path = self.page.locator(selector).nth(index)
        box = path.bounding_box()
        assert box is not None
        self.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        tip = self.page.locator(".leaflet-tooltip").last
        tip.wait_for(state="visible", timeout=5_000)
        return str(tip.inner_text())


def test_district_map_in_chromium(server: str, browser: Any, tmp_path: Path) -> None:
    w = Watched(browser)
    page = w.open(f"{server}/maps/emissions?lang=en")
    # the active base layer (emissions per resident) draws one path per district
    assert page.locator("path.mg-district").count() == len(DISTRICTS)
    assert page.locator("path.mg-commune").count() == 2
    assert page.locator(".leaflet-control-layers").count() == 1
    assert page.locator(".leaflet-control-scale").count() == 1
    legend = page.locator(".mg-legend:visible")
    assert legend.count() == 1
    assert "t CO₂e/(resident a)" in legend.inner_text()
    assert "not shown: fewer than 100 residents" in legend.inner_text()
    # D1: 1,200 t for 400 residents = 3.00 t per resident
    text = w.tooltip_of("path.mg-district", 0)
    assert "Nord-Alpha" in text and "3.00" in text and "400" in text
    # D4 has 50 residents (< 100): hidden
    page.mouse.move(5, 790)
    text = w.tooltip_of("path.mg-district", 3)
    assert "Sud-Beta" in text and "–" in text
    # switch to emissions per hectare: its legend replaces the other
    control = page.locator(".leaflet-control-layers")
    control.get_by_text("Emissions per hectare (t CO₂e/(ha a))").click()
    visible = page.locator(".mg-legend:visible")
    assert visible.count() == 1 and "t CO₂e/(ha a)" in visible.inner_text()
    assert page.locator("path.mg-district").count() == len(DISTRICTS)
    page.screenshot(path=str(tmp_path / "emissions.png"))
    w.check_clean()


def test_district_map_in_french(server: str, browser: Any, tmp_path: Path) -> None:
    w = Watched(browser)
    w.page.set_extra_http_headers({"Accept-Language": "fr-LU,fr;q=0.9"})
    page = w.open(f"{server}/maps/emissions")
    assert "t CO₂e/(hab. an)" in page.locator(".mg-legend:visible").inner_text()
    text = w.tooltip_of("path.mg-district", 0)
    assert "Habitants" in text and "3,00" in text
    page.screenshot(path=str(tmp_path / "emissions-fr.png"))
    w.check_clean()


def test_candidates_map_in_chromium(server: str, browser: Any, tmp_path: Path) -> None:
    w = Watched(browser)
    page = w.open(f"{server}/maps/candidates?lang=en")
    assert page.locator("path.mg-candidate").count() == len(DISTRICTS)
    assert page.locator(".leaflet-control-layers").count() == 1
    legend = page.locator('.mg-legend:visible[data-layer^="Ranked candidates"]').inner_text()
    assert "score (0-1)" in legend and "TEST FIXTURE" in legend
    # the basemap's land cover is on under the candidates, drawn by the tiler
    assert "Artificial surfaces" in page.locator('.mg-legend[data-layer="Land cover"]').inner_text()
    assert page.locator('img.leaflet-tile-loaded[src*="/tiles/landcover/"]').count() > 0
    # D2 (2,500 t on 50 ha = 50 t/ha) is rank 1 of the fixture ranking
    text = w.tooltip_of("path.mg-candidate", 1)
    assert "Sud-Alpha" in text and "Rank" in text and "1" in text
    assert "test fixture: rank by emissions per hectare (50.0 t CO2e/(ha a))" in text
    page.screenshot(path=str(tmp_path / "candidates.png"))
    w.check_clean()


def test_raster_map_draws_tiles_from_the_tiler(server: str, browser: Any, tmp_path: Path) -> None:
    w = Watched(browser)
    tiles: list[str] = []
    w.page.on("response", lambda r: tiles.append(r.url) if "/tiles/" in r.url and r.ok else None)
    page = w.open(f"{server}/maps/heat?lang=en")
    page.wait_for_selector("img.leaflet-tile-loaded", timeout=15_000)
    assert any("/tiles/heat_density/" in u for u in tiles)
    assert "MWh/(ha a)" in page.locator(".mg-legend:visible").first.inner_text()
    assert page.locator("path.mg-dh-area").count() == 1
    page.screenshot(path=str(tmp_path / "heat.png"))
    w.check_clean()


def test_parcel_view_loads_the_visible_bbox_from_the_api(
    full_server: str, run_dir: Path, browser: Any, tmp_path: Path
) -> None:
    """The parcel view of district D1: no parcel inline; the page asks the OGC items route for
    the parcels in its view and draws one path per parcel returned."""
    import geopandas as gpd
    import shapely

    w = Watched(browser)
    asked: list[tuple[str, dict[str, Any]]] = []

    def record(response: Any) -> None:
        if "/ogc/collections/parcels/items" in response.url and response.ok:
            asked.append((response.url, json.loads(response.body())))

    w.page.on("response", record)
    html = w.page.request.get(f"{full_server}/maps/parcels?district=D1&lang=en").text()
    assert '"P1"' not in html and '"P3"' not in html  # no parcel inline
    page = w.open(f"{full_server}/maps/parcels?district=D1&lang=en")
    page.wait_for_selector("path.mg-parcel", timeout=15_000)
    page.wait_for_function("document.querySelector('.mg-bbox-status').textContent.length > 0")
    assert asked, "the page asked the API for no parcels"
    url, doc = asked[0]
    query = parse_qs(urlsplit(url).query)
    assert query["limit"] == ["1000"]
    lon0, lat0, lon1, lat1 = (float(v) for v in query["bbox"][0].split(","))
    # what the API must return: the parcels of the GeoPackage that intersect the view's box
    parcels = gpd.read_file(run_dir / "current" / "minettgeo.gpkg", layer="parcels")
    view = gpd.GeoSeries([shapely.box(lon0, lat0, lon1, lat1)], crs="OGC:CRS84").to_crs(CRS)
    expected = sorted(parcels.loc[parcels.intersects(view.iloc[0]), "parcel_id"])
    # the view fitted on D1 (500 m x 1 km) at 1280 x 800 px reaches P1, P2 (D1) and beyond
    assert {"P1", "P2"} <= set(expected)
    returned = sorted(f["properties"]["parcel_id"] for _u, d in asked for f in d["features"])
    assert returned == expected and doc["numberMatched"] == len(expected)
    assert page.locator("path.mg-parcel").count() == len(expected)
    assert f"{len(expected)} parcels loaded" in page.locator(".mg-bbox-status").inner_text()
    legends = " | ".join(page.locator(".mg-legend:visible").all_inner_texts())
    assert "Emissions per hectare (t CO₂e/(ha a))" in legends and "Land cover" in legends
    # P1 (fixture: 10 t CO2e/a, housing): its path is the one added in its response's order
    index = parcel_ids_in_order(asked).index("P1")
    text = w.tooltip_of("path.mg-parcel", index)
    assert "P1" in text and "10" in text and "housing" in text
    page.screenshot(path=str(tmp_path / "parcels.png"))
    w.check_clean()


def parcel_ids_in_order(asked: list[tuple[str, dict[str, Any]]]) -> list[str]:
    """Parcel ids in the order Leaflet added their paths (the order of the responses)."""
    return [f["properties"]["parcel_id"] for _u, d in asked for f in d["features"]]
