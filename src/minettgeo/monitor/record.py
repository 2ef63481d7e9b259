"""The controls record (``controls.json``) and the balance table (``balance.csv``): written once
when the pilots are chosen, as one unit, and never overwritten without ``--force``.

``controls.json`` (format ``minettgeo-controls/1``): ``created`` (UTC), ``code`` (minettgeo
version and, when run from a git checkout, its commit), ``results`` (run id, run date and
folder of the results matched on), ``method`` (name, description in English and French,
controls per pilot ``k``, whether spillover neighbours were left out and the distance that
makes a neighbour), ``variables`` (name, unit, labels, formula, source; the standard deviation
over the reference districts), ``reference`` (the districts the standardisation uses),
``pilots`` (id, name, commune, values, neighbours left out, controls with their distance and
values), ``excluded`` (district -> reason).
"""

from __future__ import annotations

import json
import math
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from minettgeo import __version__
from minettgeo.errors import MonitoringError, RecordExistsError
from minettgeo.monitor.choose import Choice
from minettgeo.monitor.tables import matching_variables
from minettgeo.scenarios.trajectory_io import write_unit

FORMAT = "minettgeo-controls/1"
RECORD = "controls.json"
BALANCE = "balance.csv"
EFFECTS = "effects.csv"
EFFECTS_JSON = "effects.json"
METHOD = "rank-mahalanobis-optimal-without-replacement"
METHOD_EN = (
    "rank-based Mahalanobis distance on the pre-pilot variables (Rosenbaum 2010, section 8.3: "
    "ranks over the reference districts, pseudo-inverse of their tie-adjusted covariance); each pilot gets k controls, no control serves "
    "two pilots, the total distance is the least possible (optimal matching, Rosenbaum 1989); "
    "districts within the neighbour distance of a pilot are left out as possible spillover, "
    "and districts with fewer residents than the minimum are not controls"
)
METHOD_FR = (
    "distance de Mahalanobis sur les rangs des variables avant le pilote (Rosenbaum 2010, "
    "section 8.3 : rangs sur les quartiers de référence, pseudo-inverse de leur covariance "
    "corrigée des ex aequo) ; chaque pilote reçoit "
    "k témoins, aucun témoin ne sert deux pilotes, la distance totale est la plus faible "
    "possible (appariement optimal, Rosenbaum 1989) ; les quartiers voisins d'un pilote sont "
    "écartés (débordement possible), ainsi que les quartiers de trop peu d'habitants"
)


