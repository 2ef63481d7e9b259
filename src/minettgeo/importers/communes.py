"""ACT commune boundaries joined with the STATEC population: the ``communes`` layer.

``act-communes`` reads the ACT product "Limites administratives du Grand-Duché de Luxembourg"
(data.public.lu, CC0; ``communes4326.geojson`` has ``COMMUNE``, ``CANTON``, ``DISTRICT``,
``LAU2``, EPSG:4326; the same columns in LUREF or as a GeoPackage are read alike, any CRS is
reprojected to EPSG:2169) and a STATEC population table (``--population``, the LUSTAT export of
``LU1:DF_X021`` or the project's ``lau2,year,population`` table, see ``importers.population``)
for ``--year`` (default: the latest year of the table). Written: ``communes`` (``lau2``,
``name``, ``population``, geometry) and, when the region has no districts, one district per
commune (``<lau2>-01``, the commune's name), as ``act-parcels`` does, so that a region of
real products runs without modelled districts; a districts layer of the user's own is imported
afterwards with ``generic`` (it replaces them).

Checks, each an error naming the file, the column, the feature or row and the fix: the
columns of the product (``--mapping`` for renamed ones); every ``LAU2`` a commune code of four
digits whose first two digits are a canton (01-12: STATEC's codes are the canton followed by
the commune); one feature per commune; every commune with a population for the year; the
region's existing layers (districts, parcels, ...) all in the new communes.
"""

from __future__ import annotations

import unicodedata
from dataclasses import replace

import geopandas as gpd
import numpy as np
import pandas as pd

from minettgeo.errors import (
    ParameterError,
    ProductCodeError,
    ProductDuplicateError,
    RegionError,
)
from minettgeo.importers.act import mapped_product
from minettgeo.importers.population import PopulationTable, population_for_year, read_population
from minettgeo.importers.request import ImportRequest, Staged
from minettgeo.importers.stage import districts_from_communes
from minettgeo.layers.codes import normalise_lau2

#: cantons of Luxembourg are numbered 01-12: the first two digits of a commune's LAU2 code
CANTONS = range(1, 13)


def lau2_codes(values: pd.Series, names: pd.Series, src: object, column: str) -> pd.Series:
    """Each feature's LAU2 code as four digits (``204`` and ``204.0`` -> ``0204``); a value that
    is not a commune code (not four digits, or no canton 01-12 in front) is a ProductCodeError
    naming the feature."""
    codes = values.map(normalise_lau2)
    valid = codes.str.fullmatch(r"\d{4}").fillna(False).to_numpy(dtype=bool)
    canton = pd.to_numeric(codes.str[:2], errors="coerce").where(valid)
    bad = ~(valid & canton.isin(CANTONS).to_numpy())
    if bad.any():
        shown = "; ".join(
            f"feature {i + 1} ({names.iloc[i]!s}): {values.iloc[i]!r}"
            for i in np.flatnonzero(bad)[:5]
        )
        raise ProductCodeError(
            f"{src}: column '{column}' holds value(s) that are not LAU2 commune codes ({shown}; "
            f"{int(bad.sum())} feature(s)); a code is four digits, the canton (01-12) then the "
            "commune (0204 Esch-sur-Alzette). Correct the values, or map the column that holds "
            "the codes with --mapping ('columns: {lau2: <column>}')"
        )
    return codes


def refuse_duplicates(codes: pd.Series, names: pd.Series, src: object, column: str) -> None:
    """ProductDuplicateError when two features carry the same LAU2 code."""
    repeated = codes.duplicated(keep=False).to_numpy()
    if repeated.any():
        first = codes[repeated].iloc[0]
        rows = np.flatnonzero((codes == first).to_numpy())
        listed = ", ".join(f"{i + 1} ({names.iloc[i]})" for i in rows)
        raise ProductDuplicateError(
            f"{src}: column '{column}': commune {first} appears in features {listed} "
            f"({len(set(codes[repeated]))} code(s) repeated); one feature per commune: remove "
            'the duplicate or merge its parts (ogr2ogr -dialect SQLite -sql "SELECT LAU2, '
            'COMMUNE, ST_Union(geometry) AS geometry FROM <layer> GROUP BY LAU2, COMMUNE")'
        )


