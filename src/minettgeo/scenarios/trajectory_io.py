"""Inputs and outputs of ``minettgeo trajectory``: the current inventory of a results folder,
the 2005 baseline, and the CSV / JSON / SVG written as one unit (staged, then moved into place).

I/O lives here; the trajectory itself (:mod:`trajectory`) is pure."""

from __future__ import annotations

import html
import json
import math
import shutil
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from minettgeo import __version__
from minettgeo.errors import LayerWriteError, PolicyError
from minettgeo.factors.tables import FactorSet
from minettgeo.land.tables import load_carbon_tables
from minettgeo.layers.region import RegionLayers
from minettgeo.results.reader import open_results
from minettgeo.scenarios import backcast as bc
from minettgeo.scenarios import baseline as bl
from minettgeo.scenarios import baseline_draws as bd
from minettgeo.scenarios import effects as fx
from minettgeo.scenarios import target_band as tb
from minettgeo.scenarios.baseline_table import read_baseline_table
from minettgeo.scenarios.policy import FIRST_YEAR
from minettgeo.scenarios.resources import resource_table
from minettgeo.scenarios.scenario import INVENTORY_YEAR, Scenario
from minettgeo.scenarios.trajectory import COLUMNS, Trajectory, compute_trajectory, long_table

FILES = {
    "csv": "trajectory.csv",
    "json": "trajectory.json",
    "svg": "trajectory.svg",
    "resources": "resources.csv",
}


@dataclass(frozen=True)
class Inventory:
    """The current inventory of a run: rows (lau2, code, co2e_t), residents and names."""

    rows: pd.DataFrame
    population: dict[str, float]
    names: dict[str, str]
    run_dir: Path


def load_inventory(results: Path) -> Inventory:
    """The inventory of a results folder (following ``current``) or of a run folder, read
    through :func:`minettgeo.results.reader.open_results`."""
    run = open_results(Path(results))
    return Inventory(
        rows=bl.current_rows(run.inventory()),
        population=run.commune_population(),
        names=run.level_names(),
        run_dir=run.run_dir,
    )


def check_same_region(inventory: Inventory, region: RegionLayers) -> None:
    layers = set(region.communes["lau2"].astype(str))
    inv = set(inventory.rows["lau2"])
    if layers != inv:
        raise PolicyError(
            f"the inventory of {inventory.run_dir} covers communes {', '.join(sorted(inv))} but "
            f"the layers hold {', '.join(sorted(layers))}: pass the --layers the run was made from"
        )


def baseline_for(
    scenario: Scenario,
    region: RegionLayers,
    factors: FactorSet,
    inventory: Inventory,
    table: Path | None = None,
    *,
    draws: int = 0,
    seed: int = 2028,
) -> bl.Baseline:
    """The user's table (option or scenario) when given, else the back-cast; with ``draws``
    > 0 also its rows per draw (:mod:`baseline_draws`: a table without low/high stays exact)."""
    path = table or scenario.baseline_table
    if path is not None:
        user = read_baseline_table(path, sorted(inventory.population))
        return bd.table_draws(user, draws=draws, seed=seed) if draws > 0 else user
    assumptions = bl.load_assumptions(scenario.assumptions) if scenario.assumptions else None
    central = bc.backcast(
        region,
        factors,
        inventory.rows,
        inventory.population,
        assumptions=assumptions,
        origin=str(scenario.assumptions or "minettgeo (backcast_2005.csv)"),
    )
    if draws <= 0:
        return central
    return bd.backcast_draws(
        central, region, factors, inventory.rows, inventory.population, draws=draws, seed=seed
    )


