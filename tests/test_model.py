"""TraceBuilder on raw tracer records: deferred task records fold in order, exactly once."""

from __future__ import annotations

import gc

import pytest

from labkit.model import UNREADABLE, Events, Trace, TraceBuilder
from labkit.tracer.protocol import FIELDS, pack_integers, pack_spawns

ORIGIN_NS = 5_000_000_000


def _builder() -> TraceBuilder:
    return TraceBuilder("script.py", [], ORIGIN_NS / 1e9)


def _spawned(task: int, t_ms: int) -> tuple[object, ...]:
    return ("task_spawned", ORIGIN_NS + t_ms * 1_000_000, task, f"Task-{task}", "job", None, 1,
            False)


def _ms(t_ms: float) -> int:
    return ORIGIN_NS + round(t_ms * 1_000_000)


def test_deferred_task_records_wait_for_fold_and_others_do_not() -> None:
    builder = _builder()
    builder.add_records([
        ("loop_created", _ms(1), 1, "MainThread"),
        _spawned(1, 2),
        ("task_steps", _ms(3), pack_integers([1, _ms(3), _ms(4), -1, _ms(5), _ms(5.9996)])),
    ], defer_tasks=True)
    assert [loop.id for loop in builder.trace.loops] == [1]
    assert builder.trace.tasks == []
    builder.fold()
    [task] = builder.trace.tasks
    assert task.steps == [(0.003, 0.004), (0.005, 0.006)]
    assert (task.outcome, task.ended) == ("finished", 0.006)
    assert task.running_time == pytest.approx(0.0019996)  # from the nanoseconds, not rounded
    builder.fold()  # nothing left: nothing twice
    assert len(builder.trace.tasks) == 1 and len(task.steps) == 2
    exited = [e for e in builder.trace.events if e["kind"] == "task_exited"]
    assert exited == [{"kind": "task_exited", "t": 0.006, "task": 1, "outcome": "finished",
                       "exc_type": None, "exc_message": None, "source": "tracer"}]


def test_packed_spawns_become_the_same_events_as_spawn_records() -> None:
    one, other = _builder(), _builder()
    one.add_records([_spawned(1, 2), ("task_spawned", _ms(3), 2, "b", "job", 1, 1, False)])
    packed, text = pack_spawns([_ms(2), 1, "Task-1", "job", 0, 1, _ms(3), 2, "b", "job", 1, 1])
    other.add_records([("task_spawns", _ms(2), packed, text)], defer_tasks=True)
    other.fold()
    assert one.trace.events == other.trace.events
    assert [(t.id, t.name, t.parent) for t in other.trace.tasks] == [(1, "Task-1", None),
                                                                     (2, "b", 1)]


@pytest.mark.parametrize("collecting", [True, False])
def test_fold_leaves_the_garbage_collector_as_it_found_it(collecting: bool) -> None:
    builder = _builder()
    builder.add_records([_spawned(1, 1)], defer_tasks=True)
    was = gc.isenabled()
    (gc.enable if collecting else gc.disable)()
    try:
        builder.fold()
        assert gc.isenabled() == collecting
    finally:
        (gc.enable if was else gc.disable)()
    assert len(builder.trace.tasks) == 1


def test_an_unreadable_batch_is_noted_and_the_others_fold() -> None:
    builder = _builder()
    builder.add_records([("task_spawned", _ms(1), 1)], defer_tasks=True)  # fields missing
    builder.add_records([_spawned(2, 2)], defer_tasks=True)
    builder.fold()
    assert [task.id for task in builder.trace.tasks] == [2]
    assert [message for _, message in builder.trace.notes] == [UNREADABLE]


def test_records_kept_as_tuples_read_as_the_dicts_add_makes() -> None:
    """The tracer's records are stored as tuples; each reads as the dict ``add`` would keep."""
    raw = [
        ("loop_created", _ms(1), 1, "MainThread"),
        _spawned(1, 2),
        ("task_cancel", _ms(3), 1, None, "stop", 1, True),
        ("task_exited", _ms(4), 1, "cancelled", None, None),
        ("made_up_kind", _ms(5), "extra"),  # a kind this labkit does not know: kind and t only
    ]
    kept, added = _builder(), _builder()
    kept.add_records(raw)
    for record in raw:
        keys = ("kind", "t", *FIELDS.get(str(record[0]), ()))
        added.add(dict(zip(keys, record, strict=False)))
    events = kept.trace.events
    assert isinstance(events.stored()[1], tuple)
    assert list(events) == list(added.trace.events)
    assert events[2] == {"kind": "task_cancel", "t": 0.003, "task": 1, "by": None,
                         "message": "stop", "cancelling": 1, "accepted": True,
                         "source": "tracer"}
    assert events[-1] == {"kind": "made_up_kind", "t": 0.005, "source": "tracer"}
    assert events[1:3] == list(added.trace.events)[1:3]
    assert events == added.trace.events and len(events) == 5
    assert list(events.times()) == [0.001, 0.002, 0.003, 0.004, 0.005]
    assert kept.trace.tasks[0].cancel_requests[0].message == "stop"


def test_a_hand_made_trace_takes_its_events_as_a_list() -> None:
    note = {"kind": "note", "t": 1.0, "message": "hi"}
    trace = Trace("x.py", [], events=[note])  # type: ignore[arg-type]
    assert isinstance(trace.events, Events)
    assert trace.events == [note] and trace.events[0] is note
