"""The lab panel without a kernel: runs, buttons pressed from code, redraws, and cleanup."""

from __future__ import annotations

import asyncio
import itertools
import signal
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import pytest

import labkit
from labkit import lab as lab_module
from labkit.interpreters import InterpreterNotFound
from labkit.lab import Lab
from labkit.runner import PlanError

from .conftest import program

T = TypeVar("T")


def alive(pid: int | None) -> bool:
    """True while ``pid`` is a running process (not a zombie)."""
    assert pid is not None
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ")[1][0] != "Z"
    except OSError:
        return False


async def until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Wait on the event loop until ``condition()`` holds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.02)


def run_async(make: Callable[[], Awaitable[T]]) -> T:
    async def main() -> T:
        return await make()
    return asyncio.run(main())


def disabled(lab: Lab) -> dict[str, bool]:
    """Which of the panel's controls are disabled: the buttons and the plan switch."""
    states = {name: getattr(lab.buttons, name).disabled
              for name in ("run", "ctrl_c", "ctrl_c_again", "sigterm", "kill")}
    return states | {"switch": lab.plan_switch.disabled}


def since_loop_start(lab: Lab) -> float:
    """Seconds since the running program's first event loop started (the plan's clock)."""
    assert lab._program is not None and lab.trace is not None
    assert lab.trace.loop_started is not None
    return time.monotonic() - lab._program.origin - lab.trace.loop_started


async def loop_running(lab: Lab) -> None:
    await until(lambda: lab.trace is not None and lab.trace.loop_started is not None)


RUNNING_NO_SIGINT = {"run": True, "switch": True, "ctrl_c": False, "ctrl_c_again": True,
                     "sigterm": False, "kill": False}
RUNNING_AFTER_SIGINT = RUNNING_NO_SIGINT | {"ctrl_c": True, "ctrl_c_again": False}
IDLE = {"run": False, "switch": False, "ctrl_c": True, "ctrl_c_again": True, "sigterm": True,
        "kill": True}


def test_lab_is_exported_lazily() -> None:
    assert labkit.Lab is Lab


def test_run_with_a_plan_returns_the_trace_and_shows_the_end() -> None:
    lab = Lab(program("workers.py"))
    trace = run_async(lambda: lab.run(interrupt=["INT@0.3"]))
    assert trace is lab.trace
    assert trace.exit_code == -signal.SIGINT
    assert {t.name: t.outcome for t in trace.tasks if t.name.startswith("worker")} == {
        "worker-0": "cancelled", "worker-1": "cancelled"}
    assert "<b>not running</b>: ended by" in lab.status.value
    assert "(exit status -2)" in lab.status.value
    assert "ended by the KeyboardInterrupt it never caught" in lab.status.value
    assert "worker 0: cleanup ran" in lab.output.value
    # stderr lines keep their order: the traceback reads top to bottom
    assert lab.output.value.index("Traceback") < lab.output.value.index("asyncio.run(main())")
    assert "<svg" in lab.timeline.value  # not displayed: the panel keeps the final timeline
    assert not lab.buttons.run.disabled
    assert all(b.disabled for b in lab.buttons.all()[1:])


def test_buttons_follow_the_run_and_ctrl_c_from_code_reaches_the_program() -> None:
    lab = Lab(program("workers.py"))

    async def scenario() -> list[tuple[bool, ...]]:
        states = [tuple(b.disabled for b in lab.buttons.all())]
        lab.buttons.run.click()
        await until(lambda: lab.trace is not None and lab.trace.loop_started is not None)
        states.append(tuple(b.disabled for b in lab.buttons.all()))
        lab.buttons.ctrl_c.click()
        states.append(tuple(b.disabled for b in lab.buttons.all()))
        await lab.wait()
        states.append(tuple(b.disabled for b in lab.buttons.all()))
        return states

    states = run_async(scenario)
    #            run    ctrl_c ctrl_c_again sigterm kill
    assert states == [
        (False, True, True, True, True),  # before the first run
        (True, False, True, False, False),  # running
        (True, True, False, False, False),  # after Ctrl+C: "again" is the one to press
        (False, True, True, True, True),  # ended
    ]
    assert lab.trace is not None
    [sigint] = lab.trace.signals
    assert (sigint.signal, sigint.reason, sigint.handler) == ("SIGINT", "manual", "asyncio.Runner")
    assert lab.trace.task("worker-0").outcome == "cancelled"


