"""check_runs: one call runs a program under several plans and environments and judges each
run; the report says which runs failed and why."""

from __future__ import annotations

import html
from pathlib import Path
from types import SimpleNamespace

import pytest

import labkit
from labkit import PlanError
from labkit.interpreters import resolve

ENV_TIMING = '''
import asyncio, os

CLEANUP = float(os.environ.get("CLEANUP", "0.1"))

async def worker():
    try:
        await asyncio.sleep(float(os.environ.get("WORK", "10")))
    finally:
        await asyncio.sleep(CLEANUP)
        print("worker: cleanup done", flush=True)

async def main():
    await asyncio.create_task(worker(), name="worker")

asyncio.run(main())
'''


@pytest.fixture
def script(tmp_path: Path) -> Path:
    path = tmp_path / "env_timing.py"
    path.write_text(ENV_TIMING)
    return path


def test_each_run_gets_its_plan_and_environment(script: Path) -> None:
    report = labkit.check_runs(script, [
        labkit.Run("Ctrl+C, quick cleanup", interrupt=["INT@0.2"], exits_within=0.6),
        labkit.Run("Ctrl+C, slow cleanup", interrupt=["INT@0.2"], env={"CLEANUP": "1.0"},
                   exits_within=0.6),
        labkit.Run("no Ctrl+C", env={"WORK": "0.2"}),
    ], cleanup={"worker: cleanup done": "worker"})
    assert [verdict.passed for verdict in report.verdicts] == [True, False, True]
    assert not report.passed and not bool(report)
    [slow] = report.failed
    assert [r.name for r in slow.report.failures] == ["exited within 0.6 s of the first SIGINT"]
    # the exit status each run expects: -2 or 130 after a Ctrl+C, 0 without
    assert report.verdicts[0].trace.exit_code == -2
    assert report.verdicts[2].trace.exit_code == 0
    text = str(report)
    assert text.splitlines()[0] == "2 of 3 runs passed every check"
    assert "✘ run 2: Ctrl+C, slow cleanup" in text and "✔ run 3: no Ctrl+C" in text
    with pytest.raises(AssertionError, match="slow cleanup"):
        report.assert_passed()
    page = report._repr_html_()
    assert page.count("<details") == 3 and page.count("<svg") == 3
    assert page.count("<details open") == 1  # the first failed run is open
    assert html.escape("Ctrl+C, slow cleanup") in page


def test_exit_status_can_be_given(script: Path) -> None:
    [verdict] = labkit.check_runs(script, [
        labkit.Run("Ctrl+C, must exit 0", interrupt=["INT@0.2"], exit_code=0),
    ]).verdicts
    assert [r.name for r in verdict.report.failures] == ["exit status 0"]


def test_a_lab_gives_its_script_and_interpreter(script: Path) -> None:
    python = resolve("3.11")
    lab = SimpleNamespace(script=str(script), args=[], cwd=None, python=python)
    report = labkit.check_runs(lab, [labkit.Run("no Ctrl+C", env={"WORK": "0"})])  # type: ignore[arg-type]
    assert report.passed
    assert report.verdicts[0].trace.python == python.version


def test_bad_input_is_a_clear_error_before_anything_runs(script: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least one Run"):
        labkit.check_runs(script, [])
    with pytest.raises(ValueError, match="there is no script"):
        labkit.check_runs(tmp_path / "missing.py", [labkit.Run("x")])
    with pytest.raises(PlanError):
        labkit.check_runs(script, [labkit.Run("ok"), labkit.Run("bad", interrupt=["INT@soon"])])
