"""The tracer's modules compiled ahead, once per interpreter, so that a traced program starts
without compiling them.

A traced program loads the tracer before its first line runs. Python would compile the tracer's
modules from source every time where no ``.pyc`` files can be written or read (e.g. under
``PYTHONDONTWRITEBYTECODE``), some milliseconds a run. So the runner has the program's own
interpreter compile them once into a file in labkit's cache folder, ``~/.cache/labkit`` (or
``$XDG_CACHE_HOME/labkit``, or ``$LABKIT_CACHE_DIR``), and names that file to the tracer in the
environment. The file's name is a hash of the interpreter (path, size, modification time,
version) and of the tracer's sources and folder, so a changed tracer or an upgraded interpreter
gets a new file.

Nothing here is needed for tracing to work: if the folder cannot be written, the interpreter
cannot compile, or the file turns out to be unusable (another Python version wrote it, it is
cut short, the program runs with ``-O``), the tracer is compiled from source as before. The
checks on the program's side are in ``tracer/inject/sitecustomize.py``.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import subprocess
import tempfile
from pathlib import Path

TRACER_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep + "tracer"
ENV_CODE = "LABKIT_TRACER_CODE"
"""Environment variable naming the compiled tracer file for the traced program."""
FORMAT = "labkit-tracer-code-1"
"""First field of the file's payload; the tracer ignores a file with any other."""
COMPILE_TIMEOUT = 30.0

# Run by the program's interpreter (-I -S: nothing of the user's or of site is loaded), with
# FORMAT as its argument. Reads the folder and the sources from stdin (marshal), writes the
# interpreter's magic number, then (FORMAT, folder, optimization level, {module: code}).
_COMPILER = """
import importlib.util, marshal, os, sys
folder, sources = marshal.loads(sys.stdin.buffer.read())
codes = {
    name: compile(text, os.path.join(folder, (name or "__init__") + ".py"), "exec",
                  dont_inherit=True, optimize=0)
    for name, text in sources.items()
}
payload = marshal.dumps((sys.argv[1], folder, 0, codes))
sys.stdout.buffer.write(importlib.util.MAGIC_NUMBER + payload)
"""


def cache_dir() -> Path:
    """Where labkit keeps the compiled tracer files."""
    if os.environ.get("LABKIT_CACHE_DIR"):
        return Path(os.environ["LABKIT_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "labkit"


def tracer_sources() -> dict[str, str]:
    """The tracer's modules (not the injector), by module name; "" is the package itself."""
    sources = {}
    for entry in sorted(os.listdir(TRACER_DIR)):
        if entry.endswith(".py"):
            name = entry.removesuffix(".py")
            with open(os.path.join(TRACER_DIR, entry), encoding="utf-8") as file:
                sources["" if name == "__init__" else name] = file.read()
    return sources


def compiled_tracer(python: str, version: str = "") -> str | None:
    """The path of the tracer compiled by ``python`` (which says it is ``version``), compiling
    it now if there is none yet; None if that cannot be done (the tracer then compiles itself in
    the program). The version tells apart the interpreters one path can stand for (a pyenv
    shim)."""
    try:
        sources = tracer_sources()
        path = cache_dir() / f"tracer-{_key(python, version, sources)}.bin"
        if not path.is_file():
            _compile(python, sources, path)
    except (OSError, ValueError, subprocess.SubprocessError):
        return None
    return str(path)


def _key(python: str, version: str, sources: dict[str, str]) -> str:
    """A hash of everything the compiled file depends on."""
    real = os.path.realpath(python)
    stat = os.stat(real)
    digest = hashlib.sha256(repr((FORMAT, real, stat.st_size, stat.st_mtime_ns, version,
                                  TRACER_DIR, sorted(sources.items()))).encode())
    return digest.hexdigest()[:32]


def _compile(python: str, sources: dict[str, str], path: Path) -> None:
    """Have ``python`` compile ``sources`` and write the result to ``path`` in one step (a
    reader never sees half a file). Raises OSError or SubprocessError if it cannot."""
    result = subprocess.run(
        [python, "-I", "-S", "-c", _COMPILER, FORMAT], input=marshal.dumps((TRACER_DIR, sources)),
        capture_output=True, timeout=COMPILE_TIMEOUT, check=True,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tracer-")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(result.stdout)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
