"""Maps: builders, texts, tiles and the maps/tiles routers on a small hand-made run folder.

The run folder (:func:`make_run`) holds two 1 km communes, four 500 m x 1 km districts with
hand-set results, two roads, one district-heating area, three 40 x 40 rasters of 25 m cells
and a ``candidates`` layer made from the districts (a TEST FIXTURE, not a ranking).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
import shapely
from affine import Affine
from fastapi import FastAPI
from fastapi.testclient import TestClient

from minettgeo import CRS
from minettgeo.maps import i18n, style, tiles
from minettgeo.maps.assets import OfflineError, check_offline, inline_assets, static_files
from minettgeo.maps.basemap import prepare_basemap
from minettgeo.maps.district_maps import district_emissions_map, solar_by_district, solar_map
from minettgeo.maps.html_page import render
from minettgeo.maps.options import PARAMETERS, MapOptions, parameters
from minettgeo.maps.pages import MapPages
from minettgeo.maps.run_layers import fixture_candidates
from minettgeo.maps.source import open_source

X0, Y0 = 75_000.0, 65_000.0  # LUREF, inside the Minett
#: district id -> (name, commune, residents, total emissions t CO2e/a)
DISTRICTS = {
    "D1": ("Nord-Alpha", "9001", 400.0, 1_200.0),
    "D2": ("Sud-Alpha", "9001", 1_000.0, 2_500.0),
    "D3": ("Nord-Beta", "9002", 250.0, 500.0),
    "D4": ("Sud-Beta", "9002", 50.0, 900.0),  # below the 100-resident minimum
}


def district_frame(scale: float = 1.0) -> gpd.GeoDataFrame:
    geoms = [
        shapely.box(X0 + i * 500, Y0, X0 + (i + 1) * 500, Y0 + 1000) for i in range(len(DISTRICTS))
    ]
    rows = [
        {"district_id": k, "name": n, "lau2": c, "population": p, "ghg_tco2e_a": g * scale}
        for k, (n, c, p, g) in DISTRICTS.items()
    ]
    d = gpd.GeoDataFrame(pd.DataFrame(rows), geometry=geoms, crs=CRS)
    d["area_ha"] = 50.0
    d["ghg_per_ha_tco2e_a"] = d["ghg_tco2e_a"] / 50.0
    d["heat_density_mwh_ha_a"] = [120.0, 300.0, 40.0, 10.0]
    d["carbon_stock_tc_ha"] = [30.0, 20.0, 90.0, 150.0]
    d["sink_potential_2050_tco2_ha_a"] = [0.1, 0.0, 0.4, 0.8]
    return d


def write_raster(path: Path, values: np.ndarray, nodata: float | None = None) -> None:
    profile = {
        "driver": "GTiff",
        "height": values.shape[0],
        "width": values.shape[1],
        "count": 1,
        "dtype": "float32",
        "crs": CRS,
        "transform": Affine(25.0, 0.0, X0, 0.0, -25.0, Y0 + 1000),
        "nodata": nodata,
    }
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(values.astype("float32"), 1)


def make_run(root: Path, scale: float = 1.0, run_id: str = "20261201T000000Z-test0001") -> Path:
    """A results directory ``root`` with one run folder and its ``current`` link; district
    emissions are ``scale`` times those of :data:`DISTRICTS`."""
    run = root / "runs" / run_id
    run.mkdir(parents=True)
    gpkg = run / "minettgeo.gpkg"
    communes = gpd.GeoDataFrame(
        {"lau2": ["9001", "9002"], "name": ["Alpha", "Beta"], "population": [1400, 300]},
        geometry=[
            shapely.box(X0, Y0, X0 + 1000, Y0 + 1000),
            shapely.box(X0 + 1000, Y0, X0 + 2000, Y0 + 1000),
        ],
        crs=CRS,
    )
    districts = district_frame(scale)
    parcels = gpd.GeoDataFrame(
        {
            "parcel_id": ["P1", "P2", "P3", "P4"],
            "district_id": ["D1", "D1", "D2", "D3"],
            "lau2": ["9001", "9001", "9001", "9002"],
            "zoning": ["housing", "mixed", "housing", "forest"],
            "ghg_tco2e_a": [10.0, 30.0, 5.0, 0.0],
            "ghg_per_ha_tco2e_a": [1.0, 3.0, 0.5, 0.0],
        },
        geometry=[
            shapely.box(X0, Y0, X0 + 500, Y0 + 500),
            shapely.box(X0, Y0 + 500, X0 + 500, Y0 + 1000),
            shapely.box(X0 + 500, Y0, X0 + 1000, Y0 + 1000),
            shapely.box(X0 + 1000, Y0, X0 + 1500, Y0 + 1000),
        ],
        crs=CRS,
    )
    roads = gpd.GeoDataFrame(
        {"road_id": ["R1", "R2"], "road_class": ["primary", "residential"]},
        geometry=[
            shapely.LineString([(X0, Y0 + 20), (X0 + 2000, Y0 + 20)]),
            shapely.LineString([(X0 + 10, Y0), (X0 + 10, Y0 + 1000)]),
        ],
        crs=CRS,
    )
    dh = gpd.GeoDataFrame(
        {
            "area_id": [1],
            "heat_demand_gwh_a": [12.5],
            "cell_threshold_mwh_ha": [150.0],
            "area_threshold_gwh": [10.0],
        },
        geometry=[shapely.box(X0 + 500, Y0 + 200, X0 + 1000, Y0 + 800)],
        crs=CRS,
    )
    buildings = gpd.GeoDataFrame(
        {
            "building_id": ["B1", "B2", "B3"],
            "district_id": ["D1", "D1", "D3"],
            "solar_kwh_a": [600_000.0, 400_000.0, 2_000_000.0],
        },
        geometry=[
            shapely.box(X0 + 100, Y0 + 100, X0 + 120, Y0 + 120),
            shapely.box(X0 + 200, Y0 + 100, X0 + 220, Y0 + 120),
            shapely.box(X0 + 1100, Y0 + 100, X0 + 1120, Y0 + 120),
        ],
        crs=CRS,
    )
    candidates = fixture_candidates(districts)
    for name, frame in {
        "communes": communes,
        "districts": districts,
        "parcels": parcels,
        "buildings": buildings,
        "roads": roads,
        "dh_potential_areas": dh,
        "candidates": candidates,
    }.items():
        frame.to_file(gpkg, layer=name, driver="GPKG", engine="pyogrio")
    grid = np.zeros((40, 80))
    grid[:, :20] = 100.0  # first district: 100 MWh/(ha a)
    grid[:, 20:40] = 300.0
    write_raster(run / "heat_density.tif", grid)
    write_raster(run / "carbon_stock.tif", np.full((40, 80), 50.0))
    write_raster(run / "sink_potential.tif", np.linspace(0, 1, 3200).reshape(40, 80))
    # the land-cover input, named in the provenance relative to the folder holding results/
    (root.parent / "layers").mkdir(exist_ok=True)
    codes = np.full((40, 80), 211.0)
    codes[:, :40] = 112.0  # commune Alpha: urban fabric, Beta: arable land
    write_raster(root.parent / "layers" / "landcover.tif", codes, nodata=0.0)
    land = {"landcover": "layers/landcover.tif"}
    (run / "provenance.json").write_text(json.dumps({"run_id": run.name, "land": land}))
    (root / "current").symlink_to(Path("runs") / run.name)
    return root


class Context:
    """The smallest stand-in for ``api.context.AppContext`` a router needs: ``results()``
    through the engine's reader (:func:`minettgeo.maps.source.open_source`)."""

    def __init__(self, results_dir: Path) -> None:
        self.results_dir = results_dir
        self.map_links: list[Any] = []

    def results(self) -> Any:
        return open_source(self.results_dir)


