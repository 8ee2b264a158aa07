"""The tracer's end of the trace channel: a buffered, signal-safe, thread-safe writer.

Records are appended to lists (atomic under the GIL, so loops in other threads and signal
handlers may emit at any time) and written as one frame per batch (see ``protocol``). A batch is
written when an urgent record arrives, when the buffer is large, or when an event loop is about
to wait. Task steps and the spawns of tasks made by ``loop.create_task``, the bulk of the data,
go into flat lists of their own and travel packed.
If the script closes the descriptor, or reuses its number for a file of its own, the channel
notices (it compares the descriptor's identity before each write) and goes quiet: the tracer
never writes into the script's files and never raises into the script.
"""

from __future__ import annotations

import os
import threading
import time

from .protocol import URGENT, encode_frame, pack_integers, pack_spawns

BATCH_SIZE = 512
"""Records (or spawns; steps not counted) that make a batch worth writing at once."""
STEPS_PER_FRAME = 1 << 9
"""Steps one frame carries at most. Small frames keep each flush's buffers (the steps' copy,
their packing, the frame) a few tens of kB: with frames of tens of thousands of steps, the C
library gave the memory back to the system after each flush and the program faulted it in
again at the next (1,700 page faults more on the churn benchmark, about 1% of its time)."""
MAX_AGE = 20_000_000  # nanoseconds a batched record may wait while the loop keeps running


class Channel:
    """Writes raw trace records to an inherited pipe descriptor."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        stat = os.fstat(fd)
        self._identity = (stat.st_dev, stat.st_ino)
        # (kind, t, *values); the task hooks append here directly, then check BATCH_SIZE
        self.records: list[tuple[object, ...]] = []
        # task, start, end, task, start, end, ...: three integers a step, added by the hooks
        self.steps: list[int] = []
        # t, task, name, coro, parent, loop, ...: the tasks loop.create_task made (SPAWN_VALUES
        # each; the hook checks BATCH_SIZE), sent first in their frame (see protocol.py)
        self.spawns: list[object] = []
        self._lock = threading.Lock()
        self._last_flush = time.monotonic_ns()
        self.closed = False
        self._unsent = b""  # the rest of a frame whose write an exception cut short
        os.set_inheritable(fd, False)  # the script's own children never see the channel

    def emit(self, kind: str, *values: object) -> None:
        """Record an event now; write it at once if it is urgent."""
        self.records.append((kind, time.monotonic_ns(), *values))
        if kind in URGENT or len(self.records) >= BATCH_SIZE:
            self.flush()

    def emit_at(self, kind: str, t: int, *values: object) -> None:
        """Record an event whose time was taken earlier (a cancel request, before the call)."""
        self.records.append((kind, t, *values))
        if len(self.records) >= BATCH_SIZE:
            self.flush()

    def flush_if_waiting(self, loop_will_wait: bool) -> None:
        """Flush before a loop waits, or when batched records grow old."""
        if (self.records or self.steps or self.spawns) and (
            loop_will_wait or time.monotonic_ns() - self._last_flush > MAX_AGE
        ):
            self.flush()

    def flush(self) -> None:
        """Write all that is buffered; a nested call (a signal handler) leaves it to the outer."""
        if self.closed:
            self.records.clear()
            self.steps.clear()
            self.spawns.clear()
            return
        if not self._lock.acquire(blocking=False):
            return
        try:
            while (self.records or self.steps or self.spawns) and not self.closed:
                batch = self.records[: len(self.records)]
                del self.records[: len(batch)]
                # taken after the records: a record about a task never leaves before its spawn
                spawns = self.spawns[: len(self.spawns)]
                del self.spawns[: len(spawns)]
                if spawns:
                    batch.insert(0, ("task_spawns", spawns[0], *pack_spawns(spawns)))
                steps = self.steps[: 3 * STEPS_PER_FRAME]
                del self.steps[: len(steps)]
                if steps:
                    batch.append(("task_steps", steps[1], pack_integers(steps)))
                self._write(encode_frame(batch))
            self._last_flush = time.monotonic_ns()
        finally:
            self._lock.release()

    def _write(self, frame: bytes) -> None:
        data = memoryview(self._unsent + frame if self._unsent else frame)
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
        except BaseException:
            # A signal handler raised (KeyboardInterrupt) while the pipe was full: the reader
            # needs whole frames, so what is left of this one goes first next time.
            self._unsent = bytes(data)
            raise
        self._unsent = b""
