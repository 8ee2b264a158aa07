"""The tracer's private CPython names: each one exists on every version labkit is tested on,
and where one is missing (a newer CPython) the tracer installs what it can and the trace's notes
say what is not recorded, while the program runs exactly as it would untraced."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import labkit
from labkit import interpreters
from labkit.model import TraceBuilder
from labkit.tracer import internals
from labkit.tracer.protocol import decode_frame

PYTHONS = interpreters.available()
TRACER = Path(internals.__file__).resolve().parent
VERSION = "{}.{}.{}".format(*sys.version_info[:3])

PROGRAM = textwrap.dedent("""\
    import asyncio

    async def work(n):
        await asyncio.sleep(0.01 * n)
        return n

    async def main():
        print(sum(await asyncio.gather(*(work(n) for n in range(3)))), flush=True)

    asyncio.run(main())
""")


@pytest.fixture
def program(tmp_path: Path) -> Path:
    path = tmp_path / "program.py"
    path.write_text(PROGRAM)
    return path


@pytest.mark.parametrize("version", sorted(PYTHONS))
def test_every_internal_exists_on_each_tested_version(version: str) -> None:
    path = str(TRACER / "internals.py")
    code = ("import importlib.util, json, sys\n"
            f"spec = importlib.util.spec_from_file_location('internals', {path!r})\n"
            "module = importlib.util.module_from_spec(spec)\n"
            "sys.modules['internals'] = module\n"
            "spec.loader.exec_module(module)\n"
            "print(json.dumps([item.path for item in module.missing()]))\n")
    out = subprocess.run([PYTHONS[version].path, "-c", code], capture_output=True, text=True,
                         check=True, env={k: v for k, v in os.environ.items()
                                          if k != internals.ENV_PRETEND_MISSING})
    assert json.loads(out.stdout) == []


@pytest.mark.parametrize("version", sorted(PYTHONS))
def test_a_tested_version_gets_no_tracer_note(version: str, program: Path) -> None:
    trace = labkit.run(program, python=version, timeout=20)
    assert [message for _, message in trace.notes if message.startswith("tracer:")] == []
    assert trace.exit_code == 0 and trace.loop_started is not None
    assert all(task.steps for task in trace.tasks)


def test_every_hook_of_the_table_is_described() -> None:
    assert {item.hook for item in internals.INTERNALS} <= set(internals.HOOKS)
    assert len({item.path for item in internals.INTERNALS}) == len(internals.INTERNALS)


def test_the_newer_than_tested_sentence() -> None:
    assert internals.newer_than_tested((3, 13)) is None
    assert internals.newer_than_tested((3, 11)) is None
    assert internals.newer_than_tested((3, 14)) == (
        "CPython 3.14 is newer than labkit was tested on (3.11 to 3.13)")
    assert interpreters.Interpreter("/usr/bin/python3.14", "3.14.0").untested == (
        "CPython 3.14 is newer than labkit was tested on (3.11 to 3.13)")
    assert interpreters.Interpreter(sys.executable, "3.12.1").untested is None
    assert interpreters.SUPPORTED == ("3.11", "3.12", "3.13")


def _untraced(program: Path, python: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([python, str(program)], capture_output=True, text=True, timeout=20)


@pytest.mark.parametrize("version", sorted(PYTHONS))
def test_without_the_step_timer_the_trace_says_what_it_lacks(version: str,
                                                              program: Path) -> None:
    trace = labkit.run(program, python=version, timeout=20,
                       env={internals.ENV_PRETEND_MISSING: "asyncio.events.Handle._run"})
    [note] = [message for _, message in trace.notes if message.startswith("tracer:")]
    assert note == (
        f"tracer: CPython {version}: asyncio.events.Handle._run not found, so the tracer's "
        "steps hook is off and this trace has no task steps, nor how each task ended")
    # the tasks and the loop are still seen; only steps and outcomes are not
    assert {task.coro for task in trace.tasks} >= {"main", "work"}
    assert all(task.steps == [] for task in trace.tasks)
    assert trace.loop_started is not None
    # the program ran as it does untraced
    plain = _untraced(program, PYTHONS[version].path)
    assert (trace.stdout_text(), trace.exit_code) == (plain.stdout, plain.returncode) == ("3\n", 0)


def test_without_the_loop_hooks_the_trace_does_not_claim_no_loop_ran(program: Path) -> None:
    trace = labkit.run(program, interrupt=["INT@5"], timeout=20, env={
        internals.ENV_PRETEND_MISSING: "asyncio.base_events.BaseEventLoop._run_once"})
    notes = [message for _, message in trace.notes]
    assert (f"tracer: CPython {sys.version_info[0]}.{sys.version_info[1]}: "
            "asyncio.base_events.BaseEventLoop._run_once not found, so the tracer's loops hook "
            "is off and this trace has no event loop runs, stop(), close() or shutdown steps"
            ) in notes
    assert "no asyncio event loop ever ran in this program" not in notes
    assert trace.loop_started is None and trace.stdout_text() == "3\n" and trace.exit_code == 0
    assert {task.coro for task in trace.tasks} >= {"main", "work"}
    assert all(task.outcome == "finished" for task in trace.tasks if task.coro == "work")


def test_a_tracer_that_cannot_start_leaves_the_program_untraced(tmp_path: Path,
                                                                program: Path) -> None:
    """A copy of the tracer whose package fails to import, as one would on a CPython without a
    module it imports: the program runs as untraced, and the channel says why."""
    copy = tmp_path / "tracer"
    shutil.copytree(TRACER, copy, ignore=shutil.ignore_patterns("__pycache__"))
    init = copy / "__init__.py"
    source = init.read_text().replace("import atexit\n", "import asyncio.no_such_module\n", 1)
    init.write_text(source)
    read, write = os.pipe()
    env = {**os.environ, "PYTHONPATH": str(copy / "inject"), "LABKIT_TRACE_FD": str(write)}
    env.pop(internals.ENV_PRETEND_MISSING, None)
    child = subprocess.run([sys.executable, str(program)], capture_output=True, text=True,
                           env=env, pass_fds=[write], timeout=20)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        data = pipe.read()
    plain = _untraced(program, sys.executable)
    assert (child.stdout, child.stderr, child.returncode) == (plain.stdout, plain.stderr, 0)
    length = int.from_bytes(data[:4], "little")
    assert len(data) == 4 + length
    builder = TraceBuilder(str(program), [], time.monotonic())
    builder.add_records(decode_frame(data[4:]))
    assert builder.hooks_off == {"start"}
    [(_, note)] = builder.trace.notes
    assert note.startswith(f"tracer: the tracer could not start on CPython "
                           f"{VERSION} (ModuleNotFoundError(")
    assert note.endswith("the program ran untraced")
    assert builder.trace.python == VERSION
