"""A trace as an SVG timeline: one lane per task, drawn by pure Python (no JavaScript).

From the top: a header (script, Python, how the process ended), a legend, a time axis in
seconds, a row of signal marks, a row of KeyboardInterrupts, and a row per event loop (its runs,
``stop()`` calls, ``close()``, refused closes, shutdown phases). Below, one lane per task in
creation order: a thin grey line while it waited, a dashed orange line while it waited after
its first cancel request, blue blocks while it ran, a tick per ``cancel()`` call, and at its end
a shaped, coloured cap with the outcome in words, so outcomes are told apart without colour.
Dashed red guides carry each signal down across all lanes. Every lane and mark has a
``<title>`` with the details (coroutine, parent, times, exception, cancel counts).

Past ``max_lanes`` tasks the rest are grouped into one lane per outcome, showing how many of
them were alive over time; failed, destroyed and pending tasks get their own lanes first. The
SVG draws its own light panel, so it reads the same on light and dark notebook themes, both as
an ``<img>`` (JupyterLab's rich output) and inline in an HTML widget (the live view); it has no
stylesheet and no ids, so several on one page do not interfere.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .model import OUTCOMES, LoopRecord, SignalRecord, TaskRecord, Trace
from .textview import exit_status
from .textview import render as render_text

PANEL, BORDER, ZEBRA = "#fbfcfd", "#b9c0c8", "#eef1f5"
INK, DIM, GRID = "#1f2328", "#5b6470", "#dde2e8"
RUNNING, WAITING, CANCELLING = "#0072b2", "#98a2ad", "#e69f00"
SIGNAL = "#b2182b"
LOOP_RUN, ASYNCGENS, EXECUTOR = "#8fb3d3", "#56b4e9", "#f0e442"

FONT = "system-ui, -apple-system, 'Segoe UI', 'DejaVu Sans', sans-serif"
CHAR_WIDTH = 0.6  # of the font size: a generous estimate, so long texts are cut, not spilled
LEGEND_CHAR_WIDTH = 0.55  # an average one, to space the legend's items
PAD, GAP = 12, 8
MIN_STEP_W = 2  # px: the shortest step drawn; steps closer than a pixel are merged
MARK_GAP = 11  # px between the centres of marks on a loop's row that would overlap
TITLE_BLOCKS = 12  # running blocks listed in a lane's hover title
HEADER_H, LEGEND_LINE_H, AXIS_H, ROW_H, LANE_H = 26, 18, 22, 18, 16
BAD_OUTCOMES = ("destroyed-pending", "pending-at-exit", "failed")
"""Outcomes a learner must see: such tasks get their own lanes before any others."""


@dataclass(frozen=True)
class OutcomeStyle:
    """How one outcome is drawn: the cap's colour and shape, and its words."""

    colour: str
    shape: str
    text: str


OUTCOME_STYLES: dict[str | None, OutcomeStyle] = {
    "finished": OutcomeStyle("#009e73", "circle", "finished"),
    "failed": OutcomeStyle("#d55e00", "diamond", "FAILED"),
    "cancelled": OutcomeStyle("#e69f00", "square", "cancelled"),
    "destroyed-pending": OutcomeStyle("#cc79a7", "triangle", "DESTROYED while pending"),
    "pending-at-exit": OutcomeStyle(INK, "ring", "PENDING at exit"),
    None: OutcomeStyle(DIM, "arrow", "still pending"),  # live view: no outcome yet
}


def _style(outcome: str | None) -> OutcomeStyle:
    return OUTCOME_STYLES.get(outcome, OUTCOME_STYLES[None])


