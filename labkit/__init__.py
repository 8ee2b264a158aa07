"""labkit: run asyncio programs as real processes, interrupt them like Ctrl+C, and see what
happened to every task.

Layers, from the bottom: ``tracer`` (inside the traced program, standard library only),
``model`` (the Trace dataclasses), ``process`` and ``runner`` (the child process, its signals
and the interrupt plan), and display on top (``textview`` for the terminal, ``cli``).
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from .interpreters import Interpreter, InterpreterNotFound
from .model import OUTCOMES, CancelRequest, LoopRecord, SignalRecord, TaskRecord, Trace
from .runner import Interrupt, PlanError, ProgramRun

__all__ = [
    "OUTCOMES",
    "CancelRequest",
    "Interpreter",
    "InterpreterNotFound",
    "Interrupt",
    "LoopRecord",
    "PlanError",
    "ProgramRun",
    "SignalRecord",
    "TaskRecord",
    "Trace",
    "run",
]


def run(
    script: str | os.PathLike[str],
    *,
    interrupt: Sequence[str | Interrupt] = (),
    python: str | Interpreter | None = None,
    timeout: float = 30.0,
    args: Sequence[str] = (),
    cwd: str | None = None,
) -> Trace:
    """Run ``script`` traced, send the planned interrupts, and return its Trace.

    ``interrupt`` is a plan such as ``["INT@0.5", "INT@1.5"]``: each signal is sent to the
    program's process group that many seconds after its first event loop starts running.
    ``python`` is a version ("3.12") or a path; by default this interpreter. After ``timeout``
    seconds the program gets SIGINT, then SIGTERM, then SIGKILL.
    """
    program = ProgramRun(
        script, args=args, python=python, interrupts=interrupt, timeout=timeout, cwd=cwd
    )
    return program.start().wait()
