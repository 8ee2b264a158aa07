"""Notebook 04 executes headless, every claim in its prose holds on each CPython version it
ran on, and its exercises' checks fail on the starters and pass on the solutions.

The notebook is executed as committed; an ``after`` cell then reads the notebook's own
variables and prints the facts the prose states as JSON, which the test asserts.
"""

from __future__ import annotations

import pytest

from .notebook_support import (
    EXECUTION_LIMIT,
    cell_by_id,
    check_versions,
    load,
    run,
    shows_timeline,
    solution,
)

pytestmark = pytest.mark.slow


# --- 04: gather everything ------------------------------------------------------------------
NB04 = "04-gather-everything.ipynb"
# each cell that runs a program, and the markdown after it that answers its question
DEMOS_04 = {
    "answer-fixes": "answer-fixes-read", "answer-run": "answer-read", "quiet-run": "quiet-read",
    "asyncgens-run": "asyncgens-read", "close-run": "close-read",
    "close-handler-run": "close-handler-read", "close-thread-run": "close-thread-read",
    "fixes-run": "fixes-read", "fix3-run": "fix3-read", "abandon-run": "abandon-read",
    "realfix-run": "realfix-read", "realfix-versions": "realfix-versions-read",
}

AFTER_04 = """
import json

def outcomes(trace):
    return sorted(f"{t.coro}:{t.outcome}" for t in trace.tasks
                  if not t.coro.startswith("BaseEventLoop."))

def lines(trace):
    return [line.text for line in trace.stdout]

facts = {"versions": list(versions), "changes": changes}
loop, = t_everything.loops
athrow = t_everything.task("async_generator_athrow")
facts["everything"] = {
    "outcomes": outcomes(t_everything),
    "cleanup": sorted(l.text for l in t_everything.stdout if "cleanup" in l.text),
    "athrow_made_by_shutdown_asyncgens": athrow.created >= loop.shutdown_asyncgens[0][0],
    "exit": t_everything.exit_code, "uncaught": t_everything.uncaught,
}
import re as _re
import labkit.svg
drawing = labkit.svg.render_svg(t_everything)
facts["everything_drawn"] = {
    "asyncgens_bar": 'class="lk-shutdown-asyncgens"' in drawing,
    "zoom": bool(_re.search(r"zoom \u00d7[0-9,]+", drawing)),
}
facts["loud"] = {
    v: {"table": [t.stdout_text().count("cleanup done"),
                  sorted({w.message.splitlines()[0] for w in t.warnings
                          if "current event loop" not in w.message}),
                  t.exit_code],
        "reported_after_close": all(w.t > t.loops[0].closed for w in t.warnings
                                    if "never retrieved" in w.message),
        "stderr_never_retrieved": "exception was never retrieved" in t.stderr_text(),
        "stderr_logging_error": "--- Logging error ---" in t.stderr_text(),
        "deprecation": "There is no current event loop" in t.stderr_text()}
    for v, t in loud_runs.items()}
facts["asyncgens"] = {
    v: [[l.text for l in t.stdout if "cleanup" in l.text],
        [labkit.checks.short_message(w.message) for w in t.warnings], t.exit_code]
    for v, t in asyncgen_runs.items()}
loop, = t_inside.loops
facts["inside"] = {
    "close_refused": [m for _, m in loop.close_refused],
    "loop_errors": [m for _, m in loop.run_until_complete_errors],
    "closed_after_refused": loop.closed > loop.close_refused[0][0],
    "main": [t_inside.task("main").outcome, t_inside.task("main").exc_type],
    "worker": t_inside.task("worker").outcome,
    "worker_cleanup": "worker: cleanup done" in t_inside.stdout_text(),
    "exit": t_inside.exit_code,
}
loop, = t_from_handler.loops
sig = t_from_handler.signals[0]
facts["from_handler"] = {
    "close_refused_at_signal": abs(loop.close_refused[0][0] - sig.received) < 0.1,
    "logged": [labkit.checks.short_message(w.message) for w in t_from_handler.warnings],
    "main": t_from_handler.task("main").outcome,
    "ran_to_2s": t_from_handler.ended - t_from_handler.loop_started >= 2.0,
    "exit": t_from_handler.exit_code,
}
loop, = t_from_thread.loops
(refused_at, refused), = loop.close_refused
said = [p for p in t_from_thread.printed if p.text.startswith("watchdog: RuntimeError")]
facts["from_thread"] = {
    "refused": refused, "refused_after": round(refused_at - t_from_thread.loop_started, 1),
    "said_by": [p.thread for p in said], "said": [p.text for p in said],
    "running_when_called": "watchdog: the loop is running: True" in t_from_thread.stdout_text(),
    "main": t_from_thread.task("main").outcome,
    "main_finished": "main: work finished" in lines(t_from_thread),
    "closed_after_main": loop.closed >= t_from_thread.task("main").ended,
    "exit": t_from_thread.exit_code,
}
facts["fixes"] = {
    fix: {v: [t.exit_code, last_error(t),
              "There is no current event loop" in t.stderr_text(),
              after_close(t) if "loop closed" in t.stdout_text() else None]
          for v, t in runs.items()}
    for fix, runs in fix_runs.items()}
fix1 = fix_runs["1 manual loop"]
facts["fix1_close"] = {
    v: [outcomes(t), [m for l in t.loops for _, m in l.close_refused],
        all(l.closed is not None for l in t.loops),
        [w.message for w in t.warnings]]
    for v, t in fix1.items()}
facts["fix3"] = {
    "outcomes": outcomes(t_fix3),
    "destroyed_message": "Task was destroyed" in t_fix3.stderr_text(),
    "gather_source": "_log_destroy_pending = False" in gather_source[start:end],
}
facts["abandoned"] = {
    f"{how} {v}": {"outcomes": outcomes(t), "closed": t.loops[0].closed is not None,
                   "refused": t.loops[0].close_refused,
                   "stderr": "Task was destroyed but it is pending!" in t.stderr_text(),
                   "warnings": [labkit.checks.short_message(w.message) for w in t.warnings],
                   "cleanup_after_close": cleanup_after_close(t), "exit": t.exit_code}
    for (how, v), t in abandoned.items()}
loop, = t_realfix.loops
facts["realfix"] = {
    "passed": labkit.checks.check(t_realfix, cleanup=["worker 1: cleanup done",
                                                      "worker 2: cleanup done"],
                                  exits_within=1).passed,
    "close_refused": loop.close_refused, "closed_last": loop.closed is not None,
    "exit": t_realfix.exit_code,
}
facts["realfix_versions"] = {v: [task.coro for task in t.tasks if "shutdown" not in task.coro]
                             for v, t in realfix_runs.items()}
facts["realfix_outcomes"] = {v: [t.exit_code, outcomes(t)] for v, t in realfix_runs.items()}

def failures(report):
    return {v.run.label: sorted(r.name for r in v.report.failures) for v in report.verdicts}

facts["report1"] = {"passed": report1.passed, "failures": failures(report1)}
facts["report2"] = {"passed": report2.passed, "failures": failures(report2)}
print(json.dumps(facts))
"""

