"""Policy files: a proposed decision as measures on targets, in YAML or JSON.

The format is the JSON Schema ``policy.schema.json`` shipped beside this module (published in
``docs/policy.schema.json`` and by the API). A file is parsed once, validated against the schema,
and every problem is reported with the field's path and its line in the file, e.g.::

    examples/policies/gas.yaml, line 7, measures[0].dwellings: -3 is less than the minimum of 0

Defaults (a measure's start year is the policy's year, which defaults to the current year) are
filled here so the rest of the engine sees complete measures.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from minettgeo.errors import PolicyError

FIRST_YEAR, LAST_YEAR = 2005, 2050
#: defaults of optional fields, per measure type (the schema documents the same values)
DEFAULTS: Mapping[str, Mapping[str, object]] = {
    "new_development": {"use": "apartment_block"},
    "deep_renovation": {"rate_per_year": 1.0, "order": "worst_first"},
    "partial_renovation": {"rate_per_year": 1.0, "order": "worst_first"},
    "heating_switch": {"from": ["natural_gas", "heating_oil"], "share": 1.0},
    "district_heating_network": {"share": 1.0},
    "rooftop_solar": {"share": 1.0},
}


@dataclass(frozen=True)
class Measure:
    """One measure of a decision; ``params`` holds every field but type, name and target."""

    type: str
    name: str
    target: Mapping[str, Any]
    params: Mapping[str, Any]
    line: int
    index: int

    @property
    def start(self) -> int:
        """First year the measure acts (``year`` for one-off measures, ``start`` otherwise)."""
        return int(self.params.get("start", self.params.get("year", LAST_YEAR)))

    @property
    def end(self) -> int:
        """Year the measure is fully realised (its start for measures without a ramp)."""
        return int(self.params.get("end", self.start))

    @property
    def where(self) -> str:
        return f"measures[{self.index}] ({self.type}, line {self.line})"


@dataclass(frozen=True)
class Policy:
    """A validated decision."""

    title: str
    title_en: str
    description: str
    year: int
    measures: tuple[Measure, ...]
    origin: str
    sha256: str
    raw: Mapping[str, Any] = field(repr=False, default_factory=dict)


@cache
def policy_schema() -> dict[str, Any]:
    """The JSON Schema of policy files."""
    text = (resources.files("minettgeo.scenarios") / "policy.schema.json").read_text("utf-8")
    return dict(json.loads(text))


def _line_of(node: yaml.Node | None, path: Sequence[object]) -> int | None:
    """1-based line of the YAML node at ``path`` (keys and list indices), or of its nearest parent."""
    line = node.start_mark.line + 1 if node is not None else None
    for step in path:
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if k.value == step), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
            child = node.value[step] if step < len(node.value) else None
        else:
            child = None
        if child is None:
            break
        node = child
        line = node.start_mark.line + 1
    return line


def _path_text(path: Sequence[object]) -> str:
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out or "(top level)"


def _message(err: jsonschema.ValidationError) -> str:
    """The validator's message, or a plain one for 'exactly one of' / 'at least one of' fields."""
    subs = err.schema.get(err.validator) if isinstance(err.schema, dict) else None
    if err.validator in ("oneOf", "anyOf") and isinstance(subs, list):
        names = [r for s in subs if isinstance(s, dict) for r in s.get("required", [])]
        if names and len(names) == len(subs):
            how = "exactly one" if err.validator == "oneOf" else "at least one"
            return f"give {how} of the fields {', '.join(names)}"
    return str(err.message)


