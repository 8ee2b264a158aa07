"""Run one program many times: interrupted at many instants (``fuzz``), or under several CPython
versions (``compare``), and say what went wrong where.

``fuzz`` sends the same signal at instants spread evenly over the program's run and judges each
run with the checks of ``labkit.checks``: did it leak tasks, lose a cleanup, hang, exit badly or
make asyncio complain? ``compare`` runs it once per interpreter and lists what differs.
Both run a few programs at a time; each is a real child process (``ProgramRun``).
"""

from __future__ import annotations

import html
import os
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .checks import (
    FAIL_STYLE,
    PASS_STYLE,
    Check,
    CheckReport,
    CheckResult,
    cleanup_ran,
    ended_before_timeout,
    every_task_reached_outcome,
    exit_status,
    has_automatic_name,
    no_asyncio_warnings,
    no_task_destroyed_pending,
    short_message,
)
from .interpreters import Interpreter, InterpreterNotFound, resolve
from .model import Trace
from .runner import Interrupt, ProgramRun, parse_plan, positive_seconds, working_directory
from .textview import exit_status as exit_words

PROBLEMS = ("leaked tasks", "lost cleanup", "hung", "bad exit", "asyncio warnings")
"""What a fuzz run can get wrong, in the order reports list them."""

OK_EXIT = (0, -2, 130)
"""Exit statuses a fuzz run may end with: normal, died of its uncaught KeyboardInterrupt
(SIGINT), or exited with the shell's code for Ctrl+C."""

NOT_INTERRUPTED_STYLE = "background:#6e7781;color:#fff"
COMPARE_PARALLEL = 2  # interpreters run at a time by compare()
COMPARE_SVG_WIDTH = 560


# --- running several programs ------------------------------------------------------------
class _Batch:
    """Starts programs from worker threads; ``stop()`` kills those started and refuses more."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._started: list[ProgramRun] = []
        self._stopping = False

    def run(self, make: Callable[[], ProgramRun]) -> Trace:
        with self._lock:
            if self._stopping:
                raise RuntimeError("the batch was stopped")
            program = make().start()
            self._started.append(program)
        return program.wait()

    def stop(self) -> None:
        with self._lock:
            self._stopping = True
            for program in self._started:
                program.kill()


def run_all(makers: Sequence[Callable[[], ProgramRun]], parallel: int) -> list[Trace]:
    """Each program's trace, in order; on any error or interruption no child is left running."""
    batch = _Batch()
    with ThreadPoolExecutor(max_workers=parallel, thread_name_prefix="labkit-batch") as pool:
        futures = [pool.submit(batch.run, make) for make in makers]
        try:
            return [future.result() for future in futures]
        except BaseException:
            for future in futures:
                future.cancel()
            batch.stop()
            raise


def _existing_script(script: str | os.PathLike[str]) -> str:
    path = Path(script)
    if not (working_directory() / path).is_file():
        raise ValueError(f"there is no script at {str(script)!r} (from {Path.cwd()})")
    return str(path)


# --- fuzz --------------------------------------------------------------------------------
@dataclass
class FuzzRun:
    """One run of the program, interrupted at ``instant`` seconds after its loop started."""

    instant: float
    trace: Trace = field(repr=False)
    checks: list[tuple[str, CheckResult]]  # (problem it reveals when it fails, result)

    @property
    def failed(self) -> list[CheckResult]:
        """The checks this run failed."""
        return [result for _, result in self.checks if not result.passed]

    @property
    def problems(self) -> list[str]:
        """The problems this run showed, in the order of ``PROBLEMS``."""
        found = {problem for problem, result in self.checks if not result.passed}
        return [problem for problem in PROBLEMS if problem in found]

    @property
    def interrupted(self) -> bool:
        """Whether the planned signal was sent (not when the program had already ended)."""
        return any(s.reason == "plan" and s.sent is not None for s in self.trace.signals)

    @property
    def report(self) -> CheckReport:
        """Every check on this run, passed or not."""
        return CheckReport([result for _, result in self.checks])

    def verdict(self) -> str:
        """The problems, or "ok"; says so when the program ended before the signal was due."""
        words = ", ".join(self.problems) or "ok"
        return words if self.interrupted else f"{words} (ended before the signal was due)"


