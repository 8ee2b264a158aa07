"""fuzz() and compare() on real programs: a fixed program comes out clean, broken ones show each
problem, and behaviour that really differs between CPython versions is reported.

fuzz runs use this interpreter (CPython 3.11 in the venv); compare needs 3.11, 3.12 and 3.13
(required with CI=true, else skipped when one is missing).
"""

from __future__ import annotations

import re
import signal
from collections.abc import Callable

import pytest

import labkit
from labkit import interpreters
from labkit.fuzzing import Comparison, Difference, FuzzReport, compare, fuzz, spread
from labkit.runner import PlanError

from .conftest import IN_CI, REQUIRED, SCENARIOS, program

GRACEFUL = program("checks_graceful_workers.py")
CLEANUPS = ["worker 0: cleanup done", "worker 1: cleanup done"]


def test_instants_are_the_middles_of_equal_slices() -> None:
    assert spread(2.0, 4) == [0.25, 0.75, 1.25, 1.75]
    assert spread(1.0, 1) == [0.5]


def test_a_fixed_program_has_no_problem_wherever_it_is_interrupted() -> None:
    report = fuzz(GRACEFUL, runs=4, cleanup=CLEANUPS)
    assert report.baseline is not None  # no span given: one run without interrupts measured it
    assert report.baseline.exit_code == 0 and not report.baseline.signals
    assert 0.9 <= report.span < 2.0  # the workers run 0.9 s, then the interpreter exits
    assert [run.instant for run in report.runs] == spread(report.span, 4)
    for run in report.runs:
        [sigint] = run.trace.signals
        assert sigint.sent is not None and run.trace.loop_started is not None
        assert sigint.sent - run.trace.loop_started == pytest.approx(run.instant, abs=0.1)
        assert run.interrupted and run.problems == [] and run.verdict() == "ok"
        if run.instant < 0.8:  # well before the last worker ends at 0.9 s: really cut short
            assert run.trace.exit_code == -signal.SIGINT
    assert report.counts == dict.fromkeys(report.counts, 0)
    assert report.worst is None
    text = str(report)
    assert "SIGINT at 4 instants" in text and "measured by one run without interrupts" in text
    assert text.endswith("no run had a problem")
    page = report._repr_html_()
    assert "No run had a problem." in page and "<details" not in page
    assert page.count("✔</span>") == 4


def test_a_broken_program_leaks_tasks_and_loses_cleanup_in_every_run() -> None:
    """01b cancels its tasks after Ctrl+C and closes the loop at once: whenever the Ctrl+C comes
    (before worker 2's 2 s are up), the tasks are destroyed pending and their cleanup dies."""
    script = str(SCENARIOS / "01b_naive_cancel_finally.py")
    report = fuzz(script, runs=4, span=1.6, cleanup="worker 2: cleanup done")
    assert report.baseline is None and report.span == 1.6
    assert report.counts == {
        "leaked tasks": 4, "lost cleanup": 4, "hung": 0, "bad exit": 0, "asyncio warnings": 4,
    }, _details(report)
    for run in report.runs:
        assert run.problems == ["leaked tasks", "lost cleanup", "asyncio warnings"]
        assert run.trace.task("Task-2").outcome == "destroyed-pending"
    worst = report.worst
    assert worst is not None and worst in report.runs
    most = max(len(run.failed) for run in report.runs)
    assert len(worst.failed) == most
    assert worst is next(run for run in report.runs if len(run.failed) == most)  # the earliest
    text = str(report)
    assert "  leaked tasks      4 of 4 runs" in text
    assert f"worst run: INT@{worst.instant:g}, {most} failed checks:" in text
    assert f"  {worst.failed[0]}" in text
    started = worst.trace.loop_started
    assert started is not None
    assert (f"its loop started at {started:.2f} s, so INT@{worst.instant:g} was sent at about "
            f"{started + worst.instant:.2f} s") in text


