"""The exercise checks: each fails on a real broken program and passes on a real fixed one, and
says what to look at. Hand-built traces cover what real runs rarely show (no SIGINT, a hang that
only the timeout ended, an empty trace, every kind of exit status).

Real runs use this interpreter (CPython 3.11 in the venv) and are shared between tests.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest

import labkit
from labkit import interpreters
from labkit.checks import (
    A_THREAD,
    ANY_TASK,
    CheckReport,
    CheckResult,
    check,
    cleanup_printed_by,
    cleanup_ran,
    ended_before_timeout,
    every_task_reached_outcome,
    exit_status,
    exited_within,
    explain_exit,
    no_asyncio_warnings,
    no_cancellation_swallowed,
    no_task_destroyed_pending,
    short_message,
)
from labkit.model import AsyncioWarning, LoopRecord, OutputLine, SignalRecord, TaskRecord

from .conftest import SCENARIOS, program

RUNS: dict[str, tuple[str, list[str], float]] = {
    # name: (script, plan, timeout)
    "01a": (str(SCENARIOS / "01a_naive_cancel.py"), ["INT@0.5"], 10),
    "02a": (str(SCENARIOS / "02a_restart_loop.py"), ["INT@0.5"], 2),  # hangs: timeout at 2 s
    "02b": (str(SCENARIOS / "02b_restart_loop_fixed.py"), ["INT@0.5"], 10),
    "08a": (str(SCENARIOS / "08a_add_signal_handler_service.py"), ["TERM@0.5"], 10),
    "08d": (str(SCENARIOS / "08d_sigterm_unhandled.py"), ["TERM@0.5"], 10),
    "09b": (str(SCENARIOS / "09b_shield_alone.py"), ["INT@0.5"], 10),
    "09c": (str(SCENARIOS / "09c_shield_and_wait.py"), ["INT@0.5"], 10),
    "slow": (program("slow_cleanup.py"), ["INT@0.2"], 10),  # cleanup takes 1 s
    "01b": (str(SCENARIOS / "01b_naive_cancel_finally.py"), ["INT@0.5"], 10),
}


@cache
def traced(name: str) -> labkit.Trace:
    """The real run of one program, made once per test session."""
    script, plan, timeout = RUNS[name]
    return labkit.run(script, interrupt=plan, timeout=timeout)


# --- each check on a broken and a fixed program ------------------------------------------
def test_no_task_destroyed_pending() -> None:
    broken = no_task_destroyed_pending(traced("01a"))
    assert not broken.passed
    assert broken.message.startswith("2 tasks were destroyed while pending: ")
    assert "Task-1 (worker), Task-2 (worker)" in broken.message
    first, last = sorted(f"{t.ended:.2f} s" for t in traced("01a").tasks if t.ended is not None)
    when = f"at {first}" if first == last else f"between {first} and {last}"
    assert broken.look_at == f"the lanes that end in DESTROYED while pending {when}"

    fixed = no_task_destroyed_pending(traced("02b"))
    assert fixed.passed, fixed
    assert fixed.message == "no task was destroyed while pending"


def test_every_task_reached_outcome() -> None:
    broken = every_task_reached_outcome(traced("08d"))
    assert not broken.passed
    assert broken.message.startswith("3 tasks were still pending when the process ended at ")
    for label in ("Task-1 (main)", "Task-2 (worker)", "Task-3 (sleep)"):
        assert label in broken.message
    assert "PENDING at exit" in broken.look_at

    fixed = every_task_reached_outcome(traced("08a"))
    assert fixed.passed, fixed
    assert fixed.message == "every task finished, failed or was cancelled"


def test_destroyed_tasks_are_blamed_once() -> None:
    """01a's tasks never finished on their loop: only the destroyed-task check fails for them."""
    report = check(traced("01a"), no_warnings=False)
    assert [r.name for r in report.failures] == ["no task destroyed while pending"]
    reached = report.results[1]
    assert reached.name == "every task reached an outcome" and reached.passed
    assert "2 tasks destroyed while pending" in reached.message


