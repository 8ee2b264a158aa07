"""The timeline as a learner sees it: real traces of real scenarios drawn into a page in Debian's
chromium, measured there, and kept as screenshots in test-artifacts/ (timeline-*.png).

One browser for the module; the scenarios run once, side by side. With CI=true a missing
chromium is a failure; elsewhere the tests are skipped.
"""

from __future__ import annotations

import concurrent.futures
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import labkit
from labkit.model import Trace
from labkit.svg import TIMES, render_svg

from .browser_support import CHROMIUM_ARGS, require_chromium
from .conftest import SCENARIOS

pytestmark = [pytest.mark.browser]

ARTIFACTS = Path(__file__).parent.parent / "test-artifacts"
RUNS: dict[str, tuple[str, list[str], float]] = {  # scenario, plan, labkit's timeout
    "05a": ("05a_asyncio_run_one_ctrl_c", ["INT@0.5"], 30),
    "05b": ("05b_asyncio_run_two_ctrl_c", ["INT@0.5", "INT@1.0"], 30),
    "12": ("12_executor", ["INT@0.5", "INT@1.0"], 30),
    "02a": ("02a_restart_loop", ["INT@0.5"], 5),  # the hang dominates even after a slow start
    "08e": ("08e_signal_handler_loop_stop", ["INT@0.5"], 30),
}
MARKS = (".lk-signal, .lk-keyboard-interrupt, .lk-stop, .lk-close, .lk-close-refused, "
         ".lk-loop-error, .lk-cap, .lk-loop-run, .lk-shutdown-asyncgens, "
         ".lk-shutdown-default-executor, .lk-running, .lk-waiting, .lk-cancelling, .lk-cancel")
MEASURE = """(marks) => {
  const svg = document.querySelector('svg');
  const box = (e) => { const r = e.getBoundingClientRect();
    return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width,
            height: r.height}; };
  const title = (e) => { const t = e.querySelector(':scope > title');
    return t ? t.textContent : ''; };
  const words = (e) => Array.from(e.childNodes).filter((n) => n.nodeType === 3)
    .map((n) => n.textContent).join('');
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  return {
    svg: {...box(svg), viewWidth: svg.viewBox.baseVal.width,
          viewHeight: svg.viewBox.baseVal.height, scale: scale},
    column: box(document.getElementById('column')),
    axis: box(document.querySelector('.lk-axis-line')),
    marks: Array.from(document.querySelectorAll(marks)).map((e) => (
      {cls: e.getAttribute('class'), title: title(e), ...box(e)})),
    texts: Array.from(svg.querySelectorAll('text')).map((e) => (
      {words: words(e), px: parseFloat(getComputedStyle(e).fontSize) * scale, ...box(e)})),
    legend: Array.from(document.querySelectorAll('.lk-legend-item text'))
      .map((e) => e.textContent),
    signalLabels: Array.from(document.querySelectorAll('.lk-signal-label')).map((e) => (
      {words: words(e), ...box(e)})),
    pieces: Array.from(document.querySelectorAll('.lk-band')).map((e) => (
      {kind: e.getAttribute('data-kind'), ...box(e)})),
    captions: Array.from(document.querySelectorAll('.lk-piece text')).map(words),
    laneLabels: Array.from(document.querySelectorAll('.lk-lane .lk-label')).map(words),
  };
}"""


def run(name: str) -> Trace:
    script, plan, timeout = RUNS[name]
    return labkit.run(SCENARIOS / f"{script}.py", interrupt=plan, timeout=timeout)


@pytest.fixture(scope="module")
def traces() -> dict[str, Trace]:
    require_chromium()
    with concurrent.futures.ThreadPoolExecutor(len(RUNS)) as pool:
        return dict(zip(RUNS, pool.map(run, RUNS), strict=True))


@pytest.fixture(scope="module")
def page() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    chromium = require_chromium()
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            yield browser.new_page(viewport={"width": 1400, "height": 900})
        finally:
            browser.close()


def show(page: Any, trace: Trace, column: int, name: str) -> dict[str, Any]:
    """Draw the trace in a column ``column`` px wide, keep a screenshot, measure the drawing."""
    page.set_content(f'<html><body style="margin:0;padding:16px;background:#fff">'
                     f'<div id="column" style="width:{column}px">{render_svg(trace)}</div>'
                     "</body></html>")
    page.locator("#column").screenshot(path=str(ARTIFACTS / f"timeline-{name}-{column}.png"))
    measured: dict[str, Any] = page.evaluate(MEASURE, MARKS)
    return measured


def marks_of(measured: dict[str, Any], cls: str) -> list[dict[str, Any]]:
    return [m for m in measured["marks"] if cls in m["cls"].split()]


def centre(box: dict[str, Any]) -> float:
    return float(box["left"] + box["right"]) / 2


def assert_marks_on_the_axis(measured: dict[str, Any]) -> None:
    axis = measured["axis"]
    for mark in measured["marks"]:
        assert axis["left"] - 0.5 <= mark["left"] and mark["right"] <= axis["right"] + 0.5, (
            mark, axis)


def assert_no_overlap(boxes: list[dict[str, Any]]) -> None:
    for a, b in itertools.pairwise(boxes):
        assert a["right"] <= b["left"] or a["bottom"] <= b["top"], (a, b)


