"""Writing a ranking: ``ranking.csv`` and a ``candidates`` layer, published as a new run folder.

Atomicity: :func:`publish_ranking` calls :func:`minettgeo.results.store.publish` with the current
run as ``base``: the current run's files are copied into a staging folder, ``ranking.csv``,
``ranking.json`` (options, weights, agreement) and the ``candidates`` layer of
``minettgeo.gpkg`` are added there, ``provenance.json`` gets a ``ranking`` record, and the folder
becomes ``runs/<new run id>`` and ``current`` in two atomic renames. A failure leaves the current
run untouched; a reader of the old run is not disturbed.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import pyogrio

from minettgeo.layers.multipart import as_multipart
from minettgeo.rank.options import Ranking
from minettgeo.results import store

RANKING_CSV = "ranking.csv"
RANKING_JSON = "ranking.json"
LAYER = "candidates"


def csv_table(ranking: Ranking) -> gpd.GeoDataFrame:
    return ranking.table.drop(columns="geometry").reset_index()


def write_ranking_files(ranking: Ranking, folder: Path) -> list[Path]:
    """ranking.csv, ranking.json and the candidates layer into ``folder`` (a staging run)."""
    folder = Path(folder)
    csv_path = folder / RANKING_CSV
    csv_table(ranking).to_csv(csv_path, index=False, float_format="%.6g")
    record = {
        "based_on_run": ranking.run_id,
        "options": ranking.options.record(),
        "weights": ranking.weights,
        "criteria": ranking.criteria,
        "agreement": ranking.agreement,
        "repairs": list(ranking.repairs),
    }
    json_path = folder / RANKING_JSON
    json_path.write_text(json.dumps(record, indent=1, default=str), encoding="utf-8")
    gpkg = folder / "minettgeo.gpkg"
    layer = as_multipart(ranking.table.reset_index())
    layer["portfolio"] = layer["portfolio"].astype(bool)
    layer["eligible"] = layer["eligible"].astype(bool)
    pyogrio.write_dataframe(
        layer,
        gpkg,
        layer=LAYER,
        driver="GPKG",
        append=False,
        layer_options={"OVERWRITE": "YES"},
        layer_metadata={"provenance": json.dumps(record, default=str), "modelled": "true"},
    )
    prov_path = folder / "provenance.json"
    prov = json.loads(prov_path.read_text(encoding="utf-8")) if prov_path.exists() else {}
    prov["ranking"] = record
    prov["run_id"] = store.run_id_of(folder)
    prov_path.write_text(json.dumps(prov, indent=1, default=str), encoding="utf-8")
    return [csv_path, json_path, gpkg]


def publish_ranking(ranking: Ranking, results_dir: Path, run_dir: Path) -> Path:
    """A new run folder holding ``run_dir``'s files plus the ranking (module docstring)."""
    fingerprint = json.dumps(
        {"base": ranking.run_id, "ranking": ranking.options.record()}, sort_keys=True, default=str
    )
    run_id = store.make_run_id(datetime.now(UTC), fingerprint)
    return store.publish(
        Path(results_dir),
        lambda staging: write_ranking_files(ranking, staging),
        base=run_dir,
        run_id=run_id,
    )
