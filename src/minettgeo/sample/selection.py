"""Which area a sample region covers: Luxembourg communes by code or name, the whole country, or
any polygons with their own population table.

    select_lau2(communes, ["0204", "Dudelange", "kayl"])   -> ["0203", "0204", "0205"]
    select_lau2(communes, ["all"])                          -> the 100 codes of the country
    area_communes(Path("area.gpkg"), Path("population.csv")) -> a communes frame (codes 9001 ...)

Names match without regard to case, accents, hyphens or spaces ("Esch-sur-Alzette" =
"esch sur alzette"); Luxembourgish and French names are both in the ACT file's ``COMMUNE``
column only in the form ACT spells them, so an unknown name is refused with the closest names.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from minettgeo import CRS
from minettgeo.errors import RegionError

#: selectors that mean "every commune of the country"
WHOLE_COUNTRY = frozenset({"all", "country", "lu", "luxembourg-country"})
#: codes given to the polygons of an ``--area`` file (outside the LAU2 range of Luxembourg,
#: 0101-1207), in the order of their ``area_id``
AREA_CODE_START = 9001
AREA_ID_COLUMN = "area_id"
AREA_POPULATION_COLUMN = "population"
LAU2_PATTERN = re.compile(r"\d{1,4}")


def name_key(name: str) -> str:
    """``"Esch-sur-Alzette"`` -> ``"eschsuralzette"``: lower case, no accents, letters only."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", plain.lower())


def select_lau2(every: pd.DataFrame, selectors: Sequence[str], source: str = "") -> list[str]:
    """LAU2 codes named by ``selectors`` (codes, names or ``all``) among ``every`` (columns
    ``lau2`` and ``name``); sorted, without repeats. Unknown selectors raise :class:`RegionError`
    naming each one and the closest commune names."""
    codes = every["lau2"].astype(str).to_numpy()
    by_key = dict(zip((name_key(n) for n in every["name"]), codes, strict=True))
    chosen: set[str] = set()
    unknown: list[str] = []
    for raw in selectors:
        text = raw.strip()
        if not text:
            continue
        if text.lower() in WHOLE_COUNTRY:
            chosen.update(codes)
        elif LAU2_PATTERN.fullmatch(text) and text.zfill(4) in set(codes):
            chosen.add(text.zfill(4))
        elif name_key(text) in by_key:
            chosen.add(by_key[name_key(text)])
        else:
            unknown.append(text)
    if unknown:
        names = list(every["name"])
        hints = []
        for text in unknown:
            close = difflib.get_close_matches(text, names, n=3, cutoff=0.6)
            hints.append(f"{text!r}" + (f" (did you mean {', '.join(close)}?)" if close else ""))
        raise RegionError(
            f"--communes: unknown commune(s) {'; '.join(hints)}; give LAU2 codes (e.g. 0204), "
            f"names as in {source or 'the communes file'} (e.g. Esch-sur-Alzette), or 'all' "
            "for the whole country"
        )
    if not chosen:
        raise RegionError("--communes: no commune selected; give at least one code or name")
    return sorted(chosen)


def area_communes(area_path: Path, population_path: Path) -> gpd.GeoDataFrame:
    """The polygons of ``area_path`` as the region's communes, with the residents of
    ``population_path`` (CSV: ``area_id``, ``population``; one row per polygon).

    Each polygon (column ``area_id``, optional ``name``) gets the code ``9001 + rank of its
    area_id``; ``population_source`` names the table. Reprojected to LUREF (EPSG:2169)."""
    try:
        area = gpd.read_file(area_path)
    except Exception as exc:  # pyogrio raises several types for an unreadable file
        raise RegionError(f"--area {area_path}: cannot read it as a vector file ({exc})") from exc
    if AREA_ID_COLUMN not in area.columns:
        raise RegionError(
            f"--area {area_path}: no column {AREA_ID_COLUMN!r}; give each polygon an id "
            f"(columns found: {', '.join(map(str, area.columns))})"
        )
    if area.crs is None:
        raise RegionError(f"--area {area_path}: no CRS; write the file with its CRS")
    if len(area) == 0 or not area.geom_type.isin(["Polygon", "MultiPolygon"]).all():
        raise RegionError(f"--area {area_path}: needs one or more polygons")
    area["area_id"] = area[AREA_ID_COLUMN].astype(str)
    repeated = area["area_id"][area["area_id"].duplicated()].unique()
    if len(repeated):
        raise RegionError(f"--area {area_path}: area_id repeated: {', '.join(repeated)}")
    if len(area) > 999:
        raise RegionError(f"--area {area_path}: {len(area)} polygons; at most 999")
    pop = _population_table(population_path)
    missing = sorted(set(area["area_id"]) - set(pop.index))
    if missing:
        raise RegionError(
            f"--population {population_path}: no row for area_id {', '.join(missing)} of "
            f"{area_path.name}; add one row per polygon"
        )
    area = area.sort_values("area_id").reset_index(drop=True)
    names = area["name"].astype(str) if "name" in area.columns else area["area_id"]
    return gpd.GeoDataFrame(
        {
            "lau2": [f"{AREA_CODE_START + i:04d}" for i in range(len(area))],
            "name": names.to_numpy(),
            "area_id": area["area_id"].to_numpy(),
            "population": area["area_id"].map(pop).to_numpy(dtype="int64"),
            "population_source": f"user table {population_path.name}",
        },
        geometry=area.geometry.to_crs(CRS).to_numpy(),
        crs=CRS,
    )


def _population_table(path: Path) -> pd.Series:
    """``area_id`` -> residents (whole, >= 0) from a CSV; errors name the file, row and column."""
    try:
        table = pd.read_csv(path, dtype={AREA_ID_COLUMN: str})
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise RegionError(f"--population {path}: cannot read it as CSV ({exc})") from exc
    for column in (AREA_ID_COLUMN, AREA_POPULATION_COLUMN):
        if column not in table.columns:
            raise RegionError(f"--population {path}: no column {column!r}")
    values = pd.to_numeric(table[AREA_POPULATION_COLUMN], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values) | (values < 0) | (values != np.round(values))
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise RegionError(
            f"--population {path}: row {row + 2}, column population: "
            f"{table[AREA_POPULATION_COLUMN].iloc[row]!r} is not a whole number >= 0"
        )
    ids = table[AREA_ID_COLUMN].astype(str)
    if ids.duplicated().any():
        raise RegionError(f"--population {path}: area_id {ids[ids.duplicated()].iloc[0]} repeated")
    return pd.Series(values.astype("int64"), index=ids.to_numpy())
