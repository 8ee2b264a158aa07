"""The package as an installer and a type checker see it: its version, py.typed, python -m."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import labkit

ROOT = Path(__file__).resolve().parent.parent


def test_version_is_the_one_pyproject_gives() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert labkit.__version__ == project["version"]


def test_the_package_says_it_is_typed() -> None:
    assert (Path(labkit.__file__).parent / "py.typed").is_file()


def test_python_dash_m_labkit_is_the_command(tmp_path: Path) -> None:
    script = tmp_path / "hello.py"
    script.write_text("import asyncio\n\nasync def main():\n    print('hello')\n\n"
                      "asyncio.run(main())\n")
    done = subprocess.run([sys.executable, "-m", "labkit", "run", str(script)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "hello" in done.stdout and "main" in done.stdout
    bad = subprocess.run([sys.executable, "-m", "labkit", "run"], capture_output=True, text=True,
                         timeout=60)
    assert bad.returncode == 2 and "script" in bad.stderr
