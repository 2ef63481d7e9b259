"""What every router shares: the current run, the write token check, the response caches.

:meth:`AppContext.results` returns the :class:`~minettgeo.results.reader.Results` of the run
``results_dir/current`` points to. When a new run is published, the link changes; the next call
opens the new run and swaps it in under a lock, in one assignment. A request calls
``ctx.results()`` once and reads everything from that object (its run folder, resolved once), so
it never sees half of two runs; the old run folder stays on disk while it is read
(:data:`minettgeo.results.store.KEEP_RUNS`).

Beside it: :mod:`api.limits` (what one request may ask for), :mod:`api.compression` (gzip of
bodies), :mod:`api.write_token` (where the token comes from).
"""

from __future__ import annotations

import hmac
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from starlette.requests import Request
from starlette.responses import Response

from api.compression import GZIP_LEVEL, GZIP_LEVEL_KEPT, GZIP_MAGIC, compressed
from api.feature_store import FeatureTexts, build_feature_texts
from api.limits import Limits
from minettgeo.results.reader import Results, open_results

T = TypeVar("T")
#: small values kept by :meth:`AppContext.memo`
MEMO_ENTRIES = 64
#: layers whose GeoJSON is built when the server starts and when a new run is published
WARM_LAYERS = ("districts", "communes", "parcels")


@dataclass(frozen=True)
class MapLink:
    """A map listed on the landing page (filled by the maps router)."""

    href: str
    title_fr: str
    title_en: str


