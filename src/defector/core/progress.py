"""A small progress bar for long commands, written to standard error (no dependency).

On a terminal it redraws one line (``\\r``) at most ten times a second::

    re-sealing  [############------------------]   4,000/10,000  40%  2,310/s  0:03 left

Elsewhere (a log, a pipe) it writes a plain line at every tenth of the way, so a log shows
progress without thousands of redraws. Standard output stays free for the command's result.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from types import TracebackType
from typing import Final

WIDTH: Final = 30
#: Seconds between two redraws on a terminal.
INTERVAL: Final = 0.1


def _duration(seconds: float) -> str:
    whole = int(seconds + 0.5)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"


class Progress:
    """Progress of ``total`` steps: ``advance(n)`` after each batch, ``close()`` at the end
    (or use it as a context manager)."""

    def __init__(
        self,
        total: int,
        *,
        label: str = "",
        write: Callable[[str], object] | None = None,
        flush: Callable[[], object] | None = None,
        tty: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.total = max(0, total)
        self.label = label
        self.done = 0
        self._write = write if write is not None else sys.stderr.write
        self._flush = flush if flush is not None else sys.stderr.flush
        self._tty = sys.stderr.isatty() if tty is None else tty
        self._clock = clock
        self._started = clock()
        self._drawn_at = -INTERVAL
        self._tenths = 0
        self._closed = False

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def advance(self, steps: int = 1) -> None:
        self.done = min(self.total, self.done + steps) if self.total else self.done + steps
        now = self._clock()
        if self._tty:
            if now - self._drawn_at >= INTERVAL or self.done >= self.total:
                self._drawn_at = now
                self._emit("\r" + self.line(now))
        elif self.total:
            tenths = self.done * 10 // self.total
            if tenths > self._tenths and self.done < self.total:
                self._tenths = tenths
                self._emit(self.line(now) + "\n")

    def close(self) -> None:
        """Draw the final state and end the line (once)."""
        if self._closed:
            return
        self._closed = True
        now = self._clock()
        self._emit(("\r" if self._tty else "") + self.line(now) + "\n")

    def line(self, now: float | None = None) -> str:
        now = self._clock() if now is None else now
        elapsed = max(now - self._started, 1e-9)
        rate = self.done / elapsed
        parts = [self.label] if self.label else []
        if self.total:
            filled = WIDTH * self.done // self.total
            bar = "#" * filled + "-" * (WIDTH - filled)
            width = len(f"{self.total:,}")
            parts.append(
                f"[{bar}] {self.done:>{width},}/{self.total:,} {self.done * 100 // self.total:>3}%"
            )
        else:
            parts.append(f"{self.done:,}")
        parts.append(f"{rate:,.0f}/s")
        if self.done >= self.total:
            parts.append(f"{_duration(elapsed)} elapsed")
        elif rate > 0:
            parts.append(f"{_duration((self.total - self.done) / rate)} left")
        return "  ".join(parts)

    def _emit(self, text: str) -> None:
        self._write(text)
        self._flush()
