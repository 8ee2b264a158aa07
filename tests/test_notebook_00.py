"""Notebook 00 runs headless, and every claim its prose makes holds in the run.

The notebook is executed once as committed (a module-scoped fixture); ``after`` code reads its
own variables and prints them as JSON for the assertions.
"""

from __future__ import annotations

from typing import Any

import pytest

from labkit import interpreters

from .conftest import IN_CI
from .notebook_support import load, run_notebook

pytestmark = pytest.mark.slow


FOUND = sorted(interpreters.available())


def test_this_machine_has_the_versions_the_notebooks_compare() -> None:
    assert "3.11" in FOUND
    if IN_CI:
        assert list(interpreters.SUPPORTED) == FOUND


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
