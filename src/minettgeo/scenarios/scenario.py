"""Scenario files: a plan's measures (format of policy files), candidate options and the 2005
baseline to use, validated with ``scenario.schema.json`` (published in ``docs/``)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from minettgeo.errors import PolicyError
from minettgeo.scenarios.policy import Measure, measures_of, read_text, validated

#: the inventory's year; measures of a scenario act after it
INVENTORY_YEAR = 2024


@dataclass(frozen=True)
class Scenario:
    title: str
    title_en: str
    description: str
    measures: tuple[Measure, ...]
    options: tuple[Measure, ...]
    baseline_table: Path | None
    assumptions: Path | None
    origin: str
    sha256: str
    raw: Mapping[str, Any] = field(repr=False, default_factory=dict)


@cache
def scenario_schema() -> dict[str, Any]:
    """The JSON Schema of scenario files."""
    text = (resources.files("minettgeo.scenarios") / "scenario.schema.json").read_text("utf-8")
    return dict(json.loads(text))


def _check_after_inventory(measures: tuple[Measure, ...], origin: str, key: str) -> None:
    for m in measures:
        if m.start <= INVENTORY_YEAR:
            raise PolicyError(
                f"{origin}, line {m.line}, {key}[{m.index}]: starts in {m.start}; a scenario's "
                f"measures act after the inventory year {INVENTORY_YEAR} (the inventory already "
                f"holds what was done by then): start in {INVENTORY_YEAR + 1} or later"
            )


def parse_scenario(
    text: str, origin: str, *, base_dir: Path | None = None, files: bool = True
) -> Scenario:
    """Parse and validate a scenario (YAML or JSON); paths in it are relative to ``base_dir``;
    ``files=False`` (API bodies) refuses any file path."""
    data, node = validated(text, origin, scenario_schema(), "scenario")
    if not files and set(data.get("baseline_2005", {})) & {"table", "assumptions"}:
        raise PolicyError(
            f"{origin}, baseline_2005: file paths are not accepted here; omit baseline_2005 "
            "(the model's back-cast) or use 'minettgeo trajectory' with --baseline"
        )
    year = int(data.get("year", INVENTORY_YEAR + 1))
    measures = measures_of(data.get("measures", []), node, origin, year)
    options = measures_of(data.get("options", []), node, origin, year, key="options")
    _check_after_inventory(measures, origin, "measures")
    _check_after_inventory(options, origin, "options")
    base = Path(base_dir) if base_dir is not None else Path()
    spec = data.get("baseline_2005", {"backcast": True})
    table = base / spec["table"] if "table" in spec else None
    assumptions = base / spec["assumptions"] if "assumptions" in spec else None
    for path, what in ((table, "baseline_2005.table"), (assumptions, "baseline_2005.assumptions")):
        if path is not None and not path.is_file():
            raise PolicyError(f"{origin}, {what}: no such file {path}")
    return Scenario(
        title=str(data["title"]),
        title_en=str(data.get("title_en", data["title"])),
        description=str(data.get("description", "")),
        measures=measures,
        options=options,
        baseline_table=table,
        assumptions=assumptions,
        origin=origin,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        raw=data,
    )


def load_scenario(path: Path) -> Scenario:
    path = Path(path)
    return parse_scenario(read_text(path, "scenario"), str(path), base_dir=path.parent)
