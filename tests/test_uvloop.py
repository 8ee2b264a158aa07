"""uvloop programs, traced: the same trace as the same program on asyncio's own loop (tasks,
steps, outcomes, cancel requests, loop runs and close, signal handlers), the same behaviour as
untraced, and a note for what uvloop does not show. uvloop is installed for each interpreter by
``tests/uvloop_support.py``."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import labkit
from labkit import svg
from labkit.interpreters import Interpreter

from . import uvloop_support
from .conftest import program

UVLOOP_WAYS = ("uvloop", "install", "factory", "found")
"""uvloop.run; uvloop.install() + asyncio.run; asyncio.run(loop_factory=uvloop.new_event_loop);
uvloop.run after importlib.util.find_spec("uvloop") (see tests/programs/uvloop_tasks.py)."""
OWN_STOP = "uvloop.loop.run_until_complete.<locals>.done_cb"
NOTE = (
    "this program ran uvloop's event loop (uvloop 0.23.0): it is traced as asyncio's loop is, "
    "except that a loop.stop() that uvloop called itself, as a callback "
    "(loop.call_soon(loop.stop), loop.add_signal_handler(signal, loop.stop)), has no caller "
    "recorded: uvloop runs callbacks in C"
)


@pytest.fixture
def env(python: Interpreter) -> dict[str, str]:
    """The environment that gives the program uvloop under ``python``."""
    return uvloop_support.environment(python)


def traced(script: str, how: str, python: Interpreter, env: dict[str, str],
           interrupt: list[str]) -> labkit.Trace:
    return labkit.run(program(script), args=[how], python=python, env=env, interrupt=interrupt)


def untraced(script: str, how: str, python: Interpreter, env: dict[str, str],
             signum: int, after: float) -> tuple[int, str, str]:
    """Exit status, stdout and stderr of a plain run, sent ``signum`` ``after`` seconds after
    it printed "ready" (its event loop runs by then). SIGINT is given its default disposition
    first, as a terminal gives it and the runner does (a process started in the background
    inherits it ignored)."""
    child = subprocess.Popen([python.path, "-u", program(script), how], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             start_new_session=True, preexec_fn=default_sigint)
    assert child.stdout is not None
    lines = []
    while not lines or lines[-1] != b"ready\n":
        line = child.stdout.readline()
        assert line, "the program ended before it was ready"
        lines.append(line)
    time.sleep(after)
    os.killpg(child.pid, signum)
    out, err = child.communicate(timeout=30)
    return child.returncode, b"".join(lines).decode() + out.decode(), err.decode()


def default_sigint() -> None:
    """In the child, before it runs Python: SIGINT as a terminal gives it."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def same_on_any_loop(trace: labkit.Trace, steps: bool = True) -> dict[str, Any]:
    """What must be the same on uvloop and on asyncio's loop: every task (the default names'
    numbers aside, which uvloop's create_task uses up differently, the class that defines the
    shutdown coroutines, and the coroutine uvloop.run wraps main in), its steps, cancel requests
    and outcome (the number of steps only with ``steps``: a task that loops on a timer takes
    as many as fit before the signal); who printed each line of stdout; the signals,
    KeyboardInterrupts, loop runs, and how the program ended. (Tracebacks differ: uvloop.run
    and uvloop's loop show in them.)
    """
    def coro(name: str) -> str:
        return {"run.<locals>.wrapper": "main"}.get(name, name).replace("BaseEventLoop.", "Loop.")

    def name(task_id: int | None) -> str | None:
        if task_id is None:
            return None
        task = next(task for task in trace.tasks if task.id == task_id)
        return re.sub(r"^Task-\d+$", "Task-N", task.name)

    [loop] = trace.loops
    return {
        "tasks": sorted(
            (name(task.id), coro(task.coro), name(task.parent),
             task.outcome, task.exc_type, task.exc_message, len(task.steps) if steps else 0,
             [(name(c.by), c.message, c.cancelling, c.accepted) for c in task.cancel_requests],
             task.uncancels != [])
            for task in trace.tasks
        ),
        "printed": [(line.text, name(line.task)) for line in trace.printed[1:]
                    if line.stream == "stdout"],
        "signals": [(s.signal, s.reason, s.disposition, coro(s.handler or ""))
                    for s in trace.signals],
        "keyboard_interrupts": [where for _, where in trace.keyboard_interrupts],
        "runs": [exc for _, _, exc in loop.runs],
        "shutdowns": (len(loop.shutdown_asyncgens), len(loop.shutdown_default_executor)),
        "closed": loop.closed is not None,
        "warnings": [(w.message, w.source, w.exc_type) for w in trace.warnings],
        "exit": (trace.exit_code, trace.exit_how, [exc for _, exc, _ in trace.uncaught]),
        "stdout": trace.stdout_text().partition("\n")[2],  # after "loop: NAME"
    }