def _details(report: FuzzReport) -> str:
    """What each run recorded, for a failure message."""
    return "\n".join(
        f"{run.instant}: {[(t.name, t.outcome) for t in run.trace.tasks]} "
        f"warnings={[w.message for w in run.trace.warnings]} notes={run.trace.notes} "
        f"exit={run.trace.exit_code} stderr={run.trace.stderr_text()[-600:]!r}"
        for run in report.runs
    )


def test_the_worst_run_is_one_click_away_in_html() -> None:
    report = fuzz(str(SCENARIOS / "08d_sigterm_unhandled.py"), runs=2, span=1.0, signal="TERM")
    assert report.signal == "SIGTERM"
    assert report.counts["bad exit"] == 2 and report.counts["leaked tasks"] == 2
    assert report.runs[0].trace.exit_code == -signal.SIGTERM
    page = report._repr_html_()
    details = re.search(r"<details>(.*)</details>", page, re.S)
    assert details is not None
    assert "<summary" in details.group(1) and "Worst run: TERM@0.25" in details.group(1)
    assert details.group(1).count("<svg") == 1
    assert "exit status -15, expected 0 or -2 or 130" in details.group(1)
    strip = re.findall(r'<span title="(TERM@[^"]*)"', page)
    assert strip == ["TERM@0.25: leaked tasks, bad exit", "TERM@0.75: leaked tasks, bad exit"]
    assert "not checked (no cleanup= text given)" in page


def test_a_program_that_hangs_after_the_interrupt() -> None:
    report = fuzz(program("checks_ignores_first_sigint.py"), runs=2, span=0.4, timeout=1.0,
                  cleanup="main: cleanup done")
    assert report.counts == {
        "leaked tasks": 0, "lost cleanup": 0, "hung": 2, "bad exit": 0, "asyncio warnings": 0,
    }
    assert [run.verdict() for run in report.runs] == ["hung", "hung"]


def test_exit_statuses_that_are_ok_can_be_chosen() -> None:
    report = fuzz(GRACEFUL, runs=1, span=0.3, ok_exit=[0], cleanup=CLEANUPS)
    [run] = report.runs
    assert run.problems == ["bad exit"]
    assert run.failed[0].message.startswith("exit status -2, expected 0: ended by the Keyboard")


def test_a_run_that_ends_before_its_signal_is_not_interrupted() -> None:
    report = fuzz(str(SCENARIOS / "13b_asyncgen_freed_at_return.py"), runs=1, span=4.0)
    [run] = report.runs
    assert not run.interrupted
    assert run.verdict() == "ok (ended before the signal was due)"
    assert "not interrupted   1 of 1 runs ended first" in str(report)


