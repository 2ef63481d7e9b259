"""Mutation testing, one package at a time (mutmut 3), and the score of each package.

    python3 tasks.py mutate                        every package of [tool.minettgeo.mutation]
    python3 tasks.py mutate uncertainty report     only these
    python3 tasks.py mutate --rerun-survivors land after adding tests: check the survivors again
    python3 tasks.py mutate --scores               print the scores recorded so far, run nothing

Each package runs in its own folder ``.mutation/<package>/`` (git-ignored): ``src`` and ``tests``
are links to the project's, ``pyproject.toml`` is the project's with ``[tool.mutmut]`` narrowed
to that package (``only_mutate``) and to its fast unit tests (``[tool.minettgeo.mutation]``).
mutmut copies the sources into ``.mutation/<package>/mutants/`` and keeps its results there, so a
rerun only tests new or changed functions. One mutant at a time (``--max-children 1``), at the
lowest priority (``nice -n 19``; ``MINETTGEO_MUTATION_NICE=10`` gives it the priority of the
other work when that starves it): the machine is shared.

A mutant counts as killed when a test failed on it ("killed") or it timed out (an endless loop;
the limits in ``[tool.mutmut]`` are minutes, not load); "survived" and "no tests" count against
the score; "skipped" (``# pragma: no mutate``) mutants are left out.
"""

from __future__ import annotations

import collections
import filecmp
import json
import os
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / ".mutation"
MUTMUT = Path(sys.executable).with_name("mutmut")
NICE_VARIABLE = "MINETTGEO_MUTATION_NICE"
KILLED = {"killed", "timeout"}
AGAINST = {"survived", "no tests"}


def selections() -> dict[str, list[str]]:
    """package -> its fast unit test files, from ``[tool.minettgeo.mutation]``."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return dict(data["tool"]["minettgeo"]["mutation"])


def package_pyproject(package: str, tests: list[str]) -> str:
    """The project's pyproject.toml with ``[tool.mutmut]`` narrowed to ``package``."""
    text = (ROOT / "pyproject.toml").read_text()
    head, sep, tail = text.partition("[tool.mutmut]")
    if not sep:
        raise SystemExit("pyproject.toml has no [tool.mutmut] section")
    mutmut = tomllib.loads(sep + tail)["tool"]["mutmut"]
    mutmut["only_mutate"] = [f"src/minettgeo/{package}/*"]
    mutmut["pytest_add_cli_args_test_selection"] = tests
    lines = [f"{key} = {json.dumps(value)}" for key, value in mutmut.items()]
    return head + "[tool.mutmut]\n" + "\n".join(lines) + "\n"


def prepare(package: str, tests: list[str]) -> Path:
    """``.mutation/<package>/`` with links to src and tests and the narrowed pyproject.toml;
    copies of modules mutmut does not mutate are refreshed when the source changed (mutmut copies
    them once and never again)."""
    work = WORK / package
    work.mkdir(parents=True, exist_ok=True)
    for name in ("src", "tests"):
        link = work / name
        if not link.is_symlink():
            link.symlink_to(ROOT / name)
    (work / "pyproject.toml").write_text(package_pyproject(package, tests))
    copied = work / "mutants" / "src"
    if copied.exists():
        prefix = f"minettgeo/{package}/"
        for source in (ROOT / "src").rglob("*"):
            relative = source.relative_to(ROOT / "src").as_posix()
            target = copied / relative
            if not source.is_file() or relative.startswith(prefix) or "__pycache__" in relative:
                continue
            if not target.exists() or not filecmp.cmp(source, target, shallow=False):
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)
    return work


def results(work: Path) -> dict[str, str]:
    """mutant name -> status, as mutmut recorded it in ``work``."""
    out = subprocess.run(
        [str(MUTMUT), "results", "--all", "true"],
        cwd=work,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = {}
    for line in out.splitlines():
        name, _, status = line.strip().rpartition(": ")
        if name:
            found[name] = status
    return found


def niceness() -> int:
    """The ``nice`` level of the mutmut run: ``MINETTGEO_MUTATION_NICE`` (0-19), default 19."""
    text = os.environ.get(NICE_VARIABLE, "19").strip() or "19"
    if not text.isdigit() or int(text) > 19:
        raise SystemExit(f"{NICE_VARIABLE}={text!r}: give a nice level from 0 to 19 (default 19)")
    return int(text)


def mutmut_run(work: Path, names: list[str]) -> float:
    """``nice -n <niceness()> mutmut run --max-children 1 [names]`` in ``work``; wall seconds."""
    start = time.monotonic()
    command = ["nice", "-n", str(niceness()), str(MUTMUT), "run", "--max-children", "1", *names]
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    completed = subprocess.run(command, cwd=work, env=env, check=False)
    if completed.returncode != 0:
        raise SystemExit(f"mutmut failed ({completed.returncode}) in {work}")
    return time.monotonic() - start


def score_line(package: str, statuses: dict[str, str]) -> str:
    counts = collections.Counter(statuses.values())
    killed = sum(counts[s] for s in KILLED)
    total = killed + sum(counts[s] for s in AGAINST)
    score = f"{100 * killed / total:5.1f} %" if total else "  n/a"
    other = {s: n for s, n in counts.items() if s not in KILLED | AGAINST}
    return (
        f"{package:<12} {killed:>6} / {total:<6} {score}  (killed {counts['killed']}, timeout "
        f"{counts['timeout']}, survived {counts['survived']}, no tests {counts['no tests']}"
        + (f", other {other}" if other else "")
        + ")"
    )


def main(argv: list[str]) -> int:
    rerun = "--rerun-survivors" in argv
    only_scores = "--scores" in argv
    chosen = [a for a in argv if not a.startswith("--")]
    table = selections()
    unknown = sorted(set(chosen) - set(table))
    if unknown:
        raise SystemExit(f"unknown package(s) {unknown}; known: {sorted(table)}")
    lines = []
    for package in chosen or list(table):
        work = prepare(package, table[package])
        if not only_scores:
            names = []
            if rerun:
                names = [n for n, s in results(work).items() if s in AGAINST]
                if not names:
                    print(f"[mutate] {package}: no survivors to check again", flush=True)
            if names or not rerun:
                seconds = mutmut_run(work, names)
                print(f"[mutate] {package}: {seconds / 60:.1f} min wall", flush=True)
        lines.append(score_line(package, results(work)))
    print(f"{'package':<12} killed / total   score")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