def render_svg(
    trace: Trace, *, width: int = 900, now: float | None = None, max_lanes: int = 200
) -> str:
    """The trace as a standalone SVG document (a string of valid XML).

    ``now`` is for a program that still runs: the time axis ends there and tasks without an
    outcome reach it. Without it the axis ends when the process ended (or at the last event).
    Past ``max_lanes`` tasks, the rest are drawn as one summary lane per outcome.
    """
    scale = _Scale(width, now if now is not None else _trace_end(trace))
    shown, groups = _choose_lanes(trace.tasks, max_lanes)
    front: list[str] = [_header(trace, now, PAD, width)]
    y = PAD + HEADER_H
    legend, legend_h = _legend(trace, scale, y)
    front.append(legend)
    y += legend_h + 4
    front.append(_axis(scale, y))
    y += AXIS_H
    rows_top = y
    front.append(_signal_row(trace.signals, scale, y))
    y += ROW_H
    front.append(_interrupt_row(trace.keyboard_interrupts, scale, y))
    y += ROW_H
    for loop in trace.loops:
        front.append(_loop_row(loop, scale, y))
        y += ROW_H
    y += 4
    names = {task.id: task.name for task in trace.tasks}
    for index, task in enumerate(shown):
        front.append(_task_lane(task, scale, y, index, names))
        y += LANE_H
    if groups:
        front.append(_group_heading(groups, scale, y))
        y += LANE_H
        for outcome, tasks in groups.items():
            front.append(_group_lane(outcome, tasks, scale, y))
            y += LANE_H
    if not trace.tasks:
        front.append(_text(scale.x0, y + 12, "no tasks were created", DIM, italic=True))
        y += LANE_H
    height = y + PAD
    return "".join([
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{FONT}" font-size="11" fill="{INK}">',
        f'<rect class="lk-background" x="0.5" y="0.5" width="{width - 1}" height="{height - 1}" '
        f'rx="8" fill="{PANEL}" stroke="{BORDER}"/>',
        _grid(scale, rows_top, y),  # under everything else
        _signal_guides(trace.signals, scale, rows_top, y),
        *front,
        "</svg>",
    ])


def timeline_bundle(
    trace: Trace, *, width: int = 900, now: float | None = None, max_lanes: int = 200
) -> dict[str, str]:
    """A Jupyter mimebundle of the timeline: the SVG, and the text view as plain text.

    Display it as a cell's rich output (``IPython.display.display(bundle, raw=True)``) so the
    notebook keeps the final picture. The keywords are ``render_svg``'s.
    """
    svg = render_svg(trace, width=width, now=now, max_lanes=max_lanes)
    return {"image/svg+xml": svg, "text/plain": render_text(trace)}


# --- geometry and text -------------------------------------------------------------------


class _Scale:
    """Columns (task labels, plot, outcome words) and the time-to-x mapping of the plot."""

    def __init__(self, width: int, end: float) -> None:
        self.width = width
        self.end = max(end, 1e-3)
        self.label_w = min(200, int(width * 0.22))
        outcome_w = min(175, int(width * 0.19))
        self.x0 = PAD + self.label_w + GAP
        self.x1 = width - PAD - outcome_w - GAP
        self.outcome_x = self.x1 + GAP + 6
        self.outcome_w = outcome_w - 6

    def x(self, t: float) -> float:
        """The x of time ``t``, kept inside the plot."""
        return self.x0 + (self.x1 - self.x0) * min(1.0, max(0.0, t / self.end))


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _esc(text: str) -> str:
    """Text from the trace made safe for XML: escaped, and characters XML forbids spelled out."""
    return html.escape(_NOT_XML.sub(lambda m: ascii(m.group())[1:-1], text), quote=True)


def _fit(text: str, pixels: float, size: float = 11) -> str:
    """The text cut short with an ellipsis so it fits in ``pixels`` (estimated)."""
    room = max(1, int(pixels / (size * CHAR_WIDTH)))
    return text if len(text) <= room else text[: room - 1] + "…"


def _text(x: float, y: float, text: str, fill: str = INK, *, cls: str = "",
          size: int = 11, bold: bool = False, italic: bool = False, anchor: str = "") -> str:
    attrs = f' class="{cls}"' if cls else ""
    attrs += f' fill="{fill}"' if fill != INK else ""
    attrs += f' font-size="{size}"' if size != 11 else ""
    attrs += ' font-weight="bold"' if bold else ""
    attrs += ' font-style="italic"' if italic else ""
    attrs += f' text-anchor="{anchor}"' if anchor else ""
    return f'<text x="{x:.1f}" y="{y:.1f}"{attrs}>{_esc(text)}</text>'


