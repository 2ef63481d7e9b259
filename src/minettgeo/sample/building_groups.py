"""Groups of building uses and construction periods: the keys of the heating-carrier and
renovation share tables (``layers/model``), also used by the importers' fill rules."""

from __future__ import annotations

import numpy as np
import pandas as pd

from minettgeo.layers.codes import CONSTRUCTION_PERIODS

HOUSES = ("single_family", "terraced")
MULTI = ("multi_family", "apartment_block")
NON_RESIDENTIAL = ("office", "retail", "education", "health", "industry")


def period_group(period: np.ndarray) -> np.ndarray:
    """Heating/renovation table group of each construction period."""
    last = {p.code: p.last_year for p in CONSTRUCTION_PERIODS}
    year = pd.Series(period).map(last).to_numpy()
    return np.select(
        [year <= 1970, year <= 1990, year <= 2010, year <= 2016],
        ["before_1971", "1971_1990", "1991_2010", "2011_2016"],
        default="2017_2030",
    )


def use_group(use: np.ndarray) -> np.ndarray:
    """Heating table group of each building use: house, apartment, non_residential or other."""
    return np.select(
        [np.isin(use, HOUSES), np.isin(use, MULTI), np.isin(use, NON_RESIDENTIAL)],
        ["house", "apartment", "non_residential"],
        default="other",
    )
