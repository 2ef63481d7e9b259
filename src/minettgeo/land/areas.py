"""Joint areas of the land rasters: the exact area (ha) of every (land cover now, land cover
before, stand age) combination in every zone.

The rasters of a run (:class:`LandInputs`, all on one grid) are combined into one code per pixel
(:func:`encode_bands`), so one pass of :func:`minettgeo.land.zonal.class_areas` gives the joint
areas::

    code   = now x NOW + before x BEFORE + age      NOW = 1e6, BEFORE = 1e3, age 0..999
    before = now where there is no earlier map or it is nodata there
    age    = UNKNOWN_AGE (mature) where there is no age raster or it is nodata there
    code   = 0 where now is nodata (left out)

:func:`class_area_table` pivots the areas of the current classes (ha, zones x codes).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from numpy.typing import NDArray

from minettgeo.land import zonal

UNKNOWN_AGE = 100
AGE_NODATA = 255
#: code = now x NOW + before x BEFORE + age (age 0..999)
NOW, BEFORE = 1_000_000, 1_000


@dataclass(frozen=True)
class LandInputs:
    """The rasters of a land-carbon run (all on one grid)."""

    landcover: Path
    landcover_before: Path | None = None
    forest_age: Path | None = None
    year: int | None = None
    year_before: int | None = None


def encode_bands(has_before: bool, has_age: bool) -> object:
    """Encoder for :func:`zonal.combine`: now x 1e6 + before x 1e3 + age; 0 where now is nodata."""

    def encode(bands: list[NDArray[np.int64]]) -> NDArray[np.int64]:
        now = bands[0]
        before = bands[1] if has_before else now
        before = np.where(before > 0, before, now)
        age = bands[-1] if has_age else np.full_like(now, AGE_NODATA)
        age = np.where(age == AGE_NODATA, UNKNOWN_AGE, age)
        return np.where(now > 0, now * NOW + before * BEFORE + np.clip(age, 0, 999), 0)

    return encode


def joint_areas(
    inputs: LandInputs,
    zones: gpd.GeoDataFrame,
    zone_id: str,
    *,
    processes: int = zonal.DEFAULT_PROCESSES,
) -> pd.DataFrame:
    """Exact area (ha) per zone of every (now, before, age) combination.

    Columns ``zone``, ``now``, ``before``, ``age``, ``area_ha``."""
    paths = [inputs.landcover]
    if inputs.landcover_before is not None:
        paths.append(inputs.landcover_before)
    if inputs.forest_age is not None:
        paths.append(inputs.forest_age)
    with zonal.scratch_dir() as tmp:
        if len(paths) == 1:
            raster = inputs.landcover
            areas = zonal.class_areas(raster, zones, zone_id, processes=processes)
            areas["code"] = areas["code"] * NOW + areas["code"] * BEFORE + UNKNOWN_AGE
        else:
            combined = zonal.combine(
                paths,
                encode_bands(inputs.landcover_before is not None, inputs.forest_age is not None),  # type: ignore[arg-type]
                Path(tmp) / "combined.tif",
            )
            areas = zonal.class_areas(combined, zones, zone_id, processes=processes)
    code = areas["code"].to_numpy(dtype=np.int64)
    return pd.DataFrame(
        {
            "zone": areas["zone"].to_numpy(),
            "now": code // NOW,
            "before": (code % NOW) // BEFORE,
            "age": code % BEFORE,
            "area_ha": areas["area_m2"].to_numpy() / 1e4,
        }
    )


def class_area_table(joint: pd.DataFrame) -> pd.DataFrame:
    """Area (ha) of each current land-cover code per zone, zones x codes."""
    return joint.pivot_table(
        index="zone", columns="now", values="area_ha", aggfunc="sum", fill_value=0.0
    )
