"""The lab panel: run a script from a notebook, interrupt it with buttons, watch its timeline.

``Lab(script)`` shows Run, Ctrl+C, Ctrl+C again, SIGTERM and Kill buttons, a status line,
labkit's notes on the run, the live timeline (SVG, redrawn at most ten times a second) and the
program's output. A Lab with an interrupt plan also shows a switch next to Run: "planned" runs
send the plan's signals, "by hand" runs send none but those the buttons send. A run lives on
the kernel's own event loop and never blocks it, so the buttons answer while the kernel is idle
and while another cell is awaiting. The runner's thread never touches a widget: it only wakes
the loop, and the loop redraws.

When a run ends, the final timeline goes into the cell's output as ordinary rich output (SVG and
text, through a display handle), so a saved notebook shows it without a kernel.

Kernel safety: a Lab's program is ended when the Lab is closed or runs again, when the cell
that made the Lab runs again, when the cell awaiting its run is interrupted, and when the
kernel exits (at exit here; the runner's watchdog if the kernel is killed).
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import html
import os
import signal
import traceback
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ipywidgets as widgets
from IPython import display as ipython_display

from .checks import explain_exit
from .interpreters import Interpreter, resolve
from .model import Trace
from .runner import Interrupt, ProgramRun, parse_plan, positive_seconds, working_directory
from .svg import render_svg, timeline_bundle

REDRAW_INTERVAL = 0.1
"""Seconds between two redraws of a running program's timeline: at most ten a second."""

IDLE_REDRAW = 0.25
"""With no new events, the timeline still moves on this often (and the loop wakes up, which
lets a kernel interrupt reach an awaiting cell promptly)."""

OUTPUT_LINES_SHOWN = 400
"""The panel shows the program's last lines; ``lab.trace`` keeps all of them."""

STDERR_COLOUR = "var(--jp-error-color1, #d32f2f)"

PLANNED = "planned"
"""``lab.mode`` for runs that send the Lab's interrupt plan."""
BY_HAND = "by hand"
"""``lab.mode`` for runs with no planned signal: only the buttons send any."""
BY_HAND_LABEL = "by hand: no planned signal"

REASONS = {"manual": "by hand", "plan": "planned", "timeout": "labkit's timeout",
           "kill": "to end the run"}
"""How the status line says why a signal was sent (``SignalRecord.reason``)."""

# IPython's display functions have no type hints: call them through these typed names.
display: Callable[..., Any] = ipython_display.display


@dataclass
class LabButtons:
    """The panel's buttons, so code and tests can press them: ``lab.buttons.ctrl_c.click()``."""

    run: widgets.Button
    ctrl_c: widgets.Button
    ctrl_c_again: widgets.Button
    sigterm: widgets.Button
    kill: widgets.Button

    def all(self) -> list[widgets.Button]:
        """Every button, in the order they are shown."""
        return [self.run, self.ctrl_c, self.ctrl_c_again, self.sigterm, self.kill]


def _button(label: str, tooltip: str, style: str = "") -> widgets.Button:
    return widgets.Button(description=label, tooltip=tooltip, button_style=style,
                          layout=widgets.Layout(width="auto"))


