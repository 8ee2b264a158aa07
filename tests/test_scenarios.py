"""Every scenario, run with its own interrupt plan under each CPython version, does what the
notebooks will say it does. Where versions disagree, each version's own truth is asserted.

The expectations were observed with labkit on 3.11.7, 3.12.1 and 3.13.0 and checked against
scenarios/OBSERVED.md, which explains each one. Compared per scenario: the exit code, every
task's outcome (by coroutine name; asyncio.run's own shutdown tasks left out), the set of
cleanup lines printed, asyncio's messages, where KeyboardInterrupt was raised, and refused
``loop.close()`` calls, and errors raised by ``run_until_complete``.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

import labkit
from labkit.interpreters import SUPPORTED, Interpreter

SCENARIOS = Path(__file__).parent.parent / "scenarios"
HANGS = {"02a_restart_loop": 3.0}  # the recipe never returns: labkit's timeout ends it


@dataclass
class Expect:
    """What one scenario does on 3.11, and what differs on later versions."""

    exit: int
    outcomes: list[str] = field(default_factory=list)
    cleanup: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    keyboard_interrupts: list[str] = field(default_factory=list)
    close_refused: list[str] = field(default_factory=list)
    loop_errors: list[str] = field(default_factory=list)  # raised by run_until_complete
    differs: dict[str, dict[str, Any]] = field(default_factory=dict)

    def on(self, version: str) -> dict[str, Any]:
        """The expectations for one short version, e.g. "3.13"."""
        expected = {
            "exit": self.exit,
            "outcomes": self.outcomes,
            "cleanup": self.cleanup,
            "warnings": self.warnings,
            "keyboard_interrupts": self.keyboard_interrupts,
            "close_refused": self.close_refused,
            "loop_errors": self.loop_errors,
        }
        expected.update(self.differs.get(version, {}))
        return expected


EXPECTED: dict[str, Expect] = {
    "01a_naive_cancel": Expect(
        exit=0,
        outcomes=["worker:destroyed-pending", "worker:destroyed-pending"],
        warnings=["Task was destroyed but it is pending!"],
        keyboard_interrupts=["signal handler: default (KeyboardInterrupt)"],
        differs={
            "3.12": {
                "warnings": [
                    "Task was destroyed but it is pending!",
                    "There is no current event loop",
                ]
            },
            "3.13": {
                "warnings": [
                    "Task was destroyed but it is pending!",
                    "There is no current event loop",
                ]
            },
        },
    ),
    "01b_naive_cancel_finally": Expect(
        exit=0,
        outcomes=["worker:destroyed-pending", "worker:destroyed-pending"],
        cleanup=["worker 1: cleanup started", "worker 2: cleanup started"],
        warnings=["Task was destroyed but it is pending!"],
        keyboard_interrupts=["signal handler: default (KeyboardInterrupt)"],
        differs={
            "3.12": {
                "warnings": [
                    "Task was destroyed but it is pending!",
                    "There is no current event loop",
                ]
            },
            "3.13": {
                "warnings": [
                    "Task was destroyed but it is pending!",
                    "There is no current event loop",
                ]
            },
        },
    ),
    "02a_restart_loop": Expect(
        exit=-2,
        outcomes=["worker:cancelled", "worker:cancelled"],
        cleanup=["worker 1: cleanup ran", "worker 2: cleanup ran"],
        warnings=["_GatheringFuture exception was never retrieved"],
        keyboard_interrupts=[
            "signal handler: default (KeyboardInterrupt)",
            "signal handler: default (KeyboardInterrupt)",
        ],
        differs={
            "3.12": {
                "warnings": [
                    "There is no current event loop",
                    "_GatheringFuture exception was never retrieved",
                ]
            },
            "3.13": {
                "warnings": [
                    "There is no current event loop",
                    "_GatheringFuture exception was never retrieved",
                ]
            },
        },
    ),
    "02b_restart_loop_fixed": Expect(
        exit=0,
        outcomes=["worker:cancelled", "worker:cancelled"],
        cleanup=[
            "worker 1: cleanup done",
            "worker 1: cleanup started",
            "worker 2: cleanup done",
            "worker 2: cleanup started",
        ],
        keyboard_interrupts=["signal handler: default (KeyboardInterrupt)"],
    ),
    "03_gather_all_tasks": Expect(
        exit=0,
        outcomes=[
            "amain:cancelled",
            "async_generator_athrow:finished",
            "worker:cancelled",
            "worker:cancelled",
        ],
        cleanup=[
            "amain: cleanup ran",
            "ticker: cleanup ran (async generator finalized)",
            "worker 1: cleanup done",
            "worker 1: cleanup started",
            "worker 2: cleanup done",
            "worker 2: cleanup started",
        ],
        keyboard_interrupts=["signal handler: default (KeyboardInterrupt)"],
        differs={
            "3.12": {"warnings": ["There is no current event loop"]},
            "3.13": {"warnings": ["There is no current event loop"]},
        },
    ),
    "04_asyncio_run_roughly": Expect(
        exit=-2,
        outcomes=[
            "async_generator_athrow:finished",
            "main:cancelled",
            "worker:cancelled",
            "worker:cancelled",
        ],
        cleanup=[
            "main: cleanup ran",
            "ticker: cleanup ran",
            "worker 1: cleanup done",
            "worker 1: cleanup started",
            "worker 2: cleanup done",
            "worker 2: cleanup started",
        ],
        keyboard_interrupts=["signal handler: default (KeyboardInterrupt)"],
        differs={
            "3.12": {"warnings": ["There is no current event loop"]},
            "3.13": {"warnings": ["There is no current event loop"]},
        },
    ),
    "05a_asyncio_run_one_ctrl_c": Expect(
        exit=-2,
        outcomes=["main:cancelled", "worker:cancelled"],
        cleanup=[
            "main: cleanup done",
            "worker 1: cleanup done",
            "worker 1: cleanup started",
            "worker 2: cleanup done",
            "worker 2: cleanup started",
        ],
        keyboard_interrupts=["asyncio.Runner.run"],
    ),
    "05b_asyncio_run_two_ctrl_c": Expect(
        exit=-2,
        outcomes=["main:cancelled", "worker:cancelled"],
        cleanup=[
            "main: cleanup ran",
            "worker 1: cleanup interrupted by CancelledError",
            "worker 1: cleanup started",
            "worker 2: cleanup done",
            "worker 2: cleanup started",
        ],
        keyboard_interrupts=["signal handler: asyncio.Runner"],
    ),
    "06a_runner_one_ctrl_c": Expect(
        exit=-2,
        outcomes=["flush:finished", "main:cancelled", "worker:cancelled"],
        cleanup=[
            "flush: cleanup done (ran after the KeyboardInterrupt)",
            "main: cleanup ran",
            "worker 1: cleanup done",
            "worker 1: cleanup started",
            "worker 2: cleanup done",
            "worker 2: cleanup started",
        ],
        keyboard_interrupts=["asyncio.Runner.run"],
    ),
    "06b_runner_two_ctrl_c": Expect(
        exit=-2,
        outcomes=["main:cancelled", "worker:cancelled"],
        cleanup=[
            "main: cleanup ran",
            "worker 1: cleanup interrupted by CancelledError",
            "worker 1: cleanup started",
            "worker 2: cleanup done",
            "worker 2: cleanup started",
        ],
        keyboard_interrupts=["signal handler: asyncio.Runner"],
    ),
    "07a_signal_event": Expect(
        exit=0,
        outcomes=["run:finished"],
        cleanup=["session: cleanup done (connections closed)"],
    ),
    "07b_signal_event_wait": Expect(
        exit=0,
        outcomes=["Event.wait:finished", "run:finished"],
        cleanup=["session: cleanup done (connections closed)"],
        differs={"3.12": {"outcomes": ["run:finished"]}, "3.13": {"outcomes": ["run:finished"]}},
    ),
    "07c_signal_event_threadsafe": Expect(
        exit=0,
        outcomes=["Event.wait:finished", "run:finished"],
        cleanup=["session: cleanup done (connections closed)"],
        differs={"3.12": {"outcomes": ["run:finished"]}, "3.13": {"outcomes": ["run:finished"]}},
    ),
    "08a_add_signal_handler_service": Expect(
        exit=0,
        outcomes=["Event.wait:finished", "serve:finished", "worker:finished", "worker:finished"],
        cleanup=["worker 1: cleanup done", "worker 2: cleanup done"],
        differs={
            "3.12": {"outcomes": ["serve:finished", "worker:finished", "worker:finished"]},
            "3.13": {"outcomes": ["serve:finished", "worker:finished", "worker:finished"]},
        },
    ),
    "08b_sling_signal_as_written": Expect(
        exit=1,
    ),
    "08c_sling_signal_corrected": Expect(
        exit=0,
        outcomes=["main:finished", "release_resources:cancelled"],
        cleanup=["cleanup: interrupted (CancelledError)", "cleanup: releasing resources..."],
    ),
    "08d_sigterm_unhandled": Expect(
        exit=-15,
        outcomes=["main:pending-at-exit", "sleep:pending-at-exit", "worker:pending-at-exit"],
    ),
    "08e_signal_handler_loop_stop": Expect(
        exit=1,
        outcomes=["main:cancelled"],
        cleanup=["main: cleanup done"],
        loop_errors=["Event loop stopped before Future completed."],
    ),
    "09a_context_managers": Expect(
        exit=-2,
        outcomes=["main:cancelled"],
        cleanup=[
            "cache: cleanup done",
            "cache: cleanup started (exc_type=CancelledError)",
            "database: cleanup done",
            "database: cleanup started (exc_type=CancelledError)",
            "lock file: cleanup done (was held)",
            "pool: cleanup done (push_async_callback)",
        ],
        keyboard_interrupts=["asyncio.Runner.run"],
    ),
    "09b_shield_alone": Expect(
        exit=-2,
        outcomes=["commit:cancelled", "main:cancelled"],
        cleanup=["commit: cleanup interrupted by CancelledError"],
        keyboard_interrupts=["asyncio.Runner.run"],
    ),
    "09c_shield_and_wait": Expect(
        exit=-2,
        outcomes=["commit:finished", "main:cancelled"],
        cleanup=["commit: cleanup done (transaction committed)"],
        keyboard_interrupts=["asyncio.Runner.run"],
    ),
    "09d_sling_context_manager_as_written": Expect(
        exit=-2,
        outcomes=["main:cancelled"],
        cleanup=["resource: cleanup done", "resource: cleanup started"],
        keyboard_interrupts=["asyncio.Runner.run"],
    ),
    "09e_sling_exception_handling_as_written": Expect(
        exit=0,
        outcomes=["main:finished"],
        cleanup=["main: cleanup done (in the except block)"],
    ),
    "09f_except_exception_misses_cancel": Expect(
        exit=-2,
        outcomes=["main:cancelled"],
        cleanup=["main: cleanup done (in finally)"],
        keyboard_interrupts=["asyncio.Runner.run"],
    ),
    "10a_first_completed_as_written": Expect(
        exit=0,
        outcomes=["job:finished"],
        cleanup=["job: cleanup ran"],
        differs={
            "3.12": {"warnings": ["There is no current event loop"]},
            "3.13": {"warnings": ["There is no current event loop"]},
        },
    ),
    "10b_first_completed_with_sibling": Expect(
        exit=0,
        outcomes=["fast:finished", "slow:destroyed-pending"],
        cleanup=["slow: cleanup started"],
        warnings=["Task was destroyed but it is pending!"],
        differs={
            "3.12": {
                "warnings": [
                    "Task was destroyed but it is pending!",
                    "There is no current event loop",
                ]
            },
            "3.13": {
                "warnings": [
                    "Task was destroyed but it is pending!",
                    "There is no current event loop",
                ]
            },
        },
    ),
    "10c_first_completed_wait": Expect(
        exit=0,
        outcomes=["fetch:cancelled", "fetch:cancelled", "fetch:finished", "main:finished"],
        cleanup=[
            "mirror B: cancelled, cleanup started",
            "mirror B: cleanup done",
            "mirror C: cancelled, cleanup started",
            "mirror C: cleanup done",
        ],
    ),
    "10d_first_completed_taskgroup": Expect(
        exit=0,
        outcomes=["fetch:cancelled", "fetch:cancelled", "fetch:failed", "main:finished"],
        cleanup=[
            "mirror B: cancelled, cleanup started",
            "mirror B: cleanup done",
            "mirror C: cancelled, cleanup started",
            "mirror C: cleanup done",
        ],
    ),
    "11a_close_inside_coroutine": Expect(
        exit=1,
        outcomes=["main:failed", "worker:cancelled"],
        cleanup=["main: cleanup ran (task still running: True)", "worker: cleanup done"],
        close_refused=["Cannot close a running event loop"],
        loop_errors=["Cannot close a running event loop"],
    ),
    "11b_close_from_signal_handler": Expect(
        exit=0,
        outcomes=["main:finished"],
        cleanup=["main: cleanup done"],
        warnings=["Exception in callback main.<locals>.close_loop()"],
        close_refused=["Cannot close a running event loop"],
    ),
    "11c_fix1_manual_loop": Expect(
        exit=-2,
        outcomes=["main:destroyed-pending"],
        cleanup=["main: cleanup done"],
        keyboard_interrupts=["signal handler: default (KeyboardInterrupt)"],
    ),
    "11d_fix2_context_manager": Expect(
        exit=1,
        differs={
            "3.12": {"warnings": ["There is no current event loop"]},
            "3.13": {"warnings": ["There is no current event loop"]},
        },
    ),
    "11e_fix3_graceful_shutdown": Expect(
        exit=1,
        outcomes=["task1:destroyed-pending", "task2:destroyed-pending"],
        cleanup=["task 1: cleanup ran", "task 2: cleanup ran"],
        keyboard_interrupts=["signal handler: default (KeyboardInterrupt)"],
        differs={
            "3.12": {"warnings": ["There is no current event loop"]},
            "3.13": {"warnings": ["There is no current event loop"]},
        },
    ),
    "11f_real_fix": Expect(
        exit=0,
        outcomes=["Event.wait:finished", "main:finished", "worker:cancelled", "worker:cancelled"],
        cleanup=["worker 1: cleanup done", "worker 2: cleanup done"],
        differs={
            "3.12": {"outcomes": ["main:finished", "worker:cancelled", "worker:cancelled"]},
            "3.13": {"outcomes": ["main:finished", "worker:cancelled", "worker:cancelled"]},
        },
    ),
    "12_executor": Expect(
        exit=-2,
        outcomes=["main:cancelled"],
        cleanup=["main: cleanup done at 0.5 s"],
        keyboard_interrupts=["asyncio.Runner.run"],
    ),
    "13a_asyncgen_asyncio_run": Expect(
        exit=-2,
        outcomes=["async_generator_athrow:finished", "main:cancelled"],
        cleanup=[
            "main: cleanup done",
            "ticks: cleanup done",
            "ticks: cleanup started after 1 ticks",
        ],
        keyboard_interrupts=["asyncio.Runner.run"],
    ),
    "13b_asyncgen_freed_at_return": Expect(
        exit=0,
        outcomes=["async_generator_athrow:finished", "main:finished"],
        cleanup=["ticks: cleanup started after 1 ticks"],
        differs={
            "3.13": {
                "outcomes": ["async_generator_athrow:cancelled", "main:finished"],
                "cleanup": ["ticks: cleanup done", "ticks: cleanup started after 1 ticks"],
            }
        },
    ),
    "13c_asyncgen_hand_loop": Expect(
        exit=0,
        outcomes=["main:cancelled"],
        cleanup=["main: cleanup done"],
        keyboard_interrupts=["signal handler: default (KeyboardInterrupt)"],
        differs={"3.13": {"warnings": ["coroutine method 'aclose' of 'ticks' was never awaited"]}},
    ),
    "13d_asyncgen_aclosing": Expect(
        exit=0,
        outcomes=["main:cancelled"],
        cleanup=[
            "main: cleanup done",
            "ticks: cleanup done",
            "ticks: cleanup started after 1 ticks",
        ],
        keyboard_interrupts=["signal handler: default (KeyboardInterrupt)"],
    ),
    "14a_fire_and_forget": Expect(
        exit=0,
        outcomes=["listen:destroyed-pending", "main:finished"],
        cleanup=["listener: cleanup started (GeneratorExit)"],
        warnings=["Task was destroyed but it is pending!"],
    ),
    "14b_fire_and_forget_fixed": Expect(
        exit=0,
        outcomes=["listen:cancelled", "main:finished"],
        cleanup=["listener: cleanup done", "listener: cleanup started (CancelledError)"],
    ),
    "15a_loop_in_thread": Expect(
        exit=0,
        outcomes=["service:cancelled"],
        cleanup=["service: cleanup done"],
        keyboard_interrupts=["signal handler: default (KeyboardInterrupt)"],
    ),
    "15b_loop_in_thread_join_trap": Expect(
        exit=0,
        outcomes=["service:pending-at-exit"],
        keyboard_interrupts=["signal handler: default (KeyboardInterrupt)"],
        differs={"3.13": {"outcomes": ["service:cancelled"], "cleanup": ["service: cleanup done"]}},
    ),
}


def plan_of(script: Path) -> list[str]:
    """The scenario's own interrupt plan: its top-level ``PLAN = [...]``."""
    for node in ast.parse(script.read_text()).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "PLAN":
            plan: list[str] = ast.literal_eval(node.value)
            return plan
    raise AssertionError(f"{script.name} has no PLAN")


