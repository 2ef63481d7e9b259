"""``minettgeo check-policy``: load the region and factors, check a decision, write its note.

I/O lives here; the check itself (:mod:`check`) is pure."""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from minettgeo import __version__
from minettgeo.errors import LayerWriteError
from minettgeo.factors.tables import load_factor_set
from minettgeo.land.tables import load_carbon_tables
from minettgeo.layers.region import RegionLayers, load_region
from minettgeo.scenarios import effects as fx
from minettgeo.scenarios.check import CheckResult, check_policy
from minettgeo.scenarios.note import check_document, render_note
from minettgeo.scenarios.policy import Policy

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
    out_dir = Path(out_dir)
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.staging-", dir=out_dir.parent))
    except OSError as exc:
        raise LayerWriteError(
            f"{out_dir}: cannot write the policy check here ({exc.strerror})"
        ) from exc
    try:
        (staging / NOTE_FILES["json"]).write_text(
            json.dumps(doc, indent=1, ensure_ascii=False, default=str), encoding="utf-8"
        )
        for lang in ("fr", "en"):
            (staging / NOTE_FILES[lang]).write_text(render_note(doc, lang), encoding="utf-8")
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
            f"{out_dir}: the policy check could not be written ({exc.strerror}); nothing changed"
        ) from exc
    return [out_dir / name for name in NOTE_FILES.values()]
