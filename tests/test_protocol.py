"""The trace channel's wire format: frames survive any read sizes, odd values, cut writes."""

from __future__ import annotations

import enum
import os
from typing import Any

import pytest

from labkit import runner
from labkit.runner import _FrameReader
from labkit.tracer.channel import Channel
from labkit.tracer.protocol import (
    FRAME_HEADER,
    decode_frame,
    encode_frame,
    pack_integers,
    pack_spawns,
    unpack_integers,
    unpack_spawns,
)


class Label(str):
    """A str subclass, which marshal does not take as it is."""


class Long(str):
    """A str subclass that says it is longer than it is."""

    def __len__(self) -> int:
        return 1000


class Level(enum.IntEnum):
    HIGH = 3


def _read_to_end(fd: int) -> bytes:
    """Everything written on the pipe once its write end is closed."""
    data = b""
    while chunk := os.read(fd, 1 << 16):
        data += chunk
    return data


def _frames(data: bytes) -> list[list[tuple[object, ...]]]:
    payloads, oversized = _FrameReader().feed(data)
    assert oversized == 0
    return [decode_frame(payload) for payload in payloads]


def test_values_marshal_does_not_take_travel_as_plain_values() -> None:
    odd = object()
    [[record]] = _frames(encode_frame([("note", 1, Label("a"), Level.HIGH, [odd, (2.5, None)])]))
    assert record == ("note", 1, "a", 3, [repr(odd), (2.5, None)])
    assert type(record[2]) is str and type(record[3]) is int


def test_frames_are_whole_whatever_the_reads() -> None:
    batches = [[("hello", 1, 2, "3.11", "/py", [])],
               [("task_steps", 5, pack_integers([1, 5, 6, -1, 7, 9]))]]
    data = b"".join(encode_frame(batch) for batch in batches)
    reader = _FrameReader()
    payloads = []
    for index in range(len(data)):  # one byte at a time
        found, oversized = reader.feed(data[index : index + 1])
        assert oversized == 0
        payloads += found
    assert [decode_frame(payload) for payload in payloads] == [
        [tuple(record) for record in batch] for batch in batches
    ]
    assert not reader.buffer


def test_integers_pack_and_unpack_exactly() -> None:
    now = 1 << 50  # monotonic_ns() values need more than 32 bits
    values = [1, now, now + 1, -(1 << 40), 0, (1 << 63) - 1]
    assert unpack_integers(pack_integers(values)) == tuple(values)
    assert pack_integers([]) == b"" and unpack_integers(b"") == ()


def test_spawns_pack_and_unpack_exactly() -> None:
    now = 1 << 50
    flat: list[object] = [
        now, 1, "Task-1", "main", 0, 1,
        now + 5, 2, "", "job", 1, 0,  # an empty name; no loop the tracer numbered
        now + 9, 3, "naïve\x00ünïcode 🐍", "Outer.<locals>.job", 2, 1,
        now + 12, 4, Label("a str subclass"), 42, 2, 1,  # a __qualname__ that is no str
        now + 15, 5, Long("long"), "job", 0, 0,
    ]
    packed, text = pack_spawns(flat)
    [[record]] = _frames(encode_frame([("task_spawns", now, packed, text)]))
    assert record[:2] == ("task_spawns", now)
    assert unpack_spawns(*record[2:]) == [
        (now, 1, "Task-1", "main", None, 1),
        (now + 5, 2, "", "job", 1, None),
        (now + 9, 3, "naïve\x00ünïcode 🐍", "Outer.<locals>.job", 2, 1),
        (now + 12, 4, "a str subclass", "42", 2, 1),
        (now + 15, 5, "long", "job", None, None),
    ]
    assert pack_spawns([]) == (b"", "") and unpack_spawns(b"", "") == []


def test_many_steps_travel_in_small_frames_in_order() -> None:
    from labkit.tracer.channel import STEPS_PER_FRAME

    read, write = os.pipe()
    try:
        channel = Channel(write)
        steps = [value for step in range(2 * STEPS_PER_FRAME + 5) for value in (step, 1, 2)]
        channel.steps.extend(steps)
        channel.spawns.extend([7, 1, "Task-1", "job", 0, 1])
        channel.flush()
        os.close(write)
        data = _read_to_end(read)
    finally:
        os.close(read)
    frames = _frames(data)
    assert len(frames) == 3
    assert [record[0] for record in frames[0]] == ["task_spawns", "task_steps"]
    sent = [value for frame in frames for record in frame if record[0] == "task_steps"
            for value in unpack_integers(record[2])]
    assert sent == steps


def test_an_oversized_frame_is_skipped_and_the_next_one_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(runner, "CHANNEL_FRAME_LIMIT", 100)
    big = FRAME_HEADER.pack(150) + b"x" * 150
    reader = _FrameReader()
    first, oversized = reader.feed(big[:60])
    assert (first, oversized) == ([], 1)
    rest, oversized = reader.feed(big[60:] + encode_frame([("exit", 2, "normal")]))
    assert oversized == 0
    assert [decode_frame(payload) for payload in rest] == [[("exit", 2, "normal")]]


def test_unreadable_payloads_are_reported() -> None:
    with pytest.raises(ValueError):
        decode_frame(b"\x00garbage")
    with pytest.raises(ValueError):
        decode_frame(bytearray(encode_frame([("exit", 1, "normal")])[FRAME_HEADER.size :])[:-3])


class _CutShort:
    """``os`` for the channel: a write sends half a frame, then a signal handler raises."""

    def __init__(self) -> None:
        self.writes = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(os, name)

    def write(self, fd: int, data: memoryview) -> int:
        self.writes += 1
        if self.writes == 1:
            return os.write(fd, data[: len(data) // 2])
        if self.writes == 2:
            raise KeyboardInterrupt
        return os.write(fd, data)


def test_a_frame_cut_short_by_a_signal_is_finished_first(monkeypatch: pytest.MonkeyPatch) -> None:
    from labkit.tracer import channel as channel_module

    read, write = os.pipe()
    try:
        channel = Channel(write)
        monkeypatch.setattr(channel_module, "os", _CutShort())
        with pytest.raises(KeyboardInterrupt):
            channel.emit("keyboard_interrupt", "signal handler: default")
        channel.emit("exit", "KeyboardInterrupt")
        os.close(write)
        data = _read_to_end(read)
    finally:
        os.close(read)
    records = [record for frame in _frames(data) for record in frame]
    assert [(kind, values) for kind, _, *values in records] == [
        ("keyboard_interrupt", ["signal handler: default"]),
        ("exit", ["KeyboardInterrupt"]),
    ]
