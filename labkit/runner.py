"""Run a script as a traced child process and interrupt it on a plan, like Ctrl+C would.

``ProgramRun`` owns one child: it reads the child's stdout, stderr and trace channel on a thread
of its own, sends the planned signals at their times (measured from the moment the program's
first event loop starts running; from the process's start, after a bounded wait, if no loop is
seen starting), escalates on timeout (SIGINT, then SIGTERM, then SIGKILL) and
cleans up every process of the group on every exit path. The result is a ``Trace``.

While no live view (``on_event``) watches, the tracer's task records wait in the TraceBuilder
and are folded once the program has exited, or when ``ProgramRun.trace`` is read: on a busy
program that folding is most of the parent's work, and done meanwhile it would compete with the
program for the CPU.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import selectors
import signal
import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .bytecode import compiled_tracer
from .interpreters import Interpreter, resolve
from .model import UNREADABLE, Trace, TraceBuilder
from .process import Child, disposition
from .tracer.protocol import FRAME_HEADER, decode_frame

OUTPUT_LIMIT = 1 << 20  # bytes of each stream kept from the start; then only the last lines
TAIL_LINES = 200
LINE_LIMIT = 1 << 16  # a longer line without a newline is cut into pieces
CHANNEL_FRAME_LIMIT = 1 << 24  # bytes; the tracer's frames stay far below
DRAIN_TIME = 1.0  # after the program exits, how long its pipes may take to close
LOOP_WAIT = 5.0
"""Seconds after the process started that an interrupt plan waits for an event loop to start
(a program may import and set up for a while first); past that the plan counts from the
process's start instead, with a note, so that a program whose loop is never seen (no asyncio,
or a loop the tracer does not see) is still interrupted."""

_PLAN = re.compile(r"^(?:SIG)?([A-Z0-9]+)@(\d+(?:\.\d*)?|\.\d+)$")


class PlanError(ValueError):
    """An interrupt plan that cannot be understood."""


def _plan_problem(text: str) -> str:
    """What is wrong with an interrupt that does not read as SIGNAL@SECONDS."""
    example = "write SIGNAL@SECONDS, e.g. INT@0.5 or TERM@2"
    if "@" not in text:
        return f"there is no @ between the signal and the seconds: {example}"
    name, _, when = text.strip().rpartition("@")
    if not name:
        return f"the signal is missing before the @: {example}"
    try:
        seconds = float(when)
    except ValueError:
        return f"{when!r} is not a number of seconds: {example}"
    if seconds < 0:
        return ("the seconds count from the moment the program's first event loop starts, "
                f"so they cannot be negative ({when}): e.g. INT@0 for as soon as it runs")
    if not math.isfinite(seconds):
        return f"the seconds must be a finite number, not {when}"
    return "write the seconds as a decimal number, e.g. INT@0.5"


@dataclass(frozen=True)
class Interrupt:
    """A signal to send at ``at`` seconds after the program's first event loop starts (or after
    the process's start, if no loop is seen starting within ``LOOP_WAIT``)."""

    signal: signal.Signals
    at: float

    @classmethod
    def parse(cls, text: str) -> Interrupt:
        """Parse "INT@0.5", "SIGTERM@2" or "KILL@1"."""
        match = _PLAN.match(text.strip().upper())
        if not match:
            raise PlanError(f"cannot read interrupt {text!r}: {_plan_problem(text)}")
        name = "SIG" + match.group(1)
        try:
            sig = signal.Signals[name]
        except KeyError:
            raise PlanError(f"unknown signal {match.group(1)!r} in {text!r}") from None
        return cls(sig, float(match.group(2)))

    def __str__(self) -> str:
        return f"{self.signal.name.removeprefix('SIG')}@{self.at:g}"


FORCED_COLOUR = ("FORCE_COLOR", "CLICOLOR_FORCE", "PY_COLORS")
"""Variables that force colour codes into output that is not a terminal. Jupyter kernels set
some of them; the program's output here is read from pipes and shown as text, so they go."""


def plain_environment() -> dict[str, str]:
    """This process's environment without the variables that force colour codes."""
    return {k: v for k, v in os.environ.items() if k not in FORCED_COLOUR}


def positive_seconds(value: float, what: str) -> float:
    """``value`` if it is a finite number of seconds above zero; a clear ValueError if not."""
    if not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        raise ValueError(f"{what} must be a positive, finite number of seconds, not {value!r}")
    return float(value)


