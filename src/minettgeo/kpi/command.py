"""``minettgeo kpis``: the KPI registry, or the KPIs of a run per level."""

from __future__ import annotations

from pathlib import Path

import click

from minettgeo.cli_options import RESULTS_DIR_HELP, file_option, kpis_option, results_option
from minettgeo.console import echo


@click.command("kpis")
@results_option(
    f"{RESULTS_DIR_HELP}: compute the KPIs; without it, list the registry", default=None
)
@kpis_option()
@file_option(
    "--trajectory",
    "trajectory",
    "folder written by 'minettgeo trajectory': the KPIs along it (with --results)",
    dir_ok=True,
)
@click.option(
    "--level",
    type=click.Choice(["commune", "district", "region", "all"]),
    default="commune",
    show_default=True,
)
@file_option("--out", "out", "write the table to this CSV instead of printing it")
def kpis_command(
    results_dir: Path | None,
    kpis: Path | None,
    trajectory: Path | None,
    level: str,
    out: Path | None,
) -> None:
    """List the KPI registry (id, names, unit, better direction, formula, levels, source), or,
    with --results, the KPIs of the run at --level (with --trajectory: along the trajectory,
    per year with the 90 % band)."""
    from minettgeo.kpi.registry import load_registry

    registry = load_registry(kpis)
    if results_dir is None:
        table = registry.table()
    else:
        from minettgeo.kpi.compute import current_kpis, kpis_at_level
        from minettgeo.results.reader import open_results

        table = current_kpis(open_results(results_dir), registry)
        if trajectory is not None:
            from minettgeo.kpi.track import along_trajectory, read_trajectory

            table = along_trajectory(read_trajectory(trajectory), table, registry)
        table = kpis_at_level(table, None if level == "all" else level)
    if out is not None:
        from minettgeo.errors import LayerWriteError
        from minettgeo.layers.io import atomic_path

        try:
            with atomic_path(out) as tmp:
                table.to_csv(tmp, index=False, float_format="%.6g")
        except OSError as exc:
            raise LayerWriteError(f"{out}: cannot write the KPI table ({exc.strerror})") from exc
        echo(f"wrote {out}")
    else:
        echo(table.to_string(index=False, max_colwidth=60))
