"""Helpers for tests on result folders."""

from __future__ import annotations

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
