"""The trace model: what happened to every task, loop and signal in one run of a program.

Pure data (dataclasses, no I/O, no display). ``TraceBuilder`` folds the raw event stream, from
the tracer in the child and from the runner in the parent, into a ``Trace``, one event at a time,
so a live view can show the trace while the program still runs. All times are seconds since the
runner started the process.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from itertools import chain
from typing import Any, overload

from .tracer.protocol import (
    BARE_KEYS,
    FIELDS,
    INTEGER,
    KEYS,
    unpack_integers,
    unpack_spawns,
)

OUTCOMES = ("finished", "failed", "cancelled", "destroyed-pending", "pending-at-exit")
"""Every task ends with one of these. The last two mean it never finished on its event loop."""

MAX_STEPS = 200_000
"""Step intervals kept per trace; past this only each task's total running time is kept."""

TASK_KINDS = frozenset(kind for kind in FIELDS if kind.startswith("task_"))
"""The tracer's records about tasks: the bulk of a busy trace, and what ``fold`` may defer."""
PACKED_BYTES = {"task_steps": 3 * INTEGER, "task_spawns": 6 * INTEGER}
"""Bytes a step or a spawn takes in a packed record (see ``tracer.protocol``)."""
DEFERRED_LIMIT = 250_000
"""Deferred task records (a step counts as one) that make ``add_records`` fold at once."""
UNREADABLE = "the trace channel carried data labkit cannot read; it was skipped"


Event = dict[str, Any]
"""One event as it is read: ``kind``, ``t``, ``source`` and the kind's fields."""


def as_event(item: tuple[Any, ...] | Event) -> Event:
    """A stored event as a dict: a tracer record's tuple gets its keys (``KEYS``)."""
    if isinstance(item, dict):
        return item
    return dict(zip(KEYS.get(item[0], BARE_KEYS), item, strict=False), source="tracer")


def events_as_dicts(items: Iterable[tuple[Any, ...] | Event]) -> list[Event]:
    """``as_event`` of each, written out: a busy trace has hundreds of thousands."""
    keys = KEYS.get
    return [item if isinstance(item, dict)
            else dict(zip(keys(item[0], BARE_KEYS), item, strict=False), source="tracer")
            for item in items]


def _event_time(item: tuple[Any, ...] | Event) -> float:
    return float(item["t"] if isinstance(item, dict) else item[1])


class Events(Sequence[Event]):
    """The stream of events in a trace, in the order they arrived (``Trace.events``).

    Each reads as a dict (a fresh one each time for the tracer's records): ``kind``, ``t`` (in
    seconds), ``source`` ("tracer" or "runner") and the kind's fields. The tracer's records, a
    busy program's hundreds of thousands, are kept as the tuples they arrive as (their time in
    seconds), a third of a dict's memory, and get their keys only when read.
    """

    __slots__ = ("_items",)

    def __init__(self, events: Iterable[Event] = ()) -> None:
        self._items: list[tuple[Any, ...] | Event] = list(events)

    def append(self, event: Event) -> None:
        """Add one event, a dict (it becomes part of the trace as it is)."""
        self._items.append(event)

    def append_record(self, record: tuple[Any, ...]) -> None:
        """Add one of the tracer's records, ``(kind, t, *fields)`` in ``KEYS`` order, with
        ``t`` in seconds."""
        self._items.append(record)

    def stored(self) -> list[tuple[Any, ...] | Event]:
        """The events as kept, tuples and dicts (no copy: for readers that convert them in
        bulk, like the JSON writer)."""
        return self._items

    def times(self) -> Iterator[float]:
        """Each event's time, without making its dict."""
        return map(_event_time, self._items)

    def __len__(self) -> int:
        return len(self._items)

    @overload
    def __getitem__(self, index: int) -> Event: ...

    @overload
    def __getitem__(self, index: slice) -> list[Event]: ...

    def __getitem__(self, index: int | slice) -> Event | list[Event]:
        if isinstance(index, slice):
            return [as_event(item) for item in self._items[index]]
        return as_event(self._items[index])

    def __iter__(self) -> Iterator[Event]:
        return map(as_event, self._items)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Events):
            return list(self) == list(other)
        if isinstance(other, list):
            return list(self) == other
        return NotImplemented

    def __repr__(self) -> str:
        return f"<{len(self)} events>"


