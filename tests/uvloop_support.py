"""uvloop for the interpreters the tests run programs under, installed by the tests themselves.

The programs run under pyenv's interpreters, which have nothing installed, so each gets uvloop
once, with its own pip (``pip install --target``: a wheel built for that version), into a folder
of its own under ``.venv`` (kept with the development environment; a fresh clone makes it anew).
A program finds it through ``PYTHONPATH`` in the run's environment, as the runner passes the
program's own ``PYTHONPATH`` on to it.
"""

from __future__ import annotations

import fcntl
import subprocess
from pathlib import Path

from labkit.interpreters import Interpreter
from labkit.runner import plain_environment

UVLOOP = "uvloop==0.23.0"
"""What is installed: one version, so that the traces on every interpreter are alike."""
CACHE = Path(__file__).resolve().parent.parent / ".venv" / "test-packages"


def uvloop_dir(python: Interpreter) -> Path:
    """A folder holding uvloop for ``python``: installed there the first time, then reused."""
    folder = CACHE / f"cpython-{python.version}"
    stamp = folder / ".installed"
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / ".lock", "w") as lock:  # another test session may be installing too
        fcntl.flock(lock, fcntl.LOCK_EX)
        if stamp.exists() and stamp.read_text() == UVLOOP:
            return folder
        done = subprocess.run(
            [python.path, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             "--no-deps", "--upgrade", "--target", str(folder), UVLOOP],
            capture_output=True, text=True, timeout=300, check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"could not install {UVLOOP} for {python.path}:\n"
                               f"{done.stdout}{done.stderr}")
        stamp.write_text(UVLOOP)
    return folder


def environment(python: Interpreter) -> dict[str, str]:
    """This process's environment, with uvloop for ``python`` on ``PYTHONPATH``."""
    env = plain_environment()
    env["PYTHONPATH"] = str(uvloop_dir(python))
    return env
