"""Checks on a finished run: did the program shut down cleanly? Each says what to look at.

``check(trace, ...)`` runs a set of checks and returns a ``CheckReport``: one ✔ or ✘ line per
check, in plain words, naming tasks and times, and saying where on the timeline to look.

The checks can also be used one by one, or composed (``run_checks``). A check is a function
``(trace) -> CheckResult``; the ones that need a parameter are made by a factory:

- ``no_task_destroyed_pending``: no task was garbage-collected while still pending;
- ``every_task_reached_outcome``: no task was still pending when the process ended;
- ``cleanup_ran(text)``: some line of the program's output contains ``text``;
- ``cleanup_printed_by(text, owner)``: the task (or thread) that owns the cleanup printed that
  line, after its cancellation (or the signal) reached it;
- ``no_cancellation_swallowed``: every task whose ``cancel()`` was accepted ended cancelled;
- ``exited_within(seconds)``: the process ended within that time of the first SIGINT;
- ``exit_status(codes)``: the process's exit status is one of ``codes``;
- ``ended_before_timeout``: the program ended without labkit's timeout having to stop it;
- ``no_asyncio_warnings``: asyncio (or Python's warnings) reported nothing.

A task that never finished on its event loop ends either ``destroyed-pending`` or
``pending-at-exit``. Each of the first two checks reports one of those, so no task is blamed
twice; together they cover both.
"""

from __future__ import annotations

import html
import math
import re
import signal
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from .model import OutputLine, PrintedLine, SignalRecord, TaskRecord, Trace

NAMES_SHOWN = 6  # tasks named in one message; the rest are counted
_AUTO_NAME = re.compile(r"^Task-\d+$")
PASS_STYLE = "background:#1a7f37;color:#fff"  # readable on light and dark themes alike
FAIL_STYLE = "background:#cf222e;color:#fff"


@dataclass(frozen=True)
class CheckResult:
    """The verdict of one check on one run.

    ``message`` says what happened, in plain words; ``look_at`` says where on the timeline (or in
    the program's output) to see it, or is empty when there is nothing particular to see.
    """

    name: str
    passed: bool
    message: str
    look_at: str = ""

    def __str__(self) -> str:
        mark = "✔" if self.passed else "✘"
        where = f" — look at {self.look_at}" if self.look_at else ""
        return f"{mark} {self.message}{where}"


Check = Callable[[Trace], CheckResult]
"""A check: reads a trace and returns its verdict."""


@dataclass
class CheckReport:
    """The results of several checks on one run; true when every check passed."""

    results: list[CheckResult]

    @property
    def passed(self) -> bool:
        """Whether every check passed (also true when no check was run)."""
        return all(result.passed for result in self.results)

    @property
    def failures(self) -> list[CheckResult]:
        """The checks that failed, in order."""
        return [result for result in self.results if not result.passed]

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        if not self.results:
            return "(no checks were selected)"
        return "\n".join(str(result) for result in self.results)

    def summary(self) -> str:
        """One line: how many checks passed."""
        passed = sum(result.passed for result in self.results)
        return f"{passed} of {_count(len(self.results), 'check')} passed"

    def assert_passed(self) -> None:
        """Raise AssertionError listing every failed check; do nothing when all passed."""
        if not self.passed:
            failures = "\n".join(str(result) for result in self.failures)
            raise AssertionError(f"{self.summary()}:\n{failures}")

    def _repr_html_(self) -> str:
        rows = "".join(_result_row(result) for result in self.results)
        return (
            '<div class="labkit-checks" style="color:inherit">'
            f"<p style=\"margin:0 0 4px\"><b>{html.escape(self.summary())}</b></p>"
            '<table style="border-collapse:collapse;color:inherit;background:transparent">'
            f"{rows}</table></div>"
        )


def _result_row(result: CheckResult) -> str:
    badge, mark = (PASS_STYLE, "✔ pass") if result.passed else (FAIL_STYLE, "✘ fail")
    look = (
        f'<br><span style="opacity:0.75">look at {html.escape(result.look_at)}</span>'
        if result.look_at else ""
    )
    cell = "padding:3px 8px;text-align:left;vertical-align:top;background:transparent"
    return (
        f'<tr><td style="{cell};white-space:nowrap">'
        f'<span style="{badge};padding:1px 6px;border-radius:3px">{mark}</span></td>'
        f'<td style="{cell}"><b>{html.escape(result.name)}</b><br>'
        f"{html.escape(result.message)}{look}</td></tr>"
    )


