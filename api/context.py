"""What every router shares: the current run, the limits, the token, a small response cache.

:meth:`AppContext.results` returns the :class:`~minettgeo.results.reader.Results` of the run
``results_dir/current`` points to. When a new run is published, the link changes; the next call
opens the new run and swaps it in under a lock, in one assignment. A request calls
``ctx.results()`` once and reads everything from that object (its run folder, resolved once), so
it never sees half of two runs; the old run folder stays on disk while it is read
(:data:`minettgeo.results.store.KEEP_RUNS`).
"""

from __future__ import annotations

import gzip
import hmac
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from starlette.requests import Request
from starlette.responses import Response

from minettgeo.results.reader import Results, open_results

TOKEN_ENV = "MINETTGEO_TOKEN"
T = TypeVar("T")
#: small values kept by :meth:`AppContext.memo`
MEMO_ENTRIES = 64
#: responses smaller than this are sent as they are; larger ones gzip-compressed at this level
GZIP_MIN_BYTES = 1024
GZIP_LEVEL = 5
TOKEN_FILE_ENV = "MINETTGEO_TOKEN_FILE"


@dataclass(frozen=True)
class Limits:
    """Bounds on what one request may ask for (every one named in the 4xx that enforces it)."""

    #: features per page the OGC endpoint advertises and uses by default
    default_page: int = 1_000
    #: most features one page may hold (``limit``)
    max_page: int = 10_000
    #: largest bbox, in km2 (the Minett is about 250 km2, Luxembourg 2,586 km2)
    max_bbox_km2: float = 20_000.0
    #: largest request body, in bytes
    max_body_bytes: int = 64 * 1024
    #: exports built at the same time (others get 503 and retry)
    max_concurrent_exports: int = 2
    #: most features one export may hold
    max_export_features: int = 500_000
    #: serialised responses kept in memory (per run), by count and by total size
    cache_entries: int = 256
    cache_bytes: int = 96 * 1024 * 1024


@dataclass(frozen=True)
class MapLink:
    """A map listed on the landing page (filled by the maps router)."""

    href: str
    title_fr: str
    title_en: str


def read_token(token: str | None = None) -> str | None:
    """The write token: ``token`` if given, else ``$MINETTGEO_TOKEN``, else the first line of the
    file ``$MINETTGEO_TOKEN_FILE``; None (every write route refused) when none is set."""
    if token:
        return token
    value = os.environ.get(TOKEN_ENV, "").strip()
    if value:
        return value
    path = os.environ.get(TOKEN_FILE_ENV, "").strip()
    if path:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
        first = lines[0].strip() if lines else ""
        return first or None
    return None


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
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _results: Results | None = field(default=None, repr=False)
    _pointer: str | None = field(default=None, repr=False)
    _cache: OrderedDict[tuple[object, ...], bytes] = field(default_factory=OrderedDict, repr=False)
    _cache_size: int = field(default=0, repr=False)
    _memo: OrderedDict[tuple[object, ...], object] = field(default_factory=OrderedDict, repr=False)
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
        with self._lock:
            if self._results is None or pointer != self._pointer:
                fresh = open_results(self.results_dir)
                self._results, self._pointer = fresh, pointer
                self._cache.clear()
                self._cache_size = 0
                self._memo.clear()
            return self._results

    def peek(self, key: tuple[object, ...]) -> bytes | None:
        """The cached response for ``key``, or None (never builds: safe in the event loop)."""
        with self._lock:
            value = self._cache.get(key)
            if value is not None:
                self._cache.move_to_end(key)
            return value

    async def serve_cached(self, key: tuple[object, ...], build: Callable[[], bytes]) -> bytes:
        """A cached response at once, else ``build()`` in the thread pool (not in the loop)."""
        from starlette.concurrency import run_in_threadpool

        hit = self.peek(key)
        if hit is not None:
            return hit
        return await run_in_threadpool(self.cached, key, build)

    def cached(self, key: tuple[object, ...], build: Callable[[], bytes]) -> bytes:
        """``build()`` once per key (the key must hold the run id); least recently used entries
        go first when the cache holds more than the limits."""
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        value = build()
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
        return value

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
    ) -> Response:
        """The cached body of ``key`` (built in the thread pool when missing), gzip-compressed
        (once, then kept) when the client accepts it."""

        body = await self.serve_cached(key, build)
        out = {"Vary": "Accept-Encoding", **(headers or {})}
        if len(body) > GZIP_MIN_BYTES and "gzip" in request.headers.get("accept-encoding", ""):
            gz_key = (*key, "gzip")
            body = await self.serve_cached(gz_key, lambda: gzip.compress(body, GZIP_LEVEL))
            out["Content-Encoding"] = "gzip"
        return Response(body, media_type=media_type, headers=out)

    def token_matches(self, given: str | None) -> bool:
        """Constant-time comparison with the configured token (False when none is set)."""
        if not self.token or not given:
            return False
        return hmac.compare_digest(given.encode("utf-8"), self.token.encode("utf-8"))