def test_a_program_that_never_ends_needs_a_span() -> None:
    with pytest.raises(ValueError, match=r"does not end on its own.*Pass span=SECONDS"):
        fuzz(program("workers.py"), runs=2, timeout=1.0)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"script": "no/such/script.py"}, ValueError, "there is no script at 'no/such/script.py'"),
        ({"runs": 0}, ValueError, "runs must be at least 1"),
        ({"parallel": 0}, ValueError, "parallel must be at least 1"),
        ({"span": -1.0}, ValueError, "span must be a positive"),
        ({"timeout": 0}, ValueError, "timeout must be a positive"),
        ({"signal": "NOPE"}, PlanError, "unknown signal 'NOPE'"),
        ({"signal": "INT@1"}, PlanError, "cannot read interrupt"),
        ({"cleanup": ""}, ValueError, "cleanup_ran needs the text"),
        ({"ok_exit": []}, ValueError, "at least one allowed exit status"),
        ({"python": "/nonexistent/python"}, labkit.InterpreterNotFound, "no interpreter at"),
    ],
)
def test_bad_input_is_refused_before_anything_runs(
    kwargs: dict[str, object], error: type[Exception], message: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("labkit.fuzzing.ProgramRun", _no_program)
    arguments: dict[str, object] = {"script": GRACEFUL, **kwargs}
    script = arguments.pop("script")
    with pytest.raises(error, match=re.escape(message)):
        fuzz(script, **arguments)  # type: ignore[arg-type]


def _no_program(*args: object, **kwargs: object) -> None:
    raise AssertionError("a program was started")


# --- compare -------------------------------------------------------------------------------
@pytest.fixture
def all_versions(found_interpreters: dict[str, interpreters.Interpreter]) -> None:
    """compare() runs under 3.11, 3.12 and 3.13: fail where they are required, else skip."""
    missing = [v for v in interpreters.SUPPORTED if v not in found_interpreters]
    if missing:
        message = f"Python {', '.join(missing)} not installed here"
        if set(missing) & set(REQUIRED) or IN_CI:
            pytest.fail(message + " and compare tests need all three")
        pytest.skip(message)


@pytest.mark.usefixtures("all_versions")
def test_compare_reports_what_differs_between_versions() -> None:
    """13b: the async generator's cleanup completes only on 3.13 (scenarios/OBSERVED.md)."""
    comparison = compare(SCENARIOS / "13b_asyncgen_freed_at_return.py")
    assert list(comparison.traces) == ["3.11", "3.12", "3.13"]
    assert [t.python[:4] for t in comparison.traces.values() if t.python] == [
        "3.11", "3.12", "3.13"
    ]
    assert comparison.differences() == [
        Difference("task", "async_generator_athrow",
                   {"3.11": "finished", "3.12": "finished", "3.13": "cancelled"}),
        Difference("output line", "ticks: cleanup done",
                   {"3.11": "—", "3.12": "—", "3.13": "printed"}),
    ]
    text = str(comparison)
    assert "2 differences:" in text
    assert "output line ticks: cleanup done: 3.11: — | 3.12: — | 3.13: printed" in text
    page = comparison._repr_html_()
    assert page.count("<svg") == 3 and "flex-wrap:wrap" in page
    assert page.index("ticks: cleanup done") < page.index("<svg")  # the table comes first


@pytest.mark.usefixtures("all_versions")
def test_compare_with_an_interrupt_reports_asyncio_messages_and_exit_status() -> None:
    """01a's module-level get_event_loop() warns on 3.12 and 3.13 only."""
    comparison = compare(SCENARIOS / "01a_naive_cancel.py", interrupt=["INT@0.5"])
    assert comparison.interrupt == ["INT@0.5"]
    assert all(len(trace.signals) == 1 for trace in comparison.traces.values())
    assert comparison.differences() == [
        Difference("asyncio message", "There is no current event loop",
                   {"3.11": "—", "3.12": "reported", "3.13": "reported"}),
    ]


def test_compare_skips_a_missing_version_only_when_asked() -> None:
    script = SCENARIOS / "13b_asyncgen_freed_at_return.py"
    with pytest.raises(labkit.InterpreterNotFound):
        compare(script, pythons=["3.11", "2.7"])
    comparison = compare(script, pythons=["3.11", "2.7"], missing="skip")
    assert list(comparison.traces) == ["3.11"] and list(comparison.skipped) == ["2.7"]
    assert comparison.differences() == []
    assert "no differences" in str(comparison) and "skipped 2.7: " in str(comparison)
    assert "No differences" in comparison._repr_html_()


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: compare("no/such.py"), ValueError, "there is no script"),
        (lambda: compare(SCENARIOS / "13b_asyncgen_freed_at_return.py", interrupt=["INT"]),
         PlanError, "cannot read interrupt"),
        (lambda: compare(SCENARIOS / "13b_asyncgen_freed_at_return.py", missing="ignore"),
         ValueError, 'missing must be "error" or "skip"'),
        (lambda: compare(SCENARIOS / "13b_asyncgen_freed_at_return.py", pythons=[]),
         ValueError, "at least one interpreter"),
        (lambda: compare(SCENARIOS / "13b_asyncgen_freed_at_return.py", pythons=["2.7"],
                         missing="skip"),
         labkit.InterpreterNotFound, "none of 2.7 is installed here"),
    ],
)
def test_compare_bad_input(
    call: Callable[[], Comparison], error: type[Exception], message: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("labkit.fuzzing.ProgramRun", _no_program)
    with pytest.raises(error, match=re.escape(message)):
        call()
