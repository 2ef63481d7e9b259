"""``minettgeo check-policy``: load the region and factors, check a decision, write its note.

I/O lives here; the check itself (:mod:`check`) is pure."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from minettgeo import __version__
from minettgeo.factors.tables import load_factor_set
from minettgeo.land.tables import load_carbon_tables
from minettgeo.layers.region import RegionLayers, load_region
from minettgeo.scenarios import effects as fx
from minettgeo.scenarios.check import CheckResult, check_policy
from minettgeo.scenarios.note import check_document, render_note
from minettgeo.scenarios.policy import Policy
from minettgeo.scenarios.trajectory_io import write_unit

NOTE_FILES = {"json": "check.json", "fr": "note_fr.html", "en": "note_en.html"}


@dataclass(frozen=True)
class CheckOptions:
    draws: int = 1000
    seed: int = 2028
    gwp_set: str = "AR5"
    overrides: tuple[Path, ...] = ()


def context_for(region: RegionLayers, options: CheckOptions) -> fx.Context:
    """The check's context on a loaded region (factors, their draws, background paths)."""
    factors = load_factor_set(options.gwp_set, options.overrides)
    return fx.make_context(
        factors,
        region.buildings,
        region.parcels,
        region.roads,
        load_carbon_tables(),
        draws=options.draws,
        seed=options.seed,
        districts=region.districts,
    )


def provenance_of(ctx: fx.Context, options: CheckOptions, date: datetime) -> dict[str, Any]:
    return {
        "minettgeo": __version__,
        **ctx.factors.provenance(),
        "draws": options.draws,
        "seed": options.seed,
        "base_year": fx.BASE_YEAR,
        "date": date.replace(microsecond=0).isoformat(),
    }


def check_and_document(
    policy: Policy, ctx: fx.Context, options: CheckOptions, date: datetime | None = None
) -> tuple[CheckResult, dict[str, Any]]:
    result = check_policy(policy, ctx)
    return result, check_document(result, provenance_of(ctx, options, date or datetime.now(UTC)))


def load_check_region(layers_dir: Path) -> RegionLayers:
    return load_region(Path(layers_dir))


def write_check(doc: dict[str, Any], out_dir: Path) -> list[Path]:
    """Write check.json and the French and English notes into ``out_dir`` as one unit: staged
    beside it, then moved into place (a failure leaves the previous check untouched)."""
    files = {NOTE_FILES["json"]: json.dumps(doc, indent=1, ensure_ascii=False, default=str)}
    files |= {NOTE_FILES[lang]: render_note(doc, lang) for lang in ("fr", "en")}
    return write_unit(out_dir, files, "policy check")


class Engine:
    """The region, factors and Monte Carlo context the API's policy routes compute on, loaded
    once per layers folder and number of draws (thread-safe)."""

    def __init__(self, layers_dir: Path, *, gwp_set: str = "AR5") -> None:
        import threading

        self.layers_dir = Path(layers_dir)
        self.gwp_set = gwp_set
        self._lock = threading.Lock()
        self._region: RegionLayers | None = None
        self._contexts: dict[tuple[int, int], fx.Context] = {}

    def region(self) -> RegionLayers:
        with self._lock:
            if self._region is None:
                self._region = load_region(self.layers_dir)
            return self._region

    def context(self, draws: int, seed: int) -> fx.Context:
        region = self.region()
        key = (draws, seed)
        with self._lock:
            if key not in self._contexts:
                if len(self._contexts) >= 4:
                    self._contexts.pop(next(iter(self._contexts)))
                self._contexts[key] = context_for(
                    region, CheckOptions(draws=draws, seed=seed, gwp_set=self.gwp_set)
                )
            return self._contexts[key]

    def check(self, text: str, *, draws: int, seed: int) -> dict[str, Any]:
        """The check document of a policy given as YAML or JSON text (PolicyError naming the
        field and line when it is malformed)."""
        from minettgeo.scenarios.policy import parse_policy

        policy = parse_policy(text, "request body")
        ctx = self.context(draws, seed)
        _, doc = check_and_document(policy, ctx, CheckOptions(draws=draws, seed=seed))
        return doc

    def trajectory(self, text: str, results_dir: Path, *, draws: int, seed: int) -> dict[str, Any]:
        """The trajectory document of a scenario given as text, on the current inventory of
        ``results_dir`` (the 2005 baseline is the back-cast: file paths are refused)."""
        from minettgeo.scenarios import trajectory_io as tio
        from minettgeo.scenarios.scenario import parse_scenario
        from minettgeo.scenarios.trajectory import compute_trajectory

        scenario = parse_scenario(text, "request body", files=False)
        inventory = tio.load_inventory(results_dir)
        region = self.region()
        tio.check_same_region(inventory, region)
        ctx = self.context(draws, seed)
        b05 = tio.baseline_for(scenario, region, ctx.factors, inventory, draws=draws, seed=seed)
        t = compute_trajectory(scenario, ctx, inventory.rows, b05, inventory.names, seed=seed)
        doc = tio.document(t)
        doc["levels"] = tio.level_bands(t)
        return doc
