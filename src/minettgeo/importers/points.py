"""Point sources: the EU ETS verified-emissions table and a generic point-source CSV.

EU ETS (``ets``): one row per installation with ``VERIFIED_EMISSIONS_<year>`` columns (t CO2e);
the year is ``--year`` or the latest year with a value. The location of each installation
comes from ``--locations`` (``INSTALLATION_IDENTIFIER``, ``longitude``, ``latitude``);
installations outside the communes of ``--out`` are left out (the table covers Europe). The
verified total is split by the installation's main activity (``ets_activities.csv``): the
process share goes to IPPU ``IV.1``, the rest to ``I.3.1`` (fuel combustion in manufacturing);
``t_I.3.1 + t_IV.1 = verified`` exactly. An installation reported in one row is graded
``measured``; the rows of a split installation ``estimated`` (the split is a table's share).
Row ids: ``<registry>-<installation>-<row>`` (e.g. ``LU-42-IV.1``).

Point-source CSV (``point-sources-csv``): the contract's columns (renamed by ``--mapping``) and
coordinates ``x``/``y`` (EPSG:2169) or ``longitude``/``latitude`` (EPSG:4326).
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from minettgeo import CRS
from minettgeo.errors import LayerReadError, ProductCodeError, ProductSchemaError
from minettgeo.importers.mapping import apply_mapping, merge, shipped_mapping
from minettgeo.importers.request import ImportRequest, Staged
from minettgeo.importers.source import to_luref
from minettgeo.importers.stage import keep_communes, locate, require_layer

VERIFIED = re.compile(r"VERIFIED_EMISSIONS_(\d{4})$")
COMBUSTION_ROW, PROCESS_ROW = "I.3.1", "IV.1"


def read_table(src: Path, what: str) -> pd.DataFrame:
    """A CSV read as text (comma or semicolon separated); LayerReadError when unreadable."""
    src = Path(src)
    if not src.is_file():
        raise LayerReadError(f"{src}: no such file ({what})")
    try:
        return pd.read_csv(src, dtype=str, sep=None, engine="python", keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise LayerReadError(
            f"{src}: not a readable CSV table ({what}: {exc}); export it again as CSV"
        ) from exc


def activities() -> pd.DataFrame:
    path = resources.files("minettgeo.importers") / "data" / "ets_activities.csv"
    with resources.as_file(path) as p:
        return pd.read_csv(p, dtype={"activity_code": str}).set_index("activity_code")


def verified_year(table: pd.DataFrame, src: Path, year: int | None) -> tuple[str, int]:
    """The ``VERIFIED_EMISSIONS_<year>`` column to read: ``year`` or the latest with values."""
    years = {int(m.group(1)): c for c in table.columns if (m := VERIFIED.match(str(c)))}
    if not years:
        raise ProductSchemaError(
            f"{src}: no VERIFIED_EMISSIONS_<year> column (columns: {', '.join(table.columns)}); "
            "the EU ETS verified-emissions table has one per year: export the table again, or "
            "rename the column of the year to VERIFIED_EMISSIONS_<year>"
        )
    if year is not None:
        if year not in years:
            raise ProductSchemaError(
                f"{src}: no column VERIFIED_EMISSIONS_{year} (--year {year}); years in the table: "
                f"{', '.join(map(str, sorted(years)))}"
            )
        return years[year], year
    filled = [y for y in sorted(years) if (table[years[y]].str.strip() != "").any()]
    latest = filled[-1] if filled else max(years)
    return years[latest], latest


def locations(path: Path | None, src: Path) -> gpd.GeoDataFrame:
    """Installation locations: ``INSTALLATION_IDENTIFIER``, ``longitude``, ``latitude``."""
    if path is None:
        raise ProductSchemaError(
            f"{src}: the EU ETS table has no coordinates; give --locations FILE, a CSV with "
            "INSTALLATION_IDENTIFIER, longitude, latitude (WGS84) for each installation"
        )
    table = read_table(path, "installation locations")
    need = ["INSTALLATION_IDENTIFIER", "longitude", "latitude"]
    missing = [c for c in need if c not in table.columns]
    if missing:
        raise ProductSchemaError(
            f"--locations {path}: column(s) {', '.join(missing)} missing (columns: "
            f"{', '.join(table.columns)}); the file needs {', '.join(need)}"
        )
    lon, lat = (pd.to_numeric(table[c], errors="coerce") for c in ("longitude", "latitude"))
    pts = gpd.GeoDataFrame(
        {"installation": table["INSTALLATION_IDENTIFIER"].str.strip()},
        geometry=gpd.points_from_xy(lon, lat),
        crs="EPSG:4326",
    )
    return to_luref(pts[lon.notna().to_numpy() & lat.notna().to_numpy()], path)


def split_rows(installations: pd.DataFrame, src: Path) -> pd.DataFrame:
    """One row per installation and GPC row: process share to IV.1, the rest to I.3.1."""
    table = activities()
    code = installations["activity_code"].astype(str).str.strip()
    unknown = sorted(set(code) - set(table.index))
    if unknown:
        raise ProductCodeError(
            f"{src}: column 'MAIN_ACTIVITY_TYPE_CODE' holds code(s) {', '.join(unknown)} that are "
            f"not EU ETS stationary activities (allowed: {', '.join(table.index)}; 10 is aviation, "
            "not a point source); check the file, or drop those rows"
        )
    rows = table.reindex(code.to_numpy())
    share = rows["process_share"].to_numpy(dtype=float)
    gas = rows["process_gas"].to_numpy(dtype=object)
    total = installations["t_co2e_per_year"].to_numpy(dtype=float)
    split = (share > 0) & (share < 1)
    parts = []
    for row, tonnes, gases, keep in (
        (COMBUSTION_ROW, total * (1 - share), np.full(len(total), "CO2", dtype=object), share < 1),
        (PROCESS_ROW, total * share, gas, share > 0),
    ):
        part = installations[keep].copy()
        part["gpc_sector"] = row
        part["t_co2e_per_year"] = tonnes[keep]
        part["gas"] = gases[keep]
        part["grade"] = np.where(split[keep], "estimated", "measured")
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    out["facility_id"] = out["facility_id"] + "-" + out["gpc_sector"]
    return out


def import_ets(req: ImportRequest) -> Staged:
    """``point_sources`` from the EU ETS verified-emissions table."""
    communes = require_layer(
        req.existing, "communes", req.out_dir, "tells which installations are in the region"
    )
    mapping = merge(shipped_mapping("ets"), req.mapping)
    table = read_table(req.src, "EU ETS verified emissions")
    column, year = verified_year(table, req.src, req.year)
    mapped = apply_mapping(table, mapping, req.src)
    tonnes = pd.to_numeric(
        table[column].str.replace(",", "", regex=False).str.strip(), errors="coerce"
    )
    mapped["t_co2e_per_year"] = tonnes
    mapped["facility_id"] = (
        mapped["registry"].str.strip() + "-" + mapped["installation"].str.strip()
    )
    where = (
        locations(req.locations, req.src).drop_duplicates("installation").set_index("installation")
    )
    located = mapped["installation"].str.strip().isin(where.index) & tonnes.notna()
    kept = mapped[located.to_numpy()].reset_index(drop=True)
    geometry = where.loc[kept["installation"].str.strip(), "geometry"].to_numpy()
    points = gpd.GeoDataFrame(kept, geometry=geometry, crs=CRS)
    points["lau2"] = locate(points, communes, "lau2")
    inside = points[points["lau2"].notna()].reset_index(drop=True)
    inside = keep_communes(inside, req.communes, communes)
    rows = split_rows(inside, req.src)
    rows["scope"] = 1
    rows["year"] = year
    rows["source"] = f"EU ETS verified emissions {year}"
    cols = [
        "facility_id",
        "name",
        "lau2",
        "gpc_sector",
        "scope",
        "gas",
        "t_co2e_per_year",
        "source",
        "year",
        "grade",
    ]
    layer = gpd.GeoDataFrame(rows[cols], geometry=rows.geometry.to_numpy(), crs=CRS)
    notes = [
        f"{int((~located).sum())} installation(s) without a location or a {year} value and "
        f"{len(kept) - len(inside)} outside the region left out",
        f"{len(inside)} installation(s), {float(inside['t_co2e_per_year'].sum()):,.0f} t CO2e verified in {year}",
    ]
    return Staged(layers={"point_sources": layer}, mapping=mapping, notes=notes)


def import_point_csv(req: ImportRequest) -> Staged:
    """``point_sources`` from a CSV with the contract's columns and coordinates."""
    mapping = merge(shipped_mapping("point_sources_csv"), req.mapping)
    table = read_table(req.src, "point sources")
    if {"x", "y"} <= set(table.columns):
        xy, crs = ("x", "y"), CRS
    elif {"longitude", "latitude"} <= set(table.columns):
        xy, crs = ("longitude", "latitude"), "EPSG:4326"
    else:
        raise ProductSchemaError(
            f"{req.src}: no coordinates: give columns x,y (LUREF, EPSG:2169) or longitude,latitude "
            f"(WGS84) (columns: {', '.join(table.columns)})"
        )
    x, y = (pd.to_numeric(table[c], errors="coerce") for c in xy)
    mapped = apply_mapping(table, mapping, req.src)
    if "scope" not in mapped:
        mapped["scope"] = 1
    for col in ("t_co2e_per_year", "year", "scope"):
        mapped[col] = pd.to_numeric(mapped[col], errors="coerce")
    points = to_luref(gpd.GeoDataFrame(mapped, geometry=gpd.points_from_xy(x, y), crs=crs), req.src)
    communes = req.existing.get("communes")
    if "lau2" not in points and communes is not None:
        points["lau2"] = locate(points, communes, "lau2")
    points = keep_communes(points, req.communes, communes)
    return Staged(layers={"point_sources": points}, mapping=mapping)