# --- wording helpers ---------------------------------------------------------------------
def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _seconds(t: float) -> str:
    return f"{t:.2f} s"


def _when(times: Iterable[float]) -> str:
    # "at 0.61 s", or "between 0.61 s and 0.75 s" for moments that differ
    ordered = sorted(times)
    if not ordered:
        return ""
    first, last = _seconds(ordered[0]), _seconds(ordered[-1])
    return f"at {first}" if first == last else f"between {first} and {last}"


def has_automatic_name(task: TaskRecord) -> bool:
    """Whether asyncio named the task ("Task-7") rather than the program."""
    return _AUTO_NAME.match(task.name) is not None


def task_label(task: TaskRecord) -> str:
    """A task as a learner knows it: its name, with the coroutine when the name is automatic."""
    return f"{task.name} ({task.coro})" if has_automatic_name(task) else task.name


def _names(labels: Sequence[str]) -> str:
    shown = ", ".join(labels[:NAMES_SHOWN])
    hidden = len(labels) - NAMES_SHOWN
    return f"{shown} and {hidden} more" if hidden > 0 else shown


def _were(n: int) -> str:
    return "was" if n == 1 else "were"


# --- the checks --------------------------------------------------------------------------
def no_task_destroyed_pending(trace: Trace) -> CheckResult:
    """Fail if any task was garbage-collected while still pending ("Task was destroyed...")."""
    name = "no task destroyed while pending"
    destroyed = [task for task in trace.tasks if task.outcome == "destroyed-pending"]
    if not destroyed:
        return CheckResult(name, True, "no task was destroyed while pending")
    n = len(destroyed)
    they, their, them = ("it", "its", "it") if n == 1 else ("they", "their", "them")
    return CheckResult(
        name,
        False,
        f"{_count(n, 'task')} {_were(n)} destroyed while pending: "
        f"{_names([task_label(t) for t in destroyed])} (garbage-collected before {they} finished "
        f"on {their} loop: a finally block in {them} ran, if at all, without the loop, so it "
        "could not await)",
        "the lanes that end in DESTROYED while pending "
        f"{_when(t.ended for t in destroyed if t.ended is not None)}",
    )


def every_task_reached_outcome(trace: Trace) -> CheckResult:
    """Fail if any task was still pending when the process ended (or the run is still going).

    Tasks destroyed while pending did reach an outcome, a bad one: ``no_task_destroyed_pending``
    reports them, and this check only mentions them.
    """
    name = "every task reached an outcome"
    pending = [task for task in trace.tasks if task.outcome in (None, "pending-at-exit")]
    destroyed = sum(task.outcome == "destroyed-pending" for task in trace.tasks)
    if pending:
        n = len(pending)
        end = "the process ended" if trace.ended is None else (
            f"the process ended at {_seconds(trace.ended)}")
        return CheckResult(
            name,
            False,
            f"{_count(n, 'task')} {_were(n)} still pending when {end}: "
            f"{_names([task_label(t) for t in pending])} (never finished, failed or cancelled)",
            "the lanes that run on to the right edge and end in PENDING at exit",
        )
    if not trace.tasks:
        return CheckResult(name, True, "the program started no asyncio task")
    if destroyed:
        return CheckResult(
            name,
            True,
            f"no task was left pending at exit ({_count(destroyed, 'task')} destroyed while "
            "pending: see the check on destroyed tasks)",
        )
    return CheckResult(name, True, "every task finished, failed or was cancelled")


def _lines_containing(trace: Trace, text: str) -> list[tuple[str, OutputLine]]:
    return [
        (stream, line)
        for stream, lines in (("stdout", trace.stdout), ("stderr", trace.stderr))
        for line in lines
        if text in line.text
    ]


def cleanup_ran(text: str) -> Check:
    """A check: some line of the program's stdout or stderr contains ``text`` (case matters).

    It passes whenever the line appeared, even after the event loops were closed, and says when
    (the time labkit read the line). It does not judge whether the line came before or after
    ``loop.close()``: output is stamped when labkit reads it, usually within milliseconds of the
    write but up to a tenth of a second later on a busy machine, so that order cannot be told
    reliably. The case that matters, a ``finally`` block run while Python destroyed a pending
    task (outside any loop, where an ``await`` cannot work), is what
    ``no_task_destroyed_pending`` reports.
    """
    if not text:
        raise ValueError("cleanup_ran needs the text of a line the cleanup prints")

    def cleanup_check(trace: Trace) -> CheckResult:
        name = f"cleanup ran: {text!r}"
        found = _lines_containing(trace, text)
        if not found:
            return CheckResult(
                name,
                False,
                f"no line of the program's output contains {text!r}: that cleanup never ran, "
                "or it was cut short before it printed",
                _where_cleanup_was_due(trace),
            )
        stream, first = min(found, key=lambda item: item[1].t)
        return CheckResult(
            name, True, f"{text!r} was printed at {_seconds(first.t)} ({stream})",
            f"the program's {stream} at {_seconds(first.t)}, and the task lanes at that moment",
        )

    return cleanup_check


