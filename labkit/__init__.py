"""labkit: run asyncio programs as real processes, interrupt them like Ctrl+C, and see what
happened to every task.

Layers, from the bottom: ``tracer`` (inside the traced program, standard library only),
``model`` (the Trace dataclasses), ``process`` and ``runner`` (the child process, its signals
and the interrupt plan), and display on top (``textview`` for the terminal, ``cli``; ``svg``
for the timeline; ``lab`` and ``magic`` for Jupyter, imported only when first used).
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .interpreters import Interpreter, InterpreterNotFound
from .model import OUTCOMES, CancelRequest, LoopRecord, SignalRecord, TaskRecord, Trace
from .runner import Interrupt, PlanError, ProgramRun, plain_environment

if TYPE_CHECKING:
    from .checks import A_THREAD, ANY_TASK, CheckReport, CheckResult, check
    from .fuzzing import Comparison, FuzzReport, compare, fuzz
    from .judging import Run, RunsReport, check_runs
    from .lab import Lab

__version__ = "0.1.0"  # as pyproject.toml says (tests/test_package.py checks)

_LAZY = {
    **dict.fromkeys(("A_THREAD", "ANY_TASK", "CheckReport", "CheckResult", "check"), "checks"),
    **dict.fromkeys(("Comparison", "FuzzReport", "compare", "fuzz"), "fuzzing"),
    **dict.fromkeys(("Run", "RunsReport", "check_runs"), "judging"),
    "Lab": "lab",
}
"""Names imported from their modules only when first used: ``labkit run`` needs none of them
(the Jupyter panel's widgets take a good part of a second to import)."""

__all__ = [
    "ANY_TASK",
    "A_THREAD",
    "OUTCOMES",
    "CancelRequest",
    "CheckReport",
    "CheckResult",
    "Comparison",
    "FuzzReport",
    "Interpreter",
    "InterpreterNotFound",
    "Interrupt",
    "Lab",
    "LoopRecord",
    "PlanError",
    "ProgramRun",
    "Run",
    "RunsReport",
    "SignalRecord",
    "TaskRecord",
    "Trace",
    "__version__",
    "check",
    "check_runs",
    "compare",
    "fuzz",
    "load_ipython_extension",
    "run",
]


def __getattr__(name: str) -> Any:
    """Import the checks, fuzzing and the Jupyter panel only when asked for (see ``_LAZY``)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'labkit' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext labkit``: adds the ``%%lab`` cell magic."""
    from .magic import register

    register(ipython)


def run(
    script: str | os.PathLike[str],
    *,
    interrupt: Sequence[str | Interrupt] = (),
    python: str | Interpreter | None = None,
    timeout: float = 30.0,
    args: Sequence[str] = (),
    cwd: str | None = None,
    env: Mapping[str, str] | None = None,
) -> Trace:
    """Run ``script`` traced, send the planned interrupts, and return its Trace.

    ``interrupt`` is a plan such as ``["INT@0.5", "INT@1.5"]``: each signal is sent to the
    program's process group that many seconds after its first event loop starts running (after
    the program's start instead, with a note, if no loop is seen starting within
    ``runner.LOOP_WAIT`` seconds).
    ``python`` is a version ("3.12") or a path; by default this interpreter. After ``timeout``
    seconds the program gets SIGINT, then SIGTERM, then SIGKILL. ``env`` adds variables to
    the environment the program gets (this one's, without what the notebook kernel set).
    """
    program = ProgramRun(
        script, args=args, python=python, interrupt=interrupt, timeout=timeout, cwd=cwd,
        env=None if env is None else {**plain_environment(), **env},
    )
    return program.start().wait()
