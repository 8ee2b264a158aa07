"""Every private part of CPython the tracer relies on, in one table, and what is lost without it.

The hooks read asyncio's internals (the C task's ``_state``, ``Handle._run``, the base loop's
``_run_once`` ...): the only way to see every step of every task without changing the program.
A new CPython may rename or drop any of them. Before installing, the tracer looks each one up
(:func:`missing`); a hook whose internals are not all there is not installed, and the trace's
notes say what is therefore not recorded (:func:`problems`), rather than the tracer failing at
start-up or drawing a silently wrong trace. ``tests/test_internals.py`` checks that each one
exists on every CPython version labkit is tested on.

``LABKIT_TRACER_PRETEND_MISSING`` (comma-separated paths from the table) makes the tracer treat
those internals as missing: how the tests show what a newer CPython without them would get.

Standard library only: the tracer imports it inside any interpreter.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import NamedTuple

TESTED = ((3, 11), (3, 12), (3, 13))
"""The CPython versions labkit is tested on (the test suite runs on each of them)."""

ENV_PRETEND_MISSING = "LABKIT_TRACER_PRETEND_MISSING"


class Internal(NamedTuple):
    """One private name the tracer uses: where it is and which hook needs it."""

    path: str  # a module, then attributes: "asyncio.events.Handle._run"
    hook: str  # the part of the tracer that needs it: a key of HOOKS


HOOKS = {
    "tasks": "tasks (when each was created, cancelled or destroyed while pending)",
    "steps": "task steps, nor how each task ended",
    "loops": "event loop runs, stop(), close() or shutdown steps",
    "frames": "tracebacks cleaned of the tracer's frames (they may show in printed tracebacks)",
    "warnings": "record of the warnings Python showed",
}
"""Each hook, and what a trace lacks when it is off (after "this trace has no ...")."""

INTERNALS: tuple[Internal, ...] = (
    Internal("asyncio.events._get_running_loop", "tasks"),
    Internal("asyncio.tasks.Task._log_traceback", "tasks"),
    Internal("asyncio.events.Handle._run", "steps"),
    Internal("asyncio.events.Handle._callback", "steps"),
    Internal("asyncio.tasks.Task._state", "steps"),
    Internal("asyncio.tasks.Task._exception", "steps"),
    Internal("asyncio.base_events.BaseEventLoop._run_once", "loops"),
    Internal("asyncio.base_events.BaseEventLoop.shutdown_default_executor", "loops"),
    Internal("asyncio.selector_events.BaseSelectorEventLoop.close", "loops"),
    Internal("asyncio.runners.Runner.run", "loops"),
    Internal("traceback._walk_tb_with_full_positions", "frames"),
    Internal("warnings._showwarnmsg_impl", "warnings"),
)
"""Looked up before the hooks are installed. Used when present, with a fallback otherwise (so
not listed): ``asyncio.tasks._current_tasks`` (else ``current_task``) and a loop's
``_signal_handlers`` (else the handler is named just "loop.add_signal_handler")."""


def _lookup(path: str) -> bool:
    """Whether the module-and-attributes path names something in this interpreter."""
    parts = path.split(".")
    for split in range(len(parts) - 1, 0, -1):
        try:
            found: object = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        for name in parts[split:]:
            if not hasattr(found, name):
                return False
            found = getattr(found, name)
        return True
    return False


def missing() -> list[Internal]:
    """The internals this interpreter lacks (or the environment says to treat as missing)."""
    pretend = set(filter(None, os.environ.get(ENV_PRETEND_MISSING, "").split(",")))
    return [item for item in INTERNALS if item.path in pretend or not _lookup(item.path)]


def newer_than_tested(version: tuple[int, int] | None = None) -> str | None:
    """The sentence saying a CPython is newer than labkit was tested on, or None if it is not."""
    major, minor = sys.version_info[:2] if version is None else version
    if (major, minor) <= TESTED[-1]:
        return None
    first, last = TESTED[0], TESTED[-1]
    return (f"CPython {major}.{minor} is newer than labkit was tested on "
            f"({first[0]}.{first[1]} to {last[0]}.{last[1]})")


def problems(lacking: list[Internal]) -> list[tuple[str, str]]:
    """For each hook left out, ``(hook, message)``: what is missing and what is not recorded."""
    version = newer_than_tested() or f"CPython {sys.version_info[0]}.{sys.version_info[1]}"
    found: list[tuple[str, str]] = []
    for hook in dict.fromkeys(item.hook for item in lacking):
        names = ", ".join(item.path for item in lacking if item.hook == hook)
        found.append((hook, f"{version}: {names} not found, so the tracer's {hook} hook is off "
                            f"and this trace has no {HOOKS[hook]}"))
    return found