def _where_cleanup_was_due(trace: Trace, owner: str | None = None) -> str:
    sent = [record.sent for record in trace.signals if record.sent is not None]
    owned = [t for t in trace.tasks if owner in (t.name, t.coro)] if owner else []
    if sent and owned and all(t.ended is not None and t.ended < min(sent) for t in owned):
        ended = max(t.ended for t in owned if t.ended is not None)
        return (f"the lane of {owner}, which ended at {_seconds(ended)}, before the first "
                f"signal at {_seconds(min(sent))}: did its cleanup run when it ended by itself?")
    if sent:
        threads = any(line.thread is not None for line in trace.printed)
        return (
            f"the task lanes after the first signal at {_seconds(min(sent))}: which tasks were "
            "cancelled, and did their finally blocks get to run?"
            + (" (Cleanup run by a thread has no lane: look at the stderr and the loop's "
               "shutdown_default_executor instead.)" if threads else "")
        )
    if trace.ended is not None:
        return f"the task lanes before the program ended at {_seconds(trace.ended)}"
    return "the task lanes"


ANY_TASK = "any task"
"""A cleanup owner: the line must be printed by some task, i.e. while an event loop ran it."""
A_THREAD = "a thread"
"""A cleanup owner: the line must be printed by a thread outside any task (an executor's)."""


def _printer(trace: Trace, line: PrintedLine) -> str:
    if line.task is not None:
        for task in trace.tasks:
            if task.id == line.task:
                return f"task {task_label(task)}"
        return f"task #{line.task}"
    if line.thread is not None:
        return f"thread {line.thread!r}, outside any task"
    return "the main thread outside any task (no event loop was running it)"


def _owned_by(trace: Trace, owner: str, line: PrintedLine) -> bool:
    if owner == ANY_TASK:
        return line.task is not None
    if owner == A_THREAD:
        return line.task is None and line.thread is not None
    return any(task.id == line.task and owner in (task.name, task.coro) for task in trace.tasks)


def _first_signal(trace: Trace) -> float | None:
    sent = [r.sent for r in trace.signals if r.sent is not None and r.reason != "timeout"]
    return min(sent) if sent else None


def _cleanup_due(trace: Trace, owner: str) -> tuple[float, str] | None:
    """From when the owner's cleanup counts, and why: its first accepted cancel(), or the first
    signal (unless the owner task had ended before it)."""
    tasks = [t for t in trace.tasks if owner in (t.name, t.coro)]
    cancels = [r.t for t in tasks for r in t.cancel_requests if r.accepted]
    if cancels:
        return min(cancels), "its cancellation was requested"
    signal_at = _first_signal(trace)
    if signal_at is None:
        return None
    if tasks and all(t.ended is not None and t.ended < signal_at for t in tasks):
        return None  # it had finished, cleanup and all, before the signal
    return signal_at, "the first signal was sent"