def test_ctrl_c_again_lands_during_cleanup() -> None:
    lab = Lab(program("slow_cleanup.py"))

    async def scenario() -> None:
        lab.start()
        await until(lambda: lab.trace is not None and lab.trace.loop_started is not None)
        lab.buttons.ctrl_c.click()
        await until(lambda: "cleanup started" in lab.output.value)
        lab.buttons.ctrl_c_again.click()
        await lab.wait()

    run_async(scenario)
    assert lab.trace is not None
    assert [s.reason for s in lab.trace.signals] == ["manual", "manual"]
    assert "cleanup finished" not in lab.trace.stdout_text()
    assert lab.trace.task("main").outcome == "cancelled"


def test_sigterm_and_kill_buttons() -> None:
    terminated, killed = Lab(program("workers.py")), Lab(program("workers.py"))

    async def press(lab: Lab, button: str) -> None:
        lab.start()
        await until(lambda: lab.trace is not None and lab.trace.loop_started is not None)
        getattr(lab.buttons, button).click()
        await lab.wait()

    async def both() -> None:
        await asyncio.gather(press(terminated, "sigterm"), press(killed, "kill"))

    run_async(both)
    assert terminated.trace is not None and killed.trace is not None
    assert terminated.trace.exit_code == -signal.SIGTERM
    assert killed.trace.exit_code == -signal.SIGKILL
    assert "killed by SIGKILL" in killed.status.value and "(exit status -9)" in killed.status.value
    # labkit's notes are in the panel, under the status line, which says they are there
    for lab, name in ((terminated, "SIGTERM"), (killed, "SIGKILL")):
        status, notes = lab.status.value, lab.notes.value
        assert lab.widget.children.index(lab.notes) == lab.widget.children.index(lab.status) + 1
        assert "1 note from labkit, below" in status and "timeline's text" not in status
        assert f"the program was killed by {name}: no exit handler" in notes
        assert notes.count("<li>") == 1
    assert "SIGTERM sent at " in terminated.status.value and " s (by hand)" in (
        terminated.status.value)
    assert " s (by hand)" in killed.status.value  # the Kill button is pressed by hand


def test_the_plan_switch_is_shown_only_with_a_plan_and_planned_by_default() -> None:
    planned = Lab(program("workers.py"), interrupt=["INT@1", "INT@0.5"])
    assert planned.plan_switch.options == (("planned: INT@0.5, INT@1", "planned"),
                                           ("by hand: no planned signal", "by hand"))
    assert planned.mode == "planned" and planned.plan_switch.layout.display is None
    switch_row = planned.widget.children[1]
    assert switch_row.children[:2] == (planned.buttons.run, planned.plan_switch)  # next to Run
    planned.mode = "by hand"
    assert planned.plan_switch.value == "by hand"
    with pytest.raises(ValueError, match="'planned' or 'by hand'"):
        planned.mode = "auto"
    unplanned = Lab(program("workers.py"))
    assert unplanned.mode == "by hand" and unplanned.plan_switch.layout.display == "none"
    with pytest.raises(ValueError, match="no interrupt plan"):
        unplanned.mode = "planned"


def test_a_planned_run_sends_the_plan_then_offers_ctrl_c_again() -> None:
    lab = Lab(program("slow_cleanup.py"), interrupt=["INT@0.3"])

    async def scenario() -> list[dict[str, bool]]:
        states = [disabled(lab)]
        lab.buttons.run.click()
        await loop_running(lab)
        states.append(disabled(lab))  # before the plan's instant: Ctrl+C is the one to press
        assert "planned: INT@0.3" in lab.status.value
        await until(lambda: not lab.buttons.ctrl_c_again.disabled)  # the plan's SIGINT went
        assert lab.running
        states.append(disabled(lab))
        await lab.wait()
        states.append(disabled(lab))
        return states

    assert run_async(scenario) == [IDLE, RUNNING_NO_SIGINT, RUNNING_AFTER_SIGINT, IDLE]
    assert lab.trace is not None
    [sigint] = lab.trace.signals
    assert (sigint.signal, sigint.reason) == ("SIGINT", "plan")
    assert "cleanup finished" in lab.trace.stdout_text()  # one Ctrl+C: the cleanup ran through
    status = lab.status.value
    assert " · planned: INT@0.3 · SIGINT sent at " in status and " s (planned)" in status
    assert "took over" not in status


