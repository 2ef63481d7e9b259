"""Factor tables: loading, user overrides, and lookups that fail loudly.

Every factor minettgeo uses sits in a CSV table shipped in ``minettgeo/factors/data`` with its
unit, value, low and high bound, source and year. A user can override any table with a file of the
same shape (rows with the same keys replace the shipped rows, new keys are added); every override
is recorded in the provenance of each output.

All numeric factors of all tables form one parameter vector ``theta`` (plus the constants 0 at
index 0 and 1 at index 1). Models resolve, per building or road, the *indices* of the factors they need
(:meth:`FactorSet.index`) and read their values from ``theta``. The deterministic run uses the
central values; the Monte Carlo run evaluates the same formulas on a matrix of drawn ``theta``
(draws x parameters), so both share one implementation.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from minettgeo.errors import FactorError
from minettgeo.user_tables import unreadable_reason

FACTOR_SET_VERSION = "minettgeo-factors-2026.1"
DATA = resources.files("minettgeo.factors") / "data"
COMMON_COLUMNS = ("unit", "value", "low", "high", "source", "year")
#: table name -> key columns
TABLE_KEYS: Mapping[str, tuple[str, ...]] = {
    "gwp": ("gwp_set", "gas"),
    "fuel_combustion": ("fuel", "gas"),
    "grid_factors": ("carrier", "gas"),
    "residential_typology": ("building_type", "construction_period", "quantity"),
    "nonresidential_demand": ("use", "quantity"),
    "system_efficiency": ("carrier",),
    "renovation_savings": ("renovation_state", "quantity"),
    "electricity_use": ("use", "basis"),
    "vehicle_factors": ("vehicle_class", "gas"),
    "waste": ("quantity",),
    "resident_mobility": ("vehicle_class", "quantity"),
    "heat_calibration": ("construction_period", "renovation_state", "quantity"),
    "ev_charging": ("vehicle_class", "quantity"),
    "rail_traffic": ("traction", "quantity"),
    "wastewater": ("quantity",),
    "district_heat_plants": ("plant", "quantity"),
    "solar_pv": ("roof_type", "quantity"),
}
#: columns some tables need besides their keys and the common columns
TABLE_EXTRA: Mapping[str, tuple[str, ...]] = {
    "fuel_combustion": ("biogenic",),
    "district_heat_plants": ("plant_lau2", "serves_lau2"),
}
#: column types when reading a table (codes stay text: "0204", not 204)
CSV_DTYPES: Mapping[str, str] = {"year": "Int64", "plant_lau2": "str", "serves_lau2": "str"}
GWP_SETS = ("AR4", "AR5", "AR6")
#: plausible range of every factor by table and unit (``*`` matches any); see docs/errors.md
PLAUSIBLE = resources.files("minettgeo.factors") / "plausible.csv"
GASES = ("CO2", "CH4", "N2O")


@dataclass(frozen=True)
class Override:
    """A user file that replaced rows of a shipped table."""

    table: str
    path: str
    sha256: str
    rows_replaced: int
    rows_added: int


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
                        "key": _key_strings(df, keys),
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
            wanted = _key_strings(pd.DataFrame(cols), names)
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


def _key_strings(df: pd.DataFrame, keys: Sequence[str]) -> NDArray[np.str_]:
    parts = [df[k].astype(str).str.strip().to_numpy(dtype=str) for k in keys]
    out = parts[0]
    for p in parts[1:]:
        out = np.char.add(np.char.add(out, "|"), p)
    return np.asarray(out)


def plausible_ranges() -> pd.DataFrame:
    """The table of plausible ranges: table, unit (``*`` for any), minimum, maximum, note."""
    with resources.as_file(PLAUSIBLE) as path:
        return pd.read_csv(path, dtype={"table": str, "unit": str}, keep_default_na=False).replace(
            {"minimum": {"": np.nan}, "maximum": {"": np.nan}}
        )


def plausible_bounds(table: str, units: pd.Series) -> pd.DataFrame:
    """For each row's unit, the plausible ``minimum``, ``maximum`` and ``note``: the first match
    of (table, unit), (table, ``*``), (``*``, unit), (``*``, ``*``)."""
    ranges = plausible_ranges()
    ranges[["minimum", "maximum"]] = ranges[["minimum", "maximum"]].apply(
        pd.to_numeric, errors="coerce"
    )
    keyed = ranges.set_index(["table", "unit"])
    out = pd.DataFrame(index=units.index, columns=["minimum", "maximum", "note"], dtype=object)
    for key_table, key_unit in ((table, None), (table, "*"), ("*", None), ("*", "*")):
        todo = out["note"].isna().to_numpy()
        if not todo.any():
            break
        keys = pd.MultiIndex.from_arrays(
            [
                np.full(todo.sum(), key_table, dtype=object),
                units[todo].astype(str).str.strip().to_numpy(dtype=object)
                if key_unit is None
                else np.full(todo.sum(), key_unit, dtype=object),
            ]
        )
        found = keyed.reindex(keys)
        hit = found["note"].notna().to_numpy()
        rows = out.index[todo][hit]
        out.loc[rows, ["minimum", "maximum", "note"]] = found.loc[
            hit, ["minimum", "maximum", "note"]
        ].to_numpy()
    return out


def check_factor_values(name: str, df: pd.DataFrame, origin: str) -> None:
    """One validation for every factor, whichever way it arrives (shipped table, override file,
    ``--electricity-factor``, the API): value, low and high finite and inside the plausible range
    of the table and unit (:data:`PLAUSIBLE`). FactorError naming the table, origin, line or key,
    the value and the range."""
    numeric = df[["value", "low", "high"]].apply(pd.to_numeric, errors="coerce")
    vals = numeric.to_numpy(dtype=float)
    bounds = plausible_bounds(
        name, df["unit"] if "unit" in df.columns else pd.Series("", index=df.index)
    )
    low = pd.to_numeric(bounds["minimum"], errors="coerce").to_numpy(dtype=float)[:, None]
    high = pd.to_numeric(bounds["maximum"], errors="coerce").to_numpy(dtype=float)[:, None]
    finite = np.isfinite(vals)
    outside = finite & (((vals < low) & ~np.isnan(low)) | ((vals > high) & ~np.isnan(high)))
    bad = ~finite | outside
    if not bad.any():
        return
    lines = []
    keys = _key_strings(df, TABLE_KEYS[name])
    for r in np.flatnonzero(bad.any(axis=1))[:5]:
        where = f"line {df.index[r] + 2}" if origin_is_file(origin) else "row"
        unit = str(df["unit"].iloc[r]) if "unit" in df.columns else ""
        given = ", ".join(
            f"{col} {vals[r, c]:g}" for c, col in enumerate(("value", "low", "high")) if bad[r, c]
        )
        if not finite[r].all():
            what = f"{given}: not finite numbers"
        else:
            negative = (vals[r] < 0).any() and not low[r, 0] < 0
            what = (
                f"{given} {unit} outside the plausible range {_fmt(low[r, 0])} - "
                f"{_fmt(high[r, 0])} {unit}{' (factors are non-negative)' if negative else ''}: "
                f"{bounds['note'].iloc[r]}"
            )
        lines.append(f"{where} ({str(keys[r]).replace('|', ' / ')}): {what}")
    raise FactorError(
        f"factor table '{name}' from {origin}: {'; '.join(lines)}; correct the value (or its "
        "unit), or widen the range in factors/plausible.csv with a source"
    )


def origin_is_file(origin: str) -> bool:
    """Line numbers are meaningful for factors read from a CSV file, not for a parameter."""
    return not origin.startswith("parameter")


def _fmt(x: float) -> str:
    return "" if np.isnan(x) else f"{x:g}"


def read_table_csv(path: Path, origin: str) -> pd.DataFrame:
    """A factor table from a CSV file; FactorError naming the file when it is empty, binary or
    not CSV."""
    try:
        return pd.read_csv(path, dtype=dict(CSV_DTYPES))
    except (OSError, UnicodeDecodeError, ValueError, pd.errors.ParserError) as exc:
        reason = unreadable_reason(exc)
        raise FactorError(
            f"{origin}: not a readable CSV factor table ({reason}); it must be UTF-8 text with a "
            "header line, like the shipped table of the same name"
        ) from exc


def _check_table(name: str, df: pd.DataFrame, origin: str) -> pd.DataFrame:
    needed = (*TABLE_KEYS[name], *COMMON_COLUMNS, *TABLE_EXTRA.get(name, ()))
    missing = [c for c in needed if c not in df.columns]
    if missing:
        raise FactorError(
            f"factor table '{name}' from {origin} lacks column(s) {', '.join(missing)}; "
            f"a table needs {', '.join(needed)}"
        )
    numeric = df[["value", "low", "high"]].apply(pd.to_numeric, errors="coerce")
    bad = numeric.isna().any(axis=1)
    if bad.any():
        rows = ", ".join(str(i + 2) for i in np.flatnonzero(bad.to_numpy())[:5])
        raise FactorError(
            f"factor table '{name}' from {origin}: value/low/high not numbers on line(s) {rows}"
        )
    check_factor_values(name, df, origin)
    order = (numeric["low"] <= numeric["value"]) & (numeric["value"] <= numeric["high"])
    if not order.all():
        rows = ", ".join(str(i + 2) for i in np.flatnonzero(~order.to_numpy())[:5])
        raise FactorError(
            f"factor table '{name}' from {origin}: low <= value <= high broken on line(s) {rows}"
        )
    out = df.copy()
    out[["value", "low", "high"]] = numeric
    for k in TABLE_KEYS[name]:
        out[k] = out[k].astype(str).str.strip()
    dup = out.duplicated(list(TABLE_KEYS[name]), keep=False)
    if dup.any():
        keys = ", ".join(sorted(set(_key_strings(out[dup], TABLE_KEYS[name]))))
        raise FactorError(f"factor table '{name}' from {origin}: duplicate keys {keys}")
    return out


def read_shipped(name: str) -> pd.DataFrame:
    with resources.as_file(DATA / f"{name}.csv") as path:
        origin = f"minettgeo ({path.name})"
        return _check_table(name, read_table_csv(path, origin), origin)


def _table_name_of(path: Path) -> str:
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
    user = _check_table(name, read_table_csv(path, f"override {path}"), str(path))
    keys = list(TABLE_KEYS[name])
    user = user.reindex(columns=base.columns.union(user.columns, sort=False))
    base_keys = set(_key_strings(base, keys))
    user_keys = _key_strings(user, keys)
    replaced = int(np.isin(user_keys, list(base_keys)).sum())
    kept = base[~np.isin(_key_strings(base, keys), user_keys)]
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
        name = _table_name_of(path)
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