def run_trajectory(
    scenario: Scenario,
    region: RegionLayers,
    factors: FactorSet,
    inventory: Inventory,
    *,
    draws: int,
    seed: int,
    baseline_table: Path | None = None,
) -> Trajectory:
    check_same_region(inventory, region)
    b05 = baseline_for(scenario, region, factors, inventory, baseline_table, draws=draws, seed=seed)
    ctx = fx.make_context(
        factors,
        region.buildings,
        region.parcels,
        region.roads,
        load_carbon_tables(),
        draws=draws,
        seed=seed,
        districts=region.districts,
    )
    t = compute_trajectory(scenario, ctx, inventory.rows, b05, inventory.names, seed=seed)
    prov = {
        "minettgeo": __version__,
        **factors.provenance(),
        "inventory": str(inventory.run_dir),
        "inventory_year": INVENTORY_YEAR,
        "draws": draws,
        "seed": seed,
        "scenario": scenario.origin,
        "scenario_sha256": scenario.sha256,
        "date": datetime.now(UTC).replace(microsecond=0).isoformat(),
    }
    return Trajectory(**{**t.__dict__, "provenance": prov})


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return list(json.loads(frame.to_json(orient="records")))


def document(t: Trajectory) -> dict[str, Any]:
    """The JSON document of a trajectory (everything but the per-year table, which is the CSV;
    the region's central path is included)."""
    ri = len(t.levels) - 1
    region = {
        col: {
            "baseline": t.baseline[ri, k, 0].round(3).tolist(),
            "scenario": t.values[ri, k, 0].round(3).tolist(),
        }
        for k, col in enumerate(COLUMNS)
        if col in ("gross", "V", "net")
    }
    return {
        "title": t.scenario.title,
        "title_en": t.scenario.title_en,
        "years": t.years.tolist(),
        "baseline_2005": {
            **t.baseline_2005.describe(),
            "rows": _records(t.baseline_2005.rows),
            "interval": _records(
                tb.baseline_interval(t.values[:, :, :, 0], t.levels, t.names, COLUMNS)
            ),
        },
        "targets": {
            "2030": "gross emissions (BASIC, sinks apart) at most 45 % of 2005",
            "2050": "net zero: gross emissions plus sinks at most 0",
        },
        "target_band": {
            "region_2030_tco2e": {
                "central": float(t.milestones["target_2030_tco2e"].iloc[ri]),
                "p05": float(t.milestones["target_2030_p05"].iloc[ri]),
                "p50": float(t.milestones["target_2030_p50"].iloc[ri]),
                "p95": float(t.milestones["target_2030_p95"].iloc[ri]),
            },
            "region_2050_tco2e": {"central": 0.0, "p05": 0.0, "p50": 0.0, "p95": 0.0},
            "p_minus55_basis": tb.BASIS["draws" if t.values.shape[2] > 1 else "central"],
            "labels": tb.LABELS,
            "formula": "target(d) = 0.45 x B05(d); P(-55 %) = share of draws d with "
            "gross(d, 2030) <= target(d); 2050: net <= 0 (no baseline)",
        },
        "milestones": _records(t.milestones),
        "region": region,
        "mac": _records(t.mac),
        "cheapest_set": dict(t.cheapest),
        "wedges": _records(t.wedges[t.wedges["year"].isin([2030, 2040, 2050])])
        if len(t.wedges)
        else [],
        "notes": {
            "en": "2005-2024: straight line between the 2005 baseline and the inventory (no "
            "modelled history); band: 5th-95th percentile of the draws of the factors, the "
            "background paths and the measures' parameters.",
            "fr": "2005-2024 : droite entre la référence 2005 et l'inventaire (pas d'historique "
            "modélisé) ; bande : 5e-95e centile des tirages des facteurs, des trajectoires de "
            "contexte et des paramètres des mesures.",
        },
        "provenance": dict(t.provenance),
    }


def level_bands(t: Trajectory) -> list[dict[str, Any]]:
    """Per level: gross and net per year, central value and 90 % band (for the API)."""
    draws = t.values[:, :, 1:] if t.values.shape[2] > 1 else t.values
    p05, p95 = np.percentile(draws, [5, 95], axis=2)
    out = []
    for i, level in enumerate(t.levels):
        item: dict[str, Any] = {"level": level, "name": t.names.get(level, level)}
        for col in ("gross", "net"):
            k = COLUMNS.index(col)
            item[col] = {
                "central": t.values[i, k, 0].round(3).tolist(),
                "p05": p05[i, k].round(3).tolist(),
                "p95": p95[i, k].round(3).tolist(),
            }
        out.append(item)
    return out


