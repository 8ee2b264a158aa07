"""Execute the tutorial notebooks headless, the way the tests need them.

``execute("02-naive-cancel.ipynb")`` runs a notebook top to bottom in a fresh ``python3``
kernel, in the ``notebooks/`` folder, as a learner's Run All would. ``replace`` swaps the source
of cells by id first (an exercise cell for its solution); ``after`` runs more code in the same
kernel once the notebook is done, so a test can assert on the notebook's own variables without
the notebook carrying test code. Cells tagged ``raises-exception`` may fail; any other error
fails the test with the cell that raised.
"""

from __future__ import annotations

import json
import textwrap
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient

from .conftest import IN_CI

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
SOLUTIONS = NOTEBOOKS / "solutions"
CELL_TIMEOUT = 120
EXECUTION_LIMIT = 60.0  # seconds per notebook; the series must stay under 3 minutes


def load(name: str) -> nbformat.NotebookNode:
    """The notebook as committed."""
    return nbformat.read(NOTEBOOKS / name, as_version=4)


def cell_by_id(nb: nbformat.NotebookNode, cell_id: str) -> nbformat.NotebookNode:
    """The cell with this id; KeyError naming the ids there are."""
    for cell in nb.cells:
        if cell.get("id") == cell_id:
            return cell
    raise KeyError(f"no cell {cell_id!r}; ids: {[c.get('id') for c in nb.cells]}")


def execute(
    name: str,
    *,
    replace: Mapping[str, str] | None = None,
    after: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
) -> nbformat.NotebookNode:
    """Run notebook ``name`` headless; return it with its outputs and the ``after`` cells.

    ``env`` is the kernel's whole environment (by default this process's).
    """
    nb = load(name)
    for cell_id, source in (replace or {}).items():
        cell_by_id(nb, cell_id).source = source
    for code in after:
        nb.cells.append(nbformat.v4.new_code_cell(textwrap.dedent(code)))
    client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOKS)}})
    if env is None:
        client.execute()
    else:
        client.execute(env=dict(env))
    return nb


def solution(name: str) -> str:
    """The text of a solution file in notebooks/solutions/."""
    return (SOLUTIONS / name).read_text()


def printed(cell: nbformat.NotebookNode) -> str:
    """Everything a cell printed on stdout."""
    return "".join(o.get("text", "") for o in cell.outputs
                   if o.output_type == "stream" and o.get("name") == "stdout")


def printed_json(cell: nbformat.NotebookNode) -> object:
    """The JSON value a cell printed as its last stdout line (``after`` cells use this)."""
    return json.loads(printed(cell).strip().splitlines()[-1])


def run_notebook(name: str, after: str, replace: dict[str, str] | None = None) -> Any:
    """Execute a notebook with one ``after`` cell that prints JSON; return that JSON, plus
    what each cell printed (``_printed``) and the errors of cells that raised (``_errors``),
    by cell id."""
    started = time.monotonic()
    nb = execute(name, replace=replace, after=[after])
    facts: Any = printed_json(nb.cells[-1])
    facts["_seconds"] = round(time.monotonic() - started, 1)
    cells = [cell for cell in nb.cells[:-1] if cell.cell_type == "code"]
    facts["_printed"] = {cell.id: printed(cell) for cell in cells}
    facts["_errors"] = {cell.id: [out.ename, out.evalue] for cell in cells
                        for out in cell.outputs if out.output_type == "error"}
    print(f"{name}{' (solution)' if replace else ''}: executed in {facts['_seconds']} s")
    return facts


def run(name: str, after: str, replace: dict[str, str] | None = None,
        ) -> tuple[nbformat.NotebookNode, Any, float]:
    """Execute a notebook with one ``after`` cell; its JSON facts and the time taken."""
    start = time.monotonic()
    nb = execute(name, replace=replace, after=[after])
    took = time.monotonic() - start
    return nb, printed_json(nb.cells[-1]), took


def check_versions(versions: list[str]) -> None:
    """3.11 always; all three versions on CI."""
    assert "3.11" in versions
    if IN_CI:
        assert versions == ["3.11", "3.12", "3.13"]


def shows_timeline(nb: nbformat.NotebookNode, cell_id: str) -> bool:
    """The cell's output holds a final timeline (an SVG image)."""
    return any("image/svg+xml" in output.get("data", {})
               for output in cell_by_id(nb, cell_id).outputs)


def error_of(nb: nbformat.NotebookNode, cell_id: str) -> tuple[str, str]:
    """The (name, value) of the error a raises-exception cell showed."""
    cell = cell_by_id(nb, cell_id)
    assert "raises-exception" in cell.metadata.get("tags", [])
    errors = [o for o in cell.outputs if o.output_type == "error"]
    assert len(errors) == 1
    return errors[0].ename, errors[0].evalue