def code_version() -> str:
    """``minettgeo <version>``, with ``git <commit>`` (``-dirty`` when modified) when the
    package is run from a git checkout."""
    here = Path(__file__).resolve().parent
    try:
        done = subprocess.run(
            ["git", "-C", str(here), "describe", "--always", "--dirty", "--abbrev=12"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return f"minettgeo {__version__}"
    commit = done.stdout.strip() if done.returncode == 0 else ""
    return f"minettgeo {__version__}" + (f", git {commit}" if commit else "")


def _number(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


def record_document(
    choice: Choice,
    districts: pd.DataFrame,
    *,
    run_id: str,
    run_date: str,
    results_path: Path,
    buffer_m: float,
    min_residents: float,
    created: datetime | None = None,
) -> dict[str, Any]:
    """The JSON document of the record (module docstring); ``districts``: name and lau2 by
    district_id."""
    table = matching_variables()
    when = (created or datetime.now(UTC)).isoformat(timespec="seconds")

    def about(d: str) -> dict[str, Any]:
        return {
            "name": str(districts.at[d, "name"]) if "name" in districts else "",
            "lau2": str(districts.at[d, "lau2"]) if "lau2" in districts else "",
            "values": {
                v: _number(x)
                for v, x in zip(
                    choice.variables,
                    choice.values.loc[d, choice.variables].to_numpy(dtype=float),
                    strict=True,
                )
            },
        }

    variables = []
    for v in choice.variables:
        row = table.loc[v] if v in table.index else None
        variables.append(
            {
                "variable": v,
                "unit": str(row["unit"]) if row is not None else "",
                "label_en": str(row["label_en"]) if row is not None else v,
                "label_fr": str(row["label_fr"]) if row is not None else v,
                "formula": str(row["formula"]) if row is not None else f"districts layer {v}",
                "source": str(row["source"]) if row is not None else "minettgeo run",
                "reference_sd": _number(float(choice.sd[v])),
            }
        )
    pilots = []
    for p in choice.pilots:
        pilots.append(
            {
                "pilot_id": p,
                **about(p),
                "neighbours_excluded": choice.neighbours.get(p, []),
                "controls": [
                    {"district_id": c, "distance": round(dist, 6), **about(c)}
                    for c, dist in zip(choice.controls[p], choice.distances[p], strict=True)
                ],
            }
        )
    return {
        "format": FORMAT,
        "created": when,
        "code": code_version(),
        "results": {"run_id": run_id, "run_date": run_date, "path": str(results_path)},
        "method": {
            "name": METHOD,
            "description_en": METHOD_EN,
            "description_fr": METHOD_FR,
            "controls_per_pilot": choice.k,
            "exclude_neighbours": choice.exclude_neighbours,
            "neighbour_buffer_m": buffer_m,
            "min_residents": min_residents,
            "library": "scipy.stats.rankdata, scipy.spatial.distance.cdist, scipy.optimize.linear_sum_assignment",
        },
        "variables": variables,
        "reference": choice.reference,
        "pilots": pilots,
        "excluded": choice.excluded,
    }


def check_writable(out_dir: Path, force: bool) -> bool:
    """Whether ``out_dir`` holds a record that ``--force`` replaces. RecordExistsError when it
    holds one and ``force`` is off; MonitoringError when it holds anything else (it is not a
    monitoring folder, and writing would replace it)."""
    if not out_dir.exists():
        return False
    if not out_dir.is_dir():
        raise MonitoringError(
            f"--out {out_dir}: is a file; give a folder for the monitoring record"
        )
    if (out_dir / RECORD).exists():
        if not force:
            raise RecordExistsError(
                f"--out {out_dir}: {out_dir / RECORD} already fixes the controls of its pilots "
                "(controls are chosen once, when the pilots are chosen, so that the effect is not "
                "estimated against controls picked after the fact); nothing was written. Use "
                "another --out for other pilots, or --force to replace the record"
            )
        return True
    if any(out_dir.iterdir()):
        raise MonitoringError(
            f"--out {out_dir}: the folder holds files but no {RECORD}; it is not a monitoring "
            "folder and would be replaced: give a new or empty folder"
        )
    return False


def write_record(out_dir: Path, document: dict[str, Any], balance: pd.DataFrame) -> list[Path]:
    """``controls.json`` and ``balance.csv`` into ``out_dir`` as one unit (staged, then moved
    into place; a previous folder is replaced only once the new one is complete)."""
    files = {
        RECORD: json.dumps(document, indent=1, ensure_ascii=False) + "\n",
        BALANCE: balance.to_csv(index=False, float_format="%.6g"),
    }
    return write_unit(out_dir, files, "monitoring record")


def read_record(monitoring: Path) -> dict[str, Any]:
    """The record in folder ``monitoring``; MonitoringError naming the file when it is missing,
    not JSON or not a controls record."""
    path = monitoring / RECORD
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise MonitoringError(
            f"--monitoring {monitoring}: no {RECORD} there; fix the controls first with "
            "'minettgeo monitor choose --pilots ... --out FOLDER'"
        ) from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MonitoringError(f"--monitoring {path}: not a readable JSON record ({exc})") from exc
    ok = (
        isinstance(doc, dict)
        and doc.get("format") == FORMAT
        and isinstance(doc.get("pilots"), list)
        and all(
            isinstance(p, dict)
            and isinstance(p.get("pilot_id"), str)
            and isinstance(p.get("controls"), list)
            and all(
                isinstance(c, dict) and isinstance(c.get("district_id"), str) for c in p["controls"]
            )
            for p in doc["pilots"]
        )
    )
    if not ok:
        raise MonitoringError(
            f"--monitoring {path}: not a controls record of format {FORMAT} (pilots with "
            "pilot_id and controls); write it with 'minettgeo monitor choose'"
        )
    return doc


def record_controls(doc: dict[str, Any]) -> dict[str, list[str]]:
    """pilot_id -> its control ids, from a record read by :func:`read_record`."""
    return {p["pilot_id"]: [c["district_id"] for c in p["controls"]] for p in doc["pilots"]}
