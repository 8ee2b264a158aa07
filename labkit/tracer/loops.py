"""Event loop hooks: created, run start and stop, stop(), close(), the two shutdowns, and every
context that reaches the loop's exception handler.

The hooks sit on asyncio's base classes, so they see every loop however the script makes it:
``asyncio.run``, ``asyncio.Runner``, ``new_event_loop`` + ``run_until_complete``/``run_forever``,
or a loop in another thread. ``install`` returns the function that puts the same hooks on an
event loop class of another kind (uvloop's: see ``tracer.uvloops``).
"""

from __future__ import annotations

import asyncio
import asyncio.base_events
import asyncio.runners
import asyncio.selector_events
import functools
import itertools
import sys
import threading
from collections.abc import Callable
from types import CodeType, FrameType
from typing import Any

from .channel import Channel
from .frames import _is_tracer_frame
from .tasks import _current_task_id, loop_id

_loop_ids = itertools.count(1)

CALLERS: dict[CodeType, str | None] = {}
"""The tracer's own functions that stand for a caller of ``loop.stop()`` when they are the
nearest Python frame below it, by their code: what ``_caller`` reports for them (None: native
code, which has no frame of its own, called it)."""


def _patch(cls: type, name: str, make: Callable[[Any], Any], inherited: bool = False) -> None:
    """Wrap ``cls.name``: its own method, or with ``inherited`` the one it finds by its MRO."""
    original = getattr(cls, name) if inherited else cls.__dict__[name]
    wrapper = make(original)
    functools.update_wrapper(wrapper, original)
    setattr(cls, name, wrapper)


def _caller(frame: FrameType | None) -> str | None:
    """The function that made a call, as "module.qualname", past the tracer's own frames (its
    step timer calls every callback): "asyncio.base_events._run_until_complete_cb" is the
    done callback by which run_until_complete() stops the loop."""
    while frame is not None and _is_tracer_frame(frame):
        if frame.f_code in CALLERS:
            return CALLERS[frame.f_code]
        frame = frame.f_back
    if frame is None:
        return None
    return f"{frame.f_globals.get('__name__', '?')}.{frame.f_code.co_qualname}"


LIFE = ("__init__", "run_forever", "run_until_complete", "stop", "close", "shutdown_asyncgens",
        "shutdown_default_executor", "call_exception_handler")
"""The methods that make up a loop's life, wrapped on every kind of loop."""


def install(channel: Channel) -> Callable[[type], list[str]]:
    """Wrap the event loop methods that make up a loop's life; return the function that wraps
    them on another event loop class (and says which of them that class lacks)."""
    emit = channel.emit
    base = asyncio.base_events.BaseEventLoop
    closing: set[int] = set()  # loops inside a close() call: record only the outermost one

    def make_init(original: Any) -> Any:
        def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
            self._labkit_id = next(_loop_ids)
            original(self, *args, **kwargs)
            emit("loop_created", self._labkit_id, threading.current_thread().name)
        return __init__

    def make_run_forever(original: Any) -> Any:
        def run_forever(self: Any) -> None:
            emit("loop_run_start", loop_id(self), threading.current_thread().name)
            try:
                original(self)
            except BaseException as exc:
                emit("loop_run_stop", loop_id(self), type(exc).__qualname__)
                raise
            emit("loop_run_stop", loop_id(self), None)
        # A loop running its callbacks in C (uvloop) calls them with this as the nearest frame
        CALLERS[run_forever.__code__] = None
        return run_forever

    def make_run_until_complete(original: Any) -> Any:
        def run_until_complete(self: Any, future: Any) -> Any:
            try:
                return original(self, future)
            except RuntimeError as exc:
                emit("run_until_complete_error", loop_id(self), str(exc))
                raise
        return run_until_complete

    def make_run_once(original: Any) -> Any:
        def _run_once(self: Any) -> None:
            channel.flush_if_waiting(not self._ready)
            original(self)
        return _run_once

    def make_stop(original: Any) -> Any:
        def stop(self: Any) -> None:
            emit("loop_stop", loop_id(self), _current_task_id(), _caller(sys._getframe(1)))
            original(self)
        return stop

    def make_close(original: Any) -> Any:
        def close(self: Any) -> None:
            key = id(self)
            if key in closing:
                original(self)
                return
            closing.add(key)
            try:
                original(self)
            except RuntimeError as exc:
                emit("loop_close", loop_id(self), str(exc))
                raise
            finally:
                closing.discard(key)
            emit("loop_close", loop_id(self), None)
        return close

    def make_phase(kind: str) -> Callable[[Any], Any]:
        def make(original: Any) -> Any:
            async def shutdown(self: Any, *args: Any, **kwargs: Any) -> Any:
                emit(kind, loop_id(self), "start")
                try:
                    return await original(self, *args, **kwargs)
                finally:
                    emit(kind, loop_id(self), "end")
            return shutdown
        return make

    def make_exception_handler(original: Any) -> Any:
        def call_exception_handler(self: Any, context: dict[str, Any]) -> None:
            exc = context.get("exception")
            owner = context.get("task") or context.get("future")
            emit(
                "loop_exception", loop_id(self), str(context.get("message", "")),
                None if exc is None else type(exc).__qualname__,
                None if exc is None else str(exc), getattr(owner, "_labkit_id", None),
            )
            original(self, context)
        return call_exception_handler

    makers: dict[str, Callable[[Any], Any]] = {
        "__init__": make_init,
        "run_forever": make_run_forever,
        "run_until_complete": make_run_until_complete,
        "stop": make_stop,
        "close": make_close,
        "shutdown_asyncgens": make_phase("loop_shutdown_asyncgens"),
        "shutdown_default_executor": make_phase("loop_shutdown_default_executor"),
        "call_exception_handler": make_exception_handler,
    }
    for name in LIFE:
        _patch(base, name, makers[name])
    _patch(base, "_run_once", make_run_once)
    _patch(asyncio.selector_events.BaseSelectorEventLoop, "close", make_close)

    def make_runner_run(original: Any) -> Any:
        def run(self: Any, coro: Any, **kwargs: Any) -> Any:
            try:
                return original(self, coro, **kwargs)
            except KeyboardInterrupt as exc:
                if isinstance(exc.__context__, asyncio.CancelledError):
                    # Runner.run's own raise after the main task took the cancellation
                    emit("keyboard_interrupt", "asyncio.Runner.run")
                raise
        return run

    _patch(asyncio.runners.Runner, "run", make_runner_run)

    def patch_loop_class(cls: type) -> list[str]:
        """Wrap the methods of a loop's life that ``cls`` has, where it finds them; return the
        names of those it lacks."""
        missing = [name for name in LIFE if not hasattr(cls, name)]
        for name in LIFE:
            if name not in missing:
                _patch(cls, name, makers[name], inherited=True)
        return missing

    return patch_loop_class
