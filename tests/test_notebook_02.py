"""Notebook 02 runs headless, and every claim its prose makes holds in the run.

The notebook is executed once as committed (module-scoped fixtures); ``after`` code reads its
own variables and prints them as JSON for the assertions. Exercises are executed a second
time with the solution in place of the exercise cell.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import labkit
from labkit import checks, interpreters

from .notebook_support import run_notebook, solution

pytestmark = pytest.mark.slow


FOUND = sorted(interpreters.available())


# --- 02 the naive cancel ---------------------------------------------------------------------

NB02 = "02-naive-cancel.ipynb"

FACTS_02 = """
import json

def lanes(trace):
    closed = trace.loops[0].closed
    return [{"coro": t.coro, "outcome": t.outcome,
             "cancels": [[r.accepted, r.cancelling] for r in t.cancel_requests],
             "steps_after_cancel": sum(1 for s in t.steps
                                       if t.cancel_requests and s[0] >= t.cancel_requests[0].t),
             "ended_after_close": t.ended > closed} for t in trace.tasks]

print(json.dumps({
    "naive": {
        "tasks": lanes(naive_trace),
        "loop_runs": [run[2] for run in naive_trace.loops[0].runs],
        "closed": naive_trace.loops[0].closed is not None,
        "exit": naive_trace.exit_code,
        "stderr": naive_trace.stderr_text(),
    },
    "finally": {
        "tasks": lanes(finally_trace),
        "stdout": finally_trace.stdout_text().splitlines(),
    },
    "plain": {"exit": plain.returncode, "stdout": plain_out.splitlines(), "stderr": plain_err},
    "versions": {v: {"python": t.python, "exit": t.exit_code,
                     "outcomes": [task.outcome for task in t.tasks],
                     "warnings": [[w.source, checks.short_message(w.message)]
                                  for w in t.warnings]}
                 for v, t in by_version.items()},
    "report": {"passed": report1.passed, "failed": [r.name for r in report1.failures]},
}))
"""

DESTROYED = "Task was destroyed but it is pending!"


@pytest.fixture(scope="module")
def nb02() -> Any:
    return run_notebook(NB02, FACTS_02)


@pytest.fixture(scope="module")
def nb02_solved() -> Any:
    return run_notebook(NB02, FACTS_02,
                        replace={"exercise-1": solution("02-naive-cancel-exercise-1.ipy")})


def test_02_cancel_is_requested_but_never_delivered(nb02: Any) -> None:
    naive = nb02["naive"]
    assert [t["coro"] for t in naive["tasks"]] == ["worker", "worker"]
    for task in naive["tasks"]:
        # cancel() returned True and cancelling() became 1 ...
        assert task["cancels"] == [[True, 1]]
        # ... but the task never took another step, and was destroyed after the loop closed
        assert task["steps_after_cancel"] == 0
        assert task["outcome"] == "destroyed-pending"
        assert task["ended_after_close"]
    # the loop ran once, ended by the KeyboardInterrupt, and was closed; exit code 0
    assert naive["loop_runs"] == ["KeyboardInterrupt"]
    assert naive["closed"]
    assert naive["exit"] == 0
    assert naive["stderr"].count(DESTROYED) == 2
    # today's repr says "Task cancelling" (the question, on 3.4, showed "Task pending")
    assert naive["stderr"].count("<Task cancelling ") == 2
    assert "<Task pending" not in naive["stderr"]


def test_02_finally_runs_late_under_generator_exit_and_stops_at_its_await(nb02: Any) -> None:
    lines = nb02["finally"]["stdout"]
    closed_at = lines.index("main: loop closed")
    assert not any("cleanup" in line or "GeneratorExit" in line for line in lines[:closed_at])
    after = lines[closed_at + 1:]
    for n in (1, 2):
        assert f"worker {n}: got GeneratorExit" in after
        assert f"worker {n}: cleanup started" in after
        assert after.index(f"worker {n}: got GeneratorExit") < after.index(
            f"worker {n}: cleanup started")
    assert not any("cleanup done" in line or "CancelledError" in line for line in lines)
    for task in nb02["finally"]["tasks"]:
        assert task["outcome"] == "destroyed-pending"
        assert task["steps_after_cancel"] == 0
        assert task["ended_after_close"]


def test_02_plain_run_shows_pythons_own_report(nb02: Any) -> None:
    plain = nb02["plain"]
    assert plain["exit"] == 0
    lines = plain["stdout"]
    assert lines.index("main: loop closed") < lines.index("worker 1: cleanup started")
    assert not any("cleanup done" in line for line in lines)
    err = plain["stderr"]
    assert err.count(DESTROYED) == 2
    assert err.count("Exception ignored in: <coroutine object worker") == 2
    assert err.count("RuntimeError: no running event loop") == 2


def test_02_deprecation_warning_on_312_and_313_only(nb02: Any) -> None:
    versions = nb02["versions"]
    assert sorted(versions) == FOUND
    for version, run in versions.items():
        assert run["python"].startswith(version + ".")
        assert run["exit"] == 0
        assert run["outcomes"] == ["destroyed-pending", "destroyed-pending"]
        messages = [message for _, message in run["warnings"]]
        assert messages.count(DESTROYED) == 2
        deprecation = ["DeprecationWarning", "There is no current event loop"]
        if version == "3.11":
            assert deprecation not in run["warnings"]
            assert len(messages) == 2
        else:
            assert deprecation in run["warnings"]
            assert len(messages) == 3


def test_02_exercise_check_fails_on_the_starter_for_the_right_reasons(nb02: Any) -> None:
    report = nb02["report"]
    assert not report["passed"]
    assert sorted(report["failed"]) == sorted([
        "no task destroyed while pending",
        "cleanup ran: 'worker 1: cleanup done'",
        "cleanup ran: 'worker 2: cleanup done'",
        "no asyncio warnings",
    ])


def test_02_exercise_check_passes_on_the_solution(nb02_solved: Any) -> None:
    assert nb02_solved["report"] == {"passed": True, "failed": []}


HALF_FIX = '''
import asyncio


async def worker(n, seconds):
    try:
        await asyncio.sleep(seconds)
    finally:
        await asyncio.sleep(0.1)
        print(f"worker {n}: cleanup done", flush=True)


loop = asyncio.new_event_loop()
asyncio.set_event_loop(loop)
tasks = [loop.create_task(worker(1, 1)), loop.create_task(worker(2, 2))]
gathered = asyncio.gather(*tasks)
try:
    loop.run_until_complete(gathered)
except KeyboardInterrupt:
    for t in tasks:
        t.cancel()
    loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
finally:
    loop.close()
'''


def test_02_hint_3_a_new_gather_leaves_the_first_one_unretrieved(tmp_path: Path) -> None:
    # Hint 3 says: running a new gather leaves the interrupted one's outcome uncollected.
    script = tmp_path / "half_fix.py"
    script.write_text(HALF_FIX)
    trace = labkit.run(script, interrupt=["INT@0.5"], timeout=10)
    report = checks.check(trace, cleanup=["worker 1: cleanup done",
                                                 "worker 2: cleanup done"], exits_within=1.5)
    assert [r.name for r in report.failures] == ["no asyncio warnings"]
    assert [w.message for w in trace.warnings] == [
        "_GatheringFuture exception was never retrieved"]