def test_cleanup_ran() -> None:
    done = cleanup_ran("cleanup done")
    broken = done(traced("09b"))  # shield() alone: the commit is cancelled mid-way
    assert not broken.passed
    assert broken.message.startswith("no line of the program's output contains 'cleanup done'")
    sigint = traced("09b").signals[0].sent
    assert sigint is not None
    assert f"after the first signal at {sigint:.2f} s" in broken.look_at
    # no thread printed anything, so no word about threads
    assert "Cleanup run by a thread has no lane" not in broken.look_at

    fixed = done(traced("09c"))  # shield() and wait: the commit completes
    assert fixed.passed, fixed
    [line] = [line for line in traced("09c").stdout if "cleanup done" in line.text]
    assert fixed.message == f"'cleanup done' was printed at {line.t:.2f} s (stdout)"


def test_cleanup_run_by_a_destroyed_task_passes_and_the_destruction_is_reported() -> None:
    """01b: the workers' finally blocks start only as Python destroys the pending tasks, after
    loop.close(), and stop at their first await. The lines were printed: the check passes; the
    destroyed tasks are the other check's to report."""
    trace = traced("01b")
    started = cleanup_ran("worker 1: cleanup started")(trace)
    assert started.passed, started
    [line] = [line for line in trace.stdout if line.text == "worker 1: cleanup started"]
    assert started.message == f"'worker 1: cleanup started' was printed at {line.t:.2f} s (stdout)"
    assert not no_task_destroyed_pending(trace).passed
    assert not cleanup_ran("worker 1: cleanup done")(trace).passed


def test_exited_within() -> None:
    within = exited_within(1.0)
    hung = within(traced("02a"))  # the recipe runs the loop forever after the first Ctrl+C
    assert not hung.passed
    assert "did not exit after the SIGINT at " in hung.message
    assert re.search(r"labkit's timeout had to stop it \(SIGINT at 2\.\d\d s\)", hung.message)

    slow = exited_within(0.5)(traced("slow"))
    assert not slow.passed
    took = re.fullmatch(
        r"the program exited (\d+\.\d\d) s after the first SIGINT \(limit 0\.5 s\)", slow.message
    )
    assert took is not None and 1.0 <= float(took.group(1)) < 2.0, slow.message

    fixed = within(traced("02b"))
    assert fixed.passed, fixed
    assert fixed.message.endswith("s after the first SIGINT (limit 1 s)")


def test_exited_within_without_a_sigint() -> None:
    result = exited_within(1.0)(traced("08d"))  # its plan sends SIGTERM only
    assert not result.passed
    assert result.message.startswith("no SIGINT was sent, so there is no exit time to measure")


def test_exited_within_when_the_program_ended_before_its_planned_sigint(tmp_path: Path) -> None:
    """Said to the learner whose program did less than it should, not to the check's author."""
    script = tmp_path / "quick.py"
    script.write_text("import asyncio\n\nasyncio.run(asyncio.sleep(0.1))\n")
    result = exited_within(1.0)(labkit.run(script, interrupt=["INT@5"], timeout=10))
    assert not result.passed
    assert result.message.startswith("the program ended at ")
    assert "before its planned SIGINT was due (labkit: interrupt INT@5" in result.message
    assert result.message.endswith("did it stop early, or do less than it should?")


def test_a_cleanup_never_printed_by_a_task_that_ended_first_points_at_its_lane(
        tmp_path: Path) -> None:
    script = tmp_path / "early.py"
    script.write_text("import asyncio\n\nasync def quick():\n    await asyncio.sleep(0.05)\n\n"
                      "async def main():\n    await asyncio.create_task(quick(), name='quick')\n"
                      "    await asyncio.sleep(5)\n\nasyncio.run(main())\n")
    result = cleanup_printed_by("quick: cleanup done", "quick")(
        labkit.run(script, interrupt=["INT@0.5"], timeout=10))
    assert not result.passed
    assert result.look_at.startswith("the lane of quick, which ended at ")
    assert result.look_at.endswith("did its cleanup run when it ended by itself?")


def test_exit_status() -> None:
    clean_or_ctrl_c = exit_status((0, -2))
    broken = clean_or_ctrl_c(traced("08d"))
    assert not broken.passed
    assert broken.message == (
        "exit status -15, expected 0 or -2: killed by SIGTERM: no Python code handled it, so no "
        "finally block or exit handler ran after it"
    )
    assert clean_or_ctrl_c(traced("08a")).passed

    uncaught = exit_status(0)(traced("09c"))
    assert not uncaught.passed
    assert uncaught.message == (
        "exit status -2, expected 0: ended by the KeyboardInterrupt it never caught (Python then "
        "dies of SIGINT)"
    )
    fixed = exit_status(0)(traced("02b"))
    assert fixed.passed and fixed.message == "exit status 0: it exited normally"