def _title(text: str) -> str:
    return f"<title>{_esc(text)}</title>"


def _secs(t: float | None) -> str:
    return "?" if t is None else f"{t:.3f} s"


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


# --- marks ---------------------------------------------------------------------------------


def _mark(shape: str, x: float, y: float, colour: str, cls: str = "", title: str = "") -> str:
    """One small symbol centred on (x, y); shapes tell outcomes and events apart without colour."""
    body = _SHAPES[shape](x, y, colour)
    if not cls and not title:
        return body
    klass = f' class="{cls}"' if cls else ""
    return f"<g{klass}>{_title(title) if title else ''}{body}</g>"


def _path(d: str, colour: str, extra: str = "") -> str:
    return f'<path d="{d}" fill="{colour}" stroke="{INK}" stroke-width="0.6"{extra}/>'


def _stroke(d: str, colour: str, width: float = 2) -> str:
    return f'<path d="{d}" fill="none" stroke="{colour}" stroke-width="{width}"/>'


_SHAPES: dict[str, Callable[[float, float, str], str]] = {
    "circle": lambda x, y, c: (
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="{c}" stroke="{INK}" stroke-width="0.6"/>'
    ),
    "ring": lambda x, y, c: (
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{PANEL}" stroke="{c}" stroke-width="2"/>'
    ),
    "square": lambda x, y, c: _path(f"M{x - 4:.1f} {y - 4:.1f}h8v8h-8z", c),
    "diamond": lambda x, y, c: _path(f"M{x:.1f} {y - 5.5:.1f}l5.5 5.5l-5.5 5.5l-5.5 -5.5z", c),
    "triangle": lambda x, y, c: _path(f"M{x:.1f} {y - 5.5:.1f}l5.5 10h-11z", c),
    "arrow": lambda x, y, c: _path(f"M{x - 3:.1f} {y - 5:.1f}l7 5l-7 5z", c),
    "down": lambda x, y, c: _path(f"M{x - 5:.1f} {y - 5:.1f}h10l-5 9z", c),
    "bolt": lambda x, y, c: _path(
        f"M{x + 1:.1f} {y - 7:.1f}l-5 8h4l-2 6l6 -9h-4z", c, ' stroke-linejoin="round"'
    ),
    "tick": lambda x, y, c: _stroke(f"M{x:.1f} {y - 6:.1f}v12", c, 2),
    "cross": lambda x, y, c: _stroke(f"M{x - 4:.1f} {y - 4:.1f}l8 8m0 -8l-8 8", c, 2.2),
    "refused": lambda x, y, c: (
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{PANEL}" stroke="{c}" stroke-width="2"/>'
        + _stroke(f"M{x - 3.5:.1f} {y + 3.5:.1f}l7 -7", c, 2)
    ),
    "bang": lambda x, y, c: (
        _path(f"M{x:.1f} {y - 6:.1f}l6 11h-12z", c)
        + f'<path d="M{x:.1f} {y - 2.5:.1f}v3.5m0 1.5v1" stroke="{PANEL}" stroke-width="1.4"/>'
    ),
}


def _hline(x0: float, x1: float, y: float, colour: str, width: float, dash: str = "",
           cls: str = "") -> str:
    attrs = f' class="{cls}"' if cls else ""
    attrs += f' stroke-dasharray="{dash}"' if dash else ""
    return (f'<path{attrs} d="M{x0:.1f} {y:.1f}H{max(x1, x0 + 1):.1f}" stroke="{colour}" '
            f'stroke-width="{width}"/>')


def _bar(x0: float, x1: float, y: float, h: float, colour: str, title: str = "") -> str:
    rect = (f'<rect x="{x0:.1f}" y="{y:.1f}" width="{max(1.0, x1 - x0):.1f}" height="{h}" '
            f'fill="{colour}"')
    return f"{rect}>{_title(title)}</rect>" if title else rect + "/>"


# --- header, legend, axis ------------------------------------------------------------------


