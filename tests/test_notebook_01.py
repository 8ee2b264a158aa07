"""Notebook 01 runs headless, and every claim its prose makes holds in the run.

The notebook is executed once as committed (module-scoped fixtures); ``after`` code reads its
own variables and prints them as JSON for the assertions. Exercises are executed a second
time with the solution in place of the exercise cell.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

import pytest

import labkit
from labkit import checks, interpreters

from .notebook_support import cell_by_id, load, run_notebook, solution

pytestmark = pytest.mark.slow


FOUND = sorted(interpreters.available())


# --- 01 tasks and the loop ------------------------------------------------------------------

NB01 = "01-tasks-and-the-loop.ipynb"

FACTS_01 = """
import asyncio, json, re
import labkit.svg

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

def held(trace):
    # what the blocking and threaded demos show: lanes, output, signal, shutdown, end
    loop = trace.loops[0]
    [signal] = trace.signals
    return {"tasks": lanes(trace), "stdout": trace.stdout_text().splitlines(),
            "printed": [[line.t, line.text, names_of(trace).get(line.task)]
                        for line in trace.printed],
            "signal": [signal.sent, signal.received], "loop_started": trace.loop_started,
            "executor": loop.shutdown_default_executor, "ended": trace.ended,
            "exit": trace.exit_code}

def names_of(trace):
    return {t.id: t.name for t in trace.tasks}

def drawing(trace):
    # what labkit.svg draws for a trace: its texts, the dotted orange lines, the pieces
    # of the axis, and where the shutdown and the loop's close() fall
    svg = labkit.svg.render_svg(trace)
    shown, groups = labkit.svg.choose_rows(trace.tasks, 200)
    width = min(900, labkit.svg.DESIGN_WIDTH)
    scale = labkit.svg._Scale(trace, width, labkit.svg._trace_end(trace),
                              labkit.svg._label_width(trace, shown, width),
                              labkit.svg._outcome_width(shown, groups, width))
    return {
        "texts": re.findall(r"<text[^>]*>([^<]*)</text>",
                            re.sub(r"<title>[^<]*</title>", "", svg)),
        "cancelling": re.findall(r'<path[^>]*class="lk-cancelling"[^>]*>', svg),
        "segments": [[s.kind, s.t0, s.t1] for s in scale.segments],
        "closed": trace.loops[0].closed,
        "shutdown": [[t.created, t.ended] for t in trace.tasks if "shutdown" in t.coro],
        "executor_bars": [scale.x(b) - scale.x(a)
                          for a, b in trace.loops[0].shutdown_default_executor],
        "plot_width": scale.x1 - scale.x0,
        "bar_class": "lk-shutdown-default-executor" in svg,
    }

async def run_on(lab, version, interrupt=()):
    return await asyncio.to_thread(labkit.run, lab.script, python=version,
                                   interrupt=list(interrupt), timeout=10)

versions = labkit.interpreters.available()
by_version = dict(zip(versions, await asyncio.gather(*(run_on(states, v) for v in versions))))
held_by_version = await asyncio.gather(*(run_on(lab, v, ["INT@0.35"])
                                         for lab in (blocking, threaded) for v in versions))
ex1_trace = await ex1.wait()
ex2_trace = await ex2.wait()

def report_facts(report):
    return {"passed": report.passed,
            "failed": [[v.run.label, [r.name for r in v.report.failures]]
                       for v in report.failed],
            "messages": [str(r) for v in report.failed for r in v.report.failures]}

loaded = []
get_ipython().set_next_input = lambda text, replace=False: loaded.append([text, replace])
for n in (1, 2):
    get_ipython().run_line_magic("lab_solution", f"01-tasks-and-the-loop-exercise-{n}")