def working_directory(cwd: str | os.PathLike[str] | None = None) -> Path:
    """The folder a program will run in: ``cwd``, or this process's own if None.

    A clear FileNotFoundError if it is gone: a kernel whose folder was deleted (or replaced,
    e.g. by a fresh copy of the notebooks) would otherwise start programs that fail obscurely.
    """
    try:
        folder = Path(cwd) if cwd is not None else Path.cwd()
    except FileNotFoundError:
        raise FileNotFoundError(
            "this process's working folder no longer exists (it was deleted or replaced): "
            "os.chdir() to a folder that exists, or restart the kernel"
        ) from None
    if not folder.is_dir():
        raise FileNotFoundError(f"the working folder {str(folder)!r} does not exist")
    return folder


def parse_plan(plan: Sequence[str | Interrupt]) -> list[Interrupt]:
    """Accept interrupts as strings or Interrupt objects; sorted by time."""
    items = [p if isinstance(p, Interrupt) else Interrupt.parse(p) for p in plan]
    return sorted(items, key=lambda i: i.at)


class _Stream:
    """One output stream cut into lines, with bounded memory."""

    def __init__(self, name: str, builder: TraceBuilder, note: Callable[[str], None]) -> None:
        self.name, self.builder, self.note = name, builder, note
        self.pending = b""
        self.kept_bytes = 0
        self.dropped_lines = 0
        self.dropped_bytes = 0
        self.tail: deque[tuple[float, str]] = deque(maxlen=TAIL_LINES)
        self.bad_utf8 = False

    def feed(self, data: bytes, now: float) -> None:
        self.pending += data
        *lines, self.pending = self.pending.split(b"\n")
        while len(self.pending) > LINE_LIMIT:
            lines.append(self.pending[:LINE_LIMIT])
            self.pending = self.pending[LINE_LIMIT:]
        for line in lines:
            self._line(line, now)

    def close(self, now: float) -> None:
        if self.pending:
            self._line(self.pending, now)
            self.pending = b""
        if self.dropped_lines:
            self.dropped_lines -= len(self.tail)
            self.dropped_bytes -= sum(len(text) + 1 for _, text in self.tail)
            self.note(
                f"{self.name}: {self.dropped_lines} lines ({self.dropped_bytes} bytes) in the "
                f"middle were not kept; the first {self.kept_bytes} bytes and the last "
                f"{len(self.tail)} lines were"
            )
            self.builder.add_output(
                self.name, now, f"[labkit: {self.dropped_lines} lines not kept]"
            )
            for t, text in self.tail:
                self.builder.add_output(self.name, t, text)

    def _line(self, raw: bytes, now: float) -> None:
        raw = raw.removesuffix(b"\r")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("utf-8", "backslashreplace")
            if not self.bad_utf8:
                self.bad_utf8 = True
                self.note(f"{self.name} is not valid UTF-8: invalid bytes are shown as \\xNN")
        if self.kept_bytes + len(raw) <= OUTPUT_LIMIT and not self.dropped_lines:
            self.kept_bytes += len(raw) + 1
            self.builder.add_output(self.name, now, text)
        else:
            self.dropped_lines += 1
            self.dropped_bytes += len(raw) + 1
            self.tail.append((now, text))


class _FrameReader:
    """Cuts the trace channel's bytes into frames (``tracer.protocol``), whatever the reads.

    A frame claiming more than CHANNEL_FRAME_LIMIT bytes is skipped whole, unread.
    """

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.skip = 0  # bytes still to drop of an oversized frame

    def feed(self, data: bytes) -> tuple[list[bytearray], int]:
        """The payloads of the frames ``data`` completes, and how many oversized were skipped."""
        buffer = self.buffer
        buffer += data
        payloads: list[bytearray] = []
        oversized = 0
        offset = 0
        while True:
            if self.skip:
                dropped = min(self.skip, len(buffer) - offset)
                offset += dropped
                self.skip -= dropped
                if self.skip:
                    break
            start = offset + FRAME_HEADER.size
            if len(buffer) < start:
                break
            (size,) = FRAME_HEADER.unpack_from(buffer, offset)
            if size > CHANNEL_FRAME_LIMIT:
                oversized += 1
                offset, self.skip = start, size
            elif len(buffer) >= start + size:
                payloads.append(buffer[start : start + size])
                offset = start + size
            else:
                break
        del buffer[:offset]
        return payloads, oversized


