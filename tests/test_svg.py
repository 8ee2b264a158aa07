"""The SVG timeline, read back as XML: what a learner sees for real runs and for hand-made traces
(nasty names, the live view, many tasks, many steps)."""

from __future__ import annotations

import ast
import itertools
import random
import re
import xml.etree.ElementTree as ET

import pytest

import labkit
from labkit import svg, textview
from labkit.model import CancelRequest, LoopRecord, SignalRecord, TaskRecord, Trace

from .conftest import SCENARIOS

NS = "{http://www.w3.org/2000/svg}"


def parse(document: str) -> ET.Element:
    """The SVG's root element; fails if it is not well-formed XML."""
    root = ET.fromstring(document)
    assert root.tag == f"{NS}svg"
    return root


def with_class(root: ET.Element, cls: str) -> list[ET.Element]:
    """Every element whose class attribute lists ``cls``."""
    return [e for e in root.iter() if cls in e.get("class", "").split()]


def title(element: ET.Element) -> str:
    found = element.find(f"{NS}title")
    assert found is not None and found.text, f"no title on {element.attrib}"
    return found.text


def text_of(element: ET.Element) -> str:
    """The visible words: the text elements' content, without hover titles."""
    if element.tag == f"{NS}text":
        return (element.text or "") + "".join(child.tail or "" for child in element)
    return " ".join(text_of(t) for t in element.iter(f"{NS}text"))


def lanes(root: ET.Element) -> dict[str, ET.Element]:
    """Task lanes by the full task name, which each lane's title starts with."""
    return {title(lane).split(": coroutine ")[0]: lane for lane in with_class(root, "lk-lane")}


def outcome_text(lane: ET.Element) -> str:
    [words] = with_class(lane, "lk-outcome")
    return text_of(words)


def waiting_end(lane: ET.Element) -> float:
    """The x where the lane's line ends (its last segment, waiting or cancelling)."""
    segment = (with_class(lane, "lk-cancelling") or with_class(lane, "lk-waiting"))[0]
    match = re.fullmatch(r"M([\d.]+) [\d.]+H([\d.]+)", segment.get("d", ""))
    assert match, segment.get("d")
    return float(match[2])


def tick_x(root: ET.Element, cls: str = "lk-tick") -> dict[str, float]:
    """The axis: each tick label ("0.5", seconds since the start) and its x; with
    ``cls="lk-loop-tick"``, the row of seconds since the loop started."""
    return {text_of(t): float(t.get("x", "nan")) for t in with_class(root, cls)}


def task(n: int, **fields: object) -> TaskRecord:
    values: dict[str, object] = {
        "name": f"Task-{n}", "coro": "worker", "parent": None, "loop": 1, "created": 0.1,
        "outcome": "finished", "ended": 1.0,
    }
    values.update(fields)
    return TaskRecord(n, **values)  # type: ignore[arg-type]


def trace_of(tasks: list[TaskRecord], **fields: object) -> Trace:
    values: dict[str, object] = {
        "script": "hand_made.py", "argv": [], "python": "3.11.7", "exit_code": 0, "ended": 2.0,
    }
    values.update(fields)
    return Trace(tasks=tasks, **values)  # type: ignore[arg-type]


# --- real runs (each starts a process) -------------------------------------------------------


def run_scenario(name: str) -> Trace:
    path = SCENARIOS / f"{name}.py"
    plan = re.search(r"^PLAN = (\[.*\])$", path.read_text(), re.M)
    assert plan
    return labkit.run(path, interrupt=ast.literal_eval(plan[1]))


@pytest.fixture(scope="module")
def naive_cancel() -> Trace:
    """01a: Ctrl+C, then cancel() without running the loop: both workers destroyed pending."""
    return run_scenario("01a_naive_cancel")


@pytest.fixture(scope="module")
def one_ctrl_c() -> Trace:
    """05a: asyncio.run and one Ctrl+C: tasks cancelled, shutdown tasks finished."""
    return run_scenario("05a_asyncio_run_one_ctrl_c")


