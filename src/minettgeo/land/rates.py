"""Removal-rate lookups: the annual net removal (t C/(ha a), all pools) of each land-cover class
and stand age, and the gross urban-tree growth of each class.

``removal_rates.csv`` holds one row per class, age class ``[age_min, age_max)`` (``age_max`` >=
999: no upper end) and pool. Each age class of a class is a key (:func:`rate_keys`); every (class,
age) takes the key of the age class it falls in, -1 where the class has no row
(:func:`rate_key_of`); per key the pools are summed, with a last row of 0 for the key -1
(:func:`key_values`)::

    r[class, age] = sum over pools of value[class, age_min <= age < age_max]      t C/(ha a)

``urban_tree_rates.csv`` (same columns): the sum of a class's rows (0 for a class without rows).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from minettgeo.land.tables import CarbonTables


def rate_keys(table: pd.DataFrame) -> pd.DataFrame:
    """The age classes of a rate table: one row per (lucode, age_min, age_max), numbered."""
    keys = table[["lucode", "age_min", "age_max"]].drop_duplicates().reset_index(drop=True)
    return keys.assign(key=np.arange(len(keys)))


def rate_key_of(
    keys: pd.DataFrame, lucode: NDArray[np.int64], age: NDArray[np.int64]
) -> NDArray[np.int64]:
    """Index into ``keys`` of each (class, stand age); -1 where the class has no rate row."""
    query = pd.DataFrame({"i": np.arange(len(lucode)), "lucode": lucode, "age": age})
    merged = query.merge(keys, on="lucode", how="inner")
    inside = (merged["age"] >= merged["age_min"]) & (merged["age"] < merged["age_max"])
    inside |= (merged["age_max"] >= 999) & (merged["age"] >= merged["age_min"])
    hit = merged[inside].drop_duplicates("i")
    out = np.full(len(lucode), -1, dtype=np.int64)
    out[hit["i"].to_numpy()] = hit["key"].to_numpy()
    return out


def key_values(
    table: pd.DataFrame, keys: pd.DataFrame, values: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Rates summed over pools per key; ``values`` (rows of ``table`` [x draws])."""
    row_key = table.merge(keys, on=["lucode", "age_min", "age_max"], how="left")["key"].to_numpy()
    out = np.zeros((len(keys) + 1, *values.shape[1:]))  # last row: no rate (key -1)
    np.add.at(out, row_key, values)
    return out


def removal_rate(
    tables: CarbonTables, lucode: NDArray[np.int64], age: NDArray[np.int64]
) -> NDArray[np.float64]:
    """Annual removal rate (t C/(ha a), all pools) of each (class, stand age); 0 where the table
    has no row for the class (classes without growth)."""
    keys = rate_keys(tables.removal)
    per_key = key_values(tables.removal, keys, tables.removal["value"].to_numpy(dtype=float))
    return per_key[rate_key_of(keys, np.asarray(lucode), np.asarray(age))]


def urban_tree_rate(tables: CarbonTables, lucode: NDArray[np.int64]) -> NDArray[np.float64]:
    """Gross urban-tree growth (t C/(ha a), Nowak et al. crown cover, Tier 2a) per class."""
    rates = tables.urban_trees.groupby("lucode")["value"].sum()
    return rates.reindex(np.asarray(lucode)).fillna(0.0).to_numpy(dtype=float)
