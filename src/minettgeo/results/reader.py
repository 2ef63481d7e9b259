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
from minettgeo.results.layer_info import LayerInfo, read_layer_info
from minettgeo.results.layer_query import (
    MAX_IDS,
    attribute_clauses,
    spatial_filter,
    sql_literal,
)
from minettgeo.results.run_files import RunFiles
from minettgeo.results.run_folder import (
    INVENTORY_JSON,
    RESULTS_FILE,
    layer_names_of,
    read_provenance,
    run_folder_of,
)

#: communes-layer columns summed into the region's totals
REGION_SUMS = (
    "carbon_stock_tco2e",
    "land_net_flux_tco2_a",
    "sink_potential_2030_tco2_a",
    "sink_potential_2050_tco2_a",
    "sink_cumulative_2050_tco2",
)


@dataclass(frozen=True)
class Results(RunFiles):
    """One published run, read-only. Build it with :func:`open_results`. Its layers are read
    here; its tables, rasters and other files through :class:`RunFiles`."""

    provenance: dict[str, Any] = field(repr=False)
    layer_names: tuple[str, ...]
    _info: dict[str, LayerInfo] = field(default_factory=dict, repr=False, compare=False)

    @property
    def gpkg(self) -> Path:
        return self.run_dir / RESULTS_FILE

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
            self._info[name] = read_layer_info(self.gpkg, name)
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
        box, mask = spatial_filter(bbox, mask)
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
            **dict(zip(("bbox", "mask"), spatial_filter(bbox, geom), strict=True)),
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
        clauses = attribute_clauses(info, ids, match)
        if commune is not None:
            code = self.check_commune(commune)
            if "lau2" in info.fields:
                clauses.append(f'"lau2" = {sql_literal(code)}')
            else:
                shape = self._shape("communes", code)
                mask = shape if mask is None else shapely.intersection(mask, shape)
        if district is not None:
            self.check_district(district)
            if "district_id" in info.fields:
                clauses.append(f'"district_id" = {sql_literal(district)}')
            elif info.name == "communes":
                clauses.append(f'"lau2" = {sql_literal(self.district_commune(district))}')
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

    # ---- totals ----------------------------------------------------------------------------
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


def open_results(path: Path) -> Results:
    """The run ``path`` designates (a results directory: its ``current`` run, resolved now; or a
    run folder), as a frozen :class:`Results`."""
    run_dir = run_folder_of(Path(path))
    names = layer_names_of(run_dir)
    provenance = read_provenance(run_dir)
    run_id = str(provenance.get("run_id") or store.run_id_of(run_dir))
    return Results(run_dir=run_dir, run_id=run_id, provenance=provenance, layer_names=names)
