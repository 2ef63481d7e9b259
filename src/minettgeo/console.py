"""Terminal output: progress lines for long commands (one line per step with its duration, on
stderr), escaping of text that must not reach a terminal raw, :func:`echo` (escaped printing)
and :func:`number` (figures with thousands separators)."""

from __future__ import annotations

import math
import re
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

import click

#: characters that must not reach a terminal raw: C0/C1 controls (except tab and newline), DEL,
#: and Unicode bidirectional controls (they reorder what follows: "Trojan Source")
_UNSAFE_CHARS = r"\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_UNSAFE = re.compile(f"[{_UNSAFE_CHARS}]")
_UNSAFE_INLINE = re.compile(rf"[{_UNSAFE_CHARS}\t\n]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe(text: str, *, inline: bool = False) -> str:
    """``text`` with control and bidirectional-control characters escaped (``\\x1b``,
    ``\\u202e``); with ``inline`` (a name, id or code inside a line) newlines and tabs too."""
    return (_UNSAFE_INLINE if inline else _UNSAFE).sub(_escape, text)


class Progress:
    """Prints ``[name 3/9] step ... done in 1.2 s`` lines; silent when ``quiet``."""

    def __init__(
        self, name: str, total: int, *, quiet: bool = False, stream: TextIO | None = None
    ) -> None:
        self.name = name
        self.total = total
        self.done = 0
        self.quiet = quiet
        self.stream = stream or sys.stderr
        self.started = time.perf_counter()

    @contextmanager
    def step(self, label: str) -> Iterator[None]:
        self.done += 1
        t0 = time.perf_counter()
        if not self.quiet:
            print(
                f"[{self.name} {self.done}/{self.total}] {label} ...",
                end="",
                file=self.stream,
                flush=True,
            )
        yield
        if not self.quiet:
            print(f" {time.perf_counter() - t0:.1f} s", file=self.stream, flush=True)

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.started


def echo(text: str, *, err: bool = False) -> None:
    """Print ``text`` with control and bidirectional characters escaped."""
    click.echo(terminal_safe(text), err=err)


def number(value: object, width: int = 0, digits: int = 0) -> str:
    """``value`` with thousands separators, or ``n/a`` when it is missing or not finite (a
    commune without residents has no per-resident figure)."""
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        x = math.nan
    text = f"{x:,.{digits}f}" if math.isfinite(x) else "n/a"
    return f"{text:>{width}}"
