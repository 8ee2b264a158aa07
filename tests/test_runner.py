"""The runner and tracer on ordinary programs: outcomes, signals, and the script's own output."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import labkit
from labkit import runner
from labkit.interpreters import Interpreter
from labkit.runner import Interrupt, PlanError

from .conftest import SCENARIOS, program


def test_first_ctrl_c_cancels_every_task_and_runs_cleanup(python: Interpreter) -> None:
    trace = labkit.run(program("workers.py"), interrupt=["INT@0.3"], python=python)
    assert trace.python == python.version
    assert trace.exit_code == -signal.SIGINT
    assert trace.task("worker-0").outcome == "cancelled"
    assert trace.task("worker-1").outcome == "cancelled"
    assert trace.task("main").outcome == "cancelled"
    assert "worker 0: cleanup ran" in trace.stdout_text()
    assert "worker 1: cleanup ran" in trace.stdout_text()
    [sigint] = trace.signals
    assert (sigint.signal, sigint.reason, sigint.handler) == ("SIGINT", "plan", "asyncio.Runner")
    assert sigint.sent is not None and sigint.received is not None
    assert sigint.sent <= sigint.received
    assert [where for _, where in trace.keyboard_interrupts] == ["asyncio.Runner.run"]
    assert trace.loop_started is not None
    assert sigint.sent - trace.loop_started == pytest.approx(0.3, abs=0.15)
    [loop] = trace.loops
    assert loop.closed is not None and loop.shutdown_asyncgens and loop.shutdown_default_executor
    # every worker's cancel request came while it waited, and it ran one more step to clean up
    worker = trace.task("worker-0")
    assert worker.first_cancel is not None and worker.steps[-1][0] >= worker.first_cancel
    assert worker.parent == trace.task("main").id


def test_second_ctrl_c_interrupts_the_cleanup(python: Interpreter) -> None:
    trace = labkit.run(program("slow_cleanup.py"), interrupt=["INT@0.2", "INT@0.5"], python=python)
    assert "cleanup started" in trace.stdout_text()
    assert "cleanup finished" not in trace.stdout_text()
    assert [s.handler for s in trace.signals] == ["asyncio.Runner", "asyncio.Runner"]
    first_where = trace.keyboard_interrupts[0][1]
    assert first_where == "signal handler: asyncio.Runner"
    assert trace.exit_code == -signal.SIGINT


def test_stderr_is_exactly_what_the_untraced_program_prints(python: Interpreter) -> None:
    """The tracer's own frames never show in a traceback."""
    trace = labkit.run(program("workers.py"), interrupt=["INT@0.2"], python=python)
    plain = subprocess.Popen(
        [python.path, "-u", program("workers.py")], stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, start_new_session=True,
    )
    assert plain.stdout is not None
    assert plain.stdout.readline() == b"ready\n"
    time.sleep(0.2)
    os.killpg(plain.pid, signal.SIGINT)
    out, err = plain.communicate(timeout=10)
    assert trace.stderr_text() == err.decode()
    assert trace.stdout_text() == "ready\n" + out.decode()
    assert "labkit" not in trace.stderr_text() and "Traceback" in trace.stderr_text()


def test_stderr_of_exceptions_in_finalizers_is_unchanged(python: Interpreter) -> None:
    """Python's "Exception ignored in" reports pass through the tracer's unraisable hook."""
    trace = labkit.run(program("finalizer_error.py"), python=python)
    plain = subprocess.run([python.path, "-u", program("finalizer_error.py")],
                           capture_output=True, text=True, timeout=30, check=True)
    assert plain.stderr.count("Exception ignored in") == 2
    address = re.compile(r"0x[0-9a-f]+")
    assert address.sub("0x", trace.stderr_text()) == address.sub("0x", plain.stderr)