def _header(trace: Trace, now: float | None, y: int, width: int) -> str:
    status = exit_status(trace) + (f" at {now:.2f} s" if now is not None else "")
    line = (f"{Path(trace.script).name}  ·  Python {trace.python or '?'}  ·  {status}  ·  "
            f"{_count(len(trace.tasks), 'task')}")
    return _text(PAD, y + 13, _fit(line, width - 2 * PAD, 13), size=13, bold=True, cls="lk-header")


_LegendItem = tuple[Callable[[float, float], str], str]


def _symbol(shape: str, colour: str) -> Callable[[float, float], str]:
    return lambda x, y: _mark(shape, x + 7, y, colour)


def _swatch(colour: str, height: float) -> Callable[[float, float], str]:
    return lambda x, y: _bar(x, x + 14, y - height / 2, height, colour)


def _legend_sections(trace: Trace) -> list[tuple[str, list[_LegendItem]]]:
    outcomes: list[str | None] = list(OUTCOMES)
    if any(task.outcome is None for task in trace.tasks):
        outcomes.append(None)
    task_states: list[_LegendItem] = [
        (_swatch(RUNNING, LANE_H - 6), "running"),
        (lambda x, y: _hline(x, x + 14, y, WAITING, 2), "waiting"),
        (lambda x, y: _hline(x, x + 14, y, CANCELLING, 3, "3 2"), "waiting after cancel()"),
        (_symbol("tick", CANCELLING), "a cancel() call"),
    ]
    program: list[_LegendItem] = [
        (_symbol("down", SIGNAL), "signal sent"),
        (_symbol("bolt", SIGNAL), "KeyboardInterrupt"),
        (_swatch(LOOP_RUN, 8), "loop running"),
        (_symbol("tick", INK), "loop.stop()"),
        (_symbol("cross", INK), "loop.close()"),
        (_symbol("refused", SIGNAL), "close() refused"),
        (_swatch(ASYNCGENS, 5), "shutdown_asyncgens"),
        (_swatch(EXECUTOR, 5), "shutdown_default_executor"),
        (_symbol("bang", SIGNAL), "run_until_complete error"),
    ]
    return [
        ("task lanes", task_states),
        ("outcomes", [(_symbol(_style(o).shape, _style(o).colour), _style(o).text)
                      for o in outcomes]),
        ("loops, signals", program),
    ]


def _legend(trace: Trace, scale: _Scale, top: int) -> tuple[str, int]:
    """The legend, a line per section wrapped as the width needs, and its height."""
    parts = ['<g class="lk-legend">']
    y = top + LEGEND_LINE_H / 2
    for heading, items in _legend_sections(trace):
        parts.append(_text(PAD, y + 4, heading, DIM, bold=True))
        x = float(scale.x0)
        for draw, label in items:
            item_w = 14 + 5 + len(label) * 11 * LEGEND_CHAR_WIDTH + 12
            if x + item_w > scale.width - PAD and x > scale.x0:
                x, y = scale.x0, y + LEGEND_LINE_H
            parts.append(draw(x, y) + _text(x + 19, y + 4, label))
            x += item_w
        y += LEGEND_LINE_H
    parts.append("</g>")
    return "".join(parts), int(y - LEGEND_LINE_H / 2 - top)


def _tick_step(end: float) -> float:
    """A round step (1, 2 or 5 times a power of ten) giving about eight ticks up to ``end``."""
    raw = end / 8
    power = 10.0 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def _ticks(end: float) -> list[float]:
    step = _tick_step(end)
    return [i * step for i in range(int(end / step + 1e-9) + 1)]


def _axis(scale: _Scale, y: int) -> str:
    step = _tick_step(scale.end)
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    parts = ['<g class="lk-axis">', _text(PAD, y + 13, "time since start", DIM)]
    for t in _ticks(scale.end):
        x = scale.x(t)
        parts.append(_text(x, y + 12, f"{t:.{decimals}f} s", DIM, anchor="middle", size=10))
        parts.append(f'<path d="M{x:.1f} {y + 16}v6" stroke="{DIM}"/>')
    parts.append(_hline(scale.x0, scale.x1, y + AXIS_H - 0.5, DIM, 1))
    parts.append("</g>")
    return "".join(parts)


