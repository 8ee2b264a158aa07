"""Task hooks: spawned, each step, cancel requests, exited, destroyed while pending.

``asyncio.tasks.Task`` is replaced by a subclass of the C task (same name, same repr) that
records its creation, ``cancel()``/``uncancel()`` calls and its destruction. Steps are timed by
wrapping ``Handle._run``: every task step is a loop callback whose ``__self__`` is the task, and a
task can only finish inside one of its own steps, so the outcome is read right after the step.
No done-callback is added: it would show up in the task reprs the script prints.
"""

from __future__ import annotations

import asyncio
import asyncio.events
import asyncio.tasks
import itertools
import sys
import time
from typing import Any

from .channel import Channel

_task_ids = itertools.count(1)


def loop_id(loop: object) -> int | None:
    """The tracer's number for an event loop (assigned when the loop is created)."""
    return getattr(loop, "_labkit_id", None)


def _outcome(task: asyncio.Task[Any]) -> tuple[str, str | None, str | None]:
    if task.cancelled():
        return "cancelled", None, None
    # not task.exception(): that marks the exception retrieved, and asyncio would no longer say
    # "Task exception was never retrieved" when the task is collected
    exc = task._exception
    if exc is None:
        return "finished", None, None
    return "failed", type(exc).__qualname__, str(exc)


def _current_task_id() -> int | None:
    try:
        current = asyncio.tasks.current_task()
    except RuntimeError:  # no running loop in this thread
        return None
    return getattr(current, "_labkit_id", None)


def install(channel: Channel) -> type:
    """Swap in the traced Task class and the step timer; return the new Task class."""
    base: type[asyncio.Task[Any]] = asyncio.tasks.Task
    emit = channel.emit
    emit_at = channel.emit_at
    steps = channel.steps
    clock = time.monotonic_ns

    def report_exit(task: Any) -> None:
        outcome, exc_type, exc_message = _outcome(task)
        emit("task_exited", task._labkit_id, outcome, exc_type, exc_message)

    class Task(base):  # type: ignore[valid-type,misc]
        __slots__ = ("_labkit_id",)

        def __init__(self, coro: Any, *args: Any, **kwargs: Any) -> None:
            self._labkit_id = next(_task_ids)
            parent = _current_task_id()
            start = clock()
            super().__init__(coro, *args, **kwargs)
            eager = bool(kwargs.get("eager_start"))
            loop = self.get_loop()
            emit_at(
                "task_spawned", start, self._labkit_id, self.get_name(),
                getattr(coro, "__qualname__", type(coro).__qualname__), parent,
                loop_id(loop), eager,
            )
            if eager:  # the first step ran inside __init__
                steps.append((self._labkit_id, start, clock()))
                if self.done():
                    report_exit(self)

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
            super().__del__()  # asyncio's "destroyed but pending" log

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
    step_types: set[type] = set()  # the C task's step callback type, learnt on first sight

    def _run(self: asyncio.events.Handle) -> None:
        callback = self._callback  # type: ignore[attr-defined]
        task_id = getattr(getattr(callback, "__self__", None), "_labkit_id", None)
        if task_id is None:
            handle_run(self)
            return
        kind = type(callback)
        if kind not in step_types:
            # A step is TaskStepMethWrapper or task_wakeup; not e.g. call_soon(task.cancel).
            if kind.__name__ == "TaskStepMethWrapper":
                step_types.add(kind)
            elif kind is not builtin_method or callback.__name__ != "task_wakeup":
                handle_run(self)
                return
        start = clock()
        try:
            handle_run(self)
        finally:
            steps.append((task_id, start, clock()))
            task = callback.__self__
            if task.done():
                report_exit(task)

    asyncio.events.Handle._run = _run  # type: ignore[method-assign]
    return Task
