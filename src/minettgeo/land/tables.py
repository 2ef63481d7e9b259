"""Land-carbon tables: carbon pools (InVEST format), removal rates, sink measures and rules.

``carbon_pools.csv`` is exactly InVEST's carbon table (``lucode, c_above, c_below, c_soil,
c_dead`` in t C/ha, column case ignored, extra columns allowed), so a user can pass an InVEST
table unchanged and ours works in InVEST. Every table is recorded in the provenance with its hash.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from minettgeo.errors import LandCarbonError

CARBON_SET_VERSION = "minettgeo-carbon-2026.1"
DATA = resources.files("minettgeo.land") / "data"
POOLS = ("above", "below", "soil", "dead")
#: t CO2 per t C
CO2_PER_C = 44.0 / 12.0


@dataclass(frozen=True)
class CarbonTables:
    """Carbon pools by land-cover code, removal rates, sink measures and rules."""

    pools: pd.DataFrame  # index lucode; columns above, below, soil, dead (t C/ha)
    removal: pd.DataFrame  # lucode, age_min, age_max, pool, value (t C/(ha a))
    measures: Mapping[str, Mapping[str, float]]  # measure -> parameter -> value
    rules: pd.DataFrame  # one row per measure
    sources: Mapping[str, str]  # table -> path or 'minettgeo'
    hashes: Mapping[str, str]

    def check_codes(self, codes: Iterable[int], where: str) -> None:
        """LandCarbonError naming every land-cover code that has no carbon-pool row."""
        missing = sorted({int(c) for c in codes} - {int(c) for c in self.pools.index})
        if missing:
            raise LandCarbonError(
                f"land-cover code(s) {', '.join(map(str, missing))} in {where} have no row in the carbon table "
                f"({self.sources['carbon_pools']}); add rows 'lucode,c_above,c_below,c_soil,c_dead' for them"
            )

    def stock_per_ha(self, pool: str | None = None) -> pd.Series:
        """t C/ha by code, for one pool or all four summed."""
        return self.pools[list(POOLS)].sum(axis=1) if pool is None else self.pools[pool]

    def provenance(self) -> dict[str, object]:
        return {
            "carbon_set": CARBON_SET_VERSION,
            "carbon_tables": dict(self.sources),
            "carbon_sha256": dict(self.hashes),
        }


def _read(name: str, override: Path | None) -> tuple[pd.DataFrame, str, str]:
    if override is not None:
        if not Path(override).exists():
            raise LandCarbonError(f"{override}: no such file")
        data = Path(override).read_bytes()
        try:
            frame = pd.read_csv(override)
        except (UnicodeDecodeError, ValueError, pd.errors.ParserError) as exc:
            reason = "the file is empty" if not data else f"{type(exc).__name__}: {exc}"
            raise LandCarbonError(
                f"{override}: not a readable CSV table ({reason}); it must be UTF-8 text with a "
                f"header line, like the shipped {name}.csv"
            ) from exc
        return frame, str(override), hashlib.sha256(data).hexdigest()
    with resources.as_file(DATA / f"{name}.csv") as path:
        data = path.read_bytes()
        return pd.read_csv(path), f"minettgeo ({name}.csv)", hashlib.sha256(data).hexdigest()


def read_carbon_pools(frame: pd.DataFrame, origin: str) -> pd.DataFrame:
    """An InVEST carbon table as pools indexed by lucode (t C/ha)."""
    cols = {c.lower().strip(): c for c in frame.columns}
    needed = ["lucode", "c_above", "c_below", "c_soil", "c_dead"]
    missing = [c for c in needed if c not in cols]
    if missing:
        raise LandCarbonError(
            f"carbon table {origin} lacks column(s) {', '.join(missing)}; it needs InVEST's columns "
            "lucode, c_above, c_below, c_soil, c_dead (t C/ha)"
        )
    out = pd.DataFrame({p: pd.to_numeric(frame[cols[f"c_{p}"]], errors="coerce") for p in POOLS})
    out.index = pd.to_numeric(frame[cols["lucode"]], errors="coerce")
    bad = out.isna().any(axis=1) | pd.isna(out.index) | (out < 0).any(axis=1)
    if bad.any():
        rows = ", ".join(str(i + 2) for i in np.flatnonzero(bad.to_numpy())[:5])
        raise LandCarbonError(
            f"carbon table {origin}: missing, non-numeric or negative values on line(s) {rows}"
        )
    out.index = out.index.astype(np.int64)
    if out.index.duplicated().any():
        dup = sorted(set(out.index[out.index.duplicated()].tolist()))
        raise LandCarbonError(f"carbon table {origin}: lucode(s) {dup} appear more than once")
    out.index.name = "lucode"
    return out


def load_carbon_tables(carbon_table: Path | None = None, rules: Path | None = None) -> CarbonTables:
    """The shipped tables (or the user's carbon table / sink rules in their place)."""
    pools_raw, pools_src, pools_hash = _read("carbon_pools", carbon_table)
    pools = read_carbon_pools(pools_raw, pools_src)
    removal, rem_src, rem_hash = _read("removal_rates", None)
    measures_raw, m_src, m_hash = _read("sink_measures", None)
    rules_raw, r_src, r_hash = _read("sink_rules", rules)
    for col in ("measure", "from_codes", "zoning", "protected", "min_patch_ha", "share", "basis"):
        if col not in rules_raw.columns:
            raise LandCarbonError(f"sink rules {r_src} lack column '{col}'")
    measures: dict[str, dict[str, float]] = {}
    for row in measures_raw.to_dict("records"):
        measures.setdefault(str(row["measure"]), {})[str(row["parameter"])] = float(row["value"])
    unknown = sorted(set(rules_raw["measure"]) - set(measures))
    if unknown:
        raise LandCarbonError(
            f"sink rules {r_src}: no parameters for measure(s) {unknown} in sink_measures.csv"
        )
    return CarbonTables(
        pools=pools,
        removal=removal,
        measures=measures,
        rules=rules_raw,
        sources={
            "carbon_pools": pools_src,
            "removal_rates": rem_src,
            "sink_measures": m_src,
            "sink_rules": r_src,
        },
        hashes={
            "carbon_pools": pools_hash,
            "removal_rates": rem_hash,
            "sink_measures": m_hash,
            "sink_rules": r_hash,
        },
    )


def sealed_shares() -> dict[int, float]:
    """Sealed share of each urban land-cover class (``sealed_shares.csv``)."""
    with resources.as_file(DATA / "sealed_shares.csv") as path:
        table = pd.read_csv(path)
    return {int(r["lucode"]): float(r["sealed_share"]) for r in table.to_dict("records")}