class Lab:
    """A panel that runs ``script`` as a real process and shows what happens to its tasks.

    ``interrupt`` is the plan that Run and ``run()`` send, e.g. ``["INT@0.5"]``, unless the
    switch next to Run (``mode``) says "by hand"; ``python`` a version ("3.12") or a path;
    after ``timeout`` seconds the program gets SIGINT, then SIGTERM, then SIGKILL.
    """

    def __init__(
        self,
        script: str | os.PathLike[str],
        *,
        args: Sequence[str] = (),
        python: str | Interpreter | None = None,
        interrupt: Sequence[str | Interrupt] = (),
        timeout: float = 30.0,
        cwd: str | None = None,
        title: str | None = None,
    ) -> None:
        self.script = str(script)
        if not (working_directory(cwd) / self.script).is_file():
            raise FileNotFoundError(f"Lab: there is no script at {self.script!r}"
                                    + (f" (in {cwd})" if cwd else ""))
        positive_seconds(timeout, "Lab: timeout")
        self.args = list(args)
        self.python = python if isinstance(python, Interpreter) else resolve(python)
        self.interrupt = parse_plan(interrupt)
        self.timeout, self.cwd = timeout, cwd
        self.title = title or Path(self.script).name
        self.trace: Trace | None = None
        """The last run's trace (live while it runs), or None before the first run."""

        self._program: ProgramRun | None = None
        self._task: asyncio.Task[Trace] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        with contextlib.suppress(RuntimeError):
            self._loop = asyncio.get_running_loop()
        self._handle: Any = None  # where the final timeline goes: an IPython DisplayHandle
        self._final: dict[str, str] | None = None  # the last run's final timeline bundle
        self._sigints_pressed = 0
        self._run_plan: list[Interrupt] = []  # what the current (or last) run was planned to send
        self._taken_over = False  # a signal was sent by hand while the run had a plan

        self.buttons = LabButtons(
            run=_button("Run", "start the program", "primary"),
            ctrl_c=_button("Ctrl+C", "send SIGINT to the program, as a terminal does", "warning"),
            ctrl_c_again=_button("Ctrl+C again", "a second SIGINT", "warning"),
            sigterm=_button("SIGTERM", "what a service manager sends to stop a program"),
            kill=_button("Kill", "SIGKILL: no cleanup runs at all", "danger"),
        )
        self.plan_switch = widgets.ToggleButtons(
            options=[(f"planned: {_plan_text(self.interrupt)}", PLANNED), (BY_HAND_LABEL, BY_HAND)],
            value=PLANNED if self.interrupt else BY_HAND,
            tooltips=["Run sends the planned signals at their times (from the event loop's start)",
                      "Run sends no signal by itself: press Ctrl+C when you like"],
            style={"button_width": "auto"},
        )
        """Planned or by hand: what Run does with the plan (``mode``). Shown if there is a plan."""
        if not self.interrupt:
            self.plan_switch.layout.display = "none"
        self.status = widgets.HTML()
        self.notes = widgets.HTML()
        """labkit's own messages on the run (``trace.notes``), under the status line."""
        self.timeline = widgets.HTML()
        self.output = widgets.HTML()
        self.log = widgets.Output()
        """Messages from the panel itself, such as an error inside a button's callback."""
        self.widget = widgets.VBox([
            widgets.HTML(f"<b>{html.escape(self.title)}</b> &nbsp; "
                         f"<small>Python {html.escape(self.python.version)}</small>"),
            widgets.HBox([self.buttons.run, self.plan_switch, *self.buttons.all()[1:]]),
            self.status, self.notes, self.timeline, self.output, self.log,
        ])
        self.widget.add_class("labkit-lab")
        self._connect_buttons()
        self._update_buttons()
        self.status.value = "ready: press <b>Run</b>"
        _register(self)

    # --- display -------------------------------------------------------------------------
    def _ipython_display_(self) -> None:
        display(self.widget)
        self._handle = display({"text/plain": ""}, raw=True, display_id=True)

    # --- running -------------------------------------------------------------------------
    @property
    def mode(self) -> str:
        """What Run (and ``run()`` without ``interrupt``) does with the Lab's plan: "planned"
        sends it, "by hand" sends no signal but the buttons' (always so without a plan)."""
        return str(self.plan_switch.value)

    @mode.setter
    def mode(self, value: str) -> None:
        if value not in (PLANNED, BY_HAND):
            raise ValueError(f"mode is {PLANNED!r} or {BY_HAND!r}, not {value!r}")
        if value == PLANNED and not self.interrupt:
            raise ValueError("this Lab has no interrupt plan: its runs are all by hand")
        self.plan_switch.value = value

    @property
    def running(self) -> bool:
        """True while the program of the current run has not ended."""
        return self._program is not None and not self._program.done

    async def run(
        self,
        interrupt: Sequence[str | Interrupt] | None = None,
        *,
        python: str | Interpreter | None = None,
        timeout: float | None = None,
    ) -> Trace:
        """Run the program (ending a run still going) and return its Trace when it ends.

        ``interrupt`` is this run's plan; without it, the Lab's own if ``mode`` is "planned",
        none if it is "by hand". A signal sent with a button (or ``send()``) takes over from the
        plan: the plan's signals not sent by then are not sent at all.

        The panel updates while it runs and its buttons work. If this coroutine is cancelled
        or interrupted (say, the kernel is interrupted), the program is killed.
        """
        await self._end_current_run()
        if interrupt is not None:
            plan = parse_plan(interrupt)
        else:
            plan = list(self.interrupt) if self.mode == PLANNED else []
        loop = asyncio.get_running_loop()
        self._loop = loop
        changed = asyncio.Event()

        def wake(_trace: Trace) -> None:  # on the runner's thread: touch no widget here
            with contextlib.suppress(RuntimeError):  # the loop is closed: nobody is watching
                loop.call_soon_threadsafe(changed.set)

        program = ProgramRun(
            self.script, args=self.args, python=python or self.python, interrupt=plan,
            timeout=self.timeout if timeout is None else timeout, cwd=self.cwd, on_event=wake,
        )
        self._program, self.trace, self._sigints_pressed = program, program.trace, 0
        self._run_plan, self._taken_over = plan, False
        self._show_start()
        program.start()
        try:
            last_draw = -REDRAW_INTERVAL
            while not program.done:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(changed.wait(), IDLE_REDRAW)
                changed.clear()
                pause = last_draw + REDRAW_INTERVAL - loop.time()
                if pause > 0:
                    await asyncio.sleep(pause)
                last_draw = loop.time()
                self._redraw(program)
            trace = program.wait()
        except BaseException:
            program.kill()
            with contextlib.suppress(Exception):
                program.wait(5)
            self._show_end(program)
            raise
        self._show_end(program)
        return trace

    def start(
        self,
        interrupt: Sequence[str | Interrupt] | None = None,
        *,
        python: str | Interpreter | None = None,
        timeout: float | None = None,
    ) -> asyncio.Task[Trace]:
        """Start a run in the background on the kernel's event loop (what Run does)."""
        loop = self._loop
        if loop is None or loop.is_closed():
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                raise RuntimeError(
                    "Lab.start() needs a running event loop, as a Jupyter kernel has; "
                    "in a script, use 'await lab.run()'"
                ) from None
        task = loop.create_task(self.run(interrupt, python=python, timeout=timeout))
        self._task = task
        task.add_done_callback(self._report_failure)
        return task

    async def wait(self) -> Trace:
        """Wait for the current run (started by Run or ``start()``) to end; return its Trace.

        If the waiting is cancelled or interrupted (the kernel is interrupted), the program is
        killed: an interrupted cell leaves nothing running behind it.
        """
        if self._task is not None:
            try:
                await asyncio.wait({self._task})
            except BaseException:
                self._kill_now()
                raise
            self._publish_final()  # again, from this cell: see _publish_final
        if self.trace is None:
            raise RuntimeError("this Lab has not run yet: press Run or call start()")
        return self.trace

    def send(self, sig: int | str) -> None:
        """Send a signal to the running program, as the buttons do.

        In a planned run this takes over: the plan's signals not sent yet are not sent.
        """
        if self._program is None or self._program.done:
            raise RuntimeError("the program is not running")
        signum = signal.Signals(sig) if isinstance(sig, int) else Interrupt.parse(f"{sig}@0").signal
        if self._run_plan:
            self._program.cancel_plan(f"{signum.name} was sent by hand first")
            self._taken_over = True
        if signum == signal.SIGINT:
            self._sigints_pressed += 1
        self._program.send(signum)  # Kill too: by hand, as the signal row and status say
        self._update_buttons()

    def close(self) -> None:
        """End the program if it runs, and remove the panel."""
        self._kill_now()
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self.widget.close()
        _unregister(self)

    async def _end_current_run(self) -> None:
        if self.running:
            self._kill_now()
        task = self._task
        if task is not None and not task.done() and task is not asyncio.current_task():
            await asyncio.wait({task})

    def _kill_now(self) -> None:
        program = self._program
        if program is not None and not program.done:
            program.kill()
            with contextlib.suppress(Exception):
                program.wait(5)

    def _report_failure(self, task: asyncio.Task[Trace]) -> None:
        if not task.cancelled() and task.exception() is not None:
            exc = task.exception()
            assert exc is not None
            self.log.append_stderr("".join(traceback.format_exception(exc)))

    # --- buttons -------------------------------------------------------------------------
    def _connect_buttons(self) -> None:
        actions: dict[str, Callable[[], object]] = {
            "run": self.start,
            "ctrl_c": lambda: self.send(signal.SIGINT),
            "ctrl_c_again": lambda: self.send(signal.SIGINT),
            "sigterm": lambda: self.send(signal.SIGTERM),
            "kill": lambda: self.send(signal.SIGKILL),
        }
        for name, action in actions.items():
            getattr(self.buttons, name).on_click(self._safely(action))

    def _safely(self, action: Callable[[], object]) -> Callable[[widgets.Button], None]:
        """A click handler that runs ``action`` on the Lab's event loop and shows its errors.

        JupyterLab 4 with ipykernel 7 may deliver widget messages on a subshell thread with a
        loop of its own; the run and its widgets belong to the kernel's main loop, so a click
        from elsewhere is handed over to it.
        """
        def act() -> None:
            try:
                action()
            except Exception as exc:  # a callback's error is shown in the panel, not lost
                self.log.append_stderr(f"labkit: {exc}\n")

        def on_click(_button: widgets.Button) -> None:
            loop = self._loop
            if loop is not None and loop.is_running() and not _is_current(loop):
                loop.call_soon_threadsafe(act)
            else:
                act()
        return on_click

    def _sigints(self) -> int:
        trace = self.trace
        automatic = 0 if trace is None else sum(
            1 for s in trace.signals
            if s.signal == "SIGINT" and s.sent is not None and s.reason != "manual"
        )
        return self._sigints_pressed + automatic

    def _update_buttons(self) -> None:
        running = self.running
        sigints = self._sigints() if running else 0
        self.buttons.run.disabled = running
        self.plan_switch.disabled = running  # the choice is for the next run
        self.buttons.ctrl_c.disabled = not running or sigints > 0
        self.buttons.ctrl_c_again.disabled = not running or sigints == 0
        self.buttons.sigterm.disabled = not running
        self.buttons.kill.disabled = not running

    # --- drawing -------------------------------------------------------------------------
    def _show_start(self) -> None:
        self.timeline.layout.display = None
        self._final = None
        if self._handle is not None:
            self._handle.update({"text/plain": ""}, raw=True)
        self.status.value = f"starting… · {html.escape(self._mode_text(None))}"
        self.notes.value = ""
        self.output.value = ""
        self.log.outputs = ()  # a button's error from an earlier run is not about this one
        self._update_buttons()

    def _publish_final(self) -> None:
        """Put the final timeline into the output of the cell that displayed the panel.

        ipykernel 7 sends the update with the parent of the cell that started the run; a
        headless runner (nbclient) only reads messages of the cell it is executing, so
        ``wait()`` sends it once more from the cell that waits. JupyterLab shows the same
        image twice in a row, which changes nothing.
        """
        if self._handle is not None and self._final is not None:
            self._handle.update(self._final, raw=True)

    def _redraw(self, program: ProgramRun) -> None:
        trace = program.trace
        now = _now(program)
        self.timeline.value = render_svg(trace, now=now)
        self.output.value = _output_html(trace)
        self.status.value = self._status_html(trace, now, running=True)
        self.notes.value = _notes_html(trace)
        self._update_buttons()

    def _show_end(self, program: ProgramRun) -> None:
        trace = program.trace
        self.output.value = _output_html(trace)
        self.status.value = self._status_html(trace, trace.ended or 0.0, running=False)
        self.notes.value = _notes_html(trace)
        if self._handle is not None:  # the final timeline lives in the cell's own output
            self._final = _final_bundle(trace)
            self._publish_final()
            self.timeline.value = ""
            self.timeline.layout.display = "none"
        else:
            self.timeline.value = render_svg(trace)
        self._update_buttons()

    def _status_html(self, trace: Trace, now: float, *, running: bool) -> str:
        parts = [f"<b>running</b> for {now:.1f} s (pid {trace.pid or '?'})" if running
                 else f"<b>not running</b>: {html.escape(_ending(trace))}",
                 html.escape(self._mode_text(trace))]
        for record in trace.signals:
            if record.sent is not None:
                why = REASONS.get(record.reason or "", str(record.reason))
                parts.append(f"{record.signal} sent at {record.sent:.2f} s ({html.escape(why)})")
        if trace.notes:
            count = len(trace.notes)
            parts.append(f"{count} note{'s' if count > 1 else ''} from labkit, below")
        return " · ".join(parts)

    def _mode_text(self, trace: Trace | None) -> str:
        """The run's mode in the switch's own words, and what a press by hand left unsent."""
        if not self._run_plan:
            return BY_HAND_LABEL
        text = f"planned: {_plan_text(self._run_plan)}"
        sent = 0 if trace is None else sum(
            1 for s in trace.signals if s.reason == "plan" and s.sent is not None)
        unsent = self._run_plan[sent:]
        if self._taken_over and unsent:
            verb = "was" if len(unsent) == 1 else "were"
            text += f"; you took over by hand, so {_plan_text(unsent)} {verb} not sent"
        return text


