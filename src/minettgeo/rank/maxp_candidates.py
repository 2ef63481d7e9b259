"""Generated candidates: contiguous parcel groups of ``floor``-``ceiling`` residents, by max-p.

Max-p with a residents floor (Duque, Anselin and Rey 2012; heuristic of Wei, Rey and Knaap 2021 in
``spopt.region.MaxPHeuristic``): max-p finds the largest number of contiguous regions whose
residents each reach the floor, grouping similar neighbours. To keep it within a minute on the
~119,000 parcels of the sample region it runs on *blocks*: parcels are first grouped by district
and by a ``cell_m`` x ``cell_m`` grid cell (their representative point); blocks without residents
(fields, forests, industrial estates, motorways) are left out, and a block's neighbours are the
inhabited blocks of the same district in the 8 surrounding cells (queen contiguity on the grid).
A generated candidate is the parcels of its blocks. Max-p then runs inside each district (regions
never cross a district, so each generated candidate can be compared with, and nested in, a
district); similarity: residents and heat need per hectare (z-scores). A district holding fewer
than ``floor`` residents gives no candidate; regions above ``ceiling`` residents are dropped (none
on the sample region, whose districts hold about 3,000 residents).
"""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from minettgeo import CRS
from minettgeo.errors import ParameterError
from minettgeo.rank.candidates import Candidates

#: default residents bounds of a generated candidate (issue 10: 500-5,000)
FLOOR = 500.0
CEILING = 5000.0
CELL_M = 250.0
#: max-p heuristic: construction iterations, simulated-annealing iterations (spopt defaults 99, 10
#: take minutes per district; these keep the whole sample region within a minute)
ITERATIONS = (2, 1)


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
