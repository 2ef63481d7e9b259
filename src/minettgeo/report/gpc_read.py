"""The GPC inventory as written by ``minettgeo run``, read back (:func:`read_inventory`), and one
level of it as plain text for the terminal (:func:`format_table`); the table itself is built in
:mod:`minettgeo.report.gpc`."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd


def _cell(value: object, width: int, digits: int) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return " " * width
    return f"{float(value):>{width}.{digits}f}"  # type: ignore[arg-type]


def format_table(table: pd.DataFrame, level: str, key: str) -> str:
    """Plain-text GPC table of one level, for the terminal."""
    frame = table[table[key] == level]
    lines = [f"GPC inventory: {frame['name'].iloc[0]} (t/a)", ""]
    lines.append(
        f"{'code':<8} {'scope':>5} {'CO2':>12} {'CH4':>9} {'N2O':>9} {'CO2e':>12} {'DQ':>2}  "
        "sub-sector"
    )
    for r in frame.to_dict("records"):
        key = str(r["notation_key"] or "")
        if key:
            nums = f"{key:>12} {'':>9} {'':>9} {key:>12}"
        else:
            nums = " ".join(
                _cell(r[col], width, digits)
                for col, width, digits in (
                    ("co2_t", 12, 0),
                    ("ch4_t", 9, 2),
                    ("n2o_t", 9, 2),
                    ("co2e_t", 12, 0),
                )
            )
        quality = str(r.get("data_quality") or "")
        lines.append(f"{r['code']!s:<8} {r['scope']!s:>5} {nums} {quality:>2}  {r['subsector']}")
    lines += [
        "",
        "DQ: data quality of the activity data, H high, M medium, L low (docs/data-quality.md)",
    ]
    return "\n".join(lines)


def read_inventory(results_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The inventory table and totals written by ``minettgeo run`` (LayerReadError naming the
    file when it is missing, not JSON or not an inventory)."""
    from minettgeo.errors import LayerReadError, NotFoundError

    path = Path(results_dir) / "gpc_inventory.json"
    if not path.exists():
        raise NotFoundError(f"{path}: not found; compute it first with 'minettgeo run'")
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        table = pd.DataFrame(document["rows"])
        table["lau2"] = table["lau2"].astype(str)
        totals = pd.DataFrame(document["totals"])
        totals["lau2"] = totals["lau2"].astype(str)
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise LayerReadError(
            f"{path}: not a readable GPC inventory ({type(exc).__name__}: {exc}); rerun "
            "'minettgeo run' to write it again"
        ) from exc
    return table, totals
