"""Key performance indicators: the registry (``data/kpis.csv``), their values per commune,
district, test district and region from a run and along a trajectory, and the observed values
recorded over the years (:mod:`minettgeo.kpi.observed`)."""
