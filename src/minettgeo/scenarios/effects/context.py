"""Catalogue of the measures, the context every effect is evaluated in (factor draws, paths, the
region) and the effect of one measure as the engine's models give it.

See :mod:`minettgeo.scenarios.effects` for the formulas."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources

import geopandas as gpd
import numpy as np
import pandas as pd
from numpy.typing import NDArray

from minettgeo.errors import PolicyError
from minettgeo.factors.tables import FactorSet
from minettgeo.land.tables import CarbonTables
from minettgeo.scenarios.policy import LAST_YEAR, Measure
from minettgeo.uncertainty.distributions import two_piece_quantile

Array = NDArray[np.float64]
DATA = resources.files("minettgeo.scenarios") / "data"
#: the inventory's year: the layers describe the stock and traffic of 2024
BASE_YEAR = 2024
YEARS = np.arange(BASE_YEAR, LAST_YEAR + 1)


@dataclass(frozen=True)
class Catalogue:
    """Effect and resource parameters of the measures (``measures.csv``) and the exogenous paths
    (``background.csv``)."""

    params: pd.DataFrame  # columns measure, parameter, unit, value, low, high, source, year
    background: pd.DataFrame

    def bounds(self, measure: str, parameter: str) -> tuple[float, float, float]:
        """(low, value, high) of a parameter; PolicyError naming the table when absent."""
        rows = self.params[
            (self.params["measure"] == measure) & (self.params["parameter"] == parameter)
        ]
        if rows.empty:
            raise PolicyError(
                f"no parameter {parameter!r} for measure {measure!r} in the measures catalogue "
                "(minettgeo/scenarios/data/measures.csv)"
            )
        row = rows.iloc[0]
        return float(row["low"]), float(row["value"]), float(row["high"])

    def value(self, measure: str, parameter: str) -> float:
        return self.bounds(measure, parameter)[1]


def load_catalogue() -> Catalogue:
    """The shipped measures catalogue and background paths."""
    with resources.as_file(DATA / "measures.csv") as path:
        params = pd.read_csv(path)
    with resources.as_file(DATA / "background.csv") as path:
        background = pd.read_csv(path)
    return Catalogue(params=params, background=background)


def path_multipliers(
    catalogue: Catalogue, variable: str, u: Array, years: NDArray[np.int64]
) -> Array:
    """Path of ``variable`` (ratio to today's factor) for each row of ``u`` (quantile of the
    path's uncertainty, 0.5 = central; one quantile per row applies to every year) at ``years``.

    Values between the years of the table are linear; before the first year the first value,
    after the last the last. The quantile q maps to low..value..high piecewise linearly
    (q = 0, 0.5, 1)."""
    table = catalogue.background[catalogue.background["variable"] == variable].sort_values("year")
    if table.empty:
        raise PolicyError(f"no background path {variable!r} in scenarios/data/background.csv")
    ty = table["year"].to_numpy(dtype=float)
    at = {
        c: np.interp(years.astype(float), ty, table[c].to_numpy(dtype=float))
        for c in ("low", "value", "high")
    }
    q = np.asarray(u, dtype=float)[:, None]
    below = at["low"] + (at["value"] - at["low"]) * (q / 0.5)
    above = at["value"] + (at["high"] - at["value"]) * ((q - 0.5) / 0.5)
    return np.where(q <= 0.5, below, above)


@dataclass(frozen=True)
class Context:
    """What every effect needs: factors with central values and draws, paths, the region."""

    factors: FactorSet
    thetas: Array  # (1 + draws, parameters); row 0 = central values
    m_el: Array  # (1 + draws, years)
    m_dh: Array
    buildings: gpd.GeoDataFrame
    parcels: gpd.GeoDataFrame
    roads: gpd.GeoDataFrame
    carbon: CarbonTables
    catalogue: Catalogue
    rng_seed: int
    years: NDArray[np.int64] = field(default_factory=lambda: YEARS.copy())
    #: vehicle-km inside targets already computed (keyed by the target's parcel ids)
    memo: dict[tuple[object, ...], object] = field(default_factory=dict, repr=False)
    districts: gpd.GeoDataFrame | None = field(default=None, repr=False)

    @property
    def n(self) -> int:
        return int(self.thetas.shape[0])

    def grid(self, carrier: str) -> Array:
        """Grid factor (kg CO2e/kWh) of ``carrier`` in every row."""
        i = self.factors.index("grid_factors", "energy carrier", carrier=carrier, gas="CO2e")[0]
        return self.thetas[:, i]

    def param_draws(self, measure: str, parameter: str, stream: int) -> Array:
        """Central value and draws of a catalogue parameter (row 0 central), seeded per stream."""
        low, value, high = self.catalogue.bounds(measure, parameter)
        rng = np.random.default_rng([self.rng_seed, stream])
        drawn = two_piece_quantile(
            rng.random(self.n - 1), np.array(low), np.array(value), np.array(high)
        )
        return np.concatenate([[value], drawn])


def make_context(
    factors: FactorSet,
    buildings: gpd.GeoDataFrame,
    parcels: gpd.GeoDataFrame,
    roads: gpd.GeoDataFrame,
    carbon: CarbonTables,
    *,
    draws: int,
    seed: int,
    catalogue: Catalogue | None = None,
    districts: gpd.GeoDataFrame | None = None,
) -> Context:
    """Central values and ``draws`` seeded draws of every factor and background path;
    ``districts`` (optional) speeds up vehicle-km inside targets made of whole districts."""
    catalogue = catalogue or load_catalogue()
    rng = np.random.default_rng(seed)
    thetas = np.vstack([factors.theta[None, :], factors.draw(draws, rng)])
    u = np.concatenate([[0.5], rng.random(draws)])
    u_dh = np.concatenate([[0.5], rng.random(draws)])
    return Context(
        factors=factors,
        thetas=thetas,
        m_el=path_multipliers(catalogue, "electricity_factor", u, YEARS),
        m_dh=path_multipliers(catalogue, "district_heat_factor", u_dh, YEARS),
        buildings=buildings,
        parcels=parcels,
        roads=roads,
        carbon=carbon,
        catalogue=catalogue,
        rng_seed=seed,
        districts=districts,
    )


@dataclass(frozen=True)
class Effect:
    """The change of one measure: t CO2e/a per GPC row and year, central (row 0) and draws."""

    measure: Measure
    rows: Mapping[str, Array]  # GPC code -> (1 + draws, years)
    resources: Mapping[str, float]  # cost_eur, person_days, area_ha (central)
    changed: Mapping[str, int]  # what changed: buildings added/modified/removed, ha, km
    years: NDArray[np.int64]

    def total(self) -> Array:
        """All rows summed, (1 + draws, years)."""
        shape = (next(iter(self.rows.values())).shape) if self.rows else (1, len(self.years))
        out = np.zeros(shape)
        for values in self.rows.values():
            out = out + values
        return out


def ramp(years: NDArray[np.int64], start: int, end: int) -> Array:
    """Realised share of a measure ramped linearly: 1/(end-start+1) more each year from start."""
    span = max(end - start + 1, 1)
    return np.clip((years - start + 1) / span, 0.0, 1.0)