def same_name(a: str, b: str) -> bool:
    """Names equal once accents, case, spaces and hyphens are set aside, or one starting the
    other (STATEC 'Redange-sur-Attert', ACT 'Redange')."""

    def key(s: str) -> str:
        text = unicodedata.normalize("NFKD", str(s)).encode("ascii", "ignore").decode()
        return "".join(ch for ch in text.casefold() if ch.isalnum())

    ka, kb = key(a), key(b)
    return not ka or not kb or ka.startswith(kb) or kb.startswith(ka)


def name_notes(communes: gpd.GeoDataFrame, table: PopulationTable, year: int) -> list[str]:
    """A note per commune whose name differs from the population table's (a LAU2 mix-up)."""
    rows = table.rows[table.rows["year"] == year].set_index("lau2")["name"]
    notes = []
    for code, name in zip(communes["lau2"], communes["name"], strict=True):
        other = str(rows.get(code, ""))
        if not same_name(name, other):
            notes.append(
                f"check LAU2 {code}: '{name}' in the boundary file, '{other}' in the population "
                "table"
            )
    return notes


def refuse_orphans(req: ImportRequest, codes: set[str]) -> None:
    """RegionError when a layer already in the region (districts, parcels, ...) lies in a
    commune the new communes layer does not have."""
    for name, layer in req.existing.items():
        if name == "communes" or "lau2" not in layer.columns:
            continue
        orphan = sorted(set(layer["lau2"].dropna().astype(str)) - codes)
        if orphan:
            raise RegionError(
                f"{req.out_dir}: the region's {name} lie in commune(s) {', '.join(orphan)}, "
                f"which {req.src} (as imported) does not have; import every commune of the "
                f"region, or import the {name} again after the communes"
            )


def import_act_communes(req: ImportRequest) -> Staged:
    """The communes layer (and districts when the region has none) from ACT boundaries and a
    STATEC population table."""
    if req.population is None:
        raise ParameterError(
            "act-communes: --population FILE is required: the STATEC population per commune "
            "(LUSTAT export of LU1:DF_X021 as CSV, or a CSV lau2,year,population such as "
            "layers/sources/lu_population_statec.csv)"
        )
    mapped, mapping = mapped_product(req.src, "act_communes", req.mapping)
    column = mapping.columns["lau2"]
    names = mapped["name"].astype(str).str.strip()
    codes = lau2_codes(mapped["lau2"], names, req.src, column)
    refuse_duplicates(codes, names, req.src, column)
    padded = int((codes != mapped["lau2"].astype(str).str.strip()).sum())
    keep = np.ones(len(codes), dtype=bool)
    if req.communes:
        unknown = sorted(set(req.communes) - set(codes))
        if unknown:
            raise ParameterError(
                f"--communes {','.join(req.communes)}: {', '.join(unknown)} not in {req.src} "
                f"(its communes: {', '.join(sorted(codes))})"
            )
        keep = codes.isin(req.communes).to_numpy()
    table = read_population(req.population)
    population, year = population_for_year(
        table, list(codes[keep]), list(names[keep]), req.year, req.population
    )
    communes = gpd.GeoDataFrame(
        {
            "lau2": codes[keep].to_numpy(),
            "name": names[keep].to_numpy(),
            "population": population.to_numpy(),
        },
        geometry=mapped.geometry.to_numpy()[keep],
        crs=mapped.crs,
    )
    communes = communes.sort_values("lau2").reset_index(drop=True)
    area_km2 = float(communes.geometry.area.sum()) / 1e6
    notes = [
        f"population: STATEC 1.1.{year}, {req.population.name} ({table.layout}"
        + (f"; {table.skipped} rows of cantons and the country left out" if table.skipped else "")
        + f"); {len(communes)} communes, {area_km2:,.2f} km2, "
        f"{int(communes['population'].sum()):,} residents"
    ]
    if padded:
        notes.append(f"lau2: {padded} code(s) padded to four digits (204 -> 0204)")
    notes += name_notes(communes, table, year)
    refuse_orphans(req, set(communes["lau2"]))
    layers = {"communes": communes}
    if "districts" not in req.existing:
        layers["districts"] = districts_from_communes(communes)
        notes.append("no districts in the region: one district per commune (<lau2>-01)")
    source = f"{mapping.source}; population: STATEC 1.1.{year} ({req.population.name})"
    return Staged(layers=layers, mapping=replace(mapping, source=source), notes=notes)
