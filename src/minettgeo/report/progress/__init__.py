"""The progress report (``minettgeo report``): inventory now vs 2005, the trajectory with its band
and milestones, the KPIs with observed values, the communes side by side, budgets vs the
resources the plan needs, test districts vs their controls, and the provenance of every figure;
as one self-contained HTML page per language, its CSV tables and a PDF."""
