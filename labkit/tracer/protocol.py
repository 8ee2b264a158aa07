"""The wire format between the tracer (in the traced program) and the runner (in the parent).

The tracer writes frames on a pipe of its own: a 4-byte little-endian payload length, then the
payload, a ``marshal`` (version 4) list of raw records. Each record is a tuple
``(kind, t, *values)`` where ``t`` is ``time.monotonic_ns()`` in the traced process (the same
clock as the parent's on Linux) and ``values`` follow ``FIELDS[kind]``. Task steps, the bulk of
the data, travel packed: one ``task_steps`` record per frame whose single value is a flat list
of integers, ``task, start, end`` for each step. A negative ``task`` marks the step in which the
task finished (its coroutine returned): it stands for the record
``("task_exited", end, task, "finished", None, None)``, which is not sent. A task that failed or
was cancelled gets its own ``task_exited`` record, also stamped with its last step's end.

Why marshal: it is in every interpreter's standard library and writes and reads integers
without turning them into decimal text: on the churn benchmark it writes six to eight times and
reads two to four times as fast as JSON did. Version 4 is read by every Python 3.4 or newer. Only
plain values travel (str, int, float, bool, None, lists and tuples of them); anything else is
sent as its ``repr``.

This module is standard library only: the tracer imports it inside any interpreter.
"""

from __future__ import annotations

import marshal
import struct

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


BARE_KEYS = ("kind", "t")
KEYS: dict[str, tuple[str, ...]] = {kind: (*BARE_KEYS, *names) for kind, names in FIELDS.items()}
"""Every key of a record of each kind, in order (an unknown kind has the BARE_KEYS)."""


MARSHAL_VERSION = 4
FRAME_HEADER = struct.Struct("<I")
"""Each frame starts with its payload's length in bytes."""


def encode_frame(records: list[tuple[object, ...]]) -> bytes:
    """One frame carrying ``records``."""
    try:
        payload = marshal.dumps(records, MARSHAL_VERSION)
    except ValueError:  # a value marshal does not take (an object, a str subclass): its repr
        payload = marshal.dumps([_plain(record) for record in records], MARSHAL_VERSION)
    return FRAME_HEADER.pack(len(payload)) + payload


def decode_frame(payload: bytes | bytearray) -> list[tuple[object, ...]]:
    """The records of one frame's payload; ValueError if it is not a list."""
    try:
        records = marshal.loads(payload)
    except (EOFError, TypeError) as exc:  # marshal's own ValueError passes through
        raise ValueError(f"unreadable frame: {exc}") from None
    if not isinstance(records, list):
        raise ValueError("a frame holds something other than a list of records")
    return records


def _plain(value: object) -> object:
    """``value`` as marshal takes it: subclasses of plain types as the plain type, lists and
    tuples item by item, any other object as its repr."""
    if value is None or isinstance(value, bool):
        return value
    for plain in (str, int, float):
        if isinstance(value, plain):
            return plain(value)
    if isinstance(value, tuple):
        return tuple(_plain(item) for item in value)
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return repr(value)
