"""A trace as text for the terminal: one row per task, its state over time, and its outcome.

Each column is a slice of time. In a task's row ``█`` means it ran in that slice, ``─`` that it
waited, ``╌`` that it waited after a cancel request; the row ends at the task's outcome. The
signal row marks each signal as it was sent (``^``), the loop rows mark run start (``[``),
stop (``]``) and close (``x``).
"""

from __future__ import annotations

import signal

from .model import TaskRecord, Trace

OUTCOME_MARKS = {
    "finished": "finished",
    "failed": "FAILED",
    "cancelled": "cancelled",
    "destroyed-pending": "DESTROYED while pending",
    "pending-at-exit": "PENDING when the process ended",
}


def exit_status(trace: Trace) -> str:
    """Say how the process ended, e.g. "exit code 0" or "killed by SIGINT (-2)"."""
    code = trace.exit_code
    if code is None:
        return "still running"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"killed by {name} ({code})"
    return f"exit code {code}"


LABEL_WIDTH = 36
"""Task labels longer than this are shortened, so the timeline keeps its place on the line."""


class _Scale:
    def __init__(self, end: float, width: int) -> None:
        self.end = max(end, 1e-3)
        self.width = width

    def col(self, t: float) -> int:
        return min(self.width - 1, max(0, int(t / self.end * self.width)))


def _task_row(task: TaskRecord, scale: _Scale, end: float) -> str:
    cells = [" "] * scale.width
    stop = task.ended if task.ended is not None else end
    cancel_at = task.first_cancel
    for col in range(scale.col(task.created), scale.col(stop) + 1):
        t = col / scale.width * scale.end
        cells[col] = "╌" if cancel_at is not None and t >= cancel_at else "─"
    for start, finish in task.steps:
        for col in range(scale.col(start), scale.col(finish) + 1):
            cells[col] = "█"
    return "".join(cells)


def _task_label(task: TaskRecord) -> str:
    """The task's name and coroutine, shortened from the coroutine's left end if long."""
    label = task.label
    if len(label) <= LABEL_WIDTH:
        return label
    room = max(1, LABEL_WIDTH - len(task.name) - 2)
    return f"{task.name} …{task.coro[-room:]}"[:LABEL_WIDTH]


def render(trace: Trace, width: int = 60) -> str:
    """The whole trace as text: header, timeline, signals, messages."""
    end = trace.ended if trace.ended is not None else max(
        [t.ended or t.created for t in trace.tasks] + [0.0]
    )
    scale = _Scale(end, width)
    loop_labels = {loop.id: f"loop {loop.id} ({loop.thread})" for loop in trace.loops}
    task_labels = [_task_label(task) for task in trace.tasks]
    name_width = max([len(label) for label in (*loop_labels.values(), *task_labels)] + [12])
    lines = [
        f"{trace.script}  (Python {trace.python or '?'})  {exit_status(trace)}",
        f"{'time':<{name_width}} 0 s{'':{width - 9}}{end:.2f} s",
    ]
    signal_row = [" "] * width
    for record in trace.signals:
        when = record.sent if record.sent is not None else record.received
        if when is not None:
            signal_row[scale.col(when)] = "^"
    lines.append(f"{'signals':<{name_width}} {''.join(signal_row)}")
    for loop in trace.loops:
        row = [" "] * width
        for start, stop, _ in loop.runs:
            row[scale.col(start)] = "["
            if stop is not None:
                row[scale.col(stop)] = "]"
        if loop.closed is not None:
            row[scale.col(loop.closed)] = "x"
        lines.append(f"{loop_labels[loop.id]:<{name_width}} {''.join(row)}")
    for task, label in zip(trace.tasks, task_labels, strict=True):
        outcome = OUTCOME_MARKS.get(task.outcome or "", "pending")
        if task.outcome == "failed":
            outcome += f": {task.exc_type}: {task.exc_message}"
        lines.append(f"{label:<{name_width}} {_task_row(task, scale, end)} {outcome}")
    lines.append("")
    if trace.loop_started is not None:
        lines.append(f"first event loop started at {trace.loop_started:.3f} s "
                     "(interrupt plans count from here)")
    for record in trace.signals:
        sent = f"sent at {record.sent:.3f} s ({record.reason})" if record.sent is not None else (
            "not sent by labkit")
        took = (f"taken by {record.handler} at {record.received:.3f} s"
                if record.received is not None else f"no Python handler ran ({record.disposition})")
        lines.append(f"{record.signal}: {sent}, {took}")
    for t, where in trace.keyboard_interrupts:
        lines.append(f"KeyboardInterrupt raised at {t:.3f} s by {where}")
    for loop in trace.loops:
        for t, message in loop.close_refused:
            lines.append(f"loop {loop.id}: close() refused at {t:.3f} s: {message}")
        for t, message in loop.run_until_complete_errors:
            lines.append(f"loop {loop.id}: run_until_complete() raised at {t:.3f} s: {message}")
    for warning in trace.warnings:
        lines.append(f"asyncio ({warning.source}) at {warning.t:.3f} s: {warning.message}")
    for t, message in trace.notes:
        lines.append(f"labkit at {t:.3f} s: {message}")
    lines.append(
        "legend: █ running  ─ waiting  ╌ waiting after cancel  ^ signal  [ ] loop run  x close"
    )
    return "\n".join(lines)