@dataclass(slots=True)
class CancelRequest:
    """One ``task.cancel()`` call."""

    t: float
    by: int | None  # the task that asked, if it was a task
    message: str | None
    cancelling: int  # task.cancelling() right after the call
    accepted: bool  # what cancel() returned


@dataclass(slots=True)
class TaskRecord:
    """One asyncio task from creation to its outcome."""

    id: int
    name: str
    coro: str
    parent: int | None
    loop: int | None
    created: float
    eager: bool = False
    steps: list[tuple[float, float]] = field(default_factory=list)
    running_time: float = 0.0
    cancel_requests: list[CancelRequest] = field(default_factory=list)
    uncancels: list[tuple[float, int]] = field(default_factory=list)
    outcome: str | None = None  # None while the program runs and the task is pending
    ended: float | None = None
    exc_type: str | None = None
    exc_message: str | None = None

    @property
    def label(self) -> str:
        """Its name and its coroutine's, e.g. "worker-1 worker" ("main" once if they match)."""
        return self.name if self.name == self.coro else f"{self.name} {self.coro}"

    @property
    def first_cancel(self) -> float | None:
        """When the first cancel request reached this task, if any did."""
        return self.cancel_requests[0].t if self.cancel_requests else None


@dataclass(slots=True)
class LoopRecord:
    """One event loop."""

    id: int
    thread: str
    created: float
    runs: list[tuple[float, float | None, str | None]] = field(default_factory=list)
    stop_calls: list[float] = field(default_factory=list)
    stop_callers: list[str | None] = field(default_factory=list)
    """Who made each of ``stop_calls``: the calling function as "module.qualname";
    "asyncio.base_events._run_until_complete_cb" is run_until_complete()'s own stop()."""
    closed: float | None = None
    close_refused: list[tuple[float, str]] = field(default_factory=list)
    shutdown_asyncgens: list[tuple[float, float | None]] = field(default_factory=list)
    shutdown_default_executor: list[tuple[float, float | None]] = field(default_factory=list)
    run_until_complete_errors: list[tuple[float, str]] = field(default_factory=list)


@dataclass(slots=True)
class SignalRecord:
    """One signal: sent by the runner, received by a Python handler in the program, or both."""

    signal: str
    sent: float | None = None
    reason: str | None = None  # "plan", "manual" or "timeout"
    disposition: str | None = None  # at send time, from /proc: "handled", "ignored", "default"
    received: float | None = None
    handler: str | None = None  # which Python handler took it


@dataclass(slots=True)
class AsyncioWarning:
    """A message asyncio or Python's warnings machinery reported."""

    t: float
    message: str
    source: str  # "exception handler" or a warning category such as "RuntimeWarning"
    exc_type: str | None = None
    task: int | None = None


@dataclass(slots=True)
class OutputLine:
    """One line the program wrote, without its line ending."""

    t: float
    text: str


@dataclass(slots=True)
class PrintedLine:
    """One line the program wrote through ``sys.stdout`` or ``sys.stderr``, as the tracer saw
    it: when it was written and by whom (the task, or a thread outside any task)."""

    t: float
    stream: str  # "stdout" or "stderr"
    text: str  # the first 500 characters
    task: int | None  # the task running when the line was written, if any
    thread: str | None = None  # the thread's name, when it was not the main thread


