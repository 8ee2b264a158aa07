"""A trace as an SVG timeline: one lane per task, drawn by pure Python (no JavaScript).

From the top: a header (script, Python, how the process ended), a legend of what this trace
shows, a time axis, a row of signal marks, a row of KeyboardInterrupts, and a row per event
loop (its runs, the ``stop()`` calls the program made, ``close()``, refused closes, shutdown
phases). Below, one lane per task in creation order: a thin grey line while it waited, a dotted
orange line while it waited after its first cancel request, blue blocks while it ran, a tick
per ``cancel()`` call, and at its end a shaped, coloured cap with the outcome in words, so
outcomes are told apart without colour. Dashed red guides carry each signal down across all
lanes. Every lane and mark has a ``<title>`` with the details and exact times (coroutine,
parent, times, exception, cancel counts).

The time axis is linear in pieces, so that what happens in a few milliseconds can be read next
to seconds of waiting: a burst of marks that would be drawn on top of each other (asyncio.run's
shutdown: the last tasks' ends, ``shutdown_asyncgens()``, ``shutdown_default_executor()``,
``close()``) gets a zoomed piece, and a quiet stretch that is most of the run (waiting for
labkit's timeout) a compressed one. Each such piece is tinted, bounded by break marks on the
axis, labelled with its factor (zoomed 250 times, compressed 12 times) and has ticks of its own; the
ticks give seconds since the process started and, in a second row, since the first event loop
started (the clock of an interrupt plan).

``loop.stop()`` calls made by ``run_until_complete`` itself (its done callback stops the loop
when the future is done: one per ``asyncio.run`` step) are not drawn; the runs they end say
so in their titles. Past ``max_lanes`` tasks the rest are grouped into one lane per outcome,
showing how many of them were alive over time; failed, destroyed and pending tasks get their
own lanes first.

The drawing is at most ``DESIGN_WIDTH`` units wide with 11-unit text and scales to its column
(``max-width:100%``), so its text is 11 px or more in a column that wide or wider. It draws its
own light panel, so it reads the same on light and dark notebook themes, both as an ``<img>``
(JupyterLab's rich output) and inline in an HTML widget (the live view); it has no stylesheet
and no ids, so several on one page do not interfere.
"""

from __future__ import annotations

import bisect
import html
import itertools
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .model import OUTCOMES, LoopRecord, SignalRecord, TaskRecord, Trace
from .textview import BAD_OUTCOMES, Groups, choose_rows, exit_status
from .textview import render as render_text

PANEL, BORDER, ZEBRA = "#fbfcfd", "#b9c0c8", "#eef1f5"
INK, DIM, GRID = "#1f2328", "#5b6470", "#dde2e8"
RUNNING, WAITING, CANCELLING = "#0072b2", "#98a2ad", "#e69f00"
SIGNAL = "#b2182b"
LOOP_RUN, ASYNCGENS, EXECUTOR = "#8fb3d3", "#56b4e9", "#f0e442"
LOOP_RUN_AGAIN = "#4f7fae"  # a loop's runs alternate shades, so a run started again is seen
BANDS = {"zoom": "#cfe3f7", "compressed": "#e9dcc3"}  # tints of the axis' other pieces
BAND_OPACITY = 0.45

FONT = "system-ui, -apple-system, 'Segoe UI', 'DejaVu Sans', sans-serif"
FONT_SIZE = 11  # units; the smallest text too
DESIGN_WIDTH = 700
"""The drawing's own width at most (its viewBox): a wider one is the same drawing scaled up."""
CHAR_WIDTH = 0.6  # of the font size: a generous estimate, so long texts are cut, not spilled
LEGEND_CHAR_WIDTH = 0.55  # an average one, to space the legend's items
PAD, GAP = 12, 8
INSET = 6  # between the axis' ends and the first and last instants: marks stay on the axis
MIN_STEP_W = 2  # px: the shortest step drawn; steps closer than a pixel are merged
MARK_GAP = 11  # px between the centres of marks on a loop's row that would overlap
TITLE_BLOCKS = 12  # running blocks listed in a lane's hover title
HEADER_H, LEGEND_LINE_H, ROW_H, LANE_H = 26, 18, 18, 16
CAPTION_H, TICKS_H = 14, 16  # the axis: pieces' captions, then a row of tick labels
ASYNCIO_STOP = "asyncio.base_events._run_until_complete_cb"
"""The caller of the ``loop.stop()`` calls that run_until_complete() makes itself."""
OWN_STOPS = frozenset({ASYNCIO_STOP, "uvloop.loop.run_until_complete.<locals>.done_cb"})
"""The callers of those calls on asyncio's loop and on uvloop's (``tracer.uvloops``)."""
SHUTDOWN_LANES = {
    "BaseEventLoop.shutdown_asyncgens": "shutdown_asyncgens()",
    "BaseEventLoop.shutdown_default_executor": "shutdown_default_executor()",
    "Loop.shutdown_asyncgens": "shutdown_asyncgens()",  # uvloop's
    "Loop.shutdown_default_executor": "shutdown_default_executor()",
}
"""Lane labels of the tasks asyncio.run (or a hand-made loop) runs these coroutines in."""
REASONS = {"plan": "planned", "manual": "by hand", "timeout": "timeout", "kill": "kill",
           "ctrl-c": "Ctrl+C"}
"""The signal row's word for why labkit sent a signal (``SignalRecord.reason``)."""
REASON_TITLES = {"plan": "by the interrupt plan", "manual": "by hand (ProgramRun.send, a button)",
                 "timeout": "by labkit's timeout", "kill": "by hand (ProgramRun.kill)",
                 "ctrl-c": "by Ctrl+C at labkit run"}

