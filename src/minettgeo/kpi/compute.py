"""KPIs of a published run, read through :func:`minettgeo.results.reader.open_results` (the
I/O edge of :mod:`minettgeo.kpi.values`): each layer the registry needs is read once, with only
the columns its formulas name."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

import pandas as pd

from minettgeo.errors import KpiError, ParameterError
from minettgeo.kpi import values as kv
from minettgeo.kpi.formula import formula_columns
from minettgeo.kpi.registry import LEVELS, Kpi, Registry
from minettgeo.results.reader import Results

#: the columns a layer is grouped by
GROUP_COLUMNS = {"buildings": ("district_id", "lau2"), "districts": ("lau2",), "communes": ()}


def check_columns(registry: Registry, results: Results) -> None:
    """KpiError naming the registry, the KPI, the column and the layer when a formula names a
    column the run's layer does not have."""
    for k in registry:
        if not k.modelled:
            continue
        if k.layer not in results.layer_names:
            raise KpiError(
                f"{registry.origin}: KPI {k.id!r} reads layer {k.layer!r}, which run "
                f"{results.run_id} does not have (layers: {', '.join(results.layer_names)})"
            )
        fields = results.info(k.layer).fields
        for col in ("numerator", "denominator"):
            formula = getattr(k, col)
            unknown = sorted(formula_columns(formula) - set(fields)) if formula else []
            if unknown:
                raise KpiError(
                    f"{registry.origin}: KPI {k.id!r}, column {col}: {formula!r} names "
                    f"{', '.join(unknown)}, not a column of layer {k.layer!r} of run "
                    f"{results.run_id}; columns there: {', '.join(fields)}"
                )


def current_kpis(
    results: Results,
    registry: Registry,
    *,
    test_districts: Mapping[str, Sequence[str]] | None = None,
) -> pd.DataFrame:
    """Every modelled KPI of the registry at each of its levels for the run (long table:
    :data:`minettgeo.kpi.values.VALUE_COLUMNS` plus ``name``, the area's name)."""
    check_columns(registry, results)
    if test_districts:
        for ids in test_districts.values():
            for d in ids:
                results.check_district(str(d))
    districts = results.layer("districts", columns=["name", "lau2"])
    communes = results.layer("communes", columns=["name"])
    zones = districts["lau2"].astype(str)
    frames = []
    for layer in ("buildings", "districts", "communes"):
        kpis = [k for k in registry if k.modelled and k.layer == layer]
        if not kpis:
            continue
        frames.append(_layer_kpis(results, layer, kpis, zones, test_districts))
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    names = {
        **{("district", str(i)): str(n) for i, n in districts["name"].items()},
        **{("commune", str(i)): str(n) for i, n in communes["name"].items()},
        ("region", kv.REGION): "Minett",
    }
    if len(table):
        table["name"] = [
            names.get((lv, a), a) for lv, a in zip(table["level"], table["area_id"], strict=True)
        ]
    return table


def kpis_at_level(table: pd.DataFrame, level: str | None = None) -> pd.DataFrame:
    """The rows of ``table`` (:func:`current_kpis`) at ``level`` (``commune``, ``district`` or
    ``region``); every row when ``level`` is None. Unknown level: ParameterError naming those
    there are."""
    if level is None:
        return table
    if level not in LEVELS:
        raise ParameterError(f"level {level!r}: use one of {', '.join(LEVELS)}")
    return table[table["level"] == level] if len(table) else table


def kpi_document(run_id: str, table: pd.DataFrame, level: str | None = None) -> dict[str, object]:
    """The KPIs of run ``run_id`` as plain data, ``{"run_id", "rows"}``: one record per row of
    ``table`` at ``level`` (:func:`kpis_at_level`), in table order, undefined values as None."""
    selected = kpis_at_level(table, level)
    rows = json.loads(selected.to_json(orient="records")) if len(selected) else []
    return {"run_id": run_id, "rows": rows}


def _layer_kpis(
    results: Results,
    layer: str,
    kpis: list[Kpi],
    zones: pd.Series,
    test_districts: Mapping[str, Sequence[str]] | None,
) -> pd.DataFrame:
    used: set[str] = set()
    for k in kpis:
        used |= formula_columns(k.numerator)
        used |= formula_columns(k.denominator) if k.denominator else set()
    extra = [c for c in GROUP_COLUMNS[layer] if c != results.info(layer).id_column]
    frame = pd.DataFrame(results.layer(layer, columns=sorted(used | set(extra))))
    frame = frame.drop(columns="geometry", errors="ignore")
    terms = kv.feature_terms(kpis, frame)
    if layer == "communes":
        terms.index = terms.index.astype(str)
        return kv.kpi_table(kpis, kv.commune_sums(terms))
    if layer == "buildings":
        terms = kv.sums_by(terms, frame["district_id"].astype(str))
    terms.index = terms.index.astype(str)
    terms = terms.reindex(zones.index.astype(str))
    return kv.kpi_table(kpis, kv.area_sums(terms, zones, test_districts))
