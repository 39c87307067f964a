"""Progress of long engine builds and calibration, on stderr when it is a terminal.

``TFTRT_PROGRESS=1`` shows it anywhere, ``TFTRT_PROGRESS=0`` never. A ticker thread
redraws one status line every half second (it runs while tftrt works without the GIL); the
line appears after the first second, so short builds print nothing.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from typing import Optional, TextIO


def enabled(stream: TextIO) -> bool:
    setting = os.environ.get("TFTRT_PROGRESS", "")
    if setting in ("0", "1"):
        return setting == "1"
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class Progress:
    """Counts input sets of one build (or calibration) and shows them with the time."""

    def __init__(self, what: str, stream: Optional[TextIO] = None, delay: float = 1.0):
        self.what = what
        self.stream = stream if stream is not None else sys.stderr
        self.delay = delay
        self.count = 0
        self.start = time.monotonic()
        self.shown = False
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None
        if enabled(self.stream):
            self._thread = threading.Thread(target=self._tick, name="tftrt-progress", daemon=True)
            self._thread.start()

    def step(self) -> None:
        """Called as input set number count + 1 is about to run."""
        with self._lock:
            self.count += 1

    def _line(self, final: bool) -> str:
        elapsed = time.monotonic() - self.start
        if final:
            return f"\rtftrt: {self.what}: {self.count} input set(s) in {elapsed:.1f} s\033[K\n"
        return f"\rtftrt: {self.what}: input set {self.count} ... {elapsed:.1f} s\033[K"

    def _tick(self) -> None:
        while not self._stop.wait(0.5):
            if time.monotonic() - self.start < self.delay:
                continue
            with self._lock:
                self.stream.write(self._line(final=False))
                self.stream.flush()
                self.shown = True

    def close(self) -> None:
        if self._thread is None:
            return
        self._stop.set()
        self._thread.join()
        self._thread = None
        if self.shown:
            self.stream.write(self._line(final=True))
            self.stream.flush()
