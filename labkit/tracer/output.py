"""Who printed what, and when: each line written to ``sys.stdout`` or ``sys.stderr``.

The runner reads the program's output from its pipes, and stamps each line when it arrives,
which can be later than the write and says nothing about who wrote it. Checks need both: a
cleanup line counts only when the task that owns the cleanup printed it, after its
cancellation reached it, while its loop still ran. So ``sys.stdout`` and ``sys.stderr`` (and
``sys.__stdout__``, ``sys.__stderr__``, so that a program restoring them keeps them) are
replaced by a thin stand-in that passes every call on to the real stream and, for each line
completed by a ``write``, records a ``printed`` record: the stream, the task running in this
thread (or None), the thread's name when it is not the main thread, and the line's text. Each
thread's lines are put together apart from the others': ``print()`` writes its text and its
newline in two calls, so two threads printing at once interleave in the real stream, but each
recorded line is one thread's own.

The stand-in writes first and records after, so the output and the moment a signal can land
in it stay as they are untraced. Lines written by a task travel batched, like steps (the loop
flushes before it waits); lines written outside any task (before a loop, in a thread, while
Python shuts down and closes abandoned coroutines) are written to the channel at once, since
no loop may come to flush them. What bypasses the stream objects (``os.write``, C code, child
processes, ``sys.stdout.buffer``) is in the output but not in these records.
"""

from __future__ import annotations

import _thread
import sys
import threading
import time
from typing import Any

from .channel import Channel
from .tasks import _current_task_id

MAX_LINES = 100_000
"""Lines recorded in all; past this the output still flows, unrecorded."""
MAX_TEXT = 500
"""Characters of a line that are recorded (a cleanup line is much shorter)."""


class RecordedStream:
    """Stands in for a text stream: passes everything on, and records each completed line."""

    def __init__(self, stream: Any, name: str, recorder: _Recorder) -> None:
        object.__setattr__(self, "_labkit_stream", stream)
        object.__setattr__(self, "_labkit_name", name)
        object.__setattr__(self, "_labkit_recorder", recorder)
        # the unfinished line of each thread: print() writes its text and its "\n" in two
        # calls, and another thread may write in between; each thread's line is its own
        object.__setattr__(self, "_labkit_partials", {})

    def write(self, text: Any) -> Any:
        """Write ``text`` to the real stream, then record the lines it completed."""
        written = self._labkit_stream.write(text)
        if type(text) is str:
            partials = self._labkit_partials
            thread = _thread.get_ident()
            partial = partials.get(thread)
            if partial is None:
                partial = partials[thread] = []
            if "\n" in text:
                self._labkit_recorder.lines(self._labkit_name, partial, text)
            elif len(partial) < 64:
                partial.append(text)
        return written

    def writelines(self, lines: Any) -> None:
        """Write each line, as ``write`` would."""
        for line in lines:
            self.write(line)

    @property  # type: ignore[misc]
    def __class__(self) -> type:
        # isinstance(sys.stdout, io.TextIOWrapper) stays true, as it is untraced
        return type(self._labkit_stream)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._labkit_stream, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._labkit_stream, name, value)

    def __repr__(self) -> str:
        return repr(self._labkit_stream)

    def __iter__(self) -> Any:
        return iter(self._labkit_stream)

    def __enter__(self) -> Any:
        return self._labkit_stream.__enter__()

    def __exit__(self, *exc_info: Any) -> Any:
        return self._labkit_stream.__exit__(*exc_info)


class _Recorder:
    def __init__(self, channel: Channel) -> None:
        self.channel = channel
        self.left = MAX_LINES
        self.main_thread = _thread.get_ident()

    def lines(self, stream: str, partial: list[str], text: str) -> None:
        if self.left <= 0:
            partial.clear()
            return
        *complete, rest = text.split("\n")
        if partial:
            complete[0] = "".join(partial) + complete[0]
            partial.clear()
        if rest:
            partial.append(rest)
        task = _current_task_id()
        thread = None if _thread.get_ident() == self.main_thread else (
            threading.current_thread().name)
        records = self.channel.records
        t = time.monotonic_ns()
        for line in complete[: self.left]:
            records.append(("printed", t, stream, task, thread, line[:MAX_TEXT]))
        self.left -= len(complete)
        if task is None:
            self.channel.flush()


def install(channel: Channel) -> None:
    """Put recording stand-ins in place of the standard streams that are text streams."""
    recorder = _Recorder(channel)
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name, None)
        if stream is None or not hasattr(stream, "write"):
            continue
        recorded = RecordedStream(stream, name, recorder)
        setattr(sys, name, recorded)
        if getattr(sys, f"__{name}__", None) is stream:
            setattr(sys, f"__{name}__", recorded)