def test_no_asyncio_warnings() -> None:
    broken = no_asyncio_warnings(traced("01a"))
    assert not broken.passed
    assert "'Task was destroyed but it is pending!' (x2)" in broken.message
    assert "stderr" in broken.look_at
    fixed = no_asyncio_warnings(traced("02b"))
    assert fixed.passed and fixed.message == "asyncio reported nothing"


def test_a_keyboard_interrupt_that_landed_in_a_task_step_is_not_the_programs_warning(
        tmp_path: Path) -> None:
    """With Python's own SIGINT handler, the KeyboardInterrupt may end a task mid-step; asyncio
    then says "Task exception was never retrieved" about it: where the Ctrl+C landed."""
    never = "Task exception was never retrieved"
    trace = labkit.Trace(script="prog.py", argv=[])
    trace.warnings = [AsyncioWarning(1.2, never, "exception handler", "KeyboardInterrupt", 3)]
    landed = no_asyncio_warnings(trace)
    assert landed.passed
    assert landed.message == ("asyncio reported nothing but that a KeyboardInterrupt ended 1 "
                              "task inside its step (where the Ctrl+C happened to land)")
    trace.warnings.append(AsyncioWarning(1.3, never, "exception handler", "ValueError", 4))
    other = no_asyncio_warnings(trace)
    assert not other.passed and other.message == f"asyncio reported 1 message: {never!r}"


def test_ended_before_timeout() -> None:
    hung = ended_before_timeout(traced("02a"))
    assert not hung.passed
    assert hung.message.startswith("the program did not end on its own: labkit's timeout sent ")
    assert ended_before_timeout(traced("02b")).passed


# --- the report ---------------------------------------------------------------------------
def test_check_on_a_fixed_program_passes_everything() -> None:
    report = check(
        traced("02b"),
        cleanup=["worker 1: cleanup done", "worker 2: cleanup done"],
        exits_within=1.0,
        exit_code=0,
    )
    assert report.passed and bool(report), str(report)
    assert len(report.results) == 8
    assert all(line.startswith("✔ ") for line in str(report).splitlines())
    report.assert_passed()


def test_check_on_a_broken_program_fails_and_says_why() -> None:
    report = check(traced("01a"), cleanup="worker 1: finished", exits_within=1.0, exit_code=0)
    assert not report
    assert [r.name for r in report.failures] == [
        "no task destroyed while pending",
        "cleanup ran: 'worker 1: finished'",
        "no asyncio warnings",
    ]
    lines = str(report).splitlines()
    assert lines[0].startswith("✘ 2 tasks were destroyed while pending")
    assert " — look at the lanes that end in DESTROYED while pending at " in lines[0]
    with pytest.raises(AssertionError) as raised:
        report.assert_passed()
    text = str(raised.value)
    assert text.startswith("4 of 7 checks passed:\n✘ 2 tasks were destroyed")
    assert "✔" not in text


def test_check_selects_checks() -> None:
    report = check(traced("02b"), tasks_end=False, no_destroyed=False, no_warnings=False,
                   no_hang=False)
    assert report.results == [] and report.passed
    assert str(report) == "(no checks were selected)"
    with_codes = check(traced("09c"), exit_code=[0, -2])
    assert [r.name for r in with_codes.results][2] == "exit status 0 or -2"


def test_report_html_escapes_and_marks_each_result() -> None:
    report = CheckReport([
        CheckResult("a <b>", True, "fine & dandy", "the <lanes>"),
        CheckResult("c", False, "it's bad"),
    ])
    page = report._repr_html_()
    assert "a &lt;b&gt;" in page and "fine &amp; dandy" in page and "the &lt;lanes&gt;" in page
    assert "a <b>" not in page and "<lanes>" not in page
    assert page.count("✔ pass") == 1 and page.count("✘ fail") == 1
    assert "1 of 2 checks passed" in page
    assert "color:inherit" in page


# --- hand-built traces ---------------------------------------------------------------------
def _trace(**fields: object) -> labkit.Trace:
    trace = labkit.Trace(script="prog.py", argv=[])
    for name, value in fields.items():
        setattr(trace, name, value)
    return trace


