"""A trace as JSON, as ``labkit run --json`` writes it: the documented schema (``Trace.to_dict``).

Compact, the big lists a piece at a time, and without ``to_dict``'s copy of the trace: orjson
writes the task records as they are (it reads dataclasses itself) and the events become dicts
a few thousand at a time, so a 61,000-task trace takes a fraction of a second and little
memory beyond the trace's own. A piece orjson refuses (text with a lone surrogate, an integer
past 64 bits) is written by the standard library's encoder instead, as it always was.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from typing import Any, BinaryIO

import orjson

from .model import TRACE_FIELDS, Trace, events_as_dicts, plain

CHUNK = 4096
"""Items of a big list (tasks, events, printed lines) encoded at a time."""


def _dumps(value: Any, indent: bool = False) -> bytes:
    """``value`` as JSON bytes; the standard library's if orjson cannot write it."""
    try:
        return orjson.dumps(value, option=orjson.OPT_INDENT_2 if indent else 0)
    except orjson.JSONEncodeError:
        separators = None if indent else (",", ":")
        return json.dumps(plain(value), indent=2 if indent else None,
                          separators=separators).encode()


def _array(items: Sequence[Any], convert: Callable[[Sequence[Any]], Any] | None = None
           ) -> Iterator[bytes]:
    """A JSON array of ``items`` (``convert`` turns a chunk of them into JSON-ready data), in
    pieces."""
    yield b"["
    for start in range(0, len(items), CHUNK):
        chunk = items[start : start + CHUNK]
        piece = _dumps(chunk if convert is None else convert(chunk))
        yield piece[1:-1] if start == 0 else b"," + piece[1:-1]
    yield b"]"


def json_pieces(trace: Trace, events: bool = True) -> Iterator[bytes]:
    """The trace as one compact JSON object, in pieces to write one after another; without
    ``events`` if not asked for."""
    yield b"{"
    names = [name for name in TRACE_FIELDS if events or name != "events"]
    for index, name in enumerate(names):
        yield (b'"' if index == 0 else b',"') + name.encode() + b'":'
        if name == "stdout":
            yield _dumps(trace.stdout_text())
        elif name == "stderr":
            yield _dumps(trace.stderr_text())
        elif name == "events":
            yield from _array(trace.sorted_events(), events_as_dicts)
        elif name in ("tasks", "printed"):
            yield from _array(getattr(trace, name))
        else:
            yield _dumps(getattr(trace, name))
    yield b"}\n"


def write_json(trace: Trace, out: BinaryIO, *, events: bool = True, indent: bool = False
               ) -> None:
    """Write the trace to ``out`` as one JSON object and a newline (with its ``events`` if
    asked for): compact, or indented for a person to read (built whole with ``to_dict`` then,
    which a terminal can afford)."""
    if indent:
        out.write(_dumps(trace.to_dict(events), indent=True) + b"\n")
        return
    for piece in json_pieces(trace, events):
        out.write(piece)
