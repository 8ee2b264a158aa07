"""Small helpers for notebooks 03, 04 and 05: show a program, tell a trace as a story, run a
program on every installed CPython version at once.

Nothing here changes what a program does: the programs run under labkit exactly as written.
"""

from __future__ import annotations

import ast
import asyncio
from collections.abc import Sequence
from pathlib import Path

import labkit
from labkit.checks import short_message, task_label
from labkit.interpreters import Interpreter


def show(path: str | Path, *, docstring: bool = False) -> None:
    """Print a program's code (without its module docstring unless asked)."""
    text = Path(path).read_text()
    lines = text.splitlines()
    body = ast.parse(text).body
    if not docstring and body and isinstance(body[0], ast.Expr) \
            and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
        lines = lines[body[0].end_lineno or 0:]
        while lines and not lines[0].strip():
            lines.pop(0)
    print(f"# {Path(path).name}")
    print("\n".join(lines))


def _is_shutdown_helper(task: labkit.TaskRecord) -> bool:
    # the tasks asyncio makes for loop.shutdown_asyncgens() / shutdown_default_executor():
    # the loop's own row shows those phases
    return task.coro.startswith("BaseEventLoop.")


def story(trace: labkit.Trace) -> None:
    """Print what the tracer recorded, in time order: signals, cancel() calls, task outcomes,
    what the event loop did, KeyboardInterrupts, asyncio's messages, labkit's notes.

    The program's own output is left out: its lines are stamped when labkit reads them, which
    can be a little later than when they were printed (see the panel for the output).
    """
    names = {task.id: task_label(task) for task in trace.tasks}
    events: list[tuple[float, str]] = []
    for record in trace.signals:
        if record.sent is not None:
            taken = f", taken by {record.handler}" if record.handler else ""
            events.append((record.sent, f"{record.signal} sent ({record.reason}){taken}"))
    for t, where in trace.keyboard_interrupts:
        events.append((t, f"KeyboardInterrupt raised by {where}"))
    for task in trace.tasks:
        if _is_shutdown_helper(task):
            continue
        label = task_label(task)
        for request in task.cancel_requests:
            by = f" by {names.get(request.by, '?')}" if request.by is not None else ""
            events.append((request.t, f"{label}: cancel() called{by}"))
        if task.ended is not None:
            events.append((task.ended, f"{label}: {task.outcome}"))
    for loop in trace.loops:
        row = f"loop {loop.id}"
        for n, (start, stop, exc) in enumerate(loop.runs):
            if n == 0:
                events.append((start, f"{row}: starts running"))
            elif loop.runs[n - 1][2]:  # the previous run ended with an exception
                events.append((start, f"{row}: runs again"))
            if stop is not None and exc:
                events.append((stop, f"{row}: stops running: {exc} came out of it"))
        for start, _ in loop.shutdown_asyncgens:
            events.append((start, f"{row}: shutdown_asyncgens()"))
        for start, end in loop.shutdown_default_executor:
            took = f", waited {end - start:.2f} s" if end is not None else ", never finished"
            events.append((start, f"{row}: shutdown_default_executor(){took}"))
        for t, message in loop.close_refused:
            events.append((t, f"{row}: close() REFUSED: {message}"))
        for t, message in loop.run_until_complete_errors:
            events.append((t, f"{row}: run_until_complete() raised: {message}"))
        if loop.closed is not None:
            events.append((loop.closed, f"{row}: closed"))
    for warning in trace.warnings:
        events.append((warning.t, f"asyncio/warnings: {short_message(warning.message)}"))
    for t, exc_type, message in trace.uncaught:
        events.append((t, f"uncaught {exc_type}" + (f": {message}" if message else "")))
    for t, message in trace.notes:
        events.append((t, f"labkit: {message}"))
    if trace.ended is not None:
        events.append((trace.ended, f"process ended, exit status {trace.exit_code}"))
    for t, text in sorted(events, key=lambda event: event[0]):
        print(f"{t:6.2f} s  {text}")


async def on_each_version(
    script: str | Path,
    versions: dict[str, Interpreter],
    *,
    interrupt: Sequence[str] = (),
    timeout: float = 10.0,
) -> dict[str, labkit.Trace]:
    """Run ``script`` under every interpreter in ``versions`` at the same time; the traces by
    version. The kernel stays responsive meanwhile."""
    runs = {
        version: labkit.ProgramRun(str(script), python=python, interrupt=interrupt,
                                   timeout=timeout).start()
        for version, python in versions.items()
    }
    return {version: await asyncio.to_thread(run.wait) for version, run in runs.items()}


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """Print rows as an aligned plain-text table."""
    cells = [[str(c) for c in header]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    for n, row in enumerate(cells):
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))