def _task(task_id: int, outcome: str | None, ended: float | None = 1.0,
          name: str | None = None) -> TaskRecord:
    return TaskRecord(task_id, name or f"Task-{task_id}", "work", None, 1, 0.1,
                      outcome=outcome, ended=ended)


def test_empty_trace() -> None:
    """A run that has not ended: nothing to blame on tasks, but it is not over either."""
    report = check(labkit.Trace(script="prog.py", argv=[]), exits_within=1.0, exit_code=0)
    by_name = {r.name: r for r in report.results}
    assert by_name["no task destroyed while pending"].passed
    assert by_name["every task reached an outcome"].message == "the program started no asyncio task"
    assert by_name["exited within 1 s of the first SIGINT"].message == "the run has not ended yet"
    assert by_name["exit status 0"].message == "the run has not ended"
    assert by_name["ended without labkit's timeout"].message == "the run has not ended yet"
    assert by_name["no asyncio warnings"].passed
    assert [r.passed for r in report.results] == [True, True, False, False, False, True]


def test_no_sigint_sent_because_the_program_ended_first() -> None:
    trace = _trace(ended=0.4, exit_code=0,
                   notes=[(0.4, "interrupt INT@0.5 was not sent: the program ended first")])
    result = exited_within(1.0)(trace)
    assert not result.passed
    assert "(labkit: interrupt INT@0.5 was not sent: the program ended first)" in result.message


def test_timeout_escalation_without_a_planned_sigint() -> None:
    trace = _trace(ended=5.1, exit_code=-15, signals=[
        SignalRecord("SIGINT", sent=3.0, reason="timeout", disposition="ignored"),
        SignalRecord("SIGTERM", sent=5.0, reason="timeout", disposition="default"),
    ])
    result = exited_within(1.0)(trace)
    assert not result.passed
    assert result.message == (
        "no SIGINT was sent by the plan, and the program did not end on its own: labkit's "
        "timeout had to stop it (SIGINT at 3.00 s, then SIGTERM at 5.00 s)"
    )
    hung = ended_before_timeout(trace)
    assert not hung.passed and "SIGINT at 3.00 s, then SIGTERM at 5.00 s" in hung.message


def test_ignored_sigint_then_timeout() -> None:
    trace = _trace(ended=4.0, exit_code=-15, signals=[
        SignalRecord("SIGINT", sent=0.5, reason="plan", disposition="ignored"),
        SignalRecord("SIGTERM", sent=3.0, reason="timeout", disposition="default"),
    ])
    result = exited_within(10.0)(trace)  # the limit is not what fails it: the hang is
    assert not result.passed
    assert result.message.startswith(
        "the program did not exit after the SIGINT at 0.50 s (it ignores SIGINT): labkit's timeout"
    )


def test_exit_time_is_measured_from_the_first_sigint() -> None:
    trace = _trace(ended=2.0, exit_code=-2, signals=[
        SignalRecord("SIGTERM", sent=0.2, reason="plan"),
        SignalRecord("SIGINT", sent=1.5, reason="manual"),
        SignalRecord("SIGINT", sent=1.8, reason="plan"),
    ])
    assert exited_within(0.5)(trace).passed
    late = exited_within(0.4)(trace)
    assert not late.passed and late.message.startswith("the program exited 0.50 s after")


def test_pending_tasks_and_live_tasks_never_reached_an_outcome() -> None:
    trace = _trace(ended=3.0, tasks=[
        _task(1, "finished"), _task(2, "pending-at-exit", 3.0, "poller"), _task(3, None, None),
        _task(4, "destroyed-pending"),
    ])
    result = every_task_reached_outcome(trace)
    assert not result.passed
    assert result.message == (
        "2 tasks were still pending when the process ended at 3.00 s: poller, Task-3 (work) "
        "(never finished, failed or cancelled)"
    )


def test_long_lists_of_tasks_are_cut_short() -> None:
    tasks = [_task(i, "destroyed-pending", 0.5 + i / 10, f"w{i}") for i in range(1, 10)]
    result = no_task_destroyed_pending(_trace(tasks=tasks))
    assert "w1, w2, w3, w4, w5, w6 and 3 more" in result.message
    assert "between 0.60 s and 1.40 s" in result.look_at
    one = no_task_destroyed_pending(_trace(tasks=tasks[:1]))
    assert one.message.startswith("1 task was destroyed while pending: w1 ")


