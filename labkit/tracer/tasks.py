"""Task hooks: spawned, each step, cancel requests, exited, destroyed while pending.

``asyncio.tasks.Task`` is replaced by a subclass of the C task (same name, same repr) that
records its creation, ``cancel()``/``uncancel()`` calls and its destruction. Steps are timed by
wrapping ``Handle._run``: every task step is a loop callback whose ``__self__`` is the task, and a
task can only finish inside one of its own steps, so the outcome is read right after the step.
No done-callback is added: it would show up in the task reprs the script prints. On an event
loop that runs its callbacks in C (uvloop) ``Handle._run`` is never called: there the steps
are timed by ``tracer.uvloops``, which records them with the function ``install`` returns. A
task made on a loop of any other kind is recorded as spawned, with a note that the rest is not.

An eager task (Python 3.12+, ``eager_start=True``) runs its first step inside ``Task.__init__``,
out of the tracer's reach: that step is timed as the constructor call, which adds asyncio's own
bookkeeping around the step (asking the loop for its debug mode and whether it runs, registering
a task that goes on waiting): well under a microsecond, or about one if it goes on waiting.

These hooks run for every task and every step, so they are written for speed: they append
straight to the channel's flat lists, read only what the record needs, and call a helper only
for the rare cases (a task that fails or is cancelled, a Task() call other than
loop.create_task's). What is left is mostly the price of running Python code at all: on the
churn benchmark (CPython 3.11) about 12,500 instructions a task, a third of them for calling a
Python ``__init__`` (with keywords, twice) around the C one, and about 4,000 a step (the
wrapper's frame, its checks, two clock reads, the task's state and the record, a few hundred each),
as ``benchmarks/instructions.py`` counts them.
"""

from __future__ import annotations

import asyncio
import asyncio.events
import asyncio.tasks
import itertools
import sys
import time
from collections.abc import Callable
from typing import Any

from .channel import BATCH_SIZE, Channel
from .protocol import SPAWN_VALUES

_MISSING: Any = object()  # an argument not given to Task()


def loop_id(loop: object) -> int | None:
    """The tracer's number for an event loop (assigned when the loop is created)."""
    return getattr(loop, "_labkit_id", None)


def _task_of_loop() -> Any:
    """``dict.get`` of the table asyncio keeps of the task each running loop is stepping, or,
    if this version keeps no such table, ``current_task`` given a loop or None."""
    table = getattr(asyncio.tasks, "_current_tasks", None)
    if isinstance(table, dict):
        return table.get  # what current_task(loop) reads (a Python function on 3.11)

    def task_of_loop(loop: Any) -> Any:
        return None if loop is None else asyncio.tasks.current_task(loop)
    return task_of_loop


_running_loop = asyncio.events._get_running_loop


signal_handlers_running = [0]
"""Above 0 while a Python signal handler runs (``tracer.signals`` counts them): what it does,
such as asyncio.Runner's cancel() of the main task, is asked by no task, whichever task the
signal happened to interrupt."""


def _current_task_id() -> int | None:
    """The tracer's number for the task running in this thread, if any (none while a signal
    handler runs)."""
    if signal_handlers_running[0]:
        return None
    return getattr(_task_of_loop()(_running_loop()), "_labkit_id", None)


StepEnded = Callable[[Any, int, int, int], None]
"""Records one step of a task (the task, its id, the step's start and end): the step, and the
task's outcome if it finished in it."""


