"""Find the Python interpreter a program should run under: a version such as "3.12", or a path.

Versions are looked up on PATH (``python3.12``) and under pyenv (``~/.pyenv/versions/3.12.*``).
The tracer needs nothing installed in the interpreter; it only has to be CPython 3.11 or newer.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .tracer.internals import TESTED, newer_than_tested

MIN_VERSION = TESTED[0]
SUPPORTED = tuple(f"{major}.{minor}" for major, minor in TESTED)
"""The versions labkit is tested on, which ``available()`` looks for."""
_VERSION = re.compile(r"^\d+\.\d+$")


class InterpreterNotFound(LookupError):
    """No interpreter matches what was asked for, or it is too old."""


@dataclass(frozen=True)
class Interpreter:
    """A Python executable and the version it reports."""

    path: str
    version: str  # "3.12.1"

    @property
    def short_version(self) -> str:
        """Major.minor, e.g. "3.12"."""
        return ".".join(self.version.split(".")[:2])

    @property
    def untested(self) -> str | None:
        """"CPython X.Y is newer than labkit was tested on (...)", or None for a tested one."""
        major, minor = (int(part) for part in self.version.split(".")[:2])
        return newer_than_tested((major, minor))


def _pyenv_roots() -> list[Path]:
    roots = [Path(os.environ["PYENV_ROOT"])] if os.environ.get("PYENV_ROOT") else []
    roots.append(Path.home() / ".pyenv")
    found: list[Path] = []
    for root in roots:
        versions = root / "versions"
        if versions.is_dir() and versions.resolve() not in [f.resolve() for f in found]:
            found.append(versions)
    return found


def _version_of(path: str) -> str:
    try:
        out = subprocess.run(
            [path, "-S", "-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"],
            capture_output=True, text=True, timeout=20, check=True,
        )
    except subprocess.CalledProcessError as exc:
        why = (exc.stderr or "").strip().splitlines()[:1] or [f"exit status {exc.returncode}"]
        raise InterpreterNotFound(
            f"{path} does not run as a Python 3 interpreter ({why[0]})"
        ) from exc
    except (OSError, subprocess.SubprocessError) as exc:
        raise InterpreterNotFound(f"{path} does not run as a Python interpreter: {exc}") from exc
    if not re.fullmatch(r"\d+\.\d+\.\d+", out.stdout.strip()):
        raise InterpreterNotFound(f"{path} does not look like a Python interpreter")
    return out.stdout.strip()


def _candidates(short: str) -> list[str]:
    found: list[str] = []
    on_path = shutil.which(f"python{short}")
    if on_path:
        found.append(on_path)
    for versions in _pyenv_roots():
        matches = sorted(
            versions.glob(f"{short}.*"),
            key=lambda p: [int(x) if x.isdigit() else -1 for x in p.name.split(".")],
            reverse=True,
        )
        for match in matches:
            exe = match / "bin" / f"python{short}"
            if exe.exists() and re.fullmatch(rf"{re.escape(short)}\.\d+", match.name):
                found.append(str(exe))
    return found


def _first_working(short: str) -> Interpreter:
    """The first candidate for a version that really runs and really is that version."""
    for path in _candidates(short):
        try:
            version = _version_of(path)
        except InterpreterNotFound:
            continue  # e.g. a pyenv shim for a version that is not selected
        if version.startswith(short + "."):
            return Interpreter(path, version)
    roots = ", ".join(str(r) for r in _pyenv_roots()) or "~/.pyenv not present"
    raise InterpreterNotFound(
        f"no Python {short} found on PATH (python{short}) or under pyenv ({roots})"
    )


def resolve(spec: str | None = None) -> Interpreter:
    """The interpreter for ``spec``: None (this one), a version "3.12", or a path."""
    if spec is None:
        version = ".".join(str(part) for part in sys.version_info[:3])
        interpreter = Interpreter(sys.executable, version)
    elif _VERSION.match(spec):
        interpreter = _first_working(spec)
    else:
        path = shutil.which(spec) or spec
        if not os.path.exists(path):
            raise InterpreterNotFound(
                f"no interpreter at {spec!r} (give a version like 3.12 or a path)"
            )
        interpreter = Interpreter(path, _version_of(path))
    major_minor = tuple(int(x) for x in interpreter.version.split(".")[:2])
    if major_minor < MIN_VERSION:
        raise InterpreterNotFound(
            f"{interpreter.path} is Python {interpreter.version}; labkit needs 3.11 or newer"
        )
    return interpreter


def available() -> dict[str, Interpreter]:
    """The supported versions present on this machine, by short version."""
    found: dict[str, Interpreter] = {}
    for short in SUPPORTED:
        try:
            found[short] = resolve(short)
        except InterpreterNotFound:
            continue
    return found
