"""Helpers for tests on result folders."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


def snapshot(root: Path) -> dict[str, bytes | str]:
    """Every file under ``root`` (relative path -> bytes) and every symbolic link (relative path
    -> its target, as text): two equal snapshots mean a byte-for-byte identical tree."""
    out: dict[str, bytes | str] = {}
    for path in sorted(Path(root).rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_symlink():
            out[rel] = f"-> {path.readlink()}"
        elif path.is_file():
            out[rel] = path.read_bytes()
    return out


def invoke(*args: str, env: dict[str, str] | None = None) -> CliResult:
    """Run the ``minettgeo`` command in this process (click's CliRunner); stdout and stderr
    apart, and whether a traceback or an unexpected exception came out."""
    from click.testing import CliRunner

    from minettgeo.cli import main

    result = CliRunner().invoke(main, list(args), env=env)
    exc = result.exception
    unexpected = exc is not None and not isinstance(exc, SystemExit)
    return CliResult(result.exit_code, result.stdout, result.stderr, unexpected)


@dataclass(frozen=True)
class CliResult:
    code: int
    stdout: str
    stderr: str
    unexpected_exception: bool

    @property
    def clean(self) -> bool:
        """No traceback and no exception escaped the command."""
        return not self.unexpected_exception and "Traceback" not in self.stdout + self.stderr


def assert_refused(result: CliResult, code: int, *fragments: str) -> None:
    """The command failed with exit ``code``, without a traceback, and its stderr names every
    fragment (file, layer, column, option ...)."""
    assert result.clean, result.stderr
    assert result.code == code, (result.code, result.stdout, result.stderr)
    for fragment in fragments:
        assert fragment in result.stderr, (fragment, result.stderr)
