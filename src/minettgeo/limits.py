"""Bounds of the user's run parameters, shared by the command line, ``RunOptions`` and the API."""

from __future__ import annotations

#: Monte Carlo draws: at least 100, so that each 5 % tail of a 90 % interval holds at least
#: 5 draws (with 1 draw the "interval" is a single value and can exclude the central estimate)
MIN_DRAWS = 100
MAX_DRAWS = 100_000