def svg_chart(t: Trajectory, lang: str = "en") -> str:
    """The region's gross emissions, scenario band and baseline, with the milestones (SVG)."""
    ri = len(t.levels) - 1
    gi, vi = COLUMNS.index("gross"), COLUMNS.index("V")
    years = t.years
    draws = t.values[ri, gi, 1:] if t.values.shape[2] > 1 else t.values[ri, gi]
    lo, hi = np.percentile(draws, [5, 95], axis=0)
    central = t.values[ri, gi, 0]
    base = t.baseline[ri, gi, 0]
    sinks = t.values[ri, vi, 0]
    b05 = float(t.milestones["gross_2005_tco2e"].iloc[ri])
    top = max(float(hi.max()), float(base.max()), b05, 1.0) * 1.08
    bottom = min(float(sinks.min()), 0.0) * 1.08
    w, h, ml, mr, mt, mb = 720, 400, 70, 20, 40, 40

    def x(y: float) -> float:
        return ml + (y - FIRST_YEAR) / (years[-1] - FIRST_YEAR) * (w - ml - mr)

    def yv(v: float) -> float:
        return mt + (top - v) / (top - bottom) * (h - mt - mb)

    def line(values: np.ndarray) -> str:
        return " ".join(
            f"{x(a):.1f},{yv(float(b)):.1f}" for a, b in zip(years, values, strict=True)
        )

    band = (
        line(hi)
        + " "
        + " ".join(
            f"{x(a):.1f},{yv(float(b)):.1f}" for a, b in zip(years[::-1], lo[::-1], strict=True)
        )
    )
    labels = {
        "en": (
            "Region: gross emissions (t CO2e/a)",
            "scenario",
            "90 % band",
            "baseline",
            "sinks",
            "-55 % target 2030",
            "target 90 % interval (2005 baseline)",
        ),
        "fr": (
            "Région : émissions brutes (t CO2e/a)",
            "scénario",
            "bande 90 %",
            "tendance",
            "puits",
            "objectif -55 % 2030",
            "intervalle 90 % de l'objectif (référence 2005)",
        ),
    }[lang]
    title = html.escape(f"{t.scenario.title if lang == 'fr' else t.scenario.title_en}")
    ticks = []
    step = 10 ** max(int(math.log10(max(top - bottom, 1.0))) - 0, 0) / 2
    v = math.ceil(bottom / step) * step
    while v <= top:
        ticks.append(
            f'<line x1="{ml}" x2="{w - mr}" y1="{yv(v):.1f}" y2="{yv(v):.1f}" stroke="#ddd"/>'
            f'<text x="{ml - 4}" y="{yv(v) + 4:.1f}" text-anchor="end" font-size="10">{v:,.0f}</text>'
        )
        v += step
    for yr in range(FIRST_YEAR, int(years[-1]) + 1, 5):
        ticks.append(
            f'<text x="{x(yr):.1f}" y="{h - mb + 14}" text-anchor="middle" font-size="10">{yr}</text>'
        )
    target = float(tb.target_2030(np.array(b05)))
    t_lo = float(t.milestones["target_2030_p05"].iloc[ri])
    t_hi = float(t.milestones["target_2030_p95"].iloc[ri])
    p55 = float(t.milestones["p_minus55_2030"].iloc[ri])
    target_bar = (
        f'<line x1="{x(2030):.1f}" x2="{x(2030):.1f}" y1="{yv(t_hi):.1f}" y2="{yv(t_lo):.1f}" '
        f'stroke="#d7301f" stroke-width="3" opacity="0.6"><title>{html.escape(labels[6])}: '
        f"{t_lo:,.0f} - {t_hi:,.0f}</title></line>"
    )
    p_label = html.escape(f"P(-55 %) = {p55:.0%}")
    return f"""<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="sans-serif">
<title>{title}</title>
<text x="{ml}" y="16" font-size="13" font-weight="bold">{title}</text>
<text x="{ml}" y="32" font-size="11">{html.escape(labels[0])}</text>
{"".join(ticks)}
<line x1="{ml}" x2="{w - mr}" y1="{yv(0):.1f}" y2="{yv(0):.1f}" stroke="#000"/>
<polygon points="{band}" fill="#9ecae1" opacity="0.6"><title>{labels[2]}</title></polygon>
<polyline points="{line(base)}" fill="none" stroke="#888" stroke-dasharray="5,3"><title>{labels[3]}</title></polyline>
<polyline points="{line(central)}" fill="none" stroke="#08519c" stroke-width="2"><title>{labels[1]}</title></polyline>
<polyline points="{line(sinks)}" fill="none" stroke="#238b45"><title>{labels[4]}</title></polyline>
{target_bar}
<circle cx="{x(2030):.1f}" cy="{yv(target):.1f}" r="5" fill="#d7301f"><title>{labels[5]}: {target:,.0f}</title></circle>
<text x="{x(2030) + 8:.1f}" y="{yv(target) + 4:.1f}" font-size="10" fill="#d7301f">{p_label}</text>
<g font-size="10"><text x="{w - mr - 160}" y="50" fill="#08519c">— {labels[1]}</text>
<text x="{w - mr - 160}" y="64" fill="#888">- - {labels[3]}</text>
<text x="{w - mr - 160}" y="78" fill="#238b45">— {labels[4]}</text>
<text x="{w - mr - 160}" y="92" fill="#d7301f">● {labels[5]}</text>
<text x="{w - mr - 160}" y="106" fill="#d7301f">| {html.escape(labels[6])}</text></g>
</svg>
"""