def make_app(results_dir: Path) -> FastAPI:
    """The maps and tiles routers on a bare FastAPI app with the API's error handlers (or, until
    they are installed, one that turns a MinettgeoError into its JSON status)."""
    from api.routers import maps as maps_router
    from api.routers import tiles as tiles_router

    app = FastAPI()
    try:
        from api.errors import install_handlers
    except ImportError:
        from fastapi.responses import JSONResponse

        from minettgeo.errors import MinettgeoError

        @app.exception_handler(MinettgeoError)
        async def handler(request: Any, exc: MinettgeoError) -> JSONResponse:
            return JSONResponse(
                {"error": type(exc).__name__, "message": str(exc)}, status_code=exc.http_status
            )
    else:
        install_handlers(app)
    ctx = Context(results_dir)
    app.include_router(maps_router.build_router(ctx))
    app.include_router(tiles_router.build_router(ctx))
    return app


@pytest.fixture(scope="module")
def results_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_run(tmp_path_factory.mktemp("maps-run") / "results")


@pytest.fixture(scope="module")
def client(results_dir: Path) -> TestClient:
    return TestClient(make_app(results_dir))


# ---- texts -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "header", "expected"),
    [
        ("en", "fr-FR,fr;q=0.9", "en"),
        (None, "en-GB,en;q=0.9,fr;q=0.8", "en"),
        (None, "en-GB;q=0.5, fr-LU;q=0.9", "fr"),
        (None, "de-DE,de;q=0.9,en;q=0.1", "en"),
        (None, "de-DE", "fr"),
        (None, None, "fr"),
        (None, "en;q=0, fr;q=0.2", "fr"),
        ("xx", "en", "en"),
    ],
)
def test_language_from_query_then_accept_language(
    query: str | None, header: str | None, expected: str
) -> None:
    assert i18n.choose_language(query, header) == expected


