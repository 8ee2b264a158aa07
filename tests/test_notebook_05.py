"""Notebook 05 executes headless, every claim in its prose holds on each CPython version it
ran on, and its exercise's check fails on the starter and passes on the solution.

The notebook is executed as committed; an ``after`` cell then reads the notebook's own
variables and prints the facts the prose states as JSON, which the test asserts.
"""

from __future__ import annotations

import pytest

from .notebook_support import (
    EXECUTION_LIMIT,
    check_solution,
    check_versions,
    error_of,
    run,
    shows_timeline,
)

pytestmark = pytest.mark.slow


# --- 05: asyncio.run and asyncio.Runner -----------------------------------------------------
NB05 = "05-asyncio-run-and-runner.ipynb"

AFTER_05 = """
import json

def lines(trace):
    return [line.text for line in trace.stdout]

def first_index(trace, text):
    return next(i for i, line in enumerate(lines(trace)) if text in line)

facts = {"versions": list(versions)}

# one Ctrl+C
sig = t_one.signals[0]
main, w2 = t_one.task("main"), t_one.task("worker")
(ki_t, ki_where), = t_one.keyboard_interrupts
loop, = t_one.loops
(ag_start, _), = loop.shutdown_asyncgens
(ex_start, _), = loop.shutdown_default_executor
facts["one"] = {
    "handler": sig.handler,
    "main_cancelled_at_signal": abs(main.cancel_requests[0].t - sig.received) < 0.1,
    "main": main.outcome, "worker 2": w2.outcome,
    "ki_where": ki_where, "ki_after_main_ended": ki_t >= main.ended,
    "worker2_cancelled_after_main_ended": w2.first_cancel >= main.ended,
    "order": [first_index(t_one, "worker 1: cleanup done")
              < first_index(t_one, "main: cleanup done")
              < first_index(t_one, "worker 2: cleanup started")],
    "worker 2 cleanup done": "worker 2: cleanup done" in lines(t_one),
    "shutdown_order": w2.ended <= ag_start <= ex_start <= loop.closed <= t_one.uncaught[0][0],
    "uncaught": t_one.uncaught[0][1],
    "exit": t_one.exit_code,
}

# two Ctrl+C
second = t_two.signals[1]
(ki_t, ki_where), = t_two.keyboard_interrupts
main = t_two.task("main")
facts["two"] = {
    "ki_where": ki_where, "ki_at_second_signal": abs(ki_t - second.sent) < 0.1,
    "main_cancel_calls": len(main.cancel_requests),
    "worker 1 cut": "worker 1: cleanup interrupted by CancelledError" in lines(t_two),
    "worker 1 done": "worker 1: cleanup done" in lines(t_two),
    "worker 2 done": "worker 2: cleanup done" in lines(t_two),
    "exit": t_two.exit_code,
}

# asyncio.Runner
flush, w2 = t_runner.task("flush"), t_runner.task("worker")
(ki_t, ki_where), = t_runner.keyboard_interrupts
facts["runner"] = {
    "ki_where": ki_where, "flush_created_after_ki": flush.created >= ki_t,
    "flush": flush.outcome, "worker2_cancelled_after_flush": w2.first_cancel >= flush.ended,
    "worker 2": w2.outcome, "exit": t_runner.exit_code,
}

# the executor
sig = t_executor.signals[0]
main = t_executor.task("main")
loop, = t_executor.loops
(ex_start, ex_end), = loop.shutdown_default_executor
facts["executor"] = {
    "main_cancelled_at_once": main.ended - sig.sent < 0.2, "main": main.outcome,
    "executor_wait": round(ex_end - ex_start, 1),
    "ended_after_signal": round(t_executor.ended - sig.sent, 1),
    "exit": t_executor.exit_code,
}
facts["executor_wait_by_version"] = executor_wait
facts["compared"] = answers

facts["report1"] = {"passed": report1.passed, "failed": [r.name for r in report1.failures]}
print(json.dumps(facts))
"""


def test_05_asyncio_run_and_runner() -> None:
    nb, facts, took = run(NB05, AFTER_05)
    print(f"{NB05} executed in {took:.1f} s")
    assert took < EXECUTION_LIMIT
    check_versions(facts["versions"])
    assert error_of(nb, "kernel-run") == (
        "RuntimeError", "asyncio.run() cannot be called from a running event loop")
    for cell_id in ("one-run", "two-run", "runner-one-run", "executor-run", "exercise-1"):
        assert shows_timeline(nb, cell_id), cell_id

    assert facts["one"] == {
        "handler": "asyncio.Runner", "main_cancelled_at_signal": True,
        "main": "cancelled", "worker 2": "cancelled",
        "ki_where": "asyncio.Runner.run", "ki_after_main_ended": True,
        "worker2_cancelled_after_main_ended": True, "order": [True],
        "worker 2 cleanup done": True, "shutdown_order": True,
        "uncaught": "KeyboardInterrupt", "exit": -2,
    }
    assert facts["two"] == {
        "ki_where": "signal handler: asyncio.Runner", "ki_at_second_signal": True,
        "main_cancel_calls": 2, "worker 1 cut": True, "worker 1 done": False,
        "worker 2 done": True, "exit": -2,
    }
    assert facts["runner"] == {
        "ki_where": "asyncio.Runner.run", "flush_created_after_ki": True, "flush": "finished",
        "worker2_cancelled_after_flush": True, "worker 2": "cancelled", "exit": -2,
    }
    executor = facts["executor"]
    assert executor["main_cancelled_at_once"] and executor["main"] == "cancelled"
    assert executor["executor_wait"] >= 2.0 and 2.3 <= executor["ended_after_signal"] < 3.0
    assert executor["exit"] == -2

    # the only difference between the versions: a timeout on the executor wait since 3.12
    for version, answer in facts["executor_wait_by_version"].items():
        if version == "3.11":
            assert answer == ["(self)", False, None]
        else:
            assert answer == ["(self, timeout=None)", True, 300]
    # ...and otherwise the same behaviour on every version
    for version, answer in facts["compared"].items():
        ki_05a, ki_05b, cut, raised, ended, exits = answer
        assert (ki_05a, ki_05b, cut, exits) == ("Runner.run", "SIGINT handler", "yes",
                                                "-2 -2 -2"), version
        assert abs(float(raised.split()[0])) < 0.3, version  # asyncio.run raised at once
        assert 1.5 <= float(ended.split()[0]) < 2.6, version  # the thread still delays the exit

    # the exercise: the starter fails for the reasons the notebook teaches
    assert facts["report1"] == {
        "passed": False,
        "failed": ["cleanup ran: 'copy: stopped'", "exited within 1 s of the first SIGINT"],
    }


def test_05_solution_passes_the_check() -> None:
    check_solution(NB05, "05-asyncio-run-and-runner-exercise-1.ipy")
