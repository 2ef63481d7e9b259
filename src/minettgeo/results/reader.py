"""Reading a published run back: one typed, read-only view of one run folder.

:func:`open_results` takes a results directory (it follows ``current``, resolved once, so every
later read comes from that one run folder even when a newer run is published meanwhile) or a run
folder itself, and returns a frozen :class:`Results`. Filters run inside GDAL where they can
(``bbox`` as a spatial filter that uses the GeoPackage R-tree, ids, commune and district as an
attribute ``where``), so a page of parcels never loads the whole layer.

Example::

    results = open_results(Path("results"))
    parcels = results.layer("parcels", commune="0304")      # indexed by parcel_id
    results.count("parcels", bbox=(65_000, 62_000, 66_000, 63_000))
    results.inventory()                                      # GPC rows of every level
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from minettgeo.errors import LayerReadError, NotFoundError, ParameterError
from minettgeo.results import store

RESULTS_FILE = "minettgeo.gpkg"
PROVENANCE_FILE = "provenance.json"
INVENTORY_JSON = "gpc_inventory.json"
#: the id column of each result layer (other layers: their first ``*_id`` column, else the fid)
ID_COLUMNS = {
    "buildings": "building_id",
    "parcels": "parcel_id",
    "districts": "district_id",
    "communes": "lau2",
    "roads": "road_id",
    "dh_potential_areas": "area_id",
}
#: communes-layer columns summed into the region's totals
REGION_SUMS = (
    "carbon_stock_tco2e",
    "land_net_flux_tco2_a",
    "sink_potential_2030_tco2_a",
    "sink_potential_2050_tco2_a",
    "sink_cumulative_2050_tco2",
)
#: most ids one ``ids=`` filter takes (they go into one SQL ``IN`` list)
MAX_IDS = 10_000
BBox = tuple[float, float, float, float]


@dataclass(frozen=True)
class LayerInfo:
    """What a layer holds, read from the GeoPackage without reading its features."""

    name: str
    id_column: str
    count: int
    #: (minx, miny, maxx, maxy) in the layer's CRS (EPSG:2169); None for an empty layer
    bounds: BBox | None
    geometry_type: str
    crs: str
    #: column name -> numpy dtype name ('object' for text), geometry excluded
    fields: dict[str, str]
    #: the layer's metadata (``provenance`` JSON, ``modelled``)
    metadata: dict[str, str]


@dataclass(frozen=True)
class Results:
    """One published run, read-only. Build it with :func:`open_results`."""

    run_dir: Path
    run_id: str
    provenance: dict[str, Any] = field(repr=False)
    layer_names: tuple[str, ...]
    _info: dict[str, LayerInfo] = field(default_factory=dict, repr=False, compare=False)

    @property
    def gpkg(self) -> Path:
        return self.run_dir / RESULTS_FILE

    @cached_property
    def raster_names(self) -> tuple[str, ...]:
        """The rasters of the run, by name without ``.tif`` (``heat_density`` ...)."""
        return tuple(sorted(p.stem for p in self.run_dir.glob("*.tif")))

    # ---- layers -------------------------------------------------------------------------
    def check_layer(self, name: str) -> str:
        """``name`` when it is a layer of this run, else NotFoundError naming those there are."""
        if name not in self.layer_names:
            raise NotFoundError(
                f"layer {name!r} is not in run {self.run_id}; layers: {', '.join(self.layer_names)}"
            )
        return name

    def info(self, name: str) -> LayerInfo:
        """Count, extent, fields and metadata of a layer (read once, then kept)."""
        self.check_layer(name)
        if name not in self._info:
            raw = pyogrio.read_info(self.gpkg, layer=name, force_feature_count=True)
            fields = {
                str(f): str(np.dtype(d)) for f, d in zip(raw["fields"], raw["dtypes"], strict=True)
            }
            bounds = raw.get("total_bounds")
            count = int(raw["features"])
            self._info[name] = LayerInfo(
                name=name,
                id_column=_id_column(name, list(fields)),
                count=count,
                bounds=None if count == 0 or bounds is None else tuple(map(float, bounds)),  # type: ignore[arg-type]
                geometry_type=str(raw.get("geometry_type") or "Unknown"),
                crs=str(raw.get("crs") or ""),
                fields=fields,
                metadata={str(k): str(v) for k, v in (raw.get("layer_metadata") or {}).items()},
            )
        return self._info[name]

    def layer(
        self,
        name: str,
        *,
        ids: Iterable[object] | None = None,
        bbox: Sequence[float] | None = None,
        commune: str | None = None,
        district: str | None = None,
        mask: shapely.Geometry | None = None,
        offset: int = 0,
        limit: int | None = None,
        columns: Sequence[str] | None = None,
        fids: Sequence[int] | None = None,
        with_fid: bool = False,
        match: Mapping[str, object] | None = None,
    ) -> gpd.GeoDataFrame:
        """Features of layer ``name`` indexed by its id column, in file order, optionally only
        those with the given ``ids``, intersecting ``bbox`` (minx, miny, maxx, maxy in EPSG:2169),
        in a ``commune`` (LAU2 code) or a ``district`` (district_id); then ``offset`` and
        ``limit`` page through what matched. An unknown commune or district is a NotFoundError.
        ``fids`` (GeoPackage feature ids, no other filter with them) picks features by their fid;
        ``with_fid`` adds the fid as a column ``fid``; ``match`` keeps the features whose columns
        equal the given values (``{"parcel_id": "0304-000001"}``); ``mask`` (a shapely geometry
        in EPSG:2169) keeps the features that intersect it."""
        info = self.info(name)
        if fids is not None:
            return self._by_fid(info, fids, with_fid)
        where, mask = self._filters(info, ids, commune, district, match, mask)
        box, mask = _spatial(bbox, mask)
        kwargs: dict[str, Any] = {}
        if columns is not None:
            unknown = sorted(set(columns) - set(info.fields))
            if unknown:
                raise ParameterError(
                    f"columns {unknown} are not in layer {name!r}; columns: {', '.join(info.fields)}"
                )
            kwargs["columns"] = list(dict.fromkeys([info.id_column, *columns]))
        if offset < 0 or (limit is not None and limit < 0):
            raise ParameterError(f"offset and limit must be >= 0, got {offset} and {limit}")
        try:
            frame = pyogrio.read_dataframe(
                self.gpkg,
                layer=name,
                where=where,
                bbox=box,
                mask=mask,
                skip_features=offset,
                max_features=limit,
                fid_as_index=with_fid,
                **kwargs,
            )
        except (OSError, pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
            raise LayerReadError(f"{self.gpkg}: layer {name!r} could not be read ({exc})") from exc
        return self._indexed(info, frame, with_fid)

    def _by_fid(self, info: LayerInfo, fids: Sequence[int], with_fid: bool) -> gpd.GeoDataFrame:
        wanted = [int(f) for f in fids]
        if len(wanted) > MAX_IDS:
            raise ParameterError(f"fids: at most {MAX_IDS} at once, got {len(wanted)}")
        where = f"fid IN ({', '.join(map(str, wanted))})" if wanted else "0 = 1"
        frame = pyogrio.read_dataframe(
            self.gpkg, layer=info.name, where=where, fid_as_index=with_fid
        )
        return self._indexed(info, frame, with_fid)

    @staticmethod
    def _indexed(info: LayerInfo, frame: pd.DataFrame, with_fid: bool) -> gpd.GeoDataFrame:
        if with_fid:
            frame = frame.rename_axis("fid").reset_index()
        if not isinstance(frame, gpd.GeoDataFrame):  # a layer without geometry
            frame = gpd.GeoDataFrame(frame)
        frame.attrs["minettgeo"] = dict(info.metadata)
        return frame.set_index(info.id_column, drop=True)

    def count(
        self,
        name: str,
        *,
        ids: Iterable[object] | None = None,
        bbox: Sequence[float] | None = None,
        commune: str | None = None,
        district: str | None = None,
        mask: shapely.Geometry | None = None,
    ) -> int:
        """How many features :meth:`layer` returns with these filters."""
        info = self.info(name)
        if ids is None and bbox is None and commune is None and district is None and mask is None:
            return info.count
        return len(
            self.fids(name, ids=ids, bbox=bbox, commune=commune, district=district, mask=mask)
        )

    def fids(
        self,
        name: str,
        *,
        ids: Iterable[object] | None = None,
        bbox: Sequence[float] | None = None,
        commune: str | None = None,
        district: str | None = None,
        mask: shapely.Geometry | None = None,
    ) -> np.ndarray:
        """The GeoPackage fids of the features :meth:`layer` returns with these filters, sorted
        (no geometry is returned; GDAL's spatial filter uses the R-tree)."""
        info = self.info(name)
        where, geom = self._filters(info, ids, commune, district, None, mask)
        frame = pyogrio.read_dataframe(
            self.gpkg,
            layer=name,
            columns=[info.id_column],
            where=where,
            **dict(zip(("bbox", "mask"), _spatial(bbox, geom), strict=True)),
            read_geometry=False,
            fid_as_index=True,
        )
        return np.sort(frame.index.to_numpy(dtype=np.int64))

    def _filters(
        self,
        info: LayerInfo,
        ids: Iterable[object] | None,
        commune: str | None,
        district: str | None,
        match: Mapping[str, object] | None = None,
        mask: shapely.Geometry | None = None,
    ) -> tuple[str | None, shapely.Geometry | None]:
        """The SQL ``where`` and the mask geometry of the filters (checked against the run)."""
        clauses: list[str] = []
        for column, value in (match or {}).items():
            if column not in info.fields:
                raise ParameterError(
                    f"column {column!r} is not in layer {info.name!r}; columns: "
                    f"{', '.join(info.fields)}"
                )
            clauses.append(f'"{column}" = {_sql_literal(value)}')
        if ids is not None:
            values = list(ids)
            if len(values) > MAX_IDS:
                raise ParameterError(f"ids: at most {MAX_IDS} ids at once, got {len(values)}")
            if not values:
                clauses.append("0 = 1")
            else:
                clauses.append(f'"{info.id_column}" IN ({", ".join(map(_sql_literal, values))})')
        if commune is not None:
            code = self.check_commune(commune)
            if "lau2" in info.fields:
                clauses.append(f'"lau2" = {_sql_literal(code)}')
            else:
                shape = self._shape("communes", code)
                mask = shape if mask is None else shapely.intersection(mask, shape)
        if district is not None:
            self.check_district(district)
            if "district_id" in info.fields:
                clauses.append(f'"district_id" = {_sql_literal(district)}')
            elif info.name == "communes":
                clauses.append(f'"lau2" = {_sql_literal(self.district_commune(district))}')
            else:
                shape = self._shape("districts", district)
                mask = shape if mask is None else shapely.intersection(mask, shape)
        return (" AND ".join(clauses) or None), mask

    # ---- communes and districts ----------------------------------------------------------
    @cached_property
    def _zones(self) -> pd.DataFrame:
        """district_id -> lau2 (read once)."""
        frame = pyogrio.read_dataframe(
            self.gpkg, layer="districts", columns=["district_id", "lau2"], read_geometry=False
        )
        return frame.astype(str).set_index("district_id")

    @cached_property
    def communes(self) -> tuple[str, ...]:
        """The LAU2 codes of the run's communes."""
        frame = pyogrio.read_dataframe(
            self.gpkg, layer="communes", columns=["lau2"], read_geometry=False
        )
        return tuple(sorted(frame["lau2"].astype(str)))

    @property
    def districts(self) -> tuple[str, ...]:
        """The district ids of the run."""
        return tuple(sorted(self._zones.index))

    def check_commune(self, commune: str) -> str:
        """The commune's LAU2 code when it is in the run, else NotFoundError naming those there."""
        code = str(commune).strip()
        if code not in self.communes:
            raise NotFoundError(
                f"commune {commune!r} is not in run {self.run_id}; communes (LAU2): "
                f"{', '.join(self.communes)}"
            )
        return code

    def check_district(self, district: str) -> None:
        """NotFoundError when ``district`` is not a district of the run."""
        if str(district) not in self._zones.index:
            some = ", ".join(self.districts[:5])
            raise NotFoundError(
                f"district {district!r} is not in run {self.run_id}; it has "
                f"{len(self.districts)} districts ({some}, ...)"
            )

    def district_commune(self, district: str) -> str:
        """The LAU2 code of the commune a district belongs to."""
        self.check_district(district)
        return str(self._zones.loc[str(district), "lau2"])

    def _shape(self, layer: str, key: str) -> shapely.Geometry:
        frame = self.layer(layer, ids=[key], columns=[])
        return frame.geometry.iloc[0]

    # ---- tables and rasters --------------------------------------------------------------
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

    def region_totals(self) -> pd.Series:
        """The region's row of the inventory totals, with the sums over the communes layer of
        its additive land columns (:data:`REGION_SUMS`: carbon stock, net flux, sink potential)."""
        totals = self.inventory_totals().set_index("lau2")
        if "region" not in totals.index:
            raise LayerReadError(f"{self.run_dir / INVENTORY_JSON}: has no 'region' totals")
        row: pd.Series = totals.loc["region"].copy()  # type: ignore[assignment]
        fields = self.info("communes").fields if "communes" in self.layer_names else {}
        present = [c for c in REGION_SUMS if c in fields]
        if present:
            sums = self.layer("communes", columns=present)[present].sum()
            for col in present:
                row[col] = float(sums[col])
        return row

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


def _id_column(layer: str, fields: list[str]) -> str:
    known = ID_COLUMNS.get(layer)
    if known in fields:
        return str(known)
    return next((f for f in fields if f.endswith("_id")), fields[0] if fields else "fid")


def _sql_literal(value: object) -> str:
    """An SQL literal: numbers as they are, anything else as a quoted string."""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int | np.integer | float | np.floating) and np.isfinite(value):
        return repr(value.item() if isinstance(value, np.generic) else value)
    text = str(value).replace("'", "''")
    return f"'{text}'"


