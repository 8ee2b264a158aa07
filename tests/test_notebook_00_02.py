"""Notebooks 00, 01 and 02 run headless, and every claim their prose makes holds in the run.

Each notebook is executed once as committed (module-scoped fixtures); ``after`` code reads the
notebook's own variables and prints them as JSON for the assertions. Exercises are executed a
second time with the solution in place of the exercise cell.
"""

from __future__ import annotations

import itertools
import time
from pathlib import Path
from typing import Any

import pytest

import labkit
from labkit import checks, interpreters

from .conftest import IN_CI
from .notebook_support import execute, load, printed, printed_json, solution

pytestmark = pytest.mark.slow

FOUND = sorted(interpreters.available())


def test_this_machine_has_the_versions_the_notebooks_compare() -> None:
    assert "3.11" in FOUND
    if IN_CI:
        assert list(interpreters.SUPPORTED) == FOUND


def run_notebook(name: str, after: str, replace: dict[str, str] | None = None) -> Any:
    """Execute a notebook with one ``after`` cell that prints JSON; return that JSON, plus
    what each cell printed (``_printed``) and the errors of cells that raised (``_errors``),
    by cell id."""
    started = time.monotonic()
    nb = execute(name, replace=replace, after=[after])
    facts: Any = printed_json(nb.cells[-1])
    facts["_seconds"] = round(time.monotonic() - started, 1)
    cells = [cell for cell in nb.cells[:-1] if cell.cell_type == "code"]
    facts["_printed"] = {cell.id: printed(cell) for cell in cells}
    facts["_errors"] = {cell.id: [out.ename, out.evalue] for cell in cells
                        for out in cell.outputs if out.output_type == "error"}
    print(f"{name}{' (solution)' if replace else ''}: executed in {facts['_seconds']} s")
    return facts


# --- 00 start here ---------------------------------------------------------------------------

NB00 = "00-start-here.ipynb"

FACTS_00 = """
import json
killed = await tour.run(interrupt=["KILL@2"])  # "Try it yourself", steps 2 and 3
twice = await tour.run(interrupt=["INT@2", "INT@2.5"])
before = answer.value
button.click()
once = answer.value
button.click()
print(json.dumps({
    "installed": installed,
    "pythons": sorted(pythons),
    "label": [before, once, answer.value],
    "tour": {"outcomes": {t.name: [t.coro, t.outcome] for t in tour_trace.tasks},
             "stdout": tour_trace.stdout_text().splitlines(),
             "exit": tour_trace.exit_code,
             "handlers": [s.handler for s in tour_trace.signals],
             "keyboard_interrupts": [where for _, where in tour_trace.keyboard_interrupts],
             "uncaught": [exc for _, exc, _ in tour_trace.uncaught],
             "status": tour.status.value},
    "killed": {"stdout": killed.stdout_text().splitlines(),
               "outcomes": {t.name: t.outcome for t in killed.tasks}},
    "twice": {"stdout": twice.stdout_text().splitlines(),
              "outcomes": {t.name: t.outcome for t in twice.tasks}, "exit": twice.exit_code},
    "stopped": stopped,
    "real": {"state": state(real_leftover), "log": [x for x in real_log if isinstance(x, str)]},
    "nested": {"state_now": state(nested_leftover)},
    "original": {k: f"{v.__module__}.{v.__qualname__}" for k, v in original.items()},
    "patched": {k: f"{v.__module__}.{v.__qualname__}" for k, v in patched.items()},
    "task_class_now": f"{asyncio.Task.__module__}.{asyncio.Task.__qualname__}",
}))
"""


@pytest.fixture(scope="module")
def nb00() -> Any:
    return run_notebook(NB00, FACTS_00)


def test_00_install_check_lists_the_packages_and_versions(nb00: Any) -> None:
    assert set(nb00["installed"]) == {"labkit", "jupyterlab", "jupyterlab_widgets",
                                      "ipywidgets", "ipykernel", "nest-asyncio2"}
    assert all(number[0].isdigit() for number in nb00["installed"].values())
    assert nb00["pythons"] == FOUND
    shown = nb00["_printed"]["install-check"]
    assert "nest-asyncio2" in shown and "CPython versions labkit found: 3.11." in shown


def test_00_the_button_answers(nb00: Any) -> None:
    before, once, twice = nb00["label"]
    assert before == "not clicked yet"
    assert once == "clicked 1 time(s): widgets work"
    assert twice == "clicked 2 time(s): widgets work"


