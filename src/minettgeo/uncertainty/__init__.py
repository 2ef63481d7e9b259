"""Uncertainty of the totals: Monte Carlo over the factor bounds."""
