"""Storage: GeoPackage and GeoParquet round trips with metadata, COG rasters, atomic writes."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
from affine import Affine
from geopandas.testing import assert_geodataframe_equal

from minettgeo import CRS
from minettgeo.errors import LayerReadError, LayerWriteError
from minettgeo.layers import io


def _prepare(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return gdf.reset_index(drop=True)


def test_geopackage_round_trip_with_metadata(
    tmp_path: Path, toy_communes: gpd.GeoDataFrame, toy_parcels: gpd.GeoDataFrame
) -> None:
    path = tmp_path / "region.gpkg"
    io.write_vectors(
        path,
        {"communes": toy_communes, "parcels": toy_parcels},
        {"parcels": {"modelled": "true", "seed": 7}},
    )
    assert io.list_layers(path) == ["communes", "parcels"]
    back = io.read_vector(path, "parcels")
    assert_geodataframe_equal(_prepare(back), _prepare(toy_parcels), check_like=True)
    assert back.attrs["minettgeo"] == {"modelled": "true", "seed": "7"}
    assert io.read_vector(path, "communes").crs.to_epsg() == 2169


def test_geoparquet_round_trip_with_metadata(tmp_path: Path, toy_parcels: gpd.GeoDataFrame) -> None:
    path = tmp_path / "parcels.parquet"
    io.write_vectors(path, {"parcels": toy_parcels}, {"parcels": {"source": "test"}})
    back = io.read_vector(path)
    assert_geodataframe_equal(_prepare(back), _prepare(toy_parcels), check_like=True)
    assert io.read_vector_metadata(path, "parcels") == {"source": "test"}


def test_parquet_holds_one_layer(tmp_path: Path, toy_parcels: gpd.GeoDataFrame) -> None:
    with pytest.raises(LayerWriteError, match="one layer"):
        io.write_vectors(tmp_path / "x.parquet", {"a": toy_parcels, "b": toy_parcels})


def test_read_errors_name_the_problem(tmp_path: Path, toy_parcels: gpd.GeoDataFrame) -> None:
    with pytest.raises(LayerReadError, match="no such file"):
        io.read_vector(tmp_path / "absent.gpkg", "parcels")
    with pytest.raises(LayerReadError, match="unknown vector format"):
        io.read_vector(tmp_path / "parcels.shp")
    path = io.write_vectors(tmp_path / "r.gpkg", {"parcels": toy_parcels})
    with pytest.raises(LayerReadError, match="has no layer 'roads'"):
        io.read_vector(path, "roads")


def test_failed_write_leaves_previous_file_and_no_temporary(
    tmp_path: Path, toy_parcels: gpd.GeoDataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "region.gpkg"
    io.write_vectors(path, {"parcels": toy_parcels})
    before = path.read_bytes()
    real_write = io.pyogrio.write_dataframe
    calls = []

    def disk_full_on_second_layer(*args: object, **kwargs: object) -> None:
        calls.append(kwargs["layer"])
        if len(calls) == 2:
            raise OSError("No space left on device")
        real_write(*args, **kwargs)

    monkeypatch.setattr(io.pyogrio, "write_dataframe", disk_full_on_second_layer)
    with pytest.raises(LayerWriteError, match="previous file is unchanged"):
        io.write_vectors(path, {"parcels": toy_parcels, "roads": toy_parcels})
    assert calls == ["parcels", "roads"]
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["region.gpkg"]


def test_interrupted_write_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "out.gpkg"
    with pytest.raises(KeyboardInterrupt), io.atomic_path(target) as tmp:
        tmp.write_text("half")
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_raster_is_tiled_cog_with_tags(tmp_path: Path) -> None:
    data = np.arange(600 * 700, dtype=np.uint16).reshape(600, 700) % 300
    path = io.write_raster(
        tmp_path / "lc.tif",
        data,
        Affine(10, 0, 60_000, 0, -10, 70_000),
        CRS,
        0,
        tags={"modelled": "true"},
    )
    with rasterio.open(path) as src:
        assert src.crs.to_epsg() == 2169
        assert src.nodata == 0
        assert src.profile["tiled"] and src.block_shapes[0] == (512, 512)
        assert src.tags()["modelled"] == "true"
        assert src.overviews(1)  # COG: internal overviews for a raster larger than one block
        assert (src.read(1) == data).all()
        assert src.tags(ns="IMAGE_STRUCTURE").get("LAYOUT") == "COG"


def test_string_columns_survive(tmp_path: Path, toy_parcels: gpd.GeoDataFrame) -> None:
    gdf = toy_parcels.assign(note=pd.array(["a", None, "c", "d"], dtype="object"))
    io.write_vectors(tmp_path / "p.gpkg", {"parcels": gdf})
    back = io.read_vector(tmp_path / "p.gpkg", "parcels")
    assert back["note"].isna().tolist() == [False, True, False, False]