@dataclass(slots=True)
class Trace:
    """Everything recorded about one run. Build it with TraceBuilder."""

    script: str
    argv: list[str]
    python: str | None = None
    executable: str | None = None
    pid: int | None = None
    exit_code: int | None = None  # as subprocess reports it: -N means killed by signal N
    loop_started: float | None = None  # when the first event loop started running
    ended: float | None = None
    exit_how: str | None = None  # "normal", an uncaught exception's type, or None: no atexit
    tasks: list[TaskRecord] = field(default_factory=list)
    loops: list[LoopRecord] = field(default_factory=list)
    signals: list[SignalRecord] = field(default_factory=list)
    keyboard_interrupts: list[tuple[float, str]] = field(default_factory=list)
    uncaught: list[tuple[float, str, str]] = field(default_factory=list)
    warnings: list[AsyncioWarning] = field(default_factory=list)
    notes: list[tuple[float, str]] = field(default_factory=list)  # labkit's own messages
    stdout: list[OutputLine] = field(default_factory=list)
    stderr: list[OutputLine] = field(default_factory=list)
    printed: list[PrintedLine] = field(default_factory=list)
    events: Events = field(default_factory=Events)
    steps_dropped: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.events, Events):  # e.g. a list of dicts, made by hand
            self.events = Events(self.events)

    def task(self, name: str) -> TaskRecord:
        """The task with this name (or coroutine name); KeyError if there is none."""
        for task in self.tasks:
            if name in (task.name, task.coro):
                return task
        raise KeyError(f"no task named {name!r}; tasks: {[t.name for t in self.tasks]}")

    def stdout_text(self) -> str:
        """The program's standard output as text."""
        return "".join(line.text + "\n" for line in self.stdout)

    def stderr_text(self) -> str:
        """The program's standard error as text."""
        return "".join(line.text + "\n" for line in self.stderr)

    def to_dict(self, events: bool = True) -> dict[str, Any]:
        """The trace as plain JSON-ready data (the documented schema), sharing nothing with
        the trace that could change it (records become dicts, lists are copied); without
        ``events`` if not asked for (``labkit run --json`` leaves them out unless ``--events``).
        """
        data = {name: plain(getattr(self, name)) for name in TRACE_FIELDS}  # keys in order
        data["stdout"] = self.stdout_text()
        data["stderr"] = self.stderr_text()
        if events:
            data["events"] = list(self.iter_events())
        else:
            del data["events"]
        return data

    def sorted_events(self) -> list[tuple[Any, ...] | Event]:
        """The events as stored (see ``Events.stored``) with one ``stdout``/``stderr`` event
        per output line, in time order (events at the same time in the order they came)."""
        lines: list[Event] = [
            {"kind": stream, "t": line.t, "source": "runner", "text": line.text}
            for stream, lines_ in (("stdout", self.stdout), ("stderr", self.stderr))
            for line in lines_
        ]
        return sorted(chain(self.events.stored(), lines), key=_event_time)

    def iter_events(self) -> Iterator[Event]:
        """The whole stream, tracer and runner events and output lines, in time order."""
        return map(as_event, self.sorted_events())


TRACE_FIELDS = tuple(f.name for f in fields(Trace))
"""The trace's keys, in the order ``to_dict`` and the JSON give them."""


def plain(value: Any) -> Any:
    """``value`` as plain data, as ``dataclasses.asdict`` gives it but without copying what
    cannot change: each record a dict of its fields, each list copied; tuples (of times and
    words) are kept."""
    if isinstance(value, list):
        return [item if type(item) is tuple else plain(item) for item in value]
    if hasattr(value, "__dataclass_fields__"):
        return {name: plain(getattr(value, name)) for name in value.__dataclass_fields__}
    return value