CHANGES = {
    "asyncio.Task.all_tasks() exists": False,
    "asyncio.gather() takes loop=": False,
    "the `if` as copied compiles": False,
    "the `if` with a \\ at the end of its first line compiles": True,
    "event loops have a run() method": False,
}


def test_04_gather_everything() -> None:
    nb, facts, took = run(NB04, AFTER_04)
    print(f"{NB04} executed in {took:.1f} s")
    assert took < EXECUTION_LIMIT
    check_versions(facts["versions"])
    for cell_id in ("answer-run", "close-run", "close-handler-run", "close-thread-run",
                    "fix3-run", "realfix-run"):
        assert shows_timeline(nb, cell_id), cell_id

    # the answer as copied: two changes of Python, and an `if` that was never valid Python
    for version, changes in facts["changes"].items():
        assert changes == CHANGES, version

    # the answer's recipe, with three fixes, cleans up everything
    assert facts["everything"] == {
        "outcomes": ["amain:cancelled", "async_generator_athrow:finished",
                     "worker:cancelled", "worker:cancelled"],
        "cleanup": ["amain: cleanup ran", "ticker: cleanup ran (async generator finalized)",
                    "worker 1: cleanup done", "worker 1: cleanup started",
                    "worker 2: cleanup done", "worker 2: cleanup started"],
        "athrow_made_by_shutdown_asyncgens": True, "exit": 0, "uncaught": [],
    }
    # the millisecond of shutdown_asyncgens() is drawn in a zoomed piece of the axis
    assert facts["everything_drawn"] == {"asyncgens_bar": True, "zoom": True}
    # what the quiet handler hides, per version; the get_event_loop() warning on 3.12+
    for version, loud in facts["loud"].items():
        assert loud["table"] == [2, ["_GatheringFuture exception was never retrieved"], 0]
        assert loud["reported_after_close"], version
        assert loud["deprecation"] == (version != "3.11"), version
        if version == "3.13":  # printed, or "Logging error": depends on shutdown timing
            assert loud["stderr_never_retrieved"] != loud["stderr_logging_error"], version
        else:
            assert loud["stderr_never_retrieved"] and not loud["stderr_logging_error"], version
    # no shutdown_asyncgens: the generator's finally is lost; only 3.13 says something
    for version, (cleanup, said, exit_code) in facts["asyncgens"].items():
        assert cleanup == ["main: cleanup done"] and exit_code == 0, version
        assert said == ([] if version != "3.13" else
                        ["coroutine method 'aclose' of 'ticks' was never awaited"]), version

    # Cannot close a running event loop: from a coroutine, a signal handler, another thread
    assert facts["inside"] == {
        "close_refused": ["Cannot close a running event loop"],
        "loop_errors": ["Cannot close a running event loop"], "closed_after_refused": True,
        "main": ["failed", "RuntimeError"], "worker": "cancelled", "worker_cleanup": True,
        "exit": 1,
    }
    assert facts["from_handler"] == {
        "close_refused_at_signal": True,
        "logged": ["Exception in callback main.<locals>.close_loop()"],
        "main": "finished", "ran_to_2s": True, "exit": 0,
    }
    from_thread = facts["from_thread"]
    assert 0.3 <= from_thread.pop("refused_after") < 0.6
    assert from_thread == {
        "refused": "Cannot close a running event loop", "said_by": ["watchdog"],
        "said": ["watchdog: RuntimeError: Cannot close a running event loop"],
        "running_when_called": True, "main": "finished", "main_finished": True,
        "closed_after_main": True, "exit": 0,
    }

    # the article's three fixes, per version
    for version, fix1 in facts["fixes"]["1 manual loop"].items():
        assert fix1 == [-2, "KeyboardInterrupt", False, "main: cleanup done"], version
    for version, fix2 in facts["fixes"]["2 context manager"].items():
        assert fix2 == [1, "TypeError: '_UnixSelectorEventLoop' object does not support the "
                           "context manager protocol", version != "3.11", None], version
    for version, fix3 in facts["fixes"]["3 shutdown()"].items():
        assert fix3 == [1, "AttributeError: 'coroutine' object has no attribute 'cancel'",
                        version != "3.11", "task 2: cleanup ran; task 1: cleanup ran"], version
    for version, fix1 in facts["fix1_close"].items():
        # close() of a stopped loop succeeds with main's task pending, without a word
        assert fix1 == [["main:destroyed-pending"], [], True, []], version
    assert facts["fix3"] == {"outcomes": ["task1:destroyed-pending", "task2:destroyed-pending"],
                             "destroyed_message": False, "gather_source": True}

    # a pending task thrown away with its loop: reported only when create_task() made it
    assert len(facts["abandoned"]) == 2 * len(facts["versions"])
    for case, abandoned in facts["abandoned"].items():
        by_create_task = case.startswith("task ")
        assert abandoned == {
            "outcomes": ["main:destroyed-pending"], "closed": True, "refused": [],
            "stderr": by_create_task,
            "warnings": ["Task was destroyed but it is pending!"] if by_create_task else [],
            "cleanup_after_close": True, "exit": -2,
        }, case

    # the real fix: nothing refused, cleanups done, exit 0 (a stop, not an interruption)
    assert facts["realfix"] == {"passed": True, "close_refused": [], "closed_last": True,
                                "exit": 0}
    for version, coros in facts["realfix_versions"].items():
        # wait_for() runs what it waits for in a task of its own on 3.11 only
        extra = ["Event.wait"] if version == "3.11" else []
        assert coros == ["main", "worker", "worker", *extra], version
        assert facts["realfix_outcomes"][version][0] == 0, version

    # the exercises: the starters fail for the reasons the notebook teaches
    lost = sorted(["cleanup ran: 'heartbeat: cleanup done' by heartbeat",
                   "cleanup ran: 'library: connection closed' by keepalive",
                   "cleanup ran: 'readings: cleanup done' by any task",
                   "no task destroyed while pending", "no asyncio warnings"])
    assert facts["report1"] == {
        "passed": False,
        "failures": {
            "Ctrl+C at 0.5 s": sorted([*lost, "exit status -2 or 130"]),
            "Ctrl+C at 0.5 s, a slow heartbeat cleanup (1.2 s)":
                sorted([*lost, "exit status -2 or 130"]),
            "no Ctrl+C: main's work ends by itself after 0.3 s": lost,
        },
    }
    assert facts["report2"] == {
        "passed": False,
        "failures": {
            "Ctrl+C at 0.5 s": ["exit status -2 or 130", "exited within 1 s of the first SIGINT",
                                "no asyncio warnings"],
            "no Ctrl+C: it runs 0.5 s, then stops by itself": [],
        },
    }


