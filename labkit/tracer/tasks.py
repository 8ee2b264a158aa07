"""Task hooks: spawned, each step, cancel requests, exited, destroyed while pending.

``asyncio.tasks.Task`` is replaced by a subclass of the C task (same name, same repr) that
records its creation, ``cancel()``/``uncancel()`` calls and its destruction. Steps are timed by
wrapping ``Handle._run``: every task step is a loop callback whose ``__self__`` is the task, and a
task can only finish inside one of its own steps, so the outcome is read right after the step.
No done-callback is added: it would show up in the task reprs the script prints.

An eager task (Python 3.12+, ``eager_start=True``) runs its first step inside ``Task.__init__``,
out of the tracer's reach: that step is timed as the constructor call, which adds asyncio's own
bookkeeping around the step (asking the loop for its debug mode and whether it runs, registering
a task that goes on waiting): well under a microsecond, or about one if it goes on waiting.

These hooks run for every task and every step, so they are written for speed: they append
straight to the channel's lists, and call a helper only once a task, when it ends.
"""

from __future__ import annotations

import asyncio
import asyncio.events
import asyncio.tasks
import itertools
import sys
import time
from typing import Any

from .channel import BATCH_SIZE, Channel

_MISSING: Any = object()  # an argument not given to Task()


def loop_id(loop: object) -> int | None:
    """The tracer's number for an event loop (assigned when the loop is created)."""
    return getattr(loop, "_labkit_id", None)


def _current_task_id() -> int | None:
    try:
        current = asyncio.tasks.current_task()
    except RuntimeError:  # no running loop in this thread
        return None
    return getattr(current, "_labkit_id", None)


def install(channel: Channel) -> type:
    """Swap in the traced Task class and the step timer; return the new Task class."""
    base: type[asyncio.Task[Any]] = asyncio.tasks.Task
    base_init: Any = base.__init__
    base_del = base.__del__
    current_task = asyncio.tasks.current_task
    task_ids = itertools.count(1)
    emit = channel.emit
    emit_at = channel.emit_at
    flush = channel.flush
    records = channel.records
    add_step = channel.steps.extend  # flat: task, start, end, task, start, end, ...
    clock = time.monotonic_ns

    def last_step(task: Any, task_id: int, start: int, end: int) -> None:
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

    class Task(base):  # type: ignore[valid-type,misc]
        __slots__ = ("_labkit_id",)

        def __init__(
            self, coro: Any = _MISSING, /, *args: Any, loop: Any = _MISSING,
            name: Any = _MISSING, context: Any = _MISSING, **more: Any,
        ) -> None:
            # the id first: an eager first step, run by base_init, may look this task up
            self._labkit_id = task_id = next(task_ids)
            try:
                parent = getattr(current_task(), "_labkit_id", None)
            except RuntimeError:  # no running loop in this thread
                parent = None
            eager = bool(more.get("eager_start"))
            start = clock()
            if (  # loop.create_task's call, spelled out: forwarding *args, **kwargs costs more
                not args and not more and coro is not _MISSING and loop is not _MISSING
                and name is not _MISSING and context is not _MISSING
            ):
                base_init(self, coro, loop=loop, name=name, context=context)
            else:  # any other call goes on as it was made (a wrong one fails in C's own words)
                given = {key: value for key, value in
                         (("loop", loop), ("name", name), ("context", context))
                         if value is not _MISSING}
                base_init(self, *(() if coro is _MISSING else (coro,)), *args, **given, **more)
                coro = more.get("coro", coro)  # Task(coro=...)
            end = clock() if eager else 0  # an eager task's first step ran in base_init
            coro_name = getattr(coro, "__qualname__", None)
            records.append((
                "task_spawned", start, task_id, self.get_name(),
                type(coro).__qualname__ if coro_name is None else coro_name, parent,
                getattr(self.get_loop(), "_labkit_id", None), eager,
            ))
            if eager:
                if self.done():
                    last_step(self, task_id, start, end)
                else:
                    add_step((task_id, start, end))
            if len(records) >= BATCH_SIZE:
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
            if not self.done():
                emit("task_destroyed", self._labkit_id)
            base_del(self)  # asyncio's "destroyed but pending" log

    Task.__module__ = base.__module__
    Task.__qualname__ = base.__qualname__
    asyncio.tasks.Task = Task  # type: ignore[misc]
    asyncio.Task = Task  # type: ignore[misc]
    if sys.version_info >= (3, 12):
        factory = asyncio.tasks.create_eager_task_factory(Task)
        asyncio.tasks.eager_task_factory = factory
        asyncio.eager_task_factory = factory  # type: ignore[attr-defined]

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
                return
            step_type = kind
        task = callback.__self__
        try:
            task_id = task._labkit_id
        except AttributeError:  # a task the tracer did not make
            handle_run(self)
            return
        start = clock()
        try:
            handle_run(self)
        finally:
            end = clock()
            if task.done():  # a task can only finish inside one of its steps
                last_step(task, task_id, start, end)
            else:
                add_step((task_id, start, end))

    asyncio.events.Handle._run = _run  # type: ignore[method-assign]
    return Task