def cleanup_printed_by(text: str, owner: str) -> Check:
    """A check: the line ``text`` was printed by ``owner``, where it counts as cleanup.

    ``owner`` is a task's name (or its coroutine's), ``ANY_TASK`` or ``A_THREAD``. The line
    counts only if the owner printed it (the tracer records who wrote each line to
    ``sys.stdout``/``sys.stderr``) and, when the owner task was cancelled, after the first
    accepted ``cancel()``; for an owner that was not cancelled, after the first signal, unless
    the owner had already ended. So a cleanup line printed before the work, printed by another
    task, or printed by a destroyed task's coroutine after its loop was gone does not pass.
    """
    if not text:
        raise ValueError("cleanup_printed_by needs the text of a line the cleanup prints")
    if not owner:
        raise ValueError("cleanup_printed_by needs the owner: a task's name, ANY_TASK or A_THREAD")

    def owner_check(trace: Trace) -> CheckResult:
        name = f"cleanup ran: {text!r} by {owner}"
        lines = [line for line in trace.printed if text in line.text]
        if not lines:
            elsewhere = _lines_containing(trace, text)
            if elsewhere:
                return CheckResult(
                    name, False,
                    f"{text!r} is in the output, but it was not written through sys.stdout or "
                    "sys.stderr (os.write, a child process?), so labkit cannot tell who wrote it",
                    "the program's output")
            return CheckResult(
                name, False,
                f"{text!r} was never printed: that cleanup never ran, or it was cut short "
                "before it printed", _where_cleanup_was_due(trace, owner))
        owned = [line for line in lines if _owned_by(trace, owner, line)]
        if not owned:
            first = lines[0]
            return CheckResult(
                name, False,
                f"{text!r} was printed at {_seconds(first.t)} by {_printer(trace, first)}, not "
                f"by {owner}: the cleanup must run in the code that owns it",
                f"the lanes at {_seconds(first.t)}")
        due = _cleanup_due(trace, owner)
        if due is not None:
            since, why = due
            in_time = [line for line in owned if line.t >= since]
            if not in_time:
                return CheckResult(
                    name, False,
                    f"{text!r} was printed by {owner} at {_seconds(owned[0].t)}, before "
                    f"{why} at {_seconds(since)}: a line printed before the interruption is "
                    "not its cleanup",
                    f"the lane of {owner} after {_seconds(since)}")
            owned = in_time
        line = owned[0]
        after = f", {line.t - due[0]:.2f} s after {due[1]}" if due else ""
        return CheckResult(
            name, True, f"{text!r} was printed by {owner} at {_seconds(line.t)}{after}",
            f"the lanes at {_seconds(line.t)}")

    return owner_check


_GROUPS = ("ExceptionGroup", "BaseExceptionGroup")


def no_cancellation_swallowed(trace: Trace) -> CheckResult:
    """Fail if a task whose ``cancel()`` was accepted did not end cancelled.

    A task that catches ``CancelledError`` and returns (or raises something else instead)
    cannot be stopped: the code that cancelled it, ``asyncio.run`` or a TaskGroup, never
    learns it was cancelled. A task that called ``uncancel()`` back to zero (as
    ``asyncio.timeout()`` does) took its cancellation on purpose and is not blamed, nor is a
    task that ended with an exception group: a TaskGroup cancels the task it runs in when a
    child fails, and raises the children's errors in place of that cancellation; on 3.11 and
    3.12.1 it does not always call ``uncancel()`` (when the child fails while the ``async with``
    block waits at its end; CPython gh-116720, fixed in 3.13).
    """
    name = "no cancellation swallowed"
    blamed = []
    for task in trace.tasks:
        accepted = [r for r in task.cancel_requests if r.accepted]
        if not accepted or task.outcome not in ("finished", "failed"):
            continue
        last_uncancel = task.uncancels[-1] if task.uncancels else None
        if last_uncancel is not None and last_uncancel[1] == 0 \
                and last_uncancel[0] >= accepted[-1].t:
            continue  # taken back on purpose, as asyncio.timeout() does
        if task.outcome == "failed" and task.exc_type in _GROUPS:
            continue  # a TaskGroup's errors, which it raises in place of the cancellation
        blamed.append(task)
    if not blamed:
        return CheckResult(name, True, "every task that was cancelled ended cancelled")
    words = []
    for task in blamed:
        if task.outcome == "finished":
            words.append(f"{task_label(task)} returned normally")
        else:
            words.append(f"{task_label(task)} raised {task.exc_type} instead")
    return CheckResult(
        name, False,
        f"{_count(len(blamed), 'task')} took a cancel() and did not end cancelled: "
        f"{_names(words)}. Catching CancelledError without raising it again makes a task "
        "impossible to stop: let it propagate after the cleanup",
        "the lanes that end in finished or FAILED after a cancel() tick")


def _timeout_signals(trace: Trace) -> list[tuple[str, float]]:
    """The signals labkit's timeout sent: (signal, when)."""
    return [
        (record.signal, record.sent)
        for record in trace.signals
        if record.reason == "timeout" and record.sent is not None
    ]


def _signal_list(signals: Sequence[tuple[str, float]]) -> str:
    return ", then ".join(f"{name} at {_seconds(sent)}" for name, sent in signals)


def _first_sigint(trace: Trace) -> tuple[SignalRecord, float] | None:
    """The first SIGINT sent on the plan or by hand (not by the timeout), and when."""
    for record in trace.signals:
        if record.signal == "SIGINT" and record.sent is not None and record.reason != "timeout":
            return record, record.sent
    return None


