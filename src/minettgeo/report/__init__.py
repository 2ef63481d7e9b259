"""Reports: the GPC inventory table (BASIC / BASIC+) with provenance."""
