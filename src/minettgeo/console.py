"""Progress lines for long commands: one line per step with its duration, on stderr."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO


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