def install(channel: Channel, steps: bool = True) -> StepEnded:
    """Swap in the traced Task class and, with ``steps``, the step timer; return the function
    that records a step timed elsewhere (on uvloop)."""
    base: type[asyncio.Task[Any]] = asyncio.tasks.Task
    base_init: Any = base.__init__
    base_del = base.__del__
    task_of_loop = _task_of_loop()
    running_loop = _running_loop
    task_ids = itertools.count(1)
    emit = channel.emit
    emit_at = channel.emit_at
    flush = channel.flush
    records = channel.records
    add_step = channel.steps.extend  # flat: task, start, end, task, start, end, ...
    spawns = channel.spawns
    add_spawn = spawns.extend  # flat, SPAWN_VALUES a spawn
    spawn_batch = BATCH_SIZE * SPAWN_VALUES
    clock = time.monotonic_ns
    untraced_loops: set[type] = set()

    def untraced(loop: Any) -> None:
        """Say, once per kind, that a task runs on an event loop the tracer does not see."""
        kind = type(loop)
        if kind not in untraced_loops:
            untraced_loops.add(kind)
            emit("note", f"tasks ran on an event loop labkit does not trace "
                 f"({kind.__module__}.{kind.__qualname__}): their steps and outcomes are not "
                 "recorded")

    def ended(task: Any, task_id: int, start: int, end: int) -> None:
        """Record the step a task finished in, and how it ended (at the step's end)."""
        if task.cancelled():
            add_step((task_id, start, end))
            records.append(("task_exited", end, task_id, "cancelled", None, None))
        else:
            # not task.exception(): that marks the exception retrieved, and asyncio would no
            # longer say "Task exception was never retrieved" when the task is collected
            exc = task._exception
            if exc is None:  # the common end travels with the step: see protocol.py
                add_step((-task_id, start, end))
                return
            add_step((task_id, start, end))
            records.append(("task_exited", end, task_id, "failed",
                            type(exc).__qualname__, str(exc)))
        if len(records) >= BATCH_SIZE:
            flush()

    def other_call(task: Any, task_id: int, parent: int, start: int, coro: Any,
                   args: tuple[Any, ...], given: dict[str, Any], more: dict[str, Any]) -> None:
        """Any Task() call but loop.create_task's: passed on as it was made (a wrong one fails
        in C's own words; a keyword given as None is C's default), and recorded on its own,
        with the first step if it ran eagerly, inside the call."""
        base_init(task, *(() if coro is _MISSING else (coro,)), *args,
                  **{key: value for key, value in given.items() if value is not None}, **more)
        end = clock()
        # eager_start runs the first step only on a running loop (else it is scheduled)
        eager = bool(more.get("eager_start")) and task.get_loop().is_running()
        coro = more.get("coro", coro)  # Task(coro=...)
        coro_name = getattr(coro, "__qualname__", None)
        loop_id = getattr(task.get_loop(), "_labkit_id", None)
        if loop_id is None:
            untraced(task.get_loop())
        records.append((
            "task_spawned", start, task_id, task.get_name(),
            type(coro).__qualname__ if coro_name is None else coro_name, parent or None,
            loop_id, eager,
        ))
        if eager:
            if task.done():
                ended(task, task_id, start, end)
            else:
                add_step((task_id, start, end))
        if len(records) >= BATCH_SIZE:
            flush()

    class Task(base):  # type: ignore[valid-type,misc]
        __slots__ = ("_labkit_id",)

        def __init__(
            self, coro: Any = _MISSING, /, *args: Any, loop: Any = None, name: Any = None,
            context: Any = None, **more: Any,
        ) -> None:
            # the id first: an eager first step, run by base_init, may look this task up
            self._labkit_id = task_id = next(task_ids)
            parent = getattr(task_of_loop(running_loop()), "_labkit_id", 0)
            start = clock()
            if args or more or coro is _MISSING:
                other_call(self, task_id, parent, start, coro, args,
                           {"loop": loop, "name": name, "context": context}, more)
                return
            # loop.create_task's call, Task(coro, loop=, name=, context=): the common one
            base_init(self, coro, loop=loop, name=name, context=context)
            try:
                coro_name = coro.__qualname__
            except AttributeError:  # a coroutine-like object of some other kind
                coro_name = type(coro).__qualname__
            try:
                loop_id = (self.get_loop() if loop is None else loop)._labkit_id
            except AttributeError:  # a loop the tracer does not see
                loop_id = 0
                untraced(self.get_loop())
            add_spawn((start, task_id, self.get_name(), coro_name, parent, loop_id))
            if len(spawns) >= spawn_batch:
                flush()

        def cancel(self, msg: Any = None) -> bool:
            asked = clock()  # before cancel() passes the request on to what the task awaits
            accepted: bool = super().cancel(msg)
            emit_at("task_cancel", asked, self._labkit_id, _current_task_id(),
                    None if msg is None else str(msg), self.cancelling(), accepted)
            return accepted

        def set_name(self, value: object) -> None:
            super().set_name(value)
            emit("task_renamed", self._labkit_id, self.get_name())

        def uncancel(self) -> int:
            count: int = super().uncancel()
            emit("task_uncancel", self._labkit_id, count)
            return count

        def __del__(self) -> None:
            if self.done():
                # asyncio's __del__ has nothing to do for a done task unless it is to say
                # "Task exception was never retrieved" (tasks.py's _PyTask shows the logic)
                if self._log_traceback:
                    base_del(self)
                return
            emit("task_destroyed", self._labkit_id)
            base_del(self)  # asyncio's "Task was destroyed but it is pending!"

    Task.__module__ = base.__module__
    Task.__qualname__ = base.__qualname__
    asyncio.tasks.Task = Task  # type: ignore[misc]
    asyncio.Task = Task  # type: ignore[misc]
    if sys.version_info >= (3, 12):
        factory = asyncio.tasks.create_eager_task_factory(Task)
        asyncio.tasks.eager_task_factory = factory
        asyncio.eager_task_factory = factory  # type: ignore[attr-defined]
    if steps:
        _install_step_timer(ended, add_step, clock)

    def step_ended(task: Any, task_id: int, start: int, end: int) -> None:
        if task._state == "PENDING":
            add_step((task_id, start, end))
        elif task._exception is None and not task.cancelled():  # it returned: see protocol
            add_step((-task_id, start, end))
        else:  # a task can only finish inside one of its steps
            ended(task, task_id, start, end)
    return step_ended


