"""Every feature of a result layer as GeoJSON text, built once per run and kept.

A page of the OGC ``items`` route is then a slice of :class:`FeatureTexts` joined by commas in
Arrow (no file read, no serialisation per request): ``offset``/``limit`` take a contiguous run of
features, a ``bbox`` the positions of the fids that match it. The texts are the very bytes
:func:`api.geojson.feature_collection` writes for the same features (tested), read through the
results reader once; :class:`~api.context.AppContext` keeps one store per layer of the current
run and drops them, in the same swap, when a new run is published.
"""

from __future__ import annotations

import ctypes
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from api.geojson import GEOJSON, collection_bytes, feature_collection, feature_texts
from minettgeo.results.reader import Results

if TYPE_CHECKING:
    from api.context import AppContext
    from api.params import BBox

#: features read and serialised at a time while a store is built (bounds the transient memory)
BUILD_CHUNK = 20_000
_COMMA = pa.scalar(b",", pa.large_binary())


@dataclass(frozen=True)
class FeatureTexts:
    """One GeoJSON Feature text (UTF-8) per feature of ``layer`` in run ``run_id``, by fid."""

    run_id: str
    layer: str
    #: GeoPackage fids, ascending; ``texts[i]`` is the feature whose fid is ``fids[i]``
    fids: np.ndarray
    #: in chunks of :data:`BUILD_CHUNK` (kept apart: joining them would double the peak memory)
    texts: pa.ChunkedArray

    @property
    def count(self) -> int:
        return len(self.fids)

    @property
    def nbytes(self) -> int:
        """Memory held (texts, their offsets and the fids), in bytes."""
        return int(self.texts.nbytes + self.fids.nbytes)

    def positions(self, fids: np.ndarray) -> np.ndarray:
        """Row positions of ``fids`` (each one of the layer's fids) in the store."""
        wanted = np.asarray(fids, dtype=np.int64)
        pos = np.searchsorted(self.fids, wanted)
        if len(wanted) and (
            pos.max() >= len(self.fids) or not np.array_equal(self.fids[pos], wanted)
        ):
            raise KeyError(f"fids not in layer {self.layer!r} of run {self.run_id}")
        return pos

    def joined(self, rows: slice | np.ndarray) -> bytes:
        """The texts of ``rows`` (a slice, or ascending positions) joined by commas, as bytes."""
        if isinstance(rows, slice):
            start, stop, _step = rows.indices(self.count)
            pieces = self.texts.slice(start, max(stop - start, 0)).chunks
        else:  # taken chunk by chunk (a take on the chunked array would first concatenate it)
            pos = np.sort(np.asarray(rows, dtype=np.int64))
            bounds = np.cumsum([0, *(len(c) for c in self.texts.chunks)])
            chunk_of = np.searchsorted(bounds, pos, side="right") - 1
            pieces = [
                self.texts.chunk(int(k)).take(pa.array(pos[chunk_of == k] - bounds[k]))
                for k in np.unique(chunk_of)
            ]
        values = pa.concat_arrays(pieces) if pieces else pa.array([], type=pa.large_binary())
        if len(values) == 0:
            return b""
        lists = pa.LargeListArray.from_arrays(pa.array([0, len(values)], pa.int64()), values)
        return bytes(pc.binary_join(lists, _COMMA)[0].as_buffer().to_pybytes())


def build_feature_texts(res: Results, layer: str, chunk: int = BUILD_CHUNK) -> FeatureTexts:
    """Read every feature of ``layer`` through the results reader, ``chunk`` at a time, and
    serialise each as GeoJSON in CRS84 (fid as the feature ``id``)."""
    count = res.count(layer)
    parts: list[pa.Array] = []
    fids: list[np.ndarray] = []
    for start in range(0, max(count, 1), chunk):
        frame = res.layer(layer, offset=start, limit=chunk, with_fid=True)
        if frame.empty:
            break
        ids = frame["fid"].to_numpy(dtype=np.int64)
        parts.append(pc.cast(feature_texts(frame.drop(columns="fid"), ids=ids), pa.large_binary()))
        fids.append(ids)
    all_fids = np.concatenate(fids) if fids else np.zeros(0, dtype=np.int64)
    texts = pa.chunked_array(parts, type=pa.large_binary())
    if np.any(np.diff(all_fids) <= 0):  # not in fid order: sort once
        order = np.argsort(all_fids, kind="stable")
        all_fids = all_fids[order]
        texts = pa.chunked_array([texts.take(pa.array(order))])
    release_memory()
    return FeatureTexts(res.run_id, layer, all_fids, texts)


