"""Keep the tracer out of the tracebacks the script prints.

The tracer wraps a few asyncio methods, so an exception such as KeyboardInterrupt travels through
the tracer's frames on its way up. Every way a traceback gets printed is covered: the C
``sys.excepthook`` and ``threading.excepthook`` get a traceback with those frames unlinked, and
``sys.unraisablehook`` ("Exception ignored in ...") likewise, and the ``traceback`` module (used
by ``logging``, asyncio's handler and ``print_exc``) skips them.
"""

from __future__ import annotations

import os
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from types import FrameType, TracebackType
from typing import Any

TRACER_DIR = os.path.dirname(os.path.abspath(__file__))


def _is_tracer_frame(frame: FrameType) -> bool:
    return frame.f_code.co_filename.startswith(TRACER_DIR)


def _strip_traceback(tb: TracebackType | None) -> TracebackType | None:
    """Unlink the tracer's frames from a traceback chain and return its new head."""
    while tb is not None and _is_tracer_frame(tb.tb_frame):
        tb = tb.tb_next
    head = tb
    while tb is not None:
        following = tb.tb_next
        while following is not None and _is_tracer_frame(following.tb_frame):
            following = following.tb_next
        tb.tb_next = following
        tb = following
    return head


def strip_exception(exc: BaseException | None, _seen: set[int] | None = None) -> None:
    """Strip the tracer's frames from an exception, its cause, context and group members."""
    seen = set() if _seen is None else _seen
    if exc is None or id(exc) in seen:
        return
    seen.add(id(exc))
    exc.__traceback__ = _strip_traceback(exc.__traceback__)
    strip_exception(exc.__cause__, seen)
    strip_exception(exc.__context__, seen)
    for member in getattr(exc, "exceptions", ()):
        if isinstance(member, BaseException):
            strip_exception(member, seen)


def install(on_uncaught: Callable[[BaseException, str], None]) -> None:
    """Patch the excepthooks and the traceback walkers; report uncaught exceptions first."""
    original_hook = sys.excepthook

    def excepthook(
        exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        on_uncaught(exc, "MainThread")
        strip_exception(exc)
        original_hook(exc_type, exc, exc.__traceback__)

    sys.excepthook = sys.__excepthook__ = excepthook

    original_thread_hook = threading.excepthook

    def thread_excepthook(args: Any) -> None:
        if args.exc_value is not None:
            on_uncaught(args.exc_value, getattr(args.thread, "name", "?"))
            strip_exception(args.exc_value)
            args = threading.ExceptHookArgs(
                (args.exc_type, args.exc_value, args.exc_value.__traceback__, args.thread)
            )
        original_thread_hook(args)

    threading.excepthook = threading.__excepthook__ = thread_excepthook

    original_unraisable = sys.unraisablehook

    def unraisablehook(args: Any) -> None:
        strip_exception(args.exc_value)
        fields = (args.exc_type, args.exc_value,
                  getattr(args.exc_value, "__traceback__", args.exc_traceback),
                  args.err_msg, args.object)
        try:  # the C hook takes nothing but its own UnraisableHookArgs
            stripped = type(args)(fields)
        except TypeError:  # args made by Python code: pass them on as they came
            stripped = args
        original_unraisable(stripped)

    sys.unraisablehook = sys.__unraisablehook__ = unraisablehook

    original_walk_tb = traceback.walk_tb
    original_walk_full = traceback._walk_tb_with_full_positions  # type: ignore[attr-defined]
    original_walk_stack = traceback.walk_stack

    def walk_tb(tb: TracebackType | None) -> Iterator[tuple[FrameType, int]]:
        for frame, lineno in original_walk_tb(tb):
            if not _is_tracer_frame(frame):
                yield frame, lineno

    def walk_tb_with_full_positions(tb: TracebackType | None) -> Iterator[tuple[FrameType, Any]]:
        for frame, positions in original_walk_full(tb):
            if not _is_tracer_frame(frame):
                yield frame, positions

    def walk_stack(f: FrameType | None) -> Iterator[tuple[FrameType, int]]:
        if f is None:
            f = sys._getframe(1)
        for frame, lineno in original_walk_stack(f):
            if not _is_tracer_frame(frame):
                yield frame, lineno

    traceback.walk_tb = walk_tb
    traceback._walk_tb_with_full_positions = walk_tb_with_full_positions  # type: ignore[attr-defined]
    traceback.walk_stack = walk_stack