def test_00_tour_run_ctrl_c_under_asyncio_run(nb00: Any) -> None:
    tour = nb00["tour"]
    outcomes = {name: outcome for name, (_, outcome) in tour["outcomes"].items()}
    coros = {name: coro for name, (coro, _) in tour["outcomes"].items()}
    main = next(name for name, coro in coros.items() if coro == "main")
    assert outcomes[main] == "cancelled"
    assert outcomes["quick"] == "finished" and outcomes["slow"] == "cancelled"
    # asyncio.run's own shutdown steps, run as tasks at the end
    shutdown = sorted(coro for coro in coros.values() if "shutdown" in coro)
    assert shutdown == ["BaseEventLoop.shutdown_asyncgens",
                        "BaseEventLoop.shutdown_default_executor"]
    assert all(outcomes[name] == "finished" for name, coro in coros.items() if "shutdown" in coro)
    assert "quick: done" in tour["stdout"] and "slow: cleanup" in tour["stdout"]
    assert "slow: done" not in tour["stdout"]
    # both cleanups awaited their second: quick's before the Ctrl+C, slow's after it
    assert {"quick: cleanup done", "slow: cleanup done"} <= set(tour["stdout"])
    assert tour["handlers"] == ["asyncio.Runner"]
    assert tour["keyboard_interrupts"] == ["asyncio.Runner.run"]
    assert tour["uncaught"] == ["KeyboardInterrupt"]
    assert tour["exit"] == -2
    assert "ended" in tour["status"] and "KeyboardInterrupt" in tour["status"]


def test_00_try_it_kill_and_a_second_ctrl_c(nb00: Any) -> None:
    """Steps 2 and 3 of "Try it yourself": what Kill and Ctrl+C again leave out."""
    killed, twice = nb00["killed"], nb00["twice"]
    assert "quick: cleanup done" in killed["stdout"]
    assert not any(line.startswith("slow: cleanup") for line in killed["stdout"])
    assert killed["outcomes"]["slow"] == "pending-at-exit"
    # the second Ctrl+C arrives while slow awaits in its finally block: that await is cut short
    assert "slow: cleanup" in twice["stdout"] and "slow: cleanup done" not in twice["stdout"]
    assert twice["exit"] == -2


def test_00_asyncio_run_fails_in_the_kernel_and_the_ways_around_it(nb00: Any) -> None:
    assert nb00["_printed"]["kernel-loop"].strip() == (
        "a loop is running: True | in the main thread: True")
    assert nb00["_errors"] == {"run-fails": [
        "RuntimeError", "asyncio.run() cannot be called from a running event loop"]}
    assert nb00["_printed"]["await-works"].splitlines() == [
        "hello from a coroutine", "on the kernel's loop: True"]
    assert nb00["_printed"]["thread-works"].splitlines() == [
        "hello from a coroutine", "on the kernel's loop: False"]


def test_00_a_thread_loop_needs_call_soon_threadsafe(nb00: Any) -> None:
    direct = nb00["stopped"]["task.cancel()"]
    threadsafe = nb00["stopped"]["loop.call_soon_threadsafe(task.cancel)"]
    for result in (direct, threadsafe):
        assert result["by"] == "CancelledError" and result["cleanup done"] is True
    # direct: only when the 1 s sleep ended (asked at 0.3 s); threadsafe: just the cleanup
    assert 0.55 <= direct["after"] <= 1.0
    assert threadsafe["after"] <= 0.3


def test_00_nest_asyncio2_works_and_its_costs(nb00: Any) -> None:
    assert nb00["real"] == {"state": "cancelled", "log": ["background: cleanup"]}
    assert nb00["_printed"]["nest-apply"].splitlines() == [
        "hello from a coroutine", "on the kernel's loop: True"]
    assert nb00["_printed"]["nest-leftover"].strip() == (
        "nested asyncio.run: 0.2 s later, the background task is still pending "
        "| cleanup ran: False")
    # cancelled by hand in the next cell, its cleanup runs on the kernel's loop
    assert nb00["_printed"]["nest-tidy"].strip() == (
        "the background task is cancelled | cleanup ran: True")
    assert nb00["nested"]["state_now"] == "cancelled"
    assert nb00["original"] == {
        "asyncio.run": "asyncio.runners.run",
        "asyncio.Task": "_asyncio.Task",
        "loop.run_until_complete": "asyncio.base_events.BaseEventLoop.run_until_complete"}
    assert nb00["patched"] == {
        "asyncio.run": "nest_asyncio2.run",
        "asyncio.Task": "asyncio.tasks.Task",
        "loop.run_until_complete": "nest_asyncio2._patch_loop.<locals>.run_until_complete"}
    assert nb00["task_class_now"] == "asyncio.tasks.Task"  # still patched in later cells
    assert "nest_asyncio2 can undo it: False" in nb00["_printed"]["nest-patched"]


