"""Eligibility of candidates: the constraints on single candidates, and why one is not eligible.

Residents between ``--residents-min`` and ``--residents-max``; no overlap (more than 1 m2) with an
``--exclude`` area (polygons, read like a candidates file); no ``--exclude-parcels`` parcel. A
candidate failing several constraints is reported with the first in that order.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from minettgeo.errors import ParameterError
from minettgeo.rank.candidate_file import read_candidates_file
from minettgeo.rank.candidates import Candidates
from minettgeo.rank.options import RankOptions


def eligibility(
    frame: gpd.GeoDataFrame, cands: Candidates, options: RankOptions
) -> tuple[np.ndarray, list[str]]:
    """Whether each candidate of ``frame`` satisfies the constraints on single candidates
    (module docstring), and the first one it fails ('' when eligible)."""
    n = len(frame)
    ok = np.ones(n, dtype=bool)
    why = [""] * n
    res = frame["residents"].to_numpy(dtype=float)
    if options.residents_min is not None:
        low = res < options.residents_min
        ok &= ~low
        why = [
            w or ("residents below --residents-min" if b else "")
            for w, b in zip(why, low, strict=True)
        ]
    if options.residents_max is not None:
        high = res > options.residents_max
        ok &= ~high
        why = [
            w or ("residents above --residents-max" if b else "")
            for w, b in zip(why, high, strict=True)
        ]
    if options.exclude is not None:
        zones = read_candidates_file(options.exclude)
        hit = np.zeros(n, dtype=bool)
        geoms = frame.geometry.to_numpy()
        a, b = shapely.STRtree(zones.geometry.to_numpy()).query(geoms, predicate="intersects")
        inter = shapely.area(shapely.intersection(geoms[a], zones.geometry.to_numpy()[b])) > 1.0
        hit[np.unique(a[inter])] = True
        ok &= ~hit
        why = [
            w or ("overlaps an --exclude area" if h else "") for w, h in zip(why, hit, strict=True)
        ]
    if options.exclude_parcels:
        known = set(cands.parcel_candidate.index)
        unknown = [
            p
            for p in options.exclude_parcels
            if p not in known and p not in set(cands.parcel_candidate.index)
        ]
        if len(unknown) == len(options.exclude_parcels):
            raise ParameterError(
                f"--exclude-parcels: none of {', '.join(unknown[:5])} is a parcel of any candidate"
            )
        bad = set(cands.parcel_candidate.reindex(list(options.exclude_parcels)).dropna())
        hit = frame.index.isin(list(bad))
        ok &= ~hit
        why = [
            w or ("holds an --exclude-parcels parcel" if h else "")
            for w, h in zip(why, hit, strict=True)
        ]
    return ok, why