def test_colour_forced_by_the_parent_environment_stays_out_of_the_output(
    python: Interpreter, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A Jupyter kernel sets FORCE_COLOR; 3.13 would then colour its tracebacks."""
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("CLICOLOR_FORCE", "1")
    trace = labkit.run(program("workers.py"), interrupt=["INT@0.2"], python=python)
    assert "Traceback" in trace.stderr_text()
    assert "\x1b[" not in trace.stderr_text()


def test_interrupt_planned_before_the_loop_waits_for_it(python: Interpreter) -> None:
    trace = labkit.run(program("late_loop.py"), interrupt=["INT@0"], python=python)
    [sigint] = trace.signals
    assert trace.loop_started is not None and trace.loop_started > 0.5
    assert sigint.sent is not None and sigint.sent >= trace.loop_started
    assert sigint.handler == "asyncio.Runner"  # not a KeyboardInterrupt in time.sleep()
    # sent as the loop starts, it may reach main before or after main's first step (then main
    # prints its cleanup): a race in the program, not in labkit. Either way main is cancelled.
    assert trace.task("Task-1").outcome == "cancelled"
    assert [where for _, where in trace.keyboard_interrupts] == ["asyncio.Runner.run"]


def test_a_cancelled_plan_sends_nothing_more_and_says_why() -> None:
    run = labkit.ProgramRun(program("workers.py"), interrupt=["INT@0.3", "TERM@0.4"]).start()
    try:
        run.cancel_plan("the test took over")  # before the loop runs: nothing was due yet
        deadline = time.monotonic() + 15
        while (run.trace.loop_started is None
               or time.monotonic() - run.origin < run.trace.loop_started + 0.7):
            assert time.monotonic() < deadline, "the event loop never started"
            time.sleep(0.02)
        assert run.trace.signals == []  # past both instants of the plan, and still running
        run.send("INT")
    finally:
        trace = run.wait(30)
    assert [(s.signal, s.reason) for s in trace.signals] == [("SIGINT", "manual")]
    assert [message for _, message in trace.notes if "not sent" in message] == [
        "interrupt INT@0.3 was not sent: the test took over",
        "interrupt TERM@0.4 was not sent: the test took over",
    ]


def test_loop_in_another_thread_is_traced(python: Interpreter) -> None:
    trace = labkit.run(program("loop_in_thread.py"), python=python)
    assert [loop.thread for loop in trace.loops] == ["loop-thread"]
    assert trace.task("service").outcome == "cancelled"
    assert "service: cleanup ran" in trace.stdout_text()
    assert trace.exit_code == 0


def test_stop_calls_record_who_called_stop(python: Interpreter) -> None:
    """A signal handler's loop.stop() and run_until_complete's own stop() calls (asyncio.run
    makes one run per step of its shutdown) are told apart by the calling function."""
    trace = labkit.run(SCENARIOS / "08e_signal_handler_loop_stop.py", interrupt=["INT@0.5"],
                       python=python)
    [loop] = trace.loops
    assert len(loop.stop_callers) == len(loop.stop_calls) >= 2
    assert loop.stop_callers[0] == "__main__.main.<locals>.stop_now"
    assert set(loop.stop_callers[1:]) == {"asyncio.base_events._run_until_complete_cb"}


def test_plan_syntax() -> None:
    assert Interrupt.parse("INT@0.5") == Interrupt(signal.SIGINT, 0.5)
    assert Interrupt.parse("sigterm@2") == Interrupt(signal.SIGTERM, 2.0)
    assert str(Interrupt.parse("KILL@1")) == "KILL@1"
    for bad, says in [
        ("INT", "there is no @ between the signal and the seconds"),
        ("INT@", "'' is not a number of seconds"),
        ("@1", "the signal is missing before the @"),
        ("INT@-1", "they cannot be negative (-1): e.g. INT@0 for as soon as it runs"),
        ("INT@inf", "the seconds must be a finite number, not inf"),
        ("NOPE@1", "unknown signal 'NOPE'"),
        ("INT@1s", "'1s' is not a number of seconds"),
        ("INT@1e3", "write the seconds as a decimal number, e.g. INT@0.5"),
    ]:
        with pytest.raises(PlanError) as raised:
            Interrupt.parse(bad)
        assert says in str(raised.value), bad


def test_unknown_interpreter_is_a_clear_error() -> None:
    with pytest.raises(labkit.InterpreterNotFound, match="no interpreter at"):
        labkit.run(program("workers.py"), python="/nonexistent/python")
    with pytest.raises(labkit.InterpreterNotFound, match=r"needs 3\.11 or newer|no Python 2\.7"):
        labkit.run(program("workers.py"), python="2.7")


def _outside_any_venv(python: Interpreter) -> str:
    """The interpreter a virtual environment was made from (the venv has labkit installed)."""
    path = Path(python.path)
    config = path.parent.parent / "pyvenv.cfg"
    if not config.exists():
        return python.path
    for line in config.read_text().splitlines():
        key, _, value = line.partition("=")
        if key.strip() == "home":
            return str(Path(value.strip()) / f"python{python.short_version}")
    return python.path


def test_tracer_needs_nothing_installed_in_the_interpreter(python: Interpreter) -> None:
    """The child cannot import labkit, and of labkit's variables the script sees only the run's
    mark (LABKIT_RUN, which its own children must inherit so that labkit can end them)."""
    base = _outside_any_venv(python)
    code = (
        "import importlib.util, os, sys; print(importlib.util.find_spec('labkit')); "
        "print(sorted(k for k in os.environ if k.startswith('LABKIT'))); "
        "print(any('tracer' in p for p in sys.path))"
    )
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    out = subprocess.run(
        [sys.executable, "-c", f"import labkit, tempfile, pathlib; "
         f"p = pathlib.Path(tempfile.mkdtemp()) / 's.py'; p.write_text({code!r}); "
         f"t = labkit.run(str(p), python={base!r}, cwd='/'); "
         "print(t.stdout_text(), end='')"],
        capture_output=True, text=True, timeout=60, env=env, check=True,
    ).stdout.splitlines()
    assert out == ["None", "['LABKIT_RUN']", "False"]


def _documented_keys() -> set[str]:
    """The keys the README's "Trace JSON schema" table names (first column)."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    table = readme.split("## Trace JSON schema", 1)[1].split("\n\n| outcome |", 1)[0]
    keys: set[str] = set()
    for row in table.splitlines():
        if row.startswith("| `"):
            keys.update(re.findall(r"`([a-z_]+)`", row.split("|")[1]))
    return keys


DOCUMENTED_KEYS = _documented_keys()


def test_cli_json_has_the_documented_schema(capsys: pytest.CaptureFixture[str]) -> None:
    from labkit.cli import main

    assert main(["run", program("workers.py"), "--interrupt", "INT@0.2", "--json",
                 "--events"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == DOCUMENTED_KEYS
    assert data["exit_code"] == -2
    assert {t["name"]: t["outcome"] for t in data["tasks"]}["worker-0"] == "cancelled"
    assert set(data["tasks"][0]) >= {"name", "coro", "outcome", "created", "ended",
                                     "cancel_requests", "steps"}
    assert data["stdout"].startswith("ready\n")
    kinds = {event["kind"] for event in data["events"]}
    assert {"spawned", "task_spawned", "signal_sent", "signal_received", "stdout", "stderr",
            "process_exit"} <= kinds
    times = [event["t"] for event in data["events"]]
    assert times == sorted(times)


def test_cli_json_leaves_the_events_out_unless_asked(capsys: pytest.CaptureFixture[str]) -> None:
    from labkit.cli import main

    assert main(["run", program("workers.py"), "--interrupt", "INT@0.2", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == DOCUMENTED_KEYS - {"events"}
    assert data["exit_code"] == -2 and data["tasks"] and data["signals"]


def test_cli_text_shows_a_row_per_task(capsys: pytest.CaptureFixture[str]) -> None:
    from labkit.cli import main

    assert main(["run", program("workers.py"), "--interrupt", "INT@0.2"]) == 0
    out = capsys.readouterr().out
    assert "killed by SIGINT (-2)" in out
    rows = [line for line in out.splitlines() if line.startswith("worker-")]
    assert len(rows) == 2 and all(row.rstrip().endswith("cancelled") for row in rows)
    assert "SIGINT: sent at" in out and "taken by asyncio.Runner" in out
    assert "--- stdout ---\nready\n" in out


def test_the_trace_so_far_shows_the_tasks_while_the_program_runs(python: Interpreter) -> None:
    """Task records wait in the runner while nobody watches; reading the trace folds them."""
    run = labkit.ProgramRun(program("workers.py"), python=python, timeout=30).start()
    try:
        deadline = time.monotonic() + 15
        while not {"worker-0", "worker-1"} <= {task.name for task in run.trace.tasks}:
            assert time.monotonic() < deadline, "the workers never showed in the trace"
            time.sleep(0.02)
        assert run.trace.exit_code is None  # seen while the program still ran
        run.send("INT")
    finally:
        trace = run.wait(30)
    assert trace.task("worker-0").outcome == "cancelled"


def test_a_live_view_sees_the_tasks_while_the_program_runs(python: Interpreter) -> None:
    seen: list[tuple[set[str], int | None]] = []

    def on_event(trace: labkit.Trace) -> None:
        seen.append(({task.name for task in trace.tasks}, trace.exit_code))

    run = labkit.ProgramRun(program("workers.py"), python=python, interrupt=["INT@0.3"],
                            on_event=on_event)
    trace = run.start().wait(30)
    assert any({"worker-0", "worker-1"} <= names and code is None for names, code in seen)
    assert trace.task("worker-1").outcome == "cancelled"


def test_a_plan_is_sent_on_the_process_clock_when_no_loop_is_seen() -> None:
    """A program with no event loop is still interrupted: after LOOP_WAIT, with a note."""
    trace = labkit.run(program("sleep_loop.py"), interrupt=["INT@0"])
    assert trace.loop_started is None and trace.loops == []
    [sigint] = trace.signals
    assert (sigint.signal, sigint.reason, sigint.disposition) == ("SIGINT", "plan", "handled")
    assert sigint.sent is not None
    assert runner.LOOP_WAIT <= sigint.sent < runner.LOOP_WAIT + 0.5
    assert trace.stdout_text() == "started\ninterrupted\ndone\n"
    assert trace.exit_code == 0
    assert ("no event loop was seen starting within 5 s of the program's start: the interrupt "
            "plan counts from the program's start instead, each interrupt 5.000 s later than "
            "planned (the wait), so that they keep their spacing") in [m for _, m in trace.notes]
    assert not [m for _, m in trace.notes if "not sent" in m]


def test_a_plan_without_a_loop_keeps_its_spacing() -> None:
    run = labkit.ProgramRun(program("sleep_loop.py"), args=["5"], loop_wait=1.0,
                            interrupt=["INT@0.2", "TERM@0.5", "INT@2.5"])
    trace = run.start().wait(30)
    sent = [(s.signal, s.reason, s.sent) for s in trace.signals]
    assert [(name, reason) for name, reason, _ in sent] == [("SIGINT", "plan"),
                                                            ("SIGTERM", "plan")]
    first, second = (t for _, _, t in sent)
    assert first is not None and second is not None
    assert 1.0 <= first < 1.4  # due at 0.2 s, sent when the wait ended
    assert second - first == pytest.approx(0.3, abs=0.1)
    assert trace.exit_code == -signal.SIGTERM
    assert "each interrupt 0.800 s later than planned" in "\n".join(m for _, m in trace.notes)
    assert ("interrupt INT@2.5 was not sent: the program ended first"
            in [m for _, m in trace.notes])


def test_a_manual_send_is_not_held_when_no_loop_is_seen() -> None:
    run = labkit.ProgramRun(program("sleep_loop.py")).start()
    try:
        deadline = time.monotonic() + 15
        while "started" not in run.trace.stdout_text():
            assert time.monotonic() < deadline, "the program never started"
            time.sleep(0.02)
        asked = time.monotonic() - run.origin
        run.send("INT")
    finally:
        trace = run.wait(30)
    [sigint] = trace.signals
    assert (sigint.signal, sigint.reason) == ("SIGINT", "manual")
    assert sigint.sent is not None and asked <= sigint.sent < asked + 0.5
    assert trace.stdout_text() == "started\ninterrupted\ndone\n"
    assert ("SIGINT (manual) was sent before any event loop was seen starting"
            in [m for _, m in trace.notes])
