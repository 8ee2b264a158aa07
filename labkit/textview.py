"""A trace as text for the terminal: one row per task, its state over time, and its outcome.

Each column is a slice of time. In a task's row ``█`` means it ran in that slice, ``─`` that it
waited, ``╌`` that it waited after a cancel request; the row ends at the task's outcome. The
signal row marks each signal as it was sent (``^``), the loop rows mark run start (``[``),
stop (``]``) and close (``x``). Past ``MAX_ROWS`` tasks the rest are grouped, a row per outcome
(as the SVG timeline groups its lanes, with ``choose_rows``): its height in each slice
(``▁`` to ``█``) is how many of them were alive then.
"""

from __future__ import annotations

import signal
from collections.abc import Sequence

from .model import OUTCOMES, TaskRecord, Trace

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


BAD_OUTCOMES = ("destroyed-pending", "pending-at-exit", "failed")
"""Outcomes a learner must see: such tasks get their own rows before any others."""
MAX_ROWS = 200
"""Task rows, a row per task and a row per group of the others, at most (``render``)."""
Groups = dict[str | None, list[TaskRecord]]
"""The tasks not shown one by one, by outcome (None: still pending)."""
LEVELS = " ▁▂▃▄▅▆▇█"
"""A group row's cells, by how many of its tasks were alive (a share of its busiest slice)."""


def _by_outcome(tasks: Sequence[TaskRecord]) -> Groups:
    groups: Groups = {outcome: [] for outcome in (*OUTCOMES, None)}
    for task in tasks:
        groups.setdefault(task.outcome, []).append(task)
    return {outcome: members for outcome, members in groups.items() if members}


def choose_rows(tasks: list[TaskRecord], max_rows: int) -> tuple[list[TaskRecord], Groups]:
    """The tasks shown one by one (in creation order) and the rest grouped by outcome.

    Rows, task and group rows together, never exceed ``max_rows`` (given room for the
    groups). Tasks with a bad outcome are chosen first, then the earliest created.
    """
    if len(tasks) <= max_rows:
        return tasks, {}
    ranked = ([t for t in tasks if t.outcome in BAD_OUTCOMES]
              + [t for t in tasks if t.outcome not in BAD_OUTCOMES])
    group_count = 1
    while True:
        room = max(0, max_rows - group_count)
        groups = _by_outcome(ranked[room:])
        if len(groups) <= group_count or room == 0:
            break
        group_count = len(groups)
    chosen = {id(task) for task in ranked[:room]}
    return [task for task in tasks if id(task) in chosen], groups


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


def _group_row(tasks: list[TaskRecord], scale: _Scale, end: float) -> str:
    """How many of ``tasks`` were alive in each slice, as ``LEVELS``."""
    alive = [0] * (scale.width + 1)
    col = scale.col
    for task in tasks:
        alive[col(task.created)] += 1
        alive[col(task.ended if task.ended is not None else end) + 1] -= 1
    counts, now = [], 0
    for change in alive[:-1]:
        now += change
        counts.append(now)
    peak = max(counts)
    top = len(LEVELS) - 1
    return "".join(LEVELS[0 if n == 0 else max(1, round(n / peak * top))] for n in counts)


def _task_label(task: TaskRecord) -> str:
    """The task's name and coroutine, shortened from the coroutine's left end if long."""
    label = task.label
    if len(label) <= LABEL_WIDTH:
        return label
    room = max(1, LABEL_WIDTH - len(task.name) - 2)
    return f"{task.name} …{task.coro[-room:]}"[:LABEL_WIDTH]


def render(trace: Trace, width: int = 60, max_rows: int = MAX_ROWS) -> str:
    """The whole trace as text: header, timeline, signals, messages. Past ``max_rows`` tasks
    the rest are grouped, a row per outcome (see ``choose_rows``)."""
    end = trace.ended if trace.ended is not None else max(
        [t.ended or t.created for t in trace.tasks] + [0.0]
    )
    scale = _Scale(end, width)
    shown, groups = choose_rows(trace.tasks, max_rows)
    loop_labels = {loop.id: f"loop {loop.id} ({loop.thread})" for loop in trace.loops}
    task_labels = [_task_label(task) for task in shown]
    group_labels = [f"{len(members):,} more tasks" for members in groups.values()]
    name_width = max([len(label) for label in (*loop_labels.values(), *task_labels,
                                                *group_labels)] + [12])
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
    for task, label in zip(shown, task_labels, strict=True):
        outcome = OUTCOME_MARKS.get(task.outcome or "", "pending")
        if task.outcome == "failed":
            outcome += f": {task.exc_type}: {task.exc_message}"
        lines.append(f"{label:<{name_width}} {_task_row(task, scale, end)} {outcome}")
    if groups:
        lines.append(f"{sum(map(len, groups.values())):,} more tasks, grouped by outcome "
                     "(a row's height: how many of them were alive):")
    for (group, members), label in zip(groups.items(), group_labels, strict=True):
        mark = OUTCOME_MARKS.get(group or "", "pending")
        lines.append(f"{label:<{name_width}} {_group_row(members, scale, end)} {mark}")
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
        + ("  ▁▄█ how many of a group were alive" if groups else "")
    )
    return "\n".join(lines)