def _grid(scale: _Scale, top: int, bottom: int) -> str:
    lines = "".join(f"M{scale.x(t):.1f} {top}V{bottom}" for t in _ticks(scale.end))
    return f'<path class="lk-grid" d="{lines}" stroke="{GRID}"/>'


# --- signals, KeyboardInterrupts, loops ------------------------------------------------------


def _signal_time(record: SignalRecord) -> float | None:
    return record.sent if record.sent is not None else record.received


def _signal_title(record: SignalRecord) -> str:
    if record.sent is not None:
        sent = f"sent at {_secs(record.sent)} ({record.reason}), disposition {record.disposition}"
    else:
        sent = "not sent by labkit"
    took = (f"taken by {record.handler} at {_secs(record.received)}"
            if record.received is not None else "no Python handler ran")
    return f"{record.signal}: {sent}; {took}"


def _row_label(label: str, y: int, scale: _Scale) -> str:
    return _text(PAD, y + 13, _fit(label, scale.label_w), bold=True)


def _signal_row(signals: list[SignalRecord], scale: _Scale, y: int) -> str:
    parts = ['<g class="lk-signals">', _row_label("signals", y, scale)]
    label_end = -math.inf
    for record in signals:
        t = _signal_time(record)
        if t is None:
            continue
        x = scale.x(t)
        parts.append(_mark("down", x, y + 8, SIGNAL, "lk-signal", _signal_title(record)))
        label_w = len(record.signal) * 10 * CHAR_WIDTH
        left = x + 7 if x + 7 + label_w <= scale.x1 else x - 7 - label_w
        if left > label_end:  # a label only where it does not overlap the previous one
            parts.append(_text(left, y + 12, record.signal, SIGNAL, size=10, bold=True))
            label_end = left + label_w + 4
    if len(parts) == 2:
        parts.append(_text(scale.x0, y + 13, "none", DIM, italic=True))
    parts.append("</g>")
    return "".join(parts)


def _signal_guides(signals: list[SignalRecord], scale: _Scale, top: int, bottom: int) -> str:
    times = [t for t in map(_signal_time, signals) if t is not None]
    lines = "".join(f"M{scale.x(t):.1f} {top + 13}V{bottom}" for t in times)
    return (f'<path class="lk-signal-guides" d="{lines}" stroke="{SIGNAL}" stroke-opacity="0.6" '
            f'stroke-dasharray="4 3"/>' if lines else "")


def _interrupt_row(interrupts: list[tuple[float, str]], scale: _Scale, y: int) -> str:
    parts = ['<g class="lk-interrupts">', _row_label("KeyboardInterrupt", y, scale)]
    for t, where in interrupts:
        title = f"KeyboardInterrupt raised at {_secs(t)} by {where}"
        parts.append(_mark("bolt", scale.x(t), y + 9, SIGNAL, "lk-keyboard-interrupt", title))
    if not interrupts:
        parts.append(_text(scale.x0, y + 13, "none", DIM, italic=True))
    parts.append("</g>")
    return "".join(parts)


def _loop_row(loop: LoopRecord, scale: _Scale, y: int) -> str:
    mid = y + ROW_H / 2
    parts = [f'<g class="lk-loop" data-loop="{loop.id}">',
             _title(f"event loop {loop.id} in thread {loop.thread}, created at "
                    f"{_secs(loop.created)}"),
             _row_label(f"loop {loop.id} ({loop.thread})", y, scale)]
    parts.append(f'<g class="lk-loop-runs" stroke="{PANEL}">')  # a gap between runs
    for start, stop, exc in loop.runs:
        end = stop if stop is not None else scale.end
        how = f", ended by {exc}" if exc else ("" if stop is not None else ", still running")
        title = f"loop running {_secs(start)} to {_secs(stop)}{how}"
        parts.append(_bar(scale.x(start), scale.x(end), mid - 4, 8, LOOP_RUN, title))
    parts.append("</g>")
    for phases, colour, what in ((loop.shutdown_asyncgens, ASYNCGENS, "shutdown_asyncgens()"),
                                 (loop.shutdown_default_executor, EXECUTOR,
                                  "shutdown_default_executor()")):
        for start, stop in phases:
            title = f"loop.{what} from {_secs(start)} to {_secs(stop)}"
            end = scale.x(stop if stop is not None else scale.end)
            parts.append(_bar(scale.x(start), max(end, scale.x(start) + 3), mid + 4, 4, colour,
                              title))
    marks = [(t, "tick", INK, "lk-stop", f"loop.stop() at {_secs(t)}") for t in loop.stop_calls]
    marks += [(t, "refused", SIGNAL, "lk-close-refused", f"loop.close() refused at {_secs(t)}: "
               f"{message}") for t, message in loop.close_refused]
    marks += [(t, "bang", SIGNAL, "lk-loop-error", f"run_until_complete() raised at {_secs(t)}: "
               f"{message}") for t, message in loop.run_until_complete_errors]
    if loop.closed is not None:
        closed = loop.closed
        marks.append((closed, "cross", INK, "lk-close", f"loop.close() at {_secs(closed)}"))
    marks.sort(key=lambda mark: mark[0])
    for x, (_, shape, colour, cls, title) in zip(_side_by_side([scale.x(m[0]) for m in marks]),
                                                  marks, strict=True):
        parts.append(_mark(shape, x, mid, colour, cls, title))
    parts.append("</g>")
    return "".join(parts)


