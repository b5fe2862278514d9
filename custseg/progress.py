"""Progress on a terminal (rows, stage, elapsed), silence in logs and CI."""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO


class Progress:
    """Report the stage of a long job on one rewritten terminal line.

    Parameters
    ----------
    stream : text stream, default sys.stderr
        Where to write. Nothing is written unless it is a terminal and ``CI`` is unset, so logs
        and CI output stay clean; the final summary is the caller's job.
    """

    def __init__(self, stream: TextIO | None = None, enabled: bool | None = None):
        self.stream = stream or sys.stderr
        if enabled is None:
            enabled = self.stream.isatty() and not os.environ.get("CI")
        self.enabled = enabled
        self.started = time.perf_counter()
        self._width = 0

    @property
    def elapsed(self) -> float:
        """Seconds since the job started."""
        return time.perf_counter() - self.started

    def stage(self, name: str, rows: int | None = None) -> None:
        if not self.enabled:
            return
        text = f"  {name}" + (f" · {rows:,} rows" if rows is not None else "") + f" · {self.elapsed:.1f}s"
        self.stream.write("\r" + text.ljust(self._width))
        self.stream.flush()
        self._width = len(text)

    def done(self) -> None:
        if self.enabled and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0


class Silent(Progress):
    def __init__(self) -> None:
        super().__init__(enabled=False)