#: glibc's ``mallopt`` parameter number of the mmap threshold (``M_MMAP_THRESHOLD``)
_M_MMAP_THRESHOLD = -3


def map_large_blocks(threshold_bytes: int = 256 * 1024) -> None:
    """Have glibc map every block above ``threshold_bytes`` on its own, so that the pages built
    and sent per request (about 2 MB each) go back to the system when freed instead of growing
    the heap (glibc raises its threshold after the first such free; measured here: the server
    holds about 100 MB less after the load test). Nothing where glibc is absent."""
    try:
        ctypes.CDLL("libc.so.6").mallopt(_M_MMAP_THRESHOLD, int(threshold_bytes))
    except (OSError, AttributeError):
        return


def release_memory() -> None:
    """Give the memory freed after a build back to the system (Arrow's pool, then glibc's heap:
    about 130 MB after the parcels' store); nothing where glibc is absent."""
    pa.default_memory_pool().release_unused()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        return


def page_links(
    base: str, *, offset: int, limit: int, matched: int, bbox: str | None
) -> list[dict[str, Any]]:
    """``self``, ``next`` (when features remain) and ``prev`` (when ``offset`` > 0) links of a
    page of ``limit`` features from ``offset`` among ``matched``."""

    def href(start: int) -> str:
        return f"{base}?limit={limit}&offset={start}" + (f"&bbox={bbox}" if bbox else "")

    links = [{"href": href(offset), "rel": "self", "type": GEOJSON}]
    if offset + limit < matched:
        links.append({"href": href(offset + limit), "rel": "next", "type": GEOJSON})
    if offset > 0:
        links.append({"href": href(max(offset - limit, 0)), "rel": "prev", "type": GEOJSON})
    return links


def items_page(
    store: FeatureTexts,
    *,
    base: str,
    offset: int,
    limit: int,
    matched_fids: np.ndarray | None,
    bbox: str | None,
    members: Mapping[str, object] | None = None,
) -> bytes:
    """One page of the OGC ``items`` of ``store``: the features from ``offset`` (at most
    ``limit``) of the whole layer, or of ``matched_fids`` (those matching ``bbox``), with
    ``numberMatched``, ``numberReturned`` and the paging links."""
    if matched_fids is None:
        matched = store.count
        rows: slice | np.ndarray = slice(offset, offset + limit)
        returned = max(min(offset + limit, matched) - offset, 0)
    else:
        matched = len(matched_fids)
        rows = store.positions(matched_fids[offset : offset + limit])
        returned = len(rows)
    head: dict[str, object] = {
        "numberMatched": matched,
        "numberReturned": returned,
        **(members or {}),
        "links": page_links(base, offset=offset, limit=limit, matched=matched, bbox=bbox),
    }
    return collection_bytes(store.joined(rows), head)


def items_body(
    ctx: AppContext,
    res: Results,
    layer: str,
    *,
    base: str,
    box: BBox | None,
    bbox: str | None,
    offset: int,
    limit: int,
) -> bytes:
    """One page of ``items`` (GeoJSON bytes): sliced from the layer's store of GeoJSON texts
    (:meth:`AppContext.store`), or read through the results reader for a layer too large to
    keep. ``box`` is the parsed ``bbox`` (its fids are memoised per run)."""
    fids = (
        None
        if box is None
        else ctx.memo(
            (res.run_id, "fids", layer, box.crs84),
            lambda: res.fids(layer, bbox=box.box, mask=box.polygon),
        )
    )
    members = {"timeStamp": str(res.provenance.get("date") or "")}
    store = ctx.store(res, layer)
    if store is not None:
        return items_page(
            store,
            base=base,
            offset=offset,
            limit=limit,
            matched_fids=fids,
            bbox=bbox,
            members=members,
        )
    if fids is None:
        matched = res.count(layer)
        frame = res.layer(layer, offset=offset, limit=limit, with_fid=True)
    else:
        matched = len(fids)
        frame = res.layer(layer, fids=fids[offset : offset + limit].tolist(), with_fid=True)
    return feature_collection(
        frame.drop(columns="fid"),
        ids=frame["fid"].to_numpy(),
        members={
            "numberMatched": matched,
            "numberReturned": len(frame),
            **members,
            "links": page_links(base, offset=offset, limit=limit, matched=matched, bbox=bbox),
        },
    ).encode("utf-8")