@dataclass
class FuzzReport:
    """The runs of one fuzz, with counts per problem and the worst run."""

    script: str
    signal: str  # e.g. "SIGINT"
    span: float
    baseline: Trace | None = field(repr=False)  # the run without interrupts that measured the span
    cleanup: list[str]
    runs: list[FuzzRun]

    @property
    def counts(self) -> dict[str, int]:
        """How many runs showed each problem (every problem listed, zeros too)."""
        seen = Counter(problem for run in self.runs for problem in run.problems)
        return {problem: seen[problem] for problem in PROBLEMS}

    @property
    def worst(self) -> FuzzRun | None:
        """The run that failed the most checks (the earliest of equals); None if all were ok."""
        bad = [run for run in self.runs if run.failed]
        return max(bad, key=lambda run: len(run.failed)) if bad else None

    def _plan(self, run: FuzzRun) -> str:
        return f"{self.signal.removeprefix('SIG')}@{run.instant:g}"

    def _headline(self) -> str:
        first, last = self.runs[0].instant, self.runs[-1].instant
        how = ("measured by one run without interrupts" if self.baseline is not None
               else "as given")
        return (
            f"fuzz of {self.script}: {self.signal} at {len(self.runs)} instants, "
            f"{first:g} s to {last:g} s after the loop started (span {self.span:g} s, {how})"
        )

    def _count_lines(self) -> list[tuple[str, str]]:
        total = len(self.runs)
        rows = []
        for problem, n in self.counts.items():
            value = f"{n} of {total} runs"
            if problem == "lost cleanup" and not self.cleanup:
                value = "not checked (no cleanup= text given)"
            rows.append((problem, value))
        not_interrupted = sum(not run.interrupted for run in self.runs)
        if not_interrupted:
            rows.append(("not interrupted", f"{not_interrupted} of {total} runs ended first"))
        return rows

    def __str__(self) -> str:
        lines = [self._headline()]
        lines += [f"  {problem:<17} {value}" for problem, value in self._count_lines()]
        lines.append("runs:")
        for run in self.runs:
            mark = "✘" if run.failed else "✔"
            lines.append(f"  {self._plan(run):<12} {mark} {run.verdict()}")
        worst = self.worst
        if worst is None:
            lines.append("no run had a problem")
        else:
            n = len(worst.failed)
            lines.append(f"worst run: {self._plan(worst)}, {n} failed check{'s' * (n != 1)}:")
            lines += [f"  {result}" for result in worst.failed]
            started = worst.trace.loop_started
            if started is not None:
                lines.append(f"  (times above count from the program's start; its loop started "
                             f"at {started:.2f} s, so {self._plan(worst)} was sent at about "
                             f"{started + worst.instant:.2f} s)")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = "".join(_table_row(pair) for pair in self._count_lines())
        return (
            '<div class="labkit-fuzz" style="color:inherit">'
            f"<p style=\"margin:0 0 4px\"><b>{html.escape(self._headline())}</b></p>"
            f'<table style="border-collapse:collapse;color:inherit">{rows}</table>'
            f'<div style="margin:6px 0;line-height:1.9">{self._strip_html()}</div>'
            f"{self._worst_html()}</div>"
        )

    def _strip_html(self) -> str:
        cells = []
        for run in self.runs:
            style = FAIL_STYLE if run.failed else (
                PASS_STYLE if run.interrupted else NOT_INTERRUPTED_STYLE)
            mark = "✘" if run.failed else "✔"
            title = f"{self._plan(run)}: {run.verdict()}"
            cells.append(
                f'<span title="{html.escape(title)}" style="{style};display:inline-block;'
                'margin:1px;padding:0 5px;border-radius:3px;font-family:monospace;'
                f'font-size:11px">{run.instant:g}&nbsp;s&nbsp;{mark}</span>'
            )
        return "".join(cells)

    def _worst_html(self) -> str:
        worst = self.worst
        if worst is None:
            return "<p>No run had a problem.</p>"
        from .svg import render_svg

        summary = (
            f"Worst run: {self._plan(worst)}, {worst.verdict()} "
            "(click to open its timeline)"
        )
        return (
            f'<details><summary style="cursor:pointer">{html.escape(summary)}</summary>'
            f"{worst.report._repr_html_()}"
            f'<div style="overflow-x:auto">{render_svg(worst.trace)}</div></details>'
        )


