"""Every tutorial notebook is committed the way the project asks: numbered, opening with its
objectives and minutes, kernel python3, without outputs, with exercises whose solutions are
kept out of the learner's way in notebooks/solutions/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .notebook_support import NOTEBOOKS, SOLUTIONS, load

NUMBERED = sorted(p.name for p in NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))


def test_notebooks_are_numbered_without_gaps() -> None:
    numbers = [int(name[:2]) for name in NUMBERED]
    assert numbers == list(range(len(numbers)))
    assert not [p.name for p in NOTEBOOKS.glob("*.ipynb") if p.name not in NUMBERED]


@pytest.mark.parametrize("name", NUMBERED)
def test_notebook_is_committed_clean(name: str) -> None:
    nb = load(name)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    for cell in nb.cells:
        assert cell.get("id"), f"{name}: every cell needs an id"
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, (
                f"{name}: commit notebooks without outputs (cell {cell.id})")


@pytest.mark.parametrize("name", NUMBERED)
def test_notebook_opens_with_objectives_and_minutes(name: str) -> None:
    first = load(name).cells[0]
    assert first.cell_type == "markdown"
    assert "Objectives" in first.source
    assert re.search(r"\d+ minutes? of teaching", first.source), "say the teaching minutes"
    assert re.search(r"\d+ minutes? of exercises?", first.source), "say the exercise minutes"


@pytest.mark.parametrize("name", NUMBERED)
def test_every_exercise_has_a_solution_file(name: str) -> None:
    nb = load(name)
    exercises = [c.id for c in nb.cells if c.id.startswith("exercise-")]
    if name.startswith("00-"):
        return  # the start page has an install check, not an exercise
    assert exercises, f"{name} has no exercise cell (id 'exercise-N')"
    hints = "".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for cell_id in exercises:
        path = SOLUTIONS / f"{Path(name).stem}-{cell_id}.ipy"
        assert path.is_file(), f"missing solution {path.relative_to(NOTEBOOKS)}"
        assert f"%lab_solution {path.stem}`" in hints, f"{name}: tell how to load {path.name}"
