"""Grades of roads, railways and land cover in the outputs (docs/data-quality.md), by hand.

Toy region (tests/toy_region.py) with its 2 km road split at x = 61,500 m into R1a (0.5 km in A,
0.5 km in B) and R1b (0.5 km in B, 0.5 km in C), both with the toy's AADT (car 10,000, lgv
1,000, hgv 500, bus 100: 11,600 vehicles/day, so 11,600 x 365 x 1 km = 4,234,000 vkm/a each).
Graded run: R1a's traffic estimated, R1b's default, the railway line's traction estimated, the
land cover tagged estimated. Ungraded run: no grade column, no tag (everything measured). The
round-number factors (factor_overrides.py) are exact (low = high), so any spread of the
intervals comes from the grades alone.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import rasterio
import shapely

import toy_region
from factor_overrides import write_overrides
from minettgeo import CRS
from minettgeo.engine import ChangeSet, RunOptions, RunResult, apply_changes, compute, recompute
from minettgeo.engine.inputs import load_inputs
from minettgeo.layers import io
from minettgeo.layers.file_validation import validate_path
from minettgeo.quality import gpc as qgpc
from minettgeo.quality.spread import STREAM_ROADS
from minettgeo.quality.tables import quality_tables
from minettgeo.uncertainty.grades import grade_factors
from test_incremental_graded import frames_close
from toy_region import X0, Y0

DATE = datetime(2026, 12, 1, tzinfo=UTC)
VKM_SEGMENT = 11_600 * 365 * 1.0  # 4,234,000 vkm/a per 1 km segment


def split_toy(directory: Path, *, graded: bool) -> Path:
    """The toy region with two road segments; grades and the land-cover tag when ``graded``."""
    toy_region.build(directory)
    gpkg = directory / "region.gpkg"
    vectors = {n: io.read_vector(gpkg, n) for n in io.list_layers(gpkg)}
    road = vectors["roads"]
    two = pd.concat([road, road], ignore_index=True)
    two["road_id"] = ["R1a", "R1b"]
    two = two.set_geometry(
        [
            shapely.LineString([(X0 + 500, Y0 + 500), (X0 + 1_500, Y0 + 500)]),
            shapely.LineString([(X0 + 1_500, Y0 + 500), (X0 + 2_500, Y0 + 500)]),
        ],
        crs=road.crs,
    )
    if graded:
        two["aadt_grade"] = ["estimated", "default"]
        vectors["rail"]["traction_grade"] = "estimated"
    vectors["roads"] = two
    io.write_vectors(gpkg, vectors)
    if graded:
        retag(directory / "landcover.tif", "estimated")
    return directory


def retag(path: Path, grade: str) -> None:
    """Write the raster again (a COG is not updated in place) with the tag ``grade``."""
    with rasterio.open(path) as src:
        data, transform = src.read(1), src.transform
    io.write_raster(path, data, transform, CRS, 0, tags={"grade": grade})


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, RunResult]:
    root = tmp_path_factory.mktemp("network")
    overrides = tuple(write_overrides(root))
    out = {}
    for name in ("graded", "ungraded"):
        layers = split_toy(root / name, graded=name == "graded")
        options = RunOptions(overrides=overrides, draws=300, seed=7)
        out[name] = compute(load_inputs(layers, options), DATE)
    return out


def test_weighted_row_score_of_three_segments_by_hand() -> None:
    """Segments S1 (100 t, measured 1.0) all in district D1 (commune A); S2 (300 t, default 0.5)
    half in D1, half in D2 (commune B); S3 (600 t, estimated 0.25) all in D2.
    A: w = 100 + 150 = 250, ws = 100 + 75 = 175 -> 0.7 (M);
    B: w = 150 + 600 = 750, ws = 75 + 150 = 225 -> 0.3 (L);
    region: w = 1,000, ws = 400 -> 0.4 (L). A row without weights takes its row grade."""
    q = quality_tables()
    results = pd.DataFrame({"ghg_tco2e_a": [100.0, 300.0, 600.0]}, index=["S1", "S2", "S3"])
    shares = pd.DataFrame(
        {
            "road": ["S1", "S2", "S2", "S3"],
            "zone": ["D1", "D1", "D2", "D2"],
            "share": [1.0, 0.5, 0.5, 1.0],
        }
    )
    score = np.array([q.score["measured"], q.score["default"], q.score["estimated"]])
    parts = qgpc.network_contributions(
        results, shares, pd.Series({"D1": "A", "D2": "B"}), score, qgpc.ROAD_ROWS, "lau2"
    )
    # II.1.2 has no column in these results: only II.1.1 is weighted
    assert set(parts["code"]) == {"II.1.1"}
    table = pd.DataFrame(
        {
            "lau2": ["A", "B", "region", "A"],
            "code": ["II.1.1", "II.1.1", "II.1.1", "II.2.1"],
            "notation_key": ["", "", "", ""],
        }
    )
    scores = qgpc.row_scores(table, parts, q, "lau2").to_numpy()
    assert scores[:3] == pytest.approx([0.7, 0.3, 0.4])
    assert q.level_of(scores[:3]).tolist() == ["M", "L", "L"]
    # II.2.1: no weight, the tabulated row grade (default, 0.5)
    assert scores[3] == pytest.approx(q.score[q.row_grade["II.2.1"]])


def test_gpc_rows_of_roads_rail_and_land_weighted_by_grade(runs: dict[str, RunResult]) -> None:
    """II.1.1 / II.1.2: A (R1a only) 0.25 -> L; B (0.5 km of each, equal t CO2e) (0.25 + 0.5)
    / 2 = 0.375 -> L; C (R1b only) 0.5 -> M; region (1 km of each) 0.375 -> L. Rail (estimated
    traction) 0.25 in B and C; land (estimated raster) 0.25 everywhere. Ungraded: all 1.0, H."""
    inv = runs["graded"].inventory.set_index(["lau2", "code"])["data_quality_score"]
    level = runs["graded"].inventory.set_index(["lau2", "code"])["data_quality"]
    for code in ("II.1.1", "II.1.2"):
        got = [inv[(a, code)] for a in ("9001", "9002", "9003", "region")]
        assert got == pytest.approx([0.25, 0.375, 0.5, 0.375]), code
        assert [level[(a, code)] for a in ("9001", "9002", "9003", "region")] == [
            "L",
            "L",
            "M",
            "L",
        ]
    for area in ("9002", "9003", "region"):
        assert inv[(area, "II.2.2")] == pytest.approx(0.25)
        assert inv[(area, "II.2.1")] == pytest.approx(0.25)
    # land: the toy's land (all 112, no change) has no flux, so V.2 carries a notation key and
    # no grade; the weights of V.2 are the product's grade score in every commune
    table = runs["graded"].inventory
    assert (table.loc[table["code"] == "V.2", "notation_key"] != "").all()
    q = quality_tables()
    land = qgpc.land_contributions(["9001", "9002"], "estimated", q, "lau2")
    v2 = pd.DataFrame({"lau2": ["9001", "region"], "code": "V.2", "notation_key": ""})
    assert qgpc.row_scores(v2, land, q, "lau2").tolist() == pytest.approx([0.25, 0.25])
    assert runs["graded"].inputs.region.landcover_grade == "estimated"
    assert runs["ungraded"].inputs.region.landcover_grade == "measured"
    plain = runs["ungraded"].inventory.set_index(["lau2", "code"])
    for code in ("II.1.1", "II.1.2", "II.2.2"):
        assert plain.loc[("region", code), "data_quality_score"] == pytest.approx(1.0)
        assert plain.loc[("region", code), "data_quality"] == "H"


def test_road_estimated_share_is_conserved_up_the_levels(runs: dict[str, RunResult]) -> None:
    """estimated_vkm_a: R1a's 4,234,000 vkm, half in A, half in B. Share = estimated / all vkm:
    A 2,117,000 / 2,117,000 = 1; B 2,117,000 / 4,234,000 = 0.5; C 0; region 0.5."""
    levels = runs["graded"].levels
    com = levels.communes.set_index("lau2")
    dis = levels.districts.set_index("lau2")
    expected = {"9001": 1.0, "9002": 0.5, "9003": 0.0}
    for code, share in expected.items():
        assert com.loc[code, "road_estimated_share"] == pytest.approx(share)
        assert dis.loc[code, "road_estimated_share"] == pytest.approx(share)
    assert com.loc["9002", "estimated_vkm_a"] == pytest.approx(VKM_SEGMENT / 2)
    assert com["estimated_vkm_a"].sum() == pytest.approx(dis["estimated_vkm_a"].sum())
    assert levels.region["estimated_vkm_a"] == pytest.approx(com["estimated_vkm_a"].sum())
    assert levels.region["estimated_vkm_a"] == pytest.approx(VKM_SEGMENT)
    assert levels.region["road_estimated_share"] == pytest.approx(0.5)
    # per segment: the grade, its score and its estimated vehicle-km
    roads = runs["graded"].roads.set_index("road_id")
    assert roads["activity_grade"].tolist() == ["estimated", "default"]
    assert roads["data_quality_score"].tolist() == pytest.approx([0.25, 0.5])
    assert roads["estimated_vkm_a"].tolist() == pytest.approx([VKM_SEGMENT, 0.0])
    # ungraded: measured, no estimated vehicle-km
    assert runs["ungraded"].levels.region["road_estimated_share"] == pytest.approx(0.0)


def test_road_multipliers_have_median_one_and_their_range() -> None:
    """Roads: measured 0 (no widening), default +-20 %, estimated +-35 %: multipliers in
    [0.8, 1.2] and [0.65, 1.35], median 1; measured exactly 1."""
    spread = quality_tables().half_widths("roads")
    assert spread == {"measured": 0.0, "default": 0.20, "estimated": 0.35}
    grade = np.array(["measured", "default", "estimated"], dtype=object)
    grades, factor = grade_factors(spread, grade, 20_000, 5, STREAM_ROADS)
    assert grades == ("default", "estimated", "measured") and factor is not None
    assert factor[:, 0].min() >= 0.8 and factor[:, 0].max() <= 1.2
    assert factor[:, 1].min() >= 0.65 and factor[:, 1].max() <= 1.35
    assert (factor[:, 2] == 1.0).all()
    assert np.median(factor[:, :2], axis=0) == pytest.approx([1.0, 1.0], abs=0.01)
    # a grade without a half-width: no widening at all
    assert grade_factors({"measured": 0.0}, grade, 10, 5, STREAM_ROADS) == ((), None)


def test_estimated_roads_widen_the_transport_interval(runs: dict[str, RunResult]) -> None:
    """Road transport of the toy: T = 1,642.5 + 0.08468 x (28 + 265) t for 2 km, a quarter in
    A (all R1a, estimated: within +-35 %), a quarter in C (all R1b, default: within +-20 %).
    Ungraded: no spread. The central figures are the same; so are the factor draws
    (stationary and waste draws identical)."""
    road = toy_region.ROAD_TCO2E
    g = runs["graded"].totals.set_index("lau2")
    u = runs["ungraded"].totals.set_index("lau2")
    for code in ("9001", "9003", "region"):
        assert u.loc[code, "transport_p05_tco2e"] == pytest.approx(
            u.loc[code, "transport_p95_tco2e"]
        )
    a = road / 4
    assert 0.65 * a <= g.loc["9001", "transport_p05_tco2e"] < 0.9 * a
    assert 1.1 * a < g.loc["9001", "transport_p95_tco2e"] <= 1.35 * a
    assert 0.8 * a <= g.loc["9003", "transport_p05_tco2e"] < 0.95 * a
    assert 1.05 * a < g.loc["9003", "transport_p95_tco2e"] <= 1.2 * a
    width = g["transport_p95_tco2e"] - g["transport_p05_tco2e"]
    assert (width > u["transport_p95_tco2e"] - u["transport_p05_tco2e"]).all()
    assert g.loc["region", "transport_p50_tco2e"] == pytest.approx(road, rel=0.05)
    # central run unchanged
    gc = runs["graded"].levels.communes.set_index("lau2")["transport_tco2e_a"]
    uc = runs["ungraded"].levels.communes.set_index("lau2")["transport_tco2e_a"]
    pd.testing.assert_series_equal(gc, uc)
    assert gc.sum() == pytest.approx(road)
    gs, us = runs["graded"].intervals.samples, runs["ungraded"].intervals.samples
    assert gs is not None and us is not None
    np.testing.assert_array_equal(gs.theta, us.theta)
    for name in ("stationary", "waste"):
        np.testing.assert_array_equal(gs.sims[name], us.sims[name])


def test_missing_grade_columns_are_reported_as_derivations(
    runs: dict[str, RunResult], tmp_path: Path
) -> None:
    """Without grade columns (and tag) validate and the provenance list the derivation of every
    one as measured; the graded region only that of the speed (and of the parcels)."""
    plain = split_toy(tmp_path / "plain", graded=False)
    reports = {r.layer: r for r in validate_path(plain / "region.gpkg")}
    derived = {
        (layer, p.column)
        for layer, r in reports.items()
        for p in r.repairs
        if p.kind == "derived-column"
    }
    for layer, column in (
        ("roads", "aadt_grade"),
        ("roads", "speed_kmh_grade"),
        ("rail", "traction_grade"),
        ("parcels", "zoning_grade"),
        ("parcels", "owner_type_grade"),
    ):
        assert (layer, column) in derived
    message = next(p.describe() for p in reports["roads"].repairs if p.column == "aadt_grade")
    assert "absent, derived" in message and "measured" in message
    tif = validate_path(plain / "landcover.tif")[0]
    assert any(p.column == "grade" and "measured" in p.message for p in tif.repairs)
    repairs = runs["ungraded"].record.repairs
    assert any("aadt_grade" in r for r in repairs)
    assert any("traction_grade" in r for r in repairs)
    graded = runs["graded"].record.repairs
    assert not any("aadt_grade" in r for r in graded)
    assert any("speed_kmh_grade" in r for r in graded)
    # a tag that is not a grade is refused, naming the tag and the fix
    retag(plain / "landcover.tif", "guessed")
    bad = validate_path(plain / "landcover.tif")[0]
    assert not bad.ok
    assert "'guessed'" in bad.errors[0].message and "gdal_edit.py" in bad.errors[0].message


def test_recompute_with_graded_roads_equals_a_full_run(runs: dict[str, RunResult]) -> None:
    """A building change on the graded region: the draws are updated (the widened road draws
    kept as drawn) and equal a full run on the changed inputs."""
    base = runs["graded"]
    b = base.inputs.region.buildings
    changed = b[b["building_id"] == b["building_id"].iloc[1]].copy()
    changed["heating_carrier"] = "heat_pump"
    changes = ChangeSet(buildings_modified=changed)
    fast = recompute(base, changes)
    full = compute(apply_changes(base.inputs, changes), DATE)
    assert fast.intervals.samples is not None and full.intervals.samples is not None
    assert base.intervals.samples is not None
    assert fast.intervals.samples.theta is base.intervals.samples.theta
    for name, values in full.intervals.samples.sims.items():
        np.testing.assert_allclose(
            fast.intervals.samples.sims[name], values, rtol=1e-9, atol=1e-9, err_msg=name
        )
    frames_close(fast.totals, full.totals)
    frames_close(fast.inventory, full.inventory)


def test_ev_charging_shares_the_road_multipliers(runs: dict[str, RunResult]) -> None:
    """EV charging (II.1.2) follows the roads' car-km: with exact factors, A's EV draws are
    m_estimated(draw) x EV_A and its road draws m_estimated(draw) x T_A, so their ratio is the
    same in every draw (EV_A / T_A = 109.5 / 4 / (T / 4)); ungraded, EV has no spread."""
    g, u = runs["graded"].intervals.samples, runs["ungraded"].intervals.samples
    assert g is not None and u is not None
    ratio = g.sims["ev_charging"][:, 0] / g.sims["transport"][:, 0]
    np.testing.assert_allclose(ratio, toy_region.EV_TCO2E / toy_region.ROAD_TCO2E, rtol=1e-12)
    assert g.sims["ev_charging"][:, 0].std() > 0
    assert np.ptp(u.sims["ev_charging"][:, 0]) == pytest.approx(0.0, abs=1e-12)
    # C (default traffic only) is widened within +-20 %
    c = g.sims["ev_charging"][:, 2] / (toy_region.EV_TCO2E / 4)
    assert c.min() >= 0.8 - 1e-12 and c.max() <= 1.2 + 1e-12
