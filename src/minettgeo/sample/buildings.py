"""Buildings on parcels: which parcels are built, use, size, age, heating and renovation.

- Which parcels are built: a share per urban form (``building_share``); the use is drawn from the
  form's use mix (``layers/model/urban_forms.csv``).
- Footprints: :mod:`~minettgeo.sample.footprints` (inside their parcel).
- Construction period, heating carrier and renovation state are drawn from the share tables in
  ``layers/model`` (keyed by :mod:`~minettgeo.sample.building_groups`); buildings inside a
  district-heating network area are mostly connected (:mod:`~minettgeo.sample.heat_networks`).
- Dwellings: calibrated per commune to its population (:mod:`~minettgeo.sample.dwellings`).
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
from minettgeo.sample.building_groups import HOUSES, period_group, use_group
from minettgeo.sample.draws import draw_from_mixtures
from minettgeo.sample.dwellings import calibrate_dwellings
from minettgeo.sample.footprints import MIN_FOOTPRINT_M2, footprints
from minettgeo.sample.heat_networks import DISTRICT_HEAT_UPTAKE, inside_networks
from minettgeo.sample.sources import parse_mixture


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
    in_network = inside_networks(b["geometry"].to_numpy(), heat_networks)
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


# imported from here by the importers' fill rules and the tests
__all__ = [
    "calibrate_dwellings",
    "make_buildings",
    "period_group",
    "sample_grades",
    "use_group",
]
