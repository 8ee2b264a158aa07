"""The %%lab options and %lab_solution, without a kernel (a stand-in shell records calls)."""

from __future__ import annotations

from pathlib import Path

import pytest

from labkit import magic


class RecordingShell:
    """Just enough of an IPython shell for the magics."""

    def __init__(self) -> None:
        self.next_inputs: list[tuple[str, bool]] = []
        self.user_ns: dict[str, object] = {}

    def set_next_input(self, text: str, replace: bool = False) -> None:
        self.next_inputs.append((text, replace))


def test_options_are_read_and_bad_ones_explained() -> None:
    options = magic.parse_options("-i INT@0.5 --interrupt INT@1 -p 3.12 -t 5 -n ex2 --no-run")
    assert (options.interrupt, options.python, options.timeout, options.name, options.no_run) == (
        ["INT@0.5", "INT@1"], "3.12", 5.0, "ex2", True)
    with pytest.raises(magic.MagicUsageError, match="cannot read '--colour red'"):
        magic.parse_options("--colour red")
    with pytest.raises(magic.MagicUsageError, match="variable name"):
        magic.parse_options("--name 2x")
    with pytest.raises(magic.MagicUsageError, match="usage: %%lab"):
        magic.parse_options("--timeout soon")


def test_lab_solution_replaces_the_cell_with_the_file_and_nothing_else(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    (tmp_path / "solutions").mkdir()
    (tmp_path / "solutions" / "02-x-exercise-1.ipy").write_text("%%lab --name ex1\nprint(1)\n")
    monkeypatch.chdir(tmp_path)
    shell = RecordingShell()
    magic.load_solution(shell, " 02-x-exercise-1 ")
    assert shell.next_inputs == [("%%lab --name ex1\nprint(1)\n", True)]
    magic.load_solution(shell, "02-y")
    assert len(shell.next_inputs) == 1
    assert "no solutions/02-y.ipy here" in capsys.readouterr().out