def test_04_predicts_before_each_demo_and_answers_after() -> None:
    nb = load(NB04)
    ids = [cell.id for cell in nb.cells]
    for demo, answer in DEMOS_04.items():
        before = nb.cells[ids.index(demo) - 1]
        assert before.cell_type == "markdown" and "**Predict, then run.**" in before.source, demo
        following = [c for c in nb.cells[ids.index(demo) + 1:] if c.cell_type == "markdown"]
        assert following[0].id == answer, demo
        assert following[0].source.startswith("**Answer:**"), answer
    # every cell that runs a program is one of the demos, an exercise or a check
    runs = ("labkit.Lab(", "on_each_version(", "ProgramRun(", "subprocess.run(", "check_runs(")
    running = [c.id for c in nb.cells if c.cell_type == "code" and any(r in c.source for r in runs)]
    assert set(running) <= set(DEMOS_04) | {"fixes-run", "check-1", "check-2"}, running
    # two exercises, each where its topic is taught, and key points at the end
    assert ids.index("exercise-1") < ids.index("close-md") < ids.index("exercise-2")
    last = nb.cells[-1]
    assert last.source.startswith("## Key points") and "In production code" in last.source
    for n in (1, 2):
        check = cell_by_id(nb, f"check-{n}").source
        assert check.startswith("# Runs your program"), n


AFTER_SOLUTIONS = """
import json
loaded = []
get_ipython().set_next_input = lambda text, replace=False: loaded.append((text, replace))
for n in (1, 2):
    get_ipython().run_line_magic("lab_solution", f"{stem}-exercise-{n}")
print(json.dumps({"reports": [report1.passed, report2.passed], "loaded": loaded}))
"""


def test_04_solutions_pass_the_checks() -> None:
    stem = NB04.removesuffix(".ipynb")
    texts = [solution(f"{stem}-exercise-{n}.ipy") for n in (1, 2)]
    _, facts, _ = run(NB04, AFTER_SOLUTIONS.replace("{stem}", stem),
                      replace={"exercise-1": texts[0], "exercise-2": texts[1]})
    assert facts == {"reports": [True, True], "loaded": [[text, True] for text in texts]}
    for n, text in enumerate(texts, 1):
        assert text.startswith(f"%%lab --name ex{n} ")