# How the time axis is cut into pieces (see _Scale):
ZOOM_MIN_PX, ZOOM_MAX_PX = 120, 170
START_UP = 0.1
MIN_PIECE = 8  # px: the narrowest main piece between a compressed one and another piece
WIDEN = 12  # a zoom takes in the instants around its marks up to this many times their span
ZOOM_SHARE, MAX_ZOOMS = 0.5, 3  # all zooms together take at most this share of the plot
LONG_GAP = 0.6  # a quiet stretch longer than this share of an interrupted run is compressed
GAP_SHARE = 0.3  # ... to this share of the width the zooms leave
MIN_ZOOM_SPAN = 3e-6  # s: times are recorded to the microsecond
TIMES = "\N{MULTIPLICATION SIGN}"


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
    """The trace as a standalone SVG document (a string of valid XML), ``width`` px wide.

    ``now`` is for a program that still runs: the time axis ends there and tasks without an
    outcome reach it. Without it the axis ends when the process ended (or at the last event).
    Past ``max_lanes`` tasks, the rest are drawn as one summary lane per outcome. The drawing
    shrinks to a narrower column; past ``DESIGN_WIDTH`` px it is the same drawing, larger.
    """
    design_w = min(width, DESIGN_WIDTH)
    shown, groups = choose_rows(trace.tasks, max_lanes)
    scale = _Scale(trace, design_w, now if now is not None else _trace_end(trace),
                   _label_width(trace, shown, design_w), _outcome_width(shown, groups, design_w))
    front: list[str] = [_header(trace, now, PAD, design_w)]
    y = PAD + HEADER_H
    legend, legend_h = _legend(trace, shown, groups, scale, y)
    front.append(legend)
    y += legend_h + 4
    axis_top = y
    ticks = _axis_ticks(scale, 0.0)
    axis, y = _axis(scale, trace.loop_started, ticks, y)
    front.append(axis)
    rows_top = y
    front.append(_signal_row(trace, scale, y))
    y += ROW_H
    front.append(_interrupt_row(trace.keyboard_interrupts, scale, y))
    y += ROW_H
    for loop in trace.loops:
        front.append(_loop_row(loop, scale, y))
        y += ROW_H
    y += 4
    stripes: list[int] = []  # the tops of the zebra-striped lanes
    names = {task.id: task.name for task in trace.tasks}
    for index, task in enumerate(shown):
        front.append(_task_lane(task, scale, y, names))
        if index % 2:
            stripes.append(y)
        y += LANE_H
    if groups:
        front.append(_group_heading(groups, scale, y))
        y += LANE_H
        for outcome, tasks in groups.items():
            front.append(_group_lane(outcome, tasks, scale, y))
            stripes.append(y)
            y += LANE_H
    if not trace.tasks:
        front.append(_text(scale.x0, y + 12, "no tasks were created", DIM, italic=True))
        y += LANE_H
    height = y + PAD
    zebra = "".join(f"M{PAD} {top}h{design_w - 2 * PAD}v{LANE_H}H{PAD}z" for top in stripes)
    return "".join([
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{round(height * width / design_w)}" viewBox="0 0 {design_w} {height}" '
        f'style="max-width:100%;height:auto" font-family="{FONT}" font-size="{FONT_SIZE}" '
        f'fill="{INK}">',
        f'<rect class="lk-background" x="0.5" y="0.5" width="{design_w - 1}" '
        f'height="{height - 1}" rx="8" fill="{PANEL}" stroke="{BORDER}"/>',
        f'<path d="{zebra}" fill="{ZEBRA}"/>' if zebra else "",  # under everything else
        _bands(scale, axis_top, y),
        _grid(ticks, scale, rows_top, y),
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


# --- the time axis ------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    """A piece of the time axis, linear from (t0, x0) to (t1, x1): "main" (all main pieces
    share one scale), "zoom" (wider than main) or "compressed" (narrower)."""

    kind: str
    t0: float
    t1: float
    x0: float
    x1: float

    @property
    def scale(self) -> float:
        """Units per second."""
        return (self.x1 - self.x0) / (self.t1 - self.t0)


@dataclass
class _Instants:
    """What the drawing shows when: every instant, the marks of each row shared by several kinds
    of mark (signals, KeyboardInterrupts, each loop), which may cover each other, and whether
    a signal came (which makes the story around it worth room)."""

    times: list[float]  # sorted
    rows: list[list[float]]
    signalled: bool


def _instants(trace: Trace, end: float) -> _Instants:
    times: list[float] = [] if trace.loop_started is None else [trace.loop_started]
    rows = [[t for record in trace.signals if (t := _signal_time(record)) is not None],
            [t for t, _ in trace.keyboard_interrupts]]
    for loop in trace.loops:
        for start, stop, _ in loop.runs:
            times.append(start)
            times.extend(() if stop is None else (stop,))
        marks = [t for t, _ in _shown_stops(loop)] + [t for t, _ in loop.close_refused]
        marks += [t for t, _ in loop.run_until_complete_errors]
        marks.extend(() if loop.closed is None else (loop.closed,))
        for phases in (loop.shutdown_asyncgens, loop.shutdown_default_executor):
            for start, stop in phases:  # a bar's start is its mark; it may end at another
                marks.append(start)
                times.append(_phase_end(loop, start, stop, end)[0])
        rows.append(marks)
    tasks = trace.tasks
    times += [task.created for task in tasks]
    times += [end if task.ended is None else task.ended for task in tasks]
    times += [request.t for task in tasks for request in task.cancel_requests]
    rows = [sorted(row) for row in rows if row]
    times += [t for row in rows for t in row]
    times = [0.0 if t < 0.0 else end if t > end else t for t in times]
    return _Instants(sorted(times), rows, bool(trace.signals))


class _Scale:
    """Columns (task labels, plot, outcome words) and the time-to-x mapping of the plot.

    The plot runs from ``x0`` to ``x1``; times from 0 to ``end`` map, piece by piece
    (``segments``), to ``x0 + INSET`` to ``x1 - INSET``. Main pieces share one scale. Marks
    that would cover each other at that scale get a zoomed piece (see ``_zooms``);
    the longest stretch between two instants becomes a compressed piece if it is more than
    ``LONG_GAP`` of a run that got a signal (waiting for a timeout, for a thread, or for the
    Ctrl+C whose cleanup is the story).
    """

    def __init__(self, trace: Trace, width: int, end: float, label_w: int,
                 outcome_w: int) -> None:
        self.width = width
        self.end = max(end, 1e-3)
        self.label_w = label_w
        self.x0 = PAD + label_w + GAP
        self.x1 = width - PAD - outcome_w - GAP
        self.outcome_x = self.x1 + GAP + 6
        self.outcome_w = outcome_w - 6
        self.segments = _segments(_instants(trace, self.end), self.end, self.x0 + INSET,
                                  self.x1 - INSET)
        self.main_scale = next((s.scale for s in self.segments if s.kind == "main"),
                               self.segments[0].scale)
        self._t0s = [s.t0 for s in self.segments]
        self._x0s = [s.x0 for s in self.segments]
        self._scales = [s.scale for s in self.segments]

    def x(self, t: float) -> float:
        """The x of time ``t``, kept inside the plot."""
        if t <= 0.0:
            return self._x0s[0]
        if t >= self.end:
            return self.segments[-1].x1
        i = bisect.bisect_right(self._t0s, t) - 1
        return self._x0s[i] + (t - self._t0s[i]) * self._scales[i]

    def time_at(self, x: float) -> float:
        """The time that ``x`` stands for (``x``'s inverse, not kept inside the plot)."""
        i = max(0, bisect.bisect_right(self._x0s, x) - 1)
        return self._t0s[i] + (x - self._x0s[i]) / self._scales[i]

    def factor(self, segment: Segment) -> float:
        """How many times wider than the main pieces this piece draws a second."""
        return segment.scale / self.main_scale


def _clusters(times: list[float], join: float) -> list[tuple[float, float, int]]:
    """Sorted times in runs whose neighbours are at most ``join`` apart: (first, last, count)."""
    runs = []
    first = last = times[0]
    count = 1
    for t in times[1:]:
        if t - last > join:
            runs.append((first, last, count))
            first, count = t, 0
        last = t
        count += 1
    runs.append((first, last, count))
    return runs


def _zooms(instants: _Instants, main_scale: float, width: float,
           end: float) -> list[tuple[float, float, float]]:
    """The zoomed pieces, (start, end, width) in time order: one around each run of marks on a
    row that would cover each other at the main scale (each less than ``MARK_GAP`` from the
    next), runs on several rows at one moment making one piece; at most ``MAX_ZOOMS``, those
    with the most marks."""
    join = MARK_GAP / main_scale
    crowded = []
    for row in instants.rows:
        for first, last, count in _clusters(row, join):
            if count >= 2 and last - first >= MIN_ZOOM_SPAN and (
                    (last - first) * main_scale < (count - 1) * MARK_GAP):
                crowded.append((first, last, count))
    merged: list[tuple[float, float, int]] = []
    for first, last, count in sorted(crowded):
        if merged and first - merged[-1][1] <= join:
            first, last, count = (merged[-1][0], max(last, merged[-1][1]),
                                  merged.pop()[2] + count)
        merged.append((first, last, count))
    chosen = sorted(merged, key=lambda run: (run[2], run[0]), reverse=True)[:MAX_ZOOMS]
    widths = [min(ZOOM_MAX_PX, max(ZOOM_MIN_PX, (count + 2) * MARK_GAP))
              for _, _, count in chosen]
    shrink = min(1.0, ZOOM_SHARE * width / sum(widths)) if widths else 1.0
    zooms = []
    for (first, last, _), zoom_w in zip(chosen, widths, strict=True):
        first, last = _widen(first, last, instants.times, join)
        pad = min((last - first) * 0.08, join / 4)
        zooms.append((max(0.0, first - pad), min(end, last + pad), zoom_w * shrink))
    return sorted(zooms)


def _widen(first: float, last: float, times: list[float], join: float) -> tuple[float, float]:
    """A run of crowded marks widened to the instants around it (what led to it and what
    followed: the signal, the last task's end), nearest first, each less than ``join`` from
    the next, as long as the whole stays within ``WIDEN`` times the run's own span."""
    limit = (last - first) * WIDEN
    before, after = bisect.bisect_left(times, first) - 1, bisect.bisect_right(times, last)
    while True:
        left = first - times[before] if before >= 0 else math.inf
        right = times[after] - last if after < len(times) else math.inf
        gap = min(left, right)
        if gap > join or last - first + gap > limit:
            return first, last
        if left <= right:
            first, before = times[before], before - 1
        else:
            last, after = times[after], after + 1


def _segments(instants: _Instants, end: float, xa: float, xb: float) -> list[Segment]:
    """The pieces of the axis from 0 to ``end``, drawn from ``xa`` to ``xb``.

    The stretch compressed, if any, is the longest one between two instants; the start-up
    before the first instant (the interpreter starting) is compressed with it if it would be
    more than ``START_UP`` of the rest, so that it does not take the room compressing gave.
    """
    width = xb - xa
    times = instants.times
    bounds = [0.0, *times, end]
    gaps = [b - a for a, b in itertools.pairwise(bounds)]
    longest = gaps.index(max(gaps))  # the first of the longest, as max() with a key finds
    quiet = (bounds[longest], bounds[longest + 1])
    squeezed = []
    if instants.signalled and quiet[1] - quiet[0] > LONG_GAP * end:
        squeezed.append(quiet)
        start_up = times[0] if times and quiet[0] > 0 else 0.0
        if start_up > START_UP * (end - (quiet[1] - quiet[0])):
            squeezed.append((0.0, start_up))
    main_time = end - sum(stop - start for start, stop in squeezed)
    zooms = _zooms(instants, width * (1 - GAP_SHARE if squeezed else 1) / max(main_time, 1e-9),
                   width, end)
    for i, (start, stop) in enumerate(squeezed):
        for t0, t1, _ in zooms:  # a zoom's margin may reach into a quiet stretch
            start = max(start, t1) if t0 < start < t1 else start
            stop = min(stop, t0) if t0 < stop < t1 else stop
        squeezed[i] = (start, stop)
    rest = width - sum(w for _, _, w in zooms)
    squeezed_time = sum(stop - start for start, stop in squeezed)
    main_time = end - squeezed_time - sum(t1 - t0 for t0, t1, _ in zooms)
    squeeze_scale = rest * GAP_SHARE / squeezed_time if squeezed else 0.0
    main_scale = (rest - squeeze_scale * squeezed_time) / max(main_time, 1e-9)
    special = sorted([(t0, t1, "zoom", w) for t0, t1, w in zooms]
                     + [(t0, t1, "compressed", (t1 - t0) * squeeze_scale) for t0, t1 in squeezed])
    pieces: list[tuple[str, float, float, float]] = []  # kind, from, to, width
    t = 0.0
    for t0, t1, kind, piece_w in special:
        if t0 > t:
            pieces.append(("main", t, t0, (t0 - t) * main_scale))
        pieces.append((kind, t0, t1, piece_w))
        t = t1
    if end > t:
        pieces.append(("main", t, end, (end - t) * main_scale))
    segments: list[Segment] = []
    x = xa
    for kind, t0, t1, piece_w in _merge_slivers(pieces):
        segments.append(Segment(kind, t0, t1, x, x + piece_w))
        x += piece_w
    last = segments[-1]
    segments[-1] = Segment(last.kind, last.t0, last.t1, last.x0, xb)  # no rounding drift
    return segments


def _merge_slivers(
    pieces: list[tuple[str, float, float, float]]
) -> list[tuple[str, float, float, float]]:
    """Main pieces narrower than ``MIN_PIECE`` next to a compressed one made part of it (a piece
    of its own would be two break marks and no room), and compressed neighbours made one."""
    merged: list[tuple[str, float, float, float]] = []
    for i, (kind, t0, t1, piece_w) in enumerate(pieces):
        after = pieces[i + 1][0] if i + 1 < len(pieces) else ""
        if kind == "main" and piece_w < MIN_PIECE and "compressed" in (
                merged[-1][0] if merged else "", after):
            kind = "compressed"
        if kind == "compressed" and merged and merged[-1][0] == "compressed":
            _, t0, _, before_w = merged.pop()
            piece_w += before_w
        merged.append((kind, t0, t1, piece_w))
    return merged


# --- text -----------------------------------------------------------------------------------

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _esc(text: str) -> str:
    """Text from the trace made safe for XML: escaped, and characters XML forbids spelled out."""
    return html.escape(_NOT_XML.sub(lambda m: ascii(m.group())[1:-1], text), quote=True)


def _fit(text: str, pixels: float, size: float = FONT_SIZE) -> str:
    """The text cut short with an ellipsis so it fits in ``pixels`` (estimated)."""
    room = max(1, int(pixels / (size * CHAR_WIDTH)))
    return text if len(text) <= room else text[: room - 1] + "…"


def _text_w(text: str, size: float = FONT_SIZE) -> float:
    """The text's width, estimated generously."""
    return len(text) * size * CHAR_WIDTH


def _text(x: float, y: float, text: str, fill: str = INK, *, cls: str = "",
          size: int = FONT_SIZE, bold: bool = False, italic: bool = False,
          anchor: str = "", title: str = "") -> str:
    attrs = f' class="{cls}"' if cls else ""
    attrs += f' fill="{fill}"' if fill != INK else ""
    attrs += f' font-size="{size}"' if size != FONT_SIZE else ""
    attrs += ' font-weight="bold"' if bold else ""
    attrs += ' font-style="italic"' if italic else ""
    attrs += f' text-anchor="{anchor}"' if anchor else ""
    body = (_title(title) if title else "") + _esc(text)
    return f'<text x="{x:.1f}" y="{y:.1f}"{attrs}>{body}</text>'


def _title(text: str) -> str:
    return f"<title>{_esc(text)}</title>"


def _secs(t: float | None) -> str:
    """A time to the microsecond, as recorded, without trailing zeros past the millisecond."""
    if t is None:
        return "?"
    whole, _, fraction = f"{t:.6f}".partition(".")
    return f"{whole}.{fraction.rstrip('0').ljust(3, '0')} s"


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _lane_label(task: TaskRecord) -> str:
    """A lane's label: the task's name and coroutine; asyncio's shutdown tasks by their step."""
    return SHUTDOWN_LANES.get(task.coro, task.label)


def _label_width(trace: Trace, tasks: Sequence[TaskRecord], width: int) -> int:
    """The label column: as wide as its longest label needs, within a quarter of the width."""
    labels = ["seconds since start", "KeyboardInterrupt",
              *(f"loop {loop.id} ({loop.thread})" for loop in trace.loops),
              *(_lane_label(task) for task in tasks)]
    need = max(_text_w(label) for label in labels) + 4
    return int(min(width * 0.27, max(width * 0.16, need)))


def _outcome_width(tasks: Sequence[TaskRecord], groups: Groups, width: int) -> int:
    """The outcome column: as wide as its longest words need, within a fifth of the width."""
    words = [_outcome_words(task) for task in tasks]
    words += [f"{len(members):,} {_style(outcome).text}" for outcome, members in groups.items()]
    need = max((_text_w(w, FONT_SIZE + 0.6) for w in words), default=0) + 12
    return int(min(width * 0.24, max(width * 0.1, need)))


def _outcome_words(task: TaskRecord) -> str:
    style = _style(task.outcome)
    return style.text + (f": {task.exc_type}" if task.exc_type and task.outcome == "failed"
                         else "")


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


def _bar(x0: float, x1: float, y: float, h: float, colour: str, title: str = "",
         cls: str = "") -> str:
    klass = f' class="{cls}"' if cls else ""
    rect = (f'<rect{klass} x="{x0:.1f}" y="{y:.1f}" width="{max(1.0, x1 - x0):.1f}" '
            f'height="{h}" fill="{colour}"')
    return f"{rect}>{_title(title)}</rect>" if title else rect + "/>"




# --- header, legend ------------------------------------------------------------------------


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


def _runs_swatch(x: float, y: float) -> str:
    """A loop run, then the next one in the other shade."""
    return _bar(x, x + 7, y - 4, 8, LOOP_RUN) + _bar(x + 8, x + 14, y - 4, 8, LOOP_RUN_AGAIN)


def _legend_sections(trace: Trace, shown: Sequence[TaskRecord],
                     groups: Groups) -> list[tuple[str, list[_LegendItem]]]:
    """The legend's sections, each with only the items this drawing shows."""
    def cancelled_while_waiting(task: TaskRecord) -> bool:
        first = task.first_cancel
        return first is not None and (task.ended is None or first < task.ended)

    task_states: list[tuple[bool, _LegendItem]] = [
        (any(task.steps for task in shown), (_swatch(RUNNING, LANE_H - 6), "running")),
        (bool(shown), (lambda x, y: _hline(x, x + 14, y, WAITING, 2), "waiting")),
        (any(map(cancelled_while_waiting, shown)),
         (lambda x, y: _hline(x, x + 14, y, CANCELLING, 3, "3 2"), "waiting after cancel()")),
        (any(task.cancel_requests for task in shown),
         (_symbol("tick", CANCELLING), "a cancel() call")),
    ]
    present = {task.outcome for task in shown} | set(groups)
    outcomes: list[str | None] = [o for o in (*OUTCOMES, None) if o in present]
    loops = trace.loops
    program: list[tuple[bool, _LegendItem]] = [
        (any(_signal_time(s) is not None for s in trace.signals),
         (_symbol("down", SIGNAL), "signal sent")),
        (bool(trace.keyboard_interrupts), (_symbol("bolt", SIGNAL), "KeyboardInterrupt")),
        (any(len(loop.runs) == 1 for loop in loops), (_swatch(LOOP_RUN, 8), "loop running")),
        (any(len(loop.runs) > 1 for loop in loops),
         (_runs_swatch, "loop running (the next run darker)")),
        (any(_shown_stops(loop) for loop in loops), (_symbol("tick", INK), "loop.stop() call")),
        (any(loop.closed is not None for loop in loops),
         (_symbol("cross", INK), "loop.close()")),
        (any(loop.close_refused for loop in loops),
         (_symbol("refused", SIGNAL), "close() refused")),
        (any(loop.shutdown_asyncgens for loop in loops),
         (_swatch(ASYNCGENS, 5), "shutdown_asyncgens()")),
        (any(loop.shutdown_default_executor for loop in loops),
         (_swatch(EXECUTOR, 5), "shutdown_default_executor()")),
        (any(loop.run_until_complete_errors for loop in loops),
         (_symbol("bang", SIGNAL), "run_until_complete error")),
    ]
    sections = [
        ("task lanes", [item for wanted, item in task_states if wanted]),
        ("outcomes", [(_symbol(_style(o).shape, _style(o).colour), _style(o).text)
                      for o in outcomes]),
        ("loops, signals", [item for wanted, item in program if wanted]),
    ]
    return [(heading, items) for heading, items in sections if items]


def _legend(trace: Trace, shown: Sequence[TaskRecord], groups: Groups, scale: _Scale,
            top: int) -> tuple[str, int]:
    """The legend, a line per section wrapped as the width needs, and its height."""
    parts = ['<g class="lk-legend">']
    y = top + LEGEND_LINE_H / 2
    for heading, items in _legend_sections(trace, shown, groups):
        parts.append(_text(PAD, y + 4, heading, DIM, bold=True))
        x = float(scale.x0)
        for draw, label in items:
            item_w = 14 + 5 + len(label) * FONT_SIZE * LEGEND_CHAR_WIDTH + 12
            if x + item_w > scale.width - PAD and x > scale.x0:
                x, y = scale.x0, y + LEGEND_LINE_H
            parts.append(f'<g class="lk-legend-item">{draw(x, y)}'
                         f'{_text(x + 19, y + 4, label)}</g>')
            x += item_w
        y += LEGEND_LINE_H
    parts.append("</g>")
    return "".join(parts), int(y - LEGEND_LINE_H / 2 - top)


# --- the axis --------------------------------------------------------------------------------

TICK_SPACE = 12  # between tick labels
DIGIT_WIDTH = 0.64  # of the font size: digits are wider than the average character


def _piece_ticks(segment: Segment, offset: float) -> list[tuple[float, str]]:
    """Round values of ``t - offset`` (none below 0) in one piece of the axis, as many as their
    labels leave room for: (t, label)."""
    low, high = max(segment.t0 - offset, 0.0), segment.t1 - offset
    room = segment.x1 - segment.x0
    if high <= low or room < FONT_SIZE * 3:
        return []
    power = math.floor(math.log10(high - low)) - 2
    for exponent, multiple in itertools.product(range(power, power + 4), (1, 2, 5)):
        step = multiple * 10.0 ** exponent
        decimals = max(0, -exponent)
        first, last = math.ceil(low / step - 1e-9), math.floor(high / step + 1e-9)
        label_w = len(f"{high:.{decimals}f}") * FONT_SIZE * DIGIT_WIDTH + TICK_SPACE
        if (last - first + 1) * label_w <= room:
            return [(n * step + offset, f"{n * step:.{decimals}f}") for n in range(first, last + 1)]
    return []


def _axis_ticks(scale: _Scale, offset: float) -> list[tuple[float, str]]:
    """The ticks of every piece of the axis, in order, dropping those whose labels would touch."""
    ticks: list[tuple[float, str]] = []
    right = -math.inf
    for segment in scale.segments:
        for t, label in _piece_ticks(segment, offset):
            x, half = scale.x(t), len(label) * FONT_SIZE * DIGIT_WIDTH / 2
            if x - half >= right + 4 and x + half <= scale.x1 + INSET:
                ticks.append((t, label))
                right = x + half
    return ticks


def _times(factor: float) -> str:
    """A scale factor to two significant digits: "250", "1,200", "2.5"."""
    if factor < 10:
        return f"{factor:.1f}".removesuffix(".0")
    return f"{round(factor, 1 - math.floor(math.log10(factor))):,.0f}"


def _piece_caption(segment: Segment, scale: _Scale) -> tuple[str, str, str]:
    """A zoomed or compressed piece's caption, its short form, and its hover title."""
    factor = scale.factor(segment)
    span = f"{_secs(segment.t0)} to {_secs(segment.t1)}"
    if segment.kind == "zoom":
        return (f"zoom {TIMES}{_times(factor)}", f"{TIMES}{_times(factor)}",
                f"{span}: zoomed in, a second drawn {_times(factor)} times as wide as on the "
                f"rest of the axis; the ticks give its times")
    return (f"compressed ÷{_times(1 / factor)}", f"÷{_times(1 / factor)}",
            f"{span}: compressed, a second drawn {_times(1 / factor)} times narrower than on "
            f"the rest of the axis; the ticks give its times")


def _axis(scale: _Scale, loop_started: float | None, ticks: list[tuple[float, str]],
          y: int) -> tuple[str, int]:
    """The time axis and the y below it: the pieces' captions, the seconds since the process
    started above the line, since the loop started below it, and a break mark between pieces."""
    parts = ['<g class="lk-axis">']
    special = [s for s in scale.segments if s.kind != "main"]
    for segment in special:
        long, short, title = _piece_caption(segment, scale)
        room = segment.x1 - segment.x0
        words = long if _text_w(long) <= room else short if _text_w(short) <= room else ""
        parts.append(f'<g class="lk-piece" data-kind="{segment.kind}">{_title(title)}'
                     + _text((segment.x0 + segment.x1) / 2, y + 11, words, DIM, italic=True,
                             anchor="middle") + "</g>")
    y += CAPTION_H if special else 0
    line = y + TICKS_H
    where = ("Seconds since labkit started the process; the hover titles give exact times. "
             + ("The axis is linear in pieces: "
                + ("one of them (tinted, between break marks) is drawn at another scale, as its "
                   "caption says." if len(special) == 1 else
                   f"{len(special)} of them (tinted, between break marks) are drawn at another "
                   "scale, as their captions say.") if special else ""))
    parts.append(_text(PAD, y + 11, "seconds since start", DIM, title=where))
    marks = []
    for t, label in ticks:
        x = scale.x(t)
        parts.append(_text(x, y + 11, label, DIM, anchor="middle", cls="lk-tick"))
        marks.append(f"M{x:.1f} {line - 3}v3")
    if loop_started is not None:
        since = (f"Seconds since the first event loop started running, at {_secs(loop_started)}:"
                 " interrupt plans count from there (INT@0.5 means 0.5 on this clock)")
        parts.append(_text(PAD, line + 14, "since loop start", DIM, title=since))
        for t, label in _axis_ticks(scale, loop_started):
            x = scale.x(t)
            parts.append(_text(x, line + 14, label, DIM, anchor="middle", cls="lk-loop-tick"))
            marks.append(f"M{x:.1f} {line}v3")
    parts.append(f'<path d="{"".join(marks)}" stroke="{DIM}"/>')
    parts.append(_hline(scale.x0, scale.x1, line, DIM, 1, cls="lk-axis-line"))
    for left, right in itertools.pairwise(scale.segments):
        if "zoom" in (left.kind, right.kind) or "compressed" in (left.kind, right.kind):
            x = left.x1
            parts.append(f'<g class="lk-break"><rect x="{x - 3:.1f}" y="{line - 5}" width="6" '
                         f'height="10" fill="{PANEL}"/>'
                         + _stroke(f"M{x - 5:.1f} {line + 4}l4 -8m2 8l4 -8", DIM, 1.2) + "</g>")
    parts.append("</g>")
    return "".join(parts), line + (TICKS_H + 2 if loop_started is not None else 4)


def _bands(scale: _Scale, top: int, bottom: int) -> str:
    """A tint over each zoomed or compressed piece, from the axis down through every lane."""
    return "".join(
        f'<rect class="lk-band" data-kind="{s.kind}" x="{s.x0:.1f}" y="{top}" '
        f'width="{s.x1 - s.x0:.1f}" height="{bottom - top}" fill="{BANDS[s.kind]}" '
        f'fill-opacity="{BAND_OPACITY}"/>'
        for s in scale.segments if s.kind != "main")


def _grid(ticks: list[tuple[float, str]], scale: _Scale, top: int, bottom: int) -> str:
    lines = "".join(f"M{scale.x(t):.1f} {top}V{bottom}" for t, _ in ticks)
    return f'<path class="lk-grid" d="{lines}" stroke="{GRID}"/>'


# --- signals, KeyboardInterrupts, loops ------------------------------------------------------


def _signal_time(record: SignalRecord) -> float | None:
    return record.sent if record.sent is not None else record.received


def _signal_words(record: SignalRecord) -> str:
    """The signal's label on its row: its name and why it came ("SIGINT planned")."""
    if record.sent is None:
        return f"{record.signal} (not from labkit)"
    reason = record.reason or ""
    return f"{record.signal} {REASONS.get(reason, reason)}".rstrip()


def _signal_labels(record: SignalRecord) -> list[str]:
    """The signal's label on its row, then shorter ones for where that does not fit: its name
    and why it came ("SIGINT timeout"), why alone, its name alone."""
    words = _signal_words(record)
    return [words, *([words.removeprefix(record.signal + " ")] if record.sent is not None
                     and record.reason else []), record.signal]


def _signal_title(record: SignalRecord, loop_started: float | None) -> str:
    if record.sent is not None:
        since = (f" (loop +{record.sent - loop_started:.3f} s)"
                 if loop_started is not None and record.sent >= loop_started else "")
        why = REASON_TITLES.get(record.reason or "", f"({record.reason})")
        sent = f"sent at {_secs(record.sent)}{since} {why}, disposition {record.disposition}"
    else:
        sent = "not sent by labkit"
    took = (f"taken by {record.handler} at {_secs(record.received)}"
            if record.received is not None else "no Python handler ran")
    return f"{record.signal}: {sent}; {took}"


def _row_label(label: str, y: int, scale: _Scale, title: str = "") -> str:
    return _text(PAD, y + 13, _fit(label, scale.label_w), bold=True, title=title)


def _signal_row(trace: Trace, scale: _Scale, y: int) -> str:
    parts = ['<g class="lk-signals">', _row_label("signals", y, scale)]
    label_end = -math.inf
    drawn = [(t, record) for record in trace.signals if (t := _signal_time(record)) is not None]
    xs = [scale.x(t) for t, _ in drawn]
    for i, (_, record) in enumerate(drawn):
        x = xs[i]
        title = _signal_title(record, trace.loop_started)
        parts.append(_mark("down", x, y + 8, SIGNAL, "lk-signal", title))
        # to the right as far as the next mark (past the plot too: this row is empty there),
        # or else to the left as far as the previous mark and label
        room = min([scale.width - PAD, *(later - 7 for later in xs[i + 1:] if later > x + 7)])
        floor = max([scale.x0, label_end, *(sooner + 7 for sooner in xs[:i] if sooner < x - 7)])
        for words in _signal_labels(record):
            label_w = _text_w(words) * 1.1  # bold
            left = x + 7 if x + 7 + label_w <= room else x - 7 - label_w
            if left >= floor:
                parts.append(_text(left, y + 12, words, SIGNAL, bold=True,
                                   cls="lk-signal-label", title=title))
                label_end = left + label_w + 4
                break
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


def _stops(loop: LoopRecord) -> Iterable[tuple[float, str | None]]:
    """Each ``stop()`` call and its caller (None where the trace does not say)."""
    return zip(loop.stop_calls, itertools.chain(loop.stop_callers, itertools.repeat(None)),
               strict=False)


def _shown_stops(loop: LoopRecord) -> list[tuple[float, str | None]]:
    """The ``stop()`` calls worth a mark: all but run_until_complete()'s own."""
    return [(t, caller) for t, caller in _stops(loop) if caller not in OWN_STOPS]


def _phase_end(loop: LoopRecord, start: float, stop: float | None,
               end: float) -> tuple[float, str]:
    """Where a shutdown phase's bar ends, and why when that is before the phase's own end: never
    past the end of the loop's run it began in, nor past ``close()``."""
    limit, why = end, ""
    for run_start, run_stop, exc in loop.runs:
        if run_stop is not None and run_start <= start <= run_stop:
            limit = run_stop
            why = f"the loop stopped at {_secs(run_stop)}" + (f" ({exc})" if exc else "")
            break
    if loop.closed is not None and loop.closed < limit:
        limit, why = loop.closed, f"the loop was closed at {_secs(loop.closed)}"
    if stop is not None and stop <= limit:
        return stop, ""
    return limit, why


def _run_title(start: float, stop: float | None, exc: str | None,
               own_stops: list[float]) -> str:
    title = f"loop running {_secs(start)} to {_secs(stop)}"
    if exc:
        return f"{title}, ended by {exc}"
    if stop is None:
        return f"{title}, still running"
    mine = [t for t in own_stops if start <= t <= stop]
    if mine:
        title += (f"; run_until_complete() stopped it when its future was done (its own "
                  f"loop.stop() at {_secs(mine[-1])}, not drawn)")
    return title


def _loop_row(loop: LoopRecord, scale: _Scale, y: int) -> str:
    mid = y + ROW_H / 2
    own_stops = [t for t, caller in _stops(loop) if caller in OWN_STOPS]
    about = f"event loop {loop.id} in thread {loop.thread}, created at {_secs(loop.created)}"
    if own_stops:
        about += (f"; the {_count(len(own_stops), 'loop.stop() call')} run_until_complete() "
                  "made itself, one as each of its futures was done (asyncio.run runs main, "
                  "then the cancelled tasks, shutdown_asyncgens() and "
                  "shutdown_default_executor() that way), are not drawn: the gaps between the "
                  "runs show them")
    parts = [f'<g class="lk-loop" data-loop="{loop.id}">', _title(about),
             _row_label(f"loop {loop.id} ({loop.thread})", y, scale)]
    parts.append(f'<g class="lk-loop-runs" stroke="{PANEL}">')  # a gap between runs
    for number, (start, stop, exc) in enumerate(loop.runs, 1):
        end = stop if stop is not None else scale.end
        shade = LOOP_RUN if number % 2 else LOOP_RUN_AGAIN
        title = f"run {number} of {len(loop.runs)}: " + _run_title(start, stop, exc, own_stops)
        parts.append(_bar(scale.x(start), scale.x(end), mid - 4, 8, shade, title, "lk-loop-run"))
    parts.append("</g>")
    closed_x = scale.x(loop.closed) if loop.closed is not None else scale.x1
    for phases, colour, what in ((loop.shutdown_asyncgens, ASYNCGENS, "shutdown_asyncgens"),
                                 (loop.shutdown_default_executor, EXECUTOR,
                                  "shutdown_default_executor")):
        for start, stop in phases:
            drawn_end, why = _phase_end(loop, start, stop, scale.end)
            title = f"loop.{what}() from {_secs(start)} to {_secs(stop)}"
            title += f"; still waiting when {why}: the bar ends there" if why else ""
            x0 = scale.x(start)
            x1 = max(scale.x(drawn_end), min(x0 + 3, closed_x))  # 3 px at least, not past close
            parts.append(_bar(x0, x1, mid + 4, 4, colour, title, f"lk-{what.replace('_', '-')}"))
    marks = [(t, "tick", INK, "lk-stop", f"loop.stop() at {_secs(t)}"
              + (f", called by {caller}" if caller else "")) for t, caller in _shown_stops(loop)]
    marks += [(t, "refused", SIGNAL, "lk-close-refused", f"loop.close() refused at {_secs(t)}: "
               f"{message}") for t, message in loop.close_refused]
    marks += [(t, "bang", SIGNAL, "lk-loop-error", f"run_until_complete() raised at {_secs(t)}: "
               f"{message}") for t, message in loop.run_until_complete_errors]
    if loop.closed is not None:
        closed = loop.closed
        marks.append((closed, "cross", INK, "lk-close", f"loop.close() at {_secs(closed)}"))
    marks.sort(key=lambda mark: mark[0])
    xs = _side_by_side([scale.x(m[0]) for m in marks], scale.x0 + INSET, scale.x1 - INSET)
    for x, (_, shape, colour, cls, title) in zip(xs, marks, strict=True):
        parts.append(_mark(shape, x, mid, colour, cls, title))
    parts.append("</g>")
    return "".join(parts)


def _side_by_side(xs: list[float], low: float, high: float) -> list[float]:
    """Sorted x positions moved apart just enough that marks do not cover each other, none
    past ``high`` nor (where there is room) before ``low``.

    Events milliseconds apart would otherwise be drawn on top of each other; the hover title
    of each mark keeps its exact time.
    """
    placed: list[float] = []
    for x in xs:
        placed.append(max(x, placed[-1] + MARK_GAP) if placed else x)
    limit = high
    for i in reversed(range(len(placed))):
        placed[i] = min(placed[i], limit)
        limit = placed[i] - MARK_GAP
    return [max(x, low) for x in placed]


# --- task lanes ------------------------------------------------------------------------------


def _task_title(task: TaskRecord, names: dict[int, str]) -> str:
    lines = [f"{task.name}: coroutine {task.coro}" + (" (eager)" if task.eager else "")]
    if task.coro in SHUTDOWN_LANES:
        lines.append(f"the task in which the loop ran {SHUTDOWN_LANES[task.coro]}")
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
) -> list[tuple[float, float, float, float, int, float]]:
    """Blocks of steps drawn as one: (x from, x to, start, end, steps, seconds running).

    A block is at least ``MIN_STEP_W`` pixels wide, and a step that starts less than a pixel
    after the block joins it, so a lane never has more blocks than a third of its pixels.
    """
    x = scale.x
    blocks: list[tuple[float, float, float, float, int, float]] = []
    first = last = busy = left = right = 0.0
    count = 0
    for start, finish in steps:
        at = x(start)
        if count and at < right + 1:
            last, right = finish, max(right, x(finish))
            count += 1
            busy += finish - start
            continue
        if count:
            blocks.append((left, right, first, last, count, busy))
        first, last, count, busy = start, finish, 1, finish - start
        left, right = at, max(x(finish), at + MIN_STEP_W)
    if count:
        blocks.append((left, right, first, last, count, busy))
    return blocks


def _block_text(start: float, end: float, count: int, busy: float) -> str:
    if count == 1:
        return f"{start:.6f} s ({busy * 1000:.3f} ms)"
    return f"{start:.6f} s to {end:.6f} s ({count:,} steps, {busy * 1000:.3f} ms)"


def _running(task: TaskRecord, scale: _Scale, top: float) -> str:
    """The task's running blocks as one path, its title listing the first blocks' times."""
    blocks = _merged_steps(task.steps, scale)
    if not blocks:
        return ""
    shapes = "".join(f"M{left:.1f} {top}H{right:.1f}v{LANE_H - 6}H{left:.1f}z"
                     for left, right, *_ in blocks)
    listed = "\n".join(_block_text(*block[2:]) for block in blocks[:TITLE_BLOCKS])
    more = f"\n… and {len(blocks) - TITLE_BLOCKS:,} more" if len(blocks) > TITLE_BLOCKS else ""
    title = (f"{task.name} ran {_count(len(task.steps), 'step')}, "
             f"{task.running_time * 1000:.2f} ms in all:\n{listed}{more}")
    return f'<path class="lk-running" d="{shapes}" fill="{RUNNING}">{_title(title)}</path>'


def _task_lane(task: TaskRecord, scale: _Scale, y: int, names: dict[int, str]) -> str:
    outcome = task.outcome
    style = _style(outcome)
    mid = y + LANE_H / 2
    start, end = scale.x(task.created), scale.x(task.ended if task.ended is not None else scale.end)
    cancel = task.first_cancel
    split = min(scale.x(cancel), end) if cancel is not None else end  # no lane past the end
    parts = [
        f'<g class="lk-lane lk-outcome-{_esc(outcome or "pending")}" data-task="{task.id}">',
        _title(_task_title(task, names)),
        f'<rect x="{PAD}" y="{y}" width="{scale.width - 2 * PAD}" height="{LANE_H}" '
        f'fill="{PANEL}" fill-opacity="0"/>',  # catches the pointer for the lane's title
        _text(PAD + 2, mid + 4, _fit(_lane_label(task), scale.label_w), cls="lk-label"),
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
    parts.append(_text(scale.outcome_x, mid + 4, _fit(_outcome_words(task), scale.outcome_w),
                       cls="lk-outcome", bold=outcome in BAD_OUTCOMES))
    parts.append("</g>")
    return "".join(parts)


# --- grouping past max_lanes -----------------------------------------------------------------

def _group_heading(groups: Groups, scale: _Scale, y: int) -> str:
    total = sum(len(members) for members in groups.values())
    counts = ", ".join(f"{len(members):,} {_style(outcome).text}"
                       for outcome, members in groups.items())
    line = f"{total:,} more tasks, grouped by outcome: {counts}"
    return _text(PAD + 2, y + LANE_H - 4, _fit(line, scale.width - 2 * PAD), DIM,
                 cls="lk-group-heading", italic=True)


def _alive_counts(tasks: list[TaskRecord], scale: _Scale, columns: int) -> list[int]:
    """How many of the tasks were alive in each of ``columns`` equal slices of the plot."""
    diff = [0] * (columns + 1)
    width, end = (scale.x1 - scale.x0) / columns, scale.end
    # A time's column is how many columns' left edges its x is at or past, counted as times
    # (by bisection, in C, and counted in C: a busy live trace has tens of thousands of tasks).
    edges = [scale.time_at(scale.x0 + column * width) for column in range(1, columns)]
    find = bisect.bisect_right
    starts = [t.created for t in tasks]
    stops = [end if t.ended is None else t.ended for t in tasks]
    for times, step, change in ((starts, 0, 1), (stops, 1, -1)):  # kept inside, as x() keeps
        columns_of = [find(edges, 0.0 if t < 0.0 else end if t > end else t) for t in times]
        for column, count in Counter(columns_of).items():
            diff[column + step] += change * count
    counts, alive = [], 0
    for change in diff[:columns]:
        alive += change
        counts.append(alive)
    return counts


def _group_lane(outcome: str | None, tasks: list[TaskRecord], scale: _Scale, y: int) -> str:
    """One lane for many tasks of one outcome: how many were alive over time, as an area."""
    style = _style(outcome)
    columns = max(1, int((scale.x1 - scale.x0) / 3))
    counts = _alive_counts(tasks, scale, columns)
    peak = max(counts)
    base, column_w = y + LANE_H - 2, (scale.x1 - scale.x0) / columns
    area = "".join(f"M{scale.x0 + i * column_w:.1f} {base}v{-(LANE_H - 4) * n / peak:.1f}"
                   f"h{column_w:.1f}V{base}z" for i, n in enumerate(counts) if n)
    last_end = max([scale.end if t.ended is None else t.ended for t in tasks])
    created = [t.created for t in tasks]
    title = (f"{_count(len(tasks), 'more task')} {style.text} (not drawn one by one), created "
             f"{_secs(min(created))} to {_secs(max(created))}, "
             f"last ended {_secs(last_end)}; at most {peak:,} alive at once; "
             f"the area's height is how many were alive")
    return "".join([
        f'<g class="lk-group lk-outcome-{_esc(outcome or "pending")}" data-count="{len(tasks)}">',
        _title(title),
        f'<rect x="{PAD}" y="{y}" width="{scale.width - 2 * PAD}" height="{LANE_H}" '
        f'fill="{PANEL}" fill-opacity="0"/>',
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
    times = list(trace.events.times())
    for task in trace.tasks:
        times.append(task.ended if task.ended is not None else task.created)
        times.extend(finish for _, finish in task.steps[-1:])
    times.extend(t for record in trace.signals for t in (record.sent, record.received)
                 if t is not None)
    return max(times, default=0.0)
