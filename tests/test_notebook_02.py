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

from .notebook_support import cell_by_id, load, run_notebook, solution

pytestmark = pytest.mark.slow


FOUND = sorted(interpreters.available())


# --- 02 the naive cancel ---------------------------------------------------------------------

NB02 = "02-naive-cancel.ipynb"

FACTS_02 = """
import json

# what "%lab_solution ..." (each exercise's "Stuck?" cell) would put into the cell
loaded = []
get_ipython().set_next_input = lambda text, replace=False: loaded.append((text, replace))
for stem in ("02-naive-cancel-exercise-1", "02-naive-cancel-exercise-2"):
    get_ipython().run_line_magic("lab_solution", stem)

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
    "reports": {name: [{"label": v.run.label, "passed": v.passed,
                        "failed": [r.name for r in v.report.failures]} for v in report.verdicts]
                for name, report in (("ex1", report1), ("ex2", report2))},
    "status": status_demo,
    "loaded": loaded,
}))
"""

DESTROYED = "Task was destroyed but it is pending!"
RUNS_A_PROGRAM = ("labkit.Lab(", "labkit.run", "subprocess.Popen(", "on_each_version(")


def check_predictions(nb: Any) -> None:
    """Every cell that runs a program has a "Predict, then run." question right before it, and
    an "Answer:" in the prose after it, before the next such cell."""
    cells = nb.cells
    demos = [n for n, c in enumerate(cells) if c.cell_type == "code"
             and any(call in c.source for call in RUNS_A_PROGRAM)]
    assert demos
    for here, after in zip(demos, [*demos[1:], len(cells)], strict=True):
        before = cells[here - 1]
        assert before.cell_type == "markdown", cells[here].id
        assert before.source.startswith("**Predict, then run.**"), cells[here].id
        assert any("**Answer:**" in c.source for c in cells[here + 1:after]
                   if c.cell_type == "markdown"), cells[here].id


@pytest.fixture(scope="module")
def nb02() -> Any:
    return run_notebook(NB02, FACTS_02)


@pytest.fixture(scope="module")
def nb02_solved() -> Any:
    return run_notebook(NB02, FACTS_02,
                        replace={f"exercise-{n}": solution(f"02-naive-cancel-exercise-{n}.ipy")
                                 for n in (1, 2)})


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


STARTER_1_FAILS = [
    "cleanup ran: 'worker 1: cleanup done' by worker 1",
    "cleanup ran: 'worker 2: cleanup done' by worker 2",
    "no task destroyed while pending",
    "exit status -2 or 130",
    "no asyncio warnings",
]


def test_02_exercise_1_check_fails_on_the_starter_for_the_right_reasons(nb02: Any) -> None:
    ex1 = nb02["reports"]["ex1"]
    assert [run["passed"] for run in ex1] == [False, False, True]  # the third has no Ctrl+C
    for run in ex1[:2]:
        assert run["failed"] == STARTER_1_FAILS, run["label"]


def test_02_exercise_2_starter_loses_only_the_heartbeat(nb02: Any) -> None:
    # the starter is exercise 1 solved: the workers clean up; the heartbeat, which main never
    # saw, is destroyed, after a Ctrl+C and after a normal end alike
    heartbeat = ["cleanup ran: 'heartbeat: cleanup done' by heartbeat",
                 "no task destroyed while pending", "no asyncio warnings"]
    assert [run["failed"] for run in nb02["reports"]["ex2"]] == [heartbeat] * 3


def test_02_exercise_checks_pass_on_the_solutions(nb02_solved: Any) -> None:
    for name in ("ex1", "ex2"):
        runs = nb02_solved["reports"][name]
        assert [run["failed"] for run in runs] == [[]] * 3, name
    # and "%lab_solution NAME" gives the learner exactly those files
    assert nb02_solved["loaded"] == [[solution(f"02-naive-cancel-exercise-{n}.ipy"), True]
                                     for n in (1, 2)]


def test_02_a_shell_loop_stops_only_when_the_program_dies_of_sigint(nb02: Any) -> None:
    status = nb02["status"]
    # caught and exit 0: bash goes on to run 2, and a second Ctrl+C is needed
    assert status["exit-0"] == {"lines": [
        "working (exit-0)", "cleanup done", "after run 1: status 0",
        "working (exit-0)", "cleanup done", "after run 2: status 0"], "bash": 0}
    # let out: Python dies of SIGINT after the cleanup, and bash stops too, itself by SIGINT
    assert status["let-it-out"] == {"lines": ["working (let-it-out)", "cleanup done"],
                                    "bash": -2}
    # sys.exit(130): the status says so, but bash still goes on
    assert status["exit-130"] == {"lines": [
        "working (exit-130)", "cleanup done", "after run 1: status 130",
        "working (exit-130)", "cleanup done", "after run 2: status 130"], "bash": 0}


def test_02_every_demo_has_a_prediction_and_the_notebook_ends_with_key_points() -> None:
    check_predictions(load(NB02))
    last = load(NB02).cells[-1]
    assert last.source.startswith("## Key points")
    assert "In production code" in last.source


def test_02_cites_the_314_docs_for_get_event_loop() -> None:
    # no 3.14 here: the claim rests on its documentation
    text = cell_by_id(load(NB02), "versions-explain").source
    assert "raises `RuntimeError`" in text
    assert "https://docs.python.org/3.14/whatsnew/3.14.html" in text
    assert ("https://docs.python.org/3.14/library/asyncio-eventloop.html"
            "#asyncio.get_event_loop") in text
    assert "3.14" not in interpreters.available()


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
