"""Notebook 00 runs headless, and every claim its prose makes holds in the run.

The notebook is executed once as committed (a module-scoped fixture); ``after`` code reads its
own variables and prints them as JSON for the assertions.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

import labkit
from labkit import interpreters

from .conftest import IN_CI
from .notebook_support import NOTEBOOKS, cell_by_id, load, run, run_notebook, solution

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
import re as _re
import time as _time

import labkit.svg

def _texts(svg, cls):
    pattern = r'<text[^>]*class="' + cls + r'"[^>]*>(?:<title>[^<]*</title>)?([^<]*)</text>'
    return _re.findall(pattern, svg)

def _attrs(svg, cls):
    return [dict(_re.findall(r'([\\w-]+)="([^"]*)"', tag))
            for tag in _re.findall(r'<path class="' + cls + r'"[^>]*>', svg)]

def drawn(trace):
    svg = labkit.svg.render_svg(trace)
    zooms = [tuple(float(x) for x in m) for m in _re.findall(
        r'<g class="lk-piece" data-kind="zoom"><title>([0-9.]+) s to ([0-9.]+) s: zoomed in', svg)]
    return {
        "header": _re.search(r'class="lk-header"[^>]*>([^<]*)<', svg)[1],
        "legend": _re.findall(r'<g class="lk-legend-item">.*?<text[^>]*>([^<]*)</text></g>', svg),
        "signal_labels": _texts(svg, "lk-signal-label"),
        "lanes": _texts(svg, "lk-label"),
        "outcomes": _texts(svg, "lk-outcome"),
        "loop_row": [loop_row for loop_row in ("loop 1 (MainThread)",) if loop_row in svg],
        "loop_runs": svg.count('class="lk-loop-run"'),
        "stop_marks": svg.count('class="lk-stop"'),
        "shutdown_bars": [svg.count('class="lk-shutdown-asyncgens"'),
                          svg.count('class="lk-shutdown-default-executor"')],
        "axis_rows": [row for row in ("seconds since start", "since loop start") if row in svg],
        "cancelling": [(a.get("stroke"), a.get("stroke-width"), a.get("stroke-dasharray"))
                       for a in _attrs(svg, "lk-cancelling")],
        "guides": [(a.get("stroke"), a.get("stroke-dasharray"))
                   for a in _attrs(svg, "lk-signal-guides")],
        "zoom_captions": _re.findall(r"zoom \u00d7[0-9,]+", svg),
        "zooms": zooms,
    }

def failures(report):
    return {v.run.label: sorted(r.name for r in v.report.failures) for v in report.verdicts}

tour_drawn = drawn(tour_trace)
switch = {"options": [list(o) for o in tour.plan_switch.options], "mode": tour.mode,
          "shown": tour.plan_switch.layout.display != "none"}
ex1_trace, ex2_trace = await ex1.wait(), await ex2.wait()

# "Try it yourself", step 1: by hand, no planned signal; Ctrl+C pressed after the plan's 2 s
tour.mode = "by hand"
previous = tour.trace
tour.buttons.run.click()
while tour.trace is previous or tour.trace.loop_started is None:
    await asyncio.sleep(0.02)
await asyncio.sleep(2.5)
hand_before_press = {"signals": len(tour.trace.signals),
                     "quick done": "quick: cleanup done" in tour.trace.stdout_text(),
                     "status": tour.status.value}
tour.buttons.ctrl_c.click()
by_hand = await tour.wait()
hand_status = tour.status.value

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
    "tour_drawn": tour_drawn,
    "tour_times": {"signal": tour_trace.signals[0].sent,
                   "loop_started": tour_trace.loop_started,
                   "closed": tour_trace.loops[0].closed,
                   "shutdown_started": min(t.created for t in tour_trace.tasks
                                           if "shutdown" in t.coro),
                   "main_ended": tour_trace.task("main").ended,
                   "keyboard_interrupt": tour_trace.keyboard_interrupts[0][0]},
    "switch": switch,
    "hand": {"before_press": hand_before_press,
             "signals": [(s.signal, s.reason, round(s.sent - by_hand.loop_started, 2))
                         for s in by_hand.signals],
             "status": hand_status, "labels": drawn(by_hand)["signal_labels"],
             "stdout": by_hand.stdout_text().splitlines(), "exit": by_hand.exit_code},
    "ex1": {"stdout": ex1_trace.stdout_text().splitlines(),
            "outcomes": {t.name: t.outcome for t in ex1_trace.tasks},
            "keyboard_interrupts": [where for _, where in ex1_trace.keyboard_interrupts],
            "compressed": "÷" in labkit.svg.render_svg(ex1_trace),
            "exit": ex1_trace.exit_code, "report": failures(report1), "passed": report1.passed},
    "ex2": {"stdout": ex2_trace.stdout_text().splitlines(),
            "service": [(t.outcome, len(t.cancel_requests)) for t in ex2_trace.tasks
                        if t.coro == "service"],
            "uncaught": [exc for _, exc, _ in ex2_trace.uncaught],
            "exit": ex2_trace.exit_code, "report": failures(report2), "passed": report2.passed},
    "cancelled_error_is_base": [issubclass(asyncio.CancelledError, BaseException),
                                issubclass(asyncio.CancelledError, Exception)],
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
    # a kernel on a version labkit was not tested on would read "CPython X.Y is newer ..."
    assert "labkit is tested on this version: its traces show everything it records" in shown


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


def test_00_tour_predict_then_answer_and_the_plan_switch(nb00: Any) -> None:
    nb = load(NB00)
    ids = [cell.id for cell in nb.cells]
    before = nb.cells[ids.index("tour-program") - 1]
    assert before.id == "tour-predict" and "**Predict, then run.**" in before.source
    assert cell_by_id(nb, "tour-program").source.startswith(
        "%%lab --name tour --no-run --interrupt INT@2 ")
    answer = next(c for c in nb.cells[ids.index("tour-run") + 1:] if c.cell_type == "markdown")
    assert answer.id == "tour-answer" and answer.source.startswith("**Answer:**")
    # what the answer says, as the run shows it
    for words in ("`quick` *finished*", "`slow`\nand `main` (the task `Task-1`) were *cancelled*",
                  "`slow: cleanup`", "`slow: cleanup done`", "exit\ncode is -2"):
        assert words in answer.source, words
    printed = nb00["_printed"]["tour-run"].splitlines()
    assert printed == ["task Task-1 (main): cancelled", "task quick  (worker): finished",
                       "task slow   (worker): cancelled",
                       "task Task-4 (BaseEventLoop.shutdown_asyncgens): finished",
                       "task Task-5 (BaseEventLoop.shutdown_default_executor): finished",
                       "exit code -2"]
    # the panel's switch, in the words the prose uses
    assert nb00["switch"] == {"options": [["planned: INT@2", "planned"],
                                          ["by hand: no planned signal", "by hand"]],
                              "mode": "planned", "shown": True}
    panel = cell_by_id(nb, "panel-md").source
    assert "**planned: INT@2**" in panel and "**by hand: no planned signal**" in panel
    try_it = cell_by_id(nb, "try-it").source
    assert "**by hand: no planned signal**" in try_it and 'tour.mode = "by hand"' in try_it


def test_00_try_it_by_hand_sends_no_planned_signal(nb00: Any) -> None:
    """Step 1 of "Try it yourself": switched to by hand, Run sends nothing past the plan's
    2 s; the Ctrl+C pressed then is the only signal, labelled by hand."""
    hand = nb00["hand"]
    before = hand["before_press"]
    assert before["signals"] == 0 and before["quick done"]
    assert "by hand: no planned signal" in before["status"]
    [(name, reason, at)] = hand["signals"]
    assert (name, reason) == ("SIGINT", "manual") and at >= 2.4
    assert "by hand: no planned signal" in hand["status"] and " s (by hand)" in hand["status"]
    assert hand["labels"] == ["SIGINT by hand"]
    assert "slow: cleanup done" in hand["stdout"] and hand["exit"] == -2
    try_it = cell_by_id(load(NB00), "try-it").source
    assert "*SIGINT by hand*" in try_it and '"(by hand)"' in try_it


def test_00_the_timeline_prose_matches_the_drawing(nb00: Any) -> None:
    drawn, times = nb00["tour_drawn"], nb00["tour_times"]
    read = cell_by_id(load(NB00), "tour-read").source
    assert "killed by SIGINT (-2)" in drawn["header"] and drawn["header"].endswith("5 tasks")
    assert drawn["legend"] == [
        "running", "waiting", "waiting after cancel()", "a cancel() call",
        "finished", "cancelled",
        "signal sent", "KeyboardInterrupt", "loop running (the next run darker)",
        "loop.close()", "shutdown_asyncgens()", "shutdown_default_executor()"]
    for words in ("*task lanes*", "*outcomes*", "*loops, signals*",
                  '"loop running (the next run darker)"', '"waiting after cancel()"'):
        assert words in read, words
    # the axis: two clocks, and one zoomed piece, after the signal, around the shutdown
    assert drawn["axis_rows"] == ["seconds since start", "since loop start"]
    assert "*seconds since start*" in read and "*since loop start*" in read
    [(zoom_from, zoom_to)] = drawn["zooms"]
    assert len(drawn["zoom_captions"]) == 1 and "*zoom \N{MULTIPLICATION SIGN}…*" in read
    assert times["signal"] < zoom_from <= times["shutdown_started"]
    # asyncio.Runner raised the KeyboardInterrupt as soon as main ended cancelled, before the
    # shutdown steps, which ran on its way out of asyncio.run() (as the prose says)
    assert times["main_ended"] <= times["keyboard_interrupt"] < times["shutdown_started"]
    assert times["closed"] <= zoom_to and zoom_to - zoom_from < 0.05  # a few milliseconds
    assert 1.95 <= times["signal"] - times["loop_started"] < 2.3  # INT@2 on the loop clock
    # the rows: signal words, the loop's runs (its own stop() calls not drawn), shutdown bars
    assert drawn["signal_labels"] == ["SIGINT planned"] and "*SIGINT planned*" in read
    assert drawn["guides"] == [["#b2182b", "4 3"]] and "dashed red line" in read
    assert drawn["loop_row"] == ["loop 1 (MainThread)"] and "*loop 1 (MainThread)*" in read
    assert drawn["loop_runs"] == 3 and drawn["stop_marks"] == 0
    assert drawn["shutdown_bars"] == [1, 1]
    # the lanes: names and coroutines, the shutdown steps by name; cancelled ones dotted
    assert drawn["lanes"] == ["Task-1 main", "quick worker", "slow worker",
                              "shutdown_asyncgens()", "shutdown_default_executor()"]
    assert "`slow worker`" in read and "*shutdown_default_executor()*" in read
    assert drawn["outcomes"] == ["cancelled", "finished", "cancelled", "finished", "finished"]
    # a thick orange line in 3-unit dashes with 2-unit gaps: dots, not the red guides' dashes
    assert drawn["cancelling"] == [["#e69f00", "3", "3 2"]] * 2
    assert "thick, dotted and orange" in read and "dotted orange end" in read
    assert "dashed orange" not in read


def test_00_intro_says_where_sigterm_and_one_task_first_are_taught() -> None:
    nb = load(NB00)
    intro = nb.cells[0].source
    assert "(06 · Signals)" in intro and "(08 · Stopping when\none task completes)" in intro
    assert "**not written yet**" in intro and "(notebook 05)" in intro
    names = sorted(p.name[:2] for p in NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
    assert "06" not in names and "08" not in names  # when they are written, update the intro
    assert "05" in names
    assert "minutes of teaching" in intro and "25 minutes of exercises" in intro


def test_00_exercise_starters_fail_for_the_reasons_the_notebook_gives(nb00: Any) -> None:
    ex1, ex2 = nb00["ex1"], nb00["ex2"]
    assert ex1["compressed"]  # the prose points to its ÷ piece of the axis
    # exercise 1: not one cleanup line; Ctrl+C came as cancellation, KeyboardInterrupt at the end
    assert not [line for line in ex1["stdout"] if "cleanup" in line]
    assert ex1["outcomes"] == {"Task-1": "cancelled", "quick": "finished", "slow": "cancelled",
                               "Task-4": "finished", "Task-5": "finished"}
    assert ex1["keyboard_interrupts"] == ["asyncio.Runner.run"] and ex1["exit"] == -2
    assert nb00["cancelled_error_is_base"] == [True, False]
    never = "cleanup ran: '{}: cleanup done' by {}"
    both = sorted([never.format("quick", "quick"), never.format("slow", "slow")])
    assert ex1["passed"] is False and ex1["report"] == {
        "Ctrl+C at 2 s, while slow works": both,
        "Ctrl+C at 0.1 s, while both work": both,
        "no Ctrl+C: slow works 0.5 s": both}
    # exercise 2: the main thread got the Ctrl+C; the daemon thread died with the service
    # pending and its cleanup lost
    assert "main: Ctrl+C" in ex2["stdout"] and "service: cleanup done" not in ex2["stdout"]
    assert ex2["service"] == [["pending-at-exit", 0]]
    assert ex2["uncaught"] == ["KeyboardInterrupt"] and ex2["exit"] == -2
    lost = sorted(["cleanup ran: 'service: cleanup done' by service",
                   "cleanup ran: 'service thread: finished' by a thread",
                   "every task reached an outcome"])
    assert ex2["passed"] is False and ex2["report"] == {
        "Ctrl+C at 0.3 s, in the first step": lost,
        "Ctrl+C at 1.3 s, in the second step; the cleanup takes 0.5 s": lost,
        "no Ctrl+C: 1 step of work, then the service ends": []}


def test_00_exercises_sit_where_their_topics_are_taught() -> None:
    nb = load(NB00)
    ids = [cell.id for cell in nb.cells]
    assert ids.index("try-it") < ids.index("exercise-1") < ids.index("run-md")
    assert ids.index("thread-cancel-read") < ids.index("exercise-2") < ids.index("nest-md")
    for n in (1, 2):
        assert ids[ids.index(f"exercise-{n}") + 1] == f"check-{n}"
        assert cell_by_id(nb, f"check-{n}").source.startswith("# Runs your program")
        stuck = cell_by_id(nb, f"stuck-{n}").source
        assert stuck.startswith(f"Stuck? Replace the code of the exercise cell with "
                                f"`%lab_solution 00-start-here-exercise-{n}`")
        hints = cell_by_id(nb, f"ex{n}-md").source
        assert hints.count("<details><summary>Hint") == 2
    last = nb.cells[-1]
    assert last.source.startswith("## Key points") and "In production code" in last.source
    assert last.source.rstrip().endswith("Next: **01 · Tasks and the loop**.")


AFTER_SOLUTIONS = """
import json
loaded = []
get_ipython().set_next_input = lambda text, replace=False: loaded.append((text, replace))
for n in (1, 2):
    get_ipython().run_line_magic("lab_solution", f"00-start-here-exercise-{n}")