def test_cleanup_text_found_on_stderr_and_case_matters() -> None:
    trace = _trace(ended=1.0, stderr=[OutputLine(0.7, "Cleanup: closed the socket")])
    assert cleanup_ran("closed the socket")(trace).message == (
        "'closed the socket' was printed at 0.70 s (stderr)"
    )
    assert not cleanup_ran("cleanup: closed")(trace).passed


def test_cleanup_line_after_a_loop_that_never_closed_has_no_note() -> None:
    trace = _trace(ended=2.0, stdout=[OutputLine(1.5, "done")],
                   loops=[LoopRecord(1, "MainThread", 0.1, closed=1.0),
                          LoopRecord(2, "worker", 0.2)])
    result = cleanup_ran("done")(trace)
    assert result.passed and result.message == "'done' was printed at 1.50 s (stdout)"


@pytest.mark.parametrize(
    ("code", "how", "words"),
    [
        (0, "normal", "it exited normally"),
        (-2, "KeyboardInterrupt", "ended by the KeyboardInterrupt it never caught"),
        (-2, None, "killed by SIGINT: no Python code handled it"),
        (-9, None, "killed by SIGKILL"),
        (-15, None, "killed by SIGTERM"),
        (130, "normal", "the program chose 130 (128 + SIGINT)"),
        (1, "RuntimeError", "an uncaught RuntimeError ended it (its traceback is on stderr)"),
        (3, "normal", "it exited with status 3 (sys.exit(3) or an error it reported)"),
        (3, None, "it left with os._exit(3) or similar: exit handlers did not run"),
    ],
)
def test_exit_explanations(code: int, how: str | None, words: str) -> None:
    assert explain_exit(_trace(exit_code=code, exit_how=how, ended=1.0)).startswith(words)