def _is_current(loop: asyncio.AbstractEventLoop) -> bool:
    """True when the calling code runs on ``loop`` (in its thread, inside it)."""
    try:
        return asyncio.get_running_loop() is loop
    except RuntimeError:
        return False


def _final_bundle(trace: Trace) -> dict[str, str]:
    """The finished timeline as rich output: inline SVG (hover titles work) where HTML is
    shown, the SVG image elsewhere (GitHub, untrusted notebooks), and the text timeline."""
    bundle = timeline_bundle(trace)
    bundle["text/html"] = f'<div class="labkit-timeline">{bundle["image/svg+xml"]}</div>'
    return bundle


def _now(program: ProgramRun) -> float:
    return asyncio.get_running_loop().time() - program.origin


def _output_html(trace: Trace) -> str:
    lines = sorted(  # by time; lines of one stream stay in their order
        [(line.t, 0, i, line.text) for i, line in enumerate(trace.stdout)]
        + [(line.t, 1, i, line.text) for i, line in enumerate(trace.stderr)]
    )
    hidden = max(0, len(lines) - OUTPUT_LINES_SHOWN)
    shown = [
        html.escape(text) if stream == 0
        else f'<span style="color:{STDERR_COLOUR}">{html.escape(text)}</span>'
        for _, stream, _, text in lines[hidden:]
    ]
    if hidden:
        shown.insert(0, f"<i>… {hidden} earlier lines are not shown here; this Lab's "
                        ".trace.stdout_text() and .trace.stderr_text() have every line</i>")
    if not shown:
        return ""
    return ('<pre style="max-height:16em;overflow:auto;margin:0.3em 0">'
            + "\n".join(shown) + "</pre>")


