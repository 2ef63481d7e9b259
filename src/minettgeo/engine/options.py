"""Parameters of a run (all recorded in the provenance)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from minettgeo.aggregate import heat_density as hd
from minettgeo.errors import ParameterError
from minettgeo.land.potential import START_YEAR
from minettgeo.land.tables import load_carbon_tables
from minettgeo.limits import MAX_DRAWS, MIN_DRAWS


@dataclass(frozen=True)
class RunOptions:
    """Parameters of a run (all recorded in the provenance)."""

    gwp_set: str = "AR5"
    overrides: tuple[Path, ...] = ()
    electricity_kg_per_kwh: float | None = None
    district_heat_kg_per_kwh: float | None = None
    draws: int = 1000
    seed: int = 2028
    dh_cell_threshold_mwh_ha: float = hd.CELL_THRESHOLD_MWH_HA
    dh_area_threshold_gwh: float = hd.AREA_THRESHOLD_GWH
    carbon_table: Path | None = None
    sink_rules: Path | None = None
    sink_start: int = START_YEAR
    landcover_years: tuple[int, int] | None = None
    sink_assumptions: Path | None = None
    urban_trees: bool = False
    #: folder of the content-keyed zonal cache (None: no cache)
    cache_dir: Path | None = None

    def check(self) -> None:
        if not MIN_DRAWS <= self.draws <= MAX_DRAWS:
            raise ParameterError(
                f"--draws must be between {MIN_DRAWS} and {MAX_DRAWS} (a 90 % interval needs at "
                f"least {MIN_DRAWS} draws), got {self.draws}"
            )
        for option, value in (
            ("--dh-cell-threshold", self.dh_cell_threshold_mwh_ha),
            ("--dh-area-threshold", self.dh_area_threshold_gwh),
        ):
            if not (np.isfinite(value) and value > 0):
                raise ParameterError(f"{option} must be a finite positive number, got {value}")
        # the land tables and the working group's assumptions fail before any layer is read
        load_carbon_tables(self.carbon_table, self.sink_rules, self.sink_assumptions)
