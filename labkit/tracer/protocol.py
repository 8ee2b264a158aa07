"""The wire format between the tracer (in the traced program) and the runner (in the parent).

The tracer writes frames on a pipe of its own: a 4-byte little-endian payload length, then the
payload, a ``marshal`` (version 4) list of raw records. Each record is a tuple
``(kind, t, *values)`` where ``t`` is ``time.monotonic_ns()`` in the traced process (the same
clock as the parent's on Linux) and ``values`` follow ``FIELDS[kind]``. Task steps, the bulk of
the data, travel packed: one ``task_steps`` record per frame whose single value is ``bytes`` of
signed 64-bit integers in native byte order (``pack_integers``), ``task, start, end`` a step. A
negative ``task`` marks the step in which the task finished (its coroutine returned): it stands
for the record ``("task_exited", end, task, "finished", None, None)``, which is not sent. A task
that failed or was cancelled gets its own ``task_exited`` record, also stamped with its last
step's end. Likewise the tasks made by ``loop.create_task`` (all but eager tasks and unusual
``Task()`` calls, which get a ``task_spawned`` record each) travel as one ``task_spawns`` record
per frame, first in it (``pack_spawns``): it stands for their ``task_spawned`` records.

Why marshal: it is in every interpreter's standard library and writes and reads integers
without turning them into decimal text: on the churn benchmark it writes six to eight times and
reads two to four times as fast as JSON did. Version 4 is read by every Python 3.4 or newer. Only
plain values travel (str, int, float, bool, None, lists and tuples of them); anything else is
sent as its ``repr``. Steps and spawns are packed with ``struct`` instead: that writes each
integer faster than marshal does (``time.monotonic_ns()`` values are too large for marshal's
short form), and leaves the runner next to nothing to decode while the program runs (it keeps
the bytes until it folds the task records).

This module is standard library only: the tracer imports it inside any interpreter.
"""

from __future__ import annotations

import marshal
import struct
from typing import Any

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
    "loop_stop": ("loop", "task", "caller"),  # caller: "module.qualname" of who called stop()
    "loop_close": ("loop", "refused"),
    "loop_shutdown_asyncgens": ("loop", "phase"),
    "loop_shutdown_default_executor": ("loop", "phase"),
    "loop_exception": ("loop", "message", "exc_type", "exc_message", "task"),
    "run_until_complete_error": ("loop", "message"),
    "python_warning": ("category", "message", "filename", "lineno"),
    "printed": ("stream", "task", "thread", "text"),  # a line written to sys.stdout/stderr
    # tasks
    "task_spawned": ("task", "name", "coro", "parent", "loop", "eager"),
    "task_renamed": ("task", "name"),
    "task_steps": ("packed",),
    "task_spawns": ("packed", "text"),
    "task_cancel": ("task", "by", "message", "cancelling", "accepted"),
    "task_uncancel": ("task", "cancelling"),
    "task_exited": ("task", "outcome", "exc_type", "exc_message"),
    "task_destroyed": ("task",),
    # the tracer about itself
    "tracer_error": ("where", "message"),
    "note": ("message",),  # what this trace cannot show (e.g. on uvloop): one of its notes
}

URGENT = frozenset(FIELDS) - {
    "printed", "task_spawned", "task_spawns", "task_renamed", "task_steps", "task_cancel",
    "task_exited",
}
"""Kinds written at once; the others are batched until the loop is about to wait (a line
printed outside any task is written at once too: see ``tracer.output``)."""


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


INTEGER = 8
"""Bytes a packed integer takes (a step takes three, a spawn six)."""
_INTEGER_CODE = "l" if struct.calcsize("l") == INTEGER else "q"
# A native C long where it has 8 bytes: struct converts an int to it faster than to a "q".
# Native byte order: the program and the runner share a machine.
SPAWN_VALUES = 6
"""Values a spawn takes in the tracer's flat list: t, task, name, coro, parent, loop (0 for
no parent task, or for a loop the tracer did not number)."""


def pack_integers(values: list[int]) -> bytes:
    """Integers as ``task_steps`` and ``task_spawns`` carry them."""
    return struct.pack(f"{len(values)}{_INTEGER_CODE}", *values)


def unpack_integers(packed: bytes) -> tuple[int, ...]:
    """The integers ``pack_integers`` packed."""
    return struct.unpack(f"{len(packed) // INTEGER}{_INTEGER_CODE}", packed)


def pack_spawns(values: list[Any]) -> tuple[bytes, str]:
    """Spawns, flat as the tracer keeps them (``SPAWN_VALUES`` each), as the ``task_spawns``
    record carries them: six integers a spawn (t, task, parent, loop, and the lengths of the
    task's name and of its coroutine's), packed; and the names, end to end in one string."""
    count = len(values) // SPAWN_VALUES
    names: list[Any] = [""] * (2 * count)
    names[0::2] = values[2::SPAWN_VALUES]
    names[1::2] = values[3::SPAWN_VALUES]
    try:
        text = "".join(names)
        lengths = list(map(len, names))
        if sum(lengths) != len(text):
            raise TypeError("a str subclass with a __len__ of its own")
    except TypeError:  # a coroutine whose __qualname__ is no plain str
        names = [str.__str__(name) if isinstance(name, str) else repr(name) for name in names]
        text = "".join(names)
        lengths = list(map(len, names))
    numbers = [0] * (6 * count)
    numbers[0::6] = values[0::SPAWN_VALUES]
    numbers[1::6] = values[1::SPAWN_VALUES]
    numbers[2::6] = values[4::SPAWN_VALUES]
    numbers[3::6] = values[5::SPAWN_VALUES]
    numbers[4::6] = lengths[0::2]
    numbers[5::6] = lengths[1::2]
    return pack_integers(numbers), text


def unpack_spawns(packed: bytes, text: str) -> list[tuple[Any, ...]]:
    """``(t, task, name, coro, parent, loop)`` for each spawn ``pack_spawns`` packed, with None
    for no parent or loop."""
    numbers = unpack_integers(packed)
    spawns = []
    offset = 0
    for index in range(0, len(numbers), 6):
        t, task, parent, loop, name_length, coro_length = numbers[index : index + 6]
        middle = offset + name_length
        end = middle + coro_length
        spawns.append((t, task, text[offset:middle], text[middle:end], parent or None,
                       loop or None))
        offset = end
    return spawns


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