def _plan_text(plan: Sequence[Interrupt]) -> str:
    return ", ".join(str(item) for item in plan)


def _notes_html(trace: Trace) -> str:
    """labkit's own messages on the run, one a line, for the panel (empty if there are none)."""
    if not trace.notes:
        return ""
    lines = "".join(f"<li>at {t:.2f} s: {html.escape(message)}</li>" for t, message in trace.notes)
    return ('<div class="labkit-notes" style="margin:0.2em 0">'
            "<small>labkit's notes (about the run, not the program's output):</small>"
            f'<ul style="margin:0.1em 0">{lines}</ul></div>')


def _ending(trace: Trace) -> str:
    """How the run ended, for the status line, in the exercise checks' own words."""
    ending = f"{explain_exit(trace)} (exit status {trace.exit_code})"
    if any(s.reason == "timeout" for s in trace.signals):
        ending += ", stopped by labkit's timeout"
    return ending + (f" after {trace.ended:.2f} s" if trace.ended is not None else "")


# --- kernel safety: every live Lab is known, so none outlives its cell or the kernel -----
_LIVE_LABS: weakref.WeakSet[Lab] = weakref.WeakSet()
_LABS_BY_CELL: dict[str, weakref.ref[Lab]] = {}


def _current_cell_id() -> str | None:
    """The id of the notebook cell being executed, when the frontend sends one (JupyterLab)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    shell: Any = get_ipython()
    kernel = getattr(shell, "kernel", None)
    if kernel is None:
        return None
    with contextlib.suppress(Exception):
        cell_id = kernel.get_parent("shell").get("metadata", {}).get("cellId")
        return str(cell_id) if cell_id else None
    return None


def _register(lab: Lab) -> None:
    _LIVE_LABS.add(lab)
    cell = _current_cell_id()
    if cell is None:
        return
    previous = _LABS_BY_CELL.get(cell)
    old = previous() if previous is not None else None
    if old is not None and old is not lab:
        old.close()  # the cell that made it runs again: its old program must not live on
    _LABS_BY_CELL[cell] = weakref.ref(lab)


def _unregister(lab: Lab) -> None:
    _LIVE_LABS.discard(lab)
    for cell, ref in list(_LABS_BY_CELL.items()):
        if ref() is lab:
            del _LABS_BY_CELL[cell]


@atexit.register
def _close_all_labs() -> None:
    """At kernel exit, end every program a Lab still runs."""
    for lab in list(_LIVE_LABS):
        lab._kill_now()