def exited_within(seconds: float) -> Check:
    """A check: the process ended within ``seconds`` of the first SIGINT the runner sent.

    It fails when no SIGINT was sent (on the plan or by hand), when labkit's timeout had to stop
    the program, or when the program took longer.
    """
    if not math.isfinite(seconds) or seconds <= 0:
        raise ValueError(
            f"exited_within needs a positive, finite number of seconds, not {seconds!r}"
        )
    name = f"exited within {seconds:g} s of the first SIGINT"

    def exit_time_check(trace: Trace) -> CheckResult:
        if trace.ended is None:
            return CheckResult(name, False, "the run has not ended yet")
        timeouts = _timeout_signals(trace)
        first = _first_sigint(trace)
        if first is None:
            return _no_sigint_result(name, trace, timeouts)
        record, sent = first
        took = trace.ended - sent
        span = f"the time from the SIGINT at {_seconds(sent)} to the end at {_seconds(trace.ended)}"
        if timeouts:
            ignored = " (it ignores SIGINT)" if record.disposition == "ignored" else ""
            return CheckResult(
                name,
                False,
                f"the program did not exit after the SIGINT at {_seconds(sent)}{ignored}: "
                f"labkit's timeout had to stop it ({_signal_list(timeouts)})",
                f"the signal row and the lanes in {span}: what was still running?",
            )
        verdict = f"the program exited {took:.2f} s after the first SIGINT (limit {seconds:g} s)"
        if took > seconds:
            return CheckResult(name, False, verdict, f"what ran in {span}")
        return CheckResult(name, True, verdict, span)

    return exit_time_check


def _no_sigint_result(name: str, trace: Trace, timeouts: list[tuple[str, float]]) -> CheckResult:
    if timeouts:
        return CheckResult(
            name,
            False,
            "no SIGINT was sent by the plan, and the program did not end on its own: "
            f"labkit's timeout had to stop it ({_signal_list(timeouts)})",
            "the signal row",
        )
    unsent = [message for _, message in trace.notes if "was not sent" in message]
    if unsent:  # planned, but the program ended first
        ended = f" at {_seconds(trace.ended)}" if trace.ended is not None else ""
        return CheckResult(
            name,
            False,
            f"the program ended{ended}, before its planned SIGINT was due (labkit: "
            f"{'; '.join(unsent)}): did it stop early, or do less than it should?",
            "the signal row and the lanes before the end",
        )
    return CheckResult(
        name,
        False,
        "no SIGINT was sent, so there is no exit time to measure: run it with an interrupt, "
        "e.g. interrupt=['INT@0.5'], that comes before the program ends",
        "the signal row",
    )


def _signal_name(signum: int) -> str:
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"


def explain_exit(trace: Trace) -> str:
    """How the process ended, in words: e.g. "ended by the KeyboardInterrupt it never caught"."""
    code = trace.exit_code
    if code is None:
        return "the run has not ended"
    if code == 0:
        return "it exited normally"
    if code == -signal.SIGINT and trace.exit_how == "KeyboardInterrupt":
        return "ended by the KeyboardInterrupt it never caught (Python then dies of SIGINT)"
    if code < 0:
        return (
            f"killed by {_signal_name(-code)}: no Python code handled it, so no finally block "
            "or exit handler ran after it"
        )
    if code == 128 + signal.SIGINT:
        return "the program chose 130 (128 + SIGINT), the shell's code for 'stopped by Ctrl+C'"
    if trace.exit_how not in (None, "normal"):
        return f"an uncaught {trace.exit_how} ended it (its traceback is on stderr)"
    if trace.exit_how is None:
        return f"it left with os._exit({code}) or similar: exit handlers did not run"
    return f"it exited with status {code} (sys.exit({code}) or an error it reported)"


def exit_status(codes: int | Sequence[int]) -> Check:
    """A check: the exit status is ``codes`` (or one of them).

    Statuses are as ``subprocess`` reports them: -2 means the process died of SIGINT, which is
    how Python ends on a KeyboardInterrupt nothing caught; -15 means SIGTERM killed it.
    """
    allowed = (codes,) if isinstance(codes, int) else tuple(codes)
    if not allowed:
        raise ValueError("exit_status needs at least one allowed exit status")
    expected = " or ".join(str(code) for code in allowed)
    name = f"exit status {expected}"

    def exit_status_check(trace: Trace) -> CheckResult:
        code = trace.exit_code
        explanation = explain_exit(trace)
        if code is None:
            return CheckResult(name, False, explanation)
        if code in allowed:
            return CheckResult(name, True, f"exit status {code}: {explanation}")
        look_at = (
            "the last signals on the signal row" if code < 0
            else "the end of the timeline and the program's stderr"
        )
        return CheckResult(
            name, False, f"exit status {code}, expected {expected}: {explanation}", look_at
        )

    return exit_status_check


