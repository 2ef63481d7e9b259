"""The measures of a trajectory per commune: each measure restricted to the communes its target
touches (explicit quantities split by the commune's share of the target's parcel area), its
change set from the engine's models (:mod:`effects`) per sector, and its resources.

    delta_m(c, s, d, y) = the change of sector s in commune c of measure m's part in c
    q_m(c)              = q_m x area(target in c) / area(target)   (hectares, dwellings, km)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray

from minettgeo.scenarios import effects as fx
from minettgeo.scenarios.baseline import SECTORS, _gross_rows
from minettgeo.scenarios.policy import Measure
from minettgeo.scenarios.targets import Selection, resolve_target
from minettgeo.scenarios.trajectory_paths import COLUMNS

Array = NDArray[np.float64]


#: explicit quantities of a measure split by the commune's share of the target's area
SPLIT = ("dwellings", "floor_area_m2", "area_ha", "length_km")


@dataclass(frozen=True)
class MeasureResult:
    measure: Measure
    option: bool  # True: a candidate option, not in the plan
    by_commune: Mapping[str, Mapping[str, Array]]  # lau2 -> sector -> (1 + draws, years>=2024)
    resources: Mapping[str, float]
    #: lau2 -> cost_eur, person_days, area_ha of the part of the measure in that commune
    resources_by_commune: Mapping[str, Mapping[str, float]] = field(default_factory=dict)

    def region(self, sector: str) -> Array:
        parts = [v[sector] for v in self.by_commune.values() if sector in v]
        return np.sum(parts, axis=0) if parts else np.zeros((1, 1))


def split_by_commune(
    measure: Measure, selection: Selection, ctx: fx.Context
) -> list[tuple[str, Measure, Selection]]:
    """The measure restricted to each commune its target touches, explicit quantities split by
    the commune's share of the target's parcel area."""
    parcels = ctx.parcels
    lau2_of = parcels.set_index("parcel_id")["lau2"].astype(str)
    p_lau2 = lau2_of.reindex(selection.parcel_ids).to_numpy(dtype=object)
    b_parcel = ctx.buildings.set_index("building_id")["parcel_id"]
    b_lau2 = (
        lau2_of.reindex(b_parcel.reindex(selection.building_ids).to_numpy()).to_numpy(dtype=object)
        if len(selection.building_ids)
        else np.array([], dtype=object)
    )
    area = np.array([g.area for g in selection.geometries], dtype=float)
    total = float(area.sum())
    communes = sorted(set(p_lau2.tolist()) | set(b_lau2.tolist()))
    shares = {c: float(area[p_lau2 == c].sum()) / total if total > 0 else 0.0 for c in communes}
    whole = {
        k: int(measure.params[k])
        for k in ("dwellings",)
        if k in measure.params and measure.type == "new_development"
    }
    split_dw = (
        fx.split_whole(whole["dwellings"], np.array([shares[c] for c in communes]))
        if whole
        else None
    )
    out = []
    for j, c in enumerate(communes):
        mask = p_lau2 == c
        sub = Selection(
            parcel_ids=selection.parcel_ids[mask],
            building_ids=selection.building_ids[b_lau2 == c],
            geometries=selection.geometries[mask],
            label=f"{selection.label} in {c}",
        )
        params = dict(measure.params)
        for k in SPLIT:
            if k in params and k != "dwellings":
                params[k] = float(params[k]) * shares[c]
        if split_dw is not None:
            params["dwellings"] = int(split_dw[j])
        if "vkm_a" in params:
            params["vkm_a"] = {k: float(v) * shares[c] for k, v in dict(params["vkm_a"]).items()}
        if measure.type == "new_development" and not mask.any():
            continue
        if measure.type in fx.LAND_MEASURE and "area_ha" not in params and not mask.any():
            continue
        out.append((c, replace(measure, params=params), sub))
    return out


def _sectors_of(rows: Mapping[str, Array]) -> dict[str, Array]:
    out: dict[str, Array] = {}
    gross_rows = _gross_rows()
    for code, values in rows.items():
        sector = code.split(".")[0]
        if sector != "V" and code not in gross_rows:
            continue
        out[sector] = out.get(sector, 0.0) + values
    return out


def measure_results(
    measures: Sequence[Measure], ctx: fx.Context, origin: str, *, option: bool = False
) -> list[MeasureResult]:
    out = []
    for m in measures:
        key = "options" if option else "measures"
        where = f"{origin}, {key}[{m.index}] ({m.type}, line {m.line})"
        selection = resolve_target(m.target, ctx.parcels, ctx.buildings, where)
        by: dict[str, dict[str, Array]] = {}
        spent = {"cost_eur": 0.0, "person_days": 0.0, "area_ha": 0.0}
        per: dict[str, dict[str, float]] = {}
        for c, part, sub in split_by_commune(m, selection, ctx):
            effect = fx.measure_effect(part, sub, ctx)
            by[c] = _sectors_of(effect.rows)
            per[c] = {k: float(effect.resources.get(k, 0.0)) for k in spent}
            for k in spent:
                spent[k] += per[c][k]
        out.append(MeasureResult(m, option, by, spent, per))
    return out


def measure_array(result: MeasureResult, communes: Sequence[str], n: int, ny: int) -> Array:
    """delta(c, column, d, y) of one measure for y = 2024..2050."""
    out = np.zeros((len(communes), len(COLUMNS), n, ny))
    for i, c in enumerate(communes):
        for sector, values in result.by_commune.get(c, {}).items():
            out[i, COLUMNS.index(sector)] += values
    g = [COLUMNS.index(s) for s in SECTORS[:4]]
    out[:, COLUMNS.index("gross")] = out[:, g].sum(axis=1)
    out[:, COLUMNS.index("net")] = out[:, COLUMNS.index("gross")] + out[:, COLUMNS.index("V")]
    return out
