"""Exports of result layers and rasters with their provenance, and Data Package descriptors."""
