"""The factor set: all factor tables as one parameter vector, with lookups that fail loudly.

Every factor minettgeo uses sits in a CSV table shipped in ``minettgeo/factors/data`` with its
unit, value, low and high bound, source and year. A user can override any table with a file of the
same shape (rows with the same keys replace the shipped rows, new keys are added); every override
is recorded in the provenance of each output.

All numeric factors of all tables form one parameter vector ``theta`` (plus the constants 0 at
index 0 and 1 at index 1). Models resolve, per building or road, the *indices* of the factors they need
(:meth:`FactorSet.index`) and read their values from ``theta``. The deterministic run uses the
central values; the Monte Carlo run evaluates the same formulas on a matrix of drawn ``theta``
(draws x parameters), so both share one implementation.

Beside it: ``table_keys.py`` (the key columns of each table), ``table_files.py`` (reading and
checking a table's CSV), ``plausibility.py`` (the plausible range of every factor),
``overrides.py`` (the user's override files and parameters).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from minettgeo.errors import FactorError
from minettgeo.factors.overrides import Override, apply_override, scalar_override, table_name_of
from minettgeo.factors.table_files import read_shipped
from minettgeo.factors.table_keys import TABLE_KEYS, key_strings

FACTOR_SET_VERSION = "minettgeo-factors-2026.1"
GWP_SETS = ("AR4", "AR5", "AR6")
GASES = ("CO2", "CH4", "N2O")


@dataclass(frozen=True)
class FactorSet:
    """All factor tables, the chosen GWP set and the overrides, with a flat parameter vector."""

    tables: Mapping[str, pd.DataFrame]
    gwp_set: str
    overrides: tuple[Override, ...] = ()
    version: str = FACTOR_SET_VERSION
    params: pd.DataFrame = field(init=False, repr=False)
    #: table -> parameter position by key string (first row of a key), built once
    _positions: dict[str, dict[str, int]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        frames = [
            pd.DataFrame(
                {
                    "table": ["<zero>", "<one>"],
                    "key": ["", ""],
                    "value": [0.0, 1.0],
                    "low": [0.0, 1.0],
                    "high": [0.0, 1.0],
                }
            )
        ]
        for name, df in self.tables.items():
            keys = TABLE_KEYS[name]
            frames.append(
                pd.DataFrame(
                    {
                        "table": name,
                        "key": key_strings(df, keys),
                        "value": df["value"].to_numpy(dtype=float),
                        "low": df["low"].to_numpy(dtype=float),
                        "high": df["high"].to_numpy(dtype=float),
                    }
                )
            )
        object.__setattr__(self, "params", pd.concat(frames, ignore_index=True))

    @property
    def theta(self) -> NDArray[np.float64]:
        """Central values of every parameter (index 0 is the constant 0, index 1 the constant 1)."""
        return self.params["value"].to_numpy(dtype=float)

    def index(self, table: str, what: str, **keys: object) -> NDArray[np.int64]:
        """Parameter index for each row of ``keys`` (arrays or scalars, one per key column).

        Raises FactorError naming the missing key values, ``what`` they are and the table."""
        names = TABLE_KEYS[table]
        if set(keys) != set(names):
            raise ValueError(f"{table} is keyed by {names}, got {sorted(keys)}")
        n = max((np.asarray(v, dtype=object).size for v in keys.values()), default=1)
        cols = {k: np.broadcast_to(np.asarray(keys[k], dtype=object), (n,)) for k in names}
        distinct = _distinct_rows(cols)
        if distinct is None:  # missing key values: their text ('None', 'nan') is kept as is
            wanted = key_strings(pd.DataFrame(cols), names)
            rows = np.arange(n)
        else:
            combos, rows = distinct
            wanted = np.array(
                ["|".join(str(v).strip() for v in combo) for combo in zip(*combos, strict=True)],
                dtype=str,
            )
        position = self._positions_of(table)
        found: NDArray[np.int64]
        if distinct is None:
            looked_up = pd.Series(position, dtype=np.int64).reindex(wanted).fillna(-1)
            found = np.asarray(looked_up.to_numpy(), dtype=np.int64)
        else:  # one look-up per distinct key
            found = np.array([position.get(str(k), -1) for k in wanted], dtype=np.int64)
        if (found < 0).any():
            per_row = wanted[rows]
            missing = pd.Series(per_row[(found < 0)[rows]]).value_counts()
            listed = ", ".join(
                f"{str(k).replace('|', ' / ')} ({n} row(s))" for k, n in missing.head(8).items()
            )
            raise FactorError(
                f"no factor for {what} {listed} in table '{table}' (keys {', '.join(names)}; "
                f"factor set {self.version}); add the row(s) to the table or pass an override file "
                f"{table}.csv with them"
            )
        return found[rows]

    def _positions_of(self, table: str) -> dict[str, int]:
        """Parameter position of each key string of ``table`` (the first row of a key)."""
        if table not in self._positions:
            lookup = self.params[self.params["table"] == table]
            position: dict[str, int] = {}
            for key, at in zip(lookup["key"].astype(str), lookup.index, strict=True):
                position.setdefault(key, int(at))
            self._positions[table] = position
        return self._positions[table]

    def value(self, table: str, what: str, **keys: object) -> float:
        """The central value of a single factor."""
        return float(self.theta[self.index(table, what, **keys)][0])

    def gwp(self, gas: str) -> float:
        """GWP100 of ``gas`` in the chosen set, kg CO2e/kg."""
        return self.value("gwp", "GWP", gwp_set=self.gwp_set, gas=gas)

    def gwp_index(self, gas: str) -> int:
        return int(self.index("gwp", "GWP", gwp_set=self.gwp_set, gas=gas)[0])

    def draw(self, n: int, rng: np.random.Generator) -> NDArray[np.float64]:
        """``n`` draws of every parameter from the two-piece triangular distribution whose median
        is the tabulated value (:mod:`minettgeo.uncertainty.distributions`); constants where
        low == high. Shape (n, parameters)."""
        from minettgeo.uncertainty.distributions import two_piece_quantile

        low = self.params["low"].to_numpy(dtype=float)
        value = self.params["value"].to_numpy(dtype=float)
        high = self.params["high"].to_numpy(dtype=float)
        u = rng.random((n, len(value)))
        return np.where(high > low, two_piece_quantile(u, low, value, high), value)

    def provenance(self) -> dict[str, object]:
        """What produced a number: factor-set version and hash, GWP set, overrides."""
        digest = hashlib.sha256()
        for name in sorted(self.tables):
            digest.update(name.encode())
            digest.update(self.tables[name].to_csv(index=False).encode())
        return {
            "factor_set": self.version,
            "factor_tables_sha256": digest.hexdigest(),
            "gwp_set": self.gwp_set,
            "overrides": [o.__dict__ for o in self.overrides],
        }


def _distinct_rows(
    cols: Mapping[str, NDArray[np.object_]],
) -> tuple[list[NDArray[np.object_]], NDArray[np.intp]] | None:
    """The distinct rows of the key columns ``cols`` (one array per column) and, for every row,
    the number of its distinct row, so a key is looked up once (a few dozen distinct keys for
    100k buildings); None when a column holds missing values."""
    n = len(next(iter(cols.values()))) if cols else 0
    codes = []
    for values in cols.values():
        code, uniques = pd.factorize(values)
        if (code < 0).any():
            return None
        codes.append((code, len(uniques)))
    if np.prod([float(max(size, 1)) for _, size in codes]) >= 2.0**62:
        return None
    combined = np.zeros(n, dtype=np.int64)
    for code, size in codes:
        combined = combined * max(size, 1) + code
    _, first, rows = np.unique(combined, return_index=True, return_inverse=True)
    return [np.asarray(v)[first] for v in cols.values()], rows.reshape(-1)


def load_factor_set(
    gwp_set: str = "AR5",
    overrides: Sequence[Path] = (),
    *,
    electricity_kg_per_kwh: float | None = None,
    district_heat_kg_per_kwh: float | None = None,
) -> FactorSet:
    """The shipped tables with the user's overrides applied, for the chosen GWP set."""
    if gwp_set not in GWP_SETS:
        raise FactorError(f"unknown GWP set '{gwp_set}'; choose one of {', '.join(GWP_SETS)}")
    tables = {name: read_shipped(name) for name in TABLE_KEYS}
    done: list[Override] = []
    for raw in overrides:
        path = Path(raw)
        name = table_name_of(path)
        tables[name], record = apply_override(tables[name], name, path)
        done.append(record)
    for value, carrier, label in (
        (electricity_kg_per_kwh, "electricity", "electricity factor (kg CO2e/kWh)"),
        (district_heat_kg_per_kwh, "district_heat", "district-heat factor (kg CO2e/kWh)"),
    ):
        if value is not None:
            tables["grid_factors"], record = scalar_override(
                tables["grid_factors"],
                "grid_factors",
                {"carrier": carrier, "gas": "CO2e"},
                value,
                label,
            )
            done.append(record)
    return FactorSet(tables=tables, gwp_set=gwp_set, overrides=tuple(done))
