"""The GPC inventory of a run as the API and exports give it: one commune or every level, as
plain records (pure functions over :meth:`Results.inventory` and :meth:`Results.inventory_totals`).
"""

from __future__ import annotations

import json
import math
from typing import Any

import pandas as pd

from minettgeo.errors import NotFoundError


def inventory_of(
    table: pd.DataFrame, totals: pd.DataFrame, commune: str | None, run_id: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The inventory rows and totals of ``commune`` (a LAU2 code or ``region``), or all of them
    when ``commune`` is None. A commune not in the inventory: NotFoundError naming those there."""
    if commune is None:
        return table, totals
    there = sorted(set(table["lau2"]))
    if commune not in there:
        raise NotFoundError(
            f"commune {commune!r} is not in the inventory of run {run_id}; use one of "
            f"{', '.join(there)}"
        )
    return table[table["lau2"] == commune], totals[totals["lau2"] == commune]


def plain_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of ``frame`` as JSON-ready dicts, in order; NaN and infinities as None."""
    records: list[dict[str, Any]] = json.loads(frame.to_json(orient="records"))
    return [
        {k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in rec.items()}
        for rec in records
    ]


def inventory_records(table: pd.DataFrame) -> list[dict[str, Any]]:
    """The inventory rows as plain records (:func:`plain_records`), the scope as text and an
    empty notation key as None."""
    rows = plain_records(table)
    for row in rows:
        row["notation_key"] = row.get("notation_key") or None
        row["scope"] = None if row.get("scope") is None else str(row["scope"])
    return rows
