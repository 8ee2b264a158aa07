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
    assert exercises, f"{name} has no exercise cell (id 'exercise-N')"
    hints = "".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for cell_id in exercises:
        path = SOLUTIONS / f"{Path(name).stem}-{cell_id}.ipy"
        assert path.is_file(), f"missing solution {path.relative_to(NOTEBOOKS)}"
        assert f"%lab_solution {path.stem}`" in hints, f"{name}: tell how to load {path.name}"


DEMO = re.compile(r"labkit\.Lab\(|on_each_version\(|labkit\.run\b|subprocess\.(Popen|run)\(|"
                  r"^%%lab\b(?!.*--name ex\d)", re.MULTILINE)
"""A cell that runs a program for the learner to watch (an exercise's %%lab cell is not one)."""


@pytest.mark.parametrize("name", NUMBERED)
def test_each_demo_is_preceded_by_a_prediction(name: str) -> None:
    """Before each cell that runs a program, the learner is asked to predict what it will do."""
    asked = False
    for cell in load(name).cells:
        if cell.cell_type == "markdown":
            asked = asked or "**Predict, then run.**" in cell.source
        elif DEMO.search(cell.source):
            assert asked, f"{name}: ask for a prediction before cell {cell.id}"
            asked = False


@pytest.mark.parametrize("name", NUMBERED)
def test_at_least_two_exercises_not_all_at_the_end(name: str) -> None:
    cells = load(name).cells
    exercises = [i for i, c in enumerate(cells) if c.id.startswith("exercise-")]
    assert len(exercises) >= 2, f"{name}: at least two exercises"
    sections_after_first = [c for c in cells[exercises[0] + 1:]
                            if c.cell_type == "markdown" and c.source.startswith("## ")
                            and not c.source.startswith(("## Exercise", "## Key points"))]
    assert sections_after_first, (
        f"{name}: the first exercise comes where its topic is taught, before another section")


@pytest.mark.parametrize("name", NUMBERED)
def test_ends_with_key_points_for_production_code(name: str) -> None:
    last = load(name).cells[-1]
    assert last.cell_type == "markdown" and last.source.startswith("## Key points")
    assert "production" in last.source.lower()