def _side_by_side(xs: list[float]) -> list[float]:
    """Sorted x positions moved right just enough that marks do not cover each other.

    Events milliseconds apart would otherwise be drawn on top of each other; the hover title
    of each mark keeps its exact time.
    """
    placed: list[float] = []
    for x in xs:
        placed.append(max(x, placed[-1] + MARK_GAP) if placed else x)
    return placed


# --- task lanes ------------------------------------------------------------------------------


def _task_title(task: TaskRecord, names: dict[int, str]) -> str:
    lines = [f"{task.name}: coroutine {task.coro}" + (" (eager)" if task.eager else "")]
    if task.parent is not None:
        lines.append(f"created by {names.get(task.parent, f'task {task.parent}')}")
    ended = f", ended {_secs(task.ended)}" if task.ended is not None else ""
    lines.append(f"created {_secs(task.created)}{ended}: {task.outcome or 'still pending'}")
    if task.exc_type:
        lines.append(f"exception {task.exc_type}: {task.exc_message}")
    lines.append(f"ran {task.running_time * 1000:.2f} ms in {_count(len(task.steps), 'step')}")
    lines += _cancel_lines(task, names)
    for t, count in task.uncancels:
        lines.append(f"uncancel() at {_secs(t)}: cancelling() = {count}")
    return "\n".join(lines)


def _cancel_lines(task: TaskRecord, names: dict[int, str]) -> list[str]:
    """A line per cancel request: when, by whom, its message, the cancelling() count after."""
    lines = []
    for n, request in enumerate(task.cancel_requests, 1):
        by = request.by
        who = f" by {names.get(by, f'task {by}')}" if by is not None else ""
        said = f" with message {request.message!r}" if request.message is not None else ""
        refused = "" if request.accepted else ", returned False (already done)"
        lines.append(f"cancel() #{n} at {_secs(request.t)}{who}{said}: "
                     f"cancelling() = {request.cancelling}{refused}")
    return lines


def _merged_steps(
    steps: Sequence[tuple[float, float]], scale: _Scale
) -> list[tuple[float, float, int, float]]:
    """Blocks of steps drawn as one: (start, end, steps, seconds running).

    A block is at least ``MIN_STEP_W`` pixels wide, and a step that starts less than a pixel
    after the block joins it, so a lane never has more blocks than a third of its pixels.
    """
    pixel = scale.end / (scale.x1 - scale.x0)
    blocks: list[tuple[float, float, int, float]] = []
    first = last = drawn_end = busy = 0.0
    count = 0
    for start, finish in steps:
        if count and start < drawn_end + pixel:
            last, drawn_end = finish, max(drawn_end, finish)
            count += 1
            busy += finish - start
            continue
        if count:
            blocks.append((first, last, count, busy))
        first, last, count, busy = start, finish, 1, finish - start
        drawn_end = max(finish, start + MIN_STEP_W * pixel)
    if count:
        blocks.append((first, last, count, busy))
    return blocks


