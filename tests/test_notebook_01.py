"""Notebook 01 runs headless, and every claim its prose makes holds in the run.

The notebook is executed once as committed (module-scoped fixtures); ``after`` code reads its
own variables and prints them as JSON for the assertions. Exercises are executed a second
time with the solution in place of the exercise cell.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest

import labkit
from labkit import checks, interpreters

from .notebook_support import run_notebook, solution

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
    # what labkit.svg draws for a trace: its texts, the dashed orange lines, the pieces
    # of the axis, and where the shutdown and the loop's close() fall
    svg = labkit.svg.render_svg(trace)
    shown, groups = labkit.svg._choose_lanes(trace.tasks, 200)
    width = min(900, labkit.svg.DESIGN_WIDTH)
    scale = labkit.svg._Scale(trace, width, labkit.svg._trace_end(trace),
                              labkit.svg._label_width(trace, shown, width),
                              labkit.svg._outcome_width(shown, groups, width))
    return {
        "texts": re.findall(r"<text[^>]*>([^<]*)</text>", svg),
        "cancelling": re.findall(r'<path[^>]*class="lk-cancelling"[^>]*>', svg),
        "segments": [[s.kind, s.t0, s.t1] for s in scale.segments],
        "closed": trace.loops[0].closed,
        "shutdown": [[t.created, t.ended] for t in trace.tasks if "shutdown" in t.coro],
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

print(json.dumps({
    "states": lanes(states_trace),
    "stdout": states_trace.stdout_text().splitlines(),
    "states_drawn": drawing(states_trace),
    "versions": {v: behaviour(t) for v, t in by_version.items()},
    "blocking": held(blocking_trace),
    "threaded": held(threaded_trace),
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
