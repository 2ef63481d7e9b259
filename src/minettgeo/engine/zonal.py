"""The expensive zonal step (exact class areas of every parcel), keyed by content.

The key is the SHA-256 of the land rasters as given, of the parcel ids and geometries (WKB) and
of the zonal method's version; a rerun with unchanged land and parcels reads the joint areas
back from ``<cache_dir>/zonal-<key>.parquet`` instead of recomputing them. The key is recorded
in the provenance. Land-cover changes of a change set are applied after the zonal step (whole
parcels given a new code), so they never invalidate the cache.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from minettgeo.land.areas import joint_areas
from minettgeo.layers import io

from .inputs import Inputs

#: bump when joint_areas changes what it computes
ZONAL_VERSION = "1"
RASTER_KEYS = ("landcover", "landcover_before", "forest_age")


def zonal_key(inputs: Inputs) -> str:
    """Content key of the zonal step: raster SHA-256 x parcel ids and geometries."""
    digest = hashlib.sha256(f"zonal {ZONAL_VERSION}".encode())
    for name in RASTER_KEYS:
        digest.update(name.encode())
        digest.update(
            "".join(
                sorted(v for k, v in inputs.hashes.items() if k.startswith(f"{name}:"))
            ).encode()
        )
    parcels = inputs.region.parcels
    digest.update("\x00".join(parcels["parcel_id"].astype(str)).encode())
    # one update with every WKB in order: the same digest as one update per geometry
    digest.update(b"".join(shapely.to_wkb(parcels.geometry.to_numpy(), output_dimension=2)))
    return digest.hexdigest()


def cached_joint_areas(inputs: Inputs, key: str) -> pd.DataFrame:
    """Joint class areas per parcel (:func:`minettgeo.land.areas.joint_areas`), from the cache
    when ``inputs.options.cache_dir`` holds them for ``key``; written there otherwise."""
    joint = read_joint_cache(inputs, key)
    if joint is None:
        joint = joint_areas(inputs.land, inputs.region.parcels, "parcel_id")
        write_joint_cache(inputs, key, joint)
    return joint


def joint_cache_path(inputs: Inputs, key: str) -> Path | None:
    """``<cache_dir>/zonal-<key>.parquet``; None without a cache folder."""
    cache_dir = inputs.options.cache_dir
    return None if cache_dir is None else Path(cache_dir) / f"zonal-{key}.parquet"


def read_joint_cache(inputs: Inputs, key: str) -> pd.DataFrame | None:
    """The cached joint areas of ``key``; None when absent (a damaged entry is removed)."""
    path = joint_cache_path(inputs, key)
    if path is not None and path.exists():
        try:
            return pd.read_parquet(path)
        except (OSError, ValueError):
            path.unlink(missing_ok=True)  # a damaged cache entry is recomputed
    return None


def write_joint_cache(inputs: Inputs, key: str, joint: pd.DataFrame) -> None:
    """Store ``joint`` under ``key`` in the cache folder (atomically; nothing without one)."""
    path = joint_cache_path(inputs, key)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with io.atomic_path(path) as tmp:
            joint.to_parquet(tmp, index=False)


def with_land_cover(joint: pd.DataFrame, changes: Mapping[str, int]) -> pd.DataFrame:
    """Joint areas after giving whole parcels a new land-cover code now: the parcel's area of
    every combination moves to ``now = code`` (before and age kept), summed per combination."""
    if not changes:
        return joint
    zone = joint["zone"].astype(str)
    code = zone.map({str(k): int(v) for k, v in changes.items()})
    hit = code.notna().to_numpy()
    if not hit.any():
        return joint
    out = joint.copy()
    out.loc[hit, "now"] = code[hit].to_numpy(dtype=np.int64)
    changed = pd.DataFrame(
        out.loc[hit].groupby(["zone", "now", "before", "age"], as_index=False)["area_ha"].sum()
    )
    parts: list[pd.DataFrame] = [pd.DataFrame(out.loc[~hit]), changed]
    return pd.concat(parts, ignore_index=True)