def _block_text(start: float, end: float, count: int, busy: float) -> str:
    if count == 1:
        return f"{start:.4f} s ({busy * 1000:.2f} ms)"
    return f"{start:.4f} s to {end:.4f} s ({count:,} steps, {busy * 1000:.2f} ms)"


def _running(task: TaskRecord, scale: _Scale, top: float) -> str:
    """The task's running blocks as one path, its title listing the first blocks' times."""
    blocks = _merged_steps(task.steps, scale)
    if not blocks:
        return ""
    shapes = []
    for start, end, _, _ in blocks:
        x0 = scale.x(start)
        w = max(scale.x(end) - x0, MIN_STEP_W)
        shapes.append(f"M{x0:.1f} {top}h{w:.1f}v{LANE_H - 6}H{x0:.1f}z")
    listed = "\n".join(_block_text(*block) for block in blocks[:TITLE_BLOCKS])
    more = f"\n… and {len(blocks) - TITLE_BLOCKS:,} more" if len(blocks) > TITLE_BLOCKS else ""
    title = (f"{task.name} ran {_count(len(task.steps), 'step')}, "
             f"{task.running_time * 1000:.2f} ms in all:\n{listed}{more}")
    return (f'<path class="lk-running" d="{"".join(shapes)}" fill="{RUNNING}">'
            f"{_title(title)}</path>")


def _task_lane(task: TaskRecord, scale: _Scale, y: int, index: int,
               names: dict[int, str]) -> str:
    outcome = task.outcome
    style = _style(outcome)
    mid = y + LANE_H / 2
    start, end = scale.x(task.created), scale.x(task.ended if task.ended is not None else scale.end)
    cancel = task.first_cancel
    split = min(scale.x(cancel), end) if cancel is not None else end  # no lane past the end
    label = task.label
    parts = [
        f'<g class="lk-lane lk-outcome-{_esc(outcome or "pending")}" data-task="{task.id}">',
        _title(_task_title(task, names)),
        f'<rect x="{PAD}" y="{y}" width="{scale.width - 2 * PAD}" height="{LANE_H}" '
        f'fill="{ZEBRA if index % 2 else PANEL}"/>',
        _text(PAD + 2, mid + 4, _fit(label, scale.label_w), cls="lk-label"),
        _hline(start, split, mid, WAITING, 2, cls="lk-waiting"),
    ]
    if cancel is not None:
        if split < end:
            parts.append(_hline(split, end, mid, CANCELLING, 3, "3 2", "lk-cancelling"))
        ticks = "".join(f"M{scale.x(r.t):.1f} {y + 1}v{LANE_H - 2}" for r in task.cancel_requests)
        title = _title("\n".join(_cancel_lines(task, names)))
        parts.append(f'<path class="lk-cancel" d="{ticks}" stroke="{CANCELLING}" '
                     f'stroke-width="2">{title}</path>')
    parts.append(_running(task, scale, y + 3))
    parts.append(_mark(style.shape, end, mid, style.colour, "lk-cap"))
    words = style.text + (f": {task.exc_type}" if task.exc_type and outcome == "failed" else "")
    parts.append(_text(scale.outcome_x, mid + 4, _fit(words, scale.outcome_w), cls="lk-outcome",
                       bold=outcome in BAD_OUTCOMES))
    parts.append("</g>")
    return "".join(parts)


# --- grouping past max_lanes -----------------------------------------------------------------

Groups = dict[str | None, list[TaskRecord]]


def _by_outcome(tasks: Sequence[TaskRecord]) -> Groups:
    groups: Groups = {outcome: [] for outcome in OUTCOME_STYLES}
    for task in tasks:
        groups.setdefault(task.outcome, []).append(task)
    return {outcome: members for outcome, members in groups.items() if members}


