"""The notebooks where only one CPython is installed, as on Binder: they run top to bottom and
say which versions they could not compare."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from labkit import interpreters

from .notebook_support import cell_by_id, execute, load, printed, printed_json

pytestmark = pytest.mark.slow

OTHERS = [v for v in interpreters.SUPPORTED if v != "3.11"]


@pytest.fixture(scope="module")
def only_this_python(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """An environment in which labkit finds no interpreter but the kernel's own."""
    empty = tmp_path_factory.mktemp("no-pyenv")
    env = dict(os.environ, PYENV_ROOT=str(empty), HOME=str(tmp_path_factory.mktemp("home")))
    path = [str(Path(sys.executable).parent)]
    path += [d for d in os.environ.get("PATH", "").split(os.pathsep)
             if ".pyenv" not in d and not any(Path(d, f"python{v}").exists() for v in OTHERS)]
    env["PATH"] = os.pathsep.join(path)
    found = subprocess.run(
        [sys.executable, "-c", "import json, labkit.interpreters as i; "
         "print(json.dumps(sorted(i.available())))"],
        env=env, capture_output=True, text=True, check=True,
    ).stdout
    assert json.loads(found) == ["3.11"]
    return env


def test_00_names_the_versions_it_did_not_find(only_this_python: dict[str, str]) -> None:
    nb = execute("00-start-here.ipynb", env=only_this_python)
    shown = printed(cell_by_id(nb, "install-check"))
    assert "CPython versions labkit found: 3.11." in shown
    assert f"not found: {', '.join(OTHERS)} (the notebooks still run" in shown


def test_03_says_its_tables_show_one_version(only_this_python: dict[str, str]) -> None:
    nb = execute("03-restarting-the-loop.ipynb", env=only_this_python)
    shown = printed(cell_by_id(nb, "setup"))
    assert f"not installed here: {', '.join(OTHERS)} (the tables below" in shown


# --- Binder: only 3.11 may be installed -------------------------------------------------------
ONLY_311 = """
versions = {"3.11": versions["3.11"]}  # as on a machine with only Python 3.11
print("CPython versions used:", list(versions))
"""


@pytest.mark.parametrize("name", ["03-restarting-the-loop.ipynb", "04-gather-everything.ipynb",
                                  "05-asyncio-run-and-runner.ipynb"])
def test_runs_with_only_python_311(name: str) -> None:
    setup = cell_by_id(load(name), "setup").source
    nb = execute(name, replace={"setup": setup + "\n" + ONLY_311},
                 after=["import json; print(json.dumps(sorted(versions)))"])
    assert printed_json(nb.cells[-1]) == ["3.11"]