def test_a_lane_per_task_with_its_name_and_outcome(naive_cancel: Trace, one_ctrl_c: Trace) -> None:
    for trace in (naive_cancel, one_ctrl_c):
        root = parse(svg.render_svg(trace))
        drawn = lanes(root)
        assert len(with_class(root, "lk-lane")) == len(trace.tasks)
        assert sorted(drawn) == sorted(t.name for t in trace.tasks)
        for record in trace.tasks:
            lane = drawn[record.name]
            assert f"lk-outcome-{record.outcome}" in lane.get("class", "")
            label = text_of(with_class(lane, "lk-label")[0])
            if record.coro.startswith("BaseEventLoop.shutdown_"):  # asyncio.run's own tasks
                assert label == record.coro.removeprefix("BaseEventLoop.") + "()"
            else:
                assert label.startswith(record.name)
            assert f"coroutine {record.coro}" in title(lane)
            assert outcome_text(lane) == svg.OUTCOME_STYLES[record.outcome].text
    assert {t.outcome for t in naive_cancel.tasks} == {"destroyed-pending"}
    assert {t.outcome for t in one_ctrl_c.tasks} == {"cancelled", "finished"}


def test_destroyed_tasks_were_cancelling_when_destroyed(naive_cancel: Trace) -> None:
    root = parse(svg.render_svg(naive_cancel))
    for record in naive_cancel.tasks:
        lane = lanes(root)[record.name]
        assert outcome_text(lane) == "DESTROYED while pending"
        assert with_class(lane, "lk-cancelling"), "cancel() was called: the dashed part is there"
        assert "cancelling() = 1" in title(lane)
    [close] = with_class(root, "lk-close")
    assert "loop.close()" in title(close)


def test_signal_and_keyboard_interrupt_marks(one_ctrl_c: Trace) -> None:
    root = parse(svg.render_svg(one_ctrl_c))
    [mark] = with_class(root, "lk-signal")
    [sigint] = one_ctrl_c.signals
    assert sigint.sent is not None and one_ctrl_c.loop_started is not None
    since_loop = sigint.sent - one_ctrl_c.loop_started
    assert f"sent at {svg._secs(sigint.sent)} (loop +{since_loop:.3f} s) by the interrupt plan" \
        in title(mark)
    assert "taken by asyncio.Runner" in title(mark)
    [signals_row] = with_class(root, "lk-signals")
    assert "SIGINT planned" in text_of(signals_row)
    [guides] = with_class(root, "lk-signal-guides")
    assert guides.get("d", "").count("M") == 1
    [interrupt] = with_class(root, "lk-keyboard-interrupt")
    assert "by asyncio.Runner.run" in title(interrupt)
    [loop] = with_class(root, "lk-loop")
    # every stop() call was run_until_complete's own, one per run of asyncio.run: not drawn,
    # but the loop's title and each run's say so
    calls = one_ctrl_c.loops[0].stop_calls
    assert len(calls) == 4 and not with_class(loop, "lk-stop")
    assert "the 4 loop.stop() calls run_until_complete() made itself" in title(loop)
    runs = [title(r) for r in with_class(loop, "lk-loop-runs")[0]]
    assert all("run_until_complete() stopped it" in run for run in runs), runs


def test_bundle_holds_the_svg_and_the_text_view(one_ctrl_c: Trace) -> None:
    bundle = svg.timeline_bundle(one_ctrl_c, width=700)
    assert set(bundle) == {"image/svg+xml", "text/plain"}
    assert parse(bundle["image/svg+xml"]).get("width") == "700"
    assert bundle["text/plain"] == textview.render(one_ctrl_c)


# --- hand-made traces --------------------------------------------------------------------------


def test_text_from_the_trace_is_escaped() -> None:
    nasty = 'evil <b>&"\'</b> \x00\x1b'
    record = task(1, name=nasty, coro="<lambda>", outcome="failed",
                  exc_type="ValueError", exc_message="x < y & \"z\"")
    trace = trace_of([record], script="a&b<c>.py",
                     signals=[SignalRecord("SIGINT", 0.5, "plan", "handled", 0.5, "f<&>")])
    document = svg.render_svg(trace, width=1400)
    root = parse(document)
    [lane] = with_class(root, "lk-lane")
    assert title(lane).startswith('evil <b>&"\'</b> \\x00\\x1b: coroutine <lambda>')
    assert "exception ValueError: x < y & \"z\"" in title(lane)
    assert text_of(with_class(lane, "lk-label")[0]).startswith("evil <b>")
    assert outcome_text(lane) == "FAILED: ValueError"
    assert "a&b<c>.py" in text_of(with_class(root, "lk-header")[0])
    assert "taken by f<&>" in title(with_class(root, "lk-signal")[0])