def _choose_lanes(tasks: list[TaskRecord], max_lanes: int) -> tuple[list[TaskRecord], Groups]:
    """The tasks drawn one by one (in creation order) and the rest grouped by outcome.

    Lanes, task and group lanes together, never exceed ``max_lanes`` (given room for the
    groups). Tasks with a bad outcome are chosen first, then the earliest created.
    """
    if len(tasks) <= max_lanes:
        return tasks, {}
    ranked = ([t for t in tasks if t.outcome in BAD_OUTCOMES]
              + [t for t in tasks if t.outcome not in BAD_OUTCOMES])
    group_count = 1
    while True:
        room = max(0, max_lanes - group_count)
        groups = _by_outcome(ranked[room:])
        if len(groups) <= group_count or room == 0:
            break
        group_count = len(groups)
    chosen = {id(task) for task in ranked[:room]}
    return [task for task in tasks if id(task) in chosen], groups


def _group_heading(groups: Groups, scale: _Scale, y: int) -> str:
    total = sum(len(members) for members in groups.values())
    counts = ", ".join(f"{len(members):,} {_style(outcome).text}"
                       for outcome, members in groups.items())
    line = f"{total:,} more tasks, grouped by outcome: {counts}"
    return _text(PAD + 2, y + LANE_H - 4, _fit(line, scale.width - 2 * PAD), DIM,
                 cls="lk-group-heading", italic=True)


def _alive_counts(tasks: list[TaskRecord], end: float, columns: int) -> list[int]:
    """How many of the tasks were alive in each of ``columns`` equal slices of time up to end."""
    diff = [0] * (columns + 1)
    per_second, last = (columns - 1) / end, columns - 1
    for task in tasks:
        stop = task.ended if task.ended is not None else end
        diff[min(last, max(0, int(task.created * per_second)))] += 1
        diff[min(last, max(0, int(stop * per_second))) + 1] -= 1
    counts, alive = [], 0
    for change in diff[:columns]:
        alive += change
        counts.append(alive)
    return counts


def _group_lane(outcome: str | None, tasks: list[TaskRecord], scale: _Scale, y: int) -> str:
    """One lane for many tasks of one outcome: how many were alive over time, as an area."""
    style = _style(outcome)
    columns = max(1, int((scale.x1 - scale.x0) / 3))
    counts = _alive_counts(tasks, scale.end, columns)
    peak = max(counts)
    base, column_w = y + LANE_H - 2, (scale.x1 - scale.x0) / columns
    area = "".join(f"M{scale.x0 + i * column_w:.1f} {base}v{-(LANE_H - 4) * n / peak:.1f}"
                   f"h{column_w:.1f}V{base}z" for i, n in enumerate(counts) if n)
    last_end = max(t.ended if t.ended is not None else scale.end for t in tasks)
    title = (f"{_count(len(tasks), 'more task')} {style.text} (not drawn one by one), created "
             f"{_secs(min(t.created for t in tasks))} to {_secs(max(t.created for t in tasks))}, "
             f"last ended {_secs(last_end)}; at most {peak:,} alive at once; "
             f"the area's height is how many were alive")
    return "".join([
        f'<g class="lk-group lk-outcome-{_esc(outcome or "pending")}" data-count="{len(tasks)}">',
        _title(title),
        f'<rect x="{PAD}" y="{y}" width="{scale.width - 2 * PAD}" height="{LANE_H}" '
        f'fill="{ZEBRA}"/>',
        _text(PAD + 2, y + LANE_H - 4, _fit(_count(len(tasks), "more task"), scale.label_w),
              cls="lk-label", italic=True),
        f'<path d="{area}" fill="{style.colour}" fill-opacity="0.75"/>',
        _mark(style.shape, scale.x(last_end), y + LANE_H / 2, style.colour, "lk-cap"),
        _text(scale.outcome_x, y + LANE_H - 4, _fit(f"{len(tasks):,} {style.text}",
                                                    scale.outcome_w),
              cls="lk-outcome", bold=outcome in BAD_OUTCOMES),
        "</g>",
    ])


def _trace_end(trace: Trace) -> float:
    """When the process ended, or else the last thing recorded."""
    if trace.ended is not None:
        return trace.ended
    times = [float(event["t"]) for event in trace.events]
    for task in trace.tasks:
        times.append(task.ended if task.ended is not None else task.created)
        times.extend(finish for _, finish in task.steps[-1:])
    times.extend(t for record in trace.signals for t in (record.sent, record.received)
                 if t is not None)
    return max(times, default=0.0)
