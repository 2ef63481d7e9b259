"""The files of a published run besides its layers: the GPC inventory tables, the rasters and
any other file of the run folder, by name."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd

from minettgeo.errors import NotFoundError


@dataclass(frozen=True)
class RunFiles:
    """The files of one run folder, read-only (the base of :class:`~minettgeo.results.reader.Results`)."""

    run_dir: Path
    run_id: str

    @cached_property
    def raster_names(self) -> tuple[str, ...]:
        """The rasters of the run, by name without ``.tif`` (``heat_density`` ...)."""
        return tuple(sorted(p.stem for p in self.run_dir.glob("*.tif")))

    def inventory(self) -> pd.DataFrame:
        """The GPC inventory rows (one per level x GPC row: ``lau2`` is a commune or 'region')."""
        return self._inventory()[0]

    def inventory_totals(self) -> pd.DataFrame:
        """Inventory totals per commune and region, with their uncertainty intervals."""
        return self._inventory()[1]

    def commune_population(self) -> dict[str, float]:
        """Residents per commune (lau2 -> persons) of the inventory totals, region excluded."""
        totals = self.inventory_totals()
        com = totals[totals["lau2"].astype(str) != "region"]
        return {str(k): float(v) for k, v in zip(com["lau2"], com["population"], strict=True)}

    def level_names(self) -> dict[str, str]:
        """The name of every level of the inventory totals (lau2 or 'region' -> name)."""
        totals = self.inventory_totals()
        return {str(k): str(v) for k, v in zip(totals["lau2"], totals["name"], strict=True)}

    def _inventory(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        from minettgeo.report.gpc import read_inventory

        return read_inventory(self.run_dir)

    def raster_path(self, name: str) -> Path:
        """The COG of raster ``name`` (``heat_density``, ``carbon_stock``, ``sink_potential``;
        ``.tif`` may be given); NotFoundError naming the rasters there are."""
        stem = name.removesuffix(".tif")
        if stem not in self.raster_names:
            raise NotFoundError(
                f"raster {name!r} is not in run {self.run_id}; rasters: "
                f"{', '.join(self.raster_names) or 'none'}"
            )
        return self.run_dir / f"{stem}.tif"

    def file(self, name: str) -> Path:
        """A file of the run folder by its plain name (no folder part); NotFoundError if absent."""
        files = sorted(p.name for p in self.run_dir.iterdir() if p.is_file())
        if name not in files:
            raise NotFoundError(f"file {name!r} is not in run {self.run_id}; files: {files}")
        return self.run_dir / name