def test_every_text_has_both_languages_and_the_same_placeholders() -> None:
    for key, texts in i18n.LABELS.items():
        fr, en = texts["fr"], texts["en"]
        assert fr and en, key
        assert set(re.findall(r"{(\w+)}", fr)) == set(re.findall(r"{(\w+)}", en)), key
    assert i18n.t("legend.hidden", "en", n=100) == "not shown: fewer than 100 residents"


# ---- classes -----------------------------------------------------------------------------


def test_quantile_classes_and_colours_by_hand() -> None:
    classes = style.quantile_classes([1, 2, 3, 4, 5, 6, 7, 8, 9], "Greens", 4)
    assert classes.edges.tolist() == [1.0, 3.0, 5.0, 7.0, 9.0]
    # 4 classes spread over the 5-colour scheme: colours 0, 1, 3, 4 (rounded linspace 0..4)
    g = style.SCHEMES["Greens"]
    assert classes.colors == (g[0], g[1], g[3], g[4])
    got = style.class_colors([1, 2.9, 3, 6.5, 9, 12, np.nan], classes).tolist()
    assert got == [g[0], g[0], g[1], g[3], g[4], g[4], style.NO_DATA]
    assert style.quantile_classes([2, 2, 2], "Greens").edges.tolist() == [2.0, 2.0]
    assert classes.labels(0)[0] == "1 – 3"


# ---- map builders ------------------------------------------------------------------------


def unescape(page: str) -> str:
    """The page with JSON's ``\\uXXXX`` escapes (non-ASCII text in inline data) decoded."""
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), page)


def features_of(page: str, prop: str) -> list[str]:
    return re.findall(rf'"{prop}": "([^"]*)"', unescape(page))


def test_emissions_map_per_resident_hidden_below_the_minimum(results_dir: Path) -> None:
    pages = MapPages(lambda: open_source(results_dir))
    page = unescape(pages.page("emissions", "en"))
    # per resident = total / residents: 1200/400 = 3.00, 2500/1000 = 2.50, 500/250 = 2.00,
    # D4 has 50 < 100 residents: "–"
    assert features_of(page, "ghg_per_resident_tco2e_a") == ["3.00", "2.50", "2.00", "–"]
    # per hectare = total / 50 ha
    assert features_of(page, "ghg_per_ha_tco2e_a") == ["24.0", "50.0", "10.0", "18.0"]
    assert "t CO₂e/(resident a)" in page and "not shown: fewer than 100 residents" in page
    assert "Emissions per resident" in page and "Total emissions" in page
    assert 'lang="en"' in page and "<title>District emissions · minettgeo</title>" in page
    fr = unescape(pages.page("emissions", "fr"))
    assert features_of(fr, "ghg_per_resident_tco2e_a") == ["3,00", "2,50", "2,00", "–"]
    assert "t CO₂e/(hab. an)" in fr and "Émissions par habitant" in fr and 'lang="fr"' in fr


