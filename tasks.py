#!/usr/bin/env python3
"""The project's two entry points, with nothing but Python >= 3.11 and pip on the machine.

    python3 tasks.py run     set up, build the sample region, compute every result into results/
                             (one folder per run in results/runs/; the newest is results/current/),
                             then serve maps, API and OGC API on http://127.0.0.1:8000 (Ctrl+C
                             stops it; --no-serve to stop after computing)
    python3 tasks.py test    set up, then ruff, mypy and the whole pytest suite
    python3 tasks.py bench   set up, then the full-scale benchmarks (timing and memory)
    python3 tasks.py mutate [PACKAGE ...]  set up, then mutation testing of the model packages
                             (mutmut, one package at a time; long, not part of CI; scores per
                             package in docs/testing.md; options in tests/mutation_run.py)

Set-up is idempotent: a virtual environment in ``.venv`` holds minettgeo (editable) and its
development tools; it is re-installed only when ``pyproject.toml`` changes. Debian packages the
real-client tests need (GDAL's command-line tools) are installed with apt-get when missing.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".minettgeo-installed"

#: command needed by the test suite -> Debian package that provides it
DEBIAN_FOR_TESTS = {"ogrinfo": "gdal-bin", "chromium": "chromium"}
#: shared libraries (ctypes.util.find_library names) -> Debian package: weasyprint renders the
#: progress report's PDF with pango
DEBIAN_LIBS_FOR_TESTS = {"pango-1.0": "libpango-1.0-0", "pangoft2-1.0": "libpangoft2-1.0-0"}


def say(message: str) -> None:
    print(f"[tasks] {message}", flush=True)


def call(*args: str | Path, env: dict[str, str] | None = None) -> None:
    """Run a command from the project root; stop with its exit code if it fails."""
    completed = subprocess.run([str(a) for a in args], cwd=ROOT, env=env, check=False)
    if completed.returncode != 0:
        say(f"failed ({completed.returncode}): {' '.join(str(a) for a in args)}")
        sys.exit(completed.returncode)


def ensure_venv() -> None:
    """Create ``.venv`` and install minettgeo[dev] into it when missing or outdated."""
    if not (BIN / "python").exists():
        say("creating virtual environment .venv")
        call(sys.executable, "-m", "venv", VENV)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == wanted:
        return
    say("installing minettgeo and its tools into .venv (first run takes a few minutes)")
    call(BIN / "python", "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    call(BIN / "python", "-m", "pip", "install", "--quiet", "-e", ".[dev]")
    STAMP.write_text(wanted)


def ensure_debian(needed: dict[str, str], libraries: dict[str, str] | None = None) -> None:
    """Install the Debian packages that provide missing commands or shared libraries (root or
    sudo needed)."""
    import ctypes.util

    missing = sorted(
        {pkg for cmd, pkg in needed.items() if shutil.which(cmd) is None}
        | {pkg for lib, pkg in (libraries or {}).items() if ctypes.util.find_library(lib) is None}
    )
    if not missing:
        return
    prefix: list[str] = []
    if hasattr(os, "geteuid") and os.geteuid() != 0:
        if shutil.which("sudo") is None:
            sys.exit(f"the tests need Debian packages {missing}; install them as root (apt-get)")
        prefix = ["sudo"]
    say(f"installing Debian packages for the real-client tests: {', '.join(missing)}")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    call(*prefix, "apt-get", "update", "-qq", env=env)
    call(*prefix, "apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing, env=env)


def run() -> None:
    ensure_venv()
    call(BIN / "minettgeo", "sample", "--out", "layers")
    call(BIN / "minettgeo", "run", "--layers", "layers", "--out", "results")
    if "--no-serve" in sys.argv[2:]:
        return
    say("serving the results on http://127.0.0.1:8000/ (maps, API, OGC API); Ctrl+C to stop")
    with contextlib.suppress(KeyboardInterrupt):
        subprocess.run(
            [str(BIN / "minettgeo"), "serve", "--results", "results", "--layers", "layers"],
            cwd=ROOT,
            check=False,
        )
    say("server stopped")


def test() -> None:
    ensure_venv()
    ensure_debian(DEBIAN_FOR_TESTS, DEBIAN_LIBS_FOR_TESTS)
    code = [
        p
        for p in ("src", "tests", "api", "benchmarks", "notebooks", "tasks.py")
        if (ROOT / p).exists()
    ]
    call(BIN / "ruff", "check", *code)
    call(BIN / "ruff", "format", "--check", *code)
    call(BIN / "mypy")
    # the full-size sample region is built once and shared by both workers (tests/conftest.py)
    call(BIN / "python", "-m", "pytest", *(sys.argv[2:] or ["-n", "auto"]))


def bench() -> None:
    ensure_venv()
    call(BIN / "python", "benchmarks/run.py", *sys.argv[2:])


def mutate() -> None:
    """mutmut over models/, aggregate/, land/, report/, uncertainty/, factors/, one package at a
    time with its fast unit tests ([tool.minettgeo.mutation] in pyproject.toml), then the score
    of each package (tests/mutation_run.py)."""
    ensure_venv()
    call(BIN / "python", "tests/mutation_run.py", *sys.argv[2:])


def main() -> None:
    tasks = {"run": run, "test": test, "bench": bench, "mutate": mutate}
    if len(sys.argv) < 2 or sys.argv[1] not in tasks:
        print(__doc__)
        sys.exit(2)
    tasks[sys.argv[1]]()


if __name__ == "__main__":
    main()
