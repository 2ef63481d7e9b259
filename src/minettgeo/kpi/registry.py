"""The KPI registry: one row per indicator in ``data/kpis.csv`` (or a user's CSV of the same
shape). Users add an indicator by adding a row.

Columns: ``id, name_fr, name_en, unit, better (lower|higher), layer (buildings|districts|
communes, blank = observed only), numerator, denominator (blank = 1), scale, levels
(';'-separated commune|district|test_district|region), sector (GPC sector or working group),
trajectory (the trajectory column I..V, gross or net that the KPI follows, blank = none),
versus (the id of the KPI this one is shown against, e.g. installed vs potential), source,
frequency, note``.

Value of a KPI over an area A (a district, commune, test district or the region)::

    KPI(A) = scale x sum over the features f of A of numerator(f)
                   / sum over the features f of A of denominator(f)

so the region's value is the ratio of the communes' sums (a weighted mean of the communes'
values, weights = their denominators), never a mean of ratios.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from minettgeo.errors import KpiError
from minettgeo.kpi.formula import FormulaError, formula_columns

DATA = resources.files("minettgeo.kpi") / "data"
COLUMNS = (
    "id",
    "name_fr",
    "name_en",
    "unit",
    "better",
    "layer",
    "numerator",
    "denominator",
    "scale",
    "levels",
    "sector",
    "trajectory",
    "versus",
    "source",
    "frequency",
    "note",
)
LEVELS = ("commune", "district", "test_district", "region")
LAYERS = ("buildings", "districts", "communes")
#: the levels a layer's features can be summed to (communes cannot be split into districts)
LAYER_LEVELS = {
    "buildings": LEVELS,
    "districts": LEVELS,
    "communes": ("commune", "region"),
}
TRAJECTORY_COLUMNS = ("I", "II", "III", "IV", "V", "gross", "net")
REQUIRED = ("id", "name_fr", "name_en", "unit", "better", "levels", "source")


@dataclass(frozen=True)
class Kpi:
    """One indicator of the registry."""

    id: str
    name_fr: str
    name_en: str
    unit: str
    better: str  # "lower" or "higher"
    layer: str  # "" for an observed-only indicator
    numerator: str
    denominator: str  # "" = 1
    scale: float
    levels: tuple[str, ...]
    sector: str
    trajectory: str
    versus: str
    source: str
    frequency: str
    note: str

    @property
    def modelled(self) -> bool:
        """True when the results give a modelled value (a layer and a numerator)."""
        return bool(self.layer and self.numerator)

    def name(self, lang: str) -> str:
        return self.name_fr if lang == "fr" else self.name_en


@dataclass(frozen=True)
class Registry:
    """The indicators by id, in file order, and the file they came from."""

    kpis: Mapping[str, Kpi]
    origin: str

    def __iter__(self) -> Iterator[Kpi]:
        return iter(self.kpis.values())

    def __len__(self) -> int:
        return len(self.kpis)

    def __contains__(self, kpi_id: object) -> bool:
        return kpi_id in self.kpis

    def __getitem__(self, kpi_id: str) -> Kpi:
        return self.kpis[kpi_id]

    def table(self) -> pd.DataFrame:
        """The registry as a table (one row per KPI, :data:`COLUMNS`)."""
        rows = [{**k.__dict__, "levels": ";".join(k.levels)} for k in self]
        return pd.DataFrame(rows, columns=list(COLUMNS))


def default_registry_path() -> Path:
    with resources.as_file(DATA / "kpis.csv") as path:
        return Path(path)


def load_registry(path: Path | None = None) -> Registry:
    """The registry of ``path`` (default: the shipped ``kpis.csv``), every row checked; KpiError
    naming the file, the line and the column of the first problem of each kind."""
    path = Path(path) if path is not None else default_registry_path()
    origin = str(path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, UnicodeDecodeError, ValueError, pd.errors.ParserError) as exc:
        raise KpiError(
            f"{origin}: not a readable KPI registry ({str(exc).strip().splitlines()[0]}); it must "
            f"be a UTF-8 CSV with the header {','.join(COLUMNS)}"
        ) from exc
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise KpiError(
            f"{origin}: lacks column(s) {', '.join(missing)}; a KPI registry has the columns "
            f"{','.join(COLUMNS)} (see docs/kpis.md)"
        )
    frame = frame.apply(lambda col: col.str.strip())
    kpis: dict[str, Kpi] = {}
    for i, row in enumerate(frame.to_dict("records")):
        kpi = _kpi(row, f"{origin} line {i + 2}")
        if kpi.id in kpis:
            raise KpiError(f"{origin} line {i + 2}, column id: KPI {kpi.id!r} is defined twice")
        kpis[kpi.id] = kpi
    for i, kpi in enumerate(kpis.values()):
        if kpi.versus and kpi.versus not in kpis:
            raise KpiError(
                f"{origin} line {i + 2}, column versus: {kpi.versus!r} is not a KPI id of the "
                "registry; give the id of the KPI this one is shown against, or leave it blank"
            )
    if not kpis:
        raise KpiError(f"{origin}: the registry has no KPI rows")
    return Registry(kpis=kpis, origin=origin)


def _kpi(row: Mapping[str, str], where: str) -> Kpi:
    for col in REQUIRED:
        if not row[col]:
            raise KpiError(f"{where}, column {col}: empty; every KPI needs {', '.join(REQUIRED)}")
    if not row["id"].replace("_", "").isalnum() or not row["id"].isascii():
        raise KpiError(
            f"{where}, column id: {row['id']!r} must be ASCII letters, digits and '_' only"
        )
    if row["better"] not in ("lower", "higher"):
        raise KpiError(f"{where}, column better: {row['better']!r} must be 'lower' or 'higher'")
    levels = tuple(x.strip() for x in row["levels"].split(";") if x.strip())
    bad = [x for x in levels if x not in LEVELS]
    if bad or not levels:
        raise KpiError(
            f"{where}, column levels: {row['levels']!r}; give ';'-separated levels out of "
            f"{', '.join(LEVELS)}"
        )
    layer, numerator = row["layer"], row["numerator"]
    if bool(layer) != bool(numerator):
        raise KpiError(
            f"{where}, columns layer and numerator: give both (a modelled KPI) or neither (a KPI "
            "recorded by observed values only)"
        )
    if layer:
        if layer not in LAYERS:
            raise KpiError(f"{where}, column layer: {layer!r} is not one of {', '.join(LAYERS)}")
        beyond = [x for x in levels if x not in LAYER_LEVELS[layer]]
        if beyond:
            raise KpiError(
                f"{where}, column levels: the {layer} layer cannot give level(s) "
                f"{', '.join(beyond)}; use the districts or buildings layer"
            )
        for col in ("numerator", "denominator"):
            if row[col]:
                try:
                    formula_columns(row[col])
                except FormulaError as exc:
                    raise KpiError(f"{where}, column {col}: {exc}") from exc
    try:
        scale = float(row["scale"]) if row["scale"] else 1.0
    except ValueError:
        scale = float("nan")
    if not np.isfinite(scale) or scale == 0:
        raise KpiError(f"{where}, column scale: {row['scale']!r} must be a finite non-zero number")
    if row["trajectory"] and row["trajectory"] not in TRAJECTORY_COLUMNS:
        raise KpiError(
            f"{where}, column trajectory: {row['trajectory']!r} is not a trajectory column "
            f"({', '.join(TRAJECTORY_COLUMNS)}); leave it blank when the KPI has no trajectory"
        )
    return Kpi(
        id=row["id"],
        name_fr=row["name_fr"],
        name_en=row["name_en"],
        unit=row["unit"],
        better=row["better"],
        layer=layer,
        numerator=numerator,
        denominator=row["denominator"],
        scale=scale,
        levels=levels,
        sector=row["sector"],
        trajectory=row["trajectory"],
        versus=row["versus"],
        source=row["source"],
        frequency=row["frequency"],
        note=row["note"],
    )
