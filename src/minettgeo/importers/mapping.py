"""Column mappings: which column of a product file becomes which column of a layer contract.

A mapping is a YAML file (or a CSV with columns ``target,source``)::

    layer: buildings               # the contract the product maps onto (generic importer)
    columns:                       # contract column: product column (must exist)
      building_id: localId
    optional:                      # contract column: product column (used when present)
      floors: numberOfFloorsAboveGround
    codes:                         # contract column: {product value: contract code}
      use: {individualResidence: single_family}
    constants:                     # contract column: one value for every feature
      source: act
    aliases:                       # product column: other spellings of it, tried in order
      nationalCadastralReference: [national_cadastral_reference]

Every product importer ships its mapping in ``importers/data/<product>.yaml``; ``--mapping FILE``
replaces entries of it (or, for ``generic``, is the whole mapping). A column the product file
lacks is a :class:`~minettgeo.errors.ProductSchemaError` when the shipped mapping names it and a
:class:`~minettgeo.errors.MappingFileError` when the user's mapping does; a value outside a
code list is a :class:`~minettgeo.errors.ProductCodeError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from minettgeo.errors import MappingFileError, ProductCodeError, ProductSchemaError

SECTIONS = (
    "layer",
    "columns",
    "optional",
    "codes",
    "constants",
    "aliases",
    "crs",
    "source",
    "licence",
)


@dataclass(frozen=True)
class ColumnMapping:
    """A product's columns mapped onto a contract; ``origin`` is the file it was read from and
    ``user`` the entries that came from the user's ``--mapping`` file."""

    layer: str | None
    columns: Mapping[str, str]
    optional: Mapping[str, str] = field(default_factory=dict)
    codes: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    constants: Mapping[str, object] = field(default_factory=dict)
    #: product column -> other spellings of it (the same attribute as another service serves it)
    aliases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    crs: str | None = None
    source: str = ""
    licence: str = ""
    origin: str = ""
    user: frozenset[str] = frozenset()
    user_origin: str = ""


def shipped_mapping(product: str) -> ColumnMapping:
    """The mapping shipped for ``product`` (``importers/data/<product>.yaml``)."""
    path = resources.files("minettgeo.importers") / "data" / f"{product}.yaml"
    return _parse(
        yaml.safe_load(path.read_text(encoding="utf-8")), f"importers/data/{product}.yaml"
    )


def read_mapping(path: Path) -> ColumnMapping:
    """A user's mapping file, YAML (``.yaml``/``.yml``) or CSV (``target,source``)."""
    path = Path(path)
    if not path.is_file():
        raise MappingFileError(f"--mapping {path}: no such file; give a YAML or CSV mapping file")
    try:
        if path.suffix.lower() == ".csv":
            table = pd.read_csv(path, dtype=str, keep_default_na=False)
            if not {"target", "source"} <= set(table.columns):
                raise MappingFileError(
                    f"--mapping {path}: a CSV mapping needs the columns target,source "
                    f"(found: {', '.join(table.columns)})"
                )
            data: object = {"columns": dict(zip(table["target"], table["source"], strict=True))}
        else:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise MappingFileError(
            f"--mapping {path}: not a readable YAML or CSV file ({exc})"
        ) from exc
    return _parse(data, str(path))


def _parse(data: object, origin: str) -> ColumnMapping:
    if not isinstance(data, dict):
        raise MappingFileError(f"{origin}: a mapping file holds a mapping with 'columns:'")
    unknown = sorted(set(data) - set(SECTIONS))
    if unknown:
        raise MappingFileError(
            f"{origin}: unknown section(s) {', '.join(map(str, unknown))}; sections: {', '.join(SECTIONS)}"
        )
    for key in ("columns", "optional", "codes", "constants", "aliases"):
        if not isinstance(data.get(key) or {}, dict):
            raise MappingFileError(f"{origin}: '{key}' must map contract columns to values")
    codes = {
        str(k): {str(a): str(b) for a, b in (v or {}).items()}
        for k, v in (data.get("codes") or {}).items()
    }
    return ColumnMapping(
        layer=data.get("layer"),
        columns={str(k): str(v) for k, v in (data.get("columns") or {}).items()},
        optional={str(k): str(v) for k, v in (data.get("optional") or {}).items()},
        codes=codes,
        constants=dict(data.get("constants") or {}),
        aliases={
            str(k): tuple(str(a) for a in (v if isinstance(v, list) else [v]))
            for k, v in (data.get("aliases") or {}).items()
        },
        crs=data.get("crs"),
        source=str(data.get("source") or ""),
        licence=str(data.get("licence") or ""),
        origin=origin,
    )


