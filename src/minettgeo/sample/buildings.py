"""Buildings on parcels: footprint, use, age, size, dwellings, heating and renovation.

- Which parcels are built: a share per urban form (``building_share``); the use is drawn from the
  form's use mix (``layers/model/urban_forms.csv``).
- Footprints: houses stand along the street side of their plot behind a front setback (terraced
  houses wall to wall, detached ones with side gaps); apartment blocks, offices, schools, halls
  stand in the middle of their parcel covering ``coverage`` of it. Every footprint lies inside
  its parcel (0.5 m inside the boundary).
- Construction period, heating carrier and renovation state are drawn from the share tables in
  ``layers/model``; buildings inside a district-heating network area are mostly connected.
- Dwellings are calibrated per commune so that
  ``sum(dwellings) x (1 - vacancy_rate) x household_size = population`` (to within one dwelling):
  houses hold one dwelling, multi-family and apartment buildings one per ``m2_per_dwelling`` of
  heated area, their storeys scaled so the commune's total is met.
"""

from __future__ import annotations

from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from minettgeo import CRS
from minettgeo.layers.codes import CONSTRUCTION_PERIODS, GRADED_BUILDING_ATTRIBUTES, grade_column
from minettgeo.layers.derived_columns import HEATED_TO_GROSS_RATIO, STOREY_HEIGHT_M
from minettgeo.sample.draws import draw_from_mixtures
from minettgeo.sample.geometry import explode, world_boxes
from minettgeo.sample.sources import parse_mixture

HOUSES = ("single_family", "terraced")
MULTI = ("multi_family", "apartment_block")
NON_RESIDENTIAL = ("office", "retail", "education", "health", "industry")
MAX_SIDE_M = {
    "industry": 200.0,
    "apartment_block": 60.0,
    "office": 60.0,
    "education": 70.0,
    "health": 70.0,
}
DEFAULT_MAX_SIDE_M = 40.0
MIN_FOOTPRINT_M2 = 25.0
MAX_FLOORS = 16
#: share of buildings connected inside a district-heating network area, by use group
DISTRICT_HEAT_UPTAKE = {"house": 0.10, "apartment": 0.60, "non_residential": 0.70, "other": 0.3}
#: share of single-family houses with a second (granny) dwelling; stated assumption
SECOND_DWELLING_SHARE = 0.05
#: at most this share of a commune's dwellings are in houses (apartments are over 45 % of
#: dwellings nationally and more in the south: STATEC-PANO, LEQUOT-PANO)
MAX_HOUSE_SHARE = 0.55


def period_group(period: np.ndarray) -> np.ndarray:
    """Heating/renovation table group of each construction period."""
    last = {p.code: p.last_year for p in CONSTRUCTION_PERIODS}
    year = pd.Series(period).map(last).to_numpy()
    return np.select(
        [year <= 1970, year <= 1990, year <= 2010, year <= 2016],
        ["before_1971", "1971_1990", "1991_2010", "2011_2016"],
        default="2017_2030",
    )


def use_group(use: np.ndarray) -> np.ndarray:
    return np.select(
        [np.isin(use, HOUSES), np.isin(use, MULTI), np.isin(use, NON_RESIDENTIAL)],
        ["house", "apartment", "non_residential"],
        default="other",
    )