def write_unit(
    out_dir: Path,
    files: Mapping[str, str | bytes],
    what: str,
    finish: Callable[[Path], object] | None = None,
) -> list[Path]:
    """Write ``files`` (name -> text or bytes) into ``out_dir`` as one unit: staged beside it,
    ``finish(staging folder)`` run on the staged files (e.g. a datapackage.json), then moved
    into place; a failure leaves the previous output untouched and nothing half-written."""
    out_dir = Path(out_dir)
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.staging-", dir=out_dir.parent))
    except OSError as exc:
        raise LayerWriteError(f"{out_dir}: cannot write the {what} here ({exc.strerror})") from exc
    try:
        for name, text in files.items():
            if isinstance(text, bytes):
                (staging / name).write_bytes(text)
            else:
                (staging / name).write_text(text, encoding="utf-8")
        if finish is not None:
            finish(staging)
        old = None
        if out_dir.exists():
            old = out_dir.with_name(f".{out_dir.name}.old-{staging.name[-8:]}")
            out_dir.rename(old)
        staging.rename(out_dir)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise LayerWriteError(
            f"{out_dir}: the {what} could not be written ({exc.strerror}); nothing changed"
        ) from exc
    return [out_dir / n for n in files]


def write_trajectory(t: Trajectory, out_dir: Path) -> list[Path]:
    """Write trajectory.csv, trajectory.json, resources.csv (per measure, commune and year:
    :func:`minettgeo.scenarios.resources.resource_table`) and the charts (English and French SVG) into
    ``out_dir`` as one unit."""
    files = {
        FILES["csv"]: long_table(t).to_csv(index=False, float_format="%.6g"),
        FILES["json"]: json.dumps(document(t), indent=1, ensure_ascii=False, default=str),
        FILES["svg"]: svg_chart(t, "en"),
        FILES["resources"]: resource_table(t).to_csv(index=False, float_format="%.6g"),
        "trajectory_fr.svg": svg_chart(t, "fr"),
    }
    return write_unit(out_dir, files, "trajectory")