def _install_step_timer(ended: Any, add_step: Any, clock: Any) -> None:
    """Time every task step by wrapping ``Handle._run``; ``ended`` records a step that finished
    its task."""
    handle_run = asyncio.events.Handle._run
    builtin_method = type(len)  # task_wakeup is a builtin method of the C task
    step_type: type | None = None  # the C task's TaskStepMethWrapper, learnt on first sight

    def _run(self: asyncio.events.Handle) -> None:
        nonlocal step_type
        callback = self._callback  # type: ignore[attr-defined]
        kind = type(callback)
        # A step is TaskStepMethWrapper or task_wakeup; not e.g. call_soon(task.cancel).
        if kind is not step_type and (
            kind is not builtin_method or callback.__name__ != "task_wakeup"
        ):
            if step_type is not None or kind.__name__ != "TaskStepMethWrapper":
                handle_run(self)
                del self, callback  # no cycle through this frame: see below
                return
            step_type = kind
        task = callback.__self__
        try:
            task_id = task._labkit_id
        except AttributeError:  # a task the tracer did not make
            handle_run(self)
            del self, callback, task
            return
        start = clock()
        try:
            handle_run(self)
        finally:  # step_ended(), written out: this runs for every step
            end = clock()
            if task._state == "PENDING":  # not task.done(), and quicker
                add_step((task_id, start, end))
            else:
                if task._exception is None and not task.cancelled():  # it returned: protocol
                    add_step((-task_id, start, end))
                else:  # a task can only finish inside one of its steps
                    ended(task, task_id, start, end)
                # A coroutine that ends in this step links its frame to this one (f_back) for
                # as long as a traceback holds it, e.g. that of the exception its task keeps:
                # as asyncio's own Handle._run does (self = None), this frame lets go of the
                # task, or "Task exception was never retrieved" would come only when the
                # cycle is collected (at exit, say), not as the task is dropped.
                del self, callback, task

    asyncio.events.Handle._run = _run  # type: ignore[method-assign]
