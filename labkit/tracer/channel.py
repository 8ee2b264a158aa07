"""The tracer's end of the trace channel: a buffered, signal-safe, thread-safe writer.

Records are appended to a list (atomic under the GIL, so loops in other threads and signal
handlers may emit at any time) and written as one JSON line per batch. A batch is written when
an urgent record arrives, when the buffer is large, or when an event loop is about to wait.
If the script closes the descriptor, or reuses its number for a file of its own, the channel
notices (it compares the descriptor's identity before each write) and goes quiet: the tracer
never writes into the script's files and never raises into the script.
"""

from __future__ import annotations

import json
import os
import threading
import time

from .protocol import URGENT

BATCH_SIZE = 512
MAX_AGE = 20_000_000  # nanoseconds a batched record may wait while the loop keeps running


class Channel:
    """Writes raw trace records to an inherited pipe descriptor."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        stat = os.fstat(fd)
        self._identity = (stat.st_dev, stat.st_ino)
        self._buffer: list[list[object]] = []
        self.steps: list[tuple[int, int, int]] = []  # (task, start, end), appended by the hooks
        self._lock = threading.Lock()
        self._last_flush = time.monotonic_ns()
        self.closed = False
        os.set_inheritable(fd, False)  # the script's own children never see the channel

    def emit(self, kind: str, *values: object) -> None:
        """Record an event now; write it at once if it is urgent."""
        self._buffer.append([kind, time.monotonic_ns(), *values])
        if kind in URGENT or len(self._buffer) >= BATCH_SIZE:
            self.flush()

    def emit_at(self, kind: str, t: int, *values: object) -> None:
        """Record an event whose time was taken earlier (a task step ending now)."""
        self._buffer.append([kind, t, *values])
        if len(self._buffer) >= BATCH_SIZE:
            self.flush()

    def flush_if_waiting(self, loop_will_wait: bool) -> None:
        """Flush before a loop waits, or when batched records grow old."""
        if (self._buffer or self.steps) and (
            loop_will_wait or time.monotonic_ns() - self._last_flush > MAX_AGE
        ):
            self.flush()

    def flush(self) -> None:
        """Write all that is buffered; a nested call (a signal handler) leaves it to the outer."""
        if self.closed:
            self._buffer.clear()
            self.steps.clear()
            return
        if not self._lock.acquire(blocking=False):
            return
        try:
            while (self._buffer or self.steps) and not self.closed:
                batch = self._buffer[: len(self._buffer)]
                del self._buffer[: len(batch)]
                steps = self.steps[: len(self.steps)]
                del self.steps[: len(steps)]
                if steps:
                    batch.append(["task_steps", steps[0][1], steps])
                self._write(json.dumps(batch, separators=(",", ":"), default=repr) + "\n")
            self._last_flush = time.monotonic_ns()
        finally:
            self._lock.release()

    def _write(self, line: str) -> None:
        data = line.encode("utf-8", "backslashreplace")
        try:
            stat = os.fstat(self.fd)
            if (stat.st_dev, stat.st_ino) != self._identity:
                self.closed = True  # the script closed our descriptor and reused its number
                return
            while data:
                written = os.write(self.fd, data)
                data = data[written:]
        except OSError:
            self.closed = True  # closed by the script, or the parent is gone