print(json.dumps({
    "loaded": loaded,
    "states": lanes(states_trace),
    "stdout": states_trace.stdout_text().splitlines(),
    "states_drawn": drawing(states_trace),
    "states_loop_started": states_trace.loop_started,
    "drawn_versions": {v: [lanes(t), drawing(t), t.loop_started] for v, t in by_version.items()},
    "versions": {v: behaviour(t) for v, t in by_version.items()},
    "blocking": held(blocking_trace),
    "threaded": held(threaded_trace),
    "threaded_drawn": drawing(threaded_trace),
    "held_versions": {f"{name} {v}": held(t) for (name, v), t in zip(
        [(name, v) for name in ("blocking", "threaded") for v in versions], held_by_version)},
    "ex1": {"tasks": lanes(ex1_trace), "stdout": ex1_trace.stdout_text().splitlines(),
            "exit": ex1_trace.exit_code},
    "report": report_facts(report1),
    "ex2": {"tasks": lanes(ex2_trace), "stdout": ex2_trace.stdout_text().splitlines(),
            "stderr": ex2_trace.stderr_text().splitlines(), "exit": ex2_trace.exit_code},
    "report2": report_facts(report2),
}))
"""


@pytest.fixture(scope="module")
def nb01() -> Any:
    return run_notebook(NB01, FACTS_01)


@pytest.fixture(scope="module")
def nb01_solved() -> Any:
    return run_notebook(NB01, FACTS_01, replace={
        "exercise-1": solution("01-tasks-and-the-loop-exercise-1.ipy"),
        "exercise-2": solution("01-tasks-and-the-loop-exercise-2.ipy")})


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
    # first steps in creation order; the last three right after busy's block
    firsts = [lanes[name]["steps"][0][0]
              for name in ("quick", "busy", "broken", "sleeper", "never_started")]
    assert firsts == sorted(firsts)
    assert firsts[-1] - busy_block[1] < 0.005
    # one task at a time: no two steps of the whole program overlap
    steps = sorted((s for lane in lanes.values() for s in lane["steps"]), key=lambda s: s[0])
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(steps))


def test_01_prediction_answers(nb01: Any) -> None:
    lanes, out = nb01["states"], nb01["stdout"]
    main_first = lanes[main_task(lanes)]["steps"][0]
    # 1. the first steps come in the order the tasks were created, after main's first step
    order = ["quick", "busy", "broken", "sleeper", "never_started"]
    assert sorted(order, key=lambda name: lanes[name]["created"]) == order
    assert sorted(order, key=lambda name: lanes[name]["steps"][0][0]) == order
    assert all(lanes[name]["steps"][0][0] >= main_first[1] for name in order)
    assert out[0] == "main: 5 tasks created, none has run yet"
    # 2. never_started.cancel() returned True, and nothing of never_started was printed
    assert "main: never_started.cancel() -> True" in out
    assert not [line for line in out if line.startswith("never:")]
    # 3. two cancel() calls, one CancelledError
    assert out.count("sleeper: got CancelledError at its await") == 1


def test_01_timeline_is_described_as_drawn(nb01: Any) -> None:
    check_drawing(nb01["states"], nb01["states_drawn"], nb01["states_loop_started"])


def test_01_timeline_is_drawn_so_on_every_version(nb01: Any) -> None:
    assert sorted(nb01["drawn_versions"]) == FOUND
    for lanes, drawn, loop_started in nb01["drawn_versions"].values():
        check_drawing(lanes, drawn, loop_started)


def check_drawing(lanes: dict[str, Any], drawn: dict[str, Any], loop_started: float) -> None:
    texts = drawn["texts"]
    # the legend's words, as the prose quotes them
    for words in ("running", "waiting", "waiting after cancel()", "a cancel() call",
                  "finished", "FAILED", "cancelled", "seconds since start",
                  "since loop start"):
        assert words in texts, words
    # "waiting after cancel()" is an orange line of short dashes, 3 px thick: dotted, as the
    # prose says (checked by eye in chromium); never_started's and
    # sleeper's lanes have one
    assert len(drawn["cancelling"]) == 2
    for line in drawn["cancelling"]:
        assert 'stroke="#e69f00"' in line and 'stroke-dasharray="3 2"' in line
    # never_started: cancelled in the same step of main that created it
    main_first = lanes[main_task(lanes)]["steps"][0]
    assert main_first[0] <= lanes["never_started"]["cancels"][0][0] <= main_first[1]
    # lane labels and outcome words
    for words in ("Task-1 main", "FAILED: ValueError", "shutdown_asyncgens()",
                  "shutdown_default_executor()"):
        assert words in texts, words
    # one zoomed piece, near the right end of the axis: it holds the shutdown lanes,
    # loop.close() and the ends of sleeper and main, within a few milliseconds
    kinds = [kind for kind, *_ in drawn["segments"]]
    assert kinds.count("zoom") == 1 and kinds.index("zoom") >= len(kinds) - 2
    [(_, t0, t1)] = [seg for seg in drawn["segments"] if seg[0] == "zoom"]
    assert t1 - t0 < 0.02
    assert any(text.startswith("zoom \u00d7") for text in texts)
    for created, ended in drawn["shutdown"]:
        assert t0 <= created <= ended <= t1
    assert t0 <= drawn["closed"] <= t1
    for name in ("sleeper", main_task(lanes)):
        assert t0 <= lanes[name]["steps"][-1][1] <= t1, name
    # sleeper's cancel() calls at 0.5 s on the loop's clock
    for t, *_ in lanes["sleeper"]["cancels"]:
        assert 0.5 <= t - loop_started < 0.6


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
    assert {k: nb01["report"][k] for k in ("passed", "failed")} == {"passed": False, "failed": [
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


def test_01_exercise_checks_pass_on_the_solutions(nb01_solved: Any) -> None:
    assert nb01_solved["report"]["passed"] and nb01_solved["report"]["failed"] == []
    assert nb01_solved["report2"]["passed"] and nb01_solved["report2"]["failed"] == []


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


# --- a blocking call holds the loop ---------------------------------------------------------


def check_blocking(run: dict[str, Any]) -> None:
    tasks, printed = run["tasks"], run["printed"]
    start = tasks[main_task(tasks)]["steps"][0][0]
    sent, received = run["signal"]
    assert 0.35 <= sent - run["loop_started"] < 0.45
    [block] = [s for s in tasks["worker"]["steps"] if s[1] - s[0] > 0.9]
    # one tick, at the start; no other before the cleanup, at 1.0 s
    ticks = [t for t, text, _ in printed if text.startswith("heartbeat: tick")]
    assert len(ticks) == 1 and ticks[0] - start < 0.05
    [(cleanup_t, cleanup, owner)] = [p for p in printed if p[1].startswith("worker: cleanup")]
    assert owner == "worker" and cleanup_t >= block[1]
    assert cleanup.startswith(("worker: cleanup at 1.0", "worker: cleanup at 1.1"))
    # no heartbeat step during the worker's block
    assert all(s[1] <= block[0] or s[0] >= block[1] for s in tasks["heartbeat"]["steps"])
    # the Ctrl+C's cancel() calls, on main and the worker, inside the block
    for name in (main_task(tasks), "worker"):
        [(t, accepted, *_)] = tasks[name]["cancels"]
        assert accepted and block[0] < t < block[1] and t - received < 0.1
    assert tasks["worker"]["outcome"] == "cancelled"
    assert run["exit"] == -2


def check_threaded(run: dict[str, Any]) -> None:
    tasks, printed = run["tasks"], run["printed"]
    start = tasks[main_task(tasks)]["steps"][0][0]
    sent, received = run["signal"]
    # ticks every 0.1 s until the Ctrl+C
    ticks = [t for t, text, _ in printed if text.startswith("heartbeat: tick")]
    assert 3 <= len(ticks) <= 4 and ticks[-1] < sent
    assert all(0.08 < b - a < 0.2 for a, b in itertools.pairwise(ticks))
    # the worker's cleanup at once, by the worker
    [(cleanup_t, cleanup, owner)] = [p for p in printed if p[1].startswith("worker: cleanup")]
    assert owner == "worker" and 0 <= cleanup_t - received < 0.1
    assert cleanup.startswith(("worker: cleanup at 0.3", "worker: cleanup at 0.4",
                               "worker: cleanup at 0.5"))
    assert tasks["worker"]["outcome"] == "cancelled" and run["exit"] == -2
    # asyncio.run waited for the thread: shutdown_default_executor() lasted until its
    # time.sleep(1.0) returned, and the process ended only after that
    [(begin, end)] = run["executor"]
    assert begin - cleanup_t < 0.1 and end - begin > 0.5
    assert end >= start + 1.0 and run["ended"] - sent > 0.5


def test_01_blocking_call_holds_the_heartbeat_and_the_ctrl_c(nb01: Any) -> None:
    check_blocking(nb01["blocking"])
    out = nb01["_printed"]["blocking-run"].splitlines()
    assert out[0] == "heartbeat: tick at 0.00 s" and out[1].startswith("worker: cleanup at 1.")


def test_01_a_thread_frees_the_loop_but_is_waited_for(nb01: Any) -> None:
    check_threaded(nb01["threaded"])
    assert "asyncio.run waited 0." in nb01["_printed"]["threaded-run"]
    # the long yellow bar on the loop's row: shutdown_default_executor(), drawn across a
    # good part of the plot
    drawn = nb01["threaded_drawn"]
    [bar] = drawn["executor_bars"]
    assert drawn["bar_class"] and bar > drawn["plot_width"] / 5
    assert "shutdown_default_executor()" in drawn["texts"]


def test_01_blocking_and_threaded_on_every_version(nb01: Any) -> None:
    runs = nb01["held_versions"]
    assert sorted(runs) == sorted(f"{name} {v}" for name in ("blocking", "threaded")
                                  for v in FOUND)
    for key, run in runs.items():
        (check_blocking if key.startswith("blocking") else check_threaded)(run)


def test_01_exercise_2_check_fails_on_the_starter_for_the_right_reasons(nb01: Any) -> None:
    report = nb01["report2"]
    assert not report["passed"]
    # the heartbeat's ping came late while save_block() held the loop: the server hung up
    assert "exit status 1, expected 0: an uncaught ConnectionError ended it" in " ".join(
        report["messages"])
    # with a Ctrl+C the cleanup at the end never runs
    assert ["Ctrl+C at 0.9 s, while a block is saved", [
        "cleanup ran: 'worker: cleanup done' by worker", "no asyncio warnings"]] \
        in report["failed"]
    # without a Ctrl+C the blocks were saved, but by the worker task, on the loop
    assert any("'disk: block 2 saved' was printed at" in m and "by task worker" in m
               and "not by a thread" in m for m in report["messages"]), report["messages"]
    # the notebook's own run: the heartbeat failed before the Ctrl+C at 0.9 s
    ex2 = nb01["ex2"]
    beat = ex2["tasks"]["heartbeat"]
    assert beat["outcome"] == "failed" and beat["exc"][0] == "ConnectionError"
    assert "the server hung up" in beat["exc"][1]
    assert ex2["exit"] == -2 and "worker: cleanup done" not in ex2["stdout"]


# --- how the notebook is laid out -----------------------------------------------------------

DEMOS_01 = {"states-program": "states-answer", "blocking-program": "blocking-answer",
            "threaded-program": "threaded-answer"}


def test_01_predictions_answers_exercises_and_key_points_in_place() -> None:
    nb = load(NB01)
    ids = [c.id for c in nb.cells]
    for demo, answer in DEMOS_01.items():
        before = nb.cells[ids.index(demo) - 1]
        assert before.cell_type == "markdown" and "**Predict, then run.**" in before.source
        following = [c for c in nb.cells[ids.index(demo) + 1:] if c.cell_type == "markdown"]
        assert following[0].id == answer and following[0].source.startswith("**Answer:**")
    # every cell that runs a program is one of the demos, an exercise or a check
    running = [c.id for c in nb.cells if c.cell_type == "code"
               and (c.source.startswith("%%lab") or "check_runs(" in c.source)]
    assert running == ["states-program", "exercise-1", "check-1", "blocking-program",
                       "threaded-program", "exercise-2", "check-2"]
    # two exercises, each where its topic is taught, and key points at the end
    assert ids.index("exercise-1") < ids.index("blocking-md") < ids.index("exercise-2")
    last = nb.cells[-1]
    assert last.source.startswith("## Key points") and "In production code" in last.source
    assert "Next: **02 · The naive cancel**" in last.source
    for n in (1, 2):
        assert cell_by_id(nb, f"check-{n}").source.startswith("# Runs your program")
        assert cell_by_id(nb, f"exercise-{n}").source.startswith(f"%%lab --name ex{n} ")


def test_01_lab_solution_loads_each_solution(nb01: Any) -> None:
    texts = [solution(f"01-tasks-and-the-loop-exercise-{n}.ipy") for n in (1, 2)]
    assert nb01["loaded"] == [[text, True] for text in texts]
    for n, text in enumerate(texts, 1):
        assert text.startswith(f"%%lab --name ex{n} ")


def test_01_prose_calls_the_cancelling_line_what_it_looks_like() -> None:
    """The 3 px orange line with "3 2" dashes looks dotted (00 and svg.py say so too)."""
    prose = "".join(c.source for c in load(NB01).cells if c.cell_type == "markdown")
    assert "orange and dotted" in prose and "dotted orange wait" in prose
    assert "dashed orange" not in prose and "orange and dashed" not in prose


def test_01_printed_times_say_which_clock(nb01: Any) -> None:
    """The axis has two clocks; the numbers the cells print count from the process start."""
    for cell in ("states-facts", "cancel-facts"):
        first = nb01["_printed"][cell].splitlines()[0]
        assert re.fullmatch(r"\(times in seconds since the process started; its event loop "
                            r"started at 0\.\d{3} s\)", first), first
