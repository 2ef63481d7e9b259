"""Land-carbon tables: carbon pools (InVEST format), removal rates, IPCC land categories,
urban-tree rates, sink measures, rules and the working group's sink assumptions.

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
from numpy.typing import NDArray

from minettgeo.errors import LandCarbonError

CARBON_SET_VERSION = "minettgeo-carbon-2026.2"
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
    categories: pd.DataFrame  # index lucode; ipcc_category, biomass_after ('zero' | 'stock')
    urban_trees: pd.DataFrame  # as removal: optional gross urban-tree growth (Tier 2a)
    pool_ranges: pd.DataFrame  # lucode, pool, value, low, high (t C/ha)
    measure_ranges: pd.DataFrame  # measure, parameter, value, low, high
    assumptions: pd.DataFrame  # index measure; category, uptake_central, uptake_upper, ...
    soil_years: float  # IPCC default soil transition period D (years)

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

    def category(self, lucode: NDArray[np.int64]) -> NDArray[np.object_]:
        """IPCC land category of each code ('other' for codes without a row)."""
        cats = self.categories["ipcc_category"].reindex(np.asarray(lucode)).fillna("other")
        return cats.to_numpy(dtype=object)

    def provenance(self) -> dict[str, object]:
        return {
            "carbon_set": CARBON_SET_VERSION,
            "carbon_tables": dict(self.sources),
            "carbon_sha256": dict(self.hashes),
            "sink_assumptions": self.assumptions.reset_index().to_dict("records"),
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


def load_carbon_tables(
    carbon_table: Path | None = None,
    rules: Path | None = None,
    assumptions: Path | None = None,
) -> CarbonTables:
    """The shipped tables (or the user's carbon table, sink rules and sink assumptions)."""
    pools_raw, pools_src, pools_hash = _read("carbon_pools", carbon_table)
    pools = read_carbon_pools(pools_raw, pools_src)
    removal, rem_src, rem_hash = _read("removal_rates", None)
    urban, urban_src, urban_hash = _read("urban_tree_rates", None)
    cats, cat_src, cat_hash = _read("land_categories", None)
    luc, luc_src, luc_hash = _read("luc_parameters", None)
    measures_raw, m_src, m_hash = _read("sink_measures", None)
    rules_raw, r_src, r_hash = _read("sink_rules", rules)
    assume_raw, a_src, a_hash = _read("sink_assumptions", assumptions)
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
    checked = check_sink_assumptions(assume_raw, a_src, sorted(set(rules_raw["measure"])))
    if carbon_table is None:
        ranges, _, _ = _read("carbon_pools_sources", None)
        pool_ranges = ranges[["lucode", "pool", "value", "low", "high"]]
    else:  # a user's carbon table has no ranges: its values are taken as certain
        long = pools.reset_index().melt("lucode", var_name="pool", value_name="value")
        pool_ranges = long.assign(low=long["value"], high=long["value"])
    soil_years = float(luc.set_index("parameter")["value"].astype(float)["soil_transition_years"])
    return CarbonTables(
        pools=pools,
        removal=removal,
        measures=measures,
        rules=rules_raw,
        sources={
            "carbon_pools": pools_src,
            "removal_rates": rem_src,
            "urban_tree_rates": urban_src,
            "land_categories": cat_src,
            "luc_parameters": luc_src,
            "sink_measures": m_src,
            "sink_rules": r_src,
            "sink_assumptions": a_src,
        },
        hashes={
            "carbon_pools": pools_hash,
            "removal_rates": rem_hash,
            "urban_tree_rates": urban_hash,
            "land_categories": cat_hash,
            "luc_parameters": luc_hash,
            "sink_measures": m_hash,
            "sink_rules": r_hash,
            "sink_assumptions": a_hash,
        },
        categories=cats.set_index("lucode")[["ipcc_category", "biomass_after"]],
        urban_trees=urban,
        pool_ranges=pool_ranges.reset_index(drop=True),
        measure_ranges=measures_raw[["measure", "parameter", "value", "low", "high"]],
        assumptions=checked,
        soil_years=soil_years,
    )


ASSUMPTION_COLUMNS = (
    "measure",
    "category",
    "uptake_central",
    "uptake_upper",
    "rates_upper",
    "priority",
)
CATEGORIES = ("land_management", "policy_dependent")


def check_sink_assumptions(frame: pd.DataFrame, origin: str, measures: list[str]) -> pd.DataFrame:
    """The sink-assumption table, validated (LandCarbonError naming file, column, measure):
    one row per measure of the rules, ``category`` in land_management / policy_dependent,
    ``0 <= uptake_central <= uptake_upper <= 1``, ``rates_upper`` 'value' or 'high', integer
    ``priority`` (order in which measures claim a parcel's area)."""
    missing = [c for c in ASSUMPTION_COLUMNS if c not in frame.columns]
    if missing:
        raise LandCarbonError(
            f"sink assumptions {origin} lack column(s) {', '.join(missing)}; "
            f"needed: {', '.join(ASSUMPTION_COLUMNS)}"
        )
    table = frame.copy()
    table["measure"] = table["measure"].astype(str).str.strip()
    dup = sorted(set(table.loc[table["measure"].duplicated(), "measure"]))
    if dup:
        raise LandCarbonError(f"sink assumptions {origin}: measure(s) {dup} appear more than once")
    absent = sorted(set(measures) - set(table["measure"]))
    if absent:
        raise LandCarbonError(
            f"sink assumptions {origin}: no row for measure(s) {absent}; add one row per measure"
        )
    unknown = sorted(set(table["measure"]) - set(measures))
    if unknown:
        raise LandCarbonError(
            f"sink assumptions {origin}: measure(s) {unknown} are not in the sink rules"
        )
    bad_cat = table.loc[~table["category"].isin(CATEGORIES), "measure"].tolist()
    if bad_cat:
        raise LandCarbonError(
            f"sink assumptions {origin}: column 'category' of {bad_cat} must be one of "
            f"{', '.join(CATEGORIES)}"
        )
    for col in ("uptake_central", "uptake_upper", "priority"):
        table[col] = pd.to_numeric(table[col], errors="coerce")
    central, upper = table["uptake_central"], table["uptake_upper"]
    bad = table.loc[
        central.isna() | upper.isna() | (central < 0) | (central > upper) | (upper > 1),
        "measure",
    ].tolist()
    if bad:
        raise LandCarbonError(
            f"sink assumptions {origin}: measure(s) {bad} need 0 <= uptake_central <= "
            "uptake_upper <= 1 (shares of the rule's eligible amount)"
        )
    bad_rates = table.loc[~table["rates_upper"].isin(("value", "high")), "measure"].tolist()
    if bad_rates:
        raise LandCarbonError(
            f"sink assumptions {origin}: column 'rates_upper' of {bad_rates} must be 'value' or 'high'"
        )
    bad_prio = table.loc[
        table["priority"].isna() | (table["priority"] % 1 != 0), "measure"
    ].tolist()
    if bad_prio:
        raise LandCarbonError(
            f"sink assumptions {origin}: column 'priority' of {bad_prio} must be an integer"
        )
    table["priority"] = table["priority"].astype(np.int64)
    return table.set_index("measure")


def sealed_shares() -> dict[int, float]:
    """Sealed share of each urban land-cover class (``sealed_shares.csv``)."""
    with resources.as_file(DATA / "sealed_shares.csv") as path:
        table = pd.read_csv(path)
    return {int(r["lucode"]): float(r["sealed_share"]) for r in table.to_dict("records")}