class TraceBuilder:
    """Folds events into a Trace, one at a time.

    Events carry ``time.monotonic_ns()`` from the child or the parent (one clock on Linux);
    ``origin`` (the parent's ``time.monotonic()`` when it started the process) turns them into
    seconds since start.

    Folding task records is most of the parent's work on a busy trace; while nobody watches,
    the runner defers it (``add_records(..., defer_tasks=True)``) so that it does not compete
    with the program for the CPU, and ``fold()`` catches up. ``fold`` may be called from any
    thread.
    """

    def __init__(self, script: str, argv: list[str], origin: float) -> None:
        self.trace = Trace(script=script, argv=argv)
        self._origin_ns = 0
        self.origin = origin
        self._tasks: dict[int, TaskRecord] = {}
        self._loops: dict[int, LoopRecord] = {}
        self._steps_kept = 0
        self.hooks_off: set[str] = set()
        """The tracer's hooks it said were off ("start": it could not start at all)."""
        self._deferred: list[list[Sequence[Any]]] = []  # batches of task records, in order
        self._deferred_count = 0
        self._fold_lock = threading.Lock()
        self._coro_names: dict[str, str] = {}
        self._handlers = {
            name.removeprefix("_on_"): getattr(self, name)
            for name in dir(self) if name.startswith("_on_")
        }

    def add_records(
        self, records: Iterable[Sequence[Any]], *, defer_tasks: bool = False
    ) -> None:
        """Apply the tracer's raw records, ``(kind, t, *values)`` (see ``tracer.protocol``).

        With ``defer_tasks``, records about tasks wait for ``fold()`` (or for this call to find
        DEFERRED_LIMIT of them waiting); the others apply now. No other record depends on the
        task records, which keep their order.
        """
        if not defer_tasks:
            self.fold()
            self._apply(records)
            return
        tasks: list[Sequence[Any]] = []
        others: list[Sequence[Any]] = []
        count = 0
        for record in records:
            kind = record[0]
            if kind in TASK_KINDS:
                tasks.append(record)
                count += len(record[2]) // PACKED_BYTES[kind] if kind in PACKED_BYTES else 1
            else:
                others.append(record)
        if tasks:
            with self._fold_lock:
                self._deferred.append(tasks)
                self._deferred_count += count
        self._apply(others)
        if self._deferred_count > DEFERRED_LIMIT:
            self.fold()

    def fold(self) -> None:
        """Apply the task records ``add_records`` deferred; a batch that cannot be read is
        skipped with a note."""
        with self._fold_lock:
            batches, self._deferred, self._deferred_count = self._deferred, [], 0
            if not batches:
                return
            # Folding makes hundreds of thousands of small objects that form no cycles, and
            # the cyclic garbage collector would walk the whole heap several times meanwhile
            # (half the fold's time on the churn benchmark): pause it, if it runs.
            collecting = gc.isenabled()
            gc.disable()
            try:
                for batch in batches:
                    try:
                        self._apply(batch)
                    except (ValueError, TypeError, IndexError, KeyError):
                        self.add({"kind": "note", "t": time.monotonic_ns(),
                                  "source": "runner", "message": UNREADABLE})
            finally:
                if collecting:
                    gc.enable()

    def _apply(self, records: Iterable[Sequence[Any]]) -> None:
        """Each record kept as the tuple it came as, with its time in seconds, and applied as
        ``add`` would apply its dict (see ``Events``): written out, as a busy program sends
        hundreds of thousands."""
        keep = self.trace.events.append_record
        handlers = self._handlers
        origin = self._origin_ns - 500  # so that // 1000 rounds to the nearest microsecond
        for record in records:
            kind = record[0]
            if kind == "task_steps":
                self._steps(record[2])
                continue
            if kind == "task_spawns":
                self._spawns(record[2], record[3])
                continue
            t = (record[1] - origin) // 1000 / 1e6
            if kind == "task_spawned":
                _, _, task, name, coro, parent, loop, eager = record
                self._spawned(t, task, name, coro, parent, loop, eager)
                continue
            stored = (kind, t, *record[2:])
            keep(stored)
            handler = handlers.get(kind)
            if handler is not None:
                handler(as_event(stored))

    def add(self, event: dict[str, Any]) -> None:
        """Apply one event: a dict with ``kind``, ``t`` (``time.monotonic_ns()``) and fields.

        The dict becomes part of the trace (its ``t`` turned into seconds): pass a fresh one.
        """
        kind = event["kind"]
        if kind == "task_steps":
            self._steps(event["packed"])
            return  # steps live in the task records, not in the event list
        if kind == "task_spawns":
            self._spawns(event["packed"], event["text"])
            return
        if "source" not in event:
            event["source"] = "tracer"
        event["t"] = self._seconds(event["t"])
        self.trace.events.append(event)
        handler = self._handlers.get(kind)
        if handler is not None:
            handler(event)

    @property
    def origin(self) -> float:
        """When the runner started the process, as ``time.monotonic()``."""
        return self._origin_ns / 1e9

    @origin.setter
    def origin(self, value: float) -> None:
        self._origin_ns = round(value * 1e9)

    def add_output(self, stream: str, t: float, text: str) -> None:
        """Record one line of the program's stdout or stderr."""
        line = OutputLine(round(t - self.origin, 6), text)
        (self.trace.stdout if stream == "stdout" else self.trace.stderr).append(line)

    def finish(self) -> Trace:
        """Close the trace: tasks with no outcome were still pending when the process ended."""
        self.fold()
        trace = self.trace
        for task in trace.tasks:
            if task.outcome is None:
                task.outcome = "pending-at-exit"
                task.ended = trace.ended
        return trace

    # --- tracer events -------------------------------------------------------------------
    def _on_hello(self, e: dict[str, Any]) -> None:
        self.trace.pid = e["pid"]
        self.trace.python = e["python"]
        self.trace.executable = e["executable"]

    def _on_tracer_error(self, e: dict[str, Any]) -> None:
        """The tracer about itself: a hook it could not install, or that it could not start."""
        self.trace.notes.append((e["t"], f"tracer: {e['message']}"))
        if e["where"] != "version":  # only says the version is newer than tested
            self.hooks_off.add(e["where"])

    def _on_exit(self, e: dict[str, Any]) -> None:
        self.trace.exit_how = e["how"]

    def _on_uncaught(self, e: dict[str, Any]) -> None:
        self.trace.uncaught.append((e["t"], e["exc_type"], e["message"]))

    def _on_keyboard_interrupt(self, e: dict[str, Any]) -> None:
        self.trace.keyboard_interrupts.append((e["t"], e["where"]))

    def _on_signal_received(self, e: dict[str, Any]) -> None:
        for record in self.trace.signals:
            if record.signal == e["signal"] and record.received is None and record.sent is not None:
                record.received, record.handler = e["t"], e["handler"]
                return
        self.trace.signals.append(
            SignalRecord(e["signal"], received=e["t"], handler=e["handler"])
        )

    def _on_printed(self, e: dict[str, Any]) -> None:
        self.trace.printed.append(
            PrintedLine(e["t"], e["stream"], e["text"], e["task"], e["thread"])
        )

    def _on_loop_created(self, e: dict[str, Any]) -> None:
        loop = LoopRecord(e["loop"], e["thread"], e["t"])
        self._loops[loop.id] = loop
        self.trace.loops.append(loop)

    def _loop(self, e: dict[str, Any]) -> LoopRecord:
        loop_id = e["loop"]
        if loop_id not in self._loops:  # a loop made before tracing began: keep it anyway
            self._on_loop_created({"loop": loop_id, "thread": "?", "t": e["t"]})
        return self._loops[loop_id]

    def _on_loop_run_start(self, e: dict[str, Any]) -> None:
        self._loop(e).runs.append((e["t"], None, None))
        if self.trace.loop_started is None:
            self.trace.loop_started = e["t"]

    def _on_loop_run_stop(self, e: dict[str, Any]) -> None:
        runs = self._loop(e).runs
        if runs and runs[-1][1] is None:
            runs[-1] = (runs[-1][0], e["t"], e["exc_type"])

    def _on_loop_stop(self, e: dict[str, Any]) -> None:
        loop = self._loop(e)
        loop.stop_calls.append(e["t"])
        loop.stop_callers.append(e["caller"])

    def _on_loop_close(self, e: dict[str, Any]) -> None:
        loop = self._loop(e)
        if e["refused"]:
            loop.close_refused.append((e["t"], e["refused"]))
        else:
            loop.closed = e["t"]

    def _phase(self, phases: list[tuple[float, float | None]], e: dict[str, Any]) -> None:
        if e["phase"] == "start":
            phases.append((e["t"], None))
        elif phases and phases[-1][1] is None:
            phases[-1] = (phases[-1][0], e["t"])

    def _on_loop_shutdown_asyncgens(self, e: dict[str, Any]) -> None:
        self._phase(self._loop(e).shutdown_asyncgens, e)

    def _on_loop_shutdown_default_executor(self, e: dict[str, Any]) -> None:
        self._phase(self._loop(e).shutdown_default_executor, e)

    def _on_run_until_complete_error(self, e: dict[str, Any]) -> None:
        self._loop(e).run_until_complete_errors.append((e["t"], e["message"]))

    def _on_loop_exception(self, e: dict[str, Any]) -> None:
        self.trace.warnings.append(
            AsyncioWarning(e["t"], e["message"], "exception handler", e["exc_type"], e["task"])
        )

    def _on_python_warning(self, e: dict[str, Any]) -> None:
        self.trace.warnings.append(AsyncioWarning(e["t"], e["message"], e["category"]))

    # --- tasks ---------------------------------------------------------------------------
    def _on_task_spawned(self, e: dict[str, Any]) -> None:
        self._new_task(e["t"], e["task"], e["name"], e["coro"], e["parent"], e["loop"],
                       e["eager"])

    def _new_task(self, t: float, task_id: int, name: str, coro: str, parent: int | None,
                  loop: int | None, eager: bool) -> TaskRecord:
        # One string for each coroutine's name, however many tasks run it.
        coro = self._coro_names.setdefault(coro, coro)
        task = TaskRecord(task_id, name, coro, parent, loop, t, bool(eager))
        self._tasks[task_id] = task
        self.trace.tasks.append(task)
        return task

    def _spawned(self, t: float, task_id: int, name: str, coro: str, parent: int | None,
                 loop: int | None, eager: bool) -> None:
        """A ``task_spawned`` record (``t`` in seconds), kept and applied."""
        task = self._new_task(t, task_id, name, coro, parent, loop, eager)
        self.trace.events.append_record(
            ("task_spawned", t, task_id, name, task.coro, parent, loop, eager))

    def _seconds(self, t_ns: int) -> float:
        """Seconds since the start, to the nearest microsecond (integer arithmetic: exact)."""
        return (t_ns - self._origin_ns + 500) // 1000 / 1e6

    def _spawns(self, packed: bytes, text: str) -> None:
        """Apply packed spawns (see ``tracer.protocol``) as their ``task_spawned`` records:
        ``_spawned`` written out, as a busy program spawns tens of thousands of tasks."""
        keep = self.trace.events.append_record
        add_task = self.trace.tasks.append
        tasks, coro_names = self._tasks, self._coro_names
        origin = self._origin_ns - 500  # so that // 1000 rounds to the nearest microsecond
        for t_ns, task_id, name, coro, parent, loop in unpack_spawns(packed, text):
            t = (t_ns - origin) // 1000 / 1e6
            coro = coro_names.setdefault(coro, coro)
            keep(("task_spawned", t, task_id, name, coro, parent, loop, False))
            task = TaskRecord(task_id, name, coro, parent, loop, t)
            tasks[task_id] = task
            add_task(task)

    def _steps(self, packed: bytes) -> None:
        """Fold packed steps, ``task, start, end, ...`` (ns), into the tasks: the hot loop of a
        busy trace, so the times are converted a list at a time and ``_on_task_exited`` is
        written out in it. A negative ``task`` is the step a task finished in (see
        ``tracer.protocol``)."""
        tasks = self._tasks
        keep = self.trace.events.append_record
        origin = self._origin_ns - 500  # so that // 1000 rounds to the nearest microsecond
        values = unpack_integers(packed)
        starts_ns, ends_ns = values[1::3], values[2::3]
        steps = zip([(t - origin) // 1000 / 1e6 for t in starts_ns],
                    [(t - origin) // 1000 / 1e6 for t in ends_ns], strict=True)
        running = [(end - start) / 1e9 for start, end in zip(starts_ns, ends_ns, strict=True)]
        room = MAX_STEPS - self._steps_kept
        for task_id, step, duration in zip(values[0::3], steps, running, strict=True):
            if task_id < 0:  # the record ("task_exited", end, task_id, "finished", None, None)
                task_id = -task_id
                keep(("task_exited", step[1], task_id, "finished", None, None))
                task = tasks.get(task_id)
                if task is None:
                    continue
                if task.outcome is None:
                    task.outcome, task.ended = "finished", step[1]
            else:
                task = tasks.get(task_id)
                if task is None:
                    continue
            task.running_time += duration
            if room > 0:
                task.steps.append(step)
                room -= 1
            else:
                self.trace.steps_dropped += 1
        self._steps_kept = MAX_STEPS - room

    def _on_task_renamed(self, e: dict[str, Any]) -> None:
        task = self._tasks.get(e["task"])
        if task is not None:
            task.name = e["name"]

    def _on_task_cancel(self, e: dict[str, Any]) -> None:
        task = self._tasks.get(e["task"])
        if task is not None:
            task.cancel_requests.append(
                CancelRequest(e["t"], e["by"], e["message"], e["cancelling"], e["accepted"])
            )

    def _on_task_uncancel(self, e: dict[str, Any]) -> None:
        task = self._tasks.get(e["task"])
        if task is not None:
            task.uncancels.append((e["t"], e["cancelling"]))

    def _on_task_exited(self, e: dict[str, Any]) -> None:
        task = self._tasks.get(e["task"])
        if task is not None and task.outcome is None:
            task.outcome, task.ended = e["outcome"], e["t"]
            task.exc_type, task.exc_message = e["exc_type"], e["exc_message"]

    def _on_task_destroyed(self, e: dict[str, Any]) -> None:
        task = self._tasks.get(e["task"])
        if task is not None and task.outcome is None:
            task.outcome, task.ended = "destroyed-pending", e["t"]

    # --- runner events -------------------------------------------------------------------
    def _on_signal_sent(self, e: dict[str, Any]) -> None:
        self.trace.signals.append(
            SignalRecord(e["signal"], sent=e["t"], reason=e["reason"], disposition=e["disposition"])
        )

    def _on_note(self, e: dict[str, Any]) -> None:
        self.trace.notes.append((e["t"], e["message"]))

    def _on_process_exit(self, e: dict[str, Any]) -> None:
        self.trace.exit_code = e["returncode"]
        self.trace.ended = e["t"]
