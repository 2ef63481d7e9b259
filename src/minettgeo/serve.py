"""``minettgeo serve``: the maps, the API and the OGC API - Features endpoint on one address.

When the results folder holds no run yet, the results are computed first by the ``minettgeo
run`` command itself (same options, same code path), then served by uvicorn until Ctrl+C.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from minettgeo.cli_options import directory_option, quiet_option, results_option
from minettgeo.console import echo
from minettgeo.errors import NotFoundError, ParameterError
from minettgeo.results.command import run_command
from minettgeo.results.run_folder import run_folder_of


def has_results(results_dir: Path) -> bool:
    """True when ``results_dir`` holds a complete run (``current`` or a run folder)."""
    try:
        run_folder_of(results_dir)
    except NotFoundError:
        return False
    return True


@click.command("serve")
@results_option("results folder to serve")
@directory_option(
    "--layers", "layers_dir", "layers", "layers folder the results are computed from if missing"
)
@click.option("--host", default="127.0.0.1", show_default=True, help="address to listen on")
@click.option(
    "--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="TCP port"
)
@click.option(
    "--workers",
    type=click.IntRange(1, 16),
    default=1,
    show_default=True,
    help="server processes (each keeps its own copy of the served GeoJSON: 0.7-0.9 GB each)",
)
@quiet_option("no access log")
@click.pass_context
def serve_command(
    ctx: click.Context,
    results_dir: Path,
    layers_dir: Path,
    host: str,
    port: int,
    workers: int,
    quiet: bool,
) -> None:
    """Serve the results in RESULTS (computing them from LAYERS first when there are none) as
    maps, a JSON API and an OGC API - Features endpoint for QGIS and GDAL."""
    import uvicorn
    from api.app import LAYERS_ENV, RESULTS_ENV, create_app

    if not has_results(results_dir):
        if not layers_dir.is_dir():
            raise ParameterError(
                f"--results {results_dir}: no results there, and --layers {layers_dir} is not a "
                "folder to compute them from; run 'minettgeo sample' first or give --layers"
            )
        echo(f"no results in {results_dir}: computing them from {layers_dir} first")
        ctx.invoke(run_command, layers_dir=layers_dir, out_dir=results_dir, quiet=quiet)
    shown = f"[{host}]" if ":" in host else host
    echo(f"serving {results_dir} on http://{shown}:{port}/ (maps, API, OGC API - Features)")
    echo("press Ctrl+C to stop")
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_level": "warning" if quiet else "info",
        "access_log": not quiet,
        "timeout_graceful_shutdown": 5,
    }
    if workers == 1:
        uvicorn.run(create_app(results_dir, layers_dir=layers_dir, warm=True), **options)
        return
    # several processes: each builds the app from the environment (uvicorn needs an import string)
    os.environ[RESULTS_ENV] = str(results_dir.resolve())
    os.environ[LAYERS_ENV] = str(layers_dir.resolve())
    uvicorn.run("api.app:create_app_from_env", factory=True, workers=workers, **options)
