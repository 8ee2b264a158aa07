"""The JSON writer of ``labkit run --json`` gives the documented schema, exactly what the trace's
``dataclasses.asdict`` gave before it (the earlier writer), on real runs and on odd values."""

from __future__ import annotations

import dataclasses
import io
import json
from typing import Any

import pytest

import labkit
from labkit import jsonview
from labkit.model import CancelRequest, TaskRecord, Trace, TraceBuilder

from .conftest import program

RUNS = {  # between them: signals, cancel requests, printed lines, warnings, output
    "workers.py": ["INT@0.2"],
    "printing.py": [],
    "unretrieved.py": [],
    "task_calls.py": [],
}


def reference(trace: Trace) -> Any:
    """The trace as the earlier writer made it: ``asdict`` of everything, parsed back."""
    data = dataclasses.asdict(trace)
    data["stdout"] = trace.stdout_text()
    data["stderr"] = trace.stderr_text()
    data["events"] = list(trace.iter_events())
    return json.loads(json.dumps(data, indent=1))


def written(trace: Trace, indent: bool = False) -> bytes:
    out = io.BytesIO()
    jsonview.write_json(trace, out, indent=indent)
    return out.getvalue()


@pytest.fixture(scope="module")
def traces() -> dict[str, Trace]:
    return {name: labkit.run(program(name), interrupt=plan, timeout=20)
            for name, plan in RUNS.items()}


@pytest.mark.parametrize("name", RUNS)
def test_written_json_is_what_asdict_gave(traces: dict[str, Trace], name: str) -> None:
    trace = traces[name]
    assert len(trace.events) > 10
    data = json.loads(written(trace))
    assert data == reference(trace)
    assert list(data) == list(reference(trace))  # the keys in the same order
    assert json.loads(json.dumps(trace.to_dict())) == reference(trace)


def test_the_runs_carry_what_the_schema_has(traces: dict[str, Trace]) -> None:
    """So that the comparison above covers every kind of record."""
    assert any(task.cancel_requests for task in traces["workers.py"].tasks)
    assert traces["workers.py"].signals and traces["printing.py"].printed
    assert traces["unretrieved.py"].warnings


def test_events_are_left_out_when_not_asked_for(traces: dict[str, Trace]) -> None:
    trace = traces["workers.py"]
    expected = reference(trace)
    del expected["events"]
    out = io.BytesIO()
    jsonview.write_json(trace, out, events=False)
    assert json.loads(out.getvalue()) == expected
    assert list(json.loads(out.getvalue())) == list(expected)
    assert json.loads(json.dumps(trace.to_dict(events=False))) == expected


def test_written_json_is_compact_unless_indented(traces: dict[str, Trace]) -> None:
    trace = traces["workers.py"]
    compact, indented = written(trace), written(trace, indent=True)
    assert compact.count(b"\n") == 1 and compact.endswith(b"}\n")
    assert indented.count(b"\n") > 100
    assert json.loads(indented) == json.loads(compact)


def test_big_lists_are_written_in_chunks_that_join_up(
    traces: dict[str, Trace], monkeypatch: pytest.MonkeyPatch
) -> None:
    trace = traces["workers.py"]
    monkeypatch.setattr(jsonview, "CHUNK", 2)
    assert json.loads(written(trace)) == reference(trace)


def test_values_orjson_refuses_are_written_as_the_standard_library_writes_them() -> None:
    builder = TraceBuilder("odd.py", ["\udc80"], 0.0)
    builder.add_records([
        ("task_spawned", 1_000, 1, "Task-1", "main", None, 1, False),
        ("task_exited", 2_000, 1, "failed", "ValueError", "bad byte \udcff"),
        ("uncaught", 3_000, "OverflowError", "x", "MainThread"),
    ])
    trace = builder.finish()
    trace.tasks.append(TaskRecord(2, "Task-2", "job", None, None, 0.5))
    trace.tasks[1].cancel_requests.append(CancelRequest(0.5, 2**70, None, 1, True))
    text = written(trace)
    assert b'"bad byte \\udcff"' in text and str(2**70).encode() in text
    assert json.loads(text) == reference(trace)
