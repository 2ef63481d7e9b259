"""Candidates from a user's file: polygons in any vector format GDAL reads, as a candidate set.

GeoPackage, GeoJSON, Shapefile, GeoParquet ...; reprojected to LUREF (EPSG:2169); each must be a
valid non-empty (multi)polygon, they must not overlap each other (run overlapping alternatives as
separate sets) and each must hold at least one parcel. A parcel belongs to the polygon holding its
representative point (parcels tessellate the region, so a polygon drawn along parcel edges takes
exactly those parcels). Invalid geometries are repaired with ``make_valid`` and reported, like the
region's layers. The same reader gives the ``--exclude`` areas of the eligibility constraints.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from minettgeo import CRS
from minettgeo.errors import CandidatesError
from minettgeo.rank.candidates import Candidates


def _ids(raw: gpd.GeoDataFrame) -> np.ndarray:
    for col in ("candidate_id", "id", "name"):
        if col in raw.columns and raw[col].notna().all() and raw[col].astype(str).is_unique:
            return raw[col].astype(str).to_numpy()
    return np.array([f"C{i + 1:03d}" for i in range(len(raw))], dtype=object)


def read_candidates_file(path: Path) -> gpd.GeoDataFrame:
    """The polygons of a candidates file, reprojected to LUREF; CandidatesError naming the file."""
    path = Path(path)
    if not path.exists():
        raise CandidatesError(f"--candidates {path}: no such file")
    try:
        if path.suffix.lower() == ".parquet":
            raw = gpd.read_parquet(path)
        else:
            raw = gpd.read_file(path, engine="pyogrio")
    except Exception as exc:  # GDAL and pyarrow raise many types for an unreadable file
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CandidatesError(
            f"--candidates {path}: not a readable vector file ({reason}); give a GeoPackage, "
            "GeoJSON, Shapefile or GeoParquet file of polygons"
        ) from exc
    if raw.empty:
        raise CandidatesError(f"--candidates {path}: holds no feature")
    if raw.crs is None:
        raise CandidatesError(
            f"--candidates {path}: no coordinate reference system; save it with one (LUREF "
            "EPSG:2169 or WGS84)"
        )
    return raw.to_crs(CRS)


def from_polygons(
    raw: gpd.GeoDataFrame, parcels: gpd.GeoDataFrame, where: str = "--candidates"
) -> Candidates:
    """Validated candidates from polygons in LUREF (module docstring)."""
    ids = _ids(raw)
    geoms = raw.geometry.to_numpy()
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if missing.any():
        raise CandidatesError(
            f"{where}: empty geometry for feature(s) {', '.join(ids[missing][:10])}"
        )
    kinds = shapely.get_type_id(geoms)
    bad_type = ~np.isin(kinds, (3, 6))  # Polygon, MultiPolygon
    if bad_type.any():
        raise CandidatesError(
            f"{where}: feature(s) {', '.join(ids[bad_type][:10])} are not polygons "
            f"({', '.join(sorted(set(shapely.get_type_id(geoms[bad_type]).astype(str))))}); a "
            "candidate is an area"
        )
    repairs: list[str] = []
    invalid = ~shapely.is_valid(geoms)
    if invalid.any():
        fixed = shapely.make_valid(geoms[invalid])
        geoms = geoms.copy()
        geoms[invalid] = [
            shapely.union_all([g for g in shapely.get_parts(f) if shapely.get_type_id(g) in (3, 6)])
            for f in fixed
        ]
        repairs.append(f"{where}: repaired invalid geometry of {', '.join(ids[invalid][:10])}")
    tree = shapely.STRtree(geoms)
    a, b = tree.query(geoms, predicate="intersects")
    pair = a < b
    a, b = a[pair], b[pair]
    overlap = shapely.area(shapely.intersection(geoms[a], geoms[b])) > 1.0
    if overlap.any():
        listed = ", ".join(
            f"{ids[i]} / {ids[j]}" for i, j in zip(a[overlap][:5], b[overlap][:5], strict=True)
        )
        raise CandidatesError(
            f"{where}: candidates overlap ({listed}); candidates of one set must not overlap "
            "(rank overlapping alternatives as separate files)"
        )
    points = shapely.point_on_surface(parcels.geometry.to_numpy())
    p_idx, c_idx = shapely.STRtree(geoms).query(points, predicate="within")
    counts = np.bincount(c_idx, minlength=len(geoms))
    if (counts == 0).any():
        raise CandidatesError(
            f"{where}: feature(s) {', '.join(ids[counts == 0][:10])} hold no parcel of the region "
            "(outside the region, or smaller than a parcel); check the file's coordinate system"
        )
    mapping = pd.Series(ids[c_idx], index=parcels["parcel_id"].astype(str).to_numpy()[p_idx])
    lau2 = (
        pd.DataFrame(
            {
                "c": ids[c_idx],
                "lau2": parcels["lau2"].astype(str).to_numpy()[p_idx],
                "a": shapely.area(parcels.geometry.to_numpy()[p_idx]),
            }
        )
        .groupby(["c", "lau2"])["a"]
        .sum()
        .reset_index()
        .sort_values("a")
        .drop_duplicates("c", keep="last")
        .set_index("c")["lau2"]
    )
    names = raw["name"].astype(str).to_numpy() if "name" in raw.columns else ids
    frame = gpd.GeoDataFrame(
        {
            "candidate_id": ids,
            "name": names,
            "source": "file",
            "lau2": lau2.reindex(ids).to_numpy(),
        },
        geometry=geoms,
        crs=CRS,
    ).set_index("candidate_id")
    return Candidates(frame, mapping, "file", tuple(repairs))


def from_file(path: Path, parcels: gpd.GeoDataFrame) -> Candidates:
    return from_polygons(read_candidates_file(path), parcels, f"--candidates {path}")
