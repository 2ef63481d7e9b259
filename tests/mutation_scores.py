"""Mutation score per package from ``mutmut results --all true`` (run after ``mutmut run``).

    .venv/bin/python tests/mutation_scores.py        (``python3 tasks.py mutate`` runs both)

A mutant counts as killed when a test failed on it ("killed") or it timed out; "survived" and
"no tests" count against the score; "skipped" and not yet checked mutants are left out."""

from __future__ import annotations

import collections
import subprocess
import sys

PACKAGES = ("models", "aggregate", "land", "report", "uncertainty", "factors")
KILLED = {"killed", "timeout"}
AGAINST = {"survived", "no tests"}


def main() -> int:
    out = subprocess.run(
        [sys.executable, "-m", "mutmut", "results", "--all", "true"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    counts: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for line in out.splitlines():
        name, _, status = line.strip().rpartition(": ")
        parts = name.split(".")
        if len(parts) > 2 and parts[0] == "minettgeo" and parts[1] in PACKAGES:
            counts[parts[1]][status] += 1
    print(f"{'package':<12} {'killed':>7} {'survived':>9} {'score':>7}")
    for package in PACKAGES:
        c = counts.get(package, collections.Counter())
        killed = sum(c[s] for s in KILLED)
        against = sum(c[s] for s in AGAINST)
        total = killed + against
        score = f"{100 * killed / total:6.1f}%" if total else "    n/a"
        print(f"{package:<12} {killed:>7} {against:>9} {score:>7}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
