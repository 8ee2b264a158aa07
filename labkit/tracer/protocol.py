"""The wire format between the tracer (in the traced program) and the runner (in the parent).

The tracer writes newline-terminated JSON arrays on a pipe of its own. Each array is a batch of
raw records; each record is a list ``[kind, t, *values]`` where ``t`` is ``time.monotonic_ns()`` in
the traced process (the same clock as the parent's on Linux) and ``values`` follow
``FIELDS[kind]``. Task steps, the bulk of the data, travel packed: one ``task_steps`` record per
batch whose single value is a list of ``[task, start, end]`` triples.

This module is standard library only: the tracer imports it inside any interpreter.
"""

from __future__ import annotations

ENV_FD = "LABKIT_TRACE_FD"
"""Environment variable naming the file descriptor the tracer writes to."""
ENV_PYTHONPATH = "LABKIT_ORIGINAL_PYTHONPATH"
"""The script's own PYTHONPATH, restored by the tracer before the script starts."""
ENV_RESTORE_SIGINT = "LABKIT_RESTORE_SIGINT"
"""When "1", the tracer gives SIGINT Python's default handler, as a terminal gives a program."""

# Field names of each record kind, after ``kind`` and ``t``. Trio's Instrument hooks give the
# task vocabulary (spawned, step, exited); the rest follows asyncio's own method names.
FIELDS: dict[str, tuple[str, ...]] = {
    # process
    "hello": ("pid", "python", "executable", "argv"),
    "exit": ("how",),  # atexit ran: "normal" (the script ended) or an uncaught exception's type
    "uncaught": ("exc_type", "message", "thread"),
    "keyboard_interrupt": ("where",),
    "signal_handler_set": ("signal", "handler"),
    "signal_received": ("signal", "handler"),
    # event loops
    "loop_created": ("loop", "thread"),
    "loop_run_start": ("loop", "thread"),
    "loop_run_stop": ("loop", "exc_type"),
    "loop_stop": ("loop", "task"),
    "loop_close": ("loop", "refused"),
    "loop_shutdown_asyncgens": ("loop", "phase"),
    "loop_shutdown_default_executor": ("loop", "phase"),
    "loop_exception": ("loop", "message", "exc_type", "exc_message", "task"),
    "run_until_complete_error": ("loop", "message"),
    "python_warning": ("category", "message", "filename", "lineno"),
    # tasks
    "task_spawned": ("task", "name", "coro", "parent", "loop", "eager"),
    "task_renamed": ("task", "name"),
    "task_steps": ("packed",),
    "task_cancel": ("task", "by", "message", "cancelling", "accepted"),
    "task_uncancel": ("task", "cancelling"),
    "task_exited": ("task", "outcome", "exc_type", "exc_message"),
    "task_destroyed": ("task",),
    # the tracer about itself
    "tracer_error": ("where", "message"),
}

URGENT = frozenset(FIELDS) - {
    "task_spawned", "task_renamed", "task_steps", "task_cancel", "task_exited"
}
"""Kinds written at once; the others are batched until the loop is about to wait."""


def as_dict(record: list[object]) -> dict[str, object]:
    """Turn a raw ``[kind, t, *values]`` record into a dict with named fields."""
    kind = str(record[0])
    names = FIELDS.get(kind, ())
    values = record[2:]
    result: dict[str, object] = {"kind": kind, "t": record[1]}
    result.update(zip(names, values, strict=False))
    return result