def ended_before_timeout(trace: Trace) -> CheckResult:
    """Fail if labkit's timeout had to send signals to end the program (it hung)."""
    name = "ended without labkit's timeout"
    timeouts = _timeout_signals(trace)
    if timeouts:
        return CheckResult(
            name,
            False,
            f"the program did not end on its own: labkit's timeout sent {_signal_list(timeouts)}",
            f"the signal row from {_seconds(timeouts[0][1])}: which tasks and loops "
            "were still alive?",
        )
    if trace.ended is None:
        return CheckResult(name, False, "the run has not ended yet")
    return CheckResult(
        name, True, f"the program ended at {_seconds(trace.ended)}, before labkit's timeout"
    )


def short_message(message: str) -> str:
    """A warning's message without what changes from run to run: first line, no location."""
    first_line = message.splitlines()[0] if message else ""
    first_line = re.sub(r" at (/|<)\S+(:\d+)?", "", first_line)
    return re.sub(r"0x[0-9a-f]+", "0x…", first_line)


def no_asyncio_warnings(trace: Trace) -> CheckResult:
    """Fail if asyncio or Python's warnings reported anything (destroyed tasks, never-awaited
    coroutines, exceptions never retrieved, deprecations...)."""
    name = "no asyncio warnings"
    # Python's own SIGINT handler raises KeyboardInterrupt wherever the main thread is: now
    # and then inside a task's step, which then ends with it, and asyncio later says it was
    # never retrieved. That is where the Ctrl+C landed, not something the program did.
    landed = [w for w in trace.warnings if w.exc_type == "KeyboardInterrupt"
              and w.message.startswith("Task exception was never retrieved")]
    warnings = [w for w in trace.warnings if w not in landed]
    if not warnings:
        said = (f" but that a KeyboardInterrupt ended {_count(len(landed), 'task')} inside "
                "its step (where the Ctrl+C happened to land)") if landed else ""
        return CheckResult(name, True, f"asyncio reported nothing{said}")
    counts = Counter(short_message(w.message) for w in warnings)
    listed = "; ".join(
        f"{message!r}" + (f" (x{n})" if n > 1 else "") for message, n in counts.items()
    )
    n = len(warnings)
    return CheckResult(
        name,
        False,
        f"asyncio reported {_count(n, 'message')}: {listed}",
        f"the program's stderr {_when(w.t for w in warnings)}, where they were printed",
    )


# --- running several checks --------------------------------------------------------------
def run_checks(trace: Trace, checks: Iterable[Check]) -> CheckReport:
    """Run ``checks`` on ``trace``, in order."""
    return CheckReport([each(trace) for each in checks])


def check(
    trace: Trace,
    *,
    cleanup: str | Sequence[str] = (),
    exits_within: float | None = None,
    exit_code: int | Sequence[int] | None = None,
    tasks_end: bool = True,
    no_destroyed: bool = True,
    no_warnings: bool = True,
    no_hang: bool = True,
) -> CheckReport:
    """Check that a run shut down cleanly; print the report, or ``assert_passed()`` it.

    By default: no task destroyed while pending, every task reached an outcome, the program
    ended without labkit's timeout, and asyncio reported no warnings. ``cleanup``: text(s) that
    must appear in the program's output. ``exits_within``: seconds from the first SIGINT to the
    process's end. ``exit_code``: the allowed exit status(es), e.g. ``(0, -2)``.
    """
    checks: list[Check] = []
    if no_destroyed:
        checks.append(no_task_destroyed_pending)
    if tasks_end:
        checks.append(every_task_reached_outcome)
    texts = [cleanup] if isinstance(cleanup, str) else list(cleanup)
    checks.extend(cleanup_ran(text) for text in texts)
    if exits_within is not None:
        checks.append(exited_within(exits_within))
    if exit_code is not None:
        checks.append(exit_status(exit_code))
    if no_hang:
        checks.append(ended_before_timeout)
    if no_warnings:
        checks.append(no_asyncio_warnings)
    return run_checks(trace, checks)
