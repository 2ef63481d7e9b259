"""Candidate test districts: what a candidate is, and the districts layer as candidates.

A candidate is a set of parcels (every criterion is summed from its parcels and buildings) and a
polygon (its area, and the length share of roads inside it). Candidates of one set never overlap,
so every parcel belongs to at most one candidate. Three sources give a set:

* ``districts``: one candidate per district, its parcels by ``district_id``
  (:func:`from_districts`).
* a file: a user's polygons (:mod:`minettgeo.rank.candidate_file`).
* ``generated``: contiguous groups of parcels holding ``floor``-``ceiling`` residents, by PySAL
  ``spopt`` max-p regionalisation (:mod:`minettgeo.rank.maxp_candidates`).
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd


@dataclass(frozen=True)
class Candidates:
    """``frame``: index ``candidate_id``; columns name, source, lau2 (commune holding most of
    its residents or area), geometry (LUREF). ``parcel_candidate``: parcel_id -> candidate_id."""

    frame: gpd.GeoDataFrame
    parcel_candidate: pd.Series
    kind: str
    repairs: tuple[str, ...] = ()


def from_districts(districts: gpd.GeoDataFrame, parcels: pd.DataFrame) -> Candidates:
    frame = gpd.GeoDataFrame(
        {
            "candidate_id": districts["district_id"].astype(str).to_numpy(),
            "name": districts["name"].astype(str).to_numpy()
            if "name" in districts
            else districts["district_id"].astype(str).to_numpy(),
            "source": "districts",
            "lau2": districts["lau2"].astype(str).to_numpy(),
        },
        geometry=districts.geometry.to_numpy(),
        crs=districts.crs,
    ).set_index("candidate_id")
    mapping = pd.Series(
        parcels["district_id"].astype(str).to_numpy(), index=parcels["parcel_id"].astype(str)
    )
    return Candidates(frame, mapping[mapping.isin(frame.index)], "districts")
