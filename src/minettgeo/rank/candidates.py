"""Candidate test districts: the districts layer, a user's polygons, or generated parcel groups.

A candidate is a set of parcels (every criterion is summed from its parcels and buildings) and a
polygon (its area, and the length share of roads inside it). Candidates of one set never overlap,
so every parcel belongs to at most one candidate:

* ``districts``: one candidate per district, its parcels by ``district_id``.
* a file: polygons in any vector format GDAL reads (GeoPackage, GeoJSON, Shapefile, GeoParquet
  ...), reprojected to LUREF (EPSG:2169); each must be a valid non-empty (multi)polygon, they must
  not overlap each other (run overlapping alternatives as separate sets) and each must hold at
  least one parcel. A parcel belongs to the polygon holding its representative point (parcels
  tessellate the region, so a polygon drawn along parcel edges takes exactly those parcels).
  Invalid geometries are repaired with ``make_valid`` and reported, like the region's layers.
* ``generated``: contiguous groups of parcels holding ``floor``-``ceiling`` residents, by PySAL
  ``spopt`` max-p regionalisation (:func:`generate`, method below).

Generated candidates (max-p with a residents floor, Duque, Anselin and Rey 2012; heuristic of
Wei, Rey and Knaap 2021 in ``spopt.region.MaxPHeuristic``): max-p finds the largest number of
contiguous regions whose residents each reach the floor, grouping similar neighbours. To keep it
within a minute on the ~119,000 parcels of the sample region it runs on *blocks*: parcels are
first grouped by district and by a ``cell_m`` x ``cell_m`` grid cell (their representative
point); blocks without residents (fields, forests, industrial estates, motorways) are left out,
and a block's neighbours are the inhabited blocks of the same district in the 8 surrounding cells
(queen contiguity on the grid). A generated candidate is the parcels of its blocks. Max-p then runs inside each district (regions never cross a
district, so each generated candidate can be compared with, and nested in, a district);
similarity: residents and heat need per hectare (z-scores). A district holding fewer than
``floor`` residents gives no candidate; regions above ``ceiling`` residents are dropped (none on
the sample region, whose districts hold about 3,000 residents).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from minettgeo import CRS
from minettgeo.errors import CandidatesError, ParameterError

#: default residents bounds of a generated candidate (issue 10: 500-5,000)
FLOOR = 500.0
CEILING = 5000.0
CELL_M = 250.0
#: max-p heuristic: construction iterations, simulated-annealing iterations (spopt defaults 99, 10
#: take minutes per district; these keep the whole sample region within a minute)
ITERATIONS = (2, 1)


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


def blocks(
    parcels: gpd.GeoDataFrame, residents: pd.Series, heat_kwh: pd.Series, cell_m: float
) -> pd.DataFrame:
    """Parcels grouped by district and grid cell: one row per block with district_id, i, j,
    residents, heat need, area; ``parcel_block`` maps parcel position -> block row."""
    pts = shapely.get_coordinates(shapely.point_on_surface(parcels.geometry.to_numpy()))
    frame = pd.DataFrame(
        {
            "district_id": parcels["district_id"].astype(str).to_numpy(),
            "i": np.floor(pts[:, 0] / cell_m).astype(np.int64),
            "j": np.floor(pts[:, 1] / cell_m).astype(np.int64),
            "residents": residents.to_numpy(dtype=float),
            "heat": heat_kwh.to_numpy(dtype=float),
            "area": shapely.area(parcels.geometry.to_numpy()),
        }
    )
    keys = ["district_id", "i", "j"]
    frame["block"] = frame.groupby(keys, sort=True).ngroup()
    agg = frame.groupby("block").agg(
        district_id=("district_id", "first"),
        i=("i", "first"),
        j=("j", "first"),
        residents=("residents", "sum"),
        heat=("heat", "sum"),
        area=("area", "sum"),
    )
    agg.attrs["parcel_block"] = frame["block"].to_numpy()
    return agg


def _queen_neighbours(block: pd.DataFrame) -> dict[int, list[int]]:
    """Queen neighbours on the grid among blocks of one district (positions 0..n-1)."""
    local = block.reset_index(drop=True)
    pos = pd.Series(
        np.arange(len(local)), index=pd.MultiIndex.from_arrays([local["i"], local["j"]])
    )
    pairs = []
    for di in (-1, 0, 1):
        for dj in (-1, 0, 1):
            if di == 0 and dj == 0:
                continue
            found = pos.reindex(pd.MultiIndex.from_arrays([local["i"] + di, local["j"] + dj]))
            ok = found.notna().to_numpy()
            pairs.append(
                np.stack([np.flatnonzero(ok), found.to_numpy()[ok].astype(np.int64)], axis=1)
            )
    edges = np.concatenate(pairs) if pairs else np.zeros((0, 2), dtype=np.int64)
    out: dict[int, list[int]] = {k: [] for k in range(len(local))}
    for k, grp in pd.DataFrame(edges, columns=["a", "b"]).groupby("a")["b"]:
        out[int(str(k))] = [int(v) for v in grp]
    return out


def _components(neighbours: dict[int, list[int]], n: int) -> np.ndarray:
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    rows = [k for k, v in neighbours.items() for _ in v]
    cols = [j for v in neighbours.values() for j in v]
    graph = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    return np.asarray(connected_components(graph, directed=False)[1])


def _maxp(local: pd.DataFrame, floor: float) -> np.ndarray:
    """spopt max-p labels of the connected blocks ``local`` (one region when it cannot split)."""
    import libpysal
    from spopt.region import MaxPHeuristic

    if len(local) == 1 or local["residents"].sum() < 2 * floor:
        return np.zeros(len(local), dtype=np.int64)
    w = libpysal.weights.W(_queen_neighbours(local), silence_warnings=True)
    gdf = gpd.GeoDataFrame(local, geometry=gpd.points_from_xy(local["i"], local["j"]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = MaxPHeuristic(
            gdf,
            w,
            ["res_ha", "heat_ha"],
            "residents",
            floor,
            top_n=2,
            max_iterations_construction=ITERATIONS[0],
            max_iterations_sa=ITERATIONS[1],
        )
        model.solve()
    return np.asarray(model.labels_, dtype=np.int64)


def generate(
    parcels: gpd.GeoDataFrame,
    residents: pd.Series,
    heat_kwh: pd.Series,
    *,
    floor: float = FLOOR,
    ceiling: float = CEILING,
    cell_m: float = CELL_M,
    seed: int = 2028,
) -> Candidates:
    """Generated candidates (module docstring); ``residents``, ``heat_kwh`` aligned on parcels."""
    if not (0 < floor < ceiling):
        raise ParameterError(
            f"--residents-floor/--residents-ceiling: need 0 < floor < ceiling, got {floor:g}, {ceiling:g}"
        )
    blk = blocks(parcels, residents, heat_kwh, cell_m)
    parcel_block = blk.attrs["parcel_block"]
    ha = blk["area"].to_numpy() / 1e4
    blk["res_ha"] = blk["residents"] / np.maximum(ha, 1e-9)
    blk["heat_ha"] = blk["heat"] / np.maximum(ha, 1e-9)
    for col in ("res_ha", "heat_ha"):
        v = blk[col].to_numpy()
        blk[col] = (v - v.mean()) / (v.std() or 1.0)
    label = np.full(len(blk), -1, dtype=np.int64)
    inhabited = blk["residents"].to_numpy() > 0
    next_label = 0
    np.random.seed(seed)  # noqa: NPY002 (spopt draws from numpy's global generator)
    for _district, grp in blk[inhabited].groupby("district_id", sort=True):  # max-p per district
        local = grp.reset_index()
        neighbours = _queen_neighbours(local)
        # max-p needs a connected graph: run it on each connected part of the district's blocks
        # (parts holding fewer than ``floor`` residents give no candidate)
        part = _components(neighbours, len(local))
        for k in np.unique(part):
            sel = np.flatnonzero(part == k)
            if local["residents"].to_numpy()[sel].sum() < floor:
                continue
            labels = _maxp(local.iloc[sel].reset_index(drop=True), floor)
            _, dense = np.unique(labels, return_inverse=True)
            label[local["block"].to_numpy()[sel]] = dense + next_label
            next_label += int(dense.max()) + 1
    parcel_label = label[parcel_block]
    res = pd.Series(residents.to_numpy(dtype=float)).groupby(parcel_label).sum()
    keep = res[(res.index >= 0) & (res >= floor) & (res <= ceiling)].index.to_numpy()
    inside = np.isin(parcel_label, keep)
    ids = np.array([f"G{v + 1:04d}" for v in parcel_label], dtype=object)
    sub = parcels.loc[inside, ["lau2", "geometry"]].assign(candidate_id=ids[inside])
    geom = sub.dissolve("candidate_id")[["geometry"]]
    area = (
        sub.assign(a=shapely.area(sub.geometry.to_numpy()))
        .groupby(["candidate_id", "lau2"])["a"]
        .sum()
    )
    lau2 = (
        area.reset_index()
        .sort_values("a")
        .drop_duplicates("candidate_id", keep="last")
        .set_index("candidate_id")["lau2"]
    )
    district = (
        pd.Series(parcels["district_id"].astype(str).to_numpy()[inside])
        .groupby(ids[inside])
        .first()
    )
    frame = gpd.GeoDataFrame(
        {
            "name": [f"{district[c]} / {c}" for c in geom.index],
            "source": "generated",
            "lau2": lau2.reindex(geom.index).astype(str).to_numpy(),
        },
        geometry=geom.geometry.to_numpy(),
        crs=CRS,
        index=pd.Index(geom.index, name="candidate_id"),
    )
    mapping = pd.Series(ids[inside], index=parcels["parcel_id"].astype(str).to_numpy()[inside])
    return Candidates(frame, mapping, "generated")
