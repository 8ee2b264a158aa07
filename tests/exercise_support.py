"""Judge a program with a notebook's own exercise check, the way a learner's check cell does.

A notebook's exercise is a ``%%lab --name exN ...`` cell (the starter program) and, further
down, a check cell that calls ``labkit.check_runs(exN, ...)``. ``exercises(notebook)`` finds
both; ``judge(exercise, program, python)`` writes ``program`` to a file and runs the check
cell's code on it, under that interpreter, exactly as the cell is committed.

Fixes a learner might write live in ``tests/exercise_fixes/<notebook>/<exN>/``: one program
per file, whose docstring starts with "Right:" or "Wrong:", and, for a wrong one, has a line
``Rejected by: TEXT``, a piece of the failure message the check must give.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import labkit
from labkit.interpreters import Interpreter

from .notebook_support import NOTEBOOKS, SOLUTIONS, load

FIXES = Path(__file__).resolve().parent / "exercise_fixes"
MAGIC = re.compile(r"^%%lab\b.*--name (?P<name>ex\d+)\b.*$", re.MULTILINE)


@dataclass(frozen=True)
class Exercise:
    """One exercise of a notebook: its starter program and the code of its check cell."""

    notebook: str  # file name, e.g. "01-tasks-and-the-loop.ipynb"
    name: str  # "ex1"
    starter: str
    check: str | None  # None: the notebook has no check_runs cell for it (a test says so)

    @property
    def stem(self) -> str:
        """The notebook's name without ``.ipynb``."""
        return self.notebook.removesuffix(".ipynb")

    def solution(self) -> str:
        """The program of its solution file (without the ``%%lab`` line)."""
        number = self.name.removeprefix("ex")
        text = (SOLUTIONS / f"{self.stem}-exercise-{number}.ipy").read_text()
        return strip_magic(text)

    def fixes(self) -> list[Path]:
        """The fix files written for it."""
        return sorted((FIXES / self.stem / self.name).glob("*.py"))


def strip_magic(cell: str) -> str:
    """A ``%%lab`` cell's program: the cell without its first line."""
    first, _, rest = cell.partition("\n")
    assert first.startswith("%%lab"), first
    return rest


def exercises(notebook: str) -> list[Exercise]:
    """Every exercise of a notebook, in order, each with its check cell."""
    cells = [c.source for c in load(notebook).cells if c.cell_type == "code"]
    found = []
    for source in cells:
        match = MAGIC.match(source)
        if match is None:
            continue
        name = match["name"]
        checks = [c for c in cells if f"check_runs({name}," in c or f"check_runs({name})" in c]
        check = checks[0] if len(checks) == 1 else None
        found.append(Exercise(notebook, name, strip_magic(source), check))
    return found


def all_exercises() -> list[Exercise]:
    """The exercises of every notebook."""
    return [ex for path in sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
            for ex in exercises(path.name)]


def judge(exercise: Exercise, program: str, python: Interpreter, folder: Path) -> labkit.RunsReport:
    """Run the exercise's check cell on ``program`` under ``python``; its report."""
    assert exercise.check is not None, f"{exercise.notebook}: {exercise.name} has no check cell"
    script = folder / f"{exercise.stem}-{exercise.name}.py"
    script.write_text(program)
    lab = SimpleNamespace(script=str(script), args=[], cwd=None, python=python)
    namespace: dict[str, object] = {"labkit": labkit, exercise.name: lab}
    code = compile(exercise.check, f"<{exercise.notebook}: check of {exercise.name}>", "exec",
                   flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    exec(code, namespace)
    reports = [v for v in namespace.values() if isinstance(v, labkit.RunsReport)]
    assert len(reports) == 1, f"the check cell of {exercise.name} should make one report"
    return reports[0]


@dataclass(frozen=True)
class Fix:
    """A fix file: its program, whether it is right, and what rejects it if it is wrong."""

    path: Path
    program: str
    right: bool
    rejected_by: str | None

    @classmethod
    def read(cls, path: Path) -> Fix:
        """Parse a fix file's docstring."""
        program = path.read_text()
        doc = ast.get_docstring(ast.parse(program)) or ""
        assert doc.startswith(("Right:", "Wrong:")), f"{path}: docstring must say Right: or Wrong:"
        rejected = re.search(r"^Rejected by: (.+)$", doc, re.MULTILINE)
        right = doc.startswith("Right:")
        assert right == (rejected is None), f"{path}: a wrong fix says what rejects it, only it"
        return cls(path, program, right, rejected[1].strip() if rejected else None)
