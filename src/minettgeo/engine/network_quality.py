"""The data-quality steps of a run for the road, rail and land activity data
(docs/data-quality.md): the weights of their GPC rows' data quality, and the grade multipliers
EV charging shares with the road traffic in the Monte Carlo.

    network_quality   road (II.1.x), rail (II.2.x) and land (V.2) weights per commune
                      (:mod:`minettgeo.quality.gpc`)
    ev_multipliers    the roads' traffic-grade multipliers for the EV car-km rows, batch by
                      batch (:func:`minettgeo.uncertainty.grades.stream_multipliers`)
    rail_multipliers  the railways' grade multipliers for the rail rows (zone, traction,
                      grade), batch by batch, from their own stream; the run and the ranking
                      both take them from here, so their rail draws match draw by draw
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from minettgeo.layers.region import RegionLayers
from minettgeo.quality import gpc as qgpc
from minettgeo.quality.network import rail_grade
from minettgeo.quality.spread import STREAM_RAIL, STREAM_ROADS
from minettgeo.quality.tables import QualityTables, quality_tables
from minettgeo.uncertainty.components import RowMultipliers
from minettgeo.uncertainty.grades import stream_multipliers

from .stages import RoadResults


def network_quality(
    region: RegionLayers, roads: RoadResults, quality: QualityTables, communes: list[str]
) -> list[pd.DataFrame]:
    """The data-quality weights of the road (II.1.x), rail (II.2.x) and land (V.2) rows per
    commune (:mod:`minettgeo.quality.gpc`)."""
    district_lau2 = region.districts.set_index("district_id")["lau2"]
    results = roads.results
    parts = [
        qgpc.network_contributions(
            results,
            roads.shares,
            district_lau2,
            results["data_quality_score"].to_numpy(dtype=float),
            qgpc.ROAD_ROWS,
            "lau2",
        ),
        qgpc.land_contributions(communes, region.landcover_grade, quality, "lau2"),
    ]
    if roads.rail is not None and region.rail is not None:
        lines, shares = roads.rail
        grade = rail_grade(region.rail).reindex(lines.index)
        parts.append(
            qgpc.network_contributions(
                lines,
                shares,
                district_lau2,
                grade.map(quality.score).to_numpy(dtype=float),
                qgpc.RAIL_ROWS,
                "lau2",
            )
        )
    return parts


def ev_multipliers(vkm: pd.DataFrame, seed: int) -> RowMultipliers | None:
    """The road traffic's grade multipliers for each row of ``vkm`` (vehicle-km by class indexed
    by commune, or by commune and ``activity_grade``), drawn from the roads' own stream so that
    EV charging follows the car-km draw by draw; None without grades (no widening)."""
    if "activity_grade" not in vkm.index.names:
        return None
    return stream_multipliers(
        quality_tables().half_widths("roads"),
        vkm.index.get_level_values("activity_grade").to_numpy(dtype=object),
        seed,
        STREAM_ROADS,
    )


def rail_multipliers(row_grade: NDArray[np.object_] | None, seed: int) -> RowMultipliers | None:
    """The railways' grade multipliers of each rail row (grade ``row_grade``; half-widths
    ``rail`` of quality/data/activity_spread.csv), one per grade and draw from the stream
    :data:`~minettgeo.quality.spread.STREAM_RAIL` of ``seed``, the grades in sorted order
    whatever rows are present; None without grades (no widening)."""
    if row_grade is None:
        return None
    return stream_multipliers(
        quality_tables().half_widths("rail"), np.asarray(row_grade, dtype=object), seed, STREAM_RAIL
    )
