"""The ``labkit run`` command as a user types it: Ctrl+C, script arguments, bad input, pipes."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from labkit.cli import main

from .conftest import SCENARIOS, program

LABKIT = [sys.executable, "-m", "labkit.cli", "run"]


def _start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([*LABKIT, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def _ctrl_c(cli: subprocess.Popen[str], times: int) -> tuple[dict[str, Any], str, int]:
    """Press Ctrl+C ``times`` times at the command (as a terminal does: SIGINT to labkit)."""
    time.sleep(1.0)  # a press before the program's loop runs waits for it, so this is not a race
    for _ in range(times):
        cli.send_signal(signal.SIGINT)
        time.sleep(0.3)
    out, err = cli.communicate(timeout=30)
    return json.loads(out), err, cli.returncode


def test_first_ctrl_c_is_passed_on_to_the_program() -> None:
    trace, err, status = _ctrl_c(_start(program("workers.py"), "--json"), times=1)
    assert status == 0
    assert "Ctrl+C passed on to the program" in err
    assert [(s["signal"], s["reason"]) for s in trace["signals"]] == [("SIGINT", "ctrl-c")]
    assert trace["exit_code"] == -signal.SIGINT
    outcomes = {t["name"]: t["outcome"] for t in trace["tasks"]}
    assert outcomes["worker-0"] == outcomes["worker-1"] == "cancelled"
    assert "worker 0: cleanup ran" in str(trace["stdout"])


def test_second_ctrl_c_kills_the_program() -> None:
    trace, err, status = _ctrl_c(_start(program("ignores_sigint.py"), "--json"), times=2)
    assert status == 130
    assert "killing the program" in err
    assert [s["reason"] for s in trace["signals"]] == ["ctrl-c", "kill"]
    assert trace["exit_code"] == -signal.SIGKILL


def test_script_arguments_go_after_the_options(tmp_path: Path) -> None:
    script = tmp_path / "show args.py"
    script.write_text("import sys\nprint(sys.argv[1:])\n")
    cli = _start(str(script), "--interrupt", "INT@5", "--json", "--", "--port", "8080", "-x")
    out, err = cli.communicate(timeout=30)
    assert cli.returncode == 0, err
    assert json.loads(out)["stdout"] == "['--port', '8080', '-x']\n"


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    try:
        status = main(["run", *args])
    except SystemExit as exc:  # argparse's own errors
        status = int(exc.code or 0)
    return status, capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("nope.py",), r"there is no script at 'nope.py' \(looked from "),
        ((str(SCENARIOS),), "is a folder; give the Python script to run"),
        ((program("workers.py"), "--timeout", "inf"), "positive, finite number of seconds"),
        ((program("workers.py"), "--timeout", "nan"), "positive, finite number of seconds"),
        ((program("workers.py"), "--timeout", "-1"), "positive, finite number of seconds"),
        ((program("workers.py"), "--timeout", "soon"), "invalid float value: 'soon'"),
        ((program("workers.py"), "--interrupt", "INT@abc"), "write SIGNAL@SECONDS"),
        ((program("workers.py"), "--python", "/nonexistent/python"), "no interpreter at"),
        ((program("workers.py"), "--python", "/bin/true"), "does not look like a Python"),
        ((program("workers.py"), "--events"), "--events goes with --json"),
    ],
)
def test_bad_input_is_one_clear_line(capsys: pytest.CaptureFixture[str], args: tuple[str, ...],
                                     message: str) -> None:
    status, err = _run(capsys, *args)
    assert status == 2
    assert re.search(message, err), err
    assert "Traceback" not in err


def test_output_cut_short_by_a_pipe_is_no_error() -> None:
    cli = _start(program("workers.py"), "--interrupt", "INT@0.2")
    assert cli.stdout is not None
    cli.stdout.close()  # like `labkit run ... | head -1` once head has its line
    _, err = cli.communicate(timeout=30)
    assert cli.returncode == 0
    assert "Traceback" not in err and "BrokenPipe" not in err


def test_text_timeline_rows_line_up(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["run", str(SCENARIOS / "05a_asyncio_run_one_ctrl_c.py"),
                   "--interrupt", "INT@0.3"])
    out = capsys.readouterr().out
    assert status == 0
    header, *rows = out.split("\n\n")[0].splitlines()[1:]
    labels = header.index(" 0 s")  # every row: its label in this many columns, then the time
    for row in rows:
        assert row[labels] == " " and len(row[labels + 1:].rstrip()) <= 60 + len(" cancelled"), row
    loop_row = next(row for row in rows if row.startswith("loop 1"))
    assert loop_row.rstrip().endswith("x") and len(loop_row) <= labels + 1 + 60
    task_labels = [row[:labels].rstrip() for row in rows if row.startswith("Task-")]
    assert len(set(task_labels)) == len(task_labels) == 4  # the shutdown tasks told apart
    assert any(label.endswith("shutdown_default_executor") for label in task_labels)
    assert "first event loop started at" in out


def test_json_to_a_pipe_is_one_compact_line() -> None:
    cli = _start(program("workers.py"), "--interrupt", "INT@0.2", "--json")
    out, err = cli.communicate(timeout=30)
    assert cli.returncode == 0, err
    assert out.count("\n") == 1 and out.endswith("}\n") and '", "' not in out
    assert json.loads(out)["exit_code"] == -signal.SIGINT


def test_labkit_run_imports_neither_jupyter_nor_asyncio_nor_the_checks() -> None:
    """What ``labkit run`` does not need, it does not import: it starts and ends sooner."""
    code = ("import sys; from labkit.cli import main; main(['run', sys.argv[1], '--json']); "
            "print(sorted(set(sys.modules) & {'asyncio', 'ipywidgets', 'IPython', 'labkit.lab', "
            "'labkit.checks', 'labkit.fuzzing', 'labkit.svg'}), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code, program("printing.py")],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["stdout"]
    assert done.stderr.splitlines()[-1] == "[]"