@dataclass
class AppContext:
    """Shared by every router (see the module docstring)."""

    results_dir: Path
    token: str | None = None
    limits: Limits = field(default_factory=Limits)
    #: folder where token-protected exports are written (``results_dir/exports`` by default)
    exports_dir: Path | None = None
    #: layers folder to compute from when results are missing or a recompute is asked for
    layers_dir: Path | None = None
    map_links: list[MapLink] = field(default_factory=list)
    #: layers whose GeoJSON stores are built in the background as soon as a run is opened
    #: (``minettgeo serve``: :data:`WARM_LAYERS`; none by default)
    warm_layers: tuple[str, ...] = ()
    #: work done in the background after the stores each time a run is opened, when
    #: ``warm_layers`` is set (routers register theirs: the default ranking)
    warm_tasks: list[Callable[[Results], object]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _results: Results | None = field(default=None, repr=False)
    _pointer: str | None = field(default=None, repr=False)
    _cache: OrderedDict[tuple[object, ...], bytes] = field(default_factory=OrderedDict, repr=False)
    _cache_size: int = field(default=0, repr=False)
    _memo: OrderedDict[tuple[object, ...], object] = field(default_factory=OrderedDict, repr=False)
    #: responses kept for the whole run (whole layers: never evicted, dropped on a new run)
    _kept: dict[tuple[object, ...], bytes] = field(default_factory=dict, repr=False)
    #: one GeoJSON store per layer of the current run (:mod:`api.feature_store`)
    _stores: dict[str, FeatureTexts] = field(default_factory=dict, repr=False)
    #: one lock per key being built, so that concurrent requests build it once
    _building: dict[tuple[object, ...], threading.Lock] = field(default_factory=dict, repr=False)
    export_slots: threading.BoundedSemaphore = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.results_dir = Path(self.results_dir)
        self.export_slots = threading.BoundedSemaphore(self.limits.max_concurrent_exports)
        self.exports_dir = (
            self.results_dir / "exports" if self.exports_dir is None else Path(self.exports_dir)
        )
        if self.layers_dir is not None:
            self.layers_dir = Path(self.layers_dir)

    def _current_pointer(self) -> str:
        """What ``current`` points to now (the run folder itself when results_dir is a run)."""
        link = self.results_dir / "current"
        try:
            return str(link.readlink())
        except OSError:
            return str(self.results_dir)

    def results(self) -> Results:
        """The current run (opened again only when ``current`` changed); NotFoundError when
        there are no results."""
        pointer = self._current_pointer()
        held = self._results
        if held is not None and pointer == self._pointer:
            return held
        opened = False
        with self._lock:
            if self._results is None or pointer != self._pointer:
                fresh = open_results(self.results_dir)
                self._results, self._pointer = fresh, pointer
                self._cache.clear()
                self._cache_size = 0
                self._memo.clear()
                self._kept.clear()
                self._stores.clear()
                opened = True
            current = self._results
        if opened and self.warm_layers:
            self.warm_in_background(self.warm_layers)
        return current

    def _once(self, key: tuple[object, ...]) -> threading.Lock:
        """The lock under which ``key`` is built (one build at a time per key)."""
        with self._lock:
            return self._building.setdefault(key, threading.Lock())

    def _is_current(self, run_id: str) -> bool:
        held = self._results
        return held is not None and held.run_id == run_id

    def store(self, res: Results, layer: str) -> FeatureTexts | None:
        """Every feature of ``layer`` of run ``res`` as GeoJSON texts, built once per run (None
        for a layer of more than ``limits.max_stored_features``: it is read page by page)."""
        held = self._stores.get(layer)
        if held is not None and held.run_id == res.run_id:
            return held
        if res.count(layer) > self.limits.max_stored_features:
            return None
        with self._once((res.run_id, "store", layer)):
            held = self._stores.get(layer)
            if held is not None and held.run_id == res.run_id:
                return held
            built = build_feature_texts(res, layer)
            with self._lock:
                if self._is_current(res.run_id):  # a store of a replaced run is not kept
                    self._stores[layer] = built
                self._building.pop((res.run_id, "store", layer), None)
            return built

    def warm(self, layers: tuple[str, ...] = WARM_LAYERS) -> None:
        """Build the stores of ``layers`` of the current run now, then run the
        :attr:`warm_tasks` on it (a background thread at start and after a new run, so that the
        first requests find them); failures are left to requests."""
        try:
            res = self.results()
            for layer in layers:
                if layer in res.layer_names:
                    self.store(res, layer)
        except Exception:  # a request meets the same error and reports it
            return
        for task in list(self.warm_tasks):
            try:
                task(res)
            except Exception:  # idem: the request that asks for it reports the error
                continue

    def open_in_background(self) -> threading.Thread:
        """Open the current run in a background thread (at start: opening it starts the warm
        build, :meth:`results`); no results yet: nothing happens until a request asks."""

        def _open() -> None:
            try:
                self.results()
            except Exception:  # a request meets the same error and reports it
                return

        thread = threading.Thread(target=_open, daemon=True, name="open")
        thread.start()
        return thread

    def warm_in_background(self, layers: tuple[str, ...] = WARM_LAYERS) -> threading.Thread:
        thread = threading.Thread(target=self.warm, args=(layers,), daemon=True, name="warm")
        thread.start()
        return thread

    def peek(self, key: tuple[object, ...]) -> bytes | None:
        """The cached response for ``key``, or None (never builds: safe in the event loop)."""
        with self._lock:
            value = self._cache.get(key)
            if value is not None:
                self._cache.move_to_end(key)
            return value

    def cached(self, key: tuple[object, ...], build: Callable[[], bytes]) -> bytes:
        """``build()`` once per key (the key must hold the run id; concurrent requests for it
        wait for the one build); least recently used entries go first when the cache holds more
        than the limits."""
        hit = self.peek(key)
        if hit is not None:
            return hit
        with self._once(key):
            hit = self.peek(key)
            if hit is not None:
                return hit
            value = build()
            self._put(key, value)
            with self._lock:
                self._building.pop(key, None)
        return value

    def held(self, key: tuple[object, ...]) -> bytes | None:
        """The body kept for ``key`` until a new run (:meth:`kept`, :meth:`prepare`), or None
        (never builds: safe in the event loop)."""
        return self._kept.get(key)

    def kept(self, key: tuple[object, ...], build: Callable[[], bytes]) -> bytes:
        """``build()`` once per key (holding the run id), kept until a new run: whole layers."""
        run_id = str(key[0])
        value = self._kept.get(key)
        if value is not None:
            return value
        with self._once(key):
            value = self._kept.get(key)
            if value is None:
                value = build()
                with self._lock:
                    if self._is_current(run_id):
                        self._kept[key] = value
                    self._building.pop(key, None)
        return value

    def prepare(self, key: tuple[object, ...], build: Callable[[], bytes]) -> None:
        """Build and keep until a new run (key holding the run id) the body of ``key`` as it is
        and gzip-compressed, as :meth:`cached_response` with ``keep=True`` serves them: a request
        arriving meanwhile waits for this build instead of starting its own."""
        gz_key = (*key, "gzip")
        self.kept(gz_key, lambda: compressed(self.kept(key, build), GZIP_LEVEL_KEPT))

    def _put(self, key: tuple[object, ...], value: bytes) -> None:
        with self._lock:
            if key not in self._cache:
                self._cache[key] = value
                self._cache_size += len(value)
            while self._cache and (
                len(self._cache) > self.limits.cache_entries
                or self._cache_size > self.limits.cache_bytes
            ):
                _key, old = self._cache.popitem(last=False)
                self._cache_size -= len(old)

    def memo(self, key: tuple[object, ...], build: Callable[[], T]) -> T:
        """``build()`` once per key (holding the run id), for small values such as the fids
        matching a bbox; the oldest of :data:`MEMO_ENTRIES` go first."""
        with self._lock:
            if key in self._memo:
                self._memo.move_to_end(key)
                return self._memo[key]  # type: ignore[return-value]
        value = build()
        with self._lock:
            self._memo[key] = value
            while len(self._memo) > MEMO_ENTRIES:
                self._memo.popitem(last=False)
        return value

    async def cached_response(
        self,
        request: Request,
        key: tuple[object, ...],
        build: Callable[[], bytes],
        media_type: str,
        headers: dict[str, str] | None = None,
        *,
        keep: bool = False,
    ) -> Response:
        """The body of ``key``, built once in the thread pool and kept: gzip-compressed when the
        client accepts it (then only the compressed body is kept), as it is otherwise.
        ``keep``: held until a new run (whole layers, compressed at :data:`GZIP_LEVEL_KEPT`)
        instead of in the bounded cache (pages, at :data:`GZIP_LEVEL`)."""
        from starlette.concurrency import run_in_threadpool

        hold = self.kept if keep else self.cached
        look = self.held if keep else self.peek
        level = GZIP_LEVEL_KEPT if keep else GZIP_LEVEL
        out = dict(headers or {})
        varies = ["Accept-Encoding", *(v.strip() for v in out.get("Vary", "").split(","))]
        out["Vary"] = ", ".join(dict.fromkeys(v for v in varies if v))
        if "gzip" in request.headers.get("accept-encoding", ""):
            gz_key = (*key, "gzip")
            body = look(gz_key)
            if body is None:
                body = await run_in_threadpool(
                    hold, gz_key, lambda: compressed(look(key) or build(), level)
                )
            if body[:2] == GZIP_MAGIC:
                out["Content-Encoding"] = "gzip"
        else:
            body = look(key) or await run_in_threadpool(hold, key, build)
        return Response(body, media_type=media_type, headers=out)

    def token_matches(self, given: str | None) -> bool:
        """Constant-time comparison with the configured token (False when none is set)."""
        if not self.token or not given:
            return False
        return hmac.compare_digest(given.encode("utf-8"), self.token.encode("utf-8"))
