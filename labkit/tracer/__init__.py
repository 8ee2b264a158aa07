"""The tracer: runs inside the traced program and reports what asyncio does.

Standard library only, so it can be loaded into any CPython 3.11+ interpreter without installing
anything there. ``inject/sitecustomize.py`` loads this package under the private name
``_labkit_tracer`` (from code the runner compiled ahead for this interpreter, ``labkit.bytecode``,
when it can) and calls :func:`install` before the script's first line runs; the script is then
run exactly as ``python script.py`` would run it.

Modules: ``protocol`` (the record kinds and frames), ``channel`` (the writer), ``tasks``,
``loops`` and ``signals`` (the hooks), ``output`` (who printed each line), ``frames`` (keeps the
tracer out of printed tracebacks).
"""

from __future__ import annotations

import atexit
import os
import sys
import warnings
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .channel import Channel


def install(fd: int, restore_sigint: bool = False) -> Channel:
    """Start tracing this process, writing records to the descriptor ``fd``."""
    # Imported here, not above: the runner imports ``protocol`` from this package, and with
    # these it would import asyncio, which the parent does not need (a ``labkit run`` starts
    # sooner without it). sitecustomize calls this with its finder still in place, so these
    # come compiled ahead as the package did.
    from . import frames, loops, output, signals, tasks
    from .channel import Channel

    channel = Channel(fd)
    channel.emit("hello", os.getpid(), sys.version.split()[0], sys.executable, sys.argv[1:])
    uncaught: list[str] = []

    def on_uncaught(exc: BaseException, thread: str) -> None:
        channel.emit("uncaught", type(exc).__qualname__, str(exc), thread)
        if thread == "MainThread":
            uncaught.append(type(exc).__qualname__)

    def on_exit() -> None:
        channel.emit("exit", uncaught[-1] if uncaught else "normal")

    _report_warnings(channel)
    tasks.install(channel)
    loops.install(channel)
    signals.install(channel, restore_sigint)
    frames.install(on_uncaught)
    output.install(channel)
    atexit.register(on_exit)
    return channel


def _report_warnings(channel: Channel) -> None:
    """Record each warning Python shows (e.g. "coroutine ... was never awaited"), then show it."""
    show = getattr(warnings, "_showwarnmsg_impl", None)
    if show is None:  # not on this version: leave warnings unrecorded rather than altered
        return

    def showwarnmsg(message: Any) -> None:
        channel.emit("python_warning", message.category.__name__, str(message.message),
                     message.filename, message.lineno)
        show(message)

    warnings._showwarnmsg_impl = showwarnmsg  # type: ignore[attr-defined]
