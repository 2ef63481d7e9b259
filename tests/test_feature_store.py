"""The GeoJSON kept per run (api.feature_store) and the response caches of api.context."""

from __future__ import annotations

import gzip
import json
import shutil
import threading
from pathlib import Path

import numpy as np
import pytest
from api.app import create_app
from api.compression import compressed
from api.context import AppContext
from api.feature_store import build_feature_texts, items_page, page_links
from api.geojson import feature_collection
from api.limits import Limits
from fastapi.testclient import TestClient

from api_support import toy_results
from minettgeo.results import store
from minettgeo.results.reader import open_results

BASE = "http://t/ogc/collections/parcels/items"


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return toy_results(tmp_path_factory.mktemp("toy-store"))


def reader_page(results: Path, layer: str, offset: int, limit: int) -> bytes:
    """The page as the reader path writes it (what the store must reproduce byte for byte)."""
    res = open_results(results)
    frame = res.layer(layer, offset=offset, limit=limit, with_fid=True)
    matched = res.count(layer)
    return feature_collection(
        frame.drop(columns="fid"),
        ids=frame["fid"].to_numpy(),
        members={
            "numberMatched": matched,
            "numberReturned": len(frame),
            "links": page_links(BASE, offset=offset, limit=limit, matched=matched, bbox=None),
        },
    ).encode("utf-8")


@pytest.mark.parametrize("layer", ["parcels", "buildings", "districts", "communes"])
def test_store_pages_equal_the_reader_pages_byte_for_byte(results: Path, layer: str) -> None:
    res = open_results(results)
    texts = build_feature_texts(res, layer)
    assert texts.count == res.count(layer)
    for offset, limit in [(0, 1000), (0, 1), (1, 2), (res.count(layer), 5)]:
        page = items_page(
            texts, base=BASE, offset=offset, limit=limit, matched_fids=None, bbox=None
        )
        assert page == reader_page(results, layer, offset, limit)


def test_store_built_in_chunks_is_the_same(results: Path) -> None:
    res = open_results(results)
    whole = build_feature_texts(res, "buildings")
    one_by_one = build_feature_texts(res, "buildings", chunk=1)
    assert len(one_by_one.texts.chunks) == whole.count  # one chunk per feature
    rows = np.arange(whole.count)
    assert one_by_one.joined(rows) == whole.joined(rows) == whole.joined(slice(0, None))
    # positions picked across chunks come back in fid order: rows 2 and 0 -> features 1, 3
    picked = json.loads(b"[" + one_by_one.joined(np.array([2, 0])) + b"]")
    assert [f["id"] for f in picked] == [int(whole.fids[0]), int(whole.fids[2])]


def test_bbox_page_from_matched_fids(results: Path) -> None:
    res = open_results(results)
    texts = build_feature_texts(res, "buildings")
    fids = texts.fids[[0, 2]]  # two of the buildings matched a box
    doc = json.loads(
        items_page(texts, base=BASE, offset=1, limit=5, matched_fids=fids, bbox="6,49,6.1,49.1")
    )
    # matched 2, offset 1: one returned (the second fid), no next, prev from max(1 - 5, 0) = 0
    assert doc["numberMatched"] == 2 and doc["numberReturned"] == 1
    assert [f["id"] for f in doc["features"]] == [int(fids[1])]
    assert [link["rel"] for link in doc["links"]] == ["self", "prev"]
    assert doc["links"][1]["href"] == f"{BASE}?limit=5&offset=0&bbox=6,49,6.1,49.1"
    with pytest.raises(KeyError, match="not in layer"):
        texts.positions(np.array([10_000]))


def test_page_links_arithmetic() -> None:
    def rels(offset: int, limit: int, matched: int) -> dict[str, str]:
        links = page_links(BASE, offset=offset, limit=limit, matched=matched, bbox=None)
        return {link["rel"]: link["href"].split("?")[1] for link in links}

    # 5 matched, pages of 2: offset 2 -> next 2 + 2 = 4 (< 5), prev 2 - 2 = 0
    assert rels(2, 2, 5) == {
        "self": "limit=2&offset=2",
        "next": "limit=2&offset=4",
        "prev": "limit=2&offset=0",
    }
    # offset 4: 4 + 2 = 6 >= 5, no next; prev 4 - 2 = 2
    assert rels(4, 2, 5) == {"self": "limit=2&offset=4", "prev": "limit=2&offset=2"}
    # first page of 3 matched with limit 3: neither next (0 + 3 = 3, not < 3) nor prev
    assert rels(0, 3, 3) == {"self": "limit=3&offset=0"}