def _problem_checks(cleanup: Sequence[str], ok_exit: Sequence[int]) -> list[tuple[str, Check]]:
    return [
        ("leaked tasks", no_task_destroyed_pending),
        ("leaked tasks", every_task_reached_outcome),
        *(("lost cleanup", cleanup_ran(text)) for text in cleanup),
        ("hung", ended_before_timeout),
        ("bad exit", exit_status(ok_exit)),
        ("asyncio warnings", no_asyncio_warnings),
    ]


def _measured_span(baseline: Trace, script: str, timeout: float) -> float:
    """How long the program's loop ran without interrupts; a clear error if that is unknown."""
    if not ended_before_timeout(baseline).passed:
        raise ValueError(
            f"{script} was still running after {timeout:g} s without any interrupt (labkit's "
            "timeout stopped it): it does not end on its own, so there is no run to spread the "
            "interrupts over. Pass span=SECONDS, e.g. span=2.0 to interrupt it within the first "
            "2 seconds after its event loop starts"
        )
    if baseline.loop_started is None or baseline.ended is None:
        raise ValueError(
            f"no asyncio event loop ever ran in {script} (exit status {baseline.exit_code}): "
            "there is nothing to interrupt; run it with labkit.run() to see why"
        )
    return baseline.ended - baseline.loop_started


def spread(span: float, runs: int) -> list[float]:
    """``runs`` instants spread evenly over ``span`` seconds: the middles of equal slices."""
    return [round(span * (i + 0.5) / runs, 3) for i in range(runs)]


def fuzz(
    script: str | os.PathLike[str],
    *,
    runs: int = 20,
    signal: str = "INT",
    span: float | None = None,
    cleanup: str | Sequence[str] = (),
    python: str | Interpreter | None = None,
    timeout: float = 10.0,
    args: Sequence[str] = (),
    parallel: int = 2,
    ok_exit: Sequence[int] = OK_EXIT,
) -> FuzzReport:
    """Interrupt ``script`` at ``runs`` instants spread over its run, and judge every run.

    The instants are the middles of ``runs`` equal slices of ``span`` seconds, counted from the
    moment the program's first event loop starts (as in an interrupt plan, "INT@0.37"). Without
    ``span``, one run without interrupts measures how long the loop runs; a program that does
    not end on its own (a service) then raises ValueError: pass ``span=`` for it.

    Each run is checked for: leaked tasks (destroyed while pending, or pending at exit), a lost
    cleanup (a ``cleanup`` text never printed), a hang (labkit's ``timeout`` had to stop it), a
    bad exit (a status not in ``ok_exit``) and asyncio warnings. ``parallel`` runs at a time.
    """
    path = _existing_script(script)
    if runs < 1:
        raise ValueError("runs must be at least 1")
    if parallel < 1:
        raise ValueError("parallel must be at least 1")
    if span is not None:
        positive_seconds(span, "span")
    positive_seconds(timeout, "timeout")
    signum = Interrupt.parse(f"{signal}@0").signal
    texts = [cleanup] if isinstance(cleanup, str) else list(cleanup)
    checks = _problem_checks(texts, ok_exit)
    interpreter = python if isinstance(python, Interpreter) else resolve(python)

    def program(plan: Sequence[Interrupt]) -> Callable[[], ProgramRun]:
        return lambda: ProgramRun(
            path, args=args, python=interpreter, interrupt=plan, timeout=timeout
        )

    baseline: Trace | None = None
    if span is None:
        [baseline] = run_all([program([])], 1)
        span = round(_measured_span(baseline, path, timeout), 3)
    instants = spread(span, runs)
    traces = run_all([program([Interrupt(signum, at)]) for at in instants], parallel)
    return FuzzReport(
        script=path,
        signal=signum.name,
        span=span,
        baseline=baseline,
        cleanup=texts,
        runs=[
            FuzzRun(at, trace, [(problem, each(trace)) for problem, each in checks])
            for at, trace in zip(instants, traces, strict=True)
        ],
    )