def footprints(
    plots: gpd.GeoDataFrame, use: np.ndarray, uses: pd.DataFrame, rng: np.random.Generator
) -> np.ndarray:
    """Footprint polygon for each plot (empty where nothing fits)."""
    p = uses.loc[use]
    x0, x1 = plots["x0"].to_numpy(), plots["x1"].to_numpy()
    y0, y1 = plots["y0"].to_numpy(), plots["y1"].to_numpy()
    side = plots["side"].to_numpy()
    street = p["placement"].to_numpy() == "street"

    setback = p["side_setback_m"].to_numpy(dtype=float)
    left = np.where(rng.random(len(plots)) < 0.6, setback, 0.0)
    right = setback
    too_narrow = (x1 - x0) - left - right < 6.0
    left, right = np.where(too_narrow, 0.0, left), np.where(too_narrow, 0.0, right)
    front = p["front_setback_m"].to_numpy(dtype=float)
    depth = p["depth_m"].to_numpy(dtype=float) * rng.uniform(0.9, 1.25, len(plots))
    depth = np.minimum(depth, np.maximum((y1 - y0) - front - 1.0, 0.0))
    sx0, sx1 = x0 + left, x1 - right
    max_width = p["max_width_m"].to_numpy(dtype=float)
    half = np.where(np.isnan(max_width), sx1 - sx0, np.minimum(sx1 - sx0, max_width)) / 2
    mid = (sx0 + sx1) / 2
    sx0, sx1 = mid - half, mid + half
    sy0 = np.where(side > 0, y0 + front, y1 - front - depth)
    sy1 = sy0 + depth

    cover = np.sqrt(p["coverage"].to_numpy(dtype=float))
    cap = pd.Series(use).map(MAX_SIDE_M).fillna(DEFAULT_MAX_SIDE_M).to_numpy()
    half_w = np.minimum((x1 - x0) * cover, cap) / 2
    half_h = np.minimum((y1 - y0) * cover, cap) / 2
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2

    bx0 = np.where(street, sx0, cx - half_w)
    bx1 = np.where(street, sx1, cx + half_w)
    by0 = np.where(street, sy0, cy - half_h)
    by1 = np.where(street, sy1, cy + half_h)
    boxes = world_boxes(
        bx0, by0, bx1, by1, plots["angle"].to_numpy(), plots[["ox", "oy"]].to_numpy()
    )
    inset = shapely.buffer(plots.geometry.to_numpy(), -0.5, join_style="mitre")
    raw = shapely.intersection(boxes, inset)
    parts, idx = explode(raw)
    out = np.full(len(plots), None, dtype=object)
    if len(parts):
        largest = (
            pd.DataFrame({"i": idx, "a": shapely.area(parts)})
            .sort_values("a")
            .drop_duplicates("i", keep="last")
        )
        out[largest["i"].to_numpy()] = parts[largest.index.to_numpy()]
    return out