def test_a_new_run_gives_new_pages(tmp_path: Path) -> None:
    first = open_source(make_run(tmp_path / "a" / "results"))
    second = open_source(make_run(tmp_path / "b" / "results", 2.0, "20261202T000000Z-test0002"))
    current = [first]
    pages = MapPages(lambda: current[0])
    assert features_of(pages.page("emissions", "en"), "ghg_per_resident_tco2e_a")[0] == "3.00"
    current[0] = second  # what AppContext.results() returns once a new run is published
    page = pages.page("emissions", "en")
    assert features_of(page, "ghg_per_resident_tco2e_a")[0] == "6.00"  # 2,400 t / 400
    assert "20261202T000000Z-test0002" in page


def test_per_resident_left_out_without_residents() -> None:
    d = district_frame().drop(columns=["population"])
    basemap = prepare_basemap(district_frame().dissolve("lau2", as_index=False))
    page = render(district_emissions_map(d, basemap, MapOptions(lang="en")), lang="en", title="x")
    assert "ghg_per_resident_tco2e_a" not in page
    page = unescape(page)
    assert "no resident data: emissions per resident not shown" in page


def test_residents_column_wins_over_population() -> None:
    d = district_frame()
    d["residents"] = [600.0, 1000.0, 250.0, 500.0]  # D1 1200/600 = 2, D4 900/500 = 1.80
    basemap = prepare_basemap(d.dissolve("lau2", as_index=False))
    page = render(district_emissions_map(d, basemap, MapOptions(lang="en")), lang="en", title="x")
    assert features_of(page, "ghg_per_resident_tco2e_a") == ["2.00", "2.50", "2.00", "1.80"]


def test_pages_load_nothing_from_outside(results_dir: Path) -> None:
    pages = MapPages(lambda: open_source(results_dir))
    for name in ("emissions", "heat", "carbon", "candidates", "solar", "parcels"):
        page = pages.page(name, "fr")
        srcs = re.findall(r'(?:src|href)="([^"]+)"', page)
        assert srcs and all(s.startswith(("/static/", "/maps/", "data:,")) for s in srcs), srcs
        assert "cdn" not in page.lower() and "jquery" not in page.lower()
    with pytest.raises(OfflineError, match=r"cdn\.example\.org"):
        check_offline('<script src="https://cdn.example.org/x.js"></script>')
    with pytest.raises(OfflineError):
        check_offline("<link rel='stylesheet' href='//cdn.example.org/x.css'/>")


def test_inline_page_carries_leaflet_itself(results_dir: Path) -> None:
    pages = MapPages(lambda: open_source(results_dir))
    page = inline_assets(pages.page("candidates", "en"))
    assert "/static/leaflet" not in page
    assert "Leaflet 1.9.4" in page and "url(data:image/png;base64," in page


def test_parcel_view_fetches_by_bbox_and_never_inlines_parcels(results_dir: Path) -> None:
    pages = MapPages(lambda: open_source(results_dir))
    page = pages.page("parcels", "en", district="D1")
    assert '"/ogc/collections/parcels/items"' in page and "'?bbox=' + bbox" in page
    assert "P1" not in page and "P2" not in page  # no parcel inline
    page = unescape(page)
    assert "Nord-Alpha" in page  # the district outline is
    # the colour breaks are the quintiles of D1's parcels (1.0 and 3.0 t CO2e/(ha a)):
    # 1.0, 1.4, 1.8, 2.2, 2.6, 3.0
    assert "1.0 – 1.4" in page and "2.6 – 3.0" in page


def test_candidates_map_shows_the_explanation_in_each_language(results_dir: Path) -> None:
    pages = MapPages(lambda: open_source(results_dir))
    en = unescape(pages.page("candidates", "en"))
    assert features_of(en, "explanation")[0].startswith("test fixture: rank by emissions")
    assert "TEST FIXTURE: made-up ranking built from the districts" in en
    # rank 1 is D2 (50 t/ha), the highest emissions per hectare
    assert features_of(en, "rank") == ["2", "1", "4", "3"]
    fr = pages.page("candidates", "fr")
    assert features_of(fr, "explanation")[0].startswith("données de test")


