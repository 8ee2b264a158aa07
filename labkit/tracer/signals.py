"""Signal hooks: which handler each signal reaches, and KeyboardInterrupt where it starts.

``signal.signal`` and ``signal.getsignal`` are wrapped: a Python handler the script (or asyncio)
installs runs inside a small recorder, while ``getsignal`` keeps returning the handler as given,
so checks such as asyncio.Runner's ``getsignal(SIGINT) is default_int_handler`` still hold.
Dispositions with no Python code (SIG_DFL, SIG_IGN) cannot be seen from inside; the runner reads
those from /proc when it sends a signal.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable
from types import FrameType
from typing import Any

from .channel import Channel

Handler = Callable[[int, FrameType | None], Any] | int | signal.Handlers | None


def describe(handler: Any, signum: int) -> str:
    """Say in words which handler takes a signal: default, ignored, asyncio.Runner, ..."""
    if handler in (signal.SIG_DFL, None):
        return "default (terminates)" if signum != signal.SIGINT else "default"
    if handler == signal.SIG_IGN:
        return "ignored"
    if handler is signal.default_int_handler:
        return "default (KeyboardInterrupt)"
    func = getattr(handler, "func", handler)  # functools.partial, as asyncio.Runner uses
    owner = getattr(func, "__self__", None)
    if isinstance(owner, asyncio.Runner):
        return "asyncio.Runner"
    name = getattr(func, "__qualname__", repr(func))
    module = getattr(func, "__module__", "") or ""
    if (name == "_sighandler_noop" and module.startswith("asyncio")) or (
        name == "Loop.__sighandler" and module.startswith("uvloop")
    ):
        return "loop.add_signal_handler"
    return f"signal.signal: {name}"


def install(channel: Channel, restore_sigint: bool) -> None:
    """Wrap signal.signal/getsignal and the handlers already in place."""
    emit = channel.emit
    original_signal = signal.signal
    original_getsignal = signal.getsignal
    given: dict[int, Any] = {}  # what the script installed, as it gave it

    def recorder(signum: int, handler: Callable[..., Any], label: str) -> Callable[..., Any]:
        def on_signal(received: int, frame: FrameType | None) -> Any:
            name = signal.Signals(received).name
            if label == "loop.add_signal_handler":
                emit("signal_received", name, _add_signal_handler_label(received))
            else:
                emit("signal_received", name, label)
            try:
                return handler(received, frame)
            except KeyboardInterrupt:
                emit("keyboard_interrupt", f"signal handler: {label}")
                raise
        return on_signal

    def patched_signal(signalnum: Any, handler: Any) -> Any:
        signum = int(signalnum)
        label = describe(handler, signum)
        installed = recorder(signum, handler, label) if callable(handler) else handler
        previous = original_signal(signalnum, installed)
        previous = given.pop(signum, previous)
        given[signum] = handler
        emit("signal_handler_set", signal.Signals(signum).name, label)
        return previous

    def patched_getsignal(signalnum: Any) -> Any:
        signum = int(signalnum)
        if signum in given:
            return given[signum]
        return original_getsignal(signalnum)

    signal.signal = patched_signal
    signal.getsignal = patched_getsignal

    current = original_getsignal(signal.SIGINT)
    if current == signal.SIG_IGN and restore_sigint:
        current = signal.default_int_handler  # as a program started from a terminal has it
    if callable(current):
        patched_signal(signal.SIGINT, current)


def _add_signal_handler_label(signum: int) -> str:
    """Name the callback an event loop registered with add_signal_handler for this signal."""
    loop = asyncio._get_running_loop()
    handle = getattr(loop, "_signal_handlers", {}).get(signum)
    callback = getattr(handle, "_callback", None)
    if callback is None:  # uvloop keeps its table in C: tracer.uvloops keeps a copy
        callback = getattr(loop, "_labkit_signal_callbacks", {}).get(signum)
    if callback is None:
        return "loop.add_signal_handler"
    return f"loop.add_signal_handler: {getattr(callback, '__qualname__', repr(callback))}"