def check_steps(trace: labkit.Trace) -> None:
    """Every task's steps lie in its life, in order, and add up to its running time."""
    for task in trace.tasks:
        assert task.steps, task
        assert task.ended is not None and task.created <= task.steps[0][0]
        assert all(start <= end for start, end in task.steps)
        assert all(a[1] <= b[0] for a, b in zip(task.steps, task.steps[1:], strict=False))
        assert task.steps[-1][1] == task.ended
        assert sum(end - start for start, end in task.steps) == pytest.approx(
            task.running_time, abs=1e-5 * len(task.steps))


@pytest.mark.parametrize("how", UVLOOP_WAYS)
def test_tasks_on_uvloop_are_traced_as_on_asyncio(
    python: Interpreter, env: dict[str, str], how: str
) -> None:
    if how == "factory" and python.short_version == "3.11":
        pytest.skip("asyncio.run(loop_factory=) is new in Python 3.12")
    on_asyncio = traced("uvloop_tasks.py", "asyncio", python, env, ["INT@0.3"])
    on_uvloop = traced("uvloop_tasks.py", how, python, env, ["INT@0.3"])
    assert on_asyncio.stdout_text().startswith("loop: asyncio\n")
    assert on_uvloop.stdout_text().startswith("loop: uvloop\n")
    assert same_on_any_loop(on_uvloop) == same_on_any_loop(on_asyncio)
    check_steps(on_uvloop)
    assert on_uvloop.exit_code == -signal.SIGINT
    outcomes = {task.name: task.outcome for task in on_uvloop.tasks}
    assert {name: outcomes[name] for name in ("quick", "fails", "worker-0", "worker-1")} == {
        "quick": "finished", "fails": "failed", "worker-0": "cancelled", "worker-1": "cancelled"}
    assert outcomes["forgotten"] == "failed"
    assert [(w.message, w.exc_type, w.task) for w in on_uvloop.warnings] == [
        ("Task exception was never retrieved", "RuntimeError", on_uvloop.task("forgotten").id)]
    # the plan counts from uvloop's loop start, as from asyncio's
    [sigint] = on_uvloop.signals
    assert on_uvloop.loop_started is not None and sigint.sent is not None
    assert sigint.sent - on_uvloop.loop_started == pytest.approx(0.3, abs=0.15)
    [loop] = on_uvloop.loops
    assert loop.stop_callers and set(loop.stop_callers) == {OWN_STOP} <= svg.OWN_STOPS
    assert [message for _, message in on_uvloop.notes] == [NOTE]
    assert [message for _, message in on_asyncio.notes] == []


@pytest.mark.parametrize("how", ("asyncio", *UVLOOP_WAYS))
def test_a_uvloop_program_behaves_as_untraced(
    python: Interpreter, env: dict[str, str], how: str
) -> None:
    """Ctrl+C 0.3 s after "ready": the same exit status, output and tracebacks, byte for byte,
    "Task exception was never retrieved" included, where it comes (on asyncio's loop too)."""
    if how == "factory" and python.short_version == "3.11":
        pytest.skip("asyncio.run(loop_factory=) is new in Python 3.12")
    trace = traced("uvloop_tasks.py", how, python, env, ["INT@0.3"])
    code, out, err = untraced("uvloop_tasks.py", how, python, env, signal.SIGINT, 0.3)
    assert (trace.exit_code, trace.stdout_text(), trace.stderr_text()) == (code, out, err)
    assert "KeyboardInterrupt" in err and "labkit" not in err


