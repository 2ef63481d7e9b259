"""Emission models per feature: buildings (stationary energy), roads (transport), waste."""