def test_warning_messages_are_grouped_without_their_details() -> None:
    warnings = [
        AsyncioWarning(0.5, "Task was destroyed but it is pending!", "exception handler"),
        AsyncioWarning(0.6, "Task was destroyed but it is pending!", "exception handler"),
        AsyncioWarning(0.7, "Exception in callback close() at /x/prog.py:12\nmore",
                       "exception handler"),
    ]
    result = no_asyncio_warnings(_trace(warnings=warnings))
    assert result.message == (
        "asyncio reported 3 messages: 'Task was destroyed but it is pending!' (x2); "
        "'Exception in callback close()'"
    )
    assert result.look_at == (
        "the program's stderr between 0.50 s and 0.70 s, where they were printed"
    )
    assert short_message("<Task 0x7f3a12 at <stdin>:3>") == "<Task 0x…"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: cleanup_ran(""), "cleanup_ran needs the text"),
        (lambda: exited_within(0), "positive, finite number of seconds"),
        (lambda: exited_within(float("nan")), "positive, finite number of seconds"),
        (lambda: exit_status(()), "at least one allowed exit status"),
    ],
)
def test_bad_parameters_are_clear_errors(make: Callable[[], object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make()


# --- who printed the cleanup, and whether a cancellation was taken --------------------------
OWNERS = '''
import asyncio, os, threading, time

async def early():
    try:
        await asyncio.sleep(0.05)
    finally:
        print("early: cleanup done", flush=True)

async def worker():
    try:
        await asyncio.sleep(10)
    finally:
        os.write(1, b"worker: raw line\\n")
        print("worker: cleanup done", flush=True)

def copy():
    time.sleep(0.6)
    print("copy: stopped", flush=True)

async def main():
    thread = threading.Thread(target=copy, name="copier")
    thread.start()
    tasks = [asyncio.create_task(early(), name="early"),
             asyncio.create_task(worker(), name="worker")]
    try:
        await asyncio.gather(*tasks)
    finally:
        print("main: cleanup done", flush=True)
        await asyncio.to_thread(thread.join)

asyncio.run(main())
'''


@cache
def owners_trace() -> labkit.Trace:
    import tempfile

    script = Path(tempfile.mkdtemp(prefix="labkit-owners-")) / "owners.py"
    script.write_text(OWNERS)
    return labkit.run(script, interrupt=["INT@0.3"], timeout=10)


@pytest.mark.parametrize(("text", "owner", "passed", "words"), [
    ("worker: cleanup done", "worker", True, "printed by worker at"),
    ("worker: cleanup done", ANY_TASK, True, "printed by any task"),
    ("main: cleanup done", "worker", False, "by task Task-1 (main), not by worker"),
    ("early: cleanup done", "early", True, "printed by early"),  # ended before the Ctrl+C
    ("copy: stopped", A_THREAD, True, "after the first signal was sent"),
    ("copy: stopped", "worker", False, "by thread 'copier', outside any task, not by worker"),
    ("worker: raw line", "worker", False, "not written through sys.stdout or sys.stderr"),
    ("never printed", "worker", False, "'never printed' was never printed"),
])
def test_cleanup_printed_by(text: str, owner: str, passed: bool, words: str) -> None:
    result = cleanup_printed_by(text, owner)(owners_trace())
    assert result.passed is passed, result
    assert words in str(result)


def test_cleanup_printed_by_a_thread_before_the_signal_does_not_count(tmp_path: Path) -> None:
    script = tmp_path / "early_thread.py"
    script.write_text(OWNERS.replace("time.sleep(0.6)", "pass"))
    result = cleanup_printed_by("copy: stopped", A_THREAD)(
        labkit.run(script, interrupt=["INT@0.3"], timeout=10))
    assert not result.passed
    assert "before the first signal was sent" in result.message


def test_cleanup_printed_outside_any_task_is_not_cleanup_on_the_loop() -> None:
    """The naive cancel's workers print "cleanup started" when Python closes their coroutines
    at exit, after the loop was closed."""
    result = cleanup_printed_by("worker 1: cleanup started", ANY_TASK)(traced("01b"))
    assert not result.passed
    assert "by the main thread outside any task" in result.message


SWALLOWING = '''
import asyncio

async def swallows():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        return "swallowed"

async def replaces():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        raise RuntimeError("something else")

async def times_out():
    try:
        async with asyncio.timeout(0.05):
            await asyncio.sleep(10)
    except TimeoutError:
        return "timed out, on purpose"

async def main():
    await times_out()
    tasks = [asyncio.create_task(f(), name=f.__name__) for f in (swallows, replaces)]
    await asyncio.sleep(0.1)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)

asyncio.run(main())
'''


def test_no_cancellation_swallowed(tmp_path: Path) -> None:
    script = tmp_path / "swallowing.py"
    script.write_text(SWALLOWING)
    trace = labkit.run(script, timeout=10)
    result = no_cancellation_swallowed(trace)
    assert not result.passed
    assert "2 tasks took a cancel() and did not end cancelled" in result.message
    assert "swallows returned normally" in result.message
    assert "replaces raised RuntimeError instead" in result.message
    # asyncio.timeout() cancelled main and took the cancellation back: not blamed
    listed = result.message.split(": ", 1)[1].split(". Catching")[0]
    assert "main" not in listed
    assert no_cancellation_swallowed(traced("02b")).passed


TASKGROUP_CHILD_FAILS = '''
import asyncio

async def fails():
    await asyncio.sleep(0.05)
    raise ConnectionError("lost")

async def main():
    async with asyncio.TaskGroup() as group:
        group.create_task(fails(), name="fails")
        group.create_task(asyncio.sleep(10), name="sleeps")

asyncio.run(main())
'''


@pytest.mark.parametrize("version", sorted(interpreters.available()))
def test_a_taskgroup_that_cancelled_its_task_for_a_failed_child_is_not_blamed(
        tmp_path: Path, version: str) -> None:
    script = tmp_path / "taskgroup.py"
    script.write_text(TASKGROUP_CHILD_FAILS)
    trace = labkit.run(script, timeout=10, python=version)
    main = next(task for task in trace.tasks if task.coro == "main")
    # the group cancelled main when "fails" failed, and main ended with the group's errors
    assert [r.accepted for r in main.cancel_requests] == [True]
    assert (main.outcome, main.exc_type) == ("failed", "ExceptionGroup")
    # 3.11.7 and 3.12.1 never take that cancel() back (CPython gh-116720); 3.13 does
    uncancels = [count for _, count in main.uncancels]
    assert uncancels == [0] if version == "3.13" else uncancels in ([], [0])
    if trace.python in ("3.11.7", "3.12.1"):
        assert uncancels == []
    assert trace.task("sleeps").outcome == "cancelled"
    assert no_cancellation_swallowed(trace).passed


def test_cleanup_printed_by_needs_text_and_owner() -> None:
    with pytest.raises(ValueError, match="needs the text"):
        cleanup_printed_by("", "worker")
    with pytest.raises(ValueError, match="needs the owner"):
        cleanup_printed_by("done", "")