def test_add_signal_handler_on_uvloop_is_traced_as_on_asyncio(
    python: Interpreter, env: dict[str, str]
) -> None:
    on_asyncio = traced("uvloop_sigterm.py", "asyncio", python, env, ["TERM@0.3"])
    on_uvloop = traced("uvloop_sigterm.py", "uvloop", python, env, ["TERM@0.3"])
    assert on_uvloop.stdout_text().startswith("loop: uvloop\n")
    assert same_on_any_loop(on_uvloop, steps=False) == same_on_any_loop(on_asyncio, steps=False)
    check_steps(on_uvloop)
    [sigterm] = on_uvloop.signals
    assert (sigterm.signal, sigterm.disposition, sigterm.handler) == (
        "SIGTERM", "handled", "loop.add_signal_handler: main.<locals>.on_sigterm")
    assert on_uvloop.exit_code == 0
    assert {task.coro: task.outcome for task in on_uvloop.tasks if task.name != "Task-1"} == {
        "serve": "cancelled", "Loop.shutdown_asyncgens": "finished",
        "Loop.shutdown_default_executor": "finished"}
    assert [task.outcome for task in on_uvloop.tasks if task.coro == "serve"] == [
        "cancelled"] * 3
    code, out, err = untraced("uvloop_sigterm.py", "uvloop", python, env, signal.SIGTERM, 0.3)
    assert (on_uvloop.exit_code, on_uvloop.stdout_text(), on_uvloop.stderr_text()) == (
        code, out, err)


def test_a_stop_that_uvloop_calls_itself_has_no_caller_and_the_note_says_so(
    python: Interpreter, env: dict[str, str]
) -> None:
    """add_signal_handler(SIGTERM, loop.stop): asyncio's Handle._run calls it in Python,
    uvloop calls it from C."""
    on_asyncio = traced("uvloop_run_forever.py", "asyncio", python, env, ["TERM@0.3"])
    on_uvloop = traced("uvloop_run_forever.py", "uvloop", python, env, ["TERM@0.3"])
    assert on_uvloop.stdout_text().startswith("loop: uvloop\n")
    assert same_on_any_loop(on_uvloop, steps=False) == same_on_any_loop(on_asyncio, steps=False)
    assert on_asyncio.loops[0].stop_callers == [
        "asyncio.events.Handle._run", "asyncio.base_events._run_until_complete_cb",
        "asyncio.base_events._run_until_complete_cb"]
    assert on_uvloop.loops[0].stop_callers == [None, OWN_STOP, OWN_STOP]
    assert "has no caller recorded" in NOTE and [m for _, m in on_uvloop.notes] == [NOTE]
    assert on_uvloop.signals[0].handler == "loop.add_signal_handler: Loop.stop"
    assert on_uvloop.stdout_text() == "loop: uvloop\nready\nstopped\ntick: cleanup ran\nclosed\n"


def test_tasks_on_a_loop_labkit_does_not_trace_get_a_note(
    python: Interpreter, env: dict[str, str], tmp_path: Any
) -> None:
    """uvloop's Cython base class itself, used as a loop: no Python class to wrap."""
    script = tmp_path / "cython_loop.py"
    script.write_text("import asyncio, uvloop.loop\n"
                      "async def main():\n    await asyncio.sleep(0.01)\n    print('done')\n"
                      "uvloop.loop.Loop().run_until_complete(main())\n")
    trace = labkit.ProgramRun(script, python=python, env=env).start().wait(60)
    assert trace.exit_code == 0 and trace.stdout_text() == "done\n"
    assert [message for _, message in trace.notes] == [
        "tasks ran on an event loop labkit does not trace (uvloop.loop.Loop): their steps and "
        "outcomes are not recorded",
        "no event loop was seen running in this program",
    ]


RUNS = 6


