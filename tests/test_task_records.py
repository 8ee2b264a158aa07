"""What the trace keeps of each task: every step, every event and the outcome, exactly."""

from __future__ import annotations

import subprocess
from itertools import pairwise

import pytest

import labkit
from labkit.interpreters import Interpreter
from labkit.tracer.protocol import FIELDS

from .conftest import program

# task_life.py: name -> (steps, outcome); each one a child of "main"
STEPS_AND_OUTCOMES = {
    "three": (4, "finished"),  # three awaits: four steps
    "failing": (2, "failed"),
    "victim": (2, "cancelled"),
    "after": (2, "finished"),
    "timeout": (2, "finished"),
}


@pytest.fixture
def trace(python: Interpreter) -> labkit.Trace:
    """task_life.py, traced."""
    result = labkit.run(program("task_life.py"), python=python)
    assert result.exit_code == 0, result.stderr_text()
    return result


def test_each_task_has_its_steps_outcome_and_parent(trace: labkit.Trace) -> None:
    main = trace.task("main")
    for name, (steps, outcome) in STEPS_AND_OUTCOMES.items():
        task = trace.task(name)
        assert (len(task.steps), task.outcome, task.parent, task.eager) == (
            steps, outcome, main.id, False
        ), name
    failing = trace.task("failing")
    assert (failing.exc_type, failing.exc_message) == ("ValueError", "bad value")


def test_cancel_requests_and_uncancels(trace: labkit.Trace) -> None:
    [request] = trace.task("victim").cancel_requests
    assert (request.by, request.message, request.cancelling, request.accepted) == (
        trace.task("main").id, "enough", 1, True
    )
    timeout = trace.task("timeout")
    [request] = timeout.cancel_requests  # by asyncio.timeout's callback, not by a task
    assert (request.by, request.accepted) == (None, True)
    assert [count for _, count in timeout.uncancels] == [0]


def test_steps_are_ordered_inside_the_task_life(trace: labkit.Trace) -> None:
    for task in trace.tasks:
        times = [t for step in task.steps for t in step]
        assert times == sorted(times), task.name
        assert task.ended is not None and task.created <= times[0] <= times[-1] <= task.ended
        durations = sum(end - start for start, end in task.steps)
        assert task.running_time == pytest.approx(durations, abs=1e-6 * len(task.steps))
    # one loop thread: steps never overlap (an eager task's first step is inside its creator's)
    intervals = sorted(
        step for task in trace.tasks for index, step in enumerate(task.steps)
        if not (task.eager and index == 0)
    )
    for (_, end), (start, _) in pairwise(intervals):
        assert end <= start


def test_every_task_event_is_in_the_event_stream(trace: labkit.Trace) -> None:
    events = [event for event in trace.events if event["source"] == "tracer"]
    for event in events:
        assert set(event) == {"kind", "t", "source", *FIELDS[event["kind"]]}, event
    assert "task_steps" not in {event["kind"] for event in events}  # steps are in the tasks
    spawned = {e["task"]: e for e in events if e["kind"] == "task_spawned"}
    assert sorted(spawned) == sorted(task.id for task in trace.tasks)
    exited = {e["task"]: e for e in events if e["kind"] == "task_exited"}
    assert sorted(exited) == sorted(task.id for task in trace.tasks)
    for task in trace.tasks:
        assert spawned[task.id]["t"] == task.created
        assert (spawned[task.id]["coro"], spawned[task.id]["parent"]) == (task.coro, task.parent)
        assert (exited[task.id]["t"], exited[task.id]["outcome"]) == (task.ended, task.outcome)
    after = trace.task("after")
    names = [spawned[after.id]["name"]] + [
        e["name"] for e in events if e["kind"] == "task_renamed" and e["task"] == after.id
    ]
    assert names[-2:] == ["before", "after"]  # 3.11's create_task names it after spawning it
    cancels = [e["task"] for e in events if e["kind"] == "task_cancel"]
    assert sorted(cancels) == sorted([trace.task("victim").id, trace.task("timeout").id])


def test_eager_tasks_first_step_runs_inside_their_creator(trace: labkit.Trace) -> None:
    if trace.python is not None and trace.python.startswith("3.11"):
        pytest.skip("eager tasks are new in Python 3.12")
    main = trace.task("main")
    done, waits = trace.task("eager-done"), trace.task("eager-waits")
    assert (done.eager, len(done.steps), done.outcome) == (True, 1, "finished")
    assert (waits.eager, len(waits.steps), waits.outcome) == (True, 3, "finished")
    for task in (done, waits):
        first_start, first_end = task.steps[0]
        assert task.created <= first_start
        assert any(start <= first_start <= first_end <= end for start, end in main.steps)


def test_an_unretrieved_task_exception_is_still_reported(python: Interpreter) -> None:
    """The tracer reads a failed task's outcome without marking its exception as retrieved."""
    trace = labkit.run(program("unretrieved.py"), python=python)
    plain = subprocess.run([python.path, "-u", program("unretrieved.py")], capture_output=True,
                           text=True, timeout=30, check=True)
    assert "Task exception was never retrieved" in plain.stderr
    assert trace.stderr_text() == plain.stderr
    assert trace.task("boom").outcome == "failed"


def test_task_calls_right_and_wrong_behave_as_without_the_tracer(python: Interpreter) -> None:
    """Task.__init__ is spelled out for speed; any other call still reaches C as it was made."""
    trace = labkit.run(program("task_calls.py"), python=python)
    plain = subprocess.run([python.path, "-u", program("task_calls.py")], capture_output=True,
                           text=True, timeout=30, check=True)
    assert "all keywords: named -> 1" in plain.stdout
    assert trace.stdout_text() == plain.stdout
    assert trace.stderr_text() == plain.stderr
    assert {trace.task(name).coro for name in ("named", "by-name")} == {"job"}


def test_an_eager_factory_before_the_loop_runs_schedules_the_first_step(
    python: Interpreter,
) -> None:
    """eager_start runs a task's first step at once only on a running loop."""
    if python.version.startswith("3.11"):
        pytest.skip("eager tasks are new in Python 3.12")
    trace = labkit.run(program("eager_before_the_loop.py"), python=python)
    assert trace.exit_code == 0, trace.stderr_text()
    scheduled, eager = trace.task("scheduled"), trace.task("eager")
    assert (scheduled.eager, len(scheduled.steps), scheduled.outcome) == (False, 2, "finished")
    assert (eager.eager, len(eager.steps), eager.outcome) == (True, 2, "finished")


def test_a_cancel_from_a_signal_handler_is_asked_by_no_task(python: Interpreter) -> None:
    """asyncio.Runner's SIGINT handler ran inside busy's step; busy did not ask for anything."""
    trace = labkit.run(program("busy_at_ctrl_c.py"), python=python, interrupt=["INT@0.3"])
    assert trace.exit_code in (-2, 130)
    [to_main] = trace.task("main").cancel_requests
    [to_busy] = trace.task("busy").cancel_requests
    assert (to_main.by, to_busy.by) == (None, None)
    assert to_main.accepted and to_busy.accepted
    # both asked during busy's blocking step, when the signal came
    [first, *_] = trace.task("busy").steps
    assert first[0] <= to_main.t <= to_busy.t <= first[1]