def test_background_panel_and_readable_colours() -> None:
    root = parse(svg.render_svg(trace_of([task(1)]), width=640))
    assert (root.get("width"), root.get("viewBox", "").split()[2]) == ("640", "640")
    background = next(iter(root))
    assert "lk-background" in background.get("class", "")
    assert background.get("fill") == svg.PANEL and background.get("rx")
    assert float(background.get("width", 0)) >= 639
    assert float(background.get("height", 0)) >= float(root.get("height", 0)) - 1
    assert "opacity" not in str(background.attrib)

    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = ((c / 12.92) if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
                   for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    inks = {root.get("fill", "")} | {t.get("fill", "") for t in root.iter(f"{NS}text")} - {""}
    for ink in inks:
        contrast = (luminance(svg.PANEL) + 0.05) / (luminance(ink) + 0.05)
        assert contrast >= 4.5, f"text colour {ink} on the panel: {contrast:.1f}:1"


def test_outcomes_differ_in_shape_and_words_not_only_colour() -> None:
    outcomes = list(labkit.OUTCOMES)
    trace = trace_of([task(n, outcome=o) for n, o in enumerate(outcomes, 1)])
    root = parse(svg.render_svg(trace))
    shapes, words = set(), set()
    for lane in with_class(root, "lk-lane"):
        [cap] = with_class(lane, "lk-cap")
        outline = [(e.tag, re.sub(r"[\d.\-]+", "", e.get("d", "")), e.get("fill") == svg.PANEL)
                   for e in cap]  # the kind of shape, its path without numbers, hollow or not
        shapes.add(tuple(outline))
        words.add(outcome_text(lane))
    assert len(shapes) == len(words) == len(outcomes)
    legend = text_of(with_class(root, "lk-legend")[0])
    assert all(word in legend for word in words)


def test_live_view_extends_pending_tasks_to_now() -> None:
    running = task(1, outcome=None, ended=None, created=0.0,
                   cancel_requests=[CancelRequest(0.6, None, "stop", 1, True)])
    done = task(2, created=0.0, ended=0.6)
    trace = trace_of([running, done], ended=None, exit_code=None)
    root = parse(svg.render_svg(trace, now=1.0))
    ticks = tick_x(root)
    assert "1.0" in ticks and "1.2" not in ticks  # the axis ends at now
    drawn = lanes(root)
    assert waiting_end(drawn["Task-1"]) == pytest.approx(ticks["1.0"], abs=0.1)
    assert waiting_end(drawn["Task-2"]) == pytest.approx(ticks["0.6"], abs=0.1)
    assert outcome_text(drawn["Task-1"]) == "still pending"
    assert "lk-outcome-pending" in drawn["Task-1"].get("class", "")
    assert "still running at 1.00 s" in text_of(with_class(root, "lk-header")[0])
    assert "with message 'stop'" in title(with_class(drawn["Task-1"], "lk-cancel")[0])


def test_without_an_end_the_axis_reaches_the_last_event() -> None:
    trace = trace_of([task(1, outcome=None, ended=None)], ended=None,
                     events=[{"kind": "note", "t": 3.0}])
    ticks = tick_x(parse(svg.render_svg(trace)))
    assert max(ticks, key=ticks.__getitem__) == "3.0"


def test_many_tasks_are_grouped_but_bad_outcomes_keep_their_lanes() -> None:
    bad = {500: "destroyed-pending", 777: "pending-at-exit", 999: "failed"}
    tasks = [task(n, outcome=bad.get(n, "cancelled" if n % 10 == 0 else "finished"),
                  created=n / 1000, ended=n / 1000 + 0.5) for n in range(1000)]
    root = parse(svg.render_svg(trace_of(tasks), max_lanes=200))
    drawn, groups = lanes(root), with_class(root, "lk-group")
    assert len(drawn) + len(groups) <= 200
    assert {f"Task-{n}" for n in bad} <= set(drawn)
    assert "Task-0" in drawn  # then the first created
    counts = {g.get("class", "").split()[1]: int(g.get("data-count", 0)) for g in groups}
    assert set(counts) == {"lk-outcome-finished", "lk-outcome-cancelled"}
    assert len(drawn) + sum(counts.values()) == 1000
    hidden_cancelled = sum(1 for t in tasks if t.outcome == "cancelled" and t.name not in drawn)
    assert counts["lk-outcome-cancelled"] == hidden_cancelled
    [heading] = with_class(root, "lk-group-heading")
    assert text_of(heading).startswith(f"{sum(counts.values()):,} more tasks")
    assert f"{hidden_cancelled:,} cancelled" in text_of(heading)


def test_lanes_never_exceed_the_limit_even_when_all_are_bad() -> None:
    tasks = [task(n, outcome="failed" if n % 2 else "destroyed-pending") for n in range(300)]
    root = parse(svg.render_svg(trace_of(tasks), max_lanes=50))
    assert len(lanes(root)) == 48
    assert sum(int(g.get("data-count", 0)) for g in with_class(root, "lk-group")) == 252
    assert len(with_class(parse(svg.render_svg(trace_of(tasks[:50]), max_lanes=50)),
                          "lk-group")) == 0


def test_ten_thousand_steps_are_merged_into_few_shapes() -> None:
    steps = [(0.1 + i * 1e-4, 0.1 + i * 1e-4 + 5e-5) for i in range(10_000)]
    spread = [(0.2, 0.201), (0.6, 0.601), (1.0, 1.001)]
    trace = trace_of([task(1, steps=steps, ended=1.2), task(2, steps=spread, ended=1.2)])
    document = svg.render_svg(trace)
    busy, sparse = (with_class(lane, "lk-running")[0]
                    for lane in with_class(parse(document), "lk-lane"))
    assert busy.get("d", "").count("M") <= 3  # one block: the steps are far less than 1 px apart
    assert "10,000 steps" in title(busy)
    assert sparse.get("d", "").count("M") == 3
    assert len(document) < 20_000


def test_loop_rows_show_runs_stops_closes_and_refusals() -> None:
    runs: list[tuple[float, float | None, str | None]] = [
        (0.1, 0.5, None), (0.6, 0.9, "KeyboardInterrupt")
    ]
    loop = LoopRecord(1, "MainThread", 0.0, runs=runs, stop_calls=[0.5], closed=1.0,
                      close_refused=[(0.4, "Cannot close a running event loop")],
                      shutdown_asyncgens=[(0.7, 0.71)], shutdown_default_executor=[(0.8, None)],
                      run_until_complete_errors=[(0.45, "Event loop stopped before Future")])
    root = parse(svg.render_svg(trace_of([task(1)], loops=[loop])))
    [row] = with_class(root, "lk-loop")
    assert text_of(row).startswith("loop 1 (MainThread)")
    drawn_runs = [title(r) for r in with_class(row, "lk-loop-runs")[0]]
    assert drawn_runs == ["run 1 of 2: loop running 0.100 s to 0.500 s",
                          "run 2 of 2: loop running 0.600 s to 0.900 s, ended by KeyboardInterrupt"]
    assert "Cannot close a running event loop" in title(with_class(row, "lk-close-refused")[0])
    assert "Event loop stopped" in title(with_class(row, "lk-loop-error")[0])
    assert title(with_class(row, "lk-close")[0]) == "loop.close() at 1.000 s"
    phases = [title(e) for e in row.iter(f"{NS}rect") if "shutdown" in title(e)]
    assert phases == ["loop.shutdown_asyncgens() from 0.700 s to 0.710 s",
                      "loop.shutdown_default_executor() from 0.800 s to ?; still waiting when "
                      "the loop stopped at 0.900 s (KeyboardInterrupt): the bar ends there"]


def test_a_trace_without_tasks_still_draws() -> None:
    root = parse(svg.render_svg(trace_of([])))
    assert not with_class(root, "lk-lane")
    assert "no tasks were created" in text_of(root)
    assert "none" in text_of(with_class(root, "lk-signals")[0])


def _mark_x(mark: ET.Element) -> float:
    """The centre x of a loop-row mark, read from its first shape."""
    shape = next(e for e in mark if e.tag in (f"{NS}circle", f"{NS}path"))
    if shape.tag == f"{NS}circle":
        return float(shape.get("cx", "nan"))
    x = float(re.match(r"M([\d.]+)", shape.get("d", ""))[1])  # type: ignore[index]
    return x + 4 if "lk-close" in mark.get("class", "").split() else x  # a cross starts at x-4


def test_loop_marks_milliseconds_apart_do_not_cover_each_other() -> None:
    loop = LoopRecord(1, "MainThread", 0.0, runs=[(0.1, 0.4, None)], stop_calls=[0.4012],
                      closed=0.403, close_refused=[(0.4, "Cannot close a running event loop")],
                      run_until_complete_errors=[(0.401, "Event loop stopped before Future")])
    root = parse(svg.render_svg(trace_of([task(1)], loops=[loop])))
    [row] = with_class(root, "lk-loop")
    order = ["lk-close-refused", "lk-loop-error", "lk-stop", "lk-close"]  # in time order
    xs = [_mark_x(with_class(row, cls)[0]) for cls in order]
    assert all(b - a >= svg.MARK_GAP for a, b in itertools.pairwise(xs)), xs
    assert title(with_class(row, "lk-stop")[0]) == "loop.stop() at 0.4012 s"  # the exact time


def test_a_late_cancel_does_not_extend_a_finished_task() -> None:
    late = CancelRequest(t=1.5, by=None, message=None, cancelling=0, accepted=False)
    done = task(1, ended=1.0, cancel_requests=[late])
    root = parse(svg.render_svg(trace_of([done])))
    lane = lanes(root)["Task-1"]
    assert not with_class(lane, "lk-cancelling")
    [cap] = with_class(lane, "lk-cap")
    assert waiting_end(lane) == pytest.approx(_mark_x_of_cap(cap), abs=0.2)
    assert "returned False (already done)" in title(with_class(lane, "lk-cancel")[0])


def _mark_x_of_cap(cap: ET.Element) -> float:
    circle = next(cap.iter(f"{NS}circle"))
    return float(circle.get("cx", "nan"))


def test_a_task_named_like_its_coroutine_is_labelled_once() -> None:
    root = parse(svg.render_svg(trace_of([task(1, name="busy", coro="busy")])))
    [label] = with_class(root, "lk-label")
    assert text_of(label) == "busy"
    assert "busy busy" not in textview.render(trace_of([task(1, name="busy", coro="busy")]))


# --- the time axis in pieces, and what the rows say --------------------------------------------


def pieces(root: ET.Element) -> dict[str, list[str]]:
    """The captions of the axis' zoomed and compressed pieces, by kind."""
    found: dict[str, list[str]] = {}
    for piece in with_class(root, "lk-piece"):
        found.setdefault(piece.get("data-kind", ""), []).append(text_of(piece))
    return found


def scale_between(ticks: dict[str, float], low: str, high: str) -> float:
    """Units per second between two tick labels."""
    return (ticks[high] - ticks[low]) / (float(high) - float(low))


def shutdown_burst() -> Trace:
    """asyncio.run's ending as 05a records it: main cancelled at 0.84 s, the worker's cleanup
    until 1.1443 s, then shutdown_asyncgens(), shutdown_default_executor() and close() within
    0.4 ms, each run stopped by run_until_complete's own stop()."""
    own = svg.ASYNCIO_STOP
    loop = LoopRecord(1, "MainThread", 0.04,
                      runs=[(0.041, 0.8436, None), (0.8437, 1.14446, None),
                            (1.14452, 1.14458, None), (1.1446, 1.14463, None)],
                      stop_calls=[0.8435, 1.14444, 1.14457, 1.14462],
                      stop_callers=[own, own, own, own], closed=1.14471,
                      shutdown_asyncgens=[(1.14455, 1.14456)],
                      shutdown_default_executor=[(1.14461, 1.14462)])
    tasks = [task(1, name="Task-1", coro="main", created=0.041, ended=0.8434,
                  outcome="cancelled"),
             task(2, name="Task-2", created=0.0411, ended=1.144345, outcome="cancelled"),
             task(3, name="Task-3", coro="BaseEventLoop.shutdown_asyncgens", created=1.144495,
                  ended=1.144563),
             task(4, name="Task-4", coro="BaseEventLoop.shutdown_default_executor",
                  created=1.144595, ended=1.14462)]
    sigint = SignalRecord("SIGINT", 0.542, "plan", "handled", 0.5421, "asyncio.Runner")
    return trace_of(tasks, loops=[loop], signals=[sigint], loop_started=0.041, ended=1.158,
                    keyboard_interrupts=[(0.8436, "asyncio.Runner.run")], exit_code=-2)


def test_a_burst_of_loop_marks_gets_a_zoomed_piece_whose_caption_tells_its_scale() -> None:
    trace = shutdown_burst()
    root = parse(svg.render_svg(trace))
    [caption] = pieces(root)["zoom"]
    factor = float(caption.removeprefix(f"zoom {svg.TIMES}").replace(",", ""))
    ticks = tick_x(root)
    [band] = [b for b in with_class(root, "lk-band") if b.get("data-kind") == "zoom"]
    left = float(band.get("x", 0))
    zoomed = [label for label, x in ticks.items()
              if left <= x <= left + float(band.get("width", 0))]
    assert len(zoomed) >= 2 and {"0.0", "0.2"} <= set(ticks)
    ratio = scale_between(ticks, zoomed[0], zoomed[-1]) / scale_between(ticks, "0.0", "0.2")
    assert ratio == pytest.approx(factor, rel=0.06)  # two significant digits
    assert len(with_class(root, "lk-break")) == 2  # where the zoom starts and where it ends
    # in the zoom, close() and the two shutdown bars are far apart, at their own times
    [row] = with_class(root, "lk-loop")
    [close] = with_class(row, "lk-close")
    [asyncgens] = with_class(row, "lk-shutdown-asyncgens")
    [executor] = with_class(row, "lk-shutdown-default-executor")
    starts = [float(asyncgens.get("x", 0)), float(executor.get("x", 0)), _mark_x(close)]
    assert all(b - a >= svg.MARK_GAP for a, b in itertools.pairwise(starts)), starts
    # the shutdown tasks' lanes are labelled by their step, and long enough to see
    drawn = lanes(root)
    labels = [text_of(with_class(drawn[name], "lk-label")[0]) for name in ("Task-3", "Task-4")]
    assert labels == ["shutdown_asyncgens()", "shutdown_default_executor()"]
    assert waiting_end(drawn["Task-3"]) - float(re.match(  # type: ignore[union-attr]
        r"M([\d.]+)", with_class(drawn["Task-3"], "lk-waiting")[0].get("d", ""))[1]) >= 5
    assert "the task in which the loop ran shutdown_asyncgens()" in title(drawn["Task-3"])


def test_a_long_wait_for_the_timeout_is_compressed_and_says_so() -> None:
    """02a with labkit's timeout at 3 s: what matters happened at 0.5 s."""
    loop = LoopRecord(1, "MainThread", 0.039, runs=[(0.0392, 0.5406, "KeyboardInterrupt"),
                                                    (0.5407, 3.0041, "KeyboardInterrupt")],
                      closed=3.0042)
    tasks = [task(n, created=0.0392, ended=0.5408, outcome="cancelled",
                  cancel_requests=[CancelRequest(0.5406, None, None, 1, True)])
             for n in (1, 2)]
    signals = [SignalRecord("SIGINT", 0.5403, "plan", "default", 0.5404, "default"),
               SignalRecord("SIGINT", 3.0038, "timeout", "default", 3.0039, "default")]
    trace = trace_of(tasks, loops=[loop], signals=signals, loop_started=0.0392, ended=3.018,
                     keyboard_interrupts=[(0.5405, "x"), (3.004, "x")])
    root = parse(svg.render_svg(trace))
    [caption] = pieces(root)["compressed"]
    factor = float(caption.split("÷")[1])
    ticks = tick_x(root)
    ratio = scale_between(ticks, "0.1", "0.4") / scale_between(ticks, "1", "2")
    assert ratio == pytest.approx(factor, rel=0.06)
    [axis_line] = with_class(root, "lk-axis-line")
    x0, x1 = (float(v) for v in re.findall(r"[\d.]+", axis_line.get("d", ""))[::2])
    signal_x = [_mark_x(mark) + 5 for mark in with_class(root, "lk-signal")]  # a triangle
    assert signal_x[0] - x0 >= 0.5 * (x1 - x0)  # linear, 0.5 s of 3 would be a sixth
    labels = [text_of(label) for label in with_class(root, "lk-signal-label")]
    assert labels[0] == "SIGINT planned" and "timeout" in labels[1]


def test_only_the_stop_calls_a_program_made_are_drawn() -> None:
    own = svg.ASYNCIO_STOP
    loop = LoopRecord(1, "MainThread", 0.0, runs=[(0.1, 0.5, None), (0.6, 0.7, None)],
                      stop_calls=[0.5, 0.7], stop_callers=["__main__.main.<locals>.stop_now", own])
    root = parse(svg.render_svg(trace_of([task(1)], loops=[loop])))
    [row] = with_class(root, "lk-loop")
    [stop] = with_class(row, "lk-stop")
    assert title(stop) == "loop.stop() at 0.500 s, called by __main__.main.<locals>.stop_now"
    runs = [title(r) for r in with_class(row, "lk-loop-run")]
    assert runs == ["run 1 of 2: loop running 0.100 s to 0.500 s",
                    "run 2 of 2: loop running 0.600 s to 0.700 s; run_until_complete() stopped it "
                    "when its future was done (its own loop.stop() at 0.700 s, not drawn)"]
    assert "the 1 loop.stop() call run_until_complete() made itself" in title(row)
    assert "loop.stop() call" in text_of(with_class(root, "lk-legend")[0])
    only_own = LoopRecord(1, "MainThread", 0.0, runs=[(0.1, 0.5, None)], stop_calls=[0.5],
                          stop_callers=[own])
    root = parse(svg.render_svg(trace_of([task(1)], loops=[only_own])))
    assert not with_class(root, "lk-stop")
    assert "loop.stop()" not in text_of(with_class(root, "lk-legend")[0])


def test_a_shutdown_left_waiting_ends_where_its_run_ended_not_past_close() -> None:
    """12_executor with a second Ctrl+C: the executor's shutdown ran on after close()."""
    loop = LoopRecord(1, "MainThread", 0.038, runs=[(0.0387, 0.5408, None),
                                                    (0.541, 1.0424, "KeyboardInterrupt")],
                      closed=1.0425, shutdown_default_executor=[(0.5411, 3.0463)])
    root = parse(svg.render_svg(trace_of([task(1)], loops=[loop], ended=3.05)))
    [bar] = with_class(root, "lk-shutdown-default-executor")
    [close] = with_class(root, "lk-close")
    [_, run] = with_class(root, "lk-loop-run")
    bar_end = float(bar.get("x", 0)) + float(bar.get("width", 0))
    assert bar_end == pytest.approx(float(run.get("x", 0)) + float(run.get("width", 0)), abs=0.2)
    assert bar_end <= _mark_x(close)
    assert title(bar) == ("loop.shutdown_default_executor() from 0.5411 s to 3.0463 s; still "
                          "waiting when the loop stopped at 1.0424 s (KeyboardInterrupt): the "
                          "bar ends there")


def test_the_legend_shows_only_what_the_drawing_shows() -> None:
    legend = text_of(with_class(parse(svg.render_svg(trace_of([task(1)]))), "lk-legend")[0])
    assert "finished" in legend and "waiting" in legend
    for absent in ("running", "cancel", "FAILED", "signal", "KeyboardInterrupt", "loop",
                   "shutdown", "close"):
        assert absent not in legend, absent
    legend = text_of(with_class(parse(svg.render_svg(shutdown_burst())), "lk-legend")[0])
    for present in ("cancelled", "signal sent", "KeyboardInterrupt",
                    "loop running", "loop.close()", "shutdown_asyncgens()",
                    "shutdown_default_executor()"):
        assert present in legend, present
    for absent in ("running", "cancel()", "FAILED", "loop.stop()", "refused", "error"):
        assert absent not in legend.replace("loop running", ""), absent


@pytest.mark.parametrize(("reason", "label", "why"), [
    ("plan", "SIGINT planned", "by the interrupt plan"),
    ("manual", "SIGINT by hand", "by hand (ProgramRun.send, a button)"),
    ("timeout", "SIGINT timeout", "by labkit's timeout"),
    ("ctrl-c", "SIGINT Ctrl+C", "by Ctrl+C at labkit run"),
    ("kill", "SIGINT kill", "by hand (ProgramRun.kill)"),
    (None, "SIGINT (not from labkit)", "not sent by labkit"),
])
def test_the_signal_row_says_why_each_signal_came(reason: str | None, label: str,
                                                  why: str) -> None:
    sent = 0.75 if reason else None
    record = SignalRecord("SIGINT", sent, reason, "handled", 0.76, "asyncio.Runner")
    root = parse(svg.render_svg(trace_of([task(1)], signals=[record], loop_started=0.25)))
    [words] = with_class(root, "lk-signal-label")
    assert text_of(words) == label
    [mark] = with_class(root, "lk-signal")
    assert why in title(mark)
    if reason:
        assert "sent at 0.750 s (loop +0.500 s) by" in title(mark)


def test_a_second_row_of_ticks_counts_from_the_loop_start() -> None:
    root = parse(svg.render_svg(trace_of([task(1)], loop_started=0.25)))
    since_start, since_loop = tick_x(root), tick_x(root, "lk-loop-tick")
    per_second = scale_between(since_start, "0.0", "1.0")
    assert since_loop["0.0"] == pytest.approx(since_start["0.0"] + 0.25 * per_second, abs=0.2)
    assert since_loop["1.0"] == pytest.approx(since_start["1.0"] + 0.25 * per_second, abs=0.2)
    assert "since loop start" in text_of(with_class(root, "lk-axis")[0])
    assert not with_class(parse(svg.render_svg(trace_of([task(1)]))), "lk-loop-tick")


def test_the_drawing_scales_to_its_column_with_text_of_eleven_units() -> None:
    for width, design in ((900, 700), (700, 700), (560, 560)):
        root = parse(svg.render_svg(shutdown_burst(), width=width))
        _, _, view_w, view_h = (float(v) for v in root.get("viewBox", "").split())
        assert (root.get("width"), view_w) == (str(width), design)
        assert float(root.get("height", 0)) == pytest.approx(view_h * width / design, abs=1)
        assert "max-width:100%" in root.get("style", "")
        default = root.get("font-size", "0")
        assert min(float(t.get("font-size", default)) for t in root.iter(f"{NS}text")) >= 11


def test_times_in_titles_keep_the_microseconds() -> None:
    assert [svg._secs(t) for t in (0.5, 0.4012, 1.144345, 3.0)] == [
        "0.500 s", "0.4012 s", "1.144345 s", "3.000 s"]


def test_signal_labels_never_cover_another_signal_or_label() -> None:
    signals = [SignalRecord("SIGINT", 0.5 + 0.15 * n, "plan", "handled") for n in range(8)]
    signals.append(SignalRecord("SIGTERM", 1.9, "timeout", "default"))
    root = parse(svg.render_svg(trace_of([task(1)], signals=signals, ended=2.0)))
    marks = [_mark_x(mark) + 5 for mark in with_class(root, "lk-signal")]  # triangles' centres
    spans = [(float(label.get("x", 0)), float(label.get("x", 0))
              + svg._text_w(text_of(label)) * 1.1) for label in with_class(root, "lk-signal-label")]
    assert len(marks) == 9 and 2 <= len(spans) < 9
    for left, right in spans:
        assert not [x for x in marks if left - 5 < x < right + 5]
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
    assert text_of(with_class(root, "lk-signal-label")[-1]).endswith("timeout")


def test_a_loop_run_again_is_drawn_in_the_other_shade() -> None:
    """The restart recipe runs the loop a second time right after the Ctrl+C: the two runs
    touch, so they alternate shades (and their titles count them)."""
    loop = LoopRecord(1, "MainThread", 0.0, runs=[(0.1, 0.6, "KeyboardInterrupt"),
                                                  (0.6, 3.0, "KeyboardInterrupt")])
    trace = Trace(script="restart.py", argv=[], exit_code=-2, ended=3.0, loops=[loop])
    drawing = svg.render_svg(trace)
    runs = re.findall(r'<rect class="lk-loop-run"[^>]* fill="(#[0-9a-f]+)"><title>([^<]*)', drawing)
    assert [fill for fill, _ in runs] == [svg.LOOP_RUN, svg.LOOP_RUN_AGAIN]
    assert runs[1][1].startswith("run 2 of 2: ")
    assert "loop running (the next run darker)" in drawing
    one = Trace(script="once.py", argv=[], exit_code=0, ended=1.0,
                loops=[LoopRecord(1, "MainThread", 0.0, runs=[(0.1, 0.9, None)])])
    assert "the next run darker" not in svg.render_svg(one)
    assert "loop running" in svg.render_svg(one)


def test_a_group_lane_counts_each_task_in_the_columns_its_x_falls_in() -> None:
    """The group lane finds columns by time (bisection); they are those x() gives."""
    rng = random.Random(7)
    tasks = []
    for n in range(1, 2001):
        created = rng.uniform(0.0, 3.0)
        tasks.append(task(n, created=created, ended=created + rng.uniform(0.001, 1.0)))
    tasks[-1].ended = None  # still pending: alive to the end
    signals = [SignalRecord("SIGINT", 0.5, "plan", "handled", 0.5005, "asyncio.Runner")]
    trace = trace_of(tasks, ended=30.0, signals=signals)  # then a long wait: compressed
    scale = svg._Scale(trace, 900, 30.0, 150, 120)
    assert len(scale.segments) > 1  # pieces of different scales: the mapping is not one line
    columns = 200
    per_unit = columns / (scale.x1 - scale.x0)
    expected = [0] * (columns + 1)
    for one in tasks:
        expected[int((scale.x(one.created) - scale.x0) * per_unit)] += 1
        stop = 30.0 if one.ended is None else one.ended
        expected[int((scale.x(stop) - scale.x0) * per_unit) + 1] -= 1
    alive = list(itertools.accumulate(expected[:columns]))
    assert svg._alive_counts(tasks, scale, columns) == alive


def test_the_axis_title_counts_its_other_pieces_in_good_english() -> None:
    drawing = svg.render_svg(shutdown_burst())
    count = sum(len(captions) for captions in pieces(parse(drawing)).values())
    if count == 1:
        assert "one of them (tinted, between break marks) is drawn at another scale" in drawing
    else:
        assert f"{count} of them (tinted, between break marks) are drawn" in drawing
    assert count >= 1 and "1 of them" not in drawing