def _spatial(
    bbox: Sequence[float] | None, mask: shapely.Geometry | None
) -> tuple[BBox | None, shapely.Geometry | None]:
    """GDAL takes a bbox or a mask, not both: both become one mask (their intersection)."""
    box = _check_bbox(bbox)
    if box is not None and mask is not None:
        return None, shapely.intersection(mask, shapely.box(*box))
    return box, mask


def _check_bbox(bbox: Sequence[float] | None) -> BBox | None:
    if bbox is None:
        return None
    values = [float(v) for v in bbox]
    if len(values) != 4 or not all(np.isfinite(values)):
        raise ParameterError(f"bbox must be 4 finite numbers minx,miny,maxx,maxy, got {bbox}")
    minx, miny, maxx, maxy = values
    if minx > maxx or miny > maxy:
        raise ParameterError(f"bbox {values}: minx must be <= maxx and miny <= maxy")
    return (minx, miny, maxx, maxy)


def run_folder_of(path: Path) -> Path:
    """The run folder ``path`` designates: ``path/current`` resolved, or ``path`` itself when it
    holds a run. NotFoundError naming what is there otherwise."""
    path = Path(path)
    if not path.is_dir():
        raise NotFoundError(
            f"{path}: no results there (not a folder); compute them with 'minettgeo run --out "
            f"{path}'"
        )
    if (path / RESULTS_FILE).is_file():
        return path.resolve()
    current = store.current_run(path)
    if current is not None and (current / RESULTS_FILE).is_file():
        return current
    runs = [p.name for p in store.run_folders(path)]
    there = f"runs {', '.join(runs)} but no valid 'current' link" if runs else "no run"
    raise NotFoundError(
        f"{path}: no results there ({there}; {RESULTS_FILE} not found); compute them with "
        f"'minettgeo run --out {path}'"
    )


def open_results(path: Path) -> Results:
    """The run ``path`` designates (a results directory: its ``current`` run, resolved now; or a
    run folder), as a frozen :class:`Results`."""
    run_dir = run_folder_of(Path(path))
    gpkg = run_dir / RESULTS_FILE
    try:
        names = tuple(str(n) for n, _g in pyogrio.list_layers(gpkg))
    except (OSError, pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise LayerReadError(
            f"{gpkg}: not a readable GeoPackage ({exc}); rerun 'minettgeo run'"
        ) from exc
    record = run_dir / PROVENANCE_FILE
    provenance: dict[str, Any] = {}
    if record.is_file():
        try:
            provenance = json.loads(record.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise LayerReadError(f"{record}: not readable JSON ({exc})") from exc
    run_id = str(provenance.get("run_id") or store.run_id_of(run_dir))
    return Results(run_dir=run_dir, run_id=run_id, provenance=provenance, layer_names=names)
