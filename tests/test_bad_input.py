"""Programs that misbehave: each gets a clear message, bounded memory, no hang, no orphan."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import labkit
from labkit import watchdog
from labkit.cli import main as cli_main
from labkit.interpreters import Interpreter
from labkit.runner import OUTPUT_LIMIT

from .conftest import program


def notes(trace: labkit.Trace) -> str:
    return "\n".join(message for _, message in trace.notes)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie is not running any more: look at its state
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_script_that_does_not_exist(capsys: object) -> None:
    trace = labkit.run("/nonexistent/script.py")
    assert "does not exist" in notes(trace)
    assert trace.exit_code == 2 and "can't open file" in trace.stderr_text()
    assert cli_main(["run", "/nonexistent/script.py"]) == 2


def test_script_that_does_not_parse(python: Interpreter) -> None:
    trace = labkit.run(program("bad_syntax.py"), python=python)
    assert trace.exit_code == 1
    assert [exc for _, exc, _ in trace.uncaught] == ["SyntaxError"]
    assert "no event loop was seen running" in notes(trace)
    assert "SyntaxError" in trace.stderr_text()


def test_script_that_never_starts_a_loop(python: Interpreter) -> None:
    trace = labkit.run(program("no_loop.py"), interrupt=["INT@0.1"], python=python)
    assert trace.exit_code == 0 and trace.tasks == [] and trace.loops == []
    assert ("interrupt INT@0.1 was not sent: the program ended within the 5 s the plan waits "
            "for an event loop to start, and none was seen") in notes(trace)
    assert trace.stdout_text() == "working without asyncio\ndone\n"


def test_script_that_ignores_sigint_is_ended_by_the_timeout(python: Interpreter) -> None:
    started = time.monotonic()
    program_run = labkit.ProgramRun(program("ignores_sigint.py"), python=python,
                                    interrupt=["INT@0.1"], timeout=1.0, grace=0.5)
    trace = program_run.start().wait(timeout=20)
    assert time.monotonic() - started < 10
    assert trace.exit_code == -signal.SIGTERM
    sent = [(s.signal, s.reason, s.disposition) for s in trace.signals]
    assert sent == [("SIGINT", "plan", "ignored"), ("SIGINT", "timeout", "ignored"),
                    ("SIGTERM", "timeout", "default")]
    assert "timeout: still running" in notes(trace)
    assert "killed by SIGTERM" in notes(trace)
    assert trace.task("main").outcome == "pending-at-exit"


def test_script_that_prints_megabytes_is_kept_within_bounds() -> None:
    trace = labkit.run(program("megabytes.py"), timeout=60)
    assert trace.exit_code == 0
    kept = sum(len(line.text) + 1 for line in trace.stdout)
    assert kept < OUTPUT_LIMIT + 64 * 1024
    assert trace.stdout[-1].text == "last line"
    assert "lines (" in notes(trace) and "were not kept" in notes(trace)


def test_script_that_writes_invalid_utf8() -> None:
    trace = labkit.run(program("bad_utf8.py"))
    assert trace.stdout_text() == "caf\\xe9 \\xff\\xfe end\nfine line\n"
    assert "stdout is not valid UTF-8" in notes(trace)
    json.dumps(trace.to_dict())  # still serialisable


def test_script_whose_own_children_are_ended(python: Interpreter) -> None:
    trace = labkit.run(program("grandchild.py"), interrupt=["TERM@0.3"], python=python)
    [line] = [line.text for line in trace.stdout if line.text.startswith("grandchild")]
    pid = int(line.split()[1])
    assert trace.exit_code == -signal.SIGTERM
    assert not alive(pid)


def _escaped_pids(trace: labkit.Trace) -> list[int]:
    return [int(line.text.split()[1]) for line in trace.stdout
            if line.text.startswith(("own-session", "daemon"))]


def test_children_that_leave_the_process_group_are_ended(python: Interpreter) -> None:
    trace = labkit.run(program("leaves_its_group.py"), interrupt=["TERM@0.3"], python=python)
    pids = _escaped_pids(trace)
    assert len(pids) == 2, trace.stdout_text()
    assert trace.exit_code == -signal.SIGTERM
    assert not any(alive(pid) for pid in pids)
    assert "labkit ended them" in notes(trace)


def test_children_left_behind_by_a_program_that_ended_are_ended(python: Interpreter) -> None:
    trace = labkit.run(program("leaves_its_group.py"), args=["exit"], python=python)
    pids = _escaped_pids(trace)
    assert len(pids) == 2, trace.stdout_text()
    assert trace.exit_code == 0
    assert not any(alive(pid) for pid in pids)
    assert "labkit ended them" in notes(trace)


def test_working_folder_deleted_under_the_caller_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A kernel whose folder was deleted (or replaced by a fresh copy) gets told what to do."""
    gone = tmp_path / "notebooks"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    message = "working folder no longer exists .*restart the kernel"
    with pytest.raises(FileNotFoundError, match=message):
        labkit.run(program("workers.py"))
    with pytest.raises(FileNotFoundError, match=message):
        labkit.Lab(program("workers.py"))
    with pytest.raises(FileNotFoundError, match=message):
        labkit.fuzz(program("workers.py"), runs=1, span=1.0)
    assert cli_main(["run", program("workers.py")]) == 2


