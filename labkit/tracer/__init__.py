"""The tracer: runs inside the traced program and reports what asyncio does.

Standard library only, so it can be loaded into any CPython 3.11+ interpreter without installing
anything there. ``inject/sitecustomize.py`` loads this package under the private name
``_labkit_tracer`` (from code the runner compiled ahead for this interpreter, ``labkit.bytecode``,
when it can) and calls :func:`install` before the script's first line runs; the script is then
run exactly as ``python script.py`` would run it.

Modules: ``protocol`` (the record kinds and frames), ``channel`` (the writer), ``tasks``,
``loops`` and ``signals`` (the hooks), ``uvloops`` (the same hooks on uvloop's loop),
``internals`` (the private CPython names they need, and what a trace lacks without them),
``output`` (who printed each line), ``frames`` (keeps the tracer out of printed tracebacks).
"""

from __future__ import annotations

import atexit
import os
import sys
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

# The channel is imported with the package, before the hooks' modules, as it always was: the
# order in which a program imports modules is the reverse of the order in which Python clears
# them at exit, which decides the order in which abandoned coroutines run their finally blocks
# (11e_fix3_graceful_shutdown.py on 3.12 printed its two cleanups the other way round when it
# came later; tests/test_fidelity.py holds it). It imports no asyncio.
from . import channel as _channel

if TYPE_CHECKING:
    from .channel import Channel


def install(fd: int, restore_sigint: bool = False) -> Channel:
    """Start tracing this process, writing records to the descriptor ``fd``."""
    # Imported here, not above: the runner imports ``protocol`` from this package, and with
    # these it would import asyncio, which the parent does not need (a ``labkit run`` starts
    # sooner without it). sitecustomize calls this with its finder still in place, so these
    # come compiled ahead as the package did.
    from . import frames, internals, loops, output, signals, tasks, uvloops
    channel = _channel.Channel(fd)
    channel.emit("hello", os.getpid(), sys.version.split()[0], sys.executable, sys.argv[1:])
    uncaught: list[str] = []

    def on_uncaught(exc: BaseException, thread: str) -> None:
        channel.emit("uncaught", type(exc).__qualname__, str(exc), thread)
        if thread == "MainThread":
            uncaught.append(type(exc).__qualname__)

    def on_exit() -> None:
        channel.emit("exit", uncaught[-1] if uncaught else "normal")

    off = dict(internals.problems(internals.missing()))
    newer = internals.newer_than_tested()
    if newer and not off:
        channel.emit("tracer_error", "version", f"{newer}: every internal it uses is there, "
                     "but what this version does differently may be missing from the trace")
    for hook, message in off.items():
        channel.emit("tracer_error", hook, message)
    installed: dict[str, Any] = {}
    hooks: dict[str, Callable[[], object]] = {
        "warnings": lambda: _report_warnings(channel),
        "tasks": lambda: tasks.install(channel, steps="steps" not in off),
        "loops": lambda: loops.install(channel),
        "signals": lambda: signals.install(channel, restore_sigint),
        # on uvloop's loop, the same hooks as on asyncio's: it needs both of those
        "uvloop": lambda: uvloops.install(channel, installed["loops"], installed["tasks"]),
        "frames": lambda: frames.install(on_uncaught),
        "output": lambda: output.install(channel),
    }
    for hook, install_hook in hooks.items():
        if hook in off or (hook == "uvloop" and not {"tasks", "loops"} <= installed.keys()):
            continue
        try:
            installed[hook] = install_hook()
        except Exception as exc:  # a version the table does not foresee: say so, run on
            channel.emit("tracer_error", hook, f"the tracer's {hook} hook failed to install on "
                         f"{newer or 'CPython ' + sys.version.split()[0]}: {exc!r}; "
                         "what it records may be missing or partial")
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