def _short(message: str) -> str:
    """A message without its details (paths, reprs): the text before ":" or " at "."""
    return message.split(":")[0].split(" at ")[0][:60]


def observed(trace: labkit.Trace) -> dict[str, Any]:
    """The same facts, read from a trace."""
    return {
        "exit": trace.exit_code,
        "outcomes": sorted(
            f"{t.coro}:{t.outcome}" for t in trace.tasks if not t.coro.startswith("BaseEventLoop.")
        ),
        "cleanup": sorted({line.text for line in trace.stdout if "cleanup" in line.text.lower()}),
        "warnings": sorted({_short(w.message) for w in trace.warnings}),
        "keyboard_interrupts": [where for _, where in trace.keyboard_interrupts],
        "close_refused": [message for loop in trace.loops for _, message in loop.close_refused],
        "loop_errors": [
            message for loop in trace.loops for _, message in loop.run_until_complete_errors
        ],
    }


def test_every_scenario_has_expectations() -> None:
    assert sorted(p.stem for p in SCENARIOS.glob("*.py")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_scenario(name: str, python: Interpreter) -> None:
    script = SCENARIOS / f"{name}.py"
    trace = labkit.run(
        script, interrupt=plan_of(script), python=python, timeout=HANGS.get(name, 15.0)
    )
    assert observed(trace) == EXPECTED[name].on(python.short_version)
    timed_out = any(message.startswith("timeout") for _, message in trace.notes)
    assert timed_out == (name in HANGS)


def test_expectations_name_only_supported_versions() -> None:
    for expect in EXPECTED.values():
        assert set(expect.differs) <= set(SUPPORTED) - {"3.11"}
