"""User overrides of the factor tables: a file of the same shape replacing rows by key (new keys
added), or one factor set by a parameter; each recorded as an :class:`Override`."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from minettgeo.errors import FactorError
from minettgeo.factors.plausibility import check_factor_values
from minettgeo.factors.table_files import check_table, read_table_csv
from minettgeo.factors.table_keys import TABLE_KEYS, key_strings


@dataclass(frozen=True)
class Override:
    """A user file that replaced rows of a shipped table."""

    table: str
    path: str
    sha256: str
    rows_replaced: int
    rows_added: int


def table_name_of(path: Path) -> str:
    """The factor table an override file replaces rows of: the file's stem."""
    name = path.stem
    if name not in TABLE_KEYS:
        raise FactorError(
            f"override {path}: no factor table named '{name}'; name the file after one of "
            f"{', '.join(TABLE_KEYS)} (e.g. grid_factors.csv)"
        )
    return name


def apply_override(base: pd.DataFrame, name: str, path: Path) -> tuple[pd.DataFrame, Override]:
    """Rows of ``path`` replace rows of ``base`` with the same keys; new keys are appended."""
    if not path.exists():
        raise FactorError(f"override {path}: no such file")
    user = check_table(name, read_table_csv(path, f"override {path}"), str(path))
    keys = list(TABLE_KEYS[name])
    user = user.reindex(columns=base.columns.union(user.columns, sort=False))
    base_keys = set(key_strings(base, keys))
    user_keys = key_strings(user, keys)
    replaced = int(np.isin(user_keys, list(base_keys)).sum())
    kept = base[~np.isin(key_strings(base, keys), user_keys)]
    merged = pd.concat([kept, user[base.columns.intersection(user.columns)]], ignore_index=True)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return merged, Override(name, str(path), digest, replaced, len(user) - replaced)


def scalar_override(
    base: pd.DataFrame, name: str, keys: Mapping[str, str], value: float, label: str
) -> tuple[pd.DataFrame, Override]:
    """Set one factor to ``value`` (low = high = value), e.g. the electricity factor parameter."""
    mask = np.ones(len(base), dtype=bool)
    for k, v in keys.items():
        mask &= base[k].to_numpy() == v
    if mask.sum() != 1:
        raise FactorError(f"cannot set {label}: no single row {dict(keys)} in table '{name}'")
    out = base.copy()
    out.loc[mask, ["value", "low", "high"]] = value
    check_factor_values(name, out.loc[mask], f"parameter {label}")
    out.loc[mask, "source"] = f"user parameter {label}"
    return out, Override(name, f"parameter {label}={value:g}", "", 1, 0)
