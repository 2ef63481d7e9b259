"""Where the time of ``recompute`` goes: cProfile of the change set of ``benchmarks/engine.py``
(500 buildings switched to heat pumps) on a loaded region, after one warm-up recompute.

    .venv/bin/python benchmarks/profile_recompute.py LAYERS_DIR [CACHE_DIR] [TOP] [STATS_FILE]

Prints the ``TOP`` functions (default 25) by own time and by cumulative time; ``STATS_FILE``:
where to write the profile (``pstats``) as well.
"""

from __future__ import annotations

import cProfile
import pstats
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from engine import heat_pump_changes
from minettgeo.engine import RunOptions, compute, load_inputs, recompute


def main() -> None:
    layers = Path(sys.argv[1])
    cache = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(tempfile.mkdtemp()) / "cache"
    top = int(sys.argv[3]) if len(sys.argv) > 3 else 25
    inputs = load_inputs(layers, RunOptions(cache_dir=cache))
    base = compute(inputs, datetime.now(UTC))
    changes = heat_pump_changes(inputs)
    recompute(base, changes)
    profile = cProfile.Profile()
    profile.enable()
    recompute(base, changes)
    profile.disable()
    if len(sys.argv) > 4:
        profile.dump_stats(sys.argv[4])
    stats = pstats.Stats(profile)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)


if __name__ == "__main__":
    main()
