"""Errors a user of minettgeo can meet, one type per failure.

Every error carries a message that names what is wrong (layer, column, feature ids, parameter)
and what to do about it. The command line prints the message and exits with status 1; the API
(later) turns it into a JSON problem response. Nothing here is raised for programming errors.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from minettgeo.layers.validate import Problem


class MinettgeoError(Exception):
    """Base of every error a user can meet; the CLI exits with status 1 on it."""


class LayerValidationError(MinettgeoError):
    """A layer breaks its contract; ``problems`` lists every problem found, not just the first."""

    def __init__(self, layer: str, problems: Sequence[Problem]) -> None:
        self.layer = layer
        self.problems = list(problems)
        lines = [f"layer '{layer}' is not usable: {len(self.problems)} problem(s)"]
        lines += [f"  - {p.describe()}" for p in self.problems]
        super().__init__("\n".join(lines))

    @property
    def kinds(self) -> set[str]:
        """The kinds of problems found, e.g. ``{"missing-column", "unknown-code"}``."""
        return {p.kind for p in self.problems}


class LayerReadError(MinettgeoError):
    """A file cannot be read as a layer: missing file, unknown format, unknown layer name."""


class LayerWriteError(MinettgeoError):
    """An output cannot be written; nothing half-written is left behind."""


class SourceDataError(MinettgeoError):
    """A real source file the sample builder needs is missing or does not have the expected shape."""


class RegionError(MinettgeoError):
    """The configured region is not usable: unknown commune codes, empty selection."""


class FactorError(MinettgeoError):
    """A factor is missing or a factor table (shipped or override) is malformed; names the table."""


class ParameterError(MinettgeoError):
    """A parameter given by the user (CLI option, API query) is out of its allowed range."""


class LandCarbonError(MinettgeoError):
    """Land-carbon input problem: a land-cover code missing from the carbon table, rasters on
    different grids, a malformed carbon table or sink-rule file."""


class PolicyError(MinettgeoError):
    """A policy or scenario file is malformed or names what does not exist (field, line, ids)."""