def test_concurrent_requests_build_a_key_once(results: Path) -> None:
    ctx = AppContext(results)
    calls: list[int] = []
    gate = threading.Event()

    def build() -> bytes:
        calls.append(1)
        gate.wait(5)
        return b"body"

    threads = [threading.Thread(target=ctx.cached, args=(("run", "k"), build)) for _ in range(8)]
    for thread in threads:
        thread.start()
    gate.set()
    for thread in threads:
        thread.join(10)
    assert len(calls) == 1
    assert ctx.cached(("run", "k"), build) == b"body" and len(calls) == 1


def test_whole_layers_are_kept_when_pages_are_evicted(results: Path) -> None:
    ctx = AppContext(results, limits=Limits(cache_entries=1))
    run_id = ctx.results().run_id
    builds: list[str] = []

    def build(name: str) -> bytes:
        builds.append(name)
        return name.encode()

    ctx.kept((run_id, "districts"), lambda: build("districts"))
    for page in ("p1", "p2", "p1"):  # one entry: p1 evicted by p2, built again
        ctx.cached((run_id, page), lambda page=page: build(page))  # type: ignore[misc]
    ctx.kept((run_id, "districts"), lambda: build("districts"))
    assert builds == ["districts", "p1", "p2", "p1"]


def test_compressed_only_above_the_threshold() -> None:
    assert compressed(b"{}", 1) == b"{}"
    big = b'{"a":' + b"1" * 5000 + b"}"
    assert compressed(big, 1)[:2] == b"\x1f\x8b"
    assert gzip.decompress(compressed(big, 6)) == big


def test_items_and_districts_through_the_app_gzip_or_not(results: Path) -> None:
    client = TestClient(create_app(results), raise_server_exceptions=False)
    for url in ("/ogc/collections/parcels/items?limit=2", "/api/districts"):
        plain = client.get(url, headers={"Accept-Encoding": "identity"})
        zipped = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert plain.status_code == zipped.status_code == 200
        assert "content-encoding" not in plain.headers
        assert plain.content == zipped.content  # httpx inflates: the same document
        again = client.get(url, headers={"Accept-Encoding": "identity"})
        assert again.content == plain.content


def test_stores_are_swapped_with_the_run(results: Path, tmp_path: Path) -> None:
    copy = tmp_path / "results"
    shutil.copytree(results, copy, symlinks=True)
    ctx = AppContext(copy)
    first = ctx.results()
    before = ctx.store(first, "parcels")
    assert before is not None and ctx.store(first, "parcels") is before  # kept
    old = (copy / "current").resolve()
    new_id = "20990101T000000Z-00000001"
    shutil.copytree(old, copy / "runs" / new_id)
    prov = json.loads((old / "provenance.json").read_text())
    (copy / "runs" / new_id / "provenance.json").write_text(json.dumps({**prov, "run_id": new_id}))
    store.switch_current(copy, copy / "runs" / new_id)
    second = ctx.results()
    assert second.run_id == new_id
    after = ctx.store(second, "parcels")
    assert after is not None and after.run_id == new_id and after is not before
    # a build for the replaced run is served to its request but not kept
    stale = ctx.store(first, "parcels")
    assert stale is not None and stale.run_id == first.run_id
    assert ctx.store(second, "parcels") is after


def test_too_large_layers_are_read_page_by_page(results: Path) -> None:
    ctx = AppContext(results, limits=Limits(max_stored_features=1))
    res = ctx.results()
    assert ctx.store(res, "parcels") is None
    client = TestClient(
        create_app(results, limits=Limits(max_stored_features=1)), raise_server_exceptions=False
    )
    full = TestClient(create_app(results), raise_server_exceptions=False)
    # the toy parcels lie near 6.0 E, 49.7 N: this box (about 65 x 89 km) holds all three
    for query in ("limit=2&offset=1", "limit=2&offset=1&bbox=5.7,49.4,6.6,50.2"):
        page = client.get(f"/ogc/collections/parcels/items?{query}")
        stored = full.get(f"/ogc/collections/parcels/items?{query}")
        assert page.status_code == stored.status_code == 200
        assert page.content == stored.content
    assert stored.json()["numberMatched"] == 3 and stored.json()["numberReturned"] == 2