print(json.dumps({"reports": [report1.passed, report2.passed], "loaded": loaded,
                  "failures": [str(report1), str(report2)]}))
"""


def test_00_solutions_pass_the_checks() -> None:
    texts = [solution(f"00-start-here-exercise-{n}.ipy") for n in (1, 2)]
    _, facts, _ = run(NB00, AFTER_SOLUTIONS,
                      replace={"exercise-1": texts[0], "exercise-2": texts[1]})
    assert facts["reports"] == [True, True], facts["failures"]
    assert facts["loaded"] == [[text, True] for text in texts]
    for n, text in enumerate(texts, 1):
        assert text.startswith(f"%%lab --name ex{n} ")


JOIN_TRAP = """
import asyncio
import threading
import time


async def service():
    await asyncio.sleep(1.0)
    print("service: step done", flush=True)

thread = threading.Thread(target=asyncio.run, args=(service(),), daemon=True)
thread.start()
try:
    thread.join()
except KeyboardInterrupt:
    print(f"alive: {thread.is_alive()}", flush=True)
    started = time.monotonic()
    thread.join()
    print(f"second join: {time.monotonic() - started:.1f} s", flush=True)
"""


def test_00_an_interrupted_join_marks_the_thread_ended_on_311_and_312(tmp_path: Any) -> None:
    """Exercise 2's note: why its main thread waits in short sleeps, not with join()."""
    script = tmp_path / "join_trap.py"
    script.write_text(JOIN_TRAP)
    with ThreadPoolExecutor(len(FOUND)) as pool:
        traces = dict(zip(FOUND, pool.map(
            lambda v: labkit.run(script, interrupt=["INT@0.3"], python=v, timeout=10), FOUND),
            strict=True))
    for version, trace in traces.items():
        lines = trace.stdout_text().splitlines()
        if version in ("3.11", "3.12"):  # marked ended while it runs; join() returns at once
            assert lines == ["alive: False", "second join: 0.0 s"], version
        else:  # 3.13: still alive, and join() waits for it
            assert lines[0] == "alive: True" and "service: step done" in lines, version
            assert float(lines[-1].split()[-2]) >= 0.5, version
    ex2 = cell_by_id(load(NB00), "ex2-md").source
    assert "[CPython issue 90882](https://github.com/python/cpython/issues/90882)" in ex2