def test_solar_page_sums_the_buildings_of_each_district(results_dir: Path) -> None:
    page = MapPages(lambda: open_source(results_dir)).page("solar", "en")
    # D1: 600 + 400 MWh, D3: 2,000 MWh, D2 and D4 have no building
    assert features_of(page, "solar_mwh_a") == ["1,000", "0", "2,000", "0"]
    assert "Rooftop solar yield (MWh/a)" in unescape(page)


def test_tooltip_text_is_escaped() -> None:
    d = district_frame()
    d.loc[0, "name"] = "<img src=x onerror=alert(1)>"
    basemap = prepare_basemap(d.dissolve("lau2", as_index=False))
    page = render(district_emissions_map(d, basemap, MapOptions(lang="en")), lang="en", title="x")
    assert "<img src=x" not in unescape(page)
    assert "&lt;img src=x onerror=alert(1)&gt;" in unescape(page)


def test_solar_map_from_buildings_or_says_none() -> None:
    d = district_frame()
    buildings = pd.DataFrame({"district_id": ["D1", "D1", "D3"], "solar_kwh_a": [1e6, 5e5, 2e6]})
    with_solar = solar_by_district(d, buildings)
    assert with_solar is not None
    assert with_solar["solar_mwh_a"].tolist() == [1500.0, 0.0, 2000.0, 0.0]
    assert solar_by_district(d, buildings.drop(columns=["solar_kwh_a"])) is None
    basemap = prepare_basemap(d.dissolve("lau2", as_index=False))
    page = render(solar_map(None, basemap, MapOptions(lang="en")), lang="en", title="x")
    page = unescape(page)
    assert "no rooftop solar column in this run" in page


def test_map_parameters_are_sourced() -> None:
    from minettgeo.factors.table_files import read_table_csv

    table = read_table_csv(Path(PARAMETERS), "map_parameters.csv")  # type: ignore[arg-type]
    assert {"parameter", "unit", "value", "source"} <= set(table.columns)
    assert table["source"].str.len().min() > 20
    assert parameters()["min_residents"] == 100


# ---- tiles --------------------------------------------------------------------------------


def lonlat_tile(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - np.arcsinh(np.tan(np.radians(lat))) / np.pi) / 2.0 * n)
    return x, y


def test_tile_colours_follow_the_range(results_dir: Path) -> None:
    import io

    from PIL import Image

    run = (results_dir / "current").resolve()
    heat = run / "heat_density.tif"
    st = tiles.raster_style("heat_density", heat)
    # positive values are 100 (800 cells) and 300 (800 cells): 2nd/98th percentiles 100, 300
    assert (st.vmin, st.vmax) == pytest.approx((100.0, 300.0))
    centre = gpd.GeoSeries([shapely.Point(X0 + 250, Y0 + 500)], crs=CRS).to_crs(4326)[0]
    x, y = lonlat_tile(centre.x, centre.y, 12)
    png = tiles.render_tile("heat_density", heat, 12, x, y)
    assert png is not None
    img = np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))
    colours = {tuple(c) for c in img.reshape(-1, 4) if c[3] > 0}
    low, high = tiles._colormap("ylorrd")[0], tiles._colormap("ylorrd")[255]
    assert tuple(low) in colours and tuple(high) in colours  # 100 -> first, 300 -> last colour
    assert (img[..., 3] == 0).any()  # zeros and outside: transparent
    assert tiles.render_tile("heat_density", heat, 12, 0, 0) is None  # far away


# ---- routers ------------------------------------------------------------------------------