def test_script_that_leaves_with_os_exit(python: Interpreter) -> None:
    trace = labkit.run(program("os_exit.py"), python=python)
    assert trace.exit_code == 3
    assert trace.exit_how is None
    assert trace.task("forever").outcome == "pending-at-exit"
    assert "forever: cleanup ran" not in trace.stdout_text()
    assert "without running its exit handlers" in notes(trace)


def test_script_that_closes_the_tracer_channel(python: Interpreter, tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    trace = labkit.run(program("closes_channel.py"), args=[str(target)], python=python)
    assert trace.exit_code == 0
    assert target.read_text() == "only this\n"  # the tracer never wrote into the script's file
    assert "trace channel was closed" in notes(trace)


PARENT = textwrap.dedent("""
    import sys, labkit
    run = labkit.ProgramRun(sys.argv[1], timeout=120)
    run.start()
    print(run._child.pid, flush=True)
    run.wait()
""")


def _parent_with_grandchild() -> tuple[subprocess.Popen[str], int, int]:
    parent = subprocess.Popen([sys.executable, "-c", PARENT, program("grandchild.py")],
                              stdout=subprocess.PIPE, text=True, start_new_session=True)
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    deadline = time.monotonic() + 10
    grandchild = None
    while grandchild is None and time.monotonic() < deadline:
        children = Path(f"/proc/{child}/task/{child}/children")
        pids = children.read_text().split() if children.exists() else []
        grandchild = int(pids[0]) if pids else None
        time.sleep(0.05)
    assert grandchild is not None
    return parent, child, grandchild


def _gone(*pids: int) -> bool:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if not any(alive(pid) for pid in pids):
            return True
        time.sleep(0.05)
    return False


def test_no_orphans_when_the_parent_is_interrupted() -> None:
    parent, child, grandchild = _parent_with_grandchild()
    os.kill(parent.pid, signal.SIGINT)
    parent.wait(timeout=10)
    assert _gone(child, grandchild)


def test_no_orphans_when_the_parent_is_killed() -> None:
    parent, child, grandchild = _parent_with_grandchild()
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait(timeout=10)
    assert _gone(child, grandchild)


def test_no_escaped_orphans_when_the_parent_is_killed() -> None:
    """The watchdog also ends what left the program's process group."""
    parent = subprocess.Popen([sys.executable, "-c", PARENT, program("leaves_its_group.py")],
                              stdout=subprocess.PIPE, text=True, start_new_session=True)
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    pids: list[int] = []
    deadline = time.monotonic() + 10
    while len(pids) < 2 and time.monotonic() < deadline:
        pids = [pid for pid in _marked_like(child) if pid != child]
        time.sleep(0.05)
    assert len(pids) >= 2
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait(timeout=10)
    assert _gone(child, *pids)


def _marked_like(pid: int) -> list[int]:
    """The processes that carry the same run mark as ``pid`` (that is, what it started)."""
    environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    [mark] = [entry for entry in environ if entry.startswith(b"LABKIT_RUN=")]
    return watchdog.marked_processes(mark.split(b"=", 1)[1].decode())