def test_00_applies_nest_asyncio2_only_at_the_end() -> None:
    nb = load(NB00)
    ids = [cell.id for cell in nb.cells]
    applying = [cell.id for cell in nb.cells if "nest_asyncio2.apply()" in cell.source]
    assert applying == ["nest-apply"]
    later = [nb.cells[i] for i in range(ids.index("nest-apply") + 1, len(ids))]
    assert all("labkit" not in cell.source and "%%lab" not in cell.source for cell in later)


# --- 01 tasks and the loop ------------------------------------------------------------------

NB01 = "01-tasks-and-the-loop.ipynb"

FACTS_01 = """
import asyncio, json

def lanes(trace):
    names = {t.id: t.name for t in trace.tasks}
    return {t.name: {"coro": t.coro, "created": t.created, "steps": t.steps,
                     "outcome": t.outcome, "exc": [t.exc_type, t.exc_message],
                     "cancels": [[r.t, r.accepted, r.cancelling, names.get(r.by)]
                                 for r in t.cancel_requests]}
            for t in trace.tasks}

def behaviour(trace):
    return {"stdout": trace.stdout_text().splitlines(), "exit": trace.exit_code,
            "outcomes": {t.name: t.outcome for t in trace.tasks if "shutdown" not in t.coro},
            "cancels": {t.name: [[r.accepted, r.cancelling] for r in t.cancel_requests]
                        for t in trace.tasks if "shutdown" not in t.coro}}

async def states_on(version):
    return await asyncio.to_thread(labkit.run, states.script, python=version, timeout=10)

versions = labkit.interpreters.available()
by_version = dict(zip(versions, await asyncio.gather(*map(states_on, versions))))
ex1_trace = await ex1.wait()
print(json.dumps({
    "states": lanes(states_trace),
    "stdout": states_trace.stdout_text().splitlines(),
    "versions": {v: behaviour(t) for v, t in by_version.items()},
    "ex1": {"tasks": lanes(ex1_trace), "stdout": ex1_trace.stdout_text().splitlines(),
            "exit": ex1_trace.exit_code},
    "report": {"passed": report1.passed,
               "failed": [[v.run.label, [r.name for r in v.report.failures]]
                          for v in report1.failed]},
}))
"""


@pytest.fixture(scope="module")
def nb01() -> Any:
    return run_notebook(NB01, FACTS_01)


@pytest.fixture(scope="module")
def nb01_solved() -> Any:
    return run_notebook(NB01, FACTS_01,
                        replace={"exercise-1": solution("01-tasks-and-the-loop-exercise-1.ipy")})


def main_task(lanes: dict[str, Any]) -> str:
    return next(name for name, lane in lanes.items() if lane["coro"] == "main")


def test_01_created_running_waiting(nb01: Any) -> None:
    lanes = nb01["states"]
    main_first = lanes[main_task(lanes)]["steps"][0]
    for name in ("quick", "busy", "broken", "sleeper", "never_started"):
        lane = lanes[name]
        # created during main's first step, all at once; run only after main gave the loop back
        assert main_first[0] <= lane["created"] <= main_first[1]
        assert lane["steps"][0][0] >= main_first[1]
    assert nb01["stdout"][0] == "main: 5 tasks created, none has run yet"
    # busy's time.sleep(0.15) is one long step; no other task ran meanwhile
    busy_block = max(lanes["busy"]["steps"], key=lambda s: s[1] - s[0])
    assert busy_block[1] - busy_block[0] >= 0.14
    for name, lane in lanes.items():
        if name != "busy":
            assert all(s[1] <= busy_block[0] or s[0] >= busy_block[1] for s in lane["steps"])
    for name in ("broken", "sleeper", "never_started"):
        assert lanes[name]["steps"][0][0] >= busy_block[1]
    # one task at a time: no two steps of the whole program overlap
    steps = sorted((s for lane in lanes.values() for s in lane["steps"]), key=lambda s: s[0])
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(steps))


