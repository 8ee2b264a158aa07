"""Signal hooks: which handler each signal reaches, and KeyboardInterrupt where it starts.

``signal.signal`` and ``signal.getsignal`` are wrapped: a Python handler the script (or asyncio)
installs runs inside a small recorder, while ``getsignal`` keeps returning the handler as given,
so checks such as asyncio.Runner's ``getsignal(SIGINT) is default_int_handler`` still hold.
Dispositions with no Python code (SIG_DFL, SIG_IGN) cannot be seen from inside; the runner reads
those from /proc when it sends a signal.

The recorder is the only tracer code in the signal path, so it does next to nothing before the
handler runs: two list appends, no lookup it can do ahead, and no write to the channel while the
handler's KeyboardInterrupt is on its way (a write releases the GIL, so other threads would run
first, and the program's threads would meet the exception in another order than untraced). The
two records are then written with the next ones: at the next flush of the loop, the next line
printed outside a task, or at exit. ``tests/test_fidelity.py`` compares the outcomes of
timing-sensitive programs traced and untraced over many runs.
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import Callable
from types import FrameType
from typing import Any

from .channel import Channel
from .tasks import signal_handlers_running


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

    records, flush, clock = channel.records, channel.flush, time.monotonic_ns
    running = signal_handlers_running
    names = {int(number): number.name for number in signal.Signals}

    def recorder(signum: int, handler: Callable[..., Any], label: str) -> Callable[..., Any]:
        raised = f"signal handler: {label}"
        name = names.get(signum, str(signum))

        def on_signal(received: int, frame: FrameType | None) -> Any:
            # As little as possible before the handler runs, and no write: a write lets other
            # threads run, and so would move where the handler's exception lands (see above).
            records.append(("signal_received", clock(), name,
                            _add_signal_handler_label(received)
                            if label == "loop.add_signal_handler" else label))
            running[0] += 1
            try:
                result = handler(received, frame)
            except KeyboardInterrupt:
                records.append(("keyboard_interrupt", clock(), raised))
                raise
            finally:
                running[0] -= 1
            flush()  # the program goes on from here as it would have: now the write may wait
            return result
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