def test_routes_serve_pages_in_the_asked_language(client: TestClient) -> None:
    r = client.get("/maps/emissions", params={"lang": "en"})
    assert r.status_code == 200 and "Emissions per resident" in unescape(r.text)
    r = client.get("/maps/emissions", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert 'lang="en"' in r.text
    r = client.get("/maps/emissions", headers={"Accept-Language": "fr-LU"})
    assert 'lang="fr"' in r.text and "Émissions par habitant" in unescape(r.text)
    index = client.get("/maps/", params={"lang": "en"})
    assert index.status_code == 200
    for name in ("emissions", "heat", "carbon", "candidates", "solar", "parcels"):
        assert f'href="/maps/{name}?lang=en"' in index.text
        assert client.get(f"/maps/{name}").status_code == 200
    assert 'href="/maps/parcels?district=D3&lang=en"' in index.text


def test_route_errors_are_json(client: TestClient) -> None:
    for url, status in [
        ("/maps/emissions?lang=de", 422),
        ("/maps/nowhere", 422),
        ("/maps/parcels?district=D9", 404),
        ("/maps/parcels?district=../x", 422),
        ("/static/../pyproject.toml", 404),
        ("/static/leaflet/../../build.py", 404),
        ("/static/nothing.js", 404),
        ("/tiles/roads/1/0/0.png", 404),
        ("/tiles/..%2Fminettgeo.gpkg/1/0/0.png", 404),
        ("/tiles/heat_density/3/9/0.png", 400),
        ("/tiles/heat_density/25/0/0.png", 422),
    ]:
        r = client.get(url)
        assert r.status_code == status, (url, r.status_code, r.text)
        assert r.headers["content-type"].startswith("application/json"), url
        assert "Traceback" not in r.text
    assert "district" in client.get("/maps/parcels?district=D9").text


def test_static_assets_and_tiles_are_served(client: TestClient) -> None:
    for rel, path in static_files().items():
        r = client.get(f"/static/{rel}")
        assert r.status_code == 200 and r.content == path.read_bytes(), rel
    assert "leaflet/LICENSE" in static_files()
    assert (
        client.get("/static/leaflet/leaflet.js")
        .headers["content-type"]
        .startswith("text/javascript")
    )
    centre = gpd.GeoSeries([shapely.Point(X0 + 250, Y0 + 500)], crs=CRS).to_crs(4326)[0]
    x, y = lonlat_tile(centre.x, centre.y, 13)
    for raster in ("heat_density", "carbon_stock", "sink_potential"):
        r = client.get(f"/tiles/{raster}/13/{x}/{y}.png")
        assert r.status_code == 200 and r.content[:8] == b"\x89PNG\r\n\x1a\n", raster
    far = client.get("/tiles/heat_density/13/0/0.png")
    assert far.status_code == 200 and far.content == tiles.EMPTY_TILE
    import io

    from PIL import Image

    r = client.get(f"/tiles/landcover/13/{x}/{y}.png")
    assert r.status_code == 200
    img = np.asarray(Image.open(io.BytesIO(r.content)).convert("RGBA"))
    colours = {tuple(int(v) for v in c) for c in img.reshape(-1, 4) if c[3] > 0}
    # the tile around D1's centre: urban fabric (112) -> the artificial-surfaces colour
    assert colours == {tiles.LANDCOVER_GROUPS[1]}


#: a legend's layer title and its HTML, as the Legend control writes them into the page
LEGEND = re.compile(r"setAttribute\('data-layer', (\".*?\")\);\s*div\.innerHTML = (\".*?\");")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_thematic_legend_has_a_unit(client: TestClient, lang: str) -> None:
    """Each map, in each language: every legend but the land-cover classes names a unit of
    the text table (its title, e.g. "Emissions per hectare (t CO₂e/(ha a))", or a note, e.g.
    the district-heating thresholds "150 MWh/(ha a) per cell, 10 GWh/a per area")."""
    units = [i18n.t(key, lang) for key in i18n.LABELS if key.startswith("unit.")]
    for name in ("emissions", "heat", "carbon", "candidates", "solar", "parcels"):
        query = {"lang": lang, **({"district": "D1"} if name == "parcels" else {})}
        page = client.get(f"/maps/{name}", params=query).text
        legends = [(json.loads(a), json.loads(b)) for a, b in LEGEND.findall(page)]
        thematic = [(t, body) for t, body in legends if t != i18n.t("layer.landcover", lang)]
        assert thematic, name
        for title, body in thematic:
            assert any(u in body for u in units), (name, title, body)