def test_a_run_by_hand_sends_nothing_until_ctrl_c_is_pressed() -> None:
    """The learner chooses the moments: past the plan's instant, nothing has been sent."""
    lab = Lab(program("slow_cleanup.py"), interrupt=["INT@0.3"])
    lab.mode = "by hand"

    async def scenario() -> list[dict[str, bool]]:
        lab.buttons.run.click()
        await loop_running(lab)
        assert "by hand: no planned signal" in lab.status.value
        await until(lambda: since_loop_start(lab) > 0.8)
        assert lab.trace is not None and lab.trace.signals == []
        states = [disabled(lab)]
        lab.buttons.ctrl_c.click()
        states.append(disabled(lab))
        await until(lambda: "cleanup started" in lab.output.value)
        states.append(disabled(lab))
        lab.buttons.ctrl_c_again.click()
        await lab.wait()
        states.append(disabled(lab))
        return states

    assert run_async(scenario) == [RUNNING_NO_SIGINT, RUNNING_AFTER_SIGINT, RUNNING_AFTER_SIGINT,
                                   IDLE]
    assert lab.trace is not None and lab.trace.loop_started is not None
    assert [s.reason for s in lab.trace.signals] == ["manual", "manual"]
    first = lab.trace.signals[0].sent
    assert first is not None and first - lab.trace.loop_started > 0.8
    assert "cleanup finished" not in lab.trace.stdout_text()  # the second Ctrl+C cut it short
    status = lab.status.value
    assert " · by hand: no planned signal · SIGINT sent at " in status
    assert status.count(" s (by hand)") == 2
    assert lab.mode == "by hand"  # the next Run is by hand too


def test_ctrl_c_pressed_before_the_plans_instant_takes_over_from_the_plan() -> None:
    """A learner trying an earlier moment gets one SIGINT, not theirs and the plan's after it."""
    lab = Lab(program("slow_cleanup.py"), interrupt=["INT@0.6", "INT@0.9"])

    async def scenario() -> dict[str, bool]:
        lab.buttons.run.click()
        await loop_running(lab)
        lab.buttons.ctrl_c.click()
        assert since_loop_start(lab) < 0.6
        after_press = disabled(lab)
        await lab.wait()
        return after_press

    assert run_async(scenario) == RUNNING_AFTER_SIGINT
    assert lab.trace is not None
    assert [(s.signal, s.reason) for s in lab.trace.signals] == [("SIGINT", "manual")]
    assert "cleanup finished" in lab.trace.stdout_text()  # no planned SIGINT cut it short
    assert lab.trace.exit_code == -signal.SIGINT
    status = lab.status.value
    assert ("planned: INT@0.6, INT@0.9; you took over by hand, so INT@0.6, INT@0.9 were not "
            "sent") in status
    assert "2 notes from labkit, below" in status
    for planned in ("INT@0.6", "INT@0.9"):
        assert f"interrupt {planned} was not sent: SIGINT was sent by hand first" in (
            lab.notes.value)


def test_ctrl_c_again_after_the_plans_first_sigint_drops_the_plans_second() -> None:
    lab = Lab(program("slow_cleanup.py"), interrupt=["INT@0.2", "INT@0.9"])

    async def scenario() -> None:
        lab.buttons.run.click()
        await loop_running(lab)
        await until(lambda: not lab.buttons.ctrl_c_again.disabled)  # the plan's first SIGINT
        lab.buttons.ctrl_c_again.click()
        assert since_loop_start(lab) < 0.9
        await lab.wait()

    run_async(scenario)
    assert lab.trace is not None
    assert [s.reason for s in lab.trace.signals] == ["plan", "manual"]
    assert "cleanup finished" not in lab.trace.stdout_text()  # the press cut the cleanup short
    assert "planned: INT@0.2, INT@0.9; you took over by hand, so INT@0.9 was not sent" in (
        lab.status.value)


def test_run_with_an_interrupt_from_code_ignores_the_switch() -> None:
    lab = Lab(program("chatty.py"), interrupt=["INT@5"])  # chatty ends after about 1 s
    lab.mode = "by hand"
    trace = run_async(lambda: lab.run(interrupt=["INT@0.3"]))
    assert [(s.signal, s.reason) for s in trace.signals] == [("SIGINT", "plan")]
    assert " · planned: INT@0.3 · " in lab.status.value
    lab.mode = "planned"
    trace = run_async(lambda: lab.run(interrupt=[]))  # an empty plan from code: by hand
    assert "by hand: no planned signal" in lab.status.value
    assert trace.signals == [] and trace.exit_code == 0


def test_a_click_delivered_on_another_thread_runs_on_the_labs_loop() -> None:
    """JupyterLab 4 + ipykernel 7 deliver widget clicks on a subshell thread with its own loop;
    the run must still start at once on the kernel's main loop (which may be fast asleep)."""
    lab = Lab(program("workers.py"))

    async def click_in_a_subshell() -> None:
        lab.buttons.run.click()

    async def scenario() -> float:
        await lab.run(interrupt=["KILL@0"])  # the Lab now belongs to this loop
        clicked = time.monotonic()
        threading.Thread(target=asyncio.run, args=(click_in_a_subshell(),)).start()
        await asyncio.sleep(1.5)  # one long sleep: nothing else wakes this loop
        assert lab._program is not None and lab.running
        started_after = lab._program.origin - clicked
        lab.buttons.kill.click()
        await lab.wait()
        return started_after

    assert run_async(scenario) < 0.5