@pytest.mark.parametrize("script, plan", [("uvloop_tasks.py", "INT@0.3"),
                                          ("uvloop_sigterm.py", "TERM@0.3")])
def test_uvloop_outcomes_are_the_same_traced_and_untraced_over_runs(
    found_interpreters: dict[str, Interpreter], script: str, plan: str
) -> None:
    """Several runs each way, alternating: the same exit statuses and outputs every time."""
    python = found_interpreters.get("3.12") or labkit.interpreters.resolve(None)
    env = uvloop_support.environment(python)
    interrupt = labkit.Interrupt.parse(plan)
    seen_traced: Counter[tuple[int | None, str]] = Counter()
    seen_untraced: Counter[tuple[int | None, str]] = Counter()
    for _ in range(RUNS):
        trace = traced(script, "uvloop", python, env, [plan])
        seen_traced[(trace.exit_code, trace.stdout_text())] += 1
        code, out, _ = untraced(script, "uvloop", python, env, interrupt.signal, interrupt.at)
        seen_untraced[(code, out)] += 1
    assert seen_traced == seen_untraced
    assert len(seen_traced) == 1, seen_traced


def test_the_uvloop_install_is_uvloops_own() -> None:
    """The folder holds uvloop built for the interpreter, not some other copy."""
    python = labkit.interpreters.resolve(None)
    folder = uvloop_support.uvloop_dir(python)
    found = subprocess.run(
        [python.path, "-c", "import uvloop; print(uvloop.__version__, uvloop.__file__)"],
        env={**os.environ, "PYTHONPATH": str(folder)}, capture_output=True, text=True,
        check=True)
    version, path = found.stdout.split()
    assert version == uvloop_support.UVLOOP.partition("==")[2]
    assert path.startswith(str(folder))


def test_records_are_written_before_uvloop_waits(python: Interpreter, env: dict[str, str]) -> None:
    """Killed while every task waits: what happened until then is in the trace, as on
    asyncio's loop (the tracer writes its records before the loop waits; SIGKILL leaves it no
    chance later)."""
    on_asyncio = traced("uvloop_killed.py", "asyncio", python, env, ["KILL@0.4"])
    on_uvloop = traced("uvloop_killed.py", "uvloop", python, env, ["KILL@0.4"])
    assert on_uvloop.exit_code == on_asyncio.exit_code == -signal.SIGKILL
    assert same_on_any_loop(on_uvloop) == same_on_any_loop(on_asyncio)
    assert [(task.name, len(task.steps)) for task in on_uvloop.tasks] == [
        ("Task-1", 2), ("sleeper-0", 1), ("sleeper-1", 1), ("sleeper-2", 1)]
    assert [line.text for line in on_uvloop.printed] == [
        "sleeper 0: going to sleep", "sleeper 1: going to sleep", "sleeper 2: going to sleep",
        "ready"]


def test_a_uvloop_loop_in_another_thread_is_traced_as_asyncio_s(
    python: Interpreter, env: dict[str, str]
) -> None:
    on_asyncio = traced("uvloop_thread.py", "asyncio", python, env, [])
    on_uvloop = traced("uvloop_thread.py", "uvloop", python, env, [])
    assert on_uvloop.stdout_text() == (
        "loop: uvloop\nservice: cleanup ran\nservice cancelled\ndone\n")
    assert same_on_any_loop(on_uvloop) == same_on_any_loop(on_asyncio)
    assert [loop.thread for loop in on_uvloop.loops] == ["loop-thread"]
    assert {task.name: task.outcome for task in on_uvloop.tasks}["helper"] == "cancelled"
    assert [line.thread for line in on_uvloop.printed] == ["loop-thread"] * 3 + [None]


def test_the_readme_quotes_the_notes_word_for_word() -> None:
    readme = re.sub(r"\s+", " ", (Path(__file__).parent.parent / "README.md").read_text())
    assert NOTE in readme
    assert ('"tasks ran on an event loop labkit does not trace (uvloop.loop.Loop): their steps '
            'and outcomes are not recorded"') in readme