# --- compare -----------------------------------------------------------------------------
ABSENT = "—"


@dataclass(frozen=True)
class Difference:
    """One thing that is not the same under every interpreter, and its value under each."""

    kind: str  # "exit status", "task", "asyncio message" or "output line"
    subject: str  # which task, message or line ("" for the exit status)
    values: dict[str, str]  # interpreter -> what it did

    def __str__(self) -> str:
        what = f"{self.kind} {self.subject}".strip()
        return f"{what}: " + " | ".join(f"{v}: {value}" for v, value in self.values.items())


@dataclass
class Comparison:
    """The same program run under several interpreters: ``traces`` by the version asked for."""

    script: str
    interrupt: list[str]
    traces: dict[str, Trace] = field(repr=False)
    skipped: dict[str, str]  # version asked for -> why it did not run

    def differences(self) -> list[Difference]:
        """What differs: exit status, each task's outcomes, asyncio's messages, output lines."""
        found: list[Difference] = []
        exits = {v: exit_words(trace) for v, trace in self.traces.items()}
        if len(set(exits.values())) > 1:
            found.append(Difference("exit status", "", exits))
        found += self._differing("task", _task_outcomes)
        found += self._differing("asyncio message", _message_counts)
        found += self._differing("output line", _line_counts)
        return found

    def _differing(
        self, kind: str, tally: Callable[[Trace], dict[str, str]]
    ) -> list[Difference]:
        per_version = {v: tally(trace) for v, trace in self.traces.items()}
        subjects = sorted({s for tallies in per_version.values() for s in tallies})
        found = []
        for subject in subjects:
            values = {v: tallies.get(subject, ABSENT) for v, tallies in per_version.items()}
            if len(set(values.values())) > 1:
                found.append(Difference(kind, subject, values))
        return found

    def _versions(self) -> str:
        return ", ".join(f"{v} ({trace.python or '?'})" for v, trace in self.traces.items())

    def _headline(self) -> str:
        plan = ", ".join(self.interrupt) or "no interrupts"
        return f"{self.script} ({plan}) under {self._versions()}"

    def __str__(self) -> str:
        differences = self.differences()
        lines = [self._headline()]
        if differences:
            lines.append(f"{len(differences)} differences:")
            lines += [f"  {difference}" for difference in differences]
        else:
            lines.append("no differences: same exit status, task outcomes, messages and output")
        lines += [f"skipped {v}: {why}" for v, why in self.skipped.items()]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from .svg import render_svg

        panels = "".join(
            f'<div style="flex:1 1 {COMPARE_SVG_WIDTH}px;min-width:0;overflow-x:auto">'
            f"<p style=\"margin:0 0 4px\"><b>{html.escape(v)}</b> "
            f"({html.escape(trace.python or '?')})</p>"
            f"{render_svg(trace, width=COMPARE_SVG_WIDTH)}</div>"
            for v, trace in self.traces.items()
        )
        skipped = "".join(
            f"<p>skipped {html.escape(v)}: {html.escape(why)}</p>"
            for v, why in self.skipped.items()
        )
        return (
            '<div class="labkit-compare" style="color:inherit">'
            f"<p style=\"margin:0 0 4px\"><b>{html.escape(self._headline())}</b></p>"
            f"{self._differences_html()}{skipped}"
            f'<div style="display:flex;flex-wrap:wrap;gap:12px;margin-top:8px">{panels}</div>'
            "</div>"
        )

    def _differences_html(self) -> str:
        differences = self.differences()
        if not differences:
            return "<p>No differences: same exit status, task outcomes, messages and output.</p>"
        head = _table_row(["what", "", *self.traces], "th")
        rows = "".join(
            _table_row([d.kind, d.subject, *d.values.values()]) for d in differences
        )
        return f'<table style="border-collapse:collapse;color:inherit">{head}{rows}</table>'


