"""Bounds on what one request may ask for: page size, bbox area, body size, exports, caches."""

from __future__ import annotations

from dataclasses import dataclass


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
    #: layers of at most this many features are kept whole as GeoJSON texts per run
    #: (:mod:`api.feature_store`; the parcels: about 250 MB), larger ones read page by page
    max_stored_features: int = 200_000
