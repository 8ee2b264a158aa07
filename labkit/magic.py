"""The ``%%lab`` cell magic: the cell's code runs as a script in a lab panel.

Load it with ``%load_ext labkit``, then::

    %%lab --interrupt INT@0.5 --python 3.12 --timeout 10
    import asyncio
    ...

The cell is saved as a script (in a temporary folder that lives as long as the kernel), a Lab
panel shows it and the run starts at once; ``--no-run`` only shows the panel. The Lab is kept in
the notebook's variable ``lab`` (``--name`` to choose another), so a later cell can
``trace = await lab.wait()``. Running the cell again ends the previous run of that name first.

``%lab_solution NAME`` replaces the cell it runs in with ``solutions/NAME.ipy`` (relative to
the notebook). Unlike ``%load``, it adds no ``# %load`` line, so a solution that is a ``%%lab``
cell stays one.
"""

from __future__ import annotations

import argparse
import atexit
import re
import shlex
import shutil
import tempfile
from pathlib import Path
from typing import Any

from .interpreters import InterpreterNotFound
from .lab import Lab, display
from .runner import PlanError

_NAME = re.compile(r"^[A-Za-z_]\w*$")
_cell_dir: Path | None = None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="%%lab", add_help=False, exit_on_error=False)
    parser.add_argument("-i", "--interrupt", action="append", default=[],
                        metavar="SIGNAL@SECONDS")
    parser.add_argument("-p", "--python", default=None, metavar="VERSION_OR_PATH")
    parser.add_argument("-t", "--timeout", type=float, default=30.0, metavar="SECONDS")
    parser.add_argument("-n", "--name", default="lab")
    parser.add_argument("--no-run", action="store_true")
    return parser


USAGE = ("usage: %%lab [--interrupt SIGNAL@SECONDS]... [--python VERSION_OR_PATH] "
         "[--timeout SECONDS] [--name VARIABLE] [--no-run]")


class MagicUsageError(ValueError):
    """The options of a %%lab line cannot be understood."""


def parse_options(line: str) -> argparse.Namespace:
    """Read the options of a ``%%lab`` line; MagicUsageError says what is wrong."""
    try:
        options, extra = _parser().parse_known_args(shlex.split(line))
    except (argparse.ArgumentError, ValueError) as exc:
        raise MagicUsageError(f"%%lab: {exc}\n{USAGE}") from None
    if extra:
        raise MagicUsageError(f"%%lab: cannot read {' '.join(extra)!r}\n{USAGE}")
    if not _NAME.match(options.name):
        raise MagicUsageError(f"%%lab: --name must be a Python variable name, not "
                              f"{options.name!r}")
    return options


def _script_for(name: str, code: str) -> Path:
    global _cell_dir
    if _cell_dir is None:
        _cell_dir = Path(tempfile.mkdtemp(prefix="labkit-cells-"))
        atexit.register(shutil.rmtree, _cell_dir, True)
    path = _cell_dir / f"{name}.py"
    path.write_text(code)
    return path


def lab_cell(shell: Any, line: str, cell: str) -> Lab | None:
    """Run one ``%%lab`` cell in ``shell`` (an IPython shell); returns its Lab."""
    try:
        options = parse_options(line)
    except MagicUsageError as exc:
        print(exc)
        return None
    previous = shell.user_ns.get(options.name)
    if isinstance(previous, Lab):
        previous.close()
    script = _script_for(options.name, cell)
    try:
        lab = Lab(script, python=options.python, interrupt=options.interrupt,
                  timeout=options.timeout, title=f"%%lab cell ({options.name})")
    except (PlanError, InterpreterNotFound, ValueError) as exc:
        print(f"%%lab: {exc}")
        return None
    shell.user_ns[options.name] = lab
    display(lab)
    if not options.no_run:
        lab.start()
    return lab


SOLUTIONS = Path("solutions")


def load_solution(shell: Any, line: str) -> None:
    """Put ``solutions/NAME.ipy`` in place of the running cell, as its whole source."""
    name = line.strip().removesuffix(".ipy")
    path = SOLUTIONS / f"{name}.ipy"
    if not name or not path.is_file():
        known = sorted(p.stem for p in SOLUTIONS.glob("*.ipy")) if SOLUTIONS.is_dir() else []
        print(f"%lab_solution: there is no {path} here ({Path.cwd()}); solutions: {known}")
        return
    shell.set_next_input(path.read_text(), replace=True)


def register(shell: Any) -> None:
    """Register ``%%lab`` and ``%lab_solution`` with an IPython shell (``%load_ext labkit``)."""

    def lab(line: str, cell: str) -> None:
        lab_cell(shell, line, cell)

    def lab_solution(line: str) -> None:
        load_solution(shell, line)

    shell.register_magic_function(lab, magic_kind="cell", magic_name="lab")
    shell.register_magic_function(lab_solution, magic_kind="line", magic_name="lab_solution")
