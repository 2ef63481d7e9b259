"""The rasters of a run the maps draw: the file of each allow-listed raster (the run's COGs; the
land cover the run used, found from its provenance) and the legend range of each."""

from __future__ import annotations

from pathlib import Path

from minettgeo.errors import NotFoundError
from minettgeo.maps.source import ResultSource
from minettgeo.maps.tiles import RASTERS, RasterStyle, check_raster_name, raster_style


def landcover_path(source: ResultSource) -> Path | None:
    """The land-cover raster the run used (provenance ``land.landcover``; a relative path is
    looked up first from the folder that holds ``results/``, where the run was made, then from
    the working directory: another ``layers/`` beside the server must not stand in for it)."""
    provenance = source.provenance or {}
    land = provenance.get("land") or {}
    given = land.get("landcover") if isinstance(land, dict) else None
    if not given:
        return None
    path = Path(str(given))
    if path.is_absolute():
        return path if path.is_file() else None
    run_dir = Path(source.run_dir).resolve()
    tries = [run_dir.parents[2] / path] if len(run_dir.parents) >= 3 else []
    tries.append(Path.cwd() / path)
    return next((p for p in tries if p.is_file()), None)


def raster_file(source: ResultSource, name: str) -> Path:
    """The file of allow-listed raster ``name`` in ``source``; NotFoundError when the run has
    none."""
    check_raster_name(name)
    if name == "landcover":
        path = landcover_path(source)
    else:
        try:
            path = Path(source.raster_path(name))
        except NotFoundError:
            path = None
    if path is None or not path.is_file():
        raise NotFoundError(f"raster '{name}' is not in run {source.run_id}")
    return path


def raster_styles(source: ResultSource) -> dict[str, RasterStyle]:
    """The legend range of every raster the run has (missing ones left out)."""
    out: dict[str, RasterStyle] = {}
    for name in RASTERS:
        try:
            out[name] = raster_style(name, raster_file(source, name))
        except NotFoundError:
            continue
    return out
