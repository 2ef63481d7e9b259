"""Filling the building attributes a real product lacks, each value with its data-quality grade.

Every filled attribute ``a`` gets a column ``a_grade`` (codes.GRADES):

- ``measured``: read from the product (a height from LiDAR, OSM ``building:levels``);
- ``default``: set by a documented default rule from the building's own attributes (height =
  storeys x 3 m, storeys = height / 3 m, heated area = footprint x storeys x 0.85, dwellings =
  heated area / m2 per dwelling of the use, storeys of the use when neither is read, no
  dwellings in a non-residential building, the region's default period);
- ``estimated``: inferred from other features or statistics (construction period from the
  neighbourhood, heating carrier and renovation state drawn from the shares of the building's
  group and period).

The rules, in order (docs/importers.md, table "fill rules"):

1. storeys ``n`` and height ``h``: ``h = 3.0 n`` when only ``n`` is read; ``n = max(1,
   round(h / 3.0))`` when only ``h`` is; both missing: ``n`` the rounded mean of ``floors_min``
   and ``floors_max`` of the use in ``building_uses.csv`` and ``h = 3.0 n`` (all default).
2. construction period: from a year (OSM ``start_date``, a construction date) when read
   (measured); else the most frequent period of the measured buildings within 150 m
   (estimated); else the default of ``fill_defaults.csv`` (default).
3. heated floor area: read (measured), else ``footprint x n x 0.85`` (default).
4. dwellings: read (measured); residential uses ``max(1, round(A_heated / m2_per_dwelling))``
   with ``m2_per_dwelling`` of the use in ``building_uses.csv``; others 0 (default).
5. heating carrier and renovation state: read (measured), else drawn (seeded) from
   ``heating_shares.csv`` by use group and period group and ``renovation_shares.csv`` by
   period group (estimated); an unheated building is not renovated.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from minettgeo.layers.codes import (
    CONSTRUCTION_PERIODS,
    GRADED_BUILDING_ATTRIBUTES,
    RESIDENTIAL_USES,
    grade_column,
)
from minettgeo.layers.derived_columns import HEATED_TO_GROSS_RATIO, STOREY_HEIGHT_M
from minettgeo.sample.buildings import period_group, use_group
from minettgeo.sample.draws import draw_from_mixtures

MEASURED, DEFAULT, ESTIMATED = "measured", "default", "estimated"
GRADED = GRADED_BUILDING_ATTRIBUTES
#: radius of the neighbourhood a missing construction period is taken from, m
NEIGHBOURHOOD_RADIUS_M = 150.0
#: seed of the draws of heating carriers and renovation states (same input, same layer)
FILL_SEED = 2028


def fill_defaults() -> pd.DataFrame:
    """``importers/data/fill_defaults.csv``: attribute, value, source."""
    path = resources.files("minettgeo.importers") / "data" / "fill_defaults.csv"
    with resources.as_file(path) as p:
        return pd.read_csv(p).set_index("attribute")


def year_to_period(year: pd.Series) -> pd.Series:
    """Construction period code of a year (1923 -> ``1919_1945``); the first four-digit number
    of a text is its year (OSM ``start_date`` ``1923-05``, ``~1923``, ``1920s``; a date
    ``1923-01-01``); empty when there is none or it lies outside 1800-2030."""
    y = pd.to_numeric(year.astype("string").str.extract(r"(\d{4})")[0], errors="coerce")
    out = pd.Series([None] * len(year), index=year.index, dtype=object)
    for p in CONSTRUCTION_PERIODS:
        out[(y >= p.first_year) & (y <= p.last_year)] = p.code
    return out


def _present(values: pd.Series) -> np.ndarray:
    text = values.astype("string")
    return (values.notna() & (text.str.strip() != "").fillna(False)).to_numpy(dtype=bool)


def fill_storeys(b: pd.DataFrame, uses: pd.DataFrame) -> None:
    """Rule 1: ``floors`` and ``height_m`` with their grades (in place)."""
    n = pd.to_numeric(b["floors"], errors="coerce") if "floors" in b else pd.Series(np.nan, b.index)
    h = (
        pd.to_numeric(b["height_m"], errors="coerce")
        if "height_m" in b
        else pd.Series(np.nan, b.index)
    )
    n = n.where(n >= 1)
    h = h.where(h > 0)
    has_n, has_h = n.notna().to_numpy(), h.notna().to_numpy()
    default_n = ((uses["floors_min"] + uses["floors_max"]) / 2).round().clip(lower=1)
    by_use = b["use"].map(default_n).fillna(1.0)
    floors = np.where(
        has_n, n, np.where(has_h, np.maximum(1, np.round(h / STOREY_HEIGHT_M)), by_use)
    )
    height = np.where(has_h, h, floors * STOREY_HEIGHT_M)
    b["floors"] = np.clip(floors, 1, 60).astype("int64")
    b["height_m"] = height.astype("float64")
    b[grade_column("floors")] = np.where(has_n, MEASURED, DEFAULT)
    b[grade_column("height_m")] = np.where(has_h, MEASURED, DEFAULT)


def fill_period(b: gpd.GeoDataFrame, default: str) -> None:
    """Rule 2: ``construction_period`` from a year or the neighbourhood (in place)."""
    period = (
        b["construction_period"]
        if "construction_period" in b
        else pd.Series(None, b.index, dtype=object)
    )
    if "construction_year" in b:
        period = period.where(_present(period), year_to_period(b["construction_year"]))
    known = _present(period)
    grade = np.where(known, MEASURED, DEFAULT).astype(object)
    filled = period.to_numpy(dtype=object).copy()
    missing = np.flatnonzero(~known)
    if len(missing) and known.any():
        points = shapely.point_on_surface(b.geometry.to_numpy())
        tree = shapely.STRtree(points[known])
        q, k = tree.query(points[missing], predicate="dwithin", distance=NEIGHBOURHOOD_RADIUS_M)
        if len(q):
            near = pd.DataFrame({"row": missing[q], "period": filled[known][k]})
            # the most frequent period among the neighbours; ties to the earlier period code
            counts = near.groupby(["row", "period"]).size().reset_index(name="n")
            counts = counts.sort_values(["row", "n", "period"], ascending=[True, False, True])
            mode = counts.drop_duplicates("row")
            filled[mode["row"].to_numpy()] = mode["period"].to_numpy()
            grade[mode["row"].to_numpy()] = ESTIMATED
    rest = pd.isna(filled) | (filled == "")
    filled[rest] = default
    b["construction_period"] = filled
    b[grade_column("construction_period")] = grade


def fill_area_and_dwellings(b: gpd.GeoDataFrame, uses: pd.DataFrame) -> None:
    """Rules 3 and 4: ``heated_area_m2`` and ``dwellings`` with their grades (in place)."""
    footprint = b.geometry.area.to_numpy()
    area = (
        pd.to_numeric(b["heated_area_m2"], errors="coerce")
        if "heated_area_m2" in b
        else pd.Series(np.nan, b.index)
    )
    has_area = area.notna().to_numpy() & (area.to_numpy() > 0)
    heated = np.where(has_area, area, footprint * b["floors"].to_numpy() * HEATED_TO_GROSS_RATIO)
    b["heated_area_m2"] = heated.astype("float64")
    b[grade_column("heated_area_m2")] = np.where(has_area, MEASURED, DEFAULT)
    read = (
        pd.to_numeric(b["dwellings"], errors="coerce")
        if "dwellings" in b
        else pd.Series(np.nan, b.index)
    )
    has_d = read.notna().to_numpy()
    residential = b["use"].isin(list(RESIDENTIAL_USES)).to_numpy()
    per_dwelling = b["use"].map(uses["m2_per_dwelling"]).to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        est = np.where(residential, np.maximum(1, np.round(heated / per_dwelling)), 0)
    b["dwellings"] = np.where(has_d, read, est).astype("int64")
    b[grade_column("dwellings")] = np.where(has_d, MEASURED, DEFAULT)


def _mixtures(table: pd.DataFrame, keys: list[str]) -> dict[str, dict[str, float]]:
    shares = [c for c in table.columns if c not in (*keys, "source")]
    out: dict[str, dict[str, float]] = {}
    for row in table.itertuples(index=False):
        key = "|".join(str(getattr(row, k)) for k in keys)
        out[key] = {c: float(getattr(row, c)) for c in shares}
    return out


def fill_heating_and_renovation(
    b: gpd.GeoDataFrame, heating: pd.DataFrame, renovation: pd.DataFrame, seed: int = FILL_SEED
) -> None:
    """Rule 5: ``heating_carrier`` and ``renovation_state`` with their grades (in place)."""
    rng = np.random.default_rng(seed)
    group = use_group(b["use"].to_numpy())
    pgroup = period_group(b["construction_period"].to_numpy())
    keys = np.char.add(np.char.add(group.astype(str), "|"), pgroup.astype(str))
    drawn = draw_from_mixtures(
        rng, keys, _mixtures(heating, ["building_group", "period_group"]), "none"
    )
    carrier = (
        b["heating_carrier"] if "heating_carrier" in b else pd.Series(None, b.index, dtype=object)
    )
    has_c = _present(carrier)
    b["heating_carrier"] = np.where(has_c, carrier.to_numpy(dtype=object), drawn)
    b[grade_column("heating_carrier")] = np.where(has_c, MEASURED, ESTIMATED)
    reno = _mixtures(renovation.reset_index(), ["period_group"])
    state = draw_from_mixtures(rng, pgroup, reno, default="none")
    state[b["heating_carrier"].to_numpy() == "none"] = "none"
    read = (
        b["renovation_state"] if "renovation_state" in b else pd.Series(None, b.index, dtype=object)
    )
    has_r = _present(read)
    b["renovation_state"] = np.where(has_r, read.to_numpy(dtype=object), state)
    b[grade_column("renovation_state")] = np.where(has_r, MEASURED, ESTIMATED)


def read_model_tables(model_dir: Path) -> Mapping[str, pd.DataFrame]:
    """The calibration tables the rules draw from (``layers/model``)."""
    from minettgeo.errors import LayerReadError

    names = {
        "uses": "building_uses.csv",
        "heating": "heating_shares.csv",
        "renovation": "renovation_shares.csv",
    }
    out: dict[str, pd.DataFrame] = {}
    for key, name in names.items():
        path = Path(model_dir) / name
        if not path.is_file():
            raise LayerReadError(
                f"--model {model_dir}: {name} not found; give the folder of the calibration "
                "tables (layers/model in the repository)"
            )
        out[key] = pd.read_csv(path)
    out["uses"] = out["uses"].set_index("use")
    out["renovation"] = out["renovation"].set_index("period_group")
    return out


def fill_buildings(
    b: gpd.GeoDataFrame, tables: Mapping[str, pd.DataFrame], seed: int = FILL_SEED
) -> gpd.GeoDataFrame:
    """Every graded attribute of the buildings filled by the rules, with its ``_grade`` column."""
    out = b.copy()
    fill_storeys(out, tables["uses"])
    fill_period(out, str(fill_defaults().loc["construction_period", "value"]))
    fill_area_and_dwellings(out, tables["uses"])
    fill_heating_and_renovation(out, tables["heating"], tables["renovation"], seed)
    if "renovation_year" not in out:
        out["renovation_year"] = pd.Series(pd.NA, index=out.index, dtype="Int64")
    return out.drop(columns=[c for c in ("construction_year",) if c in out])