def _table_row(cells: Sequence[str], tag: str = "td") -> str:
    style = "padding:2px 8px;text-align:left;vertical-align:top;background:transparent"
    return "<tr>" + "".join(
        f'<{tag} style="{style}">{html.escape(text)}</{tag}>' for text in cells
    ) + "</tr>"


def _times(n: int, what: str) -> str:
    return what if n == 1 else f"{what} ({n} times)"


def _task_outcomes(trace: Trace) -> dict[str, str]:
    """Each task's outcomes, by its name (or its coroutine's, when the name is automatic)."""
    outcomes: dict[str, list[str]] = {}
    for task in trace.tasks:
        key = task.coro if has_automatic_name(task) else task.name
        outcomes.setdefault(key, []).append(task.outcome or "pending")
    return {
        key: ", ".join(_times(n, outcome) for outcome, n in sorted(Counter(found).items()))
        for key, found in outcomes.items()
    }


def _message_counts(trace: Trace) -> dict[str, str]:
    counts = Counter(short_message(warning.message) for warning in trace.warnings)
    return {message: _times(n, "reported") for message, n in counts.items()}


def _line_counts(trace: Trace) -> dict[str, str]:
    counts = Counter(line.text for line in trace.stdout)
    return {text: _times(n, "printed") for text, n in counts.items()}


def compare(
    script: str | os.PathLike[str],
    *,
    pythons: Sequence[str] = ("3.11", "3.12", "3.13"),
    interrupt: Sequence[str | Interrupt] = (),
    timeout: float = 10.0,
    args: Sequence[str] = (),
    missing: str = "error",
) -> Comparison:
    """Run ``script`` once under each of ``pythons`` with the same interrupt plan.

    A version that is not installed raises InterpreterNotFound, unless ``missing="skip"``: then
    it is listed in ``Comparison.skipped`` (and at least one version must be found).
    """
    path = _existing_script(script)
    plan = parse_plan(interrupt)
    if missing not in ("error", "skip"):
        raise ValueError(f'missing must be "error" or "skip", not {missing!r}')
    if not pythons:
        raise ValueError("compare needs at least one interpreter in pythons=")
    positive_seconds(timeout, "timeout")
    found: dict[str, Interpreter] = {}
    skipped: dict[str, str] = {}
    for version in pythons:
        try:
            found[version] = resolve(version)
        except InterpreterNotFound as exc:
            if missing == "error":
                raise
            skipped[version] = str(exc)
    if not found:
        raise InterpreterNotFound(f"none of {', '.join(pythons)} is installed here")

    def program(interpreter: Interpreter) -> Callable[[], ProgramRun]:
        return lambda: ProgramRun(
            path, args=args, python=interpreter, interrupt=plan, timeout=timeout
        )

    traces = run_all([program(interpreter) for interpreter in found.values()], COMPARE_PARALLEL)
    return Comparison(
        script=path,
        interrupt=[str(item) for item in plan],
        traces=dict(zip(found, traces, strict=True)),
        skipped=skipped,
    )
