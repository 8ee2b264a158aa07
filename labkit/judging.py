"""Judge an exercise over several runs: with the interrupt, without it, with other timings.

One run can pass by luck: a fix that waits a fixed 0.2 s passes when every cleanup takes
0.1 s; a shutdown written only inside ``except KeyboardInterrupt:`` passes when the program is
always interrupted. ``check_runs(program, runs, cleanup=...)`` runs the program once per
``Run`` (each with its own interrupt plan and environment, so the program can read other
timings from it), judges every run with the checks of ``labkit.checks``, and reports per run.

What every run is checked for, unless a ``Run`` says otherwise:

- every cleanup line in ``cleanup`` was printed by its owner, after the owner's cancellation
  (or the signal) reached it (``cleanup_printed_by``);
- no task was destroyed while pending, and none was still pending at exit;
- no task swallowed its cancellation;
- the exit status: after a Ctrl+C, the one a program gets by letting the KeyboardInterrupt
  out (-2, killed by SIGINT) or by exiting with the shell's code for it (130); without one, 0;
- the program ended by itself, within ``exits_within`` seconds of the first signal if given,
  and asyncio reported nothing.
"""

from __future__ import annotations

import functools
import html
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .checks import (
    FAIL_STYLE,
    PASS_STYLE,
    Check,
    CheckReport,
    cleanup_printed_by,
    ended_before_timeout,
    every_task_reached_outcome,
    exit_status,
    exited_within,
    no_asyncio_warnings,
    no_cancellation_swallowed,
    no_task_destroyed_pending,
    run_checks,
)
from .fuzzing import run_all
from .interpreters import Interpreter, resolve
from .model import Trace
from .runner import Interrupt, ProgramRun, parse_plan, plain_environment, working_directory

if TYPE_CHECKING:
    from .lab import Lab

INTERRUPTED_EXIT = (-2, 130)
"""Exit statuses of a program that ended because of a Ctrl+C, as it should: died of its
uncaught KeyboardInterrupt (SIGINT), or exited with the shell's code for Ctrl+C."""


@dataclass(frozen=True)
class Run:
    """One run of an exercise's program, and what it must do.

    ``interrupt`` is its plan (e.g. ``["INT@0.5"]``), ``env`` environment variables added for
    it (the program may read its timings from them), ``exits_within`` the seconds from the first
    signal to the end, ``exit_code`` the allowed statuses (by default ``INTERRUPTED_EXIT`` after
    a SIGINT, 0 without one), ``cleanup`` the cleanup lines and owners for this run when they
    differ from the check's.
    """

    label: str
    interrupt: Sequence[str] = ()
    env: Mapping[str, str] = field(default_factory=dict)
    exits_within: float | None = None
    exit_code: int | Sequence[int] | None = None
    cleanup: Mapping[str, str] | None = None

    def plan(self) -> list[Interrupt]:
        """The interrupt plan, parsed."""
        return parse_plan(self.interrupt)

    def allowed_exit(self) -> tuple[int, ...]:
        """The exit statuses this run accepts."""
        if self.exit_code is not None:
            return (self.exit_code,) if isinstance(self.exit_code, int) else tuple(self.exit_code)
        interrupted = any(step.signal.name == "SIGINT" for step in self.plan())
        return INTERRUPTED_EXIT if interrupted else (0,)


@dataclass
class RunVerdict:
    """One run of the program and the checks it passed or failed."""

    run: Run
    trace: Trace = field(repr=False)
    report: CheckReport

    @property
    def passed(self) -> bool:
        """Whether every check passed on this run."""
        return self.report.passed


