"""Group sums on integer codes, the arithmetic of every roll-up level.

A row's group is its position in the table of groups (its *code*; -1 for a row whose key is not
a group, which no group counts). The sum of a column over group ``g`` is

    S_g = sum of v_i over the rows i with code_i = g      (missing values count as 0)

computed with one ``np.bincount`` per column instead of a group-by on text keys, so the keys are
hashed once per level and not once per column.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.float64]


Keys = Sequence[object] | NDArray[Any] | pd.Index | pd.Series


def _arrow_strings(values: Keys) -> pa.ChunkedArray | None:
    """The Arrow string array behind pandas text (None for anything else)."""
    array = getattr(values, "array", None)
    chunks = getattr(array, "_pa_array", None)
    if isinstance(chunks, pa.ChunkedArray) and pa.types.is_large_string(chunks.type):
        return chunks
    if isinstance(chunks, pa.ChunkedArray) and pa.types.is_string(chunks.type):
        return chunks
    return None


def group_codes(keys: Keys, groups: Keys) -> NDArray[np.intp]:
    """Position in ``groups`` (unique keys) of every row's key; -1 where it is not a group.
    Text keys are hashed by Arrow (``pyarrow.compute.index_in``), without Python strings."""
    index = pd.Index(groups)
    if not index.is_unique:
        raise ValueError("group keys must be unique")
    arrow_keys, arrow_groups = _arrow_strings(keys), _arrow_strings(index)
    if arrow_keys is not None and arrow_groups is not None:
        found = pc.index_in(
            arrow_keys, value_set=arrow_groups.combine_chunks().cast(arrow_keys.type)
        )
        return np.asarray(found.fill_null(-1).to_numpy(), dtype=np.intp)
    return np.asarray(index.get_indexer(pd.Index(np.asarray(keys, dtype=object))), dtype=np.intp)


def group_sum(values: ArrayLike, codes: NDArray[np.intp], n_groups: int) -> Array:
    """``S_g`` (module docstring) for ``g = 0 .. n_groups - 1``."""
    v = np.asarray(values, dtype=float)
    missing = np.isnan(v)
    if missing.any():
        v = np.where(missing, 0.0, v)
    ok = codes >= 0
    if not ok.all():
        v, codes = v[ok], codes[ok]
    return np.bincount(codes, weights=v, minlength=n_groups).astype(float)


def group_count(codes: NDArray[np.intp], n_groups: int) -> NDArray[np.int64]:
    """Number of rows in each group."""
    return np.bincount(codes[codes >= 0], minlength=n_groups).astype(np.int64)


def group_sums(
    frame: pd.DataFrame, columns: list[str], codes: NDArray[np.intp], n_groups: int
) -> dict[str, Array]:
    """``S_g`` of each of ``columns`` of ``frame`` (rows aligned with ``codes``)."""
    return {col: group_sum(frame[col].to_numpy(dtype=float), codes, n_groups) for col in columns}


def with_columns(
    frame: pd.DataFrame, columns: Mapping[str, ArrayLike] | pd.DataFrame
) -> pd.DataFrame:
    """``frame`` with ``columns`` set (as ``frame[name] = values`` one after the other would:
    existing columns replaced in place, new ones appended in the order given), in one step.
    ``columns`` may be a frame with the rows of ``frame`` in order (its index is ignored):
    its columns are taken as they are, without building them again."""
    if not len(columns.keys()):
        return frame.copy()
    if isinstance(columns, pd.DataFrame):
        added = columns.set_axis(frame.index, axis=0)
    else:
        added = pd.DataFrame(
            {name: np.asarray(values) for name, values in columns.items()}, index=frame.index
        )
    existing = [name for name in columns if name in frame.columns]
    order = list(frame.columns) + [name for name in columns if name not in frame.columns]
    out = pd.concat([frame.drop(columns=existing), added], axis=1)
    if existing:
        out = out[order]
    if isinstance(frame, gpd.GeoDataFrame):
        out = gpd.GeoDataFrame(out, geometry=frame.geometry.name, crs=frame.crs)
    return out
