"""A small progress line for long management commands (generation, imports)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Prints `label  done/total (pct%)  elapsed` on one line, at most a few times a second."""

    def __init__(self, label: str, total: int, *, stream: TextIO | None = None) -> None:
        self.label, self.total, self.done = label, max(total, 1), 0
        self.stream = stream or sys.stderr
        self.started = self._last = time.monotonic()
        self.interactive = self.stream.isatty()

    def advance(self, n: int = 1) -> None:
        self.done += n
        now = time.monotonic()
        if now - self._last >= (0.2 if self.interactive else 5.0) or self.done >= self.total:
            self._last = now
            self._write()

    def _write(self, end: str = "") -> None:
        pct = 100 * self.done // self.total
        line = f"{self.label}  {self.done:,}/{self.total:,} ({pct}%)  {time.monotonic() - self.started:.1f}s"
        if self.interactive:
            self.stream.write("\r" + line + end)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def finish(self) -> None:
        self.done = self.total
        self._write(end="\n" if self.interactive else "")