def test_asyncio_runs_shutdown_gets_room_and_its_lanes_their_names(
        page: Any, traces: dict[str, Trace]) -> None:
    """05a: main cancelled, the worker's cleanup, then asyncio.run's shutdown in under a ms."""
    measured = show(page, traces["05a"], 700, "05a")
    assert_marks_on_the_axis(measured)
    [zoom] = [p for p in measured["pieces"] if p["kind"] == "zoom"]
    [close] = marks_of(measured, "lk-close")
    [asyncgens] = marks_of(measured, "lk-shutdown-asyncgens")
    [executor] = marks_of(measured, "lk-shutdown-default-executor")
    # linear, the shutdown would take a tenth of a pixel; zoomed, its steps are apart
    assert centre(close) - asyncgens["left"] >= 40
    assert executor["left"] - asyncgens["left"] >= 12
    assert zoom["left"] <= asyncgens["left"] and close["right"] <= zoom["right"]
    assert any(c.startswith(f"zoom {TIMES}") for c in measured["captions"])
    assert measured["laneLabels"][-2:] == ["shutdown_asyncgens()", "shutdown_default_executor()"]
    assert not marks_of(measured, "lk-stop")  # asyncio.run's own four stop() calls
    assert "loop.stop() call" not in measured["legend"]
    assert not {"FAILED", "DESTROYED while pending", "close() refused"} & set(measured["legend"])


def test_a_second_ctrl_c_leaves_the_executor_bar_ending_at_the_loop_close(
        page: Any, traces: dict[str, Trace]) -> None:
    """12_executor with INT@0.5 and INT@1.0: the executor's shutdown was still waiting for its
    thread when the second Ctrl+C stopped the loop, which was then closed."""
    measured = show(page, traces["12"], 700, "12-two-ctrl-c")
    assert_marks_on_the_axis(measured)
    [bar] = marks_of(measured, "lk-shutdown-default-executor")
    [close] = marks_of(measured, "lk-close")
    assert bar["right"] <= centre(close) + 0.5
    assert "still waiting when the loop stopped" in bar["title"]
    assert "DESTROYED while pending" in measured["legend"]  # its task, at the process exit
    labels = measured["signalLabels"]
    assert [label["words"] for label in labels] == ["SIGINT planned", "SIGINT planned"]
    assert_no_overlap(labels)


def test_a_run_stopped_by_the_timeout_spends_its_width_on_what_happened(
        page: Any, traces: dict[str, Trace]) -> None:
    """02a under a 5 s timeout: the Ctrl+C at 0.5 s is the story, then it hangs."""
    measured = show(page, traces["02a"], 700, "02a-timeout")
    assert_marks_on_the_axis(measured)
    axis = measured["axis"]
    compressed = max((p for p in measured["pieces"] if p["kind"] == "compressed"),
                     key=lambda p: p["width"])  # the wait (the start-up may be compressed too)
    assert any(c.startswith("compressed ÷") for c in measured["captions"])
    first_signal = centre(marks_of(measured, "lk-signal")[0])
    assert first_signal - axis["left"] >= 0.5 * axis["width"]  # linear: a sixth
    assert compressed["left"] <= first_signal + 8
    labels = measured["signalLabels"]
    assert labels[0]["words"] == "SIGINT planned" and "timeout" in labels[1]["words"]
    assert_no_overlap(labels)
    assert labels[-1]["right"] <= measured["svg"]["right"]
    legend = set(measured["legend"])
    assert {"cancelled", "signal sent", "KeyboardInterrupt", "loop.close()"} <= legend
    assert not {"finished", "loop.stop() call", "shutdown_asyncgens()", "FAILED"} & legend


def test_two_ctrl_c_are_both_labelled_and_the_shutdown_zoomed(
        page: Any, traces: dict[str, Trace]) -> None:
    measured = show(page, traces["05b"], 700, "05b")
    assert_marks_on_the_axis(measured)
    assert len(marks_of(measured, "lk-signal")) == 2
    labels = measured["signalLabels"]
    assert len(labels) == 2 and all(label["words"].endswith("planned") for label in labels)
    assert_no_overlap(labels)
    assert [p["kind"] for p in measured["pieces"]] == ["zoom"]


def test_a_stop_call_the_program_made_is_drawn(page: Any, traces: dict[str, Trace]) -> None:
    """08e: a signal handler calls loop.stop(); asyncio.run's own three are not drawn."""
    measured = show(page, traces["08e"], 700, "08e")
    assert_marks_on_the_axis(measured)
    [stop] = marks_of(measured, "lk-stop")
    assert "called by __main__.main.<locals>.stop_now" in stop["title"]
    assert "loop.stop() call" in measured["legend"]


@pytest.mark.parametrize(("column", "drawn", "smallest"), [(700, 700, 11), (1300, 900, 14)])
def test_text_stays_legible_in_a_narrow_and_a_wide_column(
        page: Any, traces: dict[str, Trace], column: int, drawn: int, smallest: float) -> None:
    """The SVG fills a narrow column (its text 11 px at 700 px) and keeps its own 900 px in a
    wide one, at the viewBox's proportions; no text spills out of it."""
    measured = show(page, traces["12"], column, "12-legible")
    svg = measured["svg"]
    assert svg["width"] == pytest.approx(drawn, abs=0.5)
    assert svg["height"] == pytest.approx(drawn * svg["viewHeight"] / svg["viewWidth"], abs=1)
    texts = [t for t in measured["texts"] if t["words"]]
    assert min(t["px"] for t in texts) >= smallest - 0.01
    assert min(t["height"] for t in texts) >= smallest  # the rendered line box
    for text in texts:
        assert svg["left"] <= text["left"] and text["right"] <= svg["right"], text