def validated(
    text: str, origin: str, schema: Mapping[str, Any], what: str = "policy"
) -> tuple[dict[str, Any], yaml.Node | None]:
    """Parse YAML/JSON ``text`` and validate it against ``schema``; PolicyError lists every
    problem with its field path and line. Returns the data and the YAML node tree (for lines)."""
    doc = f"docs/{what}.schema.json"
    try:
        data = yaml.safe_load(text)
        node = yaml.compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise PolicyError(
            f"{origin}{line}: not valid YAML or JSON ({exc.problem or exc.context}); "
            f"fix the syntax (see {doc} and examples/)"
        ) from exc
    except yaml.YAMLError as exc:
        raise PolicyError(f"{origin}: not valid YAML or JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise PolicyError(
            f"{origin}: a {what} is a mapping with 'title' and 'measures' "
            f"(got {type(data).__name__}); see examples/"
        )
    validator = jsonschema.Draft202012Validator(dict(schema))
    errors = sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    # keep the most specific errors: an if/then failure repeats its sub-errors
    leaves = [e for e in errors if e.validator not in ("allOf", "if")]
    if leaves:
        lines = []
        for err in leaves[:20]:
            path = list(err.absolute_path)
            lineno = _line_of(node, path)
            at = f"line {lineno}, " if lineno else ""
            lines.append(f"  - {at}{_path_text(path)}: {_message(err)}")
        more = f"\n  ... and {len(leaves) - 20} more" if len(leaves) > 20 else ""
        raise PolicyError(
            f"{origin}: {len(leaves)} problem(s) in the {what} "
            f"(format: {doc})\n" + "\n".join(lines) + more
        )
    return data, node


def measures_of(
    items: Sequence[Mapping[str, Any]],
    node: yaml.Node | None,
    origin: str,
    year: int,
    key: str = "measures",
) -> tuple[Measure, ...]:
    """Validated measures with their defaults filled (start year = ``year`` when absent)."""
    measures = []
    for i, raw in enumerate(items):
        params = {k: v for k, v in raw.items() if k not in ("type", "name", "target")}
        params = {**DEFAULTS.get(raw["type"], {}), **params}
        if "year" not in params and "start" not in params:
            params["start" if raw["type"] not in ("new_development", "demolition") else "year"] = (
                year
            )
        measure = Measure(
            type=str(raw["type"]),
            name=str(raw.get("name", raw["type"].replace("_", " "))),
            target=dict(raw.get("target", {"region": True})),
            params=params,
            line=_line_of(node, [key, i]) or 0,
            index=i,
        )
        if measure.end < measure.start:
            raise PolicyError(
                f"{origin}, line {measure.line}, {key}[{i}]: end {measure.end} is before "
                f"start {measure.start}; the measure must end in or after the year it starts"
            )
        measures.append(measure)
    return tuple(measures)


def parse_policy(text: str, origin: str, *, this_year: int | None = None) -> Policy:
    """Parse and validate a policy given as YAML or JSON text; PolicyError lists every problem
    with its field path and line."""
    data, node = validated(text, origin, policy_schema())
    year = int(data.get("year", this_year or datetime.now(UTC).year))
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise PolicyError(
            f"{origin}: year {year} outside {FIRST_YEAR}-{LAST_YEAR}; set 'year' in the policy"
        )
    return Policy(
        title=str(data["title"]),
        title_en=str(data.get("title_en", data["title"])),
        description=str(data.get("description", "")),
        year=year,
        measures=measures_of(data["measures"], node, origin, year),
        origin=origin,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        raw=data,
    )


def read_text(path: Path, what: str = "policy") -> str:
    """The UTF-8 text of a policy or scenario file; PolicyError naming the file otherwise."""
    path = Path(path)
    if not path.is_file():
        raise PolicyError(f"{path}: no such {what} file")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise PolicyError(
            f"{path}: not a text file (byte {exc.start} is not UTF-8); a {what} is YAML or JSON text"
        ) from exc
    except OSError as exc:
        raise PolicyError(f"{path}: cannot be read ({exc.strerror})") from exc


def load_policy(path: Path, *, this_year: int | None = None) -> Policy:
    """Read a policy file (``.yaml``, ``.yml`` or ``.json``)."""
    return parse_policy(read_text(path), str(path), this_year=this_year)