def test_01_outcomes(nb01: Any) -> None:
    lanes = nb01["states"]
    outcomes = {name: lane["outcome"] for name, lane in lanes.items()}
    assert outcomes["quick"] == outcomes["busy"] == "finished"
    assert outcomes["broken"] == "failed"
    assert lanes["broken"]["exc"] == ["ValueError", "something went wrong"]
    assert outcomes["sleeper"] == outcomes["never_started"] == "cancelled"
    assert outcomes[main_task(lanes)] == "finished"
    shutdown = sorted(lane["coro"] for lane in lanes.values() if "shutdown" in lane["coro"])
    assert shutdown == ["BaseEventLoop.shutdown_asyncgens",
                        "BaseEventLoop.shutdown_default_executor"]
    assert "main: quick -> 'quick result'" in nb01["stdout"]
    assert "main: broken -> ValueError('something went wrong')" in nb01["stdout"]


def test_01_cancel_and_cancelling(nb01: Any) -> None:
    lanes, out = nb01["states"], nb01["stdout"]
    main = main_task(lanes)
    assert "main: sleeper.cancel() -> True, cancelling() -> 1" in out
    assert "main: sleeper.cancel() again -> True, cancelling() -> 2" in out
    assert [c[1:] for c in lanes["sleeper"]["cancels"]] == [[True, 1, main], [True, 2, main]]
    # two requests, one CancelledError, raised at the await; the finally awaited on the loop
    sleeper_lines = [line for line in out if line.startswith("sleeper:")]
    assert sleeper_lines == ["sleeper: got CancelledError at its await",
                             "sleeper: cleanup started", "sleeper: cleanup done"]
    assert out.index("sleeper: cleanup done") < out.index("main: sleeper -> CancelledError('')")
    first_cancel = lanes["sleeper"]["cancels"][0][0]
    assert len([s for s in lanes["sleeper"]["steps"] if s[0] >= first_cancel]) == 2
    # cancelled before its first step: neither body nor finally ran; one tiny step
    assert not [line for line in out if line.startswith("never:")]
    assert len(lanes["never_started"]["steps"]) == 1
    assert [c[1:] for c in lanes["never_started"]["cancels"]] == [[True, 1, main]]
    # cancel() on a finished task: False
    assert "main: quick.cancel() now -> False" in out
    assert [c[1] for c in lanes["quick"]["cancels"]] == [False]


def test_01_states_program_behaves_the_same_on_every_version(nb01: Any) -> None:
    versions = nb01["versions"]
    assert sorted(versions) == FOUND
    reference = versions["3.11"]
    assert reference["stdout"] == nb01["stdout"]
    for run in versions.values():
        assert run == reference


def test_01_exercise_check_fails_on_the_starter_for_the_right_reason(nb01: Any) -> None:
    # the two runs with a Ctrl+C fail; without one the worker ends by itself and cleans up
    missing = ["cleanup ran: 'worker: cleanup done' by worker"]
    assert nb01["report"] == {"passed": False, "failed": [
        ["Ctrl+C at 0.5 s", missing], ["Ctrl+C at 0.05 s, during the first step", missing]]}
    # Ctrl+C cancelled main; main was waiting for the worker, so the worker was cancelled too
    tasks = nb01["ex1"]["tasks"]
    main = main_task(tasks)
    assert tasks["worker"]["outcome"] == "cancelled" and tasks[main]["outcome"] == "cancelled"
    # cancelling main passed the request on to the task main was awaiting, in the same instant
    [(main_cancel, *_)] = tasks[main]["cancels"]
    [(worker_cancel, *_)] = tasks["worker"]["cancels"]
    assert abs(worker_cancel - main_cancel) < 0.005
    assert nb01["ex1"]["exit"] == -2
    assert "worker: closing the connection" not in nb01["ex1"]["stdout"]


def test_01_exercise_check_passes_on_the_solution(nb01_solved: Any) -> None:
    assert nb01_solved["report"] == {"passed": True, "failed": []}


SWALLOWS = '''
import asyncio


async def worker():
    try:
        while True:
            await asyncio.sleep(0.1)
    except asyncio.CancelledError:
        await asyncio.sleep(0.1)
        print("worker: cleanup done", flush=True)


async def main():
    await asyncio.create_task(worker(), name="worker")


asyncio.run(main())
'''


def test_01_hint_2_swallowing_the_cancellation_exits_0(tmp_path: Path) -> None:
    script = tmp_path / "swallows.py"
    script.write_text(SWALLOWS)
    trace = labkit.run(script, interrupt=["INT@0.5"], timeout=10)
    report = checks.check(trace, cleanup="worker: cleanup done", exits_within=1.5, exit_code=-2)
    assert [r.name for r in report.failures] == ["exit status -2"]
    assert trace.exit_code == 0
    assert trace.task("main").outcome == "finished"


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
