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
from collections.abc import Mapping, Sequence
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
SOLUTIONS = NOTEBOOKS / "solutions"
CELL_TIMEOUT = 120


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