class ProgramRun:
    """One traced run of a Python script in a child process.

    Call ``start()``, then ``wait()`` for the Trace; ``send()`` interrupts it like a key press
    and ``kill()`` ends it at once. ``on_event`` is called (on the runner's thread) after every
    batch of events, for live views. ``loop_wait``: how long the plan waits for an event loop
    to start before it counts from the process's start instead (``LOOP_WAIT``).
    """

    def __init__(
        self,
        script: str | os.PathLike[str],
        *,
        args: Sequence[str] = (),
        python: str | Interpreter | None = None,
        interrupt: Sequence[str | Interrupt] = (),
        timeout: float = 30.0,
        grace: float = 2.0,
        cwd: str | None = None,
        env: dict[str, str] | None = None,
        on_event: Callable[[Trace], None] | None = None,
        loop_wait: float = LOOP_WAIT,
    ) -> None:
        self.script = str(script)
        self.interpreter = python if isinstance(python, Interpreter) else resolve(python)
        self.plan = parse_plan(interrupt)
        self.timeout = positive_seconds(timeout, "timeout")
        self.grace = positive_seconds(grace, "grace")
        self.loop_wait = positive_seconds(loop_wait, "loop_wait")
        self.argv = [self.interpreter.path, "-u", self.script, *args]
        self.cwd, self.on_event = cwd, on_event
        self.env = plain_environment() if env is None else env
        self.origin = time.monotonic()
        self.builder = TraceBuilder(self.script, list(args), self.origin)
        self._child: Child | None = None
        self._thread: threading.Thread | None = None
        self._commands: deque[tuple[str, int]] = deque()
        self._plan_cancels: deque[str] = deque()  # why, for each cancel_plan() call
        self._wake_read, self._wake_write = os.pipe()
        self._done = threading.Event()
        self._error: BaseException | None = None

    # --- public API ----------------------------------------------------------------------
    @property
    def trace(self) -> Trace:
        """The trace so far (complete once the run is over)."""
        self.builder.fold()
        return self.builder.trace

    @property
    def done(self) -> bool:
        """True once the program and everything it started have ended and the trace is final."""
        return self._done.is_set()

    def start(self) -> ProgramRun:
        """Start the program and the thread that watches it."""
        if self._thread is not None:
            raise RuntimeError("this run has already been started")
        if not (working_directory(self.cwd) / self.script).exists():
            self._note(f"the script {self.script!r} does not exist")
        # before the clock starts: compiling, the first time, takes a moment
        tracer_code = compiled_tracer(self.interpreter.path, self.interpreter.version)
        self.origin = time.monotonic()
        self.builder.origin = self.origin
        self._child = Child(self.argv, cwd=self.cwd, env=self.env, tracer_code=tracer_code)
        self._add_runner_event("spawned", pid=self._child.pid, argv=self.argv,
                               python=self.interpreter.version)
        self._thread = threading.Thread(target=self._main, name="labkit-run", daemon=True)
        self._thread.start()
        return self

    def send(self, sig: int | str, reason: str = "manual") -> None:
        """Interrupt the program now, whether or not an event loop has started."""
        signum = Interrupt.parse(f"{sig}@0").signal if isinstance(sig, str) else sig
        self._command(reason, int(signum))

    def kill(self) -> None:
        """End the program and everything it started, now (SIGKILL to the group)."""
        self._command("kill", int(signal.SIGKILL))

    def cancel_plan(self, why: str) -> None:
        """Send none of the planned interrupts not sent yet; a note for each says "not sent: WHY".

        None due after this call goes out; one due at that very instant may already be sent.
        """
        self._plan_cancels.append(why)
        self._wake()

    def wait(self, timeout: float | None = None) -> Trace:
        """Wait for the run to end and return its Trace; on any interruption, kill it first."""
        try:
            if not self._done.wait(timeout):
                raise TimeoutError(f"the run did not end within {timeout} s")
        except BaseException:
            self.kill()
            self._done.wait(5)
            raise
        if self._error is not None:
            raise self._error
        return self.trace

    # --- the runner thread ---------------------------------------------------------------
    def _command(self, what: str, signum: int) -> None:
        self._commands.append((what, signum))
        self._wake()

    def _wake(self) -> None:
        with contextlib.suppress(OSError):
            os.write(self._wake_write, b"!")

    def _note(self, message: str) -> None:
        self._add_runner_event("note", message=message)

    def _add_runner_event(self, kind: str, **fields: Any) -> None:
        self.builder.add({"kind": kind, "t": time.monotonic_ns(), "source": "runner", **fields})

    def _signal(self, signum: int, reason: str) -> None:
        assert self._child is not None
        how = disposition(self._child.pid, signum)
        sent_at = time.monotonic_ns()
        if self._child.send(signum):
            self.builder.add({"kind": "signal_sent", "t": sent_at, "source": "runner",
                              "signal": signal.Signals(signum).name, "reason": reason,
                              "disposition": how})

    def _main(self) -> None:
        try:
            self._watch()
        except BaseException as exc:  # never leave the child behind, whatever went wrong
            self._error = exc
        finally:
            child = self._child
            assert child is not None
            if child.popen.poll() is None or child.anything_left():
                child.kill_all()
                child.popen.wait()
            child.release()
            os.close(self._wake_read)
            os.close(self._wake_write)
            self._done.set()
            self._notify()

    def _notify(self) -> None:
        if self.on_event is not None:
            try:
                self.on_event(self.trace)
            except Exception as exc:  # a broken live view must not break the run
                self.builder.trace.notes.append((0.0, f"live view failed: {exc!r}"))
                self.on_event = None

    def _watch(self) -> None:
        child = self._child
        assert child is not None and child.popen.stdout and child.popen.stderr
        streams = {
            child.popen.stdout.fileno(): _Stream("stdout", self.builder, self._note),
            child.popen.stderr.fileno(): _Stream("stderr", self.builder, self._note),
        }
        frames = _FrameReader()
        selector = selectors.DefaultSelector()
        for fd in (*streams, child.trace_fd, self._wake_read):
            os.set_blocking(fd, False)
            selector.register(fd, selectors.EVENT_READ)
        exit_fd: int | None = None
        with contextlib.suppress(OSError, AttributeError):
            exit_fd = os.pidfd_open(child.pid)
            selector.register(exit_fd, selectors.EVENT_READ)

        plan = deque(self.plan)
        plan_base: float | None = None  # the plan's zero, once no loop was seen in time
        deadline = self.origin + self.timeout
        escalation = [signal.SIGINT, signal.SIGTERM, signal.SIGKILL]
        exited_at: float | None = None
        open_fds = set(streams) | {child.trace_fd}
        channel_closed_early = False

        while True:
            now = time.monotonic()
            loop_start = self._loop_start_abs()
            while self._plan_cancels:  # before the plan's due signals: see cancel_plan
                why = self._plan_cancels.popleft()
                for item in plan:
                    self._note(f"interrupt {item} was not sent: {why}")
                plan.clear()
            if (plan and plan_base is None and loop_start is None and exited_at is None
                    and now >= self.origin + self.loop_wait):
                plan_base = self._plan_without_loop(plan[0])
            base = loop_start if plan_base is None else plan_base
            while plan and base is not None and now >= base + plan[0].at:
                item = plan.popleft()
                self._signal(int(item.signal), "plan")
            while self._commands:
                what, signum = self._commands.popleft()
                if loop_start is None and exited_at is None and what != "kill":
                    self._note(f"{signal.Signals(signum).name} ({what}) was sent before any "
                               "event loop was seen starting")
                self._signal(signum, what)
            if exited_at is None and now >= deadline:
                sig = escalation.pop(0) if escalation else signal.SIGKILL
                self._note(f"timeout: still running after {now - self.origin:.1f} s, "
                           f"sending {sig.name}")
                self._signal(int(sig), "timeout")
                deadline = now + self.grace

            if exited_at is None and child.popen.poll() is not None:
                exited_at = time.monotonic()
                if child.anything_left():
                    self._note("the program's own child processes were still running; "
                               "labkit ended them (SIGKILL)")
                    child.kill_all()
            if exited_at is not None and (not open_fds or now > exited_at + DRAIN_TIME):
                break

            wake_times = [deadline] if exited_at is None else [exited_at + DRAIN_TIME]
            if base is not None and plan:
                wake_times.append(base + plan[0].at)
            elif plan and exited_at is None:
                wake_times.append(self.origin + self.loop_wait)
            timeout = max(0.0, min(wake_times) - time.monotonic())
            if exit_fd is None and exited_at is None:
                timeout = min(timeout, 0.05)
            ready = selector.select(timeout)
            for key, _ in ready:
                fd = int(key.fd)
                if fd == self._wake_read:
                    with contextlib.suppress(BlockingIOError):
                        os.read(fd, 4096)
                    continue
                if fd == exit_fd:
                    selector.unregister(fd)
                    os.close(fd)
                    exit_fd = None
                    continue
                try:
                    data = os.read(fd, 1 << 16)
                except BlockingIOError:
                    continue
                stamp = time.monotonic()
                if not data:
                    selector.unregister(fd)
                    open_fds.discard(fd)
                    if fd == child.trace_fd and not self._exits_soon(child):
                        channel_closed_early = True
                    elif fd in streams:
                        streams[fd].close(stamp)
                    continue
                if fd in streams:
                    streams[fd].feed(data, stamp)
                else:
                    self._read_channel(frames, data)
            if ready:
                self._notify()

        if exit_fd is not None:
            selector.unregister(exit_fd)
            os.close(exit_fd)
        selector.close()
        end = time.monotonic()
        for fd, stream in streams.items():
            if fd in open_fds:
                stream.close(end)
        self._finish(plan, plan_base is not None, channel_closed_early)

    @staticmethod
    def _exits_soon(child: Child) -> bool:
        """The channel closes as the process exits; tell that apart from the script closing it."""
        try:
            child.popen.wait(0.1)
        except subprocess.TimeoutExpired:
            return False
        return True

    def _plan_without_loop(self, first: Interrupt) -> float:
        """The plan's zero when no event loop was seen starting in time: the process's start,
        moved later by as much as the first interrupt is overdue, so that the interrupts keep
        their spacing (two Ctrl+C sent at once would reach the program as one). Says so."""
        waited = self.origin + self.loop_wait
        base = max(self.origin, waited - first.at)
        late = base - self.origin
        self._note(
            f"no event loop was seen starting within {self.loop_wait:g} s of the program's "
            "start: the interrupt plan counts from the program's start instead"
            + (f", each interrupt {late:.3f} s later than planned (the wait), so that they "
               "keep their spacing" if late > 0 else "")
        )
        return base

    def _loop_start_abs(self) -> float | None:
        started = self.builder.trace.loop_started
        return None if started is None else started + self.origin

    def _read_channel(self, frames: _FrameReader, data: bytes) -> None:
        payloads, oversized = frames.feed(data)
        for _ in range(oversized):
            self._note("the trace channel carried an oversized record; it was skipped")
        for payload in payloads:
            try:
                # with no live view, task records wait (see the module's docstring)
                self.builder.add_records(decode_frame(payload), defer_tasks=self.on_event is None)
            except (ValueError, TypeError, IndexError, KeyError):
                self._note(UNREADABLE)

    def _finish(self, plan: deque[Interrupt], plan_started: bool,
                channel_closed_early: bool) -> None:
        child = self._child
        assert child is not None
        trace = self.builder.trace  # not self.trace: task records fold after process_exit
        if channel_closed_early:
            self._note("the trace channel was closed while the program still ran (did it close "
                       "file descriptors it did not open?): later events are missing")
        off = self.builder.hooks_off
        untraced = "start" in off
        loops_unseen = untraced or "loops" in off
        if trace.python is None and not untraced:
            self._note("the tracer never reported: the program ended before Python started it")
        elif trace.loop_started is None and not channel_closed_early and not loops_unseen:
            self._note("no event loop was seen running in this program")
        if trace.loop_started is not None or plan_started:
            why = "the program ended first"
        elif loops_unseen:
            why = "the tracer could not see event loops (see its note)"
        elif channel_closed_early:
            why = "the trace channel closed before an event loop was seen"
        else:
            why = (f"the program ended within the {self.loop_wait:g} s the plan waits for an "
                   "event loop to start, and none was seen")
        for item in plan:
            self._note(f"interrupt {item} was not sent: {why}")
        if (trace.python is not None and trace.exit_how is None and not channel_closed_early
                and not untraced):
            code = child.popen.returncode
            if code is not None and code < 0:
                self._note(f"the program was killed by {signal.Signals(-code).name}: "
                           "no exit handler, finally block or cleanup ran after that")
            else:
                self._note("the program ended without running its exit handlers (os._exit?)")
        self._add_runner_event("process_exit", returncode=child.popen.returncode)
        self.builder.finish()
