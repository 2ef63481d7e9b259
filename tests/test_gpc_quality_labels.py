"""The data-quality columns of the GPC table (:func:`with_data_quality`) summed on integer labels:
the hand-computed scores, and the same columns, to the bit, as the group-by on the text keys it
replaces (kept here as :func:`text_keyed_quality`)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from minettgeo.quality import gpc as qgpc
from minettgeo.quality.tables import QualityTables, quality_tables


def text_keyed_quality(
    table: pd.DataFrame,
    buildings: pd.DataFrame,
    point_sources: pd.DataFrame | None,
    tables: QualityTables,
    key: str,
    network: list[pd.DataFrame],
) -> pd.DataFrame:
    """The data-quality columns as computed before: one frame of text (key, code) rows, a
    group-by on the texts per area and per code."""
    score = buildings["data_quality_score"].to_numpy(dtype=float)
    sub = buildings["gpc_subsector"].to_numpy(dtype=object)
    scope1 = buildings["scope1_tco2e_a"].to_numpy(dtype=float) + buildings[
        "biogenic_co2_t_a"
    ].to_numpy(dtype=float)
    zone = buildings[key].to_numpy(dtype=object)
    frame = pd.DataFrame(
        {
            key: np.concatenate([zone, zone]),
            "code": np.concatenate([sub + ".1", sub + ".2"]),
            "w": np.concatenate([scope1, buildings["scope2_tco2e_a"].to_numpy(dtype=float)]),
        }
    )
    frame["ws"] = frame["w"].to_numpy() * np.concatenate([score, score])
    parts = [frame]
    if point_sources is not None and len(point_sources):
        parts.append(qgpc.point_source_contributions(point_sources, tables, key))
    parts.extend(p for p in network if len(p))
    contributions = pd.concat(parts, ignore_index=True)
    by_area = contributions.groupby([key, "code"])[["w", "ws"]].sum()
    region = contributions.groupby("code")[["w", "ws"]].sum()
    region.index = pd.MultiIndex.from_product([["region"], region.index], names=[key, "code"])
    picked = pd.concat([by_area, region]).reindex(
        pd.MultiIndex.from_arrays([table[key].astype(str), table["code"]])
    )
    w = picked["w"].to_numpy(dtype=float)
    weighted = np.divide(
        picked["ws"].to_numpy(dtype=float), w, out=np.full(len(w), np.nan), where=w > 0
    )
    fixed = table["code"].map(tables.row_grade).map(tables.score).to_numpy(dtype=float)
    out = np.where(np.isnan(weighted), fixed, weighted)
    out = np.where(table["notation_key"].fillna("").eq("").to_numpy(), out, np.nan)
    return table.assign(data_quality_score=out, data_quality=tables.level_of(out))


def hand_case() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, list[pd.DataFrame]]:
    """Four buildings (one outside every commune), a point source on row I.3.1 (which the
    industry buildings also weight), a road row and the land row."""
    q = quality_tables()
    buildings = pd.DataFrame(
        {
            "lau2": ["A", "A", "B", None],
            "gpc_subsector": ["I.1", "I.1", "I.3", "I.1"],
            "scope1_tco2e_a": [10.0, 30.0, 20.0, 40.0],
            "biogenic_co2_t_a": [0.0, 10.0, 0.0, 0.0],
            "scope2_tco2e_a": [2.0, 6.0, 4.0, 0.0],
            "data_quality_score": [1.0, 0.25, 0.5, 0.25],
        }
    )
    points = pd.DataFrame(
        {"lau2": ["B"], "gpc_sector": ["I.3.1"], "t_co2e_per_year": [60.0], "grade": ["measured"]}
    )
    road = pd.DataFrame({"lau2": ["A"], "code": ["II.1.1"], "w": [100.0], "ws": [50.0]})
    land = qgpc.land_contributions(["A", "B"], "estimated", q, "lau2")
    rows = [
        ("A", "I.1.1", ""),
        ("A", "I.1.2", ""),
        ("B", "I.3.1", ""),
        ("B", "I.3.2", ""),
        ("region", "I.1.1", ""),
        ("region", "I.3.1", ""),
        ("A", "II.1.1", ""),
        ("B", "II.1.1", ""),
        ("region", "II.1.1", ""),
        ("A", "V.2", ""),
        ("region", "V.2", ""),
        ("A", "I.2.1", "NO"),
        ("B", "I.1.1", ""),
    ]
    table = pd.DataFrame(rows, columns=["lau2", "code", "notation_key"])
    return table, buildings, points, [road, land]


def test_data_quality_columns_by_hand() -> None:
    """A I.1.1: w = 10 + (30 + 10) = 50, ws = 10 x 1 + 40 x 0.25 = 20 -> 0.4 (L)
    A I.1.2: w = 2 + 6 = 8, ws = 2 x 1 + 6 x 0.25 = 3.5 -> 0.4375 (L)
    B I.3.1: building w = 20, ws = 10; point source w = 60, ws = 60 x 1 -> 70 / 80 = 0.875 (H)
    B I.3.2: 4 x 0.5 / 4 = 0.5 (M)
    region I.1.1: w = 50 + 40 (the building outside every commune) = 90, ws = 20 + 10 = 30
                  -> 1/3 (L); region I.3.1 = B's 0.875 (H)
    II.1.1: A 50 / 100 = 0.5 (M); B no weight -> row grade estimated 0.25 (L); region 0.5 (M)
    V.2: one weight per commune, score 0.25 -> A 0.25, region 0.5 / 2 = 0.25 (L)
    A I.2.1 has a notation key: no score; B I.1.1 has no weight and no row grade: no score."""
    q = quality_tables()
    table, buildings, points, network = hand_case()
    out = qgpc.with_data_quality(table, buildings, points, q, network=network)
    expected = [0.4, 0.4375, 0.875, 0.5, 1 / 3, 0.875, 0.5, 0.25, 0.5, 0.25, 0.25]
    assert out["data_quality_score"].to_numpy()[:11] == pytest.approx(expected, rel=1e-12)
    assert np.isnan(out["data_quality_score"].to_numpy()[11:]).all()
    assert out["data_quality"].tolist() == [
        *["L", "L", "H", "M", "L", "H", "M", "L", "M", "L", "L"],
        *["", ""],
    ]
    assert list(out.columns) == [
        "lau2",
        "code",
        "notation_key",
        "data_quality_score",
        "data_quality",
    ]


def test_data_quality_columns_equal_the_text_group_by_to_the_bit() -> None:
    """The hand case, then 3,000 random buildings (some outside every commune, weights spanning
    nine orders of magnitude so that the order of the sums matters), point sources sharing row
    I.3.1 with the industry buildings, and a road part: the same columns to the bit."""
    q = quality_tables()
    table, buildings, points, network = hand_case()
    pd.testing.assert_frame_equal(
        qgpc.with_data_quality(table, buildings, points, q, network=network),
        text_keyed_quality(table, buildings, points, q, "lau2", network),
        check_exact=True,
    )
    rng = np.random.default_rng(11)
    n = 3_000
    areas = np.array(["9001", "9002", "9003", None], dtype=object)
    subs = np.array(["I.1", "I.2", "I.3"], dtype=object)
    big = pd.DataFrame(
        {
            "lau2": rng.choice(areas, n, p=[0.4, 0.3, 0.25, 0.05]),
            "gpc_subsector": rng.choice(subs, n),
            "scope1_tco2e_a": 10.0 ** rng.uniform(-4, 5, n),
            "biogenic_co2_t_a": np.where(rng.random(n) < 0.1, rng.uniform(0, 5, n), 0.0),
            "scope2_tco2e_a": 10.0 ** rng.uniform(-4, 5, n),
            "data_quality_score": rng.choice([1.0, 0.5, 0.25], n) * rng.uniform(0.9, 1.0, n),
        }
    )
    many_points = pd.DataFrame(
        {
            "lau2": rng.choice(areas[:3], 20),
            "gpc_sector": rng.choice(np.array(["I.3.1", "IV.1"], dtype=object), 20),
            "t_co2e_per_year": rng.uniform(1.0, 1e5, 20),
            "grade": rng.choice(np.array(["measured", "default", "estimated"], dtype=object), 20),
        }
    )
    road = pd.DataFrame(
        {
            "lau2": rng.choice(areas[:3], 50),
            "code": rng.choice(np.array(["II.1.1", "II.1.2"], dtype=object), 50),
            "w": rng.uniform(0.0, 50.0, 50),
        }
    )
    road["ws"] = road["w"] * 0.25
    land = qgpc.land_contributions(["9001", "9002", "9003"], "default", q, "lau2")
    codes = ["I.1.1", "I.1.2", "I.2.1", "I.2.2", "I.3.1", "I.3.2", "IV.1", "II.1.1", "II.1.2"]
    rows = [(a, c) for a in ["9001", "9002", "9003", "region"] for c in [*codes, "V.2", "II.2.1"]]
    big_table = pd.DataFrame(rows, columns=["lau2", "code"])
    big_table["notation_key"] = np.where(rng.random(len(big_table)) < 0.1, "IE", "")
    for pts in (many_points, None):
        got = qgpc.with_data_quality(big_table, big, pts, q, network=[road, land])
        want = text_keyed_quality(big_table, big, pts, q, "lau2", [road, land])
        pd.testing.assert_frame_equal(got, want, check_exact=True)
        assert got["data_quality_score"].notna().sum() > 30