def test_redraws_at_most_ten_times_a_second(monkeypatch: pytest.MonkeyPatch) -> None:
    draws: list[float] = []
    real = lab_module.render_svg

    def counting(trace: labkit.Trace, **kwargs: float | None) -> str:
        if kwargs.get("now") is not None:
            draws.append(asyncio.get_running_loop().time())
        return real(trace, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(lab_module, "render_svg", counting)
    lab = Lab(program("chatty.py"))
    trace = run_async(lambda: lab.run())
    assert trace.exit_code == 0
    assert len(trace.tasks) > 100  # many batches of events reached the panel...
    gaps = [b - a for a, b in itertools.pairwise(draws)]
    assert len(draws) >= 3
    assert min(gaps) >= lab_module.REDRAW_INTERVAL * 0.9  # ...but it redrew at most 10 times/s


def test_output_beyond_what_the_panel_shows_says_where_the_rest_is(tmp_path: Path) -> None:
    script = tmp_path / "many_lines.py"
    script.write_text(f"for i in range({lab_module.OUTPUT_LINES_SHOWN + 50}):\n    print(i)\n")
    lab = Lab(script)
    trace = run_async(lambda: lab.run())
    assert len(trace.stdout) == lab_module.OUTPUT_LINES_SHOWN + 50
    assert ("… 50 earlier lines are not shown here; this Lab's .trace.stdout_text() and "
            ".trace.stderr_text() have every line") in lab.output.value
    assert "\n449</pre>" in lab.output.value and "\n49\n" not in lab.output.value
    # no event loop ran: labkit says so under the status line
    assert "no event loop was seen running" in lab.notes.value


def test_cancelling_the_run_kills_the_program() -> None:
    lab = Lab(program("workers.py"))

    async def scenario() -> int | None:
        task = lab.start()
        await until(lambda: lab.trace is not None and lab.trace.loop_started is not None)
        assert lab.trace is not None
        pid = lab.trace.pid
        assert alive(pid)
        task.cancel()  # what interrupting the awaiting cell does
        with pytest.raises(asyncio.CancelledError):
            await task
        return pid

    pid = run_async(scenario)
    assert not alive(pid)
    assert lab.trace is not None and lab.trace.exit_code == -signal.SIGKILL
    assert not lab.running


def test_running_again_and_closing_end_the_program() -> None:
    lab = Lab(program("workers.py"))

    async def scenario() -> list[int | None]:
        lab.start()
        await until(lambda: lab.trace is not None and lab.trace.loop_started is not None)
        assert lab.trace is not None
        first = lab.trace.pid
        second_run = asyncio.create_task(lab.run())
        await until(lambda: lab.trace is not None and lab.trace.pid not in (None, first))
        assert not alive(first)  # running again ended the first program
        assert lab.trace is not None
        second = lab.trace.pid
        lab.close()
        trace = await second_run  # the run ends with the program, killed
        assert trace.exit_code == -signal.SIGKILL
        return [first, second]

    pids = run_async(scenario)
    assert not any(alive(pid) for pid in pids)


def test_exit_hook_ends_every_running_lab() -> None:
    lab = Lab(program("workers.py"))

    async def scenario() -> int | None:
        lab.start()
        await until(lambda: lab.trace is not None and lab.trace.loop_started is not None)
        assert lab.trace is not None
        lab_module._close_all_labs()
        await lab.wait()
        return lab.trace.pid

    assert not alive(run_async(scenario))


def test_a_failing_button_callback_is_shown_in_the_panel() -> None:
    lab = Lab(program("workers.py"))
    lab.buttons.ctrl_c.click()  # disabled, but code can still press it
    [message] = lab.log.outputs
    assert message["name"] == "stderr" and "not running" in message["text"]
    # the next run starts with the message gone: it was about no run of this one
    run_async(lambda: lab.run(timeout=10))
    assert lab.log.outputs == ()


def test_bad_input_is_refused_with_a_clear_message() -> None:
    with pytest.raises(FileNotFoundError, match=r"no script at 'nope\.py'"):
        Lab("nope.py")
    with pytest.raises(PlanError, match="SIGNAL@SECONDS"):
        Lab(program("workers.py"), interrupt=["soon"])
    with pytest.raises(InterpreterNotFound):
        Lab(program("workers.py"), python="2.7")
    with pytest.raises(ValueError, match="timeout"):
        Lab(program("workers.py"), timeout=0)
    with pytest.raises(RuntimeError, match="needs a running event loop"):
        Lab(program("workers.py")).start()