def calibrate_dwellings(
    b: pd.DataFrame, communes: gpd.GeoDataFrame, uses: pd.DataFrame, rng: np.random.Generator
) -> pd.DataFrame:
    """Set ``dwellings`` (and storeys of multi-dwelling buildings) to meet each commune's target

    ``D_c = round(P_c / (household_size_c x (1 - vacancy_rate_c)))``.

    Houses hold one dwelling (some single-family houses two). Where houses alone would hold more
    than ``MAX_HOUSE_SHARE`` of ``D_c``, randomly chosen houses are left out (their parcels stay
    unbuilt). The remaining dwellings go to multi-family and apartment buildings: their storeys
    are scaled so that ``heated area / m2_per_dwelling`` meets the remainder, and the last few
    dwellings are added to (or taken from) the largest buildings.
    """
    use = b["use"].to_numpy()
    house, multi = np.isin(use, HOUSES), np.isin(use, MULTI)
    dwell = np.zeros(len(b), dtype=np.int64)
    dwell[house] = 1 + (rng.random(house.sum()) < SECOND_DWELLING_SHARE) * (
        use[house] == "single_family"
    )
    m2 = uses.loc[use, "m2_per_dwelling"].to_numpy(dtype=float)
    min_area = (
        b["footprint_m2"].to_numpy()
        * HEATED_TO_GROSS_RATIO
        * uses.loc[use, "floors_min"].to_numpy()
    )
    min_capacity = np.maximum(
        1.0, np.rint(np.divide(min_area, m2, out=np.zeros(len(b)), where=m2 > 0))
    )
    target = (
        communes.set_index("lau2")
        .eval("population / (household_size * (1 - vacancy_rate))")
        .round()
    )
    lau2 = b["lau2"].to_numpy()
    keep = np.ones(len(b), dtype=bool)
    order = rng.permutation(len(b))
    for code, goal in target.items():
        houses = order[(lau2[order] == code) & house[order]]
        cum = np.cumsum(dwell[houses])
        keep[houses[cum > MAX_HOUSE_SHARE * goal]] = False
        room = goal - cum[cum <= MAX_HOUSE_SHARE * goal][-1:].sum()
        multis = order[(lau2[order] == code) & multi[order]]
        keep[multis[np.cumsum(min_capacity[multis]) > room]] = False
    b = b[keep].copy()
    dwell, use, lau2 = dwell[keep], use[keep], lau2[keep]
    house, multi = np.isin(use, HOUSES), np.isin(use, MULTI)
    m2 = uses.loc[use, "m2_per_dwelling"].to_numpy(dtype=float)
    floor_min = uses.loc[use, "floors_min"].to_numpy(dtype=float)
    per_floor = b["footprint_m2"].to_numpy() * HEATED_TO_GROSS_RATIO
    floors = b["floors"].to_numpy(dtype=float)
    for code, goal in target.items():
        sel = (lau2 == code) & multi
        if not sel.any():
            continue
        wanted = goal - dwell[(lau2 == code) & house].sum()
        current = (per_floor[sel] * floors[sel] / m2[sel]).sum()
        scale = max(wanted, sel.sum()) / max(current, 1.0)
        floors[sel] = np.clip(np.rint(floors[sel] * scale), floor_min[sel], MAX_FLOORS)
        d = np.maximum(1, np.rint(per_floor[sel] * floors[sel] / m2[sel])).astype(np.int64)
        residual = int(wanted - d.sum())
        rank = np.argsort(-per_floor[sel] * floors[sel], kind="stable")
        q, r = divmod(abs(residual), len(rank))
        step = np.full(len(rank), q, dtype=np.int64)
        step[:r] += 1
        adjust = np.empty(len(rank), dtype=np.int64)
        adjust[rank] = step * np.sign(residual)
        dwell[sel] = np.maximum(1, d + adjust)
    b["floors"] = floors.astype(np.int64)
    b["dwellings"] = dwell
    b.loc[(b["use"] == "multi_family") & (b["dwellings"] >= 7), "use"] = "apartment_block"
    return b