@dataclass
class RunsReport:
    """Every run of one ``check_runs``; true when all of them passed."""

    script: str
    verdicts: list[RunVerdict]

    @property
    def passed(self) -> bool:
        """Whether every check passed on every run."""
        return all(verdict.passed for verdict in self.verdicts)

    @property
    def failed(self) -> list[RunVerdict]:
        """The runs that failed a check, in order."""
        return [verdict for verdict in self.verdicts if not verdict.passed]

    def __bool__(self) -> bool:
        return self.passed

    def summary(self) -> str:
        """One line: how many runs passed."""
        passed = len(self.verdicts) - len(self.failed)
        runs = "run" if len(self.verdicts) == 1 else "runs"
        return f"{passed} of {len(self.verdicts)} {runs} passed every check"

    def __str__(self) -> str:
        lines = [self.summary()]
        for number, verdict in enumerate(self.verdicts, 1):
            mark = "✔" if verdict.passed else "✘"
            lines.append(f"{mark} run {number}: {verdict.run.label}")
            lines += [f"    {result}" for result in verdict.report.failures]
        return "\n".join(lines)

    def assert_passed(self) -> None:
        """Raise AssertionError with the failed runs and checks; nothing when all passed."""
        if not self.passed:
            raise AssertionError(str(self))

    def _repr_html_(self) -> str:
        from .svg import render_svg

        parts = [f'<div class="labkit-runs" style="color:inherit"><p style="margin:0 0 4px">'
                 f"<b>{html.escape(self.summary())}</b></p>"]
        first_failure = self.failed[0] if self.failed else None
        for number, verdict in enumerate(self.verdicts, 1):
            badge, mark = (PASS_STYLE, "✔ pass") if verdict.passed else (FAIL_STYLE, "✘ fail")
            heading = (f'<span style="{badge};padding:1px 6px;border-radius:3px">{mark}</span> '
                       f"run {number}: {html.escape(verdict.run.label)}")
            opened = " open" if verdict is first_failure else ""
            parts.append(
                f'<details{opened} style="margin:3px 0"><summary style="cursor:pointer">'
                f"{heading}</summary>{verdict.report._repr_html_()}"
                f'<div style="overflow-x:auto">{render_svg(verdict.trace)}</div></details>')
        parts.append("</div>")
        return "".join(parts)


def _checks(run: Run, cleanup: Mapping[str, str]) -> list[Check]:
    owners = cleanup if run.cleanup is None else run.cleanup
    checks: list[Check] = [cleanup_printed_by(text, owner) for text, owner in owners.items()]
    checks += [no_task_destroyed_pending, every_task_reached_outcome, no_cancellation_swallowed]
    if run.exits_within is not None:
        checks.append(exited_within(run.exits_within))
    checks += [exit_status(run.allowed_exit()), ended_before_timeout, no_asyncio_warnings]
    return checks


def check_runs(
    program: Lab | str | os.PathLike[str],
    runs: Sequence[Run],
    *,
    cleanup: Mapping[str, str] | None = None,
    python: str | Interpreter | None = None,
    timeout: float = 10.0,
    parallel: int = 2,
) -> RunsReport:
    """Run ``program`` once per ``Run`` and judge every run; return the report.

    ``program`` is a Lab (its script, interpreter, arguments and folder are used) or a script's
    path. ``cleanup`` maps each line the cleanup must print to its owner: a task's name,
    ``labkit.checks.ANY_TASK`` or ``labkit.checks.A_THREAD``. ``parallel`` runs at a time; each
    run is stopped by labkit's ``timeout`` if it hangs.
    """
    if not runs:
        raise ValueError("check_runs needs at least one Run")
    script, args, cwd, interpreter = _program(program, python)
    base = plain_environment()

    def maker(run: Run) -> ProgramRun:
        return ProgramRun(script, args=args, python=interpreter, interrupt=run.plan(),
                          timeout=timeout, cwd=cwd, env={**base, **run.env})

    for run in runs:
        run.plan()  # a bad plan is an error before anything runs
    traces = run_all([functools.partial(maker, run) for run in runs], parallel)
    return RunsReport(script, [
        RunVerdict(run, trace, run_checks(trace, _checks(run, cleanup or {})))
        for run, trace in zip(runs, traces, strict=True)
    ])


def _program(
    program: Lab | str | os.PathLike[str], python: str | Interpreter | None
) -> tuple[str, list[str], str | None, Interpreter]:
    if isinstance(program, (str, os.PathLike)):
        script, args, cwd, default = str(program), [], None, None
    else:
        script, args, cwd, default = program.script, program.args, program.cwd, program.python
    if not (working_directory(cwd) / script).is_file():
        raise ValueError(f"there is no script at {script!r} (from {Path.cwd()})")
    chosen = python if python is not None else default
    interpreter = chosen if isinstance(chosen, Interpreter) else resolve(chosen)
    return script, list(args), cwd, interpreter
