"""Errors a user of minettgeo can meet, one type per failure.

Every error carries a message that names what is wrong (file, layer, column, feature ids,
parameter) and what to do about it. Each type states, once and here only, its exit status for
the command line (``exit_code``: 1 bad input, 2 usage error) and its HTTP status for the API
(``http_status``); the CLI prints the message and exits with ``exit_code``, the API answers with
``http_status`` and the message. Nothing here is raised for programming errors. The table of
codes is in ``docs/errors.md``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from minettgeo.layers.problems import Problem


class MinettgeoError(Exception):
    """Base of every error a user can meet."""

    #: exit status of the ``minettgeo`` command: 1 bad input, 2 usage error
    exit_code: int = 1
    #: HTTP status of the API's answer
    http_status: int = 400


class LayerValidationError(MinettgeoError):
    """A layer breaks its contract; ``problems`` lists every problem found, not just the first."""

    exit_code = 1
    http_status = 422

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
    """A file cannot be read: missing, empty, corrupt or truncated (GeoPackage, GeoTIFF, CSV,
    JSON), unknown format, unknown layer name. The message names the file."""

    exit_code = 1
    http_status = 422


class NotFoundError(MinettgeoError):
    """Something asked for does not exist: no results yet, a commune or feature not in them."""

    exit_code = 1
    http_status = 404


class LayerWriteError(MinettgeoError):
    """An output cannot be written (read-only filesystem, full disk, a folder under a regular
    file); nothing half-written is left behind and the previous results stay as they were."""

    exit_code = 1
    http_status = 503


class SourceDataError(MinettgeoError):
    """A real source file the sample builder needs is missing or does not have the expected shape."""

    exit_code = 1
    http_status = 422


class RegionError(MinettgeoError):
    """The configured region is not usable: unknown commune codes, empty selection."""

    exit_code = 1
    http_status = 422


class FactorError(MinettgeoError):
    """A factor is missing, implausible or a factor table (shipped or override) is malformed;
    names the table, the row and the file."""

    exit_code = 1
    http_status = 422


class ParameterError(MinettgeoError):
    """A parameter given by the user (CLI option, API query) is out of its allowed range: a
    usage error, named after the option."""

    exit_code = 2
    http_status = 400


class LandCarbonError(MinettgeoError):
    """Land-carbon input problem: a land-cover code missing from the carbon table, rasters on
    different grids, a malformed carbon table or sink-rule file."""

    exit_code = 1
    http_status = 422


class PolicyError(MinettgeoError):
    """A policy or scenario file is malformed or names what does not exist (field, line, ids)."""

    exit_code = 1
    http_status = 422


class ProductSchemaError(MinettgeoError):
    """A product file given to ``minettgeo import`` lacks a column its documented schema has
    (renamed or missing); names the file, the column, the columns found and the fix (the
    product's own name, or a ``--mapping`` file)."""

    exit_code = 1
    http_status = 422


class ProductCodeError(MinettgeoError):
    """A product file's column holds values outside the product's documented code list (e.g.
    a CORINE code that does not exist, a WorldCover class that is not one); names the file, the
    column, the values and the code list."""

    exit_code = 1
    http_status = 422


class ProductCRSError(MinettgeoError):
    """A product file has no coordinate reference system, or its coordinates cannot be in the
    one it declares (LUREF metres declared as degrees, a file elsewhere than Luxembourg); names
    the file, the CRS and the fix."""

    exit_code = 1
    http_status = 422


class ProductDuplicateError(MinettgeoError):
    """A product file lists one thing twice: two commune boundaries with the same LAU2 code, two
    population rows for the same commune and year; names the file, the code and the rows."""

    exit_code = 1
    http_status = 422


class PopulationTableError(MinettgeoError):
    """A population table (STATEC) does not give what ``minettgeo import act-communes`` needs:
    the year asked for is absent, a commune has no value for the year, or a value is not a
    count of residents; names the file, the row or commune and the fix (another year, the
    communes to keep)."""

    exit_code = 1
    http_status = 422


class OsmReadError(MinettgeoError):
    """An OpenStreetMap extract (``.osm.pbf``) cannot be read: truncated, corrupt or not PBF;
    names the file and the fix (download it again)."""

    exit_code = 1
    http_status = 422


class MappingFileError(MinettgeoError):
    """A column-mapping file for ``minettgeo import`` is malformed or names a source column the
    product file does not have; names the mapping file, the entry and the columns available."""

    exit_code = 1
    http_status = 422


class InternalError(MinettgeoError):
    """An unexpected failure (a bug in minettgeo, not a bad input): reported as one message that
    names the exception, never as a traceback."""

    exit_code = 1
    http_status = 500

    @classmethod
    def of(cls, exc: BaseException) -> InternalError:
        """Wrap an unexpected exception; files named by an OSError are kept in the message."""
        where = f"{exc.filename}: " if isinstance(exc, OSError) and exc.filename else ""
        return cls(
            f"{where}{type(exc).__name__}: {exc}; this is a bug in minettgeo or an unreadable "
            "file, please report it with the command line (MINETTGEO_DEBUG=1 shows the traceback)"
        )


class CandidatesError(MinettgeoError):
    """A candidates file for ``minettgeo rank`` is unusable: unreadable, not polygons, invalid
    or overlapping geometries, outside the region; names the file and the features."""

    exit_code = 1
    http_status = 422


class InfeasibleError(MinettgeoError):
    """The ranking or monitoring constraints leave no candidate or no portfolio that satisfies
    them (too few controls for the pilots, too few
    eligible candidates for ``--top``, per-commune limit, residents bounds, exclusions); names
    the constraint to relax."""

    exit_code = 1
    http_status = 422


class KpiError(MinettgeoError):
    """The KPI registry (shipped or a user's) is malformed: a missing column, a duplicate id, an
    unknown unit direction or level, a formula that is not a plain arithmetic expression or names
    a column the result layer does not have; names the file, the row and the column."""

    exit_code = 1
    http_status = 422


class ObservedValuesError(MinettgeoError):
    """An observed-values CSV is unusable: missing or extra columns, an unknown KPI id, a unit or
    level that does not match the registry, a non-finite value, a year out of range or in the
    future, a duplicate (kpi, level, area, year); names the file, the row and the column."""

    exit_code = 1
    http_status = 422


class BudgetError(MinettgeoError):
    """A budget or resources CSV is unusable: missing columns, an unknown commune or measure, a
    negative or non-finite amount, spending recorded for a future year; names the file, the row
    and the column."""

    exit_code = 1
    http_status = 422


class MonitoringError(MinettgeoError):
    """Test-district monitoring cannot proceed: a pilot without the values controls are matched
    on, a controls record that is missing, malformed or does not match the observed values, an
    observed-values file without the pilot's or the controls' KPI; names the option, file and
    row."""

    exit_code = 1
    http_status = 422


class RecordExistsError(MinettgeoError):
    """A fixed record would be overwritten (the controls of a pilot are fixed when the pilot is
    chosen); names the file and ``--force``."""

    exit_code = 1
    http_status = 409


class SchedulerError(MinettgeoError):
    """``minettgeo run --scheduler ADDRESS``: no dask scheduler answers at the address (wrong
    host or port, not started, unreachable); nothing is computed or written."""

    exit_code = 1
    http_status = 503
