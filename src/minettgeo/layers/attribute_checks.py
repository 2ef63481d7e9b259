"""Checks of a layer's attribute columns against their contract: each column coerced to its kind
(str, int, float), text codes normalised and matched to their pattern, missing values, unknown
codes, non-finite values, values outside the hard range (errors) and the plausible range
(warnings)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from minettgeo.layers.contract_types import Column, LayerContract
from minettgeo.layers.problems import ValidationReport, feature_ids


def coerce_column(
    gdf: gpd.GeoDataFrame, col: Column, contract: LayerContract, report: ValidationReport
) -> None:
    """Coerce a column to its kind, reporting nulls, unparseable values, codes and ranges."""
    raw = gdf[col.name]
    missing = raw.isna().to_numpy()
    if col.kind == "str":
        text = raw.astype("string")
        blank = (text.str.strip() == "").fillna(False).to_numpy(dtype=bool)
        missing = missing | blank
        gdf[col.name] = np.where(missing, None, text.to_numpy(dtype=object, na_value=None))
        if col.normalise is not None or col.pattern is not None:
            _normalise_text(gdf, col, contract, report, ~missing)
    else:
        numeric = pd.to_numeric(raw, errors="coerce")
        unparsed = numeric.isna().to_numpy() & ~missing
        if unparsed.any():
            bad = sorted({str(v) for v in raw[unparsed]})[:5]
            report.add(
                "bad-value",
                f"values that are not numbers ({', '.join(bad)}); expected {col.kind} in {col.unit or 'units'}",
                column=col.name,
                ids=feature_ids(gdf, contract, unparsed),
            )
        if col.kind == "int":
            frac = numeric.notna().to_numpy() & (np.mod(numeric.fillna(0).to_numpy(), 1) != 0)
            if frac.any():
                report.add(
                    "bad-value",
                    "values that are not whole numbers",
                    column=col.name,
                    ids=feature_ids(gdf, contract, frac),
                )
        vals = numeric.to_numpy(dtype="float64", na_value=np.nan)
        _check_ranges(gdf, col, contract, report, vals)
        if col.kind == "int":
            gdf[col.name] = numeric.round().astype("Int64" if col.nullable else "float64")
            if not col.nullable and not numeric.isna().any():
                gdf[col.name] = gdf[col.name].astype("int64")
        else:
            gdf[col.name] = numeric.astype("float64")
    if missing.any() and not col.nullable:
        report.add(
            "missing-value",
            "empty values where a value is required",
            column=col.name,
            ids=feature_ids(gdf, contract, missing),
        )
    if col.allowed is not None:
        present = gdf[col.name].notna().to_numpy()
        unknown = present & ~gdf[col.name].isin(list(col.allowed)).to_numpy()
        if unknown.any():
            codes = sorted({str(v) for v in gdf.loc[unknown, col.name]})
            report.add(
                "unknown-code",
                f"unknown code(s) {', '.join(repr(c) for c in codes[:10])}; "
                f"allowed: {', '.join(col.allowed)}",
                column=col.name,
                ids=feature_ids(gdf, contract, unknown),
            )


def _normalise_text(
    gdf: gpd.GeoDataFrame,
    col: Column,
    contract: LayerContract,
    report: ValidationReport,
    present: np.ndarray,
) -> None:
    """Canonical text codes (e.g. commune codes padded to four digits), then the pattern."""
    values = gdf[col.name].to_numpy(dtype=object)
    if col.normalise is not None:
        # the canonical form of each distinct value, mapped back onto the features
        canonical = {v: col.normalise(str(v)) for v in pd.unique(values[present])}
        normal = values.copy()
        normal[present] = pd.Series(values[present]).map(canonical).to_numpy(dtype=object)
        changed = present & (normal != values)
        if changed.any():
            examples = sorted({f"{values[i]} -> {normal[i]}" for i in np.flatnonzero(changed)[:3]})
            report.add(
                "normalised",
                f"values written in another form were normalised ({', '.join(examples)})",
                column=col.name,
                ids=feature_ids(gdf, contract, changed),
                repaired=True,
            )
        gdf[col.name] = normal
        values = normal
    if col.pattern is not None:
        text = pd.Series(values, dtype="string")
        bad = present & ~text.str.fullmatch(col.pattern).fillna(False).to_numpy(dtype=bool)
        if bad.any():
            shown = sorted({str(v) for v in values[bad]})[:5]
            report.add(
                "bad-value",
                f"values of the wrong form ({', '.join(repr(v) for v in shown)}); expected "
                f"{col.description.split(';')[0]}",
                column=col.name,
                ids=feature_ids(gdf, contract, bad),
            )


def range_text(low: float | None, high: float | None, unit: str) -> str:
    """The range as text: ``>= low and <= high unit`` (an absent bound left out)."""
    parts = [f">= {low:g}" if low is not None else "", f"<= {high:g}" if high is not None else ""]
    return f"{' and '.join(p for p in parts if p)} {unit}".rstrip()


def _check_ranges(
    gdf: gpd.GeoDataFrame,
    col: Column,
    contract: LayerContract,
    report: ValidationReport,
    vals: np.ndarray,
) -> None:
    """Infinite values and values outside the hard range are errors; values outside the
    plausible (soft) range are warnings."""
    infinite = np.isinf(vals)
    if infinite.any():
        report.add(
            "non-finite",
            f"infinite values (inf); give finite numbers in {col.unit or 'units'}",
            column=col.name,
            ids=feature_ids(gdf, contract, infinite),
        )
    finite = np.isfinite(vals)
    out = np.zeros(len(vals), dtype=bool)
    if col.minimum is not None:
        out |= finite & (vals < col.minimum)
    if col.maximum is not None:
        out |= finite & (vals > col.maximum)
    if out.any():
        shown = ", ".join(f"{v:g}" for v in np.unique(vals[out])[:5])
        report.add(
            "out-of-range",
            f"values ({shown}) outside the possible range "
            f"{range_text(col.minimum, col.maximum, col.unit)}; correct them",
            column=col.name,
            ids=feature_ids(gdf, contract, out),
        )
    soft = np.zeros(len(vals), dtype=bool)
    if col.soft_minimum is not None:
        soft |= finite & ~out & (vals < col.soft_minimum)
    if col.soft_maximum is not None:
        soft |= finite & ~out & (vals > col.soft_maximum)
    if soft.any():
        shown = ", ".join(f"{v:g}" for v in np.unique(vals[soft])[:5])
        report.add(
            "implausible",
            f"values ({shown}) outside the plausible range "
            f"{range_text(col.soft_minimum, col.soft_maximum, col.unit)}; used as given, check them",
            column=col.name,
            ids=feature_ids(gdf, contract, soft),
            warning=True,
        )