def merge(base: ColumnMapping, user: ColumnMapping | None) -> ColumnMapping:
    """``base`` with the user's entries replacing its own (a renamed column: ``columns:
    {height_m: HAUTEUR}``); the user's entries are remembered for the error messages."""
    if user is None:
        return base
    named = set(user.columns) | set(user.optional)
    columns = {k: v for k, v in base.columns.items() if k not in named} | dict(user.columns)
    optional = {k: v for k, v in base.optional.items() if k not in named} | dict(user.optional)
    return replace(
        base,
        layer=user.layer or base.layer,
        columns=columns,
        optional=optional,
        codes=dict(base.codes) | dict(user.codes),
        constants=dict(base.constants) | dict(user.constants),
        aliases=dict(base.aliases) | dict(user.aliases),
        crs=user.crs or base.crs,
        user=frozenset(named),
        user_origin=user.origin,
    )


def as_user(mapping: ColumnMapping) -> ColumnMapping:
    """A user's mapping used on its own (generic importer): its every entry is the user's."""
    return replace(
        mapping,
        user=frozenset(mapping.columns) | frozenset(mapping.optional),
        user_origin=mapping.origin,
    )


def apply_mapping(frame: pd.DataFrame, mapping: ColumnMapping, src: Path) -> pd.DataFrame:
    """The product's columns renamed onto the contract, codes translated, constants added; the
    geometry (if any) kept. Refuses missing columns and unknown codes, naming file and column."""
    found = [c for c in frame.columns if c != "geometry"]
    out = pd.DataFrame(index=frame.index)
    for target, column in mapping.columns.items():
        present = present_column(frame, column, mapping)
        if present is None:
            raise missing_column_error(src, mapping, target, column, found)
        out[target] = frame[present]
    for target, column in mapping.optional.items():
        present = present_column(frame, column, mapping)
        if present is not None:
            out[target] = frame[present]
        elif target in mapping.user:
            raise missing_column_error(src, mapping, target, column, found)
    for target, table in mapping.codes.items():
        if target in out.columns:
            out[target] = translate_codes(out[target], table, src, _source_name(mapping, target))
    for target, value in mapping.constants.items():
        if target not in out.columns:
            out[target] = pd.Series([value] * len(out), index=out.index, dtype=object)
    if "geometry" in frame.columns:
        out["geometry"] = frame["geometry"]
    return out


def present_column(frame: pd.DataFrame, column: str, mapping: ColumnMapping) -> str | None:
    """``column`` if the file has it, else the first of its aliases it has, else None."""
    for name in (column, *mapping.aliases.get(column, ())):
        if name in frame.columns:
            return name
    return None


def _source_name(mapping: ColumnMapping, target: str) -> str:
    return mapping.columns.get(target) or mapping.optional.get(target) or target


def missing_column_error(
    src: Path, mapping: ColumnMapping, target: str, column: str, found: list[str]
) -> Exception:
    """The error for a mapped column ``src`` lacks: MappingFileError when the user's mapping
    named it, ProductSchemaError when the product's documented (shipped) mapping did."""
    listed = ", ".join(found) or "none"
    if target in mapping.user:
        return MappingFileError(
            f"--mapping {mapping.user_origin}: '{target}: {column}' names column '{column}', which "
            f"{src} does not have (columns: {listed}); correct the column name in the mapping"
        )
    also = mapping.aliases.get(column, ())
    named = f"'{column}'" + (f" (or {', '.join(repr(a) for a in also)})" if also else "")
    return ProductSchemaError(
        f"{src}: column {named} is missing (it becomes '{target}'; columns found: {listed}); "
        f"the file does not have the product's documented schema ({mapping.origin}): if the column "
        f"was renamed, pass --mapping FILE with 'columns: {{{target}: <its name>}}'"
    )


def translate_codes(
    values: pd.Series, table: Mapping[str, str], src: Path, column: str
) -> pd.Series:
    """Product codes -> contract codes by ``table``; empty values stay empty; a value not in the
    table is a ProductCodeError listing the values and the code list."""
    text = values.astype("string").str.strip()
    present = text.notna().to_numpy() & (text != "").fillna(False).to_numpy(dtype=bool)
    known = text.isin(list(table)).fillna(False).to_numpy(dtype=bool)
    bad = present & ~known
    if bad.any():
        shown = sorted({str(v) for v in text[bad]})[:10]
        raise ProductCodeError(
            f"{src}: column '{column}' holds value(s) outside the product's code list "
            f"({', '.join(repr(v) for v in shown)}; {int(bad.sum())} feature(s)); allowed: "
            f"{', '.join(table)}. Check that the file is this product, or map the values with "
            "--mapping FILE ('codes: {" + column + ": {<value>: <code>}}')"
        )
    mapped: np.ndarray = text.map(dict(table)).astype(object).to_numpy().copy()
    mapped[~present] = None
    return pd.Series(mapped, index=values.index, dtype="object")