def make_buildings(
    parcels: gpd.GeoDataFrame,
    communes: gpd.GeoDataFrame,
    forms: pd.DataFrame,
    uses: pd.DataFrame,
    periods: pd.DataFrame,
    heating: pd.DataFrame,
    renovation: pd.DataFrame,
    heat_networks: gpd.GeoDataFrame,
    rng: np.random.Generator,
) -> gpd.GeoDataFrame:
    """The building layer (contract ``buildings``) for the given parcels."""
    plotted = parcels[parcels["urban_form"].isin(forms.index) & parcels["x0"].notna()]
    share = forms.loc[plotted["urban_form"], "building_share"].to_numpy(dtype=float)
    built = plotted[rng.random(len(plotted)) < share]
    use_mix = {f: parse_mixture(m) for f, m in forms["uses"].items()}
    use = draw_from_mixtures(rng, built["urban_form"].to_numpy(), use_mix)
    has_use = use != None  # noqa: E711
    built, use = built[has_use], use[has_use].astype(str)
    geom = footprints(built, use, uses, rng)
    fits = shapely.area(geom) >= MIN_FOOTPRINT_M2  # no footprint: area NaN, not >=
    built, use, geom = built[fits], use[fits], geom[fits]

    lo = uses.loc[use, "floors_min"].to_numpy(dtype=np.int64)
    hi = uses.loc[use, "floors_max"].to_numpy(dtype=np.int64)
    floors = rng.integers(lo, hi + 1)
    floors = np.where(
        (built["urban_form"].to_numpy() == "new_development") & (use == "apartment_block"),
        floors + 1,
        floors,
    )
    b = pd.DataFrame(
        {
            "parcel_id": built["parcel_id"].to_numpy(),
            "lau2": built["lau2"].to_numpy(),
            "form": built["urban_form"].to_numpy(),
            "use": use,
            "floors": floors,
            "footprint_m2": shapely.area(geom),
            "geometry": geom,
        }
    )
    period_mix = {
        f: {k: float(v) for k, v in row.drop("source").items()} for f, row in periods.iterrows()
    }
    b["construction_period"] = draw_from_mixtures(
        rng, b["form"].to_numpy(), period_mix, default="1971_1980"
    )
    b = calibrate_dwellings(b, communes, uses, rng)
    b["heated_area_m2"] = b["footprint_m2"] * b["floors"] * HEATED_TO_GROSS_RATIO
    roof = np.where(np.isin(b["use"], HOUSES), 1.5, 0.5)
    b["height_m"] = np.round(b["floors"] * STOREY_HEIGHT_M + roof, 1)

    group = use_group(b["use"].to_numpy())
    pgroup = period_group(b["construction_period"].to_numpy())
    carriers = [c for c in heating.columns if c not in ("building_group", "period_group", "source")]
    heat_mix: Mapping[str, Mapping[str, float]] = {
        f"{r.building_group}|{r.period_group}": {c: float(getattr(r, c)) for c in carriers}
        for r in heating.itertuples()
    }
    carrier = draw_from_mixtures(
        rng, np.char.add(np.char.add(group.astype(str), "|"), pgroup.astype(str)), heat_mix
    )
    in_network = _inside_networks(b["geometry"].to_numpy(), heat_networks)
    uptake = pd.Series(group).map(DISTRICT_HEAT_UPTAKE).to_numpy(dtype=float)
    connect = in_network & (rng.random(len(b)) < uptake) & (carrier != "none")
    carrier[connect] = "district_heat"
    b["heating_carrier"] = carrier

    reno_mix = {
        g: {k: float(v) for k, v in row.drop("source").items()} for g, row in renovation.iterrows()
    }
    state = draw_from_mixtures(rng, pgroup, reno_mix, default="none")
    state[b["heating_carrier"].to_numpy() == "none"] = "none"
    last_year = (
        pd.Series(b["construction_period"])
        .map({p.code: p.last_year for p in CONSTRUCTION_PERIODS})
        .to_numpy()
    )
    first = np.maximum(last_year + 10, 1990)
    year = rng.integers(np.minimum(first, 2024), 2025)
    b["renovation_state"] = state
    b["renovation_year"] = pd.Series(year, index=b.index, dtype="Int64").mask(state == "none")

    b = b.assign(**sample_grades(len(b)))
    out = gpd.GeoDataFrame(b, geometry="geometry", crs=CRS)
    out.insert(
        0,
        "building_id",
        "B" + out["lau2"] + "-" + (out.groupby("lau2").cumcount() + 1).map("{:06d}".format),
    )
    return out


def sample_grades(n: int) -> dict[str, np.ndarray]:
    """Grade columns of the modelled buildings: every graded attribute ``estimated``.

    Period, floors, dwellings, carrier and renovation are drawn from calibrated distributions;
    height and heated area follow a default rule (floors x 3 m, footprint x floors x 0.85) but
    from the drawn floors, and a value derived from an estimated one is itself estimated."""
    return {
        grade_column(attr): np.full(n, "estimated", dtype=object)
        for attr in GRADED_BUILDING_ATTRIBUTES
    }


def _inside_networks(geoms: np.ndarray, networks: gpd.GeoDataFrame) -> np.ndarray:
    """Whether each footprint's centroid lies in a district-heating network area (a disc of the
    network's stated area around its centre)."""
    inside = np.zeros(len(geoms), dtype=bool)
    if networks.empty:
        return inside
    c = shapely.get_coordinates(shapely.centroid(geoms))
    for _, n in networks.iterrows():
        r = np.sqrt(float(n["area_ha"]) * 1e4 / np.pi)
        inside |= np.hypot(c[:, 0] - n.geometry.x, c[:, 1] - n.geometry.y) < r
    return inside
